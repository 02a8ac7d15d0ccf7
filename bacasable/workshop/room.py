"""A workshop's room without widgets: its tiles in plain French, re-read when they change.

:class:`RoomWatcher` polls :meth:`Store.room_version <bacasable.store.Store.room_version>` and
re-reads the room only when it changed; :func:`format_tile` turns a raw tile of
:meth:`Store.room <bacasable.store.Store.room>` into the texts the board shows ("Écran 3 sur 7",
"inactif depuis 2 min"…), :func:`room_summary` and :func:`room_changes` sum up and announce
them; the watcher's tiles come in the board's order (who needs help first,
:mod:`bacasable.workshop.room_attention`). :func:`screen_choices` lists the screens of a
workshop's scenarios for "bring everyone to screen N".
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bacasable.run.diagnostic_view import LEVEL_NAMES
from bacasable.scenario.loader import Catalogue
from bacasable.store import Store
from bacasable.workshop.room_attention import order_tiles

__all__ = [
    "AUTONOMY_CHOICES",
    "MSG_EMPTY_ROOM",
    "RoomWatcher",
    "duration_text",
    "format_tile",
    "idle_text",
    "room_changes",
    "room_summary",
    "screen_choices",
    "screen_text",
]

#: How autonomous a learner was: stored value → label for the facilitator.
AUTONOMY_CHOICES = {
    "seul": "Seul",
    "indices": "Avec les indices",
    "aide_animateur": "Avec l'aide de l'animateur",
    "fait_par_animateur": "Fait par l'animateur",
}

#: What the board says until someone joins (once on the page).
MSG_EMPTY_ROOM = (
    "Personne n'a encore rejoint l'atelier. Montrez le QR code, ou dites le code de l'atelier."
)

#: Seconds without activity after which a tile says "inactif depuis…" and is marked idle.
IDLE_AFTER = 120


# --- scenario screens -------------------------------------------------------------------------


def screen_choices(catalogue: Catalogue, scenario_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Return the screens a workshop can bring everyone to, in the order of its scenarios.

    Parameters
    ----------
    catalogue
        The loaded scenarios.
    scenario_ids
        The workshop's scenarios; those not in the catalogue are left out.

    Returns
    -------
    list of dict
        ``id`` (screen id), ``label`` ("3. Vos coordonnées"), ``scenario`` (its title), one per
        screen.
    """
    out = []
    for sid in scenario_ids:
        scenario = catalogue.scenarios.get(sid)
        if scenario is None:
            continue
        for number, screen in enumerate(scenario.screens, start=1):
            out.append(
                {"id": screen.id, "label": f"{number}. {screen.title}", "scenario": scenario.title}
            )
    return out


# --- texts of a tile --------------------------------------------------------------------------


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count in (0, 1) else (many or one + 's')}"


def duration_text(seconds: float | None) -> str:
    """Return a duration in plain French: "moins d'une minute", "2 min", "1 h 05"."""
    if seconds is None or seconds < 60:
        return "moins d'une minute"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"


def screen_text(index: int | None, count: int | None) -> str:
    """Return "écran 3 sur 7" (or "écran 3" when the count is unknown; "" without index)."""
    if not index:
        return ""
    if count and count >= index:
        return f"écran {index} sur {count}"
    return f"écran {index}"


def idle_text(seconds: float | None) -> str:
    """Return "inactif depuis 2 min", or "actif" under :data:`IDLE_AFTER`… under a minute."""
    if seconds is None or seconds < 60:
        return "actif à l'instant"
    return f"inactif depuis {duration_text(seconds)}"


def _titles(catalogue: Catalogue | None) -> dict[str, Any]:
    return {} if catalogue is None else dict(catalogue.scenarios)


