"""Shared fixtures: a small scenario and persona built in code, independent of the YAML files."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

from bacasable.scenario.schema import Persona, Scenario

# Tests never write into the user's own data folder (make test sets its own too); this one
# goes away with the run.
if not os.environ.get("BACASABLE_DATA"):
    os.environ["BACASABLE_DATA"] = tempfile.mkdtemp(prefix="bacasable-tests-")
    atexit.register(shutil.rmtree, os.environ["BACASABLE_DATA"], ignore_errors=True)


@pytest.fixture
def persona() -> Persona:
    return Persona.model_validate({
        "id": "alice",
        "first_name": "Alice",
        "last_name": "Durand",
        "sex": "F",
        "birth": {"date": "1990-04-12", "place": "Lyon", "insee_code": "69383"},
        "nir_order": 123,
        "address": {"street": "3 rue des Lilas", "postcode": "69003", "city": "Lyon"},
        "phone": "0612345678",
        "email": "alice.durand@exemple.fr",
        "bank": {"bank_name": "Banque Exemple (fictive)", "bank_code": "30004",
                 "branch_code": "00123", "account_number": "00012345678", "bic": "FICTFRPP"},
        "story": "Alice cherche un emploi.",
        "situation": {"job": "vendeuse", "status": "chomage"},
    })


@pytest.fixture
def scenario() -> Scenario:
    return Scenario.model_validate({
        "id": "demo",
        "title": "Démarche d'essai",
        "service": "Service (simulation)",
        "summary": "Une petite démarche pour les tests.",
        "duration_minutes": 10,
        "level": "debutant",
        "personas": ["alice"],
        "screens": [
            {"id": "start", "title": "Votre situation", "events": [{"id": "cookies", "kind": "cookies"}],
             "fields": [{"id": "status", "kind": "radio", "label": "Votre situation",
                         "options": [{"value": "chomage", "label": "Je cherche un emploi"},
                                     {"value": "rsa", "label": "Je touche le RSA"}],
                         "expected": {"persona": "situation.status"},
                         "hints": ["Relisez l'histoire d'Alice.", "Alice cherche un emploi."]}],
             "next": [{"when": {"field": "start.status", "equals": "rsa"}, "goto": "auto"}]},
            {"id": "auto", "title": "Vous n'avez rien à faire", "role": "info", "end": True,
             "body": ["Vous êtes inscrit automatiquement."]},
            {"id": "identity", "title": "Votre identité",
             "events": [{"id": "sms", "kind": "sms", "message": "Votre code : {code}"}],
             "fields": [
                 {"id": "last_name", "kind": "text", "label": "Nom", "expected": {"persona": "last_name"},
                  "hints": ["Regardez la carte d'identité."]},
                 {"id": "code", "kind": "code", "label": "Code reçu par SMS", "code_from": "sms"}]},
            {"id": "review", "title": "Vérifiez", "role": "review"},
            {"id": "done", "title": "C'est fini", "role": "receipt",
             "events": [{"id": "receipt", "kind": "receipt", "number_pattern": "AB-####"}]},
        ],
    })


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the real-browser tests last: the quick tests answer first, and Playwright's event
    loop, alive until the end of the session, cannot disturb the tests that use asyncio."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
