"""The facilitator's console: a PIN gate, then start or reopen a workshop, drive the room.

``notebooks/animateur.ipynb`` displays :func:`console`. Until the right PIN is typed, the page
holds the :class:`~widgets.pin_gate.PinGate` only: the panel and the board (workshops,
pseudonyms) are not even created, so nothing of them reaches the browser. Voilà lets a page
send only widget (comm) messages to its kernel, never code to run, and each page has its own
kernel: a learner who opens the console's address gets a gate of their own.

Once open, an asyncio task of the kernel polls :meth:`Store.room_version` every
:data:`POLL_SECONDS` and updates the :class:`~widgets.board.Board`'s ``tiles`` when the room
changed (a learner's action shows within a second), and re-reads the room every
:data:`REFRESH_SECONDS` for the durations ("inactif depuis 2 min"). Without a running event
loop (tests), call :meth:`Console.poll_once` and :meth:`Console.refresh`.

Every action catches its errors and shows a French message; nothing shows a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets
import traitlets

from bacasable.config import BacasableConfig
from bacasable.loader import Catalogue
from bacasable.pin import PinLockedError, has_pin, set_pin
from bacasable.room import (
    DEFAULT_THEME,
    DURATIONS,
    EQUIPMENT,
    LEVELS,
    THEMES,
    RoomWatcher,
    check_facilitator_pin,
    default_host,
    join_url,
    locked_message,
    page_opened_on_this_computer,
    qr_svg,
    reset_pin_failures,
    room_changes,
    screen_choices,
    validate_host,
    validate_workshop_form,
)
from bacasable.store import Store, StoreError

from ._base import Action, ActionWidget, log, module
from .board import Board
from .pin_gate import CONSOLE_CSS, PinGate, guarded

#: Seconds between two reads of the room's version.
POLL_SECONDS = 0.4
#: Seconds between two full reads of the room (idle and waiting times).
REFRESH_SECONDS = 5.0

MSG_WRONG_PIN = "Ce code PIN n'est pas le bon. Réessayez."
MSG_PIN_MISMATCH = "Les deux codes ne sont pas identiques. Tapez-les à nouveau."
MSG_PIN_EXISTS = "Un code PIN est déjà choisi : tapez-le pour ouvrir la console."
MSG_PIN_SAVED = "Code PIN enregistré. Il vous sera demandé à chaque ouverture de la console."
MSG_STORE = (
    "Les résultats de l'atelier sont inaccessibles. Fermez cette page et relancez Bac à sable."
)
MSG_CATALOGUE = (
    "Des exercices n'ont pas pu être chargés : vérifiez-les avec « bacasable validate »."
)
MSG_PAUSED = "La salle est en pause : les apprenants voient « Pause — regardez l'écran »."
MSG_FAILED = "Cette action n'a pas pu aboutir. Réessayez dans un instant."
MSG_FORM = "Le formulaire contient des erreurs : corrigez les champs signalés."
MSG_NO_WORKSHOP = "Aucun atelier n'est ouvert dans la console."
MSG_UNKNOWN_LEARNER = "Cette personne n'est plus dans l'atelier."
MSG_UNKNOWN_SCREEN = "Choisissez un écran dans la liste."
MSG_EMPTY_MESSAGE = "Écrivez le message à envoyer."
MSG_POLL = "La salle n'a pas pu être mise à jour. Nouvel essai dans un instant…"
MSG_NO_NETWORK = (
    "Aucun réseau local trouvé : les téléphones ne pourront pas se connecter. Reliez cet "
    "ordinateur au Wi-Fi de l'atelier, puis tapez son adresse ci-dessous."
)


def _date_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.date):
        return ""
    try:
        from babel.dates import format_date

        return format_date(value, format="full", locale="fr_FR")
    except Exception:  # babel data missing: the ISO date is still readable
        return value.isoformat()


def _spaced(code: str) -> str:
    """Return a join code as read aloud, one character at a time."""
    return " ".join(code)


def _grouped(code: str) -> str:
    """Return a join code in two groups of three, easier to copy: ``AB2 C3D``."""
    return f"{code[:3]} {code[3:]}" if len(code) > 4 else code


class ConsolePanel(ActionWidget):
    """The console's forms and controls (everything but the tiles).

    Attributes
    ----------
    stage : str
        ``"home"`` (start or reopen a workshop) or ``"workshop"`` (drive it).
    form : dict
        The options of the new-workshop form: ``scenarios`` (``id``, ``title``, ``service``),
        ``themes``, ``default_themes``, ``levels`` and ``equipment`` (``value``, ``label``),
        ``durations``, ``defaults`` (``date``, ``level``, ``duration``, ``equipment``).
    form_errors : dict
        Field → French message, after a refused form.
    workshops : list of dict
        The workshops not closed, to reopen: ``id``, ``title``, ``date``, ``place``,
        ``code``, ``count``.
    workshop : dict
        The workshop driven: ``id``, ``title``, ``place``, ``date``, ``code``, ``code_grouped``,
        ``code_spoken``, ``paused``, ``message``, ``scenarios`` (titles).
    join : dict
        ``host``, ``hosts`` (found on the Wi-Fi), ``url``, ``qr`` (inline SVG), ``warning``.
    screens : list of dict
        The screens to bring everyone to (:func:`bacasable.room.screen_choices`).
    learners : list of dict
        ``id`` and ``pseudonym`` of each learner, for "to whom" choices.
    confirm_close : bool
        The confirmation step of closing the workshop is shown.
    status, error : str
        The last result, polite (``role=status``) or an error (``role=alert``).
    seq : int
        Increases with each result, so that the same message is announced again.
    """

    _esm = module("console.js")
    _css = CONSOLE_CSS

    stage = traitlets.Enum(("home", "workshop"), default_value="home").tag(sync=True)
    form = traitlets.Dict().tag(sync=True)
    form_errors = traitlets.Dict().tag(sync=True)
    workshops = traitlets.List(traitlets.Dict()).tag(sync=True)
    workshop = traitlets.Dict().tag(sync=True)
    join = traitlets.Dict().tag(sync=True)
    screens = traitlets.List(traitlets.Dict()).tag(sync=True)
    learners = traitlets.List(traitlets.Dict()).tag(sync=True)
    confirm_close = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    seq = traitlets.Int(0).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")

    def say(self, status: str = "", error: str = "") -> None:
        """Show a result: a status, or an error (one replaces the other)."""
        self.status = "" if error else status
        self.error = error
        self.seq += 1


class Console(ipywidgets.VBox):
    """The facilitator's whole console, behind the PIN gate.

    Parameters
    ----------
    store : Store, optional
        The outcome store; default: the configuration's (opened on first use).
    catalogue : Catalogue, optional
        The scenarios; default: loaded from the configured folders once the PIN is right.
    config : BacasableConfig, optional
        Settings (port, data folder, scenario folders); default: from the environment.
    environ : mapping, optional
        The kernel's environment (``SERVER_NAME`` from Voilà); default: ``os.environ``.
    poll : bool
        Start the polling task when a workshop opens and an event loop runs (default).

    Attributes
    ----------
    gate : PinGate
    panel : ConsolePanel or None
        None until the PIN is right.
    board : Board or None
        None until the PIN is right.
    watcher : RoomWatcher or None
        The room followed, while a workshop is driven.
    workshop_id : int or None
    """

    def __init__(
        self,
        store: Store | None = None,
        catalogue: Catalogue | None = None,
        *,
        config: BacasableConfig | None = None,
        environ: Mapping[str, str] | None = None,
        poll: bool = True,
        **kwargs: Any,
    ) -> None:
        self.config = config or BacasableConfig()
        self._environ = os.environ if environ is None else environ
        self._store = store
        self.catalogue = catalogue
        self._poll = poll
        self._task: asyncio.Task | None = None
        self._poll_failed = False
        self._shown: list[dict[str, Any]] | None = None
        self._host: str | None = None
        self._hosts: list[str] = []
        self.unlocked = False
        self.panel: ConsolePanel | None = None
        self.board: Board | None = None
        self.watcher: RoomWatcher | None = None
        self.workshop_id: int | None = None
        self.gate = PinGate()
        super().__init__([self.gate], **kwargs)
        self.add_class("bas-console-app")
        self.gate.on_action(guarded(self._on_gate, lambda text: self.gate.answer(text)))
        self._set_gate_mode()

    # --- the store and the gate ---------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The outcome store (opened on first use)."""
        if self._store is None:
            Path(self.config.data_dir).expanduser().mkdir(parents=True, exist_ok=True)
            self._store = Store.shared(self.config.db_url)
        return self._store

    def _set_gate_mode(self) -> None:
        try:
            exists = has_pin(self.store)
        except StoreError as error:
            log.exception("console: store unavailable")
            self.gate.answer(error.message if error.message else MSG_STORE)
            return
        except Exception:
            log.exception("console: store unavailable")
            self.gate.answer(MSG_STORE)
            return
        if exists:
            self.gate.mode = "check"
        elif page_opened_on_this_computer(self._environ):
            self.gate.mode = "create"
        else:
            self.gate.mode = "elsewhere"

    def _on_gate(self, content: Action) -> None:
        if self.unlocked:
            return
        action = content.get("action")
        pin = content.get("pin")
        pin = pin if isinstance(pin, str) else ""
        if action == "check":
            self._check(pin)
        elif action == "create":
            confirm = content.get("confirm")
            self._create(pin, confirm if isinstance(confirm, str) else "")

    def _check(self, pin: str) -> None:
        try:
            ok = check_facilitator_pin(self.store, pin)
        except PinLockedError as error:
            self.gate.answer(locked_message(error.retry_after))
            return
        except StoreError as error:
            self.gate.answer(error.message)
            return
        if ok:
            self.unlock()
            return
        if not has_pin(self.store):
            self._set_gate_mode()
            self.gate.answer()
            return
        self.gate.answer(MSG_WRONG_PIN)

    def _create(self, pin: str, confirm: str) -> None:
        if has_pin(self.store):
            self.gate.mode = "check"
            self.gate.answer(MSG_PIN_EXISTS)
            return
        if not page_opened_on_this_computer(self._environ):
            self.gate.mode = "elsewhere"
            self.gate.answer()
            return
        if pin != confirm:
            self.gate.answer(MSG_PIN_MISMATCH)
            return
        try:
            set_pin(self.store, pin)
            reset_pin_failures(self.store)
        except StoreError as error:
            self.gate.answer(error.message)
            return
        self.unlock(MSG_PIN_SAVED)

    # --- once open ----------------------------------------------------------------------------

    def unlock(self, status: str = "") -> None:
        """Open the console (the PIN was right): build the panel and the board.

        Parameters
        ----------
        status : str
            A first message to show ("Code PIN enregistré…").
        """
        if self.unlocked:
            return
        self.unlocked = True
        problem = ""
        if self.catalogue is None:
            self.catalogue, problem = _load_catalogue(self.config)
        self.panel = ConsolePanel(form=self._form_options())
        self.panel.on_action(guarded(self.handle, self._failed))
        self.board = Board()
        self.board.on_action(guarded(self.handle, self._failed))
        self.children = [self.panel]
        self.gate.close()
        self._load_workshops()
        self.panel.say(status, problem)

    def _failed(self, text: str) -> None:
        if self.panel is not None:
            self.panel.say(error=text)

    def _form_options(self) -> dict[str, Any]:
        scenarios = sorted(
            (self.catalogue.scenarios.values() if self.catalogue else []),
            key=lambda s: s.title.casefold(),
        )
        return {
            "scenarios": [{"id": s.id, "title": s.title, "service": s.service} for s in scenarios],
            "themes": list(THEMES),
            "default_themes": [DEFAULT_THEME],
            "levels": [{"value": k, "label": v} for k, v in LEVELS.items()],
            "durations": list(DURATIONS),
            "equipment": [{"value": k, "label": v} for k, v in EQUIPMENT.items()],
            "defaults": {
                "date": dt.date.today().isoformat(),
                "level": "debutant",
                "duration": 120,
                "equipment": ["telephone"],
            },
        }

    def _load_workshops(self) -> None:
        assert self.panel is not None
        try:
            found = self.store.list_workshops()
        except StoreError as error:
            self.panel.workshops = []
            self.panel.say(error=error.message)
            return
        self.panel.workshops = [
            {
                "id": w["id"],
                "title": w["title"],
                "place": w.get("place") or "",
                "date": _date_text(w.get("date")),
                "code": w["join_code"],
                "count": int(w.get("participant_count") or 0),
            }
            for w in found
            if w.get("open")
        ]

    # --- actions ------------------------------------------------------------------------------

    def handle(self, content: Action) -> None:
        """Carry out an action of the panel or the board; errors become French messages.

        Parameters
        ----------
        content : dict
            ``{"action": ..., ...}`` as the views send it.
        """
        if not self.unlocked or self.panel is None:
            return
        action = content.get("action")
        method = getattr(self, f"_do_{action}", None) if isinstance(action, str) else None
        if method is None:
            log.warning("console: unknown action %r", action)
            return
        try:
            method(content)
        except StoreError as error:
            self._tell(content, error.message, error=True)

    def _tell(self, content: Action, text: str, *, error: bool = False) -> None:
        """Answer an action: in the learner's tile for a tile action, else in the panel."""
        participant = content.get("participant")
        if self.board is not None and isinstance(participant, int) and not isinstance(
            participant, bool
        ):
            self.board.answer(participant, str(content.get("action")), text, error=error)
        elif self.panel is not None:
            self.panel.say(*(("", text) if error else (text, "")))

    def _require_workshop(self) -> int:
        if self.workshop_id is None:
            raise StoreError(MSG_NO_WORKSHOP)
        return self.workshop_id

    def _learner(self, value: Any) -> tuple[int, str] | None:
        """Return (id, pseudonym) of a learner of the room, None for "everyone"."""
        if value in (None, "", "all"):
            return None
        try:
            pid = int(value)
        except (TypeError, ValueError):
            raise StoreError(MSG_UNKNOWN_LEARNER) from None
        tiles = self.watcher.tiles if self.watcher is not None else []
        for tile in tiles:
            if tile["id"] == pid:
                return pid, tile["pseudonym"]
        raise StoreError(MSG_UNKNOWN_LEARNER)

    def _do_start(self, content: Action) -> None:
        assert self.panel is not None
        known = list(self.catalogue.scenarios) if self.catalogue else []
        clean, errors = validate_workshop_form(content, known)
        self.panel.form_errors = errors
        if errors:
            self.panel.say(error=MSG_FORM)
            return
        workshop = self.store.create_workshop(**clean)
        self.open_workshop(workshop["id"])
        self.panel.say(f"L'atelier « {workshop['title']} » est ouvert. Code : "
                       f"{_grouped(workshop['join_code'])}.")

    def _do_resume(self, content: Action) -> None:
        assert self.panel is not None
        try:
            wid = int(content.get("workshop"))
        except (TypeError, ValueError):
            raise StoreError("Choisissez un atelier dans la liste.") from None
        self.open_workshop(wid)
        self.panel.say(f"L'atelier « {self.panel.workshop['title']} » est repris.")

    def _do_refresh_list(self, _content: Action) -> None:
        self._load_workshops()

    def _do_host(self, content: Action) -> None:
        assert self.panel is not None
        self._host = validate_host(content.get("host"))
        self._update_join()
        self.panel.say(f"Le QR code donne maintenant l'adresse {self.panel.join['url']}")

    def _do_pause(self, _content: Action) -> None:
        assert self.panel is not None
        self.store.set_pause(self._require_workshop(), True)
        self.panel.workshop = {**self.panel.workshop, "paused": True}
        self.panel.say(MSG_PAUSED)

    def _do_unpause(self, _content: Action) -> None:
        assert self.panel is not None
        self.store.set_pause(self._require_workshop(), False)
        self.panel.workshop = {**self.panel.workshop, "paused": False}
        self.panel.say("La pause est finie : les apprenants reprennent leur exercice.")

    def _do_goto(self, content: Action) -> None:
        assert self.panel is not None
        wid = self._require_workshop()
        screen = content.get("screen")
        choices = {s["id"]: s["label"] for s in self.panel.screens}
        if not isinstance(screen, str) or screen not in choices:
            raise StoreError(MSG_UNKNOWN_SCREEN)
        self.store.bring_to_screen(wid, screen)
        self.panel.say(f"Tout le monde est amené à l'écran « {choices[screen]} ».")

    def _do_message(self, content: Action) -> None:
        assert self.panel is not None
        wid = self._require_workshop()
        text = content.get("text")
        text = " ".join(text.split()) if isinstance(text, str) else ""
        if not text:
            raise StoreError(MSG_EMPTY_MESSAGE)
        learner = self._learner(content.get("to"))
        self.store.send_message(wid, text, learner[0] if learner else None)
        if learner is None:
            self.panel.workshop = {**self.panel.workshop, "message": text}
        self.panel.say(f"Message envoyé {self._to_whom(learner)}.")

    def _do_clear_message(self, _content: Action) -> None:
        assert self.panel is not None
        self.store.send_message(self._require_workshop(), "")
        self.panel.workshop = {**self.panel.workshop, "message": ""}
        self.panel.say("Le message affiché à tout le monde est effacé.")

    def _do_hint(self, content: Action) -> None:
        wid = self._require_workshop()
        learner = self._learner(content.get("participant", content.get("to")))
        self.store.reveal_hint(wid, learner[0] if learner else None)
        self._tell(content, f"Un indice est montré {self._to_whom(learner)}.")

    def _do_answer_hand(self, content: Action) -> None:
        self._require_workshop()
        learner = self._learner(content.get("participant"))
        if learner is None:
            raise StoreError(MSG_UNKNOWN_LEARNER)
        self.store.answer_hand(learner[0])
        self.poll_once()
        self._tell(content, f"Main baissée : allez voir {learner[1]}.")

    def _do_observe(self, content: Action) -> None:
        self._require_workshop()
        learner = self._learner(content.get("participant"))
        if learner is None:
            raise StoreError(MSG_UNKNOWN_LEARNER)
        note = content.get("note")
        observation = self.store.record_observation(
            learner[0], str(content.get("autonomy") or ""), note if isinstance(note, str) else ""
        )
        if self.watcher is not None and self.board is not None:
            self._show(self.watcher.observed(observation))
        self._tell(content, f"Observation enregistrée pour {learner[1]}.")

    def _do_close_ask(self, _content: Action) -> None:
        assert self.panel is not None
        self._require_workshop()
        self.panel.confirm_close = True

    def _do_close_cancel(self, _content: Action) -> None:
        assert self.panel is not None
        self.panel.confirm_close = False
        self.panel.say("L'atelier continue.")

    def _do_close_confirm(self, _content: Action) -> None:
        assert self.panel is not None
        wid = self._require_workshop()
        workshop = self.store.close_workshop(wid)
        self._leave()
        self.panel.say(
            f"L'atelier « {workshop['title']} » est terminé : personne ne peut plus le rejoindre."
        )

    def _do_leave(self, _content: Action) -> None:
        assert self.panel is not None
        title = self.panel.workshop.get("title", "")
        self._leave()
        self.panel.say(f"L'atelier « {title} » reste ouvert : vous pouvez le reprendre ici.")

    @staticmethod
    def _to_whom(learner: tuple[int, str] | None) -> str:
        return "à tout le monde" if learner is None else f"à {learner[1]}"

    # --- the workshop driven ------------------------------------------------------------------

    def open_workshop(self, workshop_id: int) -> None:
        """Drive a workshop (new or reopened): join code and QR code, controls, the board.

        Parameters
        ----------
        workshop_id : int
            A workshop not closed.

        Raises
        ------
        StoreError
            When it does not exist or is closed.
        """
        assert self.panel is not None and self.board is not None
        workshop = self.store.workshop(workshop_id)
        if not workshop.get("open"):
            raise StoreError("Cet atelier est terminé : il ne peut pas être repris.")
        self._stop_polling()
        self.workshop_id = workshop["id"]
        code = workshop["join_code"]
        titles = []
        for sid in workshop.get("scenario_ids") or []:
            scenario = self.catalogue.scenarios.get(sid) if self.catalogue else None
            titles.append(scenario.title if scenario is not None else sid)
        self.panel.workshop = {
            "id": workshop["id"],
            "title": workshop["title"],
            "place": workshop.get("place") or "",
            "date": _date_text(workshop.get("date")),
            "code": code,
            "code_grouped": _grouped(code),
            "code_spoken": _spaced(code),
            "paused": bool(workshop.get("paused")),
            "message": workshop.get("message") or "",
            "scenarios": titles,
        }
        self.panel.screens = (
            screen_choices(self.catalogue, workshop.get("scenario_ids") or [])
            if self.catalogue
            else []
        )
        self.panel.form_errors = {}
        self.panel.confirm_close = False
        if self._host is None:
            self._host, self._hosts = default_host(self._environ)
        self._update_join()
        self.watcher = RoomWatcher(self.store, workshop["id"], self.catalogue)
        self._shown = None
        self.poll_once()
        self.panel.stage = "workshop"
        self.children = [self.panel, self.board]
        self._start_polling()

    def _update_join(self) -> None:
        assert self.panel is not None
        code = self.panel.workshop.get("code", "")
        host = self._host or "127.0.0.1"
        url = join_url(host, self.config.port, code)
        self.panel.join = {
            "host": host,
            "hosts": list(self._hosts),
            "url": url,
            "qr": qr_svg(url),
            "warning": "" if self._hosts else MSG_NO_NETWORK,
        }

    def _leave(self) -> None:
        assert self.panel is not None
        self._stop_polling()
        self.workshop_id = None
        self.watcher = None
        self._shown = None
        self.panel.confirm_close = False
        self.panel.stage = "home"
        self.panel.workshop = {}
        self.panel.join = {}
        self.panel.screens = []
        self.panel.learners = []
        if self.board is not None:
            self.board.show([])
            self.board.announce = ""
        self.children = [self.panel]
        self._load_workshops()

    def _show(self, tiles: list[dict[str, Any]]) -> None:
        assert self.panel is not None and self.board is not None
        changes = room_changes(self._shown, tiles)
        self._shown = [dict(t) for t in tiles]
        self.board.show(tiles, changes)
        learners = [{"id": t["id"], "pseudonym": t["pseudonym"]} for t in tiles]
        if learners != self.panel.learners:
            self.panel.learners = learners

    def poll_once(self) -> bool:
        """Update the board if the room changed since the last look.

        Returns
        -------
        bool
            True when the tiles were updated.
        """
        if self.watcher is None or self.board is None:
            return False
        tiles = self.watcher.poll_once()
        if tiles is None:
            return False
        self._show(tiles)
        return True

    def refresh(self) -> None:
        """Re-read the room now: the idle and waiting times change with time alone."""
        if self.watcher is None or self.board is None:
            return
        self._show(self.watcher.refresh())

    # --- the polling task ---------------------------------------------------------------------

    def _start_polling(self) -> bool:
        if not self._poll:
            return False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop runs (tests): poll_once() by hand
            return False
        self._task = loop.create_task(self._poll_forever())
        return True

    def _stop_polling(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()

    async def _poll_forever(self) -> None:
        me = asyncio.current_task()
        last = time.monotonic()
        while self._task is me:
            await asyncio.sleep(POLL_SECONDS)
            if self._task is not me:
                break
            try:
                if time.monotonic() - last >= REFRESH_SECONDS:
                    last = time.monotonic()
                    self.refresh()
                else:
                    self.poll_once()
                if self._poll_failed and self.panel is not None:
                    self._poll_failed = False
                    if self.panel.error == MSG_POLL:
                        self.panel.say()
            except Exception:
                if not self._poll_failed:
                    log.exception("console: the room could not be read")
                    self._poll_failed = True
                    if self.panel is not None:
                        self.panel.say(error=MSG_POLL)

    def close(self) -> None:
        """Stop following the room and close the widgets."""
        self._stop_polling()
        for widget in (self.gate, self.panel, self.board):
            if widget is not None:
                with contextlib.suppress(Exception):
                    widget.close()
        super().close()


def _load_catalogue(config: BacasableConfig) -> tuple[Catalogue, str]:
    """Load the configured scenario folders; never raise (the problem is told in French)."""
    try:
        from bacasable.loader import load_catalogue

        catalogue = load_catalogue(config.all_scenario_dirs())
    except Exception:
        log.exception("console: could not load the catalogue")
        return Catalogue(), MSG_CATALOGUE
    for finding in catalogue.errors:
        log.warning("catalogue: %s", finding)
    return catalogue, (MSG_CATALOGUE if catalogue.errors else "")


def console() -> Console:
    """Return the facilitator's console (display it as the last expression of a cell).

    Returns
    -------
    Console
        The PIN gate first; the console once the PIN is right.
    """
    return Console()
