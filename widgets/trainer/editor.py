"""The trainer's editor: adapt the texts of a scenario, see the screen as learners see it.

``notebooks/formateur.ipynb`` shows it through :class:`widgets.trainer.app.Trainer`, behind the
facilitator's PIN gate. The :class:`EditorPanel` asks for a scenario, then a screen, and shows
that screen's texts (title, introduction, labels, help, hints, error messages, walkthrough
notes) in a form; the :class:`~widgets.common.screen.ScreenView` beside it (inside the panel:
a sticky column on a laptop, right after the text being edited on a phone) shows the screen as
learners see it, drawn again after each edit. A hint's text box, once focused, shows that hint
in the preview. Under a field's common hints, a folded part a persona of the scenario shows its
own hints (``hints_by_persona``: :mod:`.editor_persona_hints`); one of them, focused, is shown
in the preview played by that persona. Fields and screens can also be added, moved up or down and
removed (a removal asks for confirmation first); each change is checked at once and its findings
listed. Saving goes through :class:`bacasable.authoring.scenario_edit.ScenarioDocument`: the file
keeps
its comments and layout, and a broken edit is refused with the reasons in French.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import ipywidgets

from bacasable.authoring.files import target_folder
from bacasable.authoring.form_labels import PERSONA_HINT_TEXTS
from bacasable.authoring.persona_hints_edit import persona_hint_parts
from bacasable.authoring.scenario_edit import ScenarioDocument, ScenarioFileError, editable_texts
from bacasable.authoring.scenario_structure import field_list
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.run.diagnostic import runner_for
from bacasable.run.diagnostic_view import with_titles
from bacasable.run.fields import FieldResult
from bacasable.run.runner import Runner
from bacasable.run.view import screen_view
from widgets.common.pin_gate import GatedApp, guarded
from widgets.common.screen import ScreenView

from .editor_panel import EditorPanel
from .editor_persona_hints import PersonaHintEditing
from .editor_structure import StructureEditing

MSG_CHOOSE = "Choisissez un scénario."
MSG_UNKNOWN = "Ce scénario n'existe pas."
MSG_NO_PREVIEW = "L'aperçu n'est pas à jour : le scénario modifié n'est pas valable."
MSG_NO_PERSONA = "Aperçu impossible : aucun personnage de ce scénario n'est disponible."
MSG_SAVED = "Modifications enregistrées dans {name}."
MSG_SAVED_LOCAL = ("Modifications enregistrées dans votre dossier ({folder}). Cette version "
                   "remplace l'exercice fourni dans la liste. Le fichier fourni n'a pas changé.")
MSG_VARIANT = "Variante enregistrée : {name}. Elle apparaît dans la liste des scénarios."
MSG_VALID = "Aucun problème trouvé."
MSG_NOT_EDITABLE = "Ce texte ne se modifie pas ici."

class Editor(StructureEditing, PersonaHintEditing, GatedApp):
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

    GATE_TITLE = "Adapter un scénario"
    GATE_BUTTON = "Ouvrir l'éditeur"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.panel: EditorPanel | None = None
        self.preview: ScreenView | None = None
        self.doc: ScenarioDocument | None = None
        self._run: Runner | None = None
        self._seq = 0
        self._pending: dict[str, Any] | None = None
        super().__init__(*args, **kwargs)
        self.add_class("bas-editor")

    def build(self) -> list[ipywidgets.Widget]:
        """Make the editor (the PIN was right): the choice of a scenario, the preview."""
        self.panel = EditorPanel(choices=self._choices())
        self.panel.on_action(guarded(self.handle, self.say_error))
        self.preview = ScreenView()
        self.preview.on_action(guarded(self._on_preview, self.say_error))
        self.panel.preview = self.preview  # drawn by the panel, beside or inside its form
        return [self.panel]

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
        elif action == "focus":
            path = content.get("path")
            if isinstance(path, list):
                self.focus_text(path)
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
        elif action in ("add_field", "remove_field", "move_field",
                        "add_screen", "remove_screen", "move_screen"):
            self.structure(action, content)
        elif action in ("persona_hints_start", "persona_hints_remove"):
            self.persona_hints(action, content)
        elif action == "confirm":
            self.confirm()
        elif action == "cancel":
            self._ask(None)
            self.panel.say()

    def open_scenario(self, scenario_id: str) -> None:
        """Open the file of scenario ``scenario_id`` at its first screen."""
        assert self.panel is not None and self.catalogue is not None
        source = self.catalogue.sources.get(scenario_id)
        if not scenario_id or scenario_id not in self.catalogue.scenarios or source is None:
            self.panel.say(error=MSG_CHOOSE if not scenario_id else MSG_UNKNOWN)
            return
        try:
            self.doc = ScenarioDocument.open(source, self.catalogue.flows)
        except ScenarioFileError as exc:
            self.panel.say(error=str(exc))
            return
        self.panel.scenario = scenario_id
        self.panel.findings = []
        self.show_screen(0)
        self.panel.say(status=f"Scénario ouvert : {source.name}")

    def show_screen(self, index: int) -> None:
        """Show the texts and the preview of screen ``index``."""
        assert self.panel is not None and self.doc is not None
        screens = self.doc.tree.get("screens") or []
        index = min(max(index, 0), max(len(screens) - 1, 0))
        if index != self.panel.screen:
            self._ask(None)  # another screen: a removal waiting for confirmation is forgotten
        flows = {} if self.catalogue is None else self.catalogue.flows
        self.panel.screens = [_screen_item(i, s, flows) for i, s in enumerate(screens)]
        self.panel.screen = index
        self.panel.items = editable_texts(self.doc, index, self._titles(), self.first_names())
        self.panel.persona_parts = persona_hint_parts(self.doc, index, self.first_names())
        self.panel.fields = field_list(self.doc, index)
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
        if value.strip():
            self.focus_text(path)  # the hint or the error message just written, as learners see it

    def focus_text(self, path: list[Any]) -> None:
        """Show in the preview the hint or error message whose text box has the focus.

        The panel's view scrolls the preview to the field and outlines it; a hint or an error
        message must be shown first, as learners get it.
        """
        assert self.panel is not None and self.doc is not None
        if list(path) not in [item["path"] for item in self.panel.items]:
            return
        own = len(path) == 7 and path[4] == "hints_by_persona"  # a persona's own hint
        if not own and (len(path) != 6 or path[4] not in ("hints", "errors")):
            return
        field = self.doc.tree["screens"][path[1]]["fields"][path[3]]
        if not self.doc.get_text(tuple(path)).strip():
            return  # a new hint, an empty message: nothing to show yet
        if own and isinstance(path[6], int):
            self._show_hint(str(field.get("id")), path[6] + 1, persona=str(path[5]))
        elif path[4] == "hints" and isinstance(path[5], int):
            self._show_hint(str(field.get("id")), path[5] + 1)
        elif path[4] == "errors":
            self._show_error(str(field.get("id")), str(path[5]))

    def _show_error(self, field_id: str, kind: str) -> None:
        """Show the error message ``kind`` of ``field_id`` under the field in the preview."""
        if not self.refresh_preview(draw=False):
            return
        assert self._run is not None
        screen = self._run.scenario.screen(self._run.current_id)
        spec = next((f for f in screen.fields if f.id == field_id), None)
        if spec is None or kind not in spec.errors:
            self._draw_preview()
            return
        self._run.results[field_id] = FieldResult(ok=False, error_kind=kind,
                                                  message=self._run.text(spec.errors[kind]))
        self._draw_preview()

    def _titles(self) -> dict[str, str]:
        return {} if self.catalogue is None else {
            sid: s.title for sid, s in self.catalogue.scenarios.items()}

    def refresh_preview(self, common_hints_of: str | None = None, draw: bool = True,
                        persona: str | None = None) -> bool:
        """Draw the edited screen as learners see it (unless the edit broke the scenario).

        ``common_hints_of``: a field whose common hints are to be shown; the preview then plays
        a persona without hints of its own for it (``hints_by_persona``). ``persona``: the
        persona to play (its own hints are being edited). Returns whether a new run is ready.
        """
        assert self.panel is not None and self.doc is not None and self.preview is not None
        scenario = self.doc.scenario()
        if scenario is None:
            self.panel.say(error=MSG_NO_PREVIEW)
            return False
        assert self.catalogue is not None
        screen = scenario.screens[self.doc.screen_index(self.panel.screen)]
        ids = [p for p in scenario.personas if p in self.catalogue.personas]
        if common_hints_of:
            spec = next((f for f in screen.fields if f.id == common_hints_of), None)
            own = set(getattr(spec, "hints_by_persona", None) or {})
            ids.sort(key=lambda p: p in own)  # stable: the scenario's order otherwise
        if persona in ids:
            ids.sort(key=lambda p: p != persona)
        if not ids:
            self.panel.say(error=MSG_NO_PERSONA)
            return False
        run = self._run = runner_for(scenario, self.catalogue.personas[ids[0]], seed=0)
        self.panel.playing = PERSONA_HINT_TEXTS["playing"].format(name=run.persona.first_name)
        if screen.id != run.current_id:
            run.go_to(screen.id)
        if draw:
            self._draw_preview()
        return True

    def _draw_preview(self) -> None:
        assert self.preview is not None and self._run is not None
        self._seq += 1
        view = with_titles(screen_view(self._run), self._titles())  # a diagnostic's next ones
        # ``preview``: the screen never takes the focus from the form, nor scrolls the page.
        view["ui"] = {"seq": self._seq, "run": self._seq, "preview": True}
        self.preview.view = view

    def _show_hint(self, field_id: str, level: int = 1, persona: str | None = None) -> None:
        """Show hint number ``level`` of ``field_id`` in the preview, from a new run.

        A common hint, played by a persona without hints of its own; else ``persona``'s own.
        """
        common = None if persona else field_id
        if self.doc is None or not self.refresh_preview(common, draw=False, persona=persona):
            return
        assert self._run is not None
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
            # A shipped exercise is saved in the trainers' folder: the copy replaces it in
            # the list and an update of the workbook never meets a changed file.
            shipped = self.doc.path.parent.resolve() == BUILTIN_SCENARIOS.resolve()
            path = self.doc.save(self.catalogue,
                                 into=target_folder(self.config) if shipped else None)
        except ScenarioFileError as exc:
            self.validate()
            self.panel.say(error=str(exc))
            return None
        self.panel.changed = False
        self.panel.findings = []
        self.reload()
        self.panel.say(status=(MSG_SAVED_LOCAL.format(folder=path.parent) if shipped
                               else MSG_SAVED.format(name=path.name)))
        return path

    def save_variant(self, new_id: str) -> Path | None:
        """Save the edits as a new scenario ``new_id``; the file opened stays as it is."""
        assert self.panel is not None and self.doc is not None and self.catalogue is not None
        try:
            path = self.doc.save_variant(new_id, target_folder(self.config), self.catalogue)
        except ScenarioFileError as exc:
            self.panel.say(error=str(exc))
            return None
        self.reload()
        self.panel.say(status=MSG_VARIANT.format(name=path.name))
        return path

    def reload(self) -> None:
        """Read the scenario folders again (after a save, or a persona saved elsewhere)."""
        assert self.panel is not None
        cat, problem = self.load_catalogue()
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


def _screen_item(index: int, screen: Any, flows: dict[str, Any]) -> dict[str, Any]:
    """Return a screen of the file for the editor's list (a shared flow says where it lives)."""
    if "flow" in screen:
        name = str(screen["flow"])
        title = getattr(flows.get(name), "title", None) or name
        return {"index": index, "id": f"flow:{name}",
                "title": f"Parcours partagé « {title} » (à modifier dans flows/{name}.yaml)"}
    return {"index": index, "id": str(screen.get("id")), "title": str(screen.get("title"))}
