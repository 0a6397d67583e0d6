"""Reading what a member typed into a submitted modal (the answer forms of quizzes and reviews)."""

from __future__ import annotations

from typing import Any


def modal_value(data: dict[str, Any]) -> str:
    """The text typed into the first input of a submitted modal."""
    for row in data.get("components", []):
        for item in row.get("components", [row.get("component", {})]):
            if isinstance(item, dict) and "value" in item:
                return str(item["value"])
        if "component" in row and "value" in row["component"]:
            return str(row["component"]["value"])
    return ""
