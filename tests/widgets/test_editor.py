"""The trainer's editor without a browser: PIN gate first, then edits redraw the preview."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import get_args

import pytest
from ipywidgets.widgets.widget import _instances
from widget_support import send

from bacasable.common.config import BacasableConfig
from bacasable.scenario.base import FieldKind
from bacasable.scenario.loader import load_catalogue
from bacasable.store import Store
from bacasable.workshop import pin
from widgets.common.screen import ScreenView
from widgets.trainer.editor import Editor, EditorPanel

PIN = "4827"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SCENARIO = "caf-prime-activite"
HINT = ["screens", 0, "fields", 0, "hints", 0]


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the built-in scenarios: the tests never touch the repository's files."""
    own = tmp_path / "scenarios"
    own.mkdir()
    shutil.copytree(SCENARIOS / "personas", own / "personas")
    shutil.copyfile(SCENARIOS / f"{SCENARIO}.yaml", own / f"{SCENARIO}.yaml")
    return own


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'bacasable.sqlite'}") as s:
        yield s


@pytest.fixture
def make(store, folder, tmp_path):
    made = []

    def _make() -> Editor:
        config = BacasableConfig(data_dir=str(tmp_path / "data"), scenario_dirs=[str(folder)])
        e = Editor(store, load_catalogue([folder]), config=config, environ={})
        made.append(e)
        return e

    yield _make
    for e in made:
        e.close()


def synced(widget) -> str:
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    return json.dumps(state, ensure_ascii=False, default=str)


def opened(make, store) -> Editor:
    pin.set_pin(store, PIN)
    e = make()
    send(e.gate, {"action": "check", "pin": PIN})
    assert e.unlocked
    send(e.panel, {"action": "open", "scenario": SCENARIO})
    assert e.doc is not None and not e.panel.error
    return e


def test_nothing_but_the_gate_before_the_right_pin(store, make):
    pin.set_pin(store, PIN)
    before = set(_instances)
    e = make()
    assert e.children == (e.gate,) and e.panel is None and e.preview is None
    assert e.gate.title == "Adapter un scénario"
    send(e.gate, {"action": "check", "pin": "9999"})
    assert not e.unlocked and e.gate.error
    leaked = [x for k, x in _instances.items() if k not in before and "prime" in synced(x)]
    assert leaked == []
    send(e.gate, {"action": "check", "pin": PIN})
    assert e.unlocked and e.children == (e.panel,) and isinstance(e.panel, EditorPanel)
    assert [c["id"] for c in e.panel.choices] == [SCENARIO]


def test_editing_a_hint_updates_the_form_and_the_preview(store, make):
    e = opened(make, store)
    # The panel draws the preview itself (beside its form, or inside it on a phone).
    assert e.children == (e.panel,) and isinstance(e.preview, ScreenView)
    assert e.panel.preview is e.preview and e.preview.view["ui"]["preview"] is True
    assert e.preview.view["screen"]["id"] == "accueil"
    seq = e.preview.view["ui"]["seq"]
    send(e.panel, {"action": "set", "path": ["screens", 0, "fields", 0, "label"],
                   "value": "Avez-vous un compte à la CAF ?"})
    assert e.panel.changed
    assert "Avez-vous un compte à la CAF ?" in synced(e.preview)
    assert e.preview.view["ui"]["seq"] > seq
    send(e.panel, {"action": "set", "path": HINT, "value": "Relisez la fiche du personnage."})
    item = next(i for i in e.panel.items if i["path"] == HINT)
    assert item["value"] == "Relisez la fiche du personnage."
    statut = next(f for f in e.preview.view["screen"]["fields"] if f["id"] == "statut")
    assert statut["hint"] == "Relisez la fiche du personnage."  # the preview shows it


def test_focusing_a_hint_shows_that_hint_in_the_preview(store, make):
    e = opened(make, store)
    second = [*HINT[:-1], 1]
    send(e.panel, {"action": "focus", "path": second})
    statut = next(f for f in e.preview.view["screen"]["fields"] if f["id"] == "statut")
    assert statut["hint"] and e.preview.view["hint"]["level"] == 2  # the second hint, shown
    send(e.panel, {"action": "focus", "path": HINT})  # back to the first: a fresh run
    assert e.preview.view["hint"]["level"] == 1
    send(e.panel, {"action": "focus", "path": ["screens", 0, "no", "such", "text", 0]})
    assert not e.panel.error and e.preview.view["hint"]["level"] == 1
    labels = [i["label"] for i in e.panel.items]
    assert "Message si la personne ne répond pas" in labels
    assert not [label for label in labels if "(required)" in label or "_" in label]


