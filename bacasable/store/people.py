"""Participants: joining under a pseudonym, signs of life, raised hands, observations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from . import tables as t
from .base import _Base, _by_id, _insert, _update
from .devices import claim, device_hash
from .errors import (
    MSG_AUTONOMY,
    MSG_CLOSED_WORKSHOP,
    MSG_UNKNOWN_PARTICIPANT,
    MSG_UNKNOWN_WORKSHOP,
    StoreError,
)
from .values import _clean_pseudonym, _identifier, _participant_dict, _plain, _row


class _People(_Base):
    """Participants and observations (part of :class:`~bacasable.store.Store`)."""

    def join(self, workshop_id: int | None, pseudonym: str, device: Any = None) -> dict[str, Any]:
        """Join a workshop under a pseudonym, or come back to it from the same device.

        A pseudonym (ignoring case and extra spaces) is one participant's in a workshop. The
        device that joined under it comes back to it (``resumed``); another device is refused
        with a free pseudonym suggested (:class:`~bacasable.store.devices.PseudonymTaken`), and
        may ask the facilitator to hand the run over. ``workshop_id=None`` is someone practising
        alone (always a new participant).

        Parameters
        ----------
        workshop_id
            The workshop (open), or None.
        pseudonym
            1 to 30 characters; no e-mail address nor long number.
        device
            The page's device token (its SHA-256 is kept, never the token), or None.

        Returns
        -------
        dict
            The participant, as :meth:`participants` lists them, plus ``resumed``.

        Raises
        ------
        StoreError
            For an unknown or closed workshop, or a pseudonym that is not valid;
            :class:`~bacasable.store.devices.PseudonymTaken` for one another device has.
        """
        name = _clean_pseudonym(pseudonym)
        hashed = device_hash(device)

        def write(conn: Connection) -> dict[str, Any]:
            pid, resumed = _join(conn)
            return {**_participant_dict(_by_id(conn, t.participants, pid)), "resumed": resumed}

        def _join(conn: Connection) -> tuple[int, bool]:
            now = self.now()
            if workshop_id is not None:
                # Locked: on PostgreSQL two joins of one workshop (as "Marie" and "marie") queue
                # here, as SQLite's BEGIN IMMEDIATE makes them, and a closing waits for them.
                workshop = _by_id(conn, t.workshops, workshop_id, lock=True)
                if workshop is None:
                    raise StoreError(MSG_UNKNOWN_WORKSHOP)
                if workshop.closed_at is not None:
                    raise StoreError(MSG_CLOSED_WORKSHOP)
                mine = claim(conn, workshop_id, name, hashed)
                if mine is not None:
                    _update(conn, t.participants, mine[0], last_seen_at=now)
                    return mine
            pid = _insert(
                conn,
                t.participants,
                workshop_id=workshop_id,
                pseudonym=name,
                device_hash=hashed,
                created_at=now,
                last_seen_at=now,
            )
            return pid, False

        return self._write(write, retry_conflicts=True)

    def participant(self, participant_id: int) -> dict[str, Any]:
        """Return one participant.

        Parameters
        ----------
        participant_id
            Their id.

        Returns
        -------
        dict
            Every column of ``participants`` plus ``hand_raised``.

        Raises
        ------
        StoreError
            When there is no such participant.
        """
        return _participant_dict(
            self._get(t.participants, participant_id, MSG_UNKNOWN_PARTICIPANT)
        )

    def heartbeat(self, participant_id: int) -> bool:
        """Record a sign of life from a learner's page.

        Parameters
        ----------
        participant_id
            The learner.

        Returns
        -------
        bool
            False when the participant no longer exists (deleted meanwhile).
        """
        now = self.now()
        return self._write(
            lambda conn: _update(conn, t.participants, participant_id, last_seen_at=now) > 0
        )

    def raise_hand(self, participant_id: int) -> None:
        """Raise the learner's hand (the facilitator's board shows it until answered).

        Parameters
        ----------
        participant_id
            The learner.

        Raises
        ------
        StoreError
            When there is no such participant.
        """
        now = self.now()
        self._update_participant(
            participant_id, hand_raised_at=now, hand_answered_at=None, last_seen_at=now
        )

    def answer_hand(self, participant_id: int) -> None:
        """Mark the learner's raised hand as answered by the facilitator.

        Parameters
        ----------
        participant_id
            The learner.

        Raises
        ------
        StoreError
            When there is no such participant.
        """
        self._update_participant(participant_id, hand_answered_at=self.now())

    def _update_participant(self, participant_id: int, **values: Any) -> None:
        def write(conn: Connection) -> None:
            if not _update(conn, t.participants, participant_id, **values):
                raise StoreError(MSG_UNKNOWN_PARTICIPANT)

        self._write(write)

    def participants(self, workshop_id: int) -> list[dict[str, Any]]:
        """Return the participants of a workshop, in the order they joined.

        Parameters
        ----------
        workshop_id
            The workshop.

        Returns
        -------
        list of dict
            Every column of ``participants`` plus ``hand_raised``.
        """
        rows = self._all(
            select(t.participants)
            .where(t.participants.c.workshop_id == workshop_id)
            .order_by(t.participants.c.id)
        )
        return [_participant_dict(r) for r in rows]

    # --- observations -----------------------------------------------------------------------

    def record_observation(
        self,
        participant_id: int,
        autonomy: str,
        note: str = "",
        scenario_id: str | None = None,
    ) -> dict[str, Any]:
        """Record how autonomous a learner was, with a short note.

        Parameters
        ----------
        participant_id
            The learner observed.
        autonomy
            One of ``"seul"``, ``"indices"``, ``"aide_animateur"``, ``"fait_par_animateur"``.
        note
            A short note; cut at 500 characters.
        scenario_id
            The exercise observed. By default, the one the learner worked on last (none if
            they have not started any): the facilitator observes what they see on the screen.

        Returns
        -------
        dict
            The observation (``id``, ``participant_id``, ``workshop_id``, ``scenario_id``,
            ``autonomy``, ``note``, ``created_at``).

        Raises
        ------
        StoreError
            For an unknown participant or autonomy level.
        """
        if autonomy not in t.AUTONOMY_LEVELS:
            raise StoreError(MSG_AUTONOMY)
        text = _plain(" ".join(str(note or "").split()))[: t.NOTE_LENGTH]
        scenario_id = _identifier(scenario_id, optional=True)

        def write(conn: Connection) -> dict[str, Any]:
            now = self.now()
            found = _by_id(conn, t.participants, participant_id)
            if found is None:
                raise StoreError(MSG_UNKNOWN_PARTICIPANT)
            scenario = scenario_id
            if scenario is None:
                a = t.attempts.c
                scenario = conn.execute(
                    select(a.scenario_id)
                    .where(a.participant_id == participant_id)
                    .order_by(a.updated_at.desc(), a.id.desc())
                    .limit(1)
                ).scalar()
            values = {
                "participant_id": participant_id,
                "workshop_id": found.workshop_id,
                "scenario_id": scenario,
                "autonomy": autonomy,
                "note": text,
                "created_at": now,
            }
            return {"id": _insert(conn, t.observations, **values), **values}

        return self._write(write)

    def observations(self, workshop_id: int) -> list[dict[str, Any]]:
        """Return the observations of a workshop, oldest first.

        Parameters
        ----------
        workshop_id
            The workshop.

        Returns
        -------
        list of dict
            Every column of ``observations`` plus the learner's ``pseudonym``.
        """
        o = t.observations.c
        query = (
            select(t.observations, t.participants.c.pseudonym)
            .join(t.participants, t.participants.c.id == o.participant_id)
            .where(o.workshop_id == workshop_id)
            .order_by(o.created_at, o.id)
        )
        return [_row(r) for r in self._all(query)]
