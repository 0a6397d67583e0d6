"""reStructuredText FAQ / Q&A documents, read with docutils (the reference parser).

The document is parsed without running anything that reads files or the network (``include``,
``raw``, ``csv-table :file:`` are disabled) and without printing: docutils' messages are
collected and reported as warnings or errors with their line. Sphinx directives and roles
(``.. code-block::``, ``:class:`Client```, ``:ref:``) are read leniently, as code and literal
text; any other unknown role or directive is kept as text with a warning.

The questions are the sections of one level, found like the Markdown reader finds its heading
level: the level whose titles are questions (ending with ``?`` or starting with an
interrogative word) most often, each followed by content. Sections above that level are topics
(the one section holding the whole document is its title, the bank's name); sections below it
belong to the answer. Each question's answer is its section's body rendered back to Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from docutils import nodes, utils
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, Parser, directives, roles
from docutils.parsers.rst.states import Inliner

from bot.bank.answer import parse_units
from bot.bank.build import Problems, RawQuestion
from bot.bank.model import parse_difficulty

# docutils is much slower than the other readers (about 1 s and 100 MiB per 100 KiB of dense
# inline markup), so a reStructuredText bank has a smaller limit than the loader's MAX_BANK_BYTES.
# A long FAQ is 20-60 KiB.
MAX_RST_BYTES = 256 * 1024
# docutils' own messages reported per file; the rest are counted.
MAX_MESSAGES = 20

_INTERROGATIVE = re.compile(
    r"^(?:what|why|how|when|where|which|who|whom|whose|is|are|was|were|can|could|should|"
    r"shall|do|does|did|will|would|may|might|must|has|have|had)\b",
    re.IGNORECASE,
)
# Sphinx roles written ``:class:`~discord.Client``` or ``:ref:`title <target>```.
_EXPLICIT_TITLE = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_PROBLEMATIC_ROLE = re.compile(r"^:[\w:.+-]+:`(?P<text>.*)`$", re.DOTALL)


# lenient Sphinx directives and roles ------------------------------------------------------------
class _CodeBlock(Directive):
    """``.. code-block:: python`` and friends: the content as a literal block."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {}
    has_content = True

    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content)
        node = nodes.literal_block(code, code)
        node["language"] = self.arguments[0].split()[0] if self.arguments else ""
        node.line = self.lineno
        return [node]


class _Container(Directive):
    """``.. seealso::``, ``.. versionadded:: 2.0``: the content read as ordinary text."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {}
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = nodes.container()
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class _Nothing(Directive):
    """``.. currentmodule::``, ``.. toctree::``, ``.. literalinclude::``: nothing to show (and
    no file is read)."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {}
    has_content = True

    def run(self) -> list[nodes.Node]:
        return []


