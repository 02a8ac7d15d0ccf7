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
        details += _franceconnect_details(persona)
        self.persona = {
            "id": persona.id,
            "first_name": persona.first_name,
            "last_name": persona.last_name,
            "age": values.get("age"),
            "story": persona.story,
            "details": details,
        }
        self.documents = [document_view(persona, d) for d in documents(persona)]


#: The accounts FranceConnect offers, as the flow names them (scenarios/flows/franceconnect.yaml).
FRANCECONNECT_ACCOUNTS = {
    "impots": "impots.gouv",
    "ameli": "ameli",
    "laposte": "L'Identité Numérique La Poste",
    "msa": "MSA",
    "france_identite": "France Identité",
}


def _franceconnect_details(persona: Persona) -> list[dict[str, str]]:
    """Return the card's lines of the persona's account for FranceConnect (fictional), if any."""
    if "franceconnect" not in persona.situation:
        return []
    account = persona.situation.get("franceconnect")
    if not isinstance(account, dict) or not account.get("compte"):
        return [{"label": "Compte pour FranceConnect",
                 "value": f"{persona.first_name} n'a pas de compte pour FranceConnect."}]
    name = FRANCECONNECT_ACCOUNTS.get(str(account["compte"]), str(account["compte"]))
    lines = [{"label": "Compte pour FranceConnect", "value": f"son compte {name}"}]
    for key, label in (("identifiant", "Identifiant"), ("mot_de_passe", "Mot de passe")):
        if account.get(key) not in (None, ""):
            lines.append({"label": f"{label} {name}", "value": str(account[key])})
    return lines
