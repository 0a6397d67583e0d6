"""The few pieces of SQL that SQLite and PostgreSQL write differently; everything else is
written once."""

# ruff: noqa: S608 - the pieces are fixed text around a placeholder, never a value

from __future__ import annotations


def id_list(dialect: str, param: str) -> str:
    """A subquery of one column, ``value``: the integers of the JSON array given as ``param``
    (a list of member ids, say, passed as one parameter however long it is)."""
    if dialect == "postgresql":
        cast = f"CAST({param} AS json)"
        return f"(SELECT value::bigint AS value FROM json_array_elements_text({cast}))"
    return f"(SELECT value FROM json_each({param}))"


def whole_seconds(dialect: str, column: str) -> str:
    """An instant stored as REAL seconds, cut down to whole seconds (never rounded up: an answer
    at 23:59:59.6 stays on its day)."""
    if dialect == "postgresql":
        return f"CAST(trunc({column}) AS BIGINT)"
    return f"CAST({column} AS INTEGER)"
