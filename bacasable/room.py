"""The facilitator's console without widgets: the room's tiles in plain French, the join address.

:class:`RoomWatcher` polls :meth:`Store.room_version <bacasable.store.Store.room_version>` and
re-reads the room only when it changed; :func:`format_tile` turns a raw tile of
:meth:`Store.room <bacasable.store.Store.room>` into the texts the board shows ("Écran 3 sur 7",
"inactif depuis 2 min"…). :func:`join_url` and :func:`qr_svg` give the learners' address and its
QR code (drawn here, by segno: nothing is fetched from the network). :func:`screen_choices` lists
the screens of a workshop's scenarios for "bring everyone to screen N".

:func:`check_facilitator_pin` adds to :func:`bacasable.pin.check_pin` a limit on wrong PINs kept
in the database: each console page is a new kernel (a new process), so the per-process limit of
:mod:`bacasable.pin` alone would let someone on the Wi-Fi try 5 PINs per page opened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from .loader import Catalogue
from .network import lan_addresses, learner_url
from .pin import LOCK_SECONDS, MAX_FAILURES, PinLockedError, check_pin
from .schema import LEVEL_LABELS
from .store import Store, StoreError

__all__ = [
    "AUTONOMY_CHOICES",
    "DEFAULT_THEME",
    "DURATIONS",
    "EQUIPMENT",
    "LEVELS",
    "THEMES",
    "RoomWatcher",
    "check_facilitator_pin",
    "default_host",
    "duration_text",
    "format_tile",
    "join_url",
    "locked_message",
    "qr_svg",
    "room_changes",
    "room_summary",
    "screen_choices",
    "screen_text",
    "validate_host",
    "validate_workshop_form",
]

#: Themes of the public activity report of a collective workshop, in its order.
THEMES = (
    "Diagnostic numérique",
    "Prendre en main du matériel",
    "Maintenance de matériel",
    "Gérer ses contenus numériques",
    "Navigation sur internet",
    "E-mail",
    "Bureautique",
    "Réseaux sociaux communication",
    "Santé",
    "Banque et achats en ligne",
    "Accompagner un professionnel",
    "Insertion professionnelle",
    "Prévention en sécurité numérique",
    "Parentalité",
    "Scolarité et numérique",
    "Créer avec le numérique",
    "Culture numérique",
    "Intelligence artificielle (IA)",
    "Aide aux démarches administratives",
)
#: The theme checked by default: the sandbox's whole point.
DEFAULT_THEME = "Aide aux démarches administratives"

#: Levels of the activity report: stored value → label.
LEVELS = dict(LEVEL_LABELS)

#: Durations of the activity report, in minutes (any other value from 1 to 1440 is accepted).
DURATIONS = (15, 30, 45, 60, 90, 120)

#: Equipment of the activity report: stored value → label.
EQUIPMENT = {
    "ordinateur": "Ordinateur",
    "telephone": "Téléphone",
    "tablette": "Tablette",
    "autre": "Autre",
    "aucun": "Pas de matériel",
}

#: How autonomous a learner was: stored value → label for the facilitator.
AUTONOMY_CHOICES = {
    "seul": "Seul",
    "indices": "Avec les indices",
    "aide_animateur": "Avec l'aide de l'animateur",
    "fait_par_animateur": "Fait par l'animateur",
}

#: Seconds without activity after which a tile says "inactif depuis…" and is marked idle.
IDLE_AFTER = 120

#: The settings key of the wrong PINs shared by every kernel: ``"count|until"``.
PIN_FAILURES_SETTING = "facilitator_pin_failures"

MSG_HOST = "Adresse non valide : tapez une adresse comme 192.168.1.20."
MSG_NO_SCENARIO = "Choisissez au moins un exercice."
MSG_NO_THEME = "Choisissez au moins un thème."
MSG_TITLE = "Donnez un titre à l'atelier (200 caractères au plus)."
MSG_PLACE = "Le lieu doit faire au plus 200 caractères."
MSG_DATE = "Date non valide : choisissez un jour (AAAA-MM-JJ)."
MSG_DURATION = "Durée non valide : un nombre de minutes entre 1 et 1440."
MSG_LEVEL = "Choisissez un niveau : débutant, intermédiaire ou avancé."


# --- the join address and its QR code ------------------------------------------------------


def join_url(host: str, port: int, code: str) -> str:
    """Return the address learners open to join a workshop: the learner page with ``?code=``.

    Parameters
    ----------
    host
        This computer's address on the workshop's Wi-Fi (IPv4, IPv6 or a name).
    port
        The server's port.
    code
        The workshop's join code.

    Returns
    -------
    str
        E.g. ``http://192.168.1.20:8866/voila/render/atelier.ipynb?code=AB2C3D``.
    """
    return f"{learner_url(host, int(port))}?code={quote(str(code), safe='')}"


def qr_code(url: str) -> Any:
    """Return the segno QR code of ``url`` (error correction M, never a micro QR code)."""
    import segno

    return segno.make(url, error="m", micro=False)


def qr_svg(url: str) -> str:
    """Return the QR code of ``url`` as inline SVG (no XML declaration, scalable).

    The SVG has a ``viewBox`` and no size: the page's stylesheet makes it as big as it needs.
    Black on a white background with the standard quiet zone, so that phones read it from the
    back of a room.

    Parameters
    ----------
    url
        The address to encode.

    Returns
    -------
    str
        ``<svg …>…</svg>``, to put inside an HTML page.
    """
    return qr_code(url).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="bas-qr-svg"
    )


def validate_host(text: Any) -> str:
    """Return a host typed by the facilitator (an IP address or a network name), cleaned.

    Raises
    ------
    StoreError
        With a French message when it cannot be a host.
    """
    if not isinstance(text, str):
        raise StoreError(MSG_HOST)
    host = text.strip().strip("[]")
    if not host or len(host) > 253:
        raise StoreError(MSG_HOST)
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host))
    label = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    if re.fullmatch(rf"{label}(?:\.{label})*\.?", host) and not host.replace(".", "").isdigit():
        return host.rstrip(".")
    raise StoreError(MSG_HOST)


def _loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.endswith(".localhost")


def default_host(environ: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """Return the host to put in the join address, and every address found on the Wi-Fi.

    The console page's own host (``SERVER_NAME``, set by Voilà from the request) comes first
    when it is not this computer's loopback: the facilitator opened the console through the
    Wi-Fi address, which the phones can reach too. Otherwise the likeliest LAN address
    (:func:`bacasable.network.lan_addresses`), else ``127.0.0.1``.

    Returns
    -------
    host : str
    found : list of str
        The LAN addresses found (empty when the computer is on no network).
    """
    env = os.environ if environ is None else environ
    try:
        found = lan_addresses()
    except Exception:  # never let a network probe break the console
        found = []
    page_host = (env.get("SERVER_NAME") or "").strip()
    if page_host and not _loopback(page_host):
        with contextlib.suppress(StoreError):
            return validate_host(page_host), found
    return (found[0] if found else "127.0.0.1"), found


def page_opened_on_this_computer(environ: Mapping[str, str] | None = None) -> bool:
    """Tell whether the console page was asked for through this computer's loopback address.

    Voilà gives the kernel the request's host as ``SERVER_NAME``. Outside Voilà (tests, a
    notebook) the answer is True. Under Voilà without a known request (a preheated kernel, or
    no ``SERVER_NAME``) it is False: the page may come from any device on the Wi-Fi.
    """
    env = os.environ if environ is None else environ
    under_voila = (
        env.get("SERVER_SOFTWARE", "").startswith("voila")
        or "VOILA_PREHEAT" in env
        or "VOILA_BASE_URL" in env
    )
    if not under_voila:
        return True
    host = env.get("SERVER_NAME")
    if env.get("VOILA_PREHEAT") == "True" or not host:
        return False
    return _loopback(host.strip().lower())


# --- the facilitator's PIN, limited across kernels --------------------------------------------


def _pin_failures(store: Store) -> tuple[int, float]:
    raw = store.setting(PIN_FAILURES_SETTING) or ""
    try:
        count, until = raw.split("|")
        return int(count), float(until)
    except ValueError:
        return 0, 0.0


def reset_pin_failures(store: Store) -> None:
    """Forget the wrong PINs counted in the database (after a new PIN is set)."""
    if store.setting(PIN_FAILURES_SETTING) is not None:
        store.set_setting(PIN_FAILURES_SETTING, None)


def check_facilitator_pin(
    store: Store, pin: str, *, clock: Callable[[], float] = time.time
) -> bool:
    """Check the facilitator's PIN, with wrong tries counted in the database.

    :func:`bacasable.pin.check_pin` counts wrong tries per process; every console page opened
    is a new kernel, so the count is also kept in the store's settings: after
    :data:`~bacasable.pin.MAX_FAILURES` wrong PINs in a row, from any page, checking is
    suspended for :data:`~bacasable.pin.LOCK_SECONDS` seconds.

    Parameters
    ----------
    store
        The outcome store.
    pin
        The PIN typed.
    clock
        Wall-clock time in seconds (shared by every process); for tests.

    Returns
    -------
    bool
        True when it is the PIN set.

    Raises
    ------
    PinLockedError
        While checking is suspended.
    """
    count, until = _pin_failures(store)
    now = clock()
    if until > now:
        raise PinLockedError(until - now)
    ok = check_pin(store, pin)
    if ok:
        if count or until:
            store.set_setting(PIN_FAILURES_SETTING, None)
        return True
    count += 1
    if count >= MAX_FAILURES:
        store.set_setting(PIN_FAILURES_SETTING, f"0|{now + LOCK_SECONDS}")
    else:
        store.set_setting(PIN_FAILURES_SETTING, f"{count}|0")
    return False


def locked_message(retry_after: float) -> str:
    """Return "Trop d'essais. Réessayez dans 30 secondes." for a wait of ``retry_after`` s."""
    seconds = max(1, math.ceil(retry_after))
    return f"Trop d'essais. Réessayez dans {seconds} seconde{'s' if seconds > 1 else ''}."


# --- the workshop form ------------------------------------------------------------------------


def validate_workshop_form(
    values: Mapping[str, Any], scenario_ids: Iterable[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the "new workshop" form; return the arguments of ``create_workshop`` and the errors.

    Parameters
    ----------
    values
        ``title``, ``place``, ``date`` (``AAAA-MM-JJ``), ``scenarios`` (ids), ``themes``,
        ``level``, ``duration`` (minutes, text or int), ``equipment`` (values of
        :data:`EQUIPMENT`), as the form sends them.
    scenario_ids
        The scenarios that may be chosen (the others are ignored).

    Returns
    -------
    clean : dict
        Keyword arguments for :meth:`Store.create_workshop` (empty when there are errors).
    errors : dict
        Field name → French message; empty when the form is valid.
    """
    errors: dict[str, str] = {}
    title = values.get("title")
    title = " ".join(title.split()) if isinstance(title, str) else ""
    if not title or len(title) > 200:
        errors["title"] = MSG_TITLE
    place = values.get("place")
    place = " ".join(place.split()) if isinstance(place, str) else ""
    if len(place) > 200:
        errors["place"] = MSG_PLACE
    day = None
    try:
        day = dt.date.fromisoformat(str(values.get("date") or "").strip())
    except ValueError:
        errors["date"] = MSG_DATE
    known = list(scenario_ids)
    chosen = _strings(values.get("scenarios"))
    scenarios = [s for s in known if s in chosen]
    if not scenarios:
        errors["scenarios"] = MSG_NO_SCENARIO
    chosen_themes = _strings(values.get("themes"))
    themes = [t for t in THEMES if t in chosen_themes]
    if not themes:
        errors["themes"] = MSG_NO_THEME
    level = values.get("level")
    if level not in LEVELS:
        errors["level"] = MSG_LEVEL
    duration = values.get("duration")
    try:
        minutes = int(str(duration).strip())
    except ValueError:
        minutes = 0
    if isinstance(duration, bool) or not 1 <= minutes <= 1440:
        errors["duration"] = MSG_DURATION
    chosen_equipment = _strings(values.get("equipment"))
    equipment = [e for e in EQUIPMENT if e in chosen_equipment]
    if errors:
        return {}, errors
    return {
        "title": title,
        "place": place,
        "date": day,
        "scenario_ids": scenarios,
        "themes": themes,
        "level": level,
        "duration_minutes": minutes,
        "equipment": equipment,
    }, {}