def test_focusing_an_error_message_shows_it_under_its_field(store, make):
    e = opened(make, store)
    mismatch = ["screens", 0, "fields", 0, "errors", "mismatch"]
    send(e.panel, {"action": "focus", "path": mismatch})
    statut = next(f for f in e.preview.view["screen"]["fields"] if f["id"] == "statut")
    assert statut["error"] == e.doc.get_text(tuple(mismatch))
    assert statut["error_kind"] == "mismatch"
    send(e.panel, {"action": "set", "path": mismatch, "value": "Relisez la fiche."})
    statut = next(f for f in e.preview.view["screen"]["fields"] if f["id"] == "statut")
    assert statut["error"] == "Relisez la fiche."  # the message just written, shown


def test_a_common_hint_is_shown_by_a_persona_without_hints_of_its_own(store, make):
    e = opened(make, store)
    first = e.doc.scenario().personas[0]
    e.doc.tree["screens"][0]["fields"][0]["hints_by_persona"] = {first: ["Son propre indice."]}
    send(e.panel, {"action": "focus", "path": HINT})
    assert e._run is not None and e._run.persona.id != first
    statut = next(f for f in e.preview.view["screen"]["fields"] if f["id"] == "statut")
    assert statut["hint"] == e.doc.get_text(tuple(HINT))  # the text edited, not its own


def test_the_preview_help_button_shows_the_hints(store, make):
    e = opened(make, store)
    send(e.preview, {"action": "hint", "field": "statut"})
    statut = next(f for f in e.preview.view["screen"]["fields"] if f["id"] == "statut")
    assert statut["hint"] == e.doc.get_text(HINT)


def test_choosing_a_screen_shows_its_texts_and_preview(store, make):
    e = opened(make, store)
    send(e.panel, {"action": "screen", "index": 1})
    second = e.doc.tree["screens"][1]
    assert e.panel.screen == 1
    assert e.panel.items[0]["value"] == second["title"]
    assert e.preview.view["screen"]["id"] == second["id"]


def test_save_writes_the_file_and_a_broken_edit_is_refused(store, make, folder):
    e = opened(make, store)
    path = folder / f"{SCENARIO}.yaml"
    send(e.panel, {"action": "set", "path": HINT, "value": "Relisez la fiche du personnage."})
    send(e.panel, {"action": "save"})
    assert not e.panel.error and "enregistrées" in e.panel.status
    saved = path.read_bytes()
    assert b"Relisez la fiche du personnage." in saved
    send(e.panel, {"action": "set", "path": ["screens", 0, "fields", 0, "label"], "value": ""})
    assert e.panel.error  # the preview cannot be drawn
    send(e.panel, {"action": "save"})
    assert "Rien n'a été enregistré" in e.panel.error
    assert any(f["severity"] == "error" and f["line"] > 1 for f in e.panel.findings)
    assert path.read_bytes() == saved


def test_validate_lists_findings_and_variant_is_saved(store, make, folder):
    e = opened(make, store)
    send(e.panel, {"action": "validate"})
    assert not e.panel.error
    send(e.panel, {"action": "variant", "id": "caf-essai"})
    assert not e.panel.error, e.panel.error
    assert (folder / "caf-essai.yaml").exists()
    assert "caf-essai" in [c["id"] for c in e.panel.choices]


def test_only_the_texts_of_the_form_can_be_set(store, make):
    e = opened(make, store)
    send(e.panel, {"action": "set", "path": ["id"], "value": "autre"})
    assert e.panel.error and e.doc.tree["id"] == SCENARIO and not e.panel.changed


# --- structure -------------------------------------------------------------------------------

def field_ids(e, screen: int = 0) -> list[str]:
    return [str(f["id"]) for f in e.doc.tree["screens"][screen].get("fields") or []]


def test_the_panel_lists_fields_and_kinds_in_french(store, make):
    e = opened(make, store)
    assert [f["id"] for f in e.panel.fields] == ["statut"]
    assert {"value": "radio", "label": "Choix unique (boutons radio)"} in e.panel.kinds
    assert len(e.panel.kinds) == len(get_args(FieldKind)) and e.panel.confirm == {}


