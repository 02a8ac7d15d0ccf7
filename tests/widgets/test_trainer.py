"""The trainer's page: one PIN gate, then a menu over the scenario and persona editors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from widget_support import send

from bacasable.common.config import BacasableConfig
from bacasable.store import Store
from bacasable.workshop import pin
from widgets.trainer.app import Trainer, trainer
from widgets.trainer.editor import Editor
from widgets.trainer.persona_editor import PersonaEditor

PIN = "4827"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def folder(tmp_path) -> Path:
    own = tmp_path / "scenarios"
    own.mkdir()
    shutil.copytree(SCENARIOS / "personas", own / "personas")
    shutil.copyfile(SCENARIOS / "caf-prime-activite.yaml", own / "caf-prime-activite.yaml")
    return own


@pytest.fixture
def page(tmp_path, folder):
    with Store(f"sqlite:///{tmp_path / 'bacasable.sqlite'}") as store:
        pin.set_pin(store, PIN)
        config = BacasableConfig(data_dir=str(tmp_path / "data"), scenario_dirs=[str(folder)])
        t = Trainer(store, config=config, environ={})
        yield t
        t.close()


def test_nothing_but_the_gate_before_the_right_pin(page):
    assert page.children == (page.gate,) and page.nav is None
    send(page.gate, {"action": "check", "pin": "0000"})
    assert page.nav is None and page.gate.error


def test_the_menu_switches_between_scenarios_and_personas(page, folder):
    send(page.gate, {"action": "check", "pin": PIN})
    assert isinstance(page.scenarios, Editor) and isinstance(page.personas, PersonaEditor)
    assert page.children == (page.nav, page.scenarios) and page.nav.current == "scenarios"
    assert [s["label"] for s in page.nav.sections] == [
        "Modifier un scénario", "Créer ou modifier un persona"]
    # Both editors are open: their own gates are gone.
    assert page.scenarios.panel is not None and page.personas.panel is not None
    send(page.nav, {"action": "show", "section": "personas"})
    assert page.children == (page.nav, page.personas) and page.nav.current == "personas"
    send(page.nav, {"action": "show", "section": "nowhere"})
    assert page.nav.current == "personas"
    # A persona saved in the persona part can be chosen back in the scenario part.
    assert "karima" not in page.scenarios.catalogue.personas
    text = (folder / "personas" / "karim.yaml").read_text(encoding="utf-8")
    (folder / "personas" / "karima.yaml").write_text(
        text.replace("id: karim", "id: karima", 1), encoding="utf-8")
    send(page.nav, {"action": "show", "section": "scenarios"})
    assert page.children == (page.nav, page.scenarios)
    assert "karima" in page.scenarios.catalogue.personas


def test_trainer_factory(tmp_path, monkeypatch):
    monkeypatch.setenv("BACASABLE_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("BACASABLE_DB", raising=False)
    t = trainer()
    try:
        assert isinstance(t, Trainer) and t.gate.title == "Adapter les exercices"
    finally:
        t.close()
