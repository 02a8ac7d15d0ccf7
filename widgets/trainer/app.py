"""The trainer's page: one PIN gate, then the scenario editor and the persona editor."""

from __future__ import annotations

import contextlib
from typing import Any

import ipywidgets
import traitlets

from widgets.common.base import Action, ActionWidget, module
from widgets.common.pin_gate import GatedApp, guarded

from .editor import Editor
from .editor_panel import EDITOR_CSS
from .persona_editor import PersonaEditor

#: The parts of the page, in the order of the menu: value → label.
SECTIONS = {"scenarios": "Modifier un scénario", "personas": "Créer ou modifier un persona"}


class TrainerNav(ActionWidget):
    """The menu of the trainer's page: one button per part, the one shown is pressed.

    Attributes
    ----------
    sections : list of dict
        ``value`` and ``label`` of each part.
    current : str
        The value of the part shown.
    """

    _esm = module("trainer/trainer_nav.js")
    _css = EDITOR_CSS

    sections = traitlets.List(traitlets.Dict()).tag(sync=True)
    current = traitlets.Unicode("scenarios").tag(sync=True)


class Trainer(GatedApp):
    """``formateur.ipynb``: the PIN gate, then a menu over the scenario and persona editors.

    Both editors share the store, the configuration and the scenario folders. Coming back to
    the scenarios reloads them, so that a persona just saved can be chosen in a scenario.

    Attributes
    ----------
    nav : TrainerNav or None
        None until the PIN is right.
    scenarios : Editor or None
    personas : PersonaEditor or None
    """

    GATE_TITLE = "Adapter les exercices"
    GATE_BUTTON = "Ouvrir"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.nav: TrainerNav | None = None
        self.scenarios: Editor | None = None
        self.personas: PersonaEditor | None = None
        super().__init__(*args, **kwargs)
        self.add_class("bas-editor")

    def read_catalogue(self) -> str:
        """Leave the scenarios to the scenario editor, which reads and reports them."""
        return ""

    def build(self) -> list[ipywidgets.Widget]:
        """Make both editors (the PIN was right), the scenarios first."""
        shared = {"config": self.config, "environ": self._environ}
        self.scenarios = Editor(self.store, self.catalogue, **shared)
        self.personas = PersonaEditor(self.store, **shared)
        self.nav = TrainerNav(sections=[{"value": k, "label": v} for k, v in SECTIONS.items()])
        self.nav.on_action(guarded(self._on_nav, self.say_error))
        return [self.nav, self.scenarios]

    def opened(self, status: str, problem: str) -> None:
        """Open both editors: this page's gate was passed, they do not ask again."""
        assert self.scenarios is not None and self.personas is not None
        self.scenarios.unlock(status)
        self.personas.unlock()

    def show(self, section: str) -> None:
        """Show the part ``section`` (``"scenarios"`` or ``"personas"``)."""
        assert self.nav is not None and self.scenarios is not None and self.personas is not None
        if section not in SECTIONS:
            return
        if section == "scenarios" and self.nav.current != section:
            self.scenarios.reload()  # a persona may have been saved meanwhile
        self.nav.current = section
        part = self.scenarios if section == "scenarios" else self.personas
        self.children = [self.nav, part]

    def _on_nav(self, content: Action) -> None:
        if content.get("action") == "show":
            self.show(str(content.get("section") or ""))

    def say_error(self, text: str) -> None:
        """Show a French error on the scenario editor's panel."""
        panel = self.scenarios.panel if self.scenarios is not None else None
        if panel is not None:
            panel.say(error=text)

    def close(self) -> None:
        """Close the widgets."""
        for widget in (self.nav, self.scenarios, self.personas):
            if widget is not None:
                with contextlib.suppress(Exception):
                    widget.close()
        super().close()


def trainer() -> Trainer:
    """Return the trainer's page (display it as the last expression of a cell)."""
    return Trainer()
