"""The editor's hints for one persona: give a persona its own hints for a field, or take them away.

Under each field's common hints, the form has a folded part a persona of the scenario
(``editor_persona_hints.js``). Its boxes are edited as the other texts (the ``set`` action);
its two buttons send ``persona_hints_start`` (a copy of the common hints) and
``persona_hints_remove`` (back to the common hints), with the field's ``index`` and the
``persona``; a removal is confirmed first. Nothing is written to the file before « Enregistrer ».
"""

from __future__ import annotations

from typing import Any

from bacasable.authoring.persona_hints_edit import remove_persona_hints, start_persona_hints
from bacasable.authoring.scenario_edit import ScenarioDocument, ScenarioFileError
from bacasable.scenario.loader import Catalogue

from .editor_panel import EditorPanel

MSG_STARTED = ("{name} a maintenant ses propres indices : une copie des indices communs. "
               "Modifiez-les, puis enregistrez.")
MSG_REMOVED = "{name} verra les indices communs. Rien n'est enregistré avant « Enregistrer »."
MSG_CONFIRM_REMOVE = ("Supprimer les indices écrits pour {name} au champ « {label} » ? "
                      "{name} verra les indices communs.")


class PersonaHintEditing:
    """What :class:`~widgets.trainer.editor.Editor` does to a field's hints for a persona.

    The editor gives ``panel``, ``doc``, ``catalogue`` and ``show_screen``.
    """

    panel: EditorPanel | None
    doc: ScenarioDocument | None
    catalogue: Catalogue | None
    _ask: Any  # StructureEditing's: a question waiting for « Oui, supprimer »

    def first_names(self) -> dict[str, str]:
        """Return the first name of each persona known (persona id → first name)."""
        cat = self.catalogue
        return {} if cat is None else {pid: p.first_name for pid, p in cat.personas.items()}

    def persona_hints(self, action: str, content: dict[str, Any], confirmed: bool = False) -> None:
        """Give a persona its own hints for a field (a copy of the common ones), or remove them.

        A removal loses what was written for the persona: it waits for the editor's
        confirmation first (``confirmed``: it was given).
        """
        assert self.panel is not None and self.doc is not None
        index = content.get("index")
        persona = content.get("persona")
        fields = self.panel.fields
        if (not isinstance(index, int) or isinstance(index, bool) or not isinstance(persona, str)
                or not 0 <= index < len(fields)):
            self.panel.say(error="Ce champ n'existe pas sur cet écran.")
            return
        name = self.first_names().get(persona, persona)
        if action == "persona_hints_remove" and not confirmed:
            self._ask({"action": action, "screen": self.panel.screen, "index": index,
                       "persona": persona},
                      MSG_CONFIRM_REMOVE.format(name=name, label=fields[index]["label"]))
            return
        try:
            if action == "persona_hints_start":
                start_persona_hints(self.doc, self.panel.screen, index, persona)
            else:
                remove_persona_hints(self.doc, self.panel.screen, index, persona)
        except ScenarioFileError as exc:
            self.panel.say(error=str(exc))
            return
        self.panel.say()
        self.show_screen(self.panel.screen)
        if not self.panel.error:
            message = MSG_STARTED if action == "persona_hints_start" else MSG_REMOVED
            self.panel.say(status=message.format(name=name))
