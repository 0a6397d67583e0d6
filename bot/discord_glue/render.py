"""The one place that turns questions, answers and results into Discord embeds.

Every function here keeps within Discord's limits (4096 characters per description, 1024 per
field, 6000 per message) by shortening the longest text, never by failing. Bank text reaches an
embed only through :func:`bank_text`, which decides what a bank may format (docs/banks.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import discord

from bot.bank.cloze import asking
from bot.bank.model import Question
from bot.bank.text import shorten
from bot.db.qotd import ArchivedPost
from bot.items.model import Item, Kind
from bot.study.recall import GRADE_NAMES, suggested_grade

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXY"
MAX_DESCRIPTION = 4096
MAX_FIELD = 1024
MAX_MESSAGE_EMBEDS = 6000
MAX_CONTENT = 2000  # characters of message content

COLOUR = discord.Colour.blurple()
RIGHT = discord.Colour.green()
WRONG = discord.Colour.red()


def ts(instant: datetime, style: str = "f") -> str:
    """A Discord timestamp: every member sees it in their own timezone."""
    return f"<t:{int(instant.timestamp())}:{style}>"


# --- bank text -------------------------------------------------------------------------------
# A bank (anyone's file) may use bold, italic, underline, strikethrough, inline code, code blocks
# and lists: interview answers need them. Nothing else it writes may change what a member sees
# around it: a masked link shows its address, spoiler bars are shown as text, headings, subtext
# and block quotes are plain lines, and a code block left open is closed where the text ends.
# Every pattern is possessive or bounded, so hostile text is read in linear time.

FENCE = "```"
_MASKED_LINK = re.compile(r"\[([^\[\]\n]*+)\]\(\s*+<?([^()<>\s]*+)>?\s*+(?:\"[^\"\n]*+\"\s*+)?\)")
_LINE_MARKUP = re.compile(r"^([ \t]*+)(-#|#|>)", re.MULTILINE)
_INLINE_CODE = re.compile(r"(`[^`\n]*+`)")
_URL = re.compile(r"(https?://[^\s<>|`]++)")  # shown as written: Discord reads it as one link
_MARKDOWN_CHAR = re.compile(r"([\\*_~|`\[\]>#-])")


def _unlink(text: str) -> str:
    """``[text](url)`` as ``text (url)``: the address is shown, never hidden behind words."""
    return _MASKED_LINK.sub(
        lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(2) else m.group(1), text
    )


def _neutral_prose(text: str) -> str:
    """Text outside code: links, spoilers and line-start markup made plain."""
    parts = _INLINE_CODE.split(text)  # odd parts are inline code, shown as written
    for n in range(0, len(parts), 2):
        # A link the pattern did not read (nested brackets) is not one either.
        part = _unlink(parts[n]).replace("](", "]\\(").replace("||", "\\|\\|")
        parts[n] = _LINE_MARKUP.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", part)
    return "".join(parts)


def bank_text(text: str, *, inline: bool = False) -> str:
    """Text from a bank as Discord Markdown, the only way bank text reaches a message.

    ``inline`` is for text shown inside the bot's own formatting (a prompt in bold, an option
    after its letter, a field name): one line, every Markdown character shown as written.
    """
    # No message shows more than this; the rest (a bank may hold megabytes) is never read.
    text = text[:MAX_MESSAGE_EMBEDS]
    if inline:
        parts = _URL.split(_unlink(" ".join(text.split())))  # odd parts are addresses
        return "".join(p if n % 2 else _MARKDOWN_CHAR.sub(r"\\\1", p) for n, p in enumerate(parts))
    pieces = text.split(FENCE)
    if len(pieces) % 2 == 0:  # a code block left open: close it where the text ends
        pieces[-1] = pieces[-1].rstrip("\n") + "\n"
        pieces.append("")
    # Even pieces are prose, odd ones the inside of code blocks (kept as they are).
    return FENCE.join(p if n % 2 else _neutral_prose(p) for n, p in enumerate(pieces))


def cut(text: str, limit: int) -> str:
    """Shorten Markdown to ``limit`` characters, keeping whole lines where it can."""
    if len(text) <= limit:
        return text
    marker = "\n…"
    room = limit - len(marker)
    head = text[:room]
    newline = head.rfind("\n")
    if newline > room // 2:
        head = head[:newline]
    if head.count("```") % 2:  # do not leave a code block open
        head = head[: head.rfind("```")].rstrip()
    return head + marker


def fit_content(text: str) -> str:
    """Message content shortened to Discord's 2,000 characters, marked where it was cut."""
    return cut(text, MAX_CONTENT)


