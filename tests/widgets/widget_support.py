"""Helpers of the widget tests."""

from __future__ import annotations

from typing import Any


def send(widget: Any, content: dict[str, Any]) -> None:
    """Deliver a message as the browser's ``model.send`` does (an ipywidgets custom message)."""
    widget._handle_custom_msg(content, [])


GOOD_IDENTITY = {"nom": "Benali", "naissance": {"day": "14", "month": "03", "year": "1992"}}
