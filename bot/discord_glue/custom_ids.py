"""Numbers read from a component's custom_id.

A button's custom_id comes back from the client, so a stale or forged one may carry any number
its template lets through. Whatever a custom_id claims is checked before it is used.
"""

from __future__ import annotations

MAX_ROW_ID = 2**63 - 1  # the largest SQLite integer: a number beyond it names no row


def is_row_id(number: int) -> bool:
    """Whether a number read from a custom_id can name a database row at all."""
    return 0 < number <= MAX_ROW_ID