# A question's body (code, a statement list, an image link) is shown under its prompt, shortened
# to this so that the options and the closing line always fit in the same description.
MAX_BODY = 1500


def prompt_text(question: Question) -> str:
    """The prompt in bold, then its body (the code or statements it asks about), if any."""
    prompt = f"**{bank_text(asking(question.prompt), inline=True)}**"
    if not question.body:
        return prompt
    return f"{prompt}\n\n{cut(bank_text(question.body), MAX_BODY)}"


# Kinds whose prompt is built for the item (a list entry's description, a cloze with its gap):
# that prompt is shown instead of the question's own.
_OWN_PROMPT = frozenset((Kind.WHICH_ONE, Kind.WHICH_DESCRIPTION, Kind.CLOZE))


def item_prompt_text(question: Question, item: Item) -> str:
    """What the member reads for ``item``: the question's prompt, or the item's own."""
    if item.kind not in _OWN_PROMPT:
        return prompt_text(question)
    return cut(bank_text(item.prompt), MAX_BODY)


def option_lines(item: Item, mark_correct: bool = False) -> str:
    lines = []
    for i, option in enumerate(item.options or ()):
        text = bank_text(option, inline=True)
        if mark_correct and i == item.correct:
            lines.append(f"✅ **{LETTERS[i]}.** **{text}**")
        else:
            lines.append(f"**{LETTERS[i]}.** {text}")
    return "\n".join(lines)


def choice_text(item: Item, choice: int) -> str:
    """``**B.** the option``, as a member's pick is shown back to them."""
    options = item.options or ()
    return f"**{LETTERS[choice]}.** {bank_text(shorten(options[choice], 300), inline=True)}"


def answer_text(item: Item) -> str:
    """The right answer in full words, never masked: ``**C.** the answer`` for choice items."""
    if item.is_choice and item.options is not None and item.correct is not None:
        shown = item.answer or item.options[item.correct]
        return f"**{LETTERS[item.correct]}.** {bank_text(shorten(shown, 300), inline=True)}"
    shown = item.answer or (item.accepted[0] if item.accepted else "")
    return f"**{bank_text(shorten(shown, 300), inline=True)}**"


def describes_text(item: Item, choice: int) -> str | None:
    """What a wrong option actually stands for, so that a wrong pick teaches something."""
    if item.explains is None or not 0 <= choice < len(item.explains):
        return None
    what = " ".join(item.explains[choice].split())
    if not what:
        return None
    letter = f"Option **{LETTERS[choice]}**"
    what = bank_text(shorten(what, 300), inline=True)
    if item.kind is Kind.WHICH_ONE:
        return f"{letter} is something else: {what}"
    if item.kind is Kind.WHICH_DESCRIPTION:
        return f"{letter} describes **{what}**"
    if item.kind is Kind.SUMMARY:
        return f"{letter} is {what}"
    return f"About option **{LETTERS[choice]}**: {what}"


def question_meta(question: Question) -> str:
    """Topic and difficulty, for a footer (where Discord shows Markdown as written)."""
    topic = shorten(question.topic, 200) if question.topic else ""
    parts = [topic, question.difficulty.value.title() if question.difficulty else ""]
    return " · ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class PostView:
    """What a question-of-the-day post shows."""

    question: Question
    item: Item
    local_date: date
    reveal_at: datetime
    answered: int
    revealed: bool = False
    discussion: bool = False  # an open question: no answers, discussed in its thread
    replaced: bool = False  # closed by /qotd skip for another question of the same date


