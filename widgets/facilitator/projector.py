"""The projected walkthrough: the facilitator presents a procedure screen by screen, in large type.

``notebooks/projection.ipynb`` displays :func:`projector`. As for the console, the page holds
the :class:`~widgets.common.pin_gate.PinGate` only until the right PIN is typed (the same
:class:`~widgets.common.pin_gate.GateKeeper`). Then the :class:`ProjectorPanel` asks for a
scenario, a
persona and, optionally, an open workshop; the presentation shows the learner's very screen (a
:class:`~widgets.common.screen.ScreenView`, fed by
:class:`bacasable.workshop.walkthrough.Walkthrough`) with the
persona's answers filling in field by field, the current field highlighted with its callout, the
usual mistake, what the room did there and the facilitator's notes.

Keys (sent by the panel's view, also by a presenter remote): → ← field by field, PageDown/PageUp
screen by screen, H the highlight, N the notes; F asks the browser for full screen (in the view
only); S covers the page with the :class:`~widgets.facilitator.room_screen.RoomScreen` (the
workshop's code and who joined, then the group's progress), S or Échap goes back. Every key
has a visible button too.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import ipywidgets
import traitlets

from bacasable.store import StoreError
from bacasable.workshop.handout import handout_html, handout_title
from bacasable.workshop.room_errors import room_sentence, room_stats
from bacasable.workshop.walkthrough import Walkthrough
from widgets.common.base import Action, MessagePanel, log, module, stylesheet
from widgets.common.pin_gate import GatedApp, guarded
from widgets.common.screen import ScreenView
from widgets.facilitator.console_panel import grouped
from widgets.facilitator.room_screen import MSG_NO_WORKSHOP, RoomScreen, newest_open_workshop

__all__ = ["KEYS", "Projector", "ProjectorPanel", "projector"]

#: The keys the view sends, and the action each one does.
KEYS = {
    "ArrowRight": "next_field",
    "ArrowLeft": "prev_field",
    "PageDown": "next_screen",
    "PageUp": "prev_screen",
    "h": "highlight",
    "H": "highlight",
    "n": "notes",
    "N": "notes",
}

MOVES = ("next_field", "prev_field", "next_screen", "prev_screen")

MSG_CHOOSE = "Choisissez un exercice et un persona."
MSG_UNKNOWN = "Cet exercice ou ce persona n'existe pas."
MSG_ROOM = "Ce que la salle a fait n'a pas pu être lu."

PROJECTOR_CSS = stylesheet("facilitator/console.css", "facilitator/nav.css",
                           "facilitator/projector.css")


class ProjectorPanel(MessagePanel):
    """The facilitator's controls and texts beside the projected screen.

    Attributes
    ----------
    stage : str
        ``"setup"`` (choose the scenario, persona, workshop) or ``"present"``.
    choices : list of dict
        The scenarios: ``id``, ``title``, ``personas`` (``id``, ``name``).
    workshops : list of dict
        The open workshops: ``id``, ``title``.
    state : dict
        :meth:`bacasable.workshop.walkthrough.Walkthrough.state`, plus ``room`` (None, or the room's
        stats on this screen: ``sentence``, ``top_error``).
    highlight, notes : bool
        The current field is highlighted; the facilitator's notes are shown.
    handout : dict
        The last handout written: ``path``, ``name``, ``html`` (to download).
    error, status : str
        Messages in French.
    """

    _esm = module("facilitator/nav.js", "facilitator/projector.js")
    _css = PROJECTOR_CSS

    stage = traitlets.Enum(("setup", "present"), default_value="setup").tag(sync=True)
    choices = traitlets.List().tag(sync=True)
    workshops = traitlets.List().tag(sync=True)
    state = traitlets.Dict().tag(sync=True)
    highlight = traitlets.Bool(True).tag(sync=True)
    notes = traitlets.Bool(True).tag(sync=True)
    handout = traitlets.Dict().tag(sync=True)


class Projector(GatedApp):
    """The projection page: the PIN gate, then the walkthrough.

    Parameters
    ----------
    store : Store, optional
        The outcome store (the PIN, the workshops and their events); default: the
        configuration's.
    catalogue : Catalogue, optional
        The scenarios; default: loaded once the PIN is right.
    config : BacasableConfig, optional
    environ : mapping, optional
        The kernel's environment; default ``os.environ``.

    Attributes
    ----------
    gate : PinGate
    keeper : GateKeeper
    panel : ProjectorPanel or None
        None until the PIN is right.
    screen : ScreenView or None
        The projected learner's screen; None until the PIN is right.
    room_screen : RoomScreen or None
        The room screen, among the children while shown; None until the PIN is right.
    walk : Walkthrough or None
        The walkthrough presented.
    workshop_id : int or None
        The workshop whose room is shown.
    """

    GATE_TITLE = "Projection pas à pas"
    GATE_BUTTON = "Ouvrir la projection"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.panel: ProjectorPanel | None = None
        self.screen: ScreenView | None = None
        self.room_screen: RoomScreen | None = None
        self.walk: Walkthrough | None = None
        self.workshop_id: int | None = None
        self._room: dict[str, dict[str, Any]] = {}
        self._room_screen: str | None = None
        self._seq = 0
        super().__init__(*args, **kwargs)
        self.add_class("bas-projection")


    # --- once open ------------------------------------------------------------------------------

    def build(self) -> list[ipywidgets.Widget]:
        """Make the projector (the PIN was right): the choice of scenario, persona, workshop."""
        self.panel = ProjectorPanel(choices=self._choices(), workshops=self._workshops())
        self.panel.on_action(guarded(self.handle, self.say_error))
        self.screen = ScreenView()
        self.screen.on_action(guarded(self._on_screen, self.say_error))
        self.room_screen = RoomScreen(self.store, self.catalogue, port=self.config.port,
                                      environ=self._environ)
        self.room_screen.on_action(guarded(lambda _: self.close_room(), self.say_error))
        return [self.panel]

    def _choices(self) -> list[dict[str, Any]]:
        assert self.catalogue is not None
        out = []
        for scenario in self.catalogue.scenarios.values():
            personas = [
                {"id": p, "name": f"{self.catalogue.personas[p].first_name} "
                                  f"{self.catalogue.personas[p].last_name}"}
                for p in scenario.personas
                if p in self.catalogue.personas
            ]
            if personas:
                out.append({"id": scenario.id, "title": scenario.title, "personas": personas})
        return out

    def _workshops(self) -> list[dict[str, Any]]:
        try:
            found = self.store.list_workshops()
        except StoreError:
            log.exception("projector: workshops unavailable")
            return []
        # The code tells apart two workshops of one title (the store calls it join_code).
        return [{"id": w["id"], "title": f"{w['title']} (code {grouped(w['join_code'])})"}
                for w in found if w.get("open")]

    # --- actions -------------------------------------------------------------------------------

    def handle(self, content: Action) -> None:
        """Do what the panel's view asks: a key, a button, the choice of a walkthrough."""
        assert self.panel is not None
        action = content.get("action")
        if action == "key":
            action = KEYS.get(str(content.get("key")))
            if action is None:
                return
        if action in ("start", "setup", "room", "room_close"):
            self.close_room()
        if action == "room":
            self.open_room(content.get("workshop"))
        elif action == "start":
            self.start(content.get("scenario"), content.get("persona"), content.get("workshop"))
        elif action == "setup":
            self.panel.stage = "setup"
            self.panel.workshops = self._workshops()
            self.children = [self.panel]
        elif action in MOVES and self.walk is not None:
            if getattr(self.walk, action)():
                self._show()
        elif action == "highlight":
            self.panel.highlight = not self.panel.highlight
        elif action == "notes":
            self.panel.notes = not self.panel.notes
        elif action == "handout":
            self.write_handout()

    def open_room(self, workshop: Any = None) -> None:
        """Cover the page with the room screen of ``workshop``.

        Without one, the workshop presented, else the open workshop started last.
        """
        assert self.panel is not None and self.room_screen is not None
        found = _as_int(workshop) or self.workshop_id or newest_open_workshop(self.store)
        if found is None:
            self.panel.say(error=MSG_NO_WORKSHOP)
            return
        self.room_screen.follow(found)
        self.panel.say()
        self.children = (*self.children, self.room_screen)

    def close_room(self) -> None:
        """Take the room screen away (it stops following the room)."""
        if self.room_screen is not None:
            self.room_screen.stop()
            self.children = tuple(c for c in self.children if c is not self.room_screen)

    def _on_screen(self, content: Action) -> None:
        # The projected form's own buttons: "Continuer" opens the next screen, "Retour" goes back.
        if content.get("action") == "submit":
            self.handle({"action": "next_screen"})
        elif content.get("action") == "back":
            self.handle({"action": "prev_screen"})

    def start(self, scenario_id: Any, persona_id: Any, workshop_id: Any = None) -> None:
        """Present ``scenario_id`` with ``persona_id`` (and the room of ``workshop_id``)."""
        assert self.panel is not None and self.catalogue is not None
        if not scenario_id or not persona_id:
            self.panel.say(error=MSG_CHOOSE)
            return
        scenario = self.catalogue.scenarios.get(str(scenario_id))
        persona = self.catalogue.personas.get(str(persona_id))
        if scenario is None or persona is None:
            self.panel.say(error=MSG_UNKNOWN)
            return
        self.walk = Walkthrough(scenario, persona)
        self.workshop_id = _as_int(workshop_id)
        self._room_screen = None
        message = self._read_room()
        self.panel.handout = {}
        self.panel.stage = "present"
        self.children = [self.panel, self.screen]
        self._show()
        self.panel.say(error=message)

    def _read_room(self) -> str:
        """Read again what the room did on each screen; return a problem to show, or ""."""
        self._room = {}
        if self.workshop_id is None or self.walk is None:
            return ""
        self._room_screen = self.walk.screen.id
        try:
            self._room = room_stats(self.store, self.workshop_id, self.walk.scenario.id,
                                    scenario=self.walk.scenario)
        except Exception:
            log.exception("projector: room stats")
            return MSG_ROOM
        return ""

    def _show(self) -> None:
        assert self.panel is not None and self.screen is not None and self.walk is not None
        if self.workshop_id is not None and self.walk.screen.id != self._room_screen:
            # Each new screen shows what the room did there up to now.
            self._read_room()
        self._seq += 1
        view = self.walk.view()
        # A new key at each step: the screen is drawn again with the values so far.
        view["ui"] = {"seq": self._seq, "run": self._seq}
        state = self.walk.state()
        room = self._room.get(self.walk.screen.id)
        if self.workshop_id is not None:
            state["room"] = {"sentence": room_sentence(room),
                             "top_error": (room or {}).get("top_error")}
        else:
            state["room"] = None
        self.screen.view = view
        self.panel.state = state

    def write_handout(self) -> Path | None:
        """Write the printable handout of the walkthrough presented into the data folder."""
        assert self.panel is not None
        if self.walk is None:
            self.panel.say(error=MSG_CHOOSE)
            return None
        scenario, persona = self.walk.scenario, self.walk.persona
        text = handout_html(scenario, persona, self.walk)
        name = f"fiche-{scenario.id}-{persona.id}.html"
        folder = Path(self.config.data_dir).expanduser() / "fiches"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        self.panel.handout = {"path": str(path), "name": name, "html": text,
                              "title": handout_title(scenario, persona)}
        self.panel.say(status=f"Fiche pratique prête : {name}")
        return path

    def close(self) -> None:
        """Close the widgets."""
        for widget in (self.gate, self.panel, self.screen, self.room_screen):
            if widget is not None:
                with contextlib.suppress(Exception):
                    widget.close()
        super().close()


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
        return int(value)
    return None




def projector() -> Projector:
    """Return the projection page (display it as the last expression of a cell)."""
    return Projector()
