"""The catalogue of exercises and the learner's app (query string, start, back to the list)."""

from __future__ import annotations

import pytest
from widget_support import send

from bacasable.scenario.loader import Catalogue, Finding
from widgets.learner.app import (
    START_PROBLEM,
    UNKNOWN_PERSONA,
    UNKNOWN_SCENARIO,
    Atelier,
    _query_string,
    atelier,
)
from widgets.learner.catalogue import BROKEN_MESSAGE, CatalogueView, scenario_cards
from widgets.learner.player import ScenarioPlayer


@pytest.fixture
def catalogue(w_scenario, w_persona, w_persona_no_mail) -> Catalogue:
    return Catalogue(
        scenarios={w_scenario.id: w_scenario},
        personas={w_persona.id: w_persona, w_persona_no_mail.id: w_persona_no_mail},
    )


def test_cards(catalogue):
    cards, broken = scenario_cards(catalogue)
    assert broken == 0
    card = cards[0]
    assert card["id"] == "essai" and card["duration"] == "15 min" and card["level"] == "Débutant"
    assert [p["first_name"] for p in card["personas"]] == ["Karim", "Nadia"]
    assert card["personas"][0]["story"].startswith("Karim a perdu")


def test_broken_file_is_told_politely(catalogue):
    catalogue.findings.append(Finding("/x/scenarios/caf.yaml", 3, 1, "clé inconnue"))
    catalogue.findings.append(Finding("/x/scenarios/personas/bob.yaml", 3, 1, "clé inconnue"))
    view = CatalogueView(catalogue)
    assert view.problem == BROKEN_MESSAGE
    assert "clé" not in view.problem and "yaml" not in view.problem


def test_scenario_without_known_persona_is_not_offered(catalogue):
    catalogue.personas.clear()
    cards, broken = scenario_cards(catalogue)
    assert cards == [] and broken == 1


def test_start_from_catalogue_and_back(catalogue):
    app = Atelier(catalogue)
    # The folded "Rejoindre un atelier" form sits above the list (see test_join.py).
    assert app.children == (app.link.view, app.catalogue_view)
    send(app.catalogue_view, {"action": "start", "scenario": "essai", "persona": "nadia"})
    assert isinstance(app.player, ScenarioPlayer)
    assert app.children == (app.player,)
    assert app.player.persona.first_name == "Nadia"
    player = app.player
    send(player.screen, {"action": "catalogue"})
    assert app.player is None and app.children == (app.link.view, app.catalogue_view)
    assert app.catalogue_view.focus_title is True
    assert player.runner.status == "abandoned"


def test_events_reach_the_listener_of_the_app(catalogue):
    app = Atelier(catalogue)
    events = []
    app.on_event(events.append)
    app.start("essai")
    send(app.player.screen, {"action": "hint", "field": "nom"})
    assert [e.type for e in events] == ["started", "screen_entered", "hint_shown"]


def test_query_opens_the_exercise(catalogue):
    app = Atelier.from_query("?scenario=essai&persona=karim", catalogue)
    assert app.player is not None and app.player.persona.id == "karim"
    app = Atelier.from_query("scenario=essai", catalogue)
    assert app.player.persona.id == "karim"  # the scenario's first persona


@pytest.mark.parametrize(
    ("query", "message"),
    [("scenario=inconnu", UNKNOWN_SCENARIO), ("scenario=essai&persona=bob", UNKNOWN_PERSONA),
     ("", ""), ("persona=karim", ""), ("scenario=%3Cscript%3E", UNKNOWN_SCENARIO)],
)
def test_unknown_ids_show_the_catalogue_politely(catalogue, query, message):
    app = Atelier.from_query(query, catalogue)
    assert app.player is None
    assert app.catalogue_view.message == message


def test_start_failure_is_told_politely(catalogue, monkeypatch):
    import widgets.learner.app as module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "ScenarioPlayer", broken)
    app = Atelier(catalogue)
    send(app.catalogue_view, {"action": "start", "scenario": "essai", "persona": "karim"})
    assert app.player is None and app.catalogue_view.message == START_PROBLEM


def test_query_string_only_under_voila(monkeypatch):
    for name in ("VOILA_PREHEAT", "VOILA_APP_IP", "SERVER_SOFTWARE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUERY_STRING", "scenario=essai")
    assert _query_string() == ""
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    assert _query_string() == "scenario=essai"


def test_atelier_loads_the_configured_catalogue(monkeypatch, tmp_path):
    monkeypatch.setenv("BACASABLE_SCENARIOS", str(tmp_path))
    for name in ("VOILA_PREHEAT", "VOILA_APP_IP", "SERVER_SOFTWARE"):
        monkeypatch.delenv(name, raising=False)
    app = atelier()
    assert isinstance(app, Atelier) and app.player is None


