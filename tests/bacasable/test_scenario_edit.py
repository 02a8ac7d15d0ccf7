"""Editing a scenario's texts: the round trip keeps the file, a broken edit changes nothing."""

import shutil
from pathlib import Path

import pytest

from bacasable.config import BUILTIN_SCENARIOS
from bacasable.loader import load_catalogue
from bacasable.scenario_edit import ScenarioDocument, ScenarioFileError, editable_texts

SOURCE = BUILTIN_SCENARIOS / "caf-prime-activite.yaml"
HINT = ("screens", 0, "fields", 0, "hints", 0)
LABEL = ("screens", 0, "fields", 0, "label")


@pytest.fixture
def copy(tmp_path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copytree(BUILTIN_SCENARIOS / "personas", folder / "personas")
    target = folder / SOURCE.name
    shutil.copyfile(SOURCE, target)
    return target


@pytest.fixture(scope="module")
def known():
    return load_catalogue([BUILTIN_SCENARIOS])


def test_unchanged_round_trip_is_byte_exact(copy):
    doc = ScenarioDocument.open(copy)
    assert doc.dumps() == copy.read_text(encoding="utf-8")
    assert not doc.changed


def test_editing_a_hint_changes_that_line_only(copy, known):
    before = copy.read_text(encoding="utf-8").splitlines()
    doc = ScenarioDocument.open(copy)
    assert doc.get_text(HINT) == "Votre personnage reçoit-il déjà une aide de la CAF ?"
    doc.set_text(HINT, "Regardez la fiche du personnage, touche-t-il une aide ?")
    assert doc.changed
    doc.save(known)
    after = copy.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    diff = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert diff == [("          - Votre personnage reçoit-il déjà une aide de la CAF ?",
                     "          - Regardez la fiche du personnage, touche-t-il une aide ?")]
    assert after[0].startswith("# yaml-language-server")  # comments kept
    assert not list(copy.parent.glob(".*.tmp"))
    cat = load_catalogue([copy.parent])
    assert cat.scenarios["caf-prime-activite"].screens[0].fields[0].hints[0].startswith(
        "Regardez la fiche")


def test_a_folded_text_stays_folded(copy, known):
    doc = ScenarioDocument.open(copy)
    doc.set_text(("screens", 0, "intro"), "Une aide pour les personnes qui travaillent.")
    text = doc.dumps()
    assert "    intro: >-\n      Une aide pour les personnes qui travaillent.\n" in text


def test_an_empty_label_is_refused_and_the_file_is_unchanged(copy, known):
    before = copy.read_bytes()
    doc = ScenarioDocument.open(copy)
    doc.set_text(LABEL, "   ")
    errors = [f for f in doc.findings(known) if f.severity == "error"]
    assert errors and errors[0].path == str(copy)
    assert errors[0].line == 68  # the label's line in the file
    with pytest.raises(ScenarioFileError, match="Rien n'a été enregistré"):
        doc.save(known)
    assert copy.read_bytes() == before
    assert not list(copy.parent.glob(".*.tmp"))


def test_optional_texts_removed_added_and_hints_appended(copy, known):
    doc = ScenarioDocument.open(copy)
    doc.set_text(("screens", 0, "fields", 0, "help"), "")
    assert "help" not in doc.tree["screens"][0]["fields"][0]
    doc.set_text(("screens", 0, "walkthrough", "notes"), "Montrer le bandeau des cookies.")
    assert doc.tree["screens"][0]["walkthrough"]["notes"] == "Montrer le bandeau des cookies."
    hints = doc.tree["screens"][0]["fields"][0]["hints"]
    n = len(hints)
    doc.set_text(("screens", 0, "fields", 0, "hints", n), "Un indice de plus.")
    assert len(hints) == n + 1
    doc.set_text(("screens", 0, "fields", 0, "hints", n), "")
    assert len(hints) == n
    assert doc.scenario() is not None
    doc.save(known)
    assert load_catalogue([copy.parent]).errors == []


def test_unknown_path_is_refused(copy):
    doc = ScenarioDocument.open(copy)
    with pytest.raises(ScenarioFileError):
        doc.set_text(("screens", 99, "title"), "x")


def test_editable_texts_of_one_screen(copy):
    doc = ScenarioDocument.open(copy)
    items = editable_texts(doc, 0)
    paths = [tuple(i["path"]) for i in items]
    assert paths[0] == ("screens", 0, "title")
    assert LABEL in paths and HINT in paths
    assert ("screens", 0, "fields", 0, "errors", "required") in paths
    assert ("screens", 0, "fields", 0, "walkthrough", "notes") in paths
    assert ("screens", 0, "fields", 0, "options", 1, "label") in paths
    with_body = next(i for i, s in enumerate(doc.tree["screens"]) if s.get("body"))
    assert ("screens", with_body, "body", 0) in [tuple(i["path"])
                                                  for i in editable_texts(doc, with_body)]
    assert editable_texts(doc, 999) == []


def test_save_as_a_variant_keeps_the_original(copy, known):
    before = copy.read_bytes()
    doc = ScenarioDocument.open(copy)
    doc.set_text(HINT, "Un indice de la variante.")
    target = doc.save_variant("caf-essai", copy.parent, known)
    assert copy.read_bytes() == before
    cat = load_catalogue([copy.parent])
    assert cat.scenarios["caf-essai"].title.endswith("(variante)")
    assert cat.scenarios["caf-essai"].screens[0].fields[0].hints[0] == "Un indice de la variante."
    assert target.read_text(encoding="utf-8").count("# Pour les formateurs") == 1
    with pytest.raises(ScenarioFileError, match="existe déjà"):
        doc.save_variant("caf-prime-activite", copy.parent, known)
    with pytest.raises(ScenarioFileError, match="Identifiant"):
        doc.save_variant("Mauvais Id", copy.parent, known)


def test_a_file_changed_elsewhere_is_not_overwritten(copy, known):
    doc = ScenarioDocument.open(copy)
    doc.set_text(HINT, "Mon indice.")
    copy.write_text(copy.read_text(encoding="utf-8") + "# ajouté ailleurs\n", encoding="utf-8")
    changed = copy.read_bytes()
    with pytest.raises(ScenarioFileError, match="modifié ailleurs"):
        doc.save(known)
    assert copy.read_bytes() == changed
