"""Editing a scenario's texts: the round trip keeps the file, a broken edit changes nothing."""

import difflib
import shutil
from pathlib import Path

import pytest

from bacasable.authoring.scenario_edit import ScenarioDocument, ScenarioFileError, editable_texts
from bacasable.authoring.scenario_structure import (
    FIELD_KIND_NAMES,
    add_field,
    add_screen,
    field_list,
    move_field,
    move_screen,
    remove_field,
    remove_screen,
    slug,
)
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.scenario.loader import load_catalogue

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
    lines = before.decode("utf-8").splitlines()
    label_line = next(n for n, line in enumerate(lines, 1) if line.lstrip().startswith("label:"))
    assert errors[0].line == label_line  # the first field's label, in the file
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


# --- structure: fields and screens ---------------------------------------------------------------

def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def _ops(before: str, after: str) -> set[str]:
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    return {tag for tag, *_ in matcher.get_opcodes() if tag != "equal"}


@pytest.mark.parametrize("kind", sorted(FIELD_KIND_NAMES))
def test_every_kind_of_field_can_be_added_and_loads(copy, known, kind):
    before = copy.read_text(encoding="utf-8")
    doc = ScenarioDocument.open(copy)
    index = add_field(doc, 5, kind, "Nom d'usage")
    field = doc.tree["screens"][5]["fields"][index]
    assert index == 6 and field["id"] == "nom-d-usage" and field["label"] == "Nom d'usage"
    assert doc.scenario() is not None, kind
    errors = [f for f in doc.findings(known) if f.severity == "error"]
    if kind == "code":  # no code is sent on Sophie's way to this screen: the check says so
        assert errors and "bloqué" in errors[0].message
    else:
        assert not errors
    assert _ops(before, doc.dumps()) == {"insert"}  # the rest of the file is byte-identical
    assert _comments(doc.dumps()) == _comments(before)


def test_added_fields_get_sensible_defaults(copy):
    doc = ScenarioDocument.open(copy)
    radio = doc.tree["screens"][5]["fields"][add_field(doc, 5, "radio", "Situation")]
    assert [(o["value"], o["label"]) for o in radio["options"]] == [
        ("choix-1", "Choix 1"), ("choix-2", "Choix 2")]
    assert doc.tree["screens"][5]["fields"][add_field(doc, 5, "upload", "Pièce")]["document"] \
        == "id_card"
    assert doc.tree["screens"][5]["fields"][add_field(doc, 5, "code", "Code")]["code_from"] \
        == "sms-code"  # the first SMS or e-mail of the scenario
    assert doc.tree["screens"][4]["fields"][add_field(doc, 4, "code", "Code")]["code_from"] \
        == "email-code"  # the one sent on that screen
    again = doc.tree["screens"][5]["fields"][add_field(doc, 5, "text", "Nom")]
    assert again["id"] == "nom-2"  # « nom » is taken on this screen
    assert doc.scenario() is not None


def test_adding_a_field_is_refused_with_a_reason(copy):
    doc = ScenarioDocument.open(copy)
    before = doc.dumps()
    with pytest.raises(ScenarioFileError, match="libellé"):
        add_field(doc, 5, "text", "   ")
    with pytest.raises(ScenarioFileError, match="type de champ"):
        add_field(doc, 5, "dessin", "Un dessin")
    with pytest.raises(ScenarioFileError, match="écran n'existe pas"):
        add_field(doc, 99, "text", "Nom")
    for screen in doc.tree["screens"]:
        screen.pop("events", None)
    with pytest.raises(ScenarioFileError, match="SMS ou par e-mail"):
        add_field(doc, 5, "code", "Code reçu")
    doc = ScenarioDocument.open(copy)
    assert doc.dumps() == before


def test_a_field_added_to_a_screen_without_fields(copy, known):
    doc = ScenarioDocument.open(copy)
    assert add_field(doc, 13, "consent", "J'accepte") == 0
    assert doc.tree["screens"][13]["fields"][0]["statement"] == "J'accepte"
    assert doc.scenario() is not None