def test_builtin_scenarios_first_screen_renders():
    """Every built-in scenario shows its first screen (skipped while there are none)."""
    from bacasable.common.config import BacasableConfig
    from bacasable.scenario.loader import load_catalogue

    cat = load_catalogue(BacasableConfig().all_scenario_dirs()[:1])
    if not cat.scenarios:
        pytest.skip("no built-in scenario yet")
    for scenario in cat.scenarios.values():
        persona_id = next((p for p in scenario.personas if p in cat.personas), None)
        assert persona_id is not None, f"{scenario.id}: no known persona"
        player = ScenarioPlayer(scenario, cat.personas[persona_id])
        view = player.screen.view
        assert view["screen"]["id"] == scenario.screens[0].id
        assert view["ui"]["problem"] is None, scenario.id
        send(player.screen, {"action": "submit", "from": view["screen"]["id"], "values": {}})
        assert player.screen.view["ui"]["problem"] is None, scenario.id
        send(player.screen, {"action": "hint"})
        assert player.screen.view["ui"]["problem"] is None, scenario.id


#: Modules a learner's kernel must not carry: the trainer's and the reports' libraries, the
#: server, the YAML library (the catalogue is read in a child process).
NOT_IN_LEARNER_KERNEL = (
    "ruamel", "faker", "sqlalchemy", "alembic", "pandas", "matplotlib", "openpyxl",
    "nbconvert", "jupyter_server", "segno", "openfisca_core", "openfisca_france",
)

LEARNER_PAGE = """\
import json, sys
from widgets.learner.app import atelier
from bacasable.run.autoplay import play_through
from bacasable.identifiers.parsing import FieldError, parse_iban, parse_nir

a = atelier()
trees, keeps = len(a.catalogue.trees), a.catalogue.keeps_trees
plain = all(type(p.situation) is dict for p in a.catalogue.personas.values())
played = []
for scenario in a.catalogue.scenarios.values():  # every field kind of the built-in exercises
    assert a.start(scenario.id)
    played.append(play_through(a.player.runner).finished)
for bad in ("FR7630006000011234567890188", "2 92 03 59 350 042 00"):  # wrong keys
    try:
        (parse_iban if bad.startswith("FR") else parse_nir)(bad)
    except FieldError:
        pass
print(json.dumps({"trees": trees, "keeps": keeps, "plain": plain, "played": played,
                  "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_learner_page_imports_no_trainer_module_nor_yaml_tree(tmp_path):
    """A learner's kernel, once every built-in exercise is played through, holds none of them.

    Structural: the catalogue keeps no round-trip YAML tree (its models hold plain dicts),
    and neither the YAML library nor the trainer's, reports' or server's libraries are
    imported, not even later in the exercise.
    """
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "BACASABLE_DATA": str(tmp_path), "BACASABLE_SCENARIOS": "",
           "PYTHONPATH": os.pathsep.join(filter(None, (str(root), os.environ.get("PYTHONPATH"))))}
    for name in ("VOILA_PREHEAT", "VOILA_APP_IP", "SERVER_SOFTWARE"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", LEARNER_PAGE], capture_output=True, text=True,
                         cwd=root / "notebooks", env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["trees"] == 0 and result["keeps"] is False and result["plain"] is True
    assert result["played"] and all(result["played"])
    assert set(NOT_IN_LEARNER_KERNEL) & set(result["modules"]) == set()


def test_catalogue_is_loaded_here_when_the_child_fails(monkeypatch, tmp_path):
    import bacasable.scenario.loader
    from bacasable.common.config import BUILTIN_SCENARIOS
    from widgets.learner.app import _load_catalogue

    def failing(folders, timeout=300):
        raise OSError("no child today")

    monkeypatch.setattr(bacasable.scenario.loader, "load_catalogue_apart", failing)
    monkeypatch.setenv("BACASABLE_SCENARIOS", "")
    monkeypatch.setenv("BACASABLE_DATA", str(tmp_path))  # no cache yet: the child is asked
    catalogue, problem = _load_catalogue()
    expected = bacasable.scenario.loader.load_catalogue([BUILTIN_SCENARIOS])
    assert problem == "" and catalogue.trees == {} and not catalogue.keeps_trees
    assert catalogue.scenarios == expected.scenarios and catalogue.personas == expected.personas


def test_cards_are_grouped_by_theme_in_the_catalogue_order_with_their_competences(
        catalogue, w_scenario):
    catalogue.scenarios["impots"] = w_scenario.model_copy(
        update={"id": "impots", "title": "A", "category": "impots", "skills": ["4.1", "2.4"]})
    catalogue.scenarios["emploi"] = w_scenario.model_copy(
        update={"id": "emploi", "title": "Z", "category": "emploi"})
    cards, _ = scenario_cards(catalogue)
    assert [(c["id"], c["category_label"]) for c in cards] == [
        ("emploi", "Emploi"), ("impots", "Impôts"), ("essai", "Autres exercices")]
    assert cards[1]["skills"] == ["2.4 S'insérer dans le monde numérique",
                                  "4.1 Sécuriser l'environnement numérique"]
