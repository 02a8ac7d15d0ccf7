"""The persona's card: who the learner plays, contact details and fictional documents."""

from __future__ import annotations

from typing import Any

import traitlets

from bacasable.scenario.schema import Persona
from widgets.common.base import ActionWidget, module


class PersonaCard(ActionWidget):
    """Show "Vous êtes Karim Benali, 34 ans", the story, and documents one tap away.

    Attributes
    ----------
    persona : dict
        ``first_name``, ``last_name``, ``age``, ``story`` and ``details`` (a list of
        ``{label, value}``: address, phone, e-mail).
    documents : list of dict
        Documents as :func:`bacasable.personas.derived.document_view` returns them; each is drawn as
        a card with a large "SPECIMEN" mark and the words "Document fictif".
    """

    _esm = module("learner/persona.js")

    persona = traitlets.Dict().tag(sync=True)
    documents = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(self, persona: Persona | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")
        if persona is not None:
            self.show(persona)

    def show(self, persona: Persona) -> None:
        """Show ``persona``: its card, contact details and documents.

        Parameters
        ----------
        persona : Persona
            A persona of the catalogue.
        """
        from bacasable.personas.derived import document_view, documents, persona_values

        values = persona_values(persona)
        details = [
            {"label": "Adresse", "value": values["address"]["full"]},
            {"label": "Téléphone portable", "value": values["phone_formatted"]},
            {
                "label": "Adresse e-mail",
                "value": persona.email or f"{persona.first_name} n'a pas encore d'adresse e-mail.",
            },
        ]
        self.persona = {
            "id": persona.id,
            "first_name": persona.first_name,
            "last_name": persona.last_name,
            "age": values.get("age"),
            "story": persona.story,
            "details": details,
        }
        self.documents = [document_view(persona, d) for d in documents(persona)]