REPLACED = (
    "This question was replaced by another one for today. Answers already given keep their points."
)


def _closing_line(view: PostView) -> str:
    item = view.item
    if view.replaced:
        return REPLACED
    if view.discussion:
        if view.revealed:
            return "Discussion closed: one way to answer it is posted below."
        return (
            "No buttons today: share your answer in the discussion thread. One way to answer it "
            f"is posted {ts(view.reveal_at, 'R')}."
        )
    if view.revealed:
        return "Answers are closed: the answer is revealed below."
    if item.is_choice:
        return f"Answer with the buttons below. The answer is revealed {ts(view.reveal_at, 'R')}."
    return (
        "Think of your answer, then press **Answer privately** to check it against the key "
        f"points and grade yourself. The full answer is revealed {ts(view.reveal_at, 'R')}."
    )


def qotd_title(day: date) -> str:
    return f"Question of the day · {day:%a %d %b %Y}"


def qotd_embed(view: PostView) -> discord.Embed:
    item = view.item
    closing = _closing_line(view)
    body = f"{item_prompt_text(view.question, item)}\n\n{{options}}\n\n{closing}"
    options = option_lines(item, mark_correct=view.revealed)
    description = body.replace("{options}", cut(options, MAX_DESCRIPTION - len(body)))
    description = description.replace("\n\n\n\n", "\n\n")  # a recall post has no options
    embed = discord.Embed(title=qotd_title(view.local_date), description=description, colour=COLOUR)
    meta = question_meta(view.question)
    count = f"{view.answered} answered" if view.answered != 1 else "1 answered"
    if view.discussion:
        count = "For discussion"
    embed.set_footer(text=f"{meta} · {count}" if meta else count)
    return embed