def test_adding_a_field_updates_the_document_the_form_and_the_preview(store, make):
    e = opened(make, store)
    seq = e.preview.view["ui"]["seq"]
    send(e.panel, {"action": "add_field", "kind": "select", "label": "Votre département"})
    assert not e.panel.error, e.panel.error
    assert field_ids(e) == ["statut", "votre-departement"]
    assert [f["id"] for f in e.panel.fields] == ["statut", "votre-departement"]
    assert "Champ « Votre département » ajouté." in e.panel.status
    assert e.panel.changed and e.preview.view["ui"]["seq"] > seq
    shown = [f["id"] for f in e.preview.view["screen"]["fields"]]
    assert shown == ["statut", "votre-departement"]
    assert ["screens", 0, "fields", 1, "options", 0, "label"] in [i["path"] for i in e.panel.items]
    send(e.panel, {"action": "add_field", "kind": "text", "label": "  "})
    assert "libellé" in e.panel.error and len(field_ids(e)) == 2


def test_moving_a_field_redraws_the_preview(store, make):
    e = opened(make, store)
    send(e.panel, {"action": "add_field", "kind": "text", "label": "Nom"})
    send(e.panel, {"action": "move_field", "index": 1, "delta": -1})
    assert not e.panel.error, e.panel.error
    assert field_ids(e) == ["nom", "statut"]
    assert [f["id"] for f in e.preview.view["screen"]["fields"]] == ["nom", "statut"]
    send(e.panel, {"action": "move_field", "index": 0, "delta": -1})
    assert "première position" in e.panel.error and field_ids(e) == ["nom", "statut"]


def test_removing_a_field_asks_first(store, make, folder):
    e = opened(make, store)
    path = folder / f"{SCENARIO}.yaml"
    before = path.read_bytes()
    send(e.panel, {"action": "add_field", "kind": "yesno", "label": "Êtes-vous salarié ?"})
    send(e.panel, {"action": "remove_field", "index": 1})
    assert e.panel.confirm == {"question": "Supprimer le champ « Êtes-vous salarié ? » de cet écran ?"}
    assert len(field_ids(e)) == 2  # nothing removed yet
    send(e.panel, {"action": "cancel"})
    assert e.panel.confirm == {} and len(field_ids(e)) == 2
    send(e.panel, {"action": "confirm"})
    assert e.panel.error == "Aucune suppression en attente." and len(field_ids(e)) == 2
    send(e.panel, {"action": "remove_field", "index": 1})
    send(e.panel, {"action": "confirm"})
    assert field_ids(e) == ["statut"] and e.panel.confirm == {}
    assert [f["id"] for f in e.preview.view["screen"]["fields"]] == ["statut"]
    assert path.read_bytes() == before  # nothing written before « Enregistrer »
    send(e.panel, {"action": "remove_field", "index": 0})
    send(e.panel, {"action": "screen", "index": 1})
    assert e.panel.confirm == {}  # changing screen forgets the question
    send(e.panel, {"action": "confirm"})
    assert e.panel.error and field_ids(e) == ["statut"]


def test_a_text_left_while_a_removal_is_asked_keeps_the_question(store, make):
    # Clicking « Oui, supprimer » right after typing sends the text first (its change event).
    e = opened(make, store)
    send(e.panel, {"action": "add_field", "kind": "text", "label": "Nom"})
    send(e.panel, {"action": "remove_field", "index": 1})
    send(e.panel, {"action": "set", "path": HINT, "value": "Un autre indice."})
    assert e.panel.confirm and not e.panel.error
    send(e.panel, {"action": "confirm"})
    assert not e.panel.error, e.panel.error
    assert field_ids(e) == ["statut"]
    assert e.doc.get_text(tuple(HINT)) == "Un autre indice."


