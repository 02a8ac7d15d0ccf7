"""The trainer's editor, a field's hints for one persona: shown, previewed, added, removed, saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from widget_support import send

from bacasable.common.config import BUILTIN_SCENARIOS, BacasableConfig
from bacasable.scenario.loader import load_catalogue
from bacasable.store import Store
from bacasable.workshop import pin
from widgets.trainer.editor import Editor

PIN = "4827"
SCENARIO = "france-travail-inscription"
KARIM = ["screens", 0, "fields", 0, "hints_by_persona", "karim"]
NEW_HINT = "Karim a 34 ans. Il ne touche pas le RSA."


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'bacasable.sqlite'}") as s:
        yield s


def editor(store, config: BacasableConfig) -> Editor:
    pin.set_pin(store, PIN)
    e = Editor(store, load_catalogue(config.all_scenario_dirs()), config=config, environ={})
    send(e.gate, {"action": "check", "pin": PIN})
    send(e.panel, {"action": "open", "scenario": SCENARIO})
    assert e.doc is not None and not e.panel.error
    return e


@pytest.fixture
def opened(store, tmp_path):
    """The editor on a copy of the scenario (a trainers' folder that overrides the shipped one)."""
    own = tmp_path / "scenarios"
    own.mkdir()
    shutil.copyfile(BUILTIN_SCENARIOS / f"{SCENARIO}.yaml", own / f"{SCENARIO}.yaml")
    e = editor(store, BacasableConfig(data_dir=str(tmp_path / "data"), scenario_dirs=[str(own)]))
    yield e
    e.close()


def situation_hint(e: Editor) -> str:
    field = next(f for f in e.preview.view["screen"]["fields"] if f["id"] == "situation")
    return field["hint"]


def test_each_persona_has_its_folded_part_under_the_common_hints(opened):
    parts = [p for p in opened.panel.persona_parts if p["group"] == "situation"]
    assert [p["title"] for p in parts] == [
        "Indices pour Karim (si elle ou il a besoin d'autres indices)",
        "Indices pour Lucas (si elle ou il a besoin d'autres indices)"]
    labels = [i["label"] for i in opened.panel.items if i.get("persona") == "karim"
              and i["group"] == "situation"]
    assert labels[0] == "Indice 1 pour Karim" and labels[-1].endswith("(nouvel indice)")


def test_focusing_karims_hint_shows_it_played_by_karim(opened):
    send(opened.panel, {"action": "focus", "path": [*KARIM, 1]})
    assert opened._run is not None and opened._run.persona.id == "karim"
    assert situation_hint(opened) == "Karim ne touche pas le RSA. Il a plus de 26 ans."
    assert opened.panel.playing == "Personnage joué dans l'aperçu : Karim."
    lucas = ["screens", 0, "fields", 0, "hints_by_persona", "lucas", 1]
    send(opened.panel, {"action": "focus", "path": lucas})
    assert opened._run.persona.id == "lucas" and "Lucas va à la Mission locale" in \
        situation_hint(opened)
    assert opened.panel.playing.endswith(": Lucas.")


def test_editing_karims_hint_redraws_the_form_and_the_preview(opened):
    send(opened.panel, {"action": "set", "path": [*KARIM, 0], "value": NEW_HINT})
    assert not opened.panel.error and opened.panel.changed
    box = next(i for i in opened.panel.items if i["path"] == [*KARIM, 0])
    assert box["value"] == NEW_HINT
    assert opened._run.persona.id == "karim" and situation_hint(opened) == NEW_HINT


def test_karims_hints_are_removed_then_given_back_from_the_common_ones(opened):
    before = opened.doc.dumps()
    send(opened.panel, {"action": "persona_hints_remove", "index": 0, "persona": "karim"})
    # What was written for Karim would be lost: asked first; « Annuler » keeps it.
    assert opened.panel.confirm["question"].startswith("Supprimer les indices écrits pour Karim")
    send(opened.panel, {"action": "cancel"})
    assert opened.panel.confirm == {} and opened.doc.dumps() == before
    send(opened.panel, {"action": "persona_hints_remove", "index": 0, "persona": "karim"})
    send(opened.panel, {"action": "confirm"})
    assert opened.panel.confirm == {}
    assert opened.panel.status.startswith("Karim verra les indices communs.")
    field = opened.doc.tree["screens"][0]["fields"][0]
    assert list(field["hints_by_persona"]) == ["lucas"]
    part = next(p for p in opened.panel.persona_parts
                if p["group"] == "situation" and p["persona"] == "karim")
    assert not part["own"] and part["add"] == "Écrire des indices pour Karim"
    assert not [i for i in opened.panel.items if i["path"][:6] == KARIM]

    send(opened.panel, {"action": "persona_hints_start", "index": 0, "persona": "karim"})
    assert "ses propres indices" in opened.panel.status
    assert list(field["hints_by_persona"]["karim"]) == list(field["hints"])
    # Emptying each box, one by one: Karim's key goes away at the last one.
    for _ in range(len(field["hints"])):
        send(opened.panel, {"action": "set", "path": [*KARIM, 0], "value": ""})
    assert "karim" not in field["hints_by_persona"] and not opened.panel.error
    send(opened.panel, {"action": "persona_hints_start", "index": 0, "persona": "nadia"})
    assert "ne joue pas" in opened.panel.error


def test_a_shipped_exercise_keeps_karims_hint_in_the_trainers_folder(store, tmp_path):
    shipped = BUILTIN_SCENARIOS / f"{SCENARIO}.yaml"
    before = shipped.read_bytes()
    config = BacasableConfig(data_dir=str(tmp_path / "data"), scenario_dirs=[])
    e = editor(store, config)
    try:
        send(e.panel, {"action": "set", "path": [*KARIM, 1], "value": NEW_HINT})
        send(e.panel, {"action": "save"})
        assert not e.panel.error and "votre dossier" in e.panel.status
        local = Path(config.trainer_dir).expanduser() / f"{SCENARIO}.yaml"
        saved = YAML(typ="safe").load(local.read_text(encoding="utf-8"))
        field = saved["screens"][0]["fields"][0]
        assert field["hints_by_persona"]["karim"][1] == NEW_HINT
        assert NEW_HINT not in field["hints"] and NEW_HINT not in field["hints_by_persona"]["lucas"]
        assert shipped.read_bytes() == before
    finally:
        e.close()
