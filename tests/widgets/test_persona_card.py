"""The persona's card shows the fictional account the persona logs in to FranceConnect with."""

from __future__ import annotations

from widgets.learner.persona import PersonaCard


def details(persona) -> dict[str, str]:
    return {d["label"]: d["value"] for d in PersonaCard(persona).persona["details"]}


def test_an_account_for_franceconnect_is_on_the_card(persona):
    fc = {"compte": "impots", "identifiant": "3023217600053", "mot_de_passe": "Soleil-Vert-42"}
    with_account = persona.model_copy(update={"situation": {"franceconnect": fc}})
    shown = details(with_account)
    assert shown["Compte pour FranceConnect"] == "son compte impots.gouv"
    assert shown["Identifiant impots.gouv"] == "3023217600053"
    assert shown["Mot de passe impots.gouv"] == "Soleil-Vert-42"


def test_a_persona_without_an_account_says_so_and_others_say_nothing(persona):
    none = persona.model_copy(update={"situation": {"franceconnect": None}})
    assert details(none)["Compte pour FranceConnect"] == (
        "Alice n'a pas de compte pour FranceConnect.")
    assert "Compte pour FranceConnect" not in details(persona)


def test_an_account_without_identifier_shows_no_empty_line(persona):
    fc = {"compte": "ameli", "identifiant": None, "mot_de_passe": "Tilleul-Rhone-85"}
    shown = details(persona.model_copy(update={"situation": {"franceconnect": fc}}))
    assert "Identifiant ameli" not in shown and shown["Mot de passe ameli"] == "Tilleul-Rhone-85"
    assert "None" not in " ".join(shown.values())
