"""Fixtures of the widget tests: a small scenario and persona built in code, a player."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the package may not be installed (tests run from a checkout)
    sys.path.insert(0, str(ROOT))

from widget_support import TODAY  # noqa: E402

from bacasable.scenario.schema import Persona, Scenario  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def w_persona() -> Persona:
    return Persona.model_validate({
        "id": "karim",
        "first_name": "Karim",
        "last_name": "Benali",
        "sex": "M",
        "birth": {"date": "1992-03-14", "place": "Lille", "insee_code": "59350"},
        "nir_order": 42,
        "address": {"street": "12 rue des Tisserands", "postcode": "59000", "city": "Lille"},
        "phone": "0639980042",
        "email": "karim.benali@exemple.fr",
        "bank": {"bank_name": "Banque Exemple (fictive)", "bank_code": "30004",
                 "branch_code": "00123", "account_number": "00012345678", "bic": "FICTFRPP"},
        "story": "Karim a perdu son emploi de cariste. Il veut s'inscrire.",
        "situation": {"status": "chomage"},
    })


@pytest.fixture
def w_persona_no_mail(w_persona: Persona) -> Persona:
    return w_persona.model_copy(update={"id": "nadia", "first_name": "Nadia", "email": None})


@pytest.fixture
def w_scenario() -> Scenario:
    return Scenario.model_validate({
        "id": "essai",
        "title": "S'inscrire (essai)",
        "service": "Service d'essai (simulation)",
        "summary": "Une petite démarche pour tester les widgets.",
        "duration_minutes": 15,
        "level": "debutant",
        "personas": ["karim", "nadia"],
        "screens": [
            {"id": "identite", "title": "Votre identité",
             "intro": "Recopiez les informations de la carte d'identité.",
             "events": [{"id": "cookies", "kind": "cookies"},
                        {"id": "session", "kind": "timeout", "after_seconds": 60}],
             "fields": [
                 {"id": "nom", "kind": "text", "label": "Nom", "autocomplete": "family-name",
                  "expected": {"persona": "last_name"},
                  "hints": ["Regardez la carte d'identité.", "C'est la ligne « Nom ».",
                            "Écrivez : Benali."]},
                 {"id": "naissance", "kind": "date", "label": "Date de naissance",
                  "autocomplete": "bday", "expected": {"persona": "birth.date"}},
             ]},
            {"id": "contact", "title": "Vos coordonnées",
             "events": [{"id": "sms", "kind": "sms", "sender": "Service d'essai",
                         "message": "Bonjour {first_name}, votre code : {code}"}],
             "fields": [
                 {"id": "situation", "kind": "radio", "label": "Votre situation",
                  "options": [{"value": "chomage", "label": "Je cherche un emploi"},
                              {"value": "salarie", "label": "Je travaille"}]},
                 {"id": "telephone", "kind": "phone", "label": "Téléphone portable",
                  "required": False},
                 {"id": "code", "kind": "code", "label": "Code reçu par SMS", "code_from": "sms"},
             ]},
            {"id": "secret", "title": "Votre mot de passe",
             "fields": [
                 {"id": "mdp", "kind": "password", "label": "Mot de passe",
                  "autocomplete": "new-password",
                  "rules": [{"rule": "password_policy", "min_length": 12, "upper": True,
                             "digit": True}]},
             ]},
            {"id": "recap", "title": "Vérifiez vos réponses", "role": "review",
             "continue_label": "Confirmer"},
            {"id": "fin", "title": "Inscription enregistrée", "role": "receipt",
             "body": ["Vous recevrez un courrier."],
             "events": [{"id": "recu", "kind": "receipt", "number_pattern": "AB-####"},
                        {"id": "mail", "kind": "email", "subject": "Confirmation",
                         "message": "Bonjour {first_name}, c'est fait."}]},
        ],
    })


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def player(w_scenario: Scenario, w_persona: Persona, clock: Clock):
    from widgets.learner.player import ScenarioPlayer

    return ScenarioPlayer(w_scenario, w_persona,
                          runner_options={"seed": 1, "today": TODAY, "clock": clock})
