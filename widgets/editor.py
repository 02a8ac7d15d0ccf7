"""The trainer's editor: adapt the texts of a scenario, see the screen as learners see it.

``notebooks/formateur.ipynb`` shows it through :class:`widgets.trainer.Trainer`, behind the
facilitator's PIN gate. The :class:`EditorPanel` asks for a scenario, then a screen, and shows
that screen's texts (title, introduction, labels, help, hints, error messages, walkthrough
notes) in a form; the :class:`~widgets.screen.ScreenView` beside it shows the screen as learners
see it, drawn again after each edit. Fields and screens can also be added, moved up or down and
removed (a removal asks for confirmation first); each change is checked at once and its findings
listed. Saving goes through :class:`bacasable.scenario_edit.ScenarioDocument`: the file keeps
its comments and layout, and a broken edit is refused with the reasons in French.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import traitlets

from bacasable import scenario_edit
from bacasable.runner import Runner
from bacasable.scenario_edit import (
    FIELD_KIND_NAMES,
    ScenarioDocument,
    ScenarioFileError,
    editable_texts,
    field_list,
)
from bacasable.scenario_files import target_folder
from bacasable.view import screen_view

from ._base import STATIC, MessagePanel, module
from .pin_gate import GatedApp, guarded
from .screen import ScreenView

MSG_CHOOSE = "Choisissez un scénario."
MSG_UNKNOWN = "Ce scénario n'existe pas."
MSG_NO_PREVIEW = "L'aperçu n'est pas à jour : le scénario modifié n'est pas valable."
MSG_NO_PERSONA = "Aperçu impossible : aucun personnage de ce scénario n'est disponible."
MSG_SAVED = "Modifications enregistrées dans {name}."
MSG_VARIANT = "Variante enregistrée : {name}. Elle apparaît dans la liste des scénarios."
MSG_VALID = "Aucun problème trouvé."
MSG_NOT_EDITABLE = "Ce texte ne se modifie pas ici."
MSG_CONFIRM_FIELD = "Supprimer le champ « {label} » de cet écran ?"
MSG_CONFIRM_SCREEN = "Supprimer l'écran « {title} » et tous ses champs ?"
MSG_NOTHING_TO_CONFIRM = "Aucune suppression en attente."
MSG_DONE = {
    "add_field": "Champ « {name} » ajouté.",
    "remove_field": "Champ « {name} » supprimé.",
    "move_field": "Champ « {name} » déplacé.",
    "add_screen": "Écran « {name} » ajouté.",
    "remove_screen": "Écran « {name} » supprimé.",
    "move_screen": "Écran « {name} » déplacé.",
}
MSG_DONE_TAIL = " Rien n'est enregistré avant « Enregistrer »."

EDITOR_CSS = "".join(
    (STATIC / name).read_text(encoding="utf-8")
    for name in ("bacasable.css", "console.css", "editor.css")
)


class EditorPanel(MessagePanel):
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
    fields : list of dict
        Its fields (:func:`bacasable.scenario_edit.field_list`).
    kinds : list of dict
        The kinds of field that can be added: ``value``, ``label`` (in French).
    confirm : dict
        A removal waiting for confirmation: ``question`` (empty: none).
    findings : list of dict
        The last check: ``line``, ``message``, ``severity``, ``fix``.
    changed : bool
        There are edits not saved.
    error, status : str
        Messages in French.

    Notes
    -----
    Actions sent: ``open`` (``scenario``), ``screen`` (``index``), ``set`` (``path``,
    ``value``), ``validate``, ``save``, ``variant`` (``id``); structure: ``add_field``
    (``kind``, ``label``), ``remove_field`` (``index``), ``move_field`` (``index``, ``delta``),
    ``add_screen`` (``title``), ``remove_screen``, ``move_screen`` (``delta``), then
    ``confirm`` or ``cancel`` for a removal.
    """

    _esm = module("editor.js")
    _css = EDITOR_CSS

    choices = traitlets.List().tag(sync=True)
    scenario = traitlets.Unicode("").tag(sync=True)
    screens = traitlets.List().tag(sync=True)
    screen = traitlets.Int(0).tag(sync=True)
    items = traitlets.List().tag(sync=True)
    fields = traitlets.List().tag(sync=True)
    kinds = traitlets.List(
        [{"value": k, "label": v} for k, v in FIELD_KIND_NAMES.items()]
    ).tag(sync=True)
    confirm = traitlets.Dict().tag(sync=True)
    findings = traitlets.List().tag(sync=True)
    changed = traitlets.Bool(False).tag(sync=True)


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

    def unlock(self, status: str = "") -> None:
        """Open the editor (the PIN was right): the choice of a scenario."""
        if self.unlocked:
            return
        self.unlocked = True
        problem = ""
        if self.catalogue is None:
            self.catalogue, problem = self.load_catalogue()
        self.panel = EditorPanel(choices=self._choices())
        self.panel.on_action(guarded(self.handle, lambda text: self.panel.say(error=text)))
        self.preview = ScreenView()
        self.preview.add_class("bas-editor-preview")
        self.preview.on_action(guarded(self._on_preview, lambda text: self.panel.say(error=text)))
        self.children = [self.panel]
        self.gate.close()
        self.panel.say(status, problem)

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
        elif action in ("add_field", "remove_field", "move_field",
                        "add_screen", "remove_screen", "move_screen"):
            self.structure(action, content)
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
        if index != self.panel.screen:
            self._ask(None)  # another screen: a removal waiting for confirmation is forgotten
        self.panel.screens = [{"index": i, "id": str(s.get("id")), "title": str(s.get("title"))}
                              for i, s in enumerate(screens)]
        self.panel.screen = index
        self.panel.items = editable_texts(self.doc, index)
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
        if len(path) == 6 and path[-2] == "hints" and isinstance(path[-1], int) and value.strip():
            # Show the hint just written in the preview, as learners get it.
            field = self.doc.tree["screens"][path[1]]["fields"][path[3]]
            self._show_hint(str(field.get("id")), path[-1] + 1)

    # --- structure -------------------------------------------------------------------------

    def structure(self, action: str, content: dict[str, Any]) -> None:
        """Add, remove or move a field or a screen; a removal waits for :meth:`confirm`."""
        assert self.panel is not None and self.doc is not None
        screen = self.panel.screen
        index = content.get("index")
        index = index if isinstance(index, int) and not isinstance(index, bool) else -1
        delta = content.get("delta")
        delta = delta if delta in (-1, 1) and not isinstance(delta, bool) else 0
        self._ask(None)
        if action == "remove_field":
            fields = self.panel.fields
            if not 0 <= index < len(fields):
                self.panel.say(error="Ce champ n'existe pas sur cet écran.")
                return
            label = fields[index]["label"]
            self._ask({"action": action, "screen": screen, "index": index,
                       "id": fields[index]["id"]}, MSG_CONFIRM_FIELD.format(label=label))
            return
        if action == "remove_screen":
            title = self.doc.get_text(("screens", screen, "title"))
            self._ask({"action": action, "screen": screen,
                       "id": self.doc.get_text(("screens", screen, "id"))},
                      MSG_CONFIRM_SCREEN.format(title=title))
            return
        self._apply({"action": action, "screen": screen, "index": index, "delta": delta,
                     "kind": str(content.get("kind") or ""),
                     "label": str(content.get("label") or ""),
                     "title": str(content.get("title") or "")})

    def confirm(self) -> None:
        """Carry out the removal waiting for confirmation."""
        assert self.panel is not None and self.doc is not None
        pending, self._pending = self._pending, None
        self._ask(None)
        if pending is None:
            self.panel.say(error=MSG_NOTHING_TO_CONFIRM)
            return
        self._apply(pending)

    def _ask(self, pending: dict[str, Any] | None, question: str = "") -> None:
        assert self.panel is not None
        self._pending = pending
        self.panel.confirm = {"question": question} if pending else {}
        if pending:
            self.panel.say()

    def _apply(self, op: dict[str, Any]) -> None:
        """Apply one structural change to the document, then redraw form, preview, findings."""
        assert self.panel is not None and self.doc is not None
        action, screen, index = op["action"], op["screen"], op.get("index", -1)
        doc = self.doc
        try:
            if action in ("remove_field", "remove_screen"):
                # The form may have changed since the question: check it is still that item.
                if action == "remove_field":
                    same = doc.get_text(("screens", screen, "fields", index, "id")) == op["id"]
                else:
                    same = doc.get_text(("screens", screen, "id")) == op["id"]
                if not same:
                    raise ScenarioFileError("Le scénario a changé : refaites la suppression.")
            if action == "add_field":
                index = scenario_edit.add_field(doc, screen, op["kind"], op["label"])
                name = doc.get_text(("screens", screen, "fields", index, "label"))
            elif action == "remove_field":
                name = scenario_edit.remove_field(doc, screen, index)
            elif action == "move_field":
                name = doc.get_text(("screens", screen, "fields", index, "label"))
                scenario_edit.move_field(doc, screen, index, op["delta"])
            elif action == "add_screen":
                screen = scenario_edit.add_screen(doc, screen, op["title"])
                name = doc.get_text(("screens", screen, "title"))
            elif action == "remove_screen":
                name = scenario_edit.remove_screen(doc, screen)
                screen = max(screen - 1, 0)
            else:  # move_screen
                name = doc.get_text(("screens", screen, "title"))
                screen = scenario_edit.move_screen(doc, screen, op["delta"])
        except ScenarioFileError as exc:
            self.panel.say(error=str(exc))
            return
        self.panel.say()
        self.show_screen(screen)
        if self.panel.error:  # the preview could not be drawn
            self.validate()
            return
        self.validate()
        if not self.panel.error:
            self.panel.say(status=MSG_DONE[action].format(name=name) + MSG_DONE_TAIL)

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
        self.reload()
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

