"""The projected walkthrough's core: stepping, each persona's path, callouts, the room's errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bacasable.run.events import RunEvent
from bacasable.scenario.loader import load_catalogue
from bacasable.scenario.schema import FieldSpec
from bacasable.store import Store
from bacasable.workshop.room_errors import room_sentence, room_stats
from bacasable.workshop.walkthrough import Walkthrough, field_callout

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def cat():
    return load_catalogue([SCENARIOS])


def walk(cat, scenario_id: str, persona_id: str) -> Walkthrough:
    return Walkthrough(cat.scenarios[scenario_id], cat.personas[persona_id], today=TODAY)


def test_each_persona_follows_its_own_path_to_the_receipt(cat):
    nadia = walk(cat, "caf-prime-activite", "nadia")
    sophie = walk(cat, "caf-prime-activite", "sophie")
    assert "connexion" in nadia.path and "creation-compte" not in nadia.path
    assert "creation-compte" in sophie.path and "connexion" not in sophie.path
    for scenario in cat.scenarios.values():
        for persona_id in scenario.personas:
            w = walk(cat, scenario.id, persona_id)
            assert w.steps[-1].screen.role == "receipt", (scenario.id, persona_id)
            assert w.path[0] == scenario.screens[0].id


def test_stepping_field_by_field_then_screen_by_screen(cat):
    w = walk(cat, "caf-prime-activite", "nadia")
    assert w.position == (0, -1) and w.at_start and w.field is None
    assert not w.prev_field() and not w.prev_screen()
    first = w.screen
    assert w.next_field() and w.position == (0, 0) and w.field is first.fields[0]
    # After the last field of a screen, the next screen opens, no field highlighted yet.
    while w.screen_index == 0:
        assert w.next_field()
    assert w.position == (1, -1)
    # Back: to the last field of the previous screen.
    assert w.prev_field() and w.position == (0, len(first.fields) - 1)
    assert w.next_screen() and w.position == (1, -1)
    assert w.next_field() and w.prev_screen() and w.position == (0, -1)
    assert w.next_field() and w.prev_screen() and w.position == (0, -1)
    moves = 0
    while w.next_field():
        moves += 1
    assert w.at_end and w.screen.role == "receipt"
    assert moves == sum(1 + len(s.screen.fields) for s in w.steps) - 1
    assert not w.next_field() and not w.next_screen()
    assert not w.go(*w.position)


def test_values_fill_in_as_the_facilitator_advances(cat):
    w = walk(cat, "france-travail-inscription", "karim")
    w.go(w.path.index("identite"), -1)
    fields = w.screen.fields
    assert all(f["value"] is None for f in w.view()["screen"]["fields"])
    w.next_field()
    view = w.view()
    assert view["screen"]["fields"][0]["value"] is not None
    assert all(f["value"] is None for f in view["screen"]["fields"][1:])
    date_index = next(i for i, f in enumerate(fields) if f.kind == "date")
    w.go(w.screen_index, date_index)
    date = next(f for f in w.view()["screen"]["fields"] if f["kind"] == "date")
    assert date["value"] == {"day": "14", "month": "03", "year": "1992"} or set(date["value"]) == {
        "day", "month", "year"}
    assert w.view()["timeout_after"] is None and w.view()["cookies"] is False
    assert w.state()["label"] == f"Écran {w.screen_index + 1} sur {len(w.steps)} · champ " \
        f"{date_index + 1} sur {len(fields)}"


def test_passwords_are_never_shown(cat):
    w = walk(cat, "caf-prime-activite", "sophie")
    w.go(w.path.index("creation-compte"), 99)
    assert all(f["value"] is None for f in w.view()["screen"]["fields"] if f["kind"] == "password")


def test_callout_from_the_yaml_else_a_plain_sentence():
    spec = FieldSpec(id="naissance", kind="date", label="Date de naissance",
                     help="Par exemple : 14/03/1992")
    assert field_callout(spec).replace("\u00a0", " ") == ("Ici, tapez « Date de naissance » : le jour, le mois, puis "
                                   "l'année. Par exemple : 14/03/1992.")
    plain = FieldSpec(id="nom", kind="text", label="Nom")
    assert field_callout(plain) == "Ici, tapez «\u00a0Nom\u00a0»."
    own = FieldSpec(id="nom", kind="text", label="Nom", walkthrough={"callout": "Le nom, en "
                                                                      "majuscules."})
    assert field_callout(own) == "Le nom, en majuscules."


def test_callout_common_error_and_notes_follow_the_position(cat):
    w = walk(cat, "caf-prime-activite", "nadia")
    w.go(w.path.index("connexion"), -1)
    screen = w.screen
    assert w.callout() == screen.walkthrough.callout
    assert screen.walkthrough.notes in w.notes()
    nir = next(i for i, f in enumerate(screen.fields) if f.walkthrough and f.walkthrough.callout)
    w.go(w.screen_index, nir)
    assert w.callout() == screen.fields[nir].walkthrough.callout
    assert w.common_error() == screen.fields[nir].walkthrough.common_error
    state = w.state()
    assert state["field_id"] == screen.fields[nir].id and state["callout"] == w.callout()


def test_common_error_falls_back_to_an_error_message(scenario, persona):
    screen = scenario.screens[0]
    spec = screen.fields[0].model_copy(update={"errors": {"required": "Champ obligatoire",
                                                          "format": "Format incorrect"},
                                               "walkthrough": None})
    bare = scenario.model_copy(update={"screens": [
        screen.model_copy(update={"fields": [spec], "walkthrough": None}), *scenario.screens[1:]
    ]})
    w = Walkthrough(bare, persona, today=TODAY)
    w.go(0, 0)
    assert w.common_error() == "Le site répond : « Format incorrect »"


def test_room_stats_from_a_store(tmp_path, cat):
    scenario = cat.scenarios["caf-prime-activite"]
    with Store(f"sqlite:///{tmp_path / 'b.sqlite'}") as store:
        workshop = store.create_workshop("Atelier CAF", "Mairie", "2026-11-26", [scenario.id])
        other = store.create_workshop("Autre", "Mairie", "2026-11-26", [scenario.id])

        def errors(workshop_id, pseudonym, items):
            person = store.join(workshop_id, pseudonym)
            attempt = store.start_attempt(person["id"], scenario.id, "nadia", 14)
            for screen_id, field_id, kind in items:
                store.record_event(attempt, RunEvent(type="field_error", scenario_id=scenario.id,
                                                     screen_id=screen_id, field_id=field_id,
                                                     error_kind=kind))
            store.record_event(attempt, RunEvent(type="screen_done", scenario_id=scenario.id,
                                                 screen_id="accueil"))

        errors(workshop["id"], "Marie", [("connexion", "nir", "checksum"),
                                        ("connexion", "nir", "checksum")])
        errors(workshop["id"], "Ali", [("connexion", "nir", "checksum"),
                                      ("connexion", "mot-de-passe", "required")])
        errors(workshop["id"], "Léa", [("connexion", "mot-de-passe", "required"),
                                      ("identite", "nom", "required")])
        errors(other["id"], "Zoé", [("connexion", "nir", "format")] * 5)
        stats = room_stats(store, workshop["id"], scenario.id, scenario=scenario)
    assert set(stats) == {"connexion", "identite"}
    here = stats["connexion"]
    assert here["errors_people"] == 3 and here["errors"] == 5
    assert here["sentence"] == "3 personnes se sont trompées ici."
    label = next(f.label for f in scenario.screen("connexion").fields if f.id == "nir")
    assert here["top_error"] == {"field_id": "nir", "error_kind": "checksum", "count": 3,
                                 "text": f"{label} : un chiffre est faux"}
    assert stats["identite"]["errors_people"] == 1
    assert room_sentence(stats["identite"]) == "1 personne s'est trompée ici."
    assert room_sentence(None) == "Personne ne s'est trompé ici."
