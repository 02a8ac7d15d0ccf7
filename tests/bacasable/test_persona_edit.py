"""Drafting and editing personas: texts, preview, safe round-trip saves."""

from __future__ import annotations

import pytest

from bacasable.authoring.persona_edit import (
    MSG_PHONE,
    PersonaEditError,
    new_draft,
    open_persona,
    persona_folder,
    preview,
    save_persona,
    set_texts,
    texts_of,
)
from bacasable.common import config
from bacasable.common.config import BacasableConfig
from bacasable.scenario.loader import load_catalogue


def test_persona_folder_prefers_the_first_local_folder(tmp_path):
    cfg = BacasableConfig(scenario_dirs=[str(tmp_path / "a"), str(tmp_path / "b")])
    assert persona_folder(cfg) == tmp_path / "a" / "personas"
    own = BacasableConfig(scenario_dirs=[], data_dir=str(tmp_path / "data"))
    assert persona_folder(own) == tmp_path / "data" / "exercices" / "personas"
    assert config.BUILTIN_SCENARIOS not in persona_folder(own).parents


def test_new_draft_uses_a_new_seed_each_time_and_checks_sex_and_age():
    a, b = new_draft("M", 50), new_draft("M", 50)
    assert a["sex"] == "M" and a["seed"] != b["seed"]
    assert new_draft("F", 30, seed=7) == new_draft("F", 30, seed=7)
    with pytest.raises(PersonaEditError, match="sexe"):
        new_draft("X", 30)
    with pytest.raises(PersonaEditError, match="âge"):
        new_draft("F", 200)
    with pytest.raises(PersonaEditError):
        new_draft("F", "beaucoup")


def test_set_texts_and_preview():
    data = new_draft("F", 40, seed=3)
    set_texts(data, {"first_name": " Inès ", "last_name": "Morel", "story": "Inès cherche.",
                     "street": "3 rue Haute", "postcode": "59000", "city": "Lille",
                     "phone": "06 39 98 12 34", "email": ""})
    assert data["first_name"] == "Inès" and data["phone"] == "0639981234"
    assert data["email"] is None and data["address"]["city"] == "Lille"
    assert texts_of(data)["email"] == "" and texts_of(data)["city"] == "Lille"
    docs = preview(data)
    kinds = [d["kind_label"] for d in docs]
    assert len(docs) == 2 and all(d["lines"] for d in docs), kinds
    card = dict(docs[0]["lines"])
    assert card["Prénom(s)"] == "Inès" and card["Nom"] == "Morel"
    assert "IBAN" in dict(docs[1]["lines"])


def test_set_texts_refuses_bad_values_and_changes_nothing():
    data = new_draft("M", 30, seed=5)
    before = dict(data)
    with pytest.raises(PersonaEditError) as info:
        set_texts(data, {"first_name": "", "phone": "0612345678", "email": "pas-une-adresse",
                         "city": "Nice"})
    text = str(info.value)
    assert MSG_PHONE in text and "Prénom" in text and "e-mail" in text
    assert data == before


def test_save_new_persona_then_round_trip_keeps_comments(tmp_path):
    folder = tmp_path / "local" / "personas"
    data = new_draft("F", 35, seed=11)
    set_texts(data, {"first_name": "Inès", "last_name": "Morel"})
    cat = load_catalogue([config.BUILTIN_SCENARIOS])
    path = save_persona(data, folder, new=True, known=cat)
    assert path == folder / "ines-morel.yaml" and data["id"] == "ines-morel"
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    # A second "Inès Morel" gets a free id, never overwriting.
    other = new_draft("F", 35, seed=12)
    set_texts(other, {"first_name": "Inès", "last_name": "Morel"})
    assert save_persona(other, folder, new=True).name == "ines-morel-2.yaml"
    # Round trip: a comment written by hand survives an edit.
    path.write_text(path.read_text(encoding="utf-8") + "# une note à garder\n", encoding="utf-8")
    tree = open_persona(path)
    set_texts(tree, {"story": "Inès a déménagé."})
    save_persona(tree, folder)
    text = path.read_text(encoding="utf-8")
    assert "# une note à garder" in text and "Inès a déménagé." in text
    loaded = load_catalogue([tmp_path / "local"])
    assert loaded.personas["ines-morel"].story == "Inès a déménagé."
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_invalid_data_never_damages_the_file(tmp_path):
    folder = tmp_path / "personas"
    data = new_draft("M", 60, seed=2)
    path = save_persona(data, folder)
    original = path.read_text(encoding="utf-8")
    tree = open_persona(path)
    tree["nir_order"] = 5000  # out of range
    with pytest.raises(PersonaEditError, match="nir_order"):
        save_persona(tree, folder)
    tree["nir_order"] = 5
    tree["phone"] = "pas un numéro"
    with pytest.raises(PersonaEditError):
        save_persona(tree, folder)
    assert path.read_text(encoding="utf-8") == original
    assert [p.name for p in folder.iterdir()] == [path.name]
