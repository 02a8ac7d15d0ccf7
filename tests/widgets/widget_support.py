"""Helpers of the widget tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

#: The day every widget test's runner takes as today.
TODAY = dt.date(2026, 11, 26)


def send(widget: Any, content: dict[str, Any]) -> None:
    """Deliver a message as the browser's ``model.send`` does (an ipywidgets custom message)."""
    widget._handle_custom_msg(content, [])


GOOD_IDENTITY = {"nom": "Benali", "naissance": {"day": "14", "month": "03", "year": "1992"}}