def _strings(value: Any) -> set[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        return set()
    return {v for v in value if isinstance(v, str)}


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
        ``hints_text``, ``activity`` ("inactif depuis 2 min", "" when the run is over or the
        page is gone), ``idle``, ``hand``,
        ``hand_text``, ``hand_seconds``, ``done``, ``abandoned``, ``disconnected``, ``state``
        (``"hand"``, ``"done"``, ``"disconnected"``, ``"abandoned"``, ``"idle"``,
        ``"active"``, ``"waiting"``), ``state_text``, ``observation``.
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
    if hand:
        state, state_text = "hand", "Main levée"
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
        "activity": idle_text(idle_seconds) if started and not (done or disconnected) else "",
        "idle": bool(idle),
        "hand": hand,
        "hand_seconds": tile.get("hand_waiting_seconds") if hand else None,
        "hand_text": (
            f"Main levée depuis {duration_text(tile.get('hand_waiting_seconds'))}" if hand else ""
        ),
        "done": done,
        "abandoned": abandoned,
        "disconnected": disconnected,
        "state": state,
        "state_text": state_text,
        "observation": note,
    }


def room_summary(tiles: Sequence[Mapping[str, Any]]) -> str:
    """Return one line about the room: "5 apprenants · 1 main levée · 2 ont terminé"."""
    if not tiles:
        return "Personne n'a encore rejoint l'atelier."
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
        The formatted tiles last read (:func:`format_tile`).
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
        self.tiles = [
            format_tile(t, self.catalogue, self._observations.get(t["participant_id"]))
            for t in self.raw
        ]
        return self.tiles

    def observed(self, observation: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Take a new observation into account and return the tiles."""
        if self._observations is None:
            self._observations = {}
        self._observations[int(observation["participant_id"])] = dict(observation)
        self.tiles = [
            format_tile(t, self.catalogue, self._observations.get(t["participant_id"]))
            for t in self.raw
        ]
        return self.tiles
