"""reStructuredText FAQ / Q&A documents (``.rst``), read with docutils."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bot.bank import LoadResult
from tests.bank.cli import bank_cli

Load = Callable[..., LoadResult]

FAQ = """\
:orphan:

.. _faq:

Networking FAQ
==============

Questions people ask about networks.

.. contents:: Questions
    :local:

Basics
------

Questions about the basics.

What is a packet?
~~~~~~~~~~~~~~~~~

A unit of data sent over a network, with a *header* and a **payload**.

Why use ``TCP``\\?
~~~~~~~~~~~~~~~~~

It gives:

- ordered delivery;
- retransmission of lost segments.

#. Connect.
#. Send.

Example: ::

    sock = socket.create_connection(("example.com", 80))

    sock.sendall(b"GET /")

Routing
-------

How does a router choose a path?
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

It looks the destination up in its `routing table <https://example.com/rt>`_.

Details
^^^^^^^

Longest prefix wins.

My packets are dropped!
~~~~~~~~~~~~~~~~~~~~~~~

Check the MTU.
"""


def test_topics_questions_and_answers_rendered_to_markdown(load: Load) -> None:
    result = load("net.rst", FAQ)
    assert result.errors == [] and result.warnings == []
    assert result.format == "rst"
    assert result.shape == "questions are level-3 section titles; level-2 sections are topics"
    assert result.bank is not None and result.bank.name == "Networking FAQ"
    qs = result.bank.questions
    assert [(q.prompt, q.topic, q.source.rsplit(":", 1)[1]) for q in qs] == [
        ("What is a packet?", "Basics", "18"),
        ("Why use TCP?", "Basics", "23"),
        ("How does a router choose a path?", "Routing", "43"),
        ("My packets are dropped!", "Routing", "53"),  # at the question level: a question too
    ]
    assert qs[0].answer == "A unit of data sent over a network, with a *header* and a **payload**."
    assert qs[1].answer == (
        "It gives:\n- ordered delivery;\n- retransmission of lost segments.\n"
        "- Connect.\n- Send.\n\nExample:\n\n"
        '```\nsock = socket.create_connection(("example.com", 80))\n\nsock.sendall(b"GET /")\n```'
    )
    # a reference shows its text; a section below the question level is part of the answer
    assert qs[2].answer == (
        "It looks the destination up in its routing table.\n\n**Details**\n\nLongest prefix wins."
    )


def test_sphinx_directives_and_roles_are_read_as_code_and_text(load: Load) -> None:
    result = load(
        "sphinx.rst",
        """\
.. currentmodule:: discord

How do I send a message?
------------------------

Call :meth:`~abc.Messageable.send` on a :class:`TextChannel`; see :ref:`the guide <guide>`
and :func:`!print`.

.. code-block:: python3
    :linenos:

    await channel.send("hi")

.. note::

    It needs the :attr:`Permissions.send_messages` permission.

.. versionadded:: 2.0

    Replies.

.. literalinclude:: /etc/passwd

.. sidebarthing:: x

    kept

What is :custom:`odd`?
----------------------

An unknown role is kept as text.
""",
    )
    assert result.errors == []
    assert result.warnings == [
        f'{result.path}:24: Unknown directive type "sidebarthing". (kept as text)',
        f'{result.path}:28: Unknown interpreted text role "custom". (kept as text)',
    ]
    assert result.bank is not None
    first, second = result.bank.questions
    assert first.answer == (
        "Call `send` on a `TextChannel`; see the guide and `print`.\n\n"
        '```python3\nawait channel.send("hi")\n```\n\n'
        "**Note:** It needs the `Permissions.send_messages` permission.\n\n"
        "Replies.\n\n"
        "```\n.. sidebarthing:: x\n\n    kept\n```"
    )
    assert "passwd" not in first.answer  # no file is read
    assert second.prompt == "What is odd?"


def test_a_question_without_an_answer_is_skipped_with_a_warning(load: Load) -> None:
    result = load(
        "faq.rst",
        "What is A?\n==========\n\nAn A.\n\nWhat is B?\n==========\n\n"
        "What is C?\n==========\n\nA C.\n",
    )
    assert result.errors == []
    assert result.warnings == [f"{result.path}:6: the question 'What is B?' has no answer: skipped"]
    assert result.bank is not None
    assert [q.prompt for q in result.bank.questions] == ["What is A?", "What is C?"]
    assert result.shape == "questions are level-1 section titles"


def test_malformed_rst_is_reported_with_lines_and_file_access_is_disabled(load: Load) -> None:
    result = load(
        "bad.rst",
        """\
