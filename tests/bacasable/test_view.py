import datetime as dt

from bacasable.run.runner import Runner
from bacasable.run.view import SIMULATION_NOTICE, closing_words, password_rules, screen_view
from bacasable.scenario.schema import FieldSpec


def test_view_of_first_screen(scenario, persona):
    run = Runner(scenario, persona, seed=1, today=dt.date(2026, 11, 26))
    view = screen_view(run)
    assert view["notice"] == SIMULATION_NOTICE and "simulation" in view["notice"]
    assert view["step"]["label"] == "Étape 1 sur 4"
    assert view["cookies"] is True
    (field,) = view["screen"]["fields"]
    assert [o["value"] for o in field["options"]] == ["chomage", "rsa"]
    assert field["error"] is None and field["hints_count"] == 2


def test_errors_and_hints_appear_in_view(scenario, persona):
    run = Runner(scenario, persona, seed=1)
    run.submit({})
    run.hint()
    view = screen_view(run)
    assert view["errors"][0]["field_id"] == "status"
    assert view["screen"]["fields"][0]["hint"] == "Relisez l'histoire d'Alice."


def test_receipt_has_number_and_closing_words(scenario, persona):
    from bacasable.run.autoplay import play_through

    run = Runner(scenario, persona, seed=1)
    assert play_through(run).finished
    view = screen_view(run)
    assert view["receipt"]["number"] == run.receipt_number
    assert view["closing"]["title"].startswith("Bravo")
    assert "Aucune erreur" in " ".join(view["closing"]["lines"])


def test_password_rules_in_plain_french():
    spec = FieldSpec.model_validate({"id": "mdp", "kind": "password", "label": "Mot de passe",
                                     "rules": [{"rule": "password_policy", "min_length": 8,
                                                "upper": True, "digit": True}]})
    assert password_rules(spec) == ["au moins 8 caractères",
                                    "au moins une lettre majuscule (A, B, C…)",
                                    "au moins un chiffre (1, 2, 3…)"]


def test_closing_words_count_errors_and_hints():
    words = closing_words({"screens_done": 5, "screens_without_help": 3, "errors": 2, "hints": 1,
                           "minutes": 4.2, "hardest": ["Votre identité"]})
    text = " ".join(words["lines"])
    assert "les 5 étapes" in text and "2 erreurs" in text and "1 indice" in text
    assert "« Votre identité »" in text and "environ 4 minutes" in text
