"""The editor's changes of structure: add, remove, move fields and screens; removals asked first."""

from __future__ import annotations

from typing import Any

from bacasable.authoring import scenario_structure
from bacasable.authoring.scenario_edit import ScenarioDocument, ScenarioFileError

from .editor_panel import EditorPanel

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


class StructureEditing:
    """What :class:`~widgets.trainer.editor.Editor` does to a scenario's structure.

    The editor gives ``panel``, ``doc``, ``show_screen`` and ``validate``.
    """

    panel: EditorPanel | None
    doc: ScenarioDocument | None
    _pending: dict[str, Any] | None

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
        if pending is not None and pending["action"] == "persona_hints_remove":
            # PersonaHintEditing's question, taken away once done: the page's redraw without
            # it then finds the persona's part as it now is, and gives it the focus.
            self.persona_hints(pending["action"], pending, confirmed=True)  # type: ignore[attr-defined]
            self._ask(None)
            return
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
                index = scenario_structure.add_field(doc, screen, op["kind"], op["label"])
                name = doc.get_text(("screens", screen, "fields", index, "label"))
            elif action == "remove_field":
                name = scenario_structure.remove_field(doc, screen, index)
            elif action == "move_field":
                name = doc.get_text(("screens", screen, "fields", index, "label"))
                scenario_structure.move_field(doc, screen, index, op["delta"])
            elif action == "add_screen":
                screen = scenario_structure.add_screen(doc, screen, op["title"])
                name = doc.get_text(("screens", screen, "title"))
            elif action == "remove_screen":
                name = scenario_structure.remove_screen(doc, screen)
                screen = max(screen - 1, 0)
            else:  # move_screen
                name = doc.get_text(("screens", screen, "title"))
                screen = scenario_structure.move_screen(doc, screen, op["delta"])
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