def test_screens_added_moved_and_removed(store, make, folder):
    e = opened(make, store)
    send(e.panel, {"action": "add_screen", "title": "Avant de commencer"})
    assert not e.panel.error, e.panel.error
    assert e.panel.screen == 1 and e.panel.screens[1]["id"] == "avant-de-commencer"
    assert e.preview.view["screen"]["id"] == "avant-de-commencer"
    send(e.panel, {"action": "move_screen", "delta": -1})
    assert e.panel.screen == 0 and e.panel.screens[0]["id"] == "avant-de-commencer"
    assert e.preview.view["screen"]["id"] == "avant-de-commencer"
    send(e.panel, {"action": "remove_screen"})
    assert "Supprimer l'écran « Avant de commencer »" in e.panel.confirm["question"]
    send(e.panel, {"action": "confirm"})
    assert e.panel.screens[0]["id"] == "accueil" and e.panel.screen == 0
    send(e.panel, {"action": "save"})
    assert not e.panel.error, e.panel.error
    assert b"avant-de-commencer" not in (folder / f"{SCENARIO}.yaml").read_bytes()


def test_removing_a_screen_is_refused_when_a_branch_leads_there(store, make):
    e = opened(make, store)
    target = next(s["index"] for s in e.panel.screens if s["id"] == "creation-compte")
    send(e.panel, {"action": "screen", "index": target})
    send(e.panel, {"action": "remove_screen"})
    send(e.panel, {"action": "confirm"})
    assert "embranchement" in e.panel.error
    assert "creation-compte" in [s["id"] for s in e.panel.screens]
    last = len(e.panel.screens) - 1
    send(e.panel, {"action": "screen", "index": last})
    send(e.panel, {"action": "remove_screen"})
    send(e.panel, {"action": "confirm"})
    assert "seul écran de fin" in e.panel.error and len(e.panel.screens) == last + 1


def test_a_structure_change_that_breaks_the_scenario_is_not_saved(store, make, folder):
    e = opened(make, store)
    path = folder / f"{SCENARIO}.yaml"
    before = path.read_bytes()
    send(e.panel, {"action": "screen", "index": 5})  # identite
    send(e.panel, {"action": "add_field", "kind": "code", "label": "Code reçu"})
    assert any(f["severity"] == "error" for f in e.panel.findings)  # shown at once
    assert "erreur" in e.panel.error
    send(e.panel, {"action": "save"})
    assert "Rien n'a été enregistré" in e.panel.error and path.read_bytes() == before


def test_a_text_with_control_characters_is_refused_and_nothing_written(store, make, folder):
    e = opened(make, store)
    path = folder / f"{SCENARIO}.yaml"
    before = path.read_bytes()
    send(e.panel, {"action": "set", "path": HINT, "value": "Relisez\x00 la fiche\x07\x1b[31m."})
    send(e.panel, {"action": "validate"})
    assert any("caractère invisible interdit" in f["message"] for f in e.panel.findings)
    send(e.panel, {"action": "save"})
    assert "Rien n'a été enregistré" in e.panel.error and path.read_bytes() == before
    send(e.panel, {"action": "variant", "id": "variante-controle"})
    assert not (folder / "variante-controle.yaml").exists()


def test_a_shipped_exercise_is_saved_in_the_trainers_folder_never_in_scenarios(store, tmp_path):
    from widgets.learner.catalogue import scenario_origin

    shipped = SCENARIOS / f"{SCENARIO}.yaml"
    before = shipped.read_bytes()
    config = BacasableConfig(data_dir=str(tmp_path / "data"), scenario_dirs=[])
    e = Editor(store, load_catalogue(config.all_scenario_dirs()), config=config, environ={})
    try:
        pin.set_pin(store, PIN)
        send(e.gate, {"action": "check", "pin": PIN})
        send(e.panel, {"action": "open", "scenario": SCENARIO})
        send(e.panel, {"action": "set", "path": HINT, "value": "Relisez la fiche du personnage."})
        send(e.panel, {"action": "save"})
        local = tmp_path / "data" / "exercices" / f"{SCENARIO}.yaml"
        assert not e.panel.error and "votre dossier" in e.panel.status
        assert b"Relisez la fiche du personnage." in local.read_bytes()
        assert shipped.read_bytes() == before
        # The local copy now stands for the exercise, and the next save goes to it.
        cat = load_catalogue(config.all_scenario_dirs())
        assert scenario_origin(cat, SCENARIO)["overrides"] == "remplace l'exercice fourni"
        send(e.panel, {"action": "set", "path": HINT, "value": "Regardez sa fiche."})
        send(e.panel, {"action": "save"})
        assert b"Regardez sa fiche." in local.read_bytes() and shipped.read_bytes() == before
        assert not e.panel.changed
    finally:
        e.close()