class _AnyOptions(dict[str, Callable[[str], Any]]):
    """Accept every option (``:linenos:``, ``:emphasize-lines: 2``) of a lenient directive."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Callable[[str], Any]:
        return directives.unchanged


for _cls in (_CodeBlock, _Container, _Nothing):
    _cls.option_spec = _AnyOptions()

_CODE_DIRECTIVES = ("code-block", "sourcecode", "code")
_CONTAINER_DIRECTIVES = (
    "seealso",
    "versionadded",
    "versionchanged",
    "versionremoved",
    "deprecated",
    "only",
    "centered",
    "hlist",
    "tab",
    "tabs",
    "glossary",
)
_SILENT_DIRECTIVES = (
    "currentmodule",
    "module",
    "highlight",
    "toctree",
    "literalinclude",
    "index",
    "sectionauthor",
    "moduleauthor",
    "codeauthor",
    "autoclass",
    "automodule",
    "autofunction",
    "automethod",
    "autoattribute",
    "autodata",
    "autoexception",
    "autosummary",
    "program",
    "default-role",
)
_SPHINX_ROLES = (
    "ref",
    "doc",
    "any",
    "class",
    "meth",
    "func",
    "attr",
    "mod",
    "exc",
    "data",
    "obj",
    "const",
    "term",
    "envvar",
    "option",
    "program",
    "file",
    "command",
    "kbd",
    "samp",
    "abbr",
    "dfn",
    "guilabel",
    "menuselection",
    "keyword",
    "token",
    "download",
    "numref",
    "pep",
    "rfc",
    "issue",
    "py:class",
    "py:meth",
    "py:func",
    "py:attr",
    "py:mod",
    "py:exc",
    "py:data",
    "py:obj",
    "py:const",
)


def _sphinx_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, Any] | None = None,
    content: Sequence[str] = (),
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """A cross-reference role shown as code: its title, or its target without the module
    (``~discord.Client`` -> ``Client``)."""
    text = utils.unescape(text)
    m = _EXPLICIT_TITLE.match(text)
    if m:
        text = m.group("title")
    else:
        text = text.lstrip("!")
        if text.startswith("~"):
            text = text[1:].rsplit(".", 1)[-1]
        text = text.lstrip(".")
    if name in ("ref", "doc", "term", "any", "numref", "download", "abbr", "dfn", "guilabel"):
        return [nodes.Text(text)], []
    return [nodes.literal(rawtext, text)], []


_registered = False


def _register() -> None:
    """Teach docutils the common Sphinx names (its registries are process-wide, as Sphinx's are)."""
    global _registered
    if _registered:
        return
    for name in _CODE_DIRECTIVES:
        directives.register_directive(name, _CodeBlock)
    for name in _CONTAINER_DIRECTIVES:
        directives.register_directive(name, _Container)
    for name in _SILENT_DIRECTIVES:
        directives.register_directive(name, _Nothing)
    for name in _SPHINX_ROLES:
        roles.register_canonical_role(name, _sphinx_role)  # type: ignore[arg-type]
    _registered = True


# parsing ----------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Message:
    level: int
    line: int | None
    text: str


def _parse(text: str, messages: list[_Message]) -> nodes.document:
    _register()
    parser = Parser()
    settings = get_default_settings(Parser)
    settings.file_insertion_enabled = False
    settings.raw_enabled = False
    settings.report_level = 5  # nothing printed: messages are collected below
    settings.halt_level = 5  # never stop on a message
    settings.warning_stream = False
    settings.stylesheet_path = None
    settings.syntax_highlight = "none"  # the "code" directive must not need Pygments
    settings.character_level_inline_markup = False
    settings.pep_references = False
    settings.rfc_references = False
    settings.input_encoding = "utf-8"
    settings.line_length_limit = 100_000
    document = utils.new_document("<bank>", settings)

    def observe(msg: nodes.system_message) -> None:
        line = msg.get("line")
        paragraphs = [c for c in msg.children if isinstance(c, nodes.paragraph)]
        text = paragraphs[0].astext() if paragraphs else msg.astext()
        messages.append(
            _Message(msg["level"], line if isinstance(line, int) else None, text.split("\n")[0])
        )

    document.reporter.attach_observer(observe)
    parser.parse(text, document)
    return document


# rendering to Markdown --------------------------------------------------------------------------
class _Renderer:
    def __init__(self, document: nodes.document) -> None:
        self.substitutions: dict[str, nodes.substitution_definition] = dict(
            document.substitution_defs
        )

    def inline(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return node.astext().replace("\n", " ")
        if isinstance(node, nodes.literal):
            code = node.astext().replace("\n", " ")
            fence = "``" if "`" in code else "`"
            return f"{fence}{code}{fence}" if code.strip() else code
        if isinstance(node, nodes.system_message | nodes.footnote_reference | nodes.target):
            return "" if not isinstance(node, nodes.target) else self.children(node)
        if isinstance(node, nodes.problematic):
            raw = node.astext()
            m = _PROBLEMATIC_ROLE.match(raw)
            return f"`{m.group('text')}`" if m else raw
        if isinstance(node, nodes.substitution_reference):
            definition = self.substitutions.get(node.get("refname", ""))
            if definition is not None:
                return self.children(definition)
            return node.astext().replace("_", " ")
        if isinstance(node, nodes.image):
            return str(node.get("alt", ""))
        inner = self.children(node)
        if isinstance(node, nodes.strong) and inner.strip():
            return f"**{inner.strip()}**"
        if isinstance(node, nodes.emphasis) and inner.strip():
            return f"*{inner.strip()}*"
        return inner  # reference, title_reference, inline, abbreviation...: their text

    def children(self, node: nodes.Node) -> str:
        return "".join(self.inline(child) for child in node.children)

    def blocks(self, node: nodes.Node, indent: int = 0) -> list[str]:
        """The block-level children of ``node`` as Markdown lines (blank lines between blocks)."""
        out: list[str] = []
        for child in node.children:
            lines = self.block(child, indent)
            if lines:
                if out:
                    out.append("")
                out.extend(lines)
        return out

    def block(self, node: nodes.Node, indent: int) -> list[str]:
        pad = " " * indent
        if isinstance(node, nodes.system_message):
            # an unknown directive: docutils keeps its text in a literal block, shown as code
            first = node.children[0].astext() if node.children else ""
            if not first.startswith("Unknown directive type"):
                return []
            return [
                line
                for child in node.children
                if isinstance(child, nodes.literal_block)
                for line in self.block(child, indent)
            ]
        if isinstance(
            node,
            nodes.comment
            | nodes.comment
            | nodes.target
            | nodes.substitution_definition
            | nodes.pending
            | nodes.title
            | nodes.footnote
            | nodes.citation
            | nodes.raw,
        ):
            return []
        if isinstance(node, nodes.topic) and "contents" in node.get("classes", ()):
            return []
        if isinstance(node, nodes.paragraph | nodes.line | nodes.rubric):
            text = " ".join(self.children(node).split())
            return [pad + text] if text else []
        if isinstance(node, nodes.literal_block | nodes.doctest_block):
            language = node.get("language", "") or ""
            if not language:
                node_classes: list[str] = node.get("classes", [])
                classes = [c for c in node_classes if c != "code"]
                language = classes[0] if classes else ""
            code = node.astext().rstrip("\n").split("\n")
            fence = "````" if any("```" in line for line in code) else "```"
            return [fence + language, *code, fence]  # code keeps its own indentation
        if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            out: list[str] = []
            for item in node.children:
                out.extend(self.list_item(item, indent))
            return out
        if isinstance(node, nodes.definition_list):
            out = []
            for item in node.children:
                term = " ".join(
                    self.children(c) for c in item.children if isinstance(c, nodes.term)
                )
                body: list[str] = []
                for c in item.children:
                    if isinstance(c, nodes.definition):
                        body = self.blocks(c, indent + 2)
                out.append(f"{pad}- **{term.strip()}**")
                out.extend(line for line in body if line.strip())
            return out
        if isinstance(node, nodes.field_list | nodes.option_list):
            out = []
            for item in node.children:
                name = item.children[0].astext() if item.children else ""
                body = self.blocks(item.children[-1], indent + 2) if len(item.children) > 1 else []
                first = body[0].strip() if body else ""
                out.append(f"{pad}- {name}: {first}".rstrip())
                out.extend(line for line in body[1:] if line.strip())
            return out
        if isinstance(node, nodes.Admonition) and isinstance(node, nodes.Element):
            label = node.tagname.capitalize() if node.tagname != "admonition" else ""
            body = self.blocks(node, indent)
            if isinstance(node, nodes.admonition):
                titles = [c for c in node.children if isinstance(c, nodes.title)]
                label = self.children(titles[0]).strip() if titles else ""
            if body and label:
                body[0] = f"{pad}**{label}:** {body[0].strip()}"
            return body
        if isinstance(node, nodes.section | nodes.topic | nodes.sidebar):
            titles = [c for c in node.children if isinstance(c, nodes.title)]
            head = [f"{pad}**{self.children(titles[0]).strip()}**"] if titles else []
            body = self.blocks(node, indent)
            return [*head, "", *body] if head and body else head + body
        if isinstance(node, nodes.table):
            out = []
            for row in node.findall(nodes.row):
                cells = [" ".join(self.blocks(entry)).strip() for entry in row.children]
                out.append(pad + " | ".join(cells))
            return out
        if isinstance(node, nodes.line_block):
            return [pad + line for line in self.blocks(node) if line.strip()]
        if isinstance(node, nodes.transition):
            return []
        if isinstance(node, nodes.image | nodes.figure):
            return []
        if isinstance(node, nodes.Element) and node.children:
            if all(isinstance(c, nodes.Inline | nodes.Text) for c in node.children):
                text = " ".join(self.children(node).split())
                return [pad + text] if text else []
            return self.blocks(node, indent)  # block quote, container, compound...
        return []

    def list_item(self, item: nodes.Node, indent: int) -> list[str]:
        lines = self.blocks(item, indent + 2)
        while lines and not lines[0].strip():
            lines.pop(0)
        if not lines or lines[0].startswith("```"):  # an item that starts with code
            return [" " * indent + "-", *lines]
        return [" " * indent + "- " + lines[0].strip(), *lines[1:]]


# the document's shape ----------------------------------------------------------------------------
@dataclass(slots=True)
class _Section:
    node: nodes.section
    depth: int
    title: str  # Markdown inline
    line: int | None
    has_content: bool
    parents: list[_Section] = field(default_factory=list)


def is_question_title(title: str) -> bool:
    text = title.strip().strip("*`").strip()
    return text.endswith("?") or bool(_INTERROGATIVE.match(text))


def _title_line(section: nodes.section) -> int | None:
    for child in section.children:
        if isinstance(child, nodes.title):
            line = child.line
            # docutils gives the line after the title's text (the underline): the text is above
            return line - 1 if isinstance(line, int) and line > 1 else line
    return None


def _sections(document: nodes.document, renderer: _Renderer) -> list[_Section]:
    out: list[_Section] = []

    def walk(node: nodes.Element, depth: int, parents: list[_Section]) -> None:
        for child in node.children:
            if not isinstance(child, nodes.section):
                continue
            title_nodes = [c for c in child.children if isinstance(c, nodes.title)]
            title = renderer.children(title_nodes[0]) if title_nodes else ""
            content = [
                c
                for c in child.children
                if not isinstance(
                    c,
                    nodes.title
                    | nodes.section
                    | nodes.system_message
                    | nodes.target
                    | nodes.comment
                    | nodes.substitution_definition,
                )
            ]
            section = _Section(
                child, depth, " ".join(title.split()), _title_line(child), bool(content), parents
            )
            out.append(section)
            walk(child, depth + 1, [*parents, section])

    # iterative depth is bounded by docutils itself: section nesting needs a new underline style
    # per level, and there are few of those
    walk(document, 1, [])
    return out


def _describe(level: int, topics: bool) -> str:
    extra = f"; level-{level - 1} sections are topics" if topics else ""
    return f"questions are level-{level} section titles{extra}"


def read_rst(text: str, problems: Problems) -> tuple[str | None, list[RawQuestion], str | None]:
    """Parse a reStructuredText document: its title, raw questions and its shape."""
    size = len(text.encode("utf-8"))
    if size > MAX_RST_BYTES:
        problems.error(
            None,
            f"the file is {size / 1024:.0f} KiB; reStructuredText banks are limited to "
            f"{MAX_RST_BYTES // 1024} KiB (split it into several files)",
        )
        return None, [], None
    messages: list[_Message] = []
    try:
        return _read(text, messages, problems)
    except RecursionError:  # docutils and the renderer recurse once per nested block
        problems.error(None, "the reStructuredText is nested too deeply to read")
        return None, [], None
    finally:
        _report(messages, problems)


def _report(messages: list[_Message], problems: Problems) -> None:
    shown = 0
    for msg in messages:
        if msg.level < 2:
            continue  # docutils' debug and info messages
        shown += 1
        if shown > MAX_MESSAGES:
            continue
        if msg.text.startswith(("Unknown directive type", "Unknown interpreted text role")):
            problems.warn(msg.line, f"{msg.text} (kept as text)")
        elif msg.level >= 3:
            problems.error(msg.line, f"reStructuredText: {msg.text}")
        else:
            problems.warn(msg.line, f"reStructuredText: {msg.text}")
    if shown > MAX_MESSAGES:
        problems.warn(None, f"and {shown - MAX_MESSAGES} more reStructuredText messages")


def _read(
    text: str, messages: list[_Message], problems: Problems
) -> tuple[str | None, list[RawQuestion], str | None]:
    document = _parse(text, messages)
    renderer = _Renderer(document)
    sections = _sections(document, renderer)
    # the document title: one top-level section holding all the others, not itself a question
    top = [s for s in sections if s.depth == 1]
    title: str | None = None
    title_section: _Section | None = None
    if len(top) == 1 and not is_question_title(top[0].title):
        title_section = top[0]
        title = top[0].title or None

    counts: dict[int, int] = {}
    for s in sections:
        if s is not title_section and s.has_content and is_question_title(s.title):
            counts[s.depth] = counts.get(s.depth, 0) + 1
    if not counts:
        problems.error(
            None,
            "no question sections found: questions are section titles ending with '?' "
            "(or starting with What, How, Why...), each followed by its answer",
        )
        return title, [], None
    level = max(counts, key=lambda d: (counts[d], -d))

    raws: list[RawQuestion] = []
    has_topics = False
    for s in sections:
        if s.depth != level:
            continue
        line = s.line or 1
        topics = [p for p in s.parents if p is not title_section]
        topic = topics[-1].title if topics else None
        difficulty = None
        for p in topics:
            difficulty = parse_difficulty(p.title) or difficulty
        if topic is not None and parse_difficulty(topic) is not None:
            topic = topics[-2].title if len(topics) > 1 else None
        has_topics = has_topics or topic is not None
        units = parse_units(renderer.blocks(s.node))
        if not units:
            problems.warn(line, f"the question {s.title!r} has no answer: skipped")
            continue
        raw = RawQuestion(prompt=s.title, line=line, topic=topic, difficulty=difficulty)
        raw.answers.append(units)
        raws.append(raw)
    return title, raws, _describe(level, has_topics)