def format_tile(
    tile: Mapping[str, Any],
    catalogue: Catalogue | None = None,
    observation: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return what the board shows of one learner, from a tile of :meth:`Store.room`.

    Parameters
    ----------
    tile
        One tile of :meth:`Store.room`.
    catalogue
        For the scenario and screen titles (ids are shown without it).
    observation
        The learner's latest observation, if any.

    Returns
    -------
    dict
        JSON-able: ``id``, ``pseudonym``, ``number`` ("n° 12"), ``scenario``, ``screen``
        ("Écran 3 sur 7 : Vos coordonnées"), ``errors``, ``errors_text``, ``hints``,
        ``hints_text``, ``screen_errors`` (errors on the current screen), ``step``, ``steps``
        and ``progress_text`` ("Écran 3 sur 7"; None, None and "" when unknown),
        ``screen_title``, ``activity`` ("inactif depuis 2 min", "" when the run is over or the
        page is gone), ``started``, ``idle``, ``idle_minutes``, ``idle_for`` ("4 min" when
        idle, else ""), ``hand``,
        ``hand_text``, ``hand_seconds``, ``handover`` and ``handover_text`` (another device
        asks for this learner's run), ``done``, ``abandoned``, ``disconnected``, ``state``
        (``"hand"``, ``"done"``, ``"disconnected"``, ``"abandoned"``, ``"idle"``,
        ``"active"``, ``"waiting"``), ``state_text``, ``observation``, ``placement`` (the
        level a diagnostic advised, or "") and ``placement_text`` (« Niveau conseillé :
        débutant », or "").
    """
    scenarios = _titles(catalogue)
    scenario = scenarios.get(tile.get("scenario_id") or "")
    scenario_title = (
        scenario.title if scenario is not None else (tile.get("scenario_id") or "")
    )
    screen_title = ""
    if scenario is not None and tile.get("screen_id"):
        with contextlib.suppress(KeyError):
            screen_title = scenario.screen(tile["screen_id"]).title
    where = screen_text(tile.get("screen_index"), tile.get("screen_count"))
    if where and screen_title:
        where = f"{where} : {screen_title}"
    elif screen_title:
        where = screen_title
    errors, hints = int(tile.get("errors") or 0), int(tile.get("hints") or 0)
    idle_seconds = tile.get("idle_seconds")
    hand = bool(tile.get("hand_raised"))
    done, abandoned = bool(tile.get("done")), bool(tile.get("abandoned"))
    disconnected = bool(tile.get("disconnected"))
    started = tile.get("attempt_id") is not None
    idle = started and not done and (idle_seconds or 0) >= IDLE_AFTER
    if hand:  # a hand raised from a page now gone: whoever goes there must know
        state, state_text = "hand", "Main levée" + (" — déconnecté" if disconnected else "")
    elif done:  # a learner who finished may well close the page: that is no worry
        state, state_text = "done", "Exercice terminé"
    elif disconnected:
        state = "disconnected"
        seen = tile.get("seen_seconds")
        state_text = "Déconnecté" + (f" depuis {duration_text(seen)}" if (seen or 0) >= 60 else "")
    elif abandoned:
        state, state_text = "abandoned", "Exercice abandonné"
    elif not started:
        state, state_text = "waiting", "Choisit un exercice"
    elif idle:
        state, state_text = "idle", "Inactif"
    else:
        state, state_text = "active", "En cours"
    step, steps = tile.get("screen_index"), tile.get("screen_count")
    if done and steps:  # the last screen reached, whatever the index said before
        step = steps
    if not (started and step and steps and steps >= step):
        step = steps = None
    note = ""
    if observation:
        label = AUTONOMY_CHOICES.get(observation.get("autonomy", ""), "")
        note = f"Autonomie notée : {label.lower()}" if label else ""
    return {
        "id": int(tile["participant_id"]),
        "pseudonym": str(tile.get("pseudonym") or ""),
        "number": f"n° {tile['participant_id']}",
        "scenario": scenario_title,
        "screen": where[:1].upper() + where[1:] if where else "",
        "errors": errors,
        "errors_text": _plural(errors, "erreur"),
        "hints": hints,
        "hints_text": _plural(hints, "indice"),
        "screen_errors": int(tile.get("screen_errors") or 0),
        "step": step,
        "steps": steps,
        "progress_text": f"Écran {step} sur {steps}" if step else "",
        "screen_title": screen_title,
        "activity": idle_text(idle_seconds) if started and not (done or disconnected) else "",
        "started": started,
        "idle": bool(idle),
        # Whole minutes: the tiles sent to the page change once a minute, not at each look.
        "idle_minutes": int((idle_seconds or 0) // 60) if idle else 0,
        "idle_for": duration_text(idle_seconds) if idle else "",
        "hand": hand,
        "hand_seconds": tile.get("hand_waiting_seconds") if hand else None,
        "hand_text": (
            f"Main levée depuis {duration_text(tile.get('hand_waiting_seconds'))}" if hand else ""
        ),
        "handover": bool(tile.get("handover_asked")),
        "handover_text": (
            f"{tile.get('pseudonym') or ''} veut reprendre sur un autre appareil"
            if tile.get("handover_asked") else ""
        ),
        "done": done,
        "abandoned": abandoned,
        "disconnected": disconnected,
        "state": state,
        "state_text": state_text,
        "observation": note,
        "placement": str(tile.get("placement") or ""),
        "placement_text": (f"Niveau conseillé : {LEVEL_NAMES.get(tile['placement'], '')}"
                           if tile.get("placement") in LEVEL_NAMES else ""),
    }


def room_summary(tiles: Sequence[Mapping[str, Any]]) -> str:
    """Return one line about the room: "5 apprenants · 1 main levée · 2 ont terminé"."""
    if not tiles:
        return MSG_EMPTY_ROOM
    parts = [_plural(len(tiles), "apprenant")]
    hands = sum(bool(t.get("hand")) for t in tiles)
    if hands:
        parts.append(_plural(hands, "main levée", "mains levées"))
    done = sum(bool(t.get("done")) for t in tiles)
    if done:
        parts.append(f"{done} {'a' if done == 1 else 'ont'} terminé")
    gone = sum(bool(t.get("disconnected")) for t in tiles)
    if gone:
        parts.append(_plural(gone, "déconnecté"))
    return " · ".join(parts)


def room_changes(
    before: Sequence[Mapping[str, Any]] | None, after: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Return what happened between two boards, to announce: joins, hands raised, exercises done.

    Parameters
    ----------
    before
        The formatted tiles shown until now (None: the first board, nothing is announced).
    after
        The new formatted tiles.

    Returns
    -------
    list of str
        Short French sentences ("Marie lève la main.").
    """
    if before is None:
        return []
    old = {t["id"]: t for t in before}
    out = []
    for tile in after:
        name = tile["pseudonym"]
        previous = old.get(tile["id"])
        if previous is None:
            out.append(f"{name} a rejoint l'atelier.")
            if tile.get("hand"):
                out.append(f"{name} lève la main.")
            continue
        if tile.get("hand") and not previous.get("hand"):
            out.append(f"{name} lève la main.")
        if tile.get("done") and not previous.get("done"):
            out.append(f"{name} a terminé l'exercice.")
    return out


# --- the watcher ------------------------------------------------------------------------------


class RoomWatcher:
    """Follows a workshop's room: re-reads the tiles only when the store says they changed.

    Parameters
    ----------
    store
        The outcome store.
    workshop_id
        The workshop watched.
    catalogue
        For scenario and screen titles.
    now
        Returns the time to compute durations at (default: the store's clock).

    Attributes
    ----------
    version : str or None
        The room version last read.
    tiles : list of dict
        The formatted tiles last read (:func:`format_tile`), in the board's order
        (:func:`~bacasable.workshop.room_attention.order_tiles`: who needs help first).
    """

    def __init__(
        self,
        store: Store,
        workshop_id: int,
        catalogue: Catalogue | None = None,
        now: Callable[[], dt.datetime | float] | None = None,
    ) -> None:
        self.store = store
        self.workshop_id = workshop_id
        self.catalogue = catalogue
        self._now = now
        self.version: str | None = None
        self.tiles: list[dict[str, Any]] = []
        self.raw: list[dict[str, Any]] = []
        self._observations: dict[int, dict[str, Any]] | None = None

    def poll_once(self) -> list[dict[str, Any]] | None:
        """Read the room's version; when it changed, re-read and return the new tiles.

        Returns
        -------
        list of dict or None
            The formatted tiles, or None when nothing changed since the last call.

        Raises
        ------
        StoreError
            When the store cannot be read.
        """
        version = self.store.room_version(self.workshop_id)
        if version == self.version:
            return None
        # Noted before reading: a change made meanwhile gives a newer version, read next time.
        self.version = version
        return self._read()

    def refresh(self) -> list[dict[str, Any]]:
        """Re-read the room now (durations change with time alone) and return the tiles."""
        self.version = self.store.room_version(self.workshop_id)
        return self._read()

    def _read(self) -> list[dict[str, Any]]:
        now = self._now() if self._now is not None else None
        self.raw = self.store.room(self.workshop_id, now=now)
        if self._observations is None:
            self._observations = {}
            for obs in self.store.observations(self.workshop_id):
                self._observations[obs["participant_id"]] = obs
        return self._format()

    def _format(self) -> list[dict[str, Any]]:
        observations = self._observations or {}
        self.tiles = order_tiles([
            format_tile(t, self.catalogue, observations.get(t["participant_id"]))
            for t in self.raw
        ])
        return self.tiles

    def observed(self, observation: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Take a new observation into account and return the tiles."""
        if self._observations is None:
            self._observations = {}
        self._observations[int(observation["participant_id"])] = dict(observation)
        return self._format()
