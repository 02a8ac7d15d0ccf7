"""The trainer's persona editor: list, draft with Faker, edit the texts, preview the papers.

Shown by :class:`widgets.trainer.app.Trainer` (``formateur.ipynb``) once the PIN is right (on its
own,
it has its own gate). The :class:`PersonaPanel` lists the personas, drafts a new one (the trainer
picks sex and age; each click draws a new seed) or opens one, and edits its texts with a
preview of its identity card and RIB. Saves go through :mod:`bacasable.authoring.persona_edit`:
into the
first local scenario folder's ``personas/`` (else the built-in one), never damaging a file.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import ipywidgets
import traitlets

from bacasable.authoring import persona_edit
from bacasable.authoring.persona_edit import PersonaEditError
from widgets.common.base import Action, ActionWidget, module
from widgets.common.pin_gate import CONSOLE_CSS, GatedApp, guarded

__all__ = ["PersonaEditor", "PersonaPanel"]

MSG_SAVED = "Persona enregistré dans {path}."
MSG_UNKNOWN = "Ce persona n'existe pas."
MSG_NOTHING = "Créez ou ouvrez d'abord un persona."
MSG_CATALOGUE = "Des personas n'ont pas pu être chargés : vérifiez-les avec « bacasable validate »."


class PersonaPanel(ActionWidget):
    """The list of personas and the form of the one edited.

    The view sends ``{action: "draft", sex, age}``, ``{action: "open", persona}``,
    ``{action: "preview", texts}``, ``{action: "save", texts}`` and ``{action: "close"}``.

    Attributes
    ----------
    personas : list of dict
        ``id``, ``name``, ``story`` (first line) and ``folder`` of each known persona.
    fields : list of dict
        The form's fields: ``key``, ``label``, ``multiline``.
    editing : dict
        ``{}`` or the persona edited: ``id``, ``new`` (bool), ``sex``, ``age``, ``texts``.
    documents : list of dict
        The preview: ``title``, ``kind_label``, ``lines`` (``[label, text]``).
    folder : str
        Where saves go.
    error, status : str
        French messages, or "".
    """

    _esm = module("trainer/persona_editor.js")
    _css = CONSOLE_CSS

    personas = traitlets.List(traitlets.Dict()).tag(sync=True)
    fields = traitlets.List(traitlets.Dict()).tag(sync=True)
    editing = traitlets.Dict().tag(sync=True)
    documents = traitlets.List(traitlets.Dict()).tag(sync=True)
    folder = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")
        self.fields = [{"key": k, "label": label, "multiline": k == "story"}
                       for k, (_path, label) in persona_edit.TEXTS.items()]

    def say(self, status: str = "", error: str = "") -> None:
        """Show a status and an error (either may be "")."""
        self.status, self.error = status, error


class PersonaEditor(GatedApp):
    """The persona editor's page: the PIN gate ("Personas fictifs"), then the panel.

    Parameters
    ----------
    store : Store, optional
    catalogue : Catalogue, optional
        Default: loaded from the configured folders once unlocked (and after each save).
    config : BacasableConfig, optional
    environ : mapping, optional

    Attributes
    ----------
    panel : PersonaPanel or None
        None until the PIN is right.
    data : dict or ruamel tree or None
        The persona edited.
    """

    GATE_TITLE = "Personas fictifs"
    GATE_BUTTON = "Ouvrir l'éditeur de personas"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.panel: PersonaPanel | None = None
        self.data: Any = None
        self._new = False
        super().__init__(*args, **kwargs)

    @property
    def folder(self) -> Path:
        """The ``personas/`` folder saves go to."""
        return persona_edit.persona_folder(self.config)

    def read_catalogue(self) -> str:
        """Read the personas unless given; return a French problem to show, or ""."""
        return self._reload() if self.catalogue is None else ""

    def build(self) -> list[ipywidgets.Widget]:
        """Make the persona editor (the PIN was right), its personas listed."""
        self.panel = PersonaPanel(folder=str(self.folder))
        self.panel.on_action(guarded(self.handle, self.say_error))
        self._list()
        return [self.panel]

    def _reload(self) -> str:
        self.catalogue, problem = self.load_catalogue()
        if problem and not self.catalogue.sources:  # nothing could be read at all
            return MSG_CATALOGUE
        bad = [f for f in self.catalogue.errors if Path(f.path).parent.name == "personas"]
        return MSG_CATALOGUE if bad else ""

    def _list(self) -> None:
        assert self.panel is not None and self.catalogue is not None
        out = []
        for p in sorted(self.catalogue.personas.values(), key=lambda p: (p.first_name, p.id)):
            source = self.catalogue.sources.get(f"persona:{p.id}")
            out.append({"id": p.id, "name": f"{p.first_name} {p.last_name}",
                        "story": p.story.strip().splitlines()[0] if p.story.strip() else "",
                        "folder": str(source.parent) if source else ""})
        self.panel.personas = out

    # --- actions ------------------------------------------------------------------------------

    def handle(self, content: Action) -> None:
        """Do what the panel's view asks."""
        if not self.unlocked or self.panel is None:
            return
        action = content.get("action")
        try:
            if action == "draft":
                self._draft(content.get("sex"), content.get("age"))
            elif action == "open":
                self._open(content.get("persona"))
            elif action == "preview":
                self._preview(content.get("texts"))
            elif action == "save":
                self._save(content.get("texts"))
            elif action == "close":
                self.data, self.panel.editing, self.panel.documents = None, {}, []
                self.panel.say()
        except PersonaEditError as exc:
            self.panel.say(error=str(exc))

    def _show(self, status: str = "") -> None:
        assert self.panel is not None
        data = self.data
        birth = data["birth"]["date"]
        self.panel.editing = {
            "id": str(data["id"]), "new": self._new, "sex": str(data["sex"]),
            "birth": str(birth), "texts": persona_edit.texts_of(data),
        }
        self.panel.documents = persona_edit.preview(data)
        self.panel.say(status)

    def _draft(self, sex: Any, age: Any) -> None:
        self.data = persona_edit.new_draft(sex if isinstance(sex, str) else "", age)
        self._new = True
        self._show("Nouveau persona tiré au hasard : modifiez ses textes puis enregistrez.")

    def _open(self, persona_id: Any) -> None:
        assert self.catalogue is not None
        path = self.catalogue.sources.get(f"persona:{persona_id}")
        if not isinstance(persona_id, str) or path is None:
            self.panel.say(error=MSG_UNKNOWN)
            return
        self.data = persona_edit.open_persona(path)
        self._new = False
        self._show()

    def _texts(self, texts: Any) -> dict[str, str]:
        if not isinstance(texts, dict):
            return {}
        return {k: v for k, v in texts.items() if k in persona_edit.TEXTS and isinstance(v, str)}

    def _preview(self, texts: Any) -> None:
        if self.data is None:
            self.panel.say(error=MSG_NOTHING)
            return
        trial = copy.deepcopy(self.data)
        persona_edit.set_texts(trial, self._texts(texts))
        self.panel.documents = persona_edit.preview(trial)
        self.panel.say()

    def _save(self, texts: Any) -> None:
        if self.data is None:
            self.panel.say(error=MSG_NOTHING)
            return
        trial = copy.deepcopy(self.data)
        persona_edit.set_texts(trial, self._texts(texts))
        path = persona_edit.save_persona(trial, self.folder, new=self._new, known=self.catalogue)
        self.data, self._new = trial, False
        problem = self._reload()
        self._list()
        self._show(MSG_SAVED.format(path=path))
        if problem:
            self.panel.say(self.panel.status, problem)

