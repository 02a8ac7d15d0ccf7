"""The trainer's editor: adapt the texts of a scenario, see the screen as learners see it.

``notebooks/formateur.ipynb`` displays :func:`editor`. As for the console and the projection,
the page holds the :class:`~widgets.pin_gate.PinGate` only until the right PIN is typed. Then
the :class:`EditorPanel` asks for a scenario, then a screen, and shows that screen's texts
(title, introduction, labels, help, hints, error messages, walkthrough notes) in a form; the
:class:`~widgets.screen.ScreenView` beside it shows the screen as learners see it, drawn again
after each edit. Saving goes through :class:`bacasable.scenario_edit.ScenarioDocument`: the
file keeps its comments and layout, and a broken edit is refused with the reasons in French.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import traitlets

from bacasable.config import BacasableConfig
from bacasable.loader import Catalogue, load_catalogue
from bacasable.runner import Runner
from bacasable.scenario_edit import ScenarioDocument, ScenarioFileError, editable_texts
from bacasable.scenario_files import target_folder
from bacasable.store import Store
from bacasable.view import screen_view

from ._base import STATIC, ActionWidget, log, module
from .pin_gate import GatedApp, PinGate, guarded
from .screen import ScreenView

MSG_CHOOSE = "Choisissez un scénario."
MSG_UNKNOWN = "Ce scénario n'existe pas."
MSG_CATALOGUE = (
    "Des scénarios n'ont pas pu être chargés : vérifiez-les avec « bacasable validate »."
)
MSG_NO_PREVIEW = "L'aperçu n'est pas à jour : le scénario modifié n'est pas valable."
MSG_NO_PERSONA = "Aperçu impossible : aucun personnage de ce scénario n'est disponible."
MSG_SAVED = "Modifications enregistrées dans {name}."
MSG_VARIANT = "Variante enregistrée : {name}. Elle apparaît dans la liste des scénarios."
MSG_VALID = "Aucun problème trouvé."
MSG_NOT_EDITABLE = "Ce texte ne se modifie pas ici."

EDITOR_CSS = "".join(
    (STATIC / name).read_text(encoding="utf-8")
    for name in ("bacasable.css", "console.css", "editor.css")
)


class EditorPanel(ActionWidget):
    """The trainer's form: a scenario, a screen, then its texts.

    Attributes
    ----------
    choices : list of dict
        The scenarios: ``id``, ``title``.
    scenario : str
        The id of the scenario opened, or "".
    screens : list of dict
        Its screens: ``index``, ``id``, ``title``.
    screen : int
        The index of the screen edited.
    items : list of dict
        The texts of that screen (:func:`bacasable.scenario_edit.editable_texts`).
    findings : list of dict
        The last check: ``line``, ``message``, ``severity``, ``fix``.
    changed : bool
        There are edits not saved.
    error, status : str
        Messages in French.

    Notes
    -----
    Actions sent: ``open`` (``scenario``), ``screen`` (``index``), ``set`` (``path``,
    ``value``), ``validate``, ``save``, ``variant`` (``id``).
    """

    _esm = module("editor.js")
    _css = EDITOR_CSS

    choices = traitlets.List().tag(sync=True)
    scenario = traitlets.Unicode("").tag(sync=True)
    screens = traitlets.List().tag(sync=True)
    screen = traitlets.Int(0).tag(sync=True)
    items = traitlets.List().tag(sync=True)
    findings = traitlets.List().tag(sync=True)
    changed = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")

    def say(self, status: str = "", error: str = "") -> None:
        """Show a status and an error message (empty strings clear them)."""
        self.status = status
        self.error = error


class Editor(GatedApp):
    """The trainer's page: the PIN gate, then the editor and the live preview.

    Attributes
    ----------
    panel : EditorPanel or None
        None until the PIN is right.
    preview : ScreenView or None
        The screen as learners see it; None until the PIN is right.
    doc : ScenarioDocument or None
        The scenario file opened.
    """

    def __init__(
        self,
        store: Store | None = None,
        catalogue: Catalogue | None = None,
        *,
        config: BacasableConfig | None = None,
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.panel: EditorPanel | None = None
        self.preview: ScreenView | None = None
        self.doc: ScenarioDocument | None = None
        self._run: Runner | None = None
        self._seq = 0
        gate = PinGate(title="Adapter un scénario", button="Ouvrir l'éditeur")
        super().__init__(gate, store, catalogue, config=config, environ=environ, **kwargs)
        self.add_class("bas-editor")

    def unlock(self, status: str = "") -> None:
        """Open the editor (the PIN was right): the choice of a scenario."""
        if self.unlocked:
            return
        self.unlocked = True
        problem = ""
        if self.catalogue is None:
            self.catalogue, problem = self._load()
        self.panel = EditorPanel(choices=self._choices())
        self.panel.on_action(guarded(self.handle, lambda text: self.panel.say(error=text)))
        self.preview = ScreenView()
        self.preview.add_class("bas-editor-preview")
        self.preview.on_action(guarded(self._on_preview, lambda text: self.panel.say(error=text)))
        self.children = [self.panel]
        self.gate.close()
        self.panel.say(status, problem)

    def _load(self) -> tuple[Catalogue, str]:
        try:
            cat = load_catalogue(self.config.all_scenario_dirs())
        except Exception:
            log.exception("editor: could not load the catalogue")
            return Catalogue(), MSG_CATALOGUE
        return cat, (MSG_CATALOGUE if cat.errors else "")

    def _choices(self) -> list[dict[str, Any]]:
        assert self.catalogue is not None
        return [{"id": s.id, "title": s.title}
                for s in sorted(self.catalogue.scenarios.values(), key=lambda s: s.title)]

    # --- actions -----------------------------------------------------------------------------

    def handle(self, content: dict[str, Any]) -> None:
        """Handle one action of the panel."""
        assert self.panel is not None
        action = content.get("action")
        if action == "open":
            self.open_scenario(str(content.get("scenario") or ""))
        elif self.doc is None:
            self.panel.say(error=MSG_CHOOSE)
        elif action == "screen":
            index = content.get("index")
            self.show_screen(index if isinstance(index, int) else 0)
        elif action == "set":
            path = content.get("path")
            value = content.get("value")
            if isinstance(path, list) and isinstance(value, str):
                self.set_text(path, value)
        elif action == "validate":
            self.validate()
        elif action == "save":
            self.save()
        elif action == "variant":
            self.save_variant(str(content.get("id") or "").strip())

    def open_scenario(self, scenario_id: str) -> None:
        """Open the file of scenario ``scenario_id`` at its first screen."""
        assert self.panel is not None and self.catalogue is not None
        source = self.catalogue.sources.get(scenario_id)
        if not scenario_id or scenario_id not in self.catalogue.scenarios or source is None:
            self.panel.say(error=MSG_CHOOSE if not scenario_id else MSG_UNKNOWN)
            return
        try:
            self.doc = ScenarioDocument.open(source)
        except ScenarioFileError as exc:
            self.panel.say(error=str(exc))
            return
        self.panel.scenario = scenario_id
        self.panel.findings = []
        self.children = [self.panel, self.preview]
        self.show_screen(0)
        self.panel.say(status=f"Scénario ouvert : {source.name}")

    def show_screen(self, index: int) -> None:
        """Show the texts and the preview of screen ``index``."""
        assert self.panel is not None and self.doc is not None
        screens = self.doc.tree.get("screens") or []
        index = min(max(index, 0), max(len(screens) - 1, 0))
        self.panel.screens = [{"index": i, "id": str(s.get("id")), "title": str(s.get("title"))}
                              for i, s in enumerate(screens)]
        self.panel.screen = index
        self.panel.items = editable_texts(self.doc, index)
        self.panel.changed = self.doc.changed
        self.refresh_preview()

    def set_text(self, path: list[Any], value: str) -> None:
        """Apply one edit, then draw the form and the preview again."""
        assert self.panel is not None and self.doc is not None
        if list(path) not in [item["path"] for item in self.panel.items]:
            self.panel.say(error=MSG_NOT_EDITABLE)  # only the texts shown in the form
            return
        try:
            self.doc.set_text(tuple(path), value)
        except ScenarioFileError as exc:
            self.panel.say(error=str(exc))
            return
        self.panel.say()
        self.show_screen(self.panel.screen)
        if len(path) == 6 and path[-2] == "hints" and isinstance(path[-1], int) and value.strip():
            # Show the hint just written in the preview, as learners get it.
            field = self.doc.tree["screens"][path[1]]["fields"][path[3]]
            self._show_hint(str(field.get("id")), path[-1] + 1)

    def refresh_preview(self) -> None:
        """Draw the edited screen as learners see it (unless the edit broke the scenario)."""
        assert self.panel is not None and self.doc is not None and self.preview is not None
        scenario = self.doc.scenario()
        if scenario is None:
            self.panel.say(error=MSG_NO_PREVIEW)
            return
        assert self.catalogue is not None
        persona = next((self.catalogue.personas[p] for p in scenario.personas
                        if p in self.catalogue.personas), None)
        if persona is None:
            self.panel.say(error=MSG_NO_PERSONA)
            return
        run = self._run = Runner(scenario, persona, seed=0)
        screen_id = scenario.screens[self.panel.screen].id
        if screen_id != run.current_id:
            run.go_to(screen_id)
        self._draw_preview()

    def _draw_preview(self) -> None:
        assert self.preview is not None and self._run is not None
        self._seq += 1
        view = screen_view(self._run)
        view["ui"] = {"seq": self._seq, "run": self._seq}
        self.preview.view = view

    def _show_hint(self, field_id: str | None, level: int = 1) -> None:
        """Show hint number ``level`` of ``field_id`` in the preview."""
        if self._run is None or self.doc is None or self.doc.scenario() is None:
            return
        for _ in range(level):
            self._run.hint(field_id)
        self._draw_preview()

    def _on_preview(self, content: dict[str, Any]) -> None:
        """Show the next hint when the preview's « J'ai besoin d'aide » is pressed (only that)."""
        if content.get("action") == "hint" and self._run is not None:
            field = content.get("field")
            self._run.hint(field if isinstance(field, str) else None)
            self._draw_preview()

    def validate(self) -> None:
        """Check the edited text (schema, checks, lint) and list the findings."""
        assert self.panel is not None and self.doc is not None
        found = self.doc.findings(self.catalogue)
        self.panel.findings = [{"line": f.line, "message": f.message, "severity": f.severity,
                                "fix": f.fix or ""} for f in found]
        errors = sum(f.severity == "error" for f in found)
        if errors:
            self.panel.say(error=f"{errors} erreur(s) à corriger avant d'enregistrer.")
        else:
            self.panel.say(status=MSG_VALID if not found else
                           f"{len(found)} remarque(s), aucune erreur.")

    def save(self) -> Path | None:
        """Save the edits into the scenario's file; a broken edit is refused."""
        assert self.panel is not None and self.doc is not None
        try:
            path = self.doc.save(self.catalogue)
        except ScenarioFileError as exc:
            self.validate()
            self.panel.say(error=str(exc))
            return None
        self.panel.changed = False
        self.panel.findings = []
        self._reload()
        self.panel.say(status=MSG_SAVED.format(name=path.name))
        return path

    def save_variant(self, new_id: str) -> Path | None:
        """Save the edits as a new scenario ``new_id``; the file opened stays as it is."""
        assert self.panel is not None and self.doc is not None and self.catalogue is not None
        try:
            path = self.doc.save_variant(new_id, target_folder(self.config), self.catalogue)
        except ScenarioFileError as exc:
            self.panel.say(error=str(exc))
            return None
        self._reload()
        self.panel.say(status=MSG_VARIANT.format(name=path.name))
        return path

    def _reload(self) -> None:
        assert self.panel is not None
        cat, problem = self._load()
        if not problem:
            self.catalogue = cat
            self.panel.choices = self._choices()

    def close(self) -> None:
        """Close the widgets."""
        for widget in (self.gate, self.panel, self.preview):
            if widget is not None:
                with contextlib.suppress(Exception):
                    widget.close()
        super().close()


def editor() -> Editor:
    """Return the trainer's page (display it as the last expression of a cell)."""
    return Editor()
