"""A learner's device: joining once per pseudonym, resuming on the same device, handing over.

A pseudonym is a name, not a key. Each learner's page keeps a random device token (in the
browser's ``localStorage``); the store keeps only its SHA-256 (``participants.device_hash``),
never the token, never tied to anything but the run. The same device comes back to its run
without typing anything; another device that asks for a pseudonym already taken is refused with
a free one suggested, or asks the facilitator to hand the run over (``handover_*`` columns).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from . import tables as t
from .base import _Base, _by_id, _update
from .errors import MSG_UNKNOWN_PARTICIPANT, StoreError
from .values import _participant_dict

__all__ = ["HANDOVER_ASKED", "HANDOVER_REFUSED", "PseudonymTaken", "device_hash", "free_pseudonym"]

#: ``participants.handover_state``: another device waits for the facilitator's answer.
HANDOVER_ASKED = "asked"
#: ``participants.handover_state``: the facilitator said no.
HANDOVER_REFUSED = "refused"
#: A device token, as the page makes it: 32 to 64 hexadecimal digits.
_TOKEN = re.compile(r"^[0-9a-f]{32,64}$")

MSG_TAKEN = "{name} est déjà pris. Essayez {suggestion}."
MSG_NO_DEVICE = (
    "Cet appareil ne garde pas de trace de l'atelier (navigation privée ?) : "
    "il ne peut pas reprendre une place déjà prise."
)


class PseudonymTaken(StoreError):
    """The pseudonym is already someone's in this workshop, on another device.

    Attributes
    ----------
    name : str
        The pseudonym asked for.
    suggestion : str
        A free pseudonym close to it (« Marie2 »).
    participant_id : int
        Who has it (for a handover request).
    """

    def __init__(self, name: str, suggestion: str, participant_id: int) -> None:
        super().__init__(MSG_TAKEN.format(name=name, suggestion=suggestion))
        self.name, self.suggestion, self.participant_id = name, suggestion, participant_id


def device_hash(token: Any) -> str | None:
    """Return the SHA-256 of a page's device token, or None for a missing or malformed one."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def free_pseudonym(name: str, taken: set[str]) -> str:
    """Return ``name`` followed by the first number that makes it free (« Marie2 »)."""
    stem = name[: t.PSEUDONYM_LENGTH - 3].rstrip()
    for number in range(2, 1000):
        candidate = f"{stem}{number}"
        if candidate.casefold() not in taken:
            return candidate
    return f"{stem}{len(taken) + 1}"


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def claim(conn: Connection, workshop_id: int, name: str, hashed: str | None
          ) -> tuple[int, bool] | None:
    """Find who has ``name`` in a workshop (its row locked by the caller).

    Returns
    -------
    tuple or None
        ``(participant id, True)`` when this device has it (a resume); None when the name is
        free.

    Raises
    ------
    PseudonymTaken
        When another device has it.
    """
    p = t.participants.c
    known = conn.execute(select(p.id, p.pseudonym, p.device_hash)
                         .where(p.workshop_id == workshop_id)).all()
    for pid, existing, owner in known:
        if _same(existing, name):
            if hashed is not None and owner == hashed:
                return pid, True
            taken = {" ".join(row.pseudonym.split()).casefold() for row in known}
            raise PseudonymTaken(name, free_pseudonym(name, taken), pid)
    return None


class _Devices(_Base):
    """Devices and handovers (part of :class:`~bacasable.store.Store`)."""

    def participant_of_device(self, workshop_id: int, token: Any) -> dict[str, Any] | None:
        """Return the participant this device joined the workshop as, or None.

        Parameters
        ----------
        workshop_id
            The workshop.
        token
            The page's device token (hashed here; never stored as is).
        """
        hashed = device_hash(token)
        if hashed is None:
            return None
        p = t.participants.c
        rows = self._all(select(t.participants).where(p.workshop_id == workshop_id,
                                                      p.device_hash == hashed))
        return _participant_dict(rows[0]) if rows else None

    def owns(self, participant_id: int, token: Any) -> bool:
        """Tell whether this device still holds the participant's run (not handed over)."""
        hashed = device_hash(token)
        row = self._read(lambda conn: _by_id(conn, t.participants, participant_id))
        return row is not None and hashed is not None and row.device_hash == hashed

    def ask_handover(self, participant_id: int, token: Any) -> None:
        """Ask the facilitator to hand a participant's run over to this device.

        Raises
        ------
        StoreError
            For a device without a token, or an unknown participant.
        """
        hashed = device_hash(token)
        if hashed is None:
            raise StoreError(MSG_NO_DEVICE)

        def write(conn: Connection) -> None:
            if not _update(conn, t.participants, participant_id, handover_hash=hashed,
                           handover_state=HANDOVER_ASKED, handover_at=self.now()):
                raise StoreError(MSG_UNKNOWN_PARTICIPANT)

        self._write(write)

    def handover_answer(self, participant_id: int, token: Any) -> str | None:
        """Return what became of this device's request: ``"allowed"``, ``"refused"``, or None.

        None while the facilitator has not answered (or when this device asked nothing).
        """
        hashed = device_hash(token)
        row = self._read(lambda conn: _by_id(conn, t.participants, participant_id))
        if row is None or hashed is None:
            return HANDOVER_REFUSED
        if row.device_hash == hashed:
            return "allowed"
        if row.handover_hash == hashed and row.handover_state == HANDOVER_REFUSED:
            return HANDOVER_REFUSED
        return None

    def answer_handover(self, participant_id: int, allow: bool) -> bool:
        """Hand the run over to the device that asked (``allow``), or refuse it.

        Returns
        -------
        bool
            False when there was no request waiting (answered meanwhile, or none).
        """

        def write(conn: Connection) -> bool:
            row = _by_id(conn, t.participants, participant_id, lock=True)
            if row is None or row.handover_state != HANDOVER_ASKED:
                return False
            if allow:
                _update(conn, t.participants, participant_id, device_hash=row.handover_hash,
                        handover_hash=None, handover_state=None, handover_at=None)
            else:
                _update(conn, t.participants, participant_id, handover_state=HANDOVER_REFUSED,
                        handover_at=self.now())
            return True

        return self._write(write)
