"""The catalogue says which exercise is built-in and which comes from a local folder."""

from __future__ import annotations

from pathlib import Path

from bacasable.common import config
from bacasable.common.config import BacasableConfig
from bacasable.scenario.loader import load_catalogue
from widgets.learner.catalogue import (
    ORIGIN_BUILTIN,
    ORIGIN_OVERRIDES,
    CatalogueView,
    scenario_cards,
    scenario_origin,
)

BUILTIN = config.BUILTIN_SCENARIOS


def _local_folder(tmp_path: Path) -> Path:
    local = tmp_path / "mes-exercices"
    local.mkdir()
    # Same id as a built-in scenario: the local file overrides it.
    text = (BUILTIN / "caf-prime-activite.yaml").read_text(encoding="utf-8")
    (local / "caf-prime-activite.yaml").write_text(
        text.replace("title:", "title: Local -", 1), encoding="utf-8")
    return local


def test_local_folder_overrides_a_builtin_id(tmp_path, monkeypatch):
    local = _local_folder(tmp_path)
    monkeypatch.setenv("BACASABLE_SCENARIOS", str(local))
    cat = load_catalogue(BacasableConfig().all_scenario_dirs())
    assert cat.sources["caf-prime-activite"].parent == local
    assert cat.overridden["caf-prime-activite"].parent == BUILTIN
    view = CatalogueView(cat)
    cards = {c["id"]: c for c in view.scenarios}
    local_card = cards["caf-prime-activite"]
    assert local_card["local"] is True
    assert local_card["origin"] == f"Exercice local (dossier {local})"
    assert local_card["overrides"] == ORIGIN_OVERRIDES == "remplace l'exercice fourni"
    assert local_card["title"].startswith("Local -")
    builtin_card = cards["france-travail-inscription"]
    assert builtin_card["local"] is False
    assert builtin_card["origin"] == ORIGIN_BUILTIN == "Exercice fourni"
    assert builtin_card["overrides"] == ""
    # The state the browser receives carries the origin.
    state = view.get_state()["scenarios"]
    assert any(c["origin"].startswith("Exercice local") for c in state)
    view.close()


def test_new_local_scenario_does_not_claim_to_replace(tmp_path):
    local = tmp_path / "autres"
    local.mkdir()
    text = (BUILTIN / "caf-prime-activite.yaml").read_text(encoding="utf-8")
    (local / "nouveau.yaml").write_text(
        text.replace("id: caf-prime-activite", "id: caf-nouveau", 1), encoding="utf-8")
    cat = load_catalogue([BUILTIN, local])
    assert "caf-nouveau" in cat.scenarios
    origin = scenario_origin(cat, "caf-nouveau")
    assert origin["local"] and origin["overrides"] == "" and str(local) in origin["origin"]
    assert scenario_origin(cat, "caf-prime-activite")["origin"] == ORIGIN_BUILTIN


def test_builtin_only_cards_are_all_provided():
    cards, _ = scenario_cards(load_catalogue([BUILTIN]))
    assert cards and all(c["origin"] == ORIGIN_BUILTIN and not c["local"] for c in cards)


def test_two_local_folders_overriding_each_other_do_not_replace_builtin(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        text = (BUILTIN / "caf-prime-activite.yaml").read_text(encoding="utf-8")
        (folder / "x.yaml").write_text(
            text.replace("id: caf-prime-activite", "id: caf-local", 1), encoding="utf-8")
    cat = load_catalogue([BUILTIN, a, b])
    origin = scenario_origin(cat, "caf-local")
    assert origin["folder"] == str(b) and origin["overrides"] == ""


def test_catalogue_js_shows_the_origin():
    static = Path(__file__).resolve().parents[2] / "widgets" / "static"
    js = (static / "learner" / "catalogue.js").read_text()
    assert "s.origin" in js and "s.overrides" in js
