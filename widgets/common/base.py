"""Shared base of the project's anywidgets: the packaged stylesheet and action messages."""

from __future__ import annotations

import logging
import pathlib
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

#: Folder of the ES modules and the stylesheets shipped inside the package, one folder a family.
STATIC = pathlib.Path(__file__).resolve().parents[1] / "static"

#: The stylesheets every widget loads, in order: the sandbox's look, then the learner's tools.
SHARED_CSS = (
    "common/base.css",
    "common/fields.css",
    "common/controls.css",
    "learner/tools.css",
    "learner/exercise_bar.css",
    "learner/catalogue.css",
    "learner/workshop.css",
    "learner/reading.css",
)

#: Logger of every learner-side problem (never shown as a traceback on screen).
log = logging.getLogger("bacasable")

Action = dict[str, Any]


def _read(names: tuple[str, ...]) -> str:
    return "".join((STATIC / name).read_text(encoding="utf-8") for name in names)


def module(*names: str) -> str:
    """Return one ES module made of the static files ``names``, the shared DOM helper first."""
    return _read(("common/dom.js", *names))


def stylesheet(*names: str) -> str:
    """Return the shared stylesheet followed by the static stylesheets ``names``."""
    return _read((*SHARED_CSS, *names))


ActionHandler = Callable[[Action], None]


class ActionWidget(anywidget.AnyWidget):
    """An anywidget styled by the shared stylesheet whose view sends ``{action: ...}`` messages."""

    _css = stylesheet()

    def on_action(self, callback: ActionHandler) -> None:
        """Call ``callback`` with each action message the view sends.

        Parameters
        ----------
        callback : callable
            Receives the message content, a dict with at least an ``action`` key. Messages
            that are not dicts with a string ``action`` are ignored.
        """

        def _handler(_widget: Any, content: Any, _buffers: Any) -> None:
            if isinstance(content, dict) and isinstance(content.get("action"), str):
                callback(content)
            else:
                log.warning("ignored a malformed widget message: %r", content)

        self.on_msg(_handler)


class MessagePanel(ActionWidget):
    """A page's panel that shows a status and an error message, both in French."""

    error = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")

    def say(self, status: str = "", error: str = "") -> None:
        """Show a status and an error message (empty strings clear them)."""
        self.status = status
        self.error = error