Title
=====

What is X?
----------

An answer with `unclosed interpreted text.

.. include:: /etc/hostname

.. raw:: html

   <script>alert(1)</script>

+-----+
| bad table
+--+

Why Y?
------

Because.

Short
----
""",
    )
    p = result.path
    # docutils names the table's last line
    assert result.errors == [f"{p}:17: reStructuredText: Malformed table."]
    assert result.warnings == [
        f"{p}:24: the question 'Short' has no answer: skipped",
        f"{p}:7: reStructuredText: Inline interpreted text or phrase reference start-string "
        "without end-string.",
        f'{p}:9: reStructuredText: "include" directive disabled.',
        f'{p}:11: reStructuredText: "raw" directive disabled.',
        f"{p}:25: reStructuredText: Title underline too short.",  # the underline
    ]
    assert result.bank is not None
    assert [q.prompt for q in result.bank.questions] == ["What is X?", "Why Y?"]
    assert all("<script>" not in q.answer for q in result.bank.questions)


def test_a_document_without_question_sections_is_refused(load: Load) -> None:
    result = load("notes.rst", "Notes\n=====\n\nJust prose, no questions.\n")
    assert result.errors == [
        f"{result.path}: no question sections found: questions are section titles ending with "
        "'?' (or starting with What, How, Why...), each followed by its answer"
    ]
    assert result.bank is not None and result.bank.questions == []


def test_too_large_or_too_deep_is_refused_with_one_error(load: Load) -> None:
    big = load("big.rst", "What is it?\n===========\n\n" + "word " * 60_000)
    assert len(big.errors) == 1 and "reStructuredText banks are limited to 256 KiB" in big.errors[0]
    deep = load("deep.rst", "Deep?\n=====\n\n" + "".join(" " * n + "x\n\n" for n in range(600)))
    assert deep.errors == [f"{deep.path}: the reStructuredText is nested too deeply to read"]


def test_cli_check_and_quiz(tmp_path: Path) -> None:
    path = tmp_path / "net.rst"
    path.write_text(FAQ, encoding="utf-8")
    check = bank_cli("check", str(path))
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines()[0] == (
        f"{path}: rst (reStructuredText) 'Networking FAQ', 4 question(s); "
        "questions are level-3 section titles; level-2 sections are topics"
    )
    as_json = json.loads(bank_cli("check", str(path), "--json").stdout)
    assert as_json["files"][0]["format"] == "rst"
    quiz = bank_cli("quiz", str(path), "--json")
    assert quiz.returncode == 0, quiz.stderr
    questions = json.loads(quiz.stdout)["questions"]
    assert [q["prompt"] for q in questions][:2] == ["What is a packet?", "Why use TCP?"]
    assert all(any(i["kind"] == "recall" for i in q["items"]) for q in questions)

    bad = tmp_path / "bad.rst"
    bad.write_text(
        "What?\n=====\n\nYes.\n\n+-----+\n| bad table\n+--+\n\nWhy?\n====\n\nNo.\n",
        encoding="utf-8",
    )
    done = bank_cli("check", str(bad))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert f"  error: {bad}:8: reStructuredText: Malformed table." in done.stdout
