"""Joining a workshop from a learner's kernel: by code and pseudonym, or again from this device.

Part of :class:`~bacasable.workshop.session.LearnerSession`. A pseudonym is one learner's in a
workshop: the device that took it comes back to it without typing anything (its random token,
kept in the browser, is sent by the page); another device is refused with a free pseudonym
suggested, or asks the facilitator to hand the run over (:mod:`bacasable.store.devices`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .commands import room_state
from .outbox import store_messages
from .outcomes import MSG_NO_CODE, MSG_UNREACHABLE, Joined, Problem

if TYPE_CHECKING:
    from bacasable.store import Store

log = logging.getLogger(__name__)

#: Store messages about the workshop (the code), not the pseudonym.
_ABOUT_CODE = ("MSG_UNKNOWN_CODE", "MSG_UNKNOWN_WORKSHOP", "MSG_CLOSED_WORKSHOP")


def _message(error: BaseException) -> str:
    """Return the French message of a StoreError, or a neutral one for anything else."""
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    log.error("unexpected workshop store error", exc_info=error)
    return MSG_UNREACHABLE



class _Joining:
    """Finding a workshop, joining it, coming back to it (see :class:`LearnerSession`)."""

    participant: dict[str, Any] | None
    workshop: dict[str, Any] | None
    gone: bool
    _after: int
    _hand: bool
    _last_beat: float
    _clock: Callable[[], float]
    #: The page's device token, once the page sent it (never stored as is).
    device: str | None = None

    if TYPE_CHECKING:  # given by LearnerSession

        def _open(self) -> Store: ...

        def _failed(self, what: str, error: BaseException) -> None: ...

        @property
        def joined(self) -> bool: ...

        @property
        def participant_id(self) -> int | None: ...

        @property
        def scenario_ids(self) -> list[str]: ...

    def find_workshop(self, code: str) -> dict[str, Any] | Problem:
        """Return the open workshop of a join code (for a code read from a QR code).

        Parameters
        ----------
        code : str
            As typed or read: case, spaces and dashes do not matter.

        Returns
        -------
        dict or Problem
            The workshop, or why it cannot be joined (``field="code"``).
        """
        if not isinstance(code, str) or not code.strip():
            return Problem(MSG_NO_CODE, "code")
        try:
            return self._open().workshop_by_code(code)
        except Exception as error:
            return Problem(_message(error), "code")

    def join(self, code: str, pseudonym: str) -> Joined | Problem:
        """Join the workshop of ``code`` under ``pseudonym``, or come back to it.

        Parameters
        ----------
        code : str
            The workshop's join code.
        pseudonym : str
            1 to 30 characters, not a real name. The device that took it comes back to it;
            another device gets a Problem with a free ``suggestion`` and ``taken_by``.

        Returns
        -------
        Joined or Problem
            What was joined, with the room's state as commands; or why not.
        """
        found = self.find_workshop(code)
        if isinstance(found, Problem):
            return found
        store = self._open()
        try:
            participant = store.join(found["id"], pseudonym, self.device)
        except Exception as error:
            suggestion = getattr(error, "suggestion", "")
            if suggestion:
                return Problem(_message(error), "pseudonym", suggestion,
                               getattr(error, "participant_id", None))
            text = _message(error)
            return Problem(text, "code" if text in store_messages(*_ABOUT_CODE) else "pseudonym")
        try:
            # Commands written before now are history: only the room's state counts.
            after = store.last_command_id(found["id"])
            workshop = store.workshop(found["id"])
        except Exception as error:
            return Problem(_message(error))
        self.participant, self.workshop, self._after = participant, workshop, after
        self._hand = bool(participant.get("hand_raised"))
        self._last_beat = self._clock()
        self.gone = False
        resumed = bool(participant.get("resumed"))
        return Joined(participant, workshop, resumed, tuple(room_state(workshop)))

    def resumable(self) -> dict[str, Any] | None:
        """Return the learner's latest unfinished run among the workshop's scenarios.

        Returns
        -------
        dict or None
            The attempt (``scenario_id``, ``persona_id``, ``current_screen``…), or None
            (also when the store cannot be read).
        """
        if not self.joined:
            return None
        found = []
        try:
            for scenario_id in self.scenario_ids:
                attempt = self._open().resume_attempt(self.participant_id, scenario_id)
                if attempt is not None:
                    found.append(attempt)
        except Exception as error:
            self._failed("looking for a run to resume", error)
            return None
        return max(found, key=lambda a: a["id"]) if found else None


    # --- this device -----------------------------------------------------------------------

    def rejoin(self, code: str) -> Joined | None:
        """Come back to the workshop of ``code`` as this device joined it; None if it did not."""
        found = self.find_workshop(code)
        if isinstance(found, Problem) or not self.device:
            return None
        try:
            mine = self._open().participant_of_device(found["id"], self.device)
        except Exception as error:
            self._failed("looking for this device's place", error)
            return None
        if mine is None:
            return None
        joined = self.join(code, str(mine["pseudonym"]))
        return joined if isinstance(joined, Joined) else None

    def ask_handover(self, participant_id: int) -> Problem | None:
        """Ask the facilitator to hand ``participant_id``'s run over to this device."""
        try:
            self._open().ask_handover(participant_id, self.device)
        except Exception as error:
            return Problem(_message(error), "pseudonym")
        return None

    def handover_answer(self, participant_id: int) -> str | None:
        """Return ``"allowed"``, ``"refused"``, or None while the facilitator has not answered."""
        try:
            return self._open().handover_answer(participant_id, self.device)
        except Exception as error:
            self._failed("reading the facilitator's answer", error)
            return None

    def still_here(self) -> bool:
        """Tell whether this device still holds the run (False once handed over elsewhere)."""
        if not self.joined or not self.device:
            return True
        try:
            return self._open().owns(int(self.participant_id or 0), self.device)
        except Exception as error:
            self._failed("checking this device's place", error)
            return True