def answer_embeds(
    question: Question, *, title: str, colour: discord.Colour, lead: str
) -> list[discord.Embed]:
    """A lead paragraph and the full reference answer in one embed, then the alternative
    explanation in a second one, shortened only if together they would not fit in a message."""
    budget = MAX_MESSAGE_EMBEDS - len(title) - 60
    lead = cut(lead, min(1500, budget // 3))
    heading = "\n\n**Reference answer**\n"
    alternatives = [bank_text(a) for a in question.alternatives if a.strip()]
    reference = bank_text(question.answer)
    room = min(MAX_DESCRIPTION - len(lead) - len(heading), budget - len(lead) - len(heading))
    if alternatives:  # leave the alternative at least a third of what is left
        room = min(room, max(len(reference), 0), room - min(len(alternatives[0]), room // 3))
    answer = cut(reference, max(room, 100))
    embeds = [discord.Embed(title=title, description=lead + heading + answer, colour=colour)]
    budget -= len(lead) + len(heading) + len(answer)
    alt_title = "Another way to see it"
    if alternatives and budget > 100:
        alt = cut(alternatives[0], min(MAX_DESCRIPTION, budget - len(alt_title)))
        embeds.append(discord.Embed(title=alt_title, description=alt, colour=colour))
    return embeds


def _judged_lines(item: Item, choice: int, right: bool) -> list[str]:
    lines = [f"You chose {choice_text(item, choice)}"]
    if not right:
        describes = describes_text(item, choice)
        if describes:
            lines.append(describes)
        lines.append(f"The answer is {answer_text(item)}")
    return lines


def feedback_embeds(
    question: Question,
    item: Item,
    choice: int,
    *,
    points: int,
    streak: int | None,
    already: bool = False,
) -> list[discord.Embed]:
    right = choice == item.correct
    lines = []
    if already:
        lines.append("You already answered this question; your first answer counts.")
    lines += _judged_lines(item, choice, right)
    if not already:
        score = f"+{points} points at the reveal" if points else "No points this time"
        if streak:
            score += f" · 🔥 {streak}-day streak"
        lines.append(score)
    title = ("✅ Right!" if right else "❌ Not quite") + ("" if not already else " (unchanged)")
    return answer_embeds(
        question, title=title, colour=RIGHT if right else WRONG, lead="\n".join(lines)
    )


SELF_GRADED = "Self-graded answers count for your streak and practice, not for leaderboard points."


def recall_embed(question: Question, item: Item, *, ticked: int | None = None) -> discord.Embed:
    """The key points of a recall item, privately, to tick and grade."""
    points = "\n".join(
        f"{n}. {bank_text(point, inline=True)}" for n, point in enumerate(item.key_points, 1)
    )
    total = len(item.key_points)
    if ticked is None:
        how = (
            "Tick the points you recalled in the menu, then grade yourself. "
            f"Grades: Again (forgot), Hard, Good, Easy. {SELF_GRADED}"
        )
    else:
        grade = GRADE_NAMES[suggested_grade(ticked, total)]
        how = (
            f"You recalled {ticked} of {total} key points: **{grade}** is suggested. {SELF_GRADED}"
        )
    body = f"{prompt_text(question)}\n\n**Key points**\n{{points}}\n\n{how}"
    description = body.replace("{points}", cut(points, MAX_DESCRIPTION - len(body)))
    return discord.Embed(title="Check your answer", description=description, colour=COLOUR)


def graded_embeds(
    question: Question, item: Item, *, grade: int, recalled: int, already: bool, streak: int | None
) -> list[discord.Embed]:
    """After a self-grade: what was recorded, then the full reference answer."""
    lines = []
    if already:
        lines.append(f"You graded this before: your first grade (**{GRADE_NAMES[grade]}**) counts.")
    else:
        lines.append(
            f"Recorded: **{GRADE_NAMES[grade]}** ({recalled} of {len(item.key_points)} key points)."
        )
        if streak:
            lines.append(f"🔥 {streak}-day streak")
    lines.append(SELF_GRADED)
    return answer_embeds(question, title="Graded", colour=COLOUR, lead="\n".join(lines))


def reveal_embeds(
    question: Question,
    item: Item,
    day: date,
    *,
    answered: int,
    right: int,
    first_right: int | None,
    grades: tuple[int, int, int, int] | None = None,
) -> list[discord.Embed]:
    if item.is_choice:
        share = f"{round(100 * right / answered)}%" if answered else "-"
        first = f"<@{first_right}>" if first_right else "nobody yet"
        stats = f"{answered} answered · {share} right · first right answer: {first}"
        lead = f"{item_prompt_text(question, item)}\n\nThe answer: {answer_text(item)}\n\n{stats}"
    else:
        counts = grades or (0, 0, 0, 0)
        graded = sum(counts)
        spread = " · ".join(f"{GRADE_NAMES[g]} {counts[g - 1]}" for g in range(1, 5))
        stats = f"{graded} checked their answer privately" + (f" ({spread})" if graded else "")
        lead = f"{prompt_text(question)}\n\n{stats}"
    return answer_embeds(question, title=f"Answer · {qotd_title(day)}", colour=RIGHT, lead=lead)


def discussion_reveal_embeds(question: Question, day: date) -> list[discord.Embed]:
    """The reveal of a discussion post: the question and the reference answer, offered as one
    way to answer it (an open question has no single right answer)."""
    return answer_embeds(
        question,
        title=f"One way to answer it · {qotd_title(day)}",
        colour=RIGHT,
        lead=prompt_text(question),
    )


# --- quizzes ---------------------------------------------------------------------------------


def quiz_question_embed(
    question: Question,
    item: Item,
    *,
    position: int,
    total: int,
    deadline: datetime,
    group: bool,
) -> discord.Embed:
    if item.is_choice:
        how = "Pick an answer below."
    elif item.is_typed:
        how = "Type your answer with the button below."
    else:
        how = "Think of your answer, then press **Show answer** to check it and grade yourself."
    if group:
        how = "Everyone may answer once; faster right answers score more. " + how
    options = f"\n\n{option_lines(item)}" if item.is_choice else ""
    body = f"{item_prompt_text(question, item)}{options}"
    tail = f"\n\n{how} Time is up {ts(deadline, 'R')}."
    embed = discord.Embed(
        title=f"{'Group quiz' if group else 'Quiz'} · question {position + 1} of {total}",
        description=cut(body, MAX_DESCRIPTION - len(tail)) + tail,
        colour=COLOUR,
    )
    meta = question_meta(question)
    if meta:
        embed.set_footer(text=meta)
    return embed


def quiz_feedback_embeds(
    question: Question,
    item: Item,
    *,
    correct: bool,
    given: str,
    earned: int,
    credited: int,
    timed_out: bool,
    choice: int | None = None,
) -> list[discord.Embed]:
    lines = []
    if timed_out:
        lines.append("⏰ Time was up before your answer, so it does not score.")
    if choice is not None and item.is_choice:
        lines += _judged_lines(item, choice, correct)
    else:
        lines.append(f"You answered {given}")
        if not correct:
            lines.append(f"The answer is {answer_text(item)}")
    if earned and not credited:
        lines.append(
            f"+{earned} points in this quiz; none on the leaderboard, because this question "
            "already scored for you in this period."
        )
    elif earned:
        lines.append(f"+{earned} points")
    title = "✅ Right!" if correct else ("⏰ Time's up" if timed_out else "❌ Not quite")
    return answer_embeds(
        question, title=title, colour=RIGHT if correct else WRONG, lead="\n".join(lines)
    )


def quiz_summary_embed(
    *,
    right: int,
    total: int,
    points: int,
    seconds: float,
    missed: list[tuple[Question, str]],
    stopped: bool = False,
    graded: int = 0,
) -> discord.Embed:
    """The end of a solo quiz; ``missed`` pairs a question with its right answer in words."""
    minutes, secs = divmod(round(seconds), 60)
    duration = f"{minutes} min {secs} s" if minutes else f"{secs} s"
    scored = total - graded
    head = f"{right}/{scored} right" if scored else f"{graded} self-graded"
    if scored and graded:
        head += f" · {graded} self-graded"
    embed = discord.Embed(
        title=("Quiz stopped" if stopped else "Quiz finished") + f" · {head}",
        description=f"Score: **{points} points** · Time: {duration}"
        + (f"\n{SELF_GRADED}" if graded else ""),
        colour=RIGHT if right == scored and not missed else COLOUR,
    )
    budget = MAX_MESSAGE_EMBEDS - 200
    for question, answer in missed[:20]:
        name = shorten(bank_text(asking(question.prompt), inline=True), 250)
        value = cut(f"Answer: {answer}", 300)
        if len(name) + len(value) > budget:
            break
        budget -= len(name) + len(value)
        embed.add_field(name=name, value=value, inline=False)
    return embed


MAX_SHORT_REFERENCE = 600


def group_result_embed(
    question: Question, item: Item, answers: list[tuple[int, bool, int]]
) -> discord.Embed:
    right = [(u, p) for u, ok, p in answers if ok]
    who = ", ".join(f"{name_of(u)} +{p}" for u, p in right[:15]) or "nobody"
    if len(right) > 15:
        who += f" and {len(right) - 15} more"
    reference = cut(bank_text(question.answer), MAX_SHORT_REFERENCE)
    wrong = [
        line
        for i in range(len(item.options or ()))
        if i != item.correct and (line := describes_text(item, i))
    ]
    teach = "".join(f"\n{line}" for line in wrong[:4])
    return discord.Embed(
        title="Time's up!",
        description=cut(
            f"{item_prompt_text(question, item)}\n\n"
            f"The answer: {answer_text(item)}{teach}\n\n"
            f"Right: {who} · {len(answers)} answered\n\n"
            f"**Reference answer**\n{reference}",
            MAX_DESCRIPTION,
        ),
        colour=RIGHT,
    )


def name_of(user_id: int) -> str:
    """A mention: shown as the member's name, never a ping (messages go out with no mentions)."""
    return f"<@{user_id}>"


def group_results_embed(
    scores: list[tuple[int, int, int]], total: int, *, stopped: bool
) -> discord.Embed:
    lines = [
        f"**{rank}.** {name_of(user)} · {points} points ({right}/{total} right)"
        for rank, (user, points, right) in enumerate(scores[:25], start=1)
    ]
    return discord.Embed(
        title="Group quiz stopped · results" if stopped else "Group quiz · results",
        description="\n".join(lines) or "Nobody answered.",
        colour=COLOUR,
    )


# --- reviews ---------------------------------------------------------------------------------


def due_line(now: int, today: int, week: int, next_due: datetime | None) -> str:
    """How many of a member's cards are due, or when the next one is."""
    if now:
        return f"Due now: **{now}** · by tonight: {today} · this week: {week}"
    if next_due is not None:
        return f"Nothing due now. Next card {ts(next_due, 'R')} · this week: {week}"
    return "No cards yet: answer questions of the day, quizzes or start here to make them."


def review_card_embed(
    question: Question, item: Item, *, due: str, new: bool, notice: str | None = None
) -> discord.Embed:
    """A card of /review, asked as its item, privately."""
    if item.is_choice:
        how = "Pick an answer below."
    elif item.is_typed:
        how = "Type your answer with the button below."
    else:
        how = "Think of your answer, then press **Show answer** to check it and grade yourself."
    options = f"\n\n{option_lines(item)}" if item.is_choice else ""
    tail = f"\n\n{how}\n{due}" + (f"\n\n{notice}" if notice else "")
    embed = discord.Embed(
        title="Review · new card" if new else "Review",
        description=cut(f"{item_prompt_text(question, item)}{options}", MAX_DESCRIPTION - len(tail))
        + tail,
        colour=COLOUR,
    )
    meta = question_meta(question)
    if meta:
        embed.set_footer(text=meta)
    return embed


def review_done_embed(due: str, *, notice: str | None = None) -> discord.Embed:
    text = f"{notice}\n\n{due}" if notice else due
    return discord.Embed(title="Review · all done for now", description=text, colour=RIGHT)


# --- leaderboards and stats ----------------------------------------------------------------------

PERIOD_LABELS = {"week": "This week", "month": "This month", "all": "All time"}
BOARD_LABELS = {"qotd": "Question of the day", "quiz": "Quizzes", "all": "All points"}


@dataclass(frozen=True, slots=True)
class BoardLine:
    rank: int
    user_id: int
    points: int
    correct: int
    answered: int


def leaderboard_embed(
    lines: list[BoardLine],
    *,
    period: str,
    board: str,
    page: int,
    pages: int,
    own: BoardLine | None,
) -> discord.Embed:
    rows = [
        f"**{line.rank}.** {name_of(line.user_id)} · {line.points} points "
        f"({line.correct}/{line.answered} right)"
        for line in lines
    ]
    embed = discord.Embed(
        title=f"Leaderboard · {BOARD_LABELS[board]} · {PERIOD_LABELS[period]}",
        description="\n".join(rows) or "No points yet in this period. Answer a question to start!",
        colour=COLOUR,
    )
    if own is not None:
        embed.add_field(
            name="You",
            value=f"Rank {own.rank} · {own.points} points ({own.correct}/{own.answered} right)",
            inline=False,
        )
    else:
        embed.add_field(name="You", value="No points in this period yet.", inline=False)
    embed.set_footer(text=f"Page {page + 1} of {max(pages, 1)}")
    return embed


def archive_stats_line(archived: ArchivedPost, item: Item | None) -> str:
    """How members did with a revealed question of the day, in one line."""
    if archived.post.discussion:
        return "Posted for discussion"
    if item is not None and item.is_choice:
        share = f"{round(100 * archived.right / archived.answered)}%" if archived.answered else "-"
        return f"{archived.answered} answered · {share} right"
    graded = sum(archived.grades)
    if not graded:
        return "Nobody checked their answer"
    spread = " · ".join(f"{GRADE_NAMES[g]} {archived.grades[g - 1]}" for g in range(1, 5))
    return f"{graded} checked their answer privately ({spread})"
