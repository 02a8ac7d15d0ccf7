"""The facilitator's commands as a learner's page receives them: small typed values.

The facilitator's kernel writes commands to the store (``Store.set_pause``,
``send_message``, ``bring_to_screen``, ``reveal_hint``, ``set_skip_lessons``); a learner's
kernel reads them with
``Store.commands_since`` and turns each stored row into one of these values with
:func:`parse_command`. The widget layer applies them by updating widget traits.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any, Union

__all__ = [
    "Command",
    "GoTo",
    "HandAnswered",
    "Pause",
    "RevealHint",
    "ShowMessage",
    "SkipLessons",
    "parse_command",
    "room_state",
]

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Pause:
    """The facilitator paused (``paused=True``) or resumed the room.

    While paused, the learner's form is covered ("Pause — regardez l'écran") and nothing
    they send moves their run.
    """

    paused: bool
    #: The stored command's id (0 for a state read on joining).
    id: int = 0


@dataclasses.dataclass(frozen=True)
class ShowMessage:
    """A short message from the facilitator; an empty text clears the room's message."""

    text: str
    #: Addressed to this learner only (not to the whole room).
    personal: bool = False
    id: int = 0


@dataclasses.dataclass(frozen=True)
class GoTo:
    """Bring the learner to this screen (``Runner.go_to``)."""

    screen_id: str
    id: int = 0


@dataclasses.dataclass(frozen=True)
class RevealHint:
    """Show the next hint (``Runner.hint``), for this field or the one the page chooses."""

    field_id: str | None = None
    id: int = 0


@dataclasses.dataclass(frozen=True)
class SkipLessons:
    """Leave out (``skip=True``) or play again the lessons and quizzes of the scenarios.

    The learner's session applies it to its runs (``Runner.skip_lessons``): the screens of role
    ``lesson`` and ``quiz`` are passed over from the next screen on.
    """

    skip: bool
    id: int = 0


@dataclasses.dataclass(frozen=True)
class HandAnswered:
    """The facilitator answered the learner's raised hand: show it lowered.

    Not a stored command: the learner's session notices that the hand was answered.
    """

    id: int = 0


#: One command, as :meth:`bacasable.workshop.session.LearnerSession.poll_once` returns them.
Command = Union[Pause, ShowMessage, GoTo, RevealHint, SkipLessons, HandAnswered]  # noqa: UP007


def parse_command(row: Mapping[str, Any]) -> Command | None:
    """Turn a row of ``Store.commands_since`` into a typed command.

    Parameters
    ----------
    row : mapping
        ``id``, ``kind`` (``pause``, ``resume``, ``message``, ``goto``, ``hint``, ``lessons``),
        ``payload`` and ``participant_id`` (None for the whole room).

    Returns
    -------
    Command or None
        None for a kind this version does not know, or a payload that does not fit it.
    """
    kind, cid = row.get("kind"), int(row.get("id") or 0)
    payload = row.get("payload")
    payload = payload if isinstance(payload, Mapping) else {}
    if kind in ("pause", "resume"):
        return Pause(kind == "pause", cid)
    if kind == "message":
        return ShowMessage(str(payload.get("text") or ""), row.get("participant_id") is not None,
                           cid)
    if kind == "goto" and isinstance(payload.get("screen_id"), str):
        return GoTo(payload["screen_id"], cid)
    if kind == "hint":
        field = payload.get("field_id")
        return RevealHint(field if isinstance(field, str) and field else None, cid)
    if kind == "lessons" and isinstance(payload.get("skip"), bool):
        return SkipLessons(payload["skip"], cid)
    log.info("ignored a workshop command of kind %r", kind)
    return None


def room_state(workshop: Mapping[str, Any]) -> list[Command]:
    """Return the room's lasting state as commands, for a learner who joins late or comes back.

    Parameters
    ----------
    workshop : mapping
        As ``Store.workshop`` returns it (``paused``, ``message``, ``skip_lessons``).

    Returns
    -------
    list of Command
        A :class:`Pause` when the room is paused, a :class:`ShowMessage` for the last
        message to the room, a :class:`SkipLessons` when the lessons are skipped.
    """
    state: list[Command] = []
    if workshop.get("paused"):
        state.append(Pause(True))
    if workshop.get("message"):
        state.append(ShowMessage(str(workshop["message"])))
    if workshop.get("skip_lessons"):
        state.append(SkipLessons(True))
    return state
