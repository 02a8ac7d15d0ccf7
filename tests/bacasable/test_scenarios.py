"""The built-in scenarios: valid, consistent, and every persona of a scenario can finish it."""

import datetime as dt

import pytest

from bacasable.authoring.checks import check_catalogue
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.run.autoplay import play_through
from bacasable.run.runner import Runner
from bacasable.scenario.loader import load_catalogue

CATALOGUE = load_catalogue([BUILTIN_SCENARIOS])
PAIRS = [(s, p) for s in sorted(CATALOGUE.scenarios) for p in CATALOGUE.scenarios[s].personas]


def test_builtin_catalogue_has_no_findings():
    assert [str(f) for f in CATALOGUE.findings + check_catalogue(CATALOGUE)] == []
    assert {"france-travail-inscription", "caf-prime-activite"} <= set(CATALOGUE.scenarios)


@pytest.mark.parametrize("scenario_id", sorted(CATALOGUE.scenarios))
def test_scenario_has_six_screens_on_every_path_and_a_receipt(scenario_id):
    scenario = CATALOGUE.scenarios[scenario_id]
    assert sum(s.role == "form" for s in scenario.screens) >= 6
    assert any(s.role == "receipt" for s in scenario.screens)
    assert any(s.role == "review" for s in scenario.screens)


@pytest.mark.parametrize(("scenario_id", "persona_id"), PAIRS)
def test_every_persona_completes_its_scenarios(scenario_id, persona_id):
    run = Runner(CATALOGUE.scenarios[scenario_id], CATALOGUE.personas[persona_id], seed=3,
                 today=dt.date(2026, 11, 26))
    result = play_through(run)
    assert result.finished, (result.stuck_on, result.errors)
    assert run.screen.role == "receipt" and run.receipt_number
    assert len(result.path) >= 8