def test_remove_and_move_fields(copy, known):
    before = copy.read_text(encoding="utf-8")
    doc = ScenarioDocument.open(copy)
    assert move_field(doc, 5, 1, -1) == 0
    assert [f["id"] for f in doc.tree["screens"][5]["fields"]][:3] == ["nom", "civilite", "prenom"]
    assert sorted(doc.dumps().splitlines()) == sorted(before.splitlines())  # only moved lines
    assert sorted(_comments(doc.dumps())) == sorted(_comments(before))  # all kept
    with pytest.raises(ScenarioFileError, match="première position"):
        move_field(doc, 5, 0, -1)
    with pytest.raises(ScenarioFileError, match="dernière position"):
        move_field(doc, 5, 5, 1)
    with pytest.raises(ScenarioFileError, match="champ n'existe pas"):
        move_field(doc, 5, 17, 1)
    assert move_field(doc, 5, 0, 1) == 1
    assert doc.dumps() == before
    assert remove_field(doc, 5, 2) == "Prénom(s)"
    assert "prenom" not in [f["id"] for f in doc.tree["screens"][5]["fields"]]
    assert _ops(before, doc.dumps()) == {"delete"}
    assert _comments(doc.dumps()) == _comments(before)
    doc.save(known)
    assert "prenom" not in [f.id for f in load_catalogue([copy.parent])
                            .scenarios["caf-prime-activite"].screens[5].fields]


def test_removing_the_last_field_leaves_a_valid_screen(copy):
    doc = ScenarioDocument.open(copy)
    remove_field(doc, 11, 0)
    assert "fields" not in doc.tree["screens"][11]
    assert doc.scenario() is not None
    assert field_list(doc, 11) == []


def test_add_move_and_remove_screens(copy, known):
    before = copy.read_text(encoding="utf-8")
    doc = ScenarioDocument.open(copy)
    assert add_screen(doc, 5, "Votre situation : détails") == 6
    new = doc.tree["screens"][6]
    assert new["id"] == "votre-situation-details" and new["title"] == "Votre situation : détails"
    assert add_screen(doc, 6, "Votre situation : détails") == 7
    assert doc.tree["screens"][7]["id"] == "votre-situation-details-2"
    assert _ops(before, doc.dumps()) == {"insert"}
    assert doc.scenario() is not None
    assert move_screen(doc, 7, -1) == 6 and doc.tree["screens"][6]["id"] == "votre-situation-details-2"
    assert remove_screen(doc, 6) == "Votre situation : détails"
    assert remove_screen(doc, 6) == "Votre situation : détails"
    assert doc.dumps() == before
    assert move_screen(doc, 6, 1) == 7
    assert [s["id"] for s in doc.tree["screens"]][6:8] == ["foyer", "coordonnees"]
    assert sorted(doc.dumps().splitlines()) == sorted(before.splitlines())
    assert sorted(_comments(doc.dumps())) == sorted(_comments(before))
    with pytest.raises(ScenarioFileError, match="première position"):
        move_screen(doc, 0, -1)
    doc.save(known)
    assert load_catalogue([copy.parent]).errors == []


def test_removing_a_screen_is_refused_with_a_reason(copy):
    doc = ScenarioDocument.open(copy)
    before = doc.dumps()
    with pytest.raises(ScenarioFileError, match="« Créer mon compte CAF ».*« Demander la prime d.activité » y renvoie") as exc:
        remove_screen(doc, 3)  # creation-compte: the first screen's branch leads there
    assert "embranchement" in str(exc.value)
    with pytest.raises(ScenarioFileError, match="seul écran de fin"):
        remove_screen(doc, 15)
    with pytest.raises(ScenarioFileError, match="écran n'existe pas"):
        remove_screen(doc, 42)
    with pytest.raises(ScenarioFileError, match="titre"):
        add_screen(doc, 0, "")
    assert doc.dumps() == before
    while len(doc.tree["screens"]) > 1:
        del doc.tree["screens"][0]
    with pytest.raises(ScenarioFileError, match="seul écran"):
        remove_screen(doc, 0)


def test_a_broken_structure_is_not_saved(copy, known):
    before = copy.read_bytes()
    doc = ScenarioDocument.open(copy)
    remove_screen(doc, 7)
    doc.tree["screens"][0]["fields"][0]["options"].pop()  # a radio with one choice
    assert doc.scenario() is None
    with pytest.raises(ScenarioFileError, match="Rien n'a été enregistré"):
        doc.save(known)
    assert copy.read_bytes() == before


def test_field_list_names_the_kinds_in_french(copy):
    doc = ScenarioDocument.open(copy)
    fields = field_list(doc, 0)
    assert fields == [{"index": 0, "id": "statut", "label": fields[0]["label"], "kind": "radio",
                       "kind_label": "Choix unique (boutons radio)"}]
    assert field_list(doc, 99) == []
    assert slug("Élément n°1 : « Test »", "x") == "element-n1-test" and slug("!!", "x") == "x"
