"""A field's hints for one persona in the editor: edited, added, removed; the file kept."""

import difflib
import shutil
from pathlib import Path

import pytest

from bacasable.authoring.files import ScenarioFileError
from bacasable.authoring.form_labels import PERSONA_HINT_TEXTS
from bacasable.authoring.persona_hints_edit import (
    persona_hint_parts,
    remove_persona_hints,
    start_persona_hints,
)
from bacasable.authoring.scenario_edit import ScenarioDocument, editable_texts
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.scenario.loader import load_catalogue
from bacasable.scenario.persona_hints import hints_for

SOURCE = BUILTIN_SCENARIOS / "france-travail-inscription.yaml"
NAMES = {"karim": "Karim", "lucas": "Lucas"}
KARIM = ("screens", 0, "fields", 0, "hints_by_persona", "karim")
LUCAS = ("screens", 0, "fields", 0, "hints_by_persona", "lucas")


@pytest.fixture
def copy(tmp_path) -> Path:
    """The shipped file and the personas, copied: the repository's files never change."""
    shutil.copytree(BUILTIN_SCENARIOS / "personas", tmp_path / "personas")
    return Path(shutil.copyfile(SOURCE, tmp_path / SOURCE.name))


@pytest.fixture(scope="module")
def known():
    """The shipped catalogue: the personas the checks know."""
    return load_catalogue([BUILTIN_SCENARIOS])


def changed_lines(doc: ScenarioDocument) -> list[str]:
    diff = difflib.unified_diff(doc.original.splitlines(), doc.dumps().splitlines(), lineterm="")
    return [d for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---")]


def field(doc: ScenarioDocument):
    return doc.scenario().screens[0].fields[0]


def test_the_form_shows_each_personas_hints_under_the_common_ones(copy):
    doc = ScenarioDocument.open(copy)
    items = [i for i in editable_texts(doc, 0, first_names=NAMES) if i["group"] == "situation"]
    labels = [i["label"] for i in items]
    last_common = labels.index("Indice 4 (nouvel indice)")
    assert labels[last_common + 1:last_common + 5] == [
        "Indice 1 pour Karim", "Indice 2 pour Karim", "Indice 3 pour Karim",
        "Indice 4 pour Karim (nouvel indice)"]
    karim = [i for i in items if i.get("persona") == "karim"]
    assert karim[1]["value"] == "Karim ne touche pas le RSA. Il a plus de 26 ans."
    assert karim[1]["path"] == [*KARIM, 1] and karim[1]["group"] == "situation"
    assert karim[1]["remove"] == "Retirer l'indice 2 pour Karim" and karim[3]["remove"] == ""
    parts = [p for p in persona_hint_parts(doc, 0, NAMES) if p["group"] == "situation"]
    assert [(p["persona"], p["own"]) for p in parts] == [("karim", True), ("lucas", True)]
    assert parts[0]["title"] == "Indices pour Karim (si elle ou il a besoin d'autres indices)"
    assert parts[0]["remove"] == "Supprimer les indices de Karim" and parts[0]["add"] == ""
    # A field without hints of its own for anyone: a button to start from the common ones.
    nom = next(p for p in persona_hint_parts(doc, 2, NAMES)
               if p["group"] == "nom" and p["persona"] == "lucas")
    assert not nom["own"] and nom["add"] == "Écrire des indices pour Lucas"
    assert nom["note"] == PERSONA_HINT_TEXTS["common"].format(name="Lucas")


def test_editing_karims_own_hint_changes_that_line_only_and_saves(copy, known):
    doc = ScenarioDocument.open(copy)
    doc.set_text((*KARIM, 1), "Karim a 34 ans et ne touche pas le RSA.")
    assert changed_lines(doc) == [
        "-            - Karim ne touche pas le RSA. Il a plus de 26 ans.",
        "+            - Karim a 34 ans et ne touche pas le RSA."]
    doc.save(known)
    scenario = load_catalogue([copy.parent]).scenarios["france-travail-inscription"]
    spec = scenario.screens[0].fields[0]
    assert hints_for(spec, "karim")[1] == "Karim a 34 ans et ne touche pas le RSA."
    assert hints_for(spec, "lucas") == list(spec.hints_by_persona["lucas"])


def test_a_fourth_hint_is_added_and_no_fifth_box(copy):
    doc = ScenarioDocument.open(copy)
    doc.set_text((*KARIM, 3), "Demandez de l'aide à la personne qui anime l'atelier.")
    assert len(field(doc).hints_by_persona["karim"]) == 4
    paths = [i["path"] for i in editable_texts(doc, 0, first_names=NAMES)]
    assert [*KARIM, 3] in paths and [*KARIM, 4] not in paths


def test_emptying_every_hint_removes_the_persona_then_the_key(copy, known):
    doc = ScenarioDocument.open(copy)
    for _ in range(3):
        doc.set_text((*KARIM, 0), "")
    assert "karim" not in doc.tree["screens"][0]["fields"][0]["hints_by_persona"]
    assert hints_for(field(doc), "karim") == list(field(doc).hints)  # the common ones again
    remove_persona_hints(doc, 0, 0, "lucas")
    assert "hints_by_persona" not in doc.tree["screens"][0]["fields"][0]
    assert all(line.startswith("-") for line in changed_lines(doc))  # removed, nothing else
    assert not [f for f in doc.findings(known) if f.severity == "error"]


def test_starting_from_the_common_hints_writes_them_after_hints(copy, known):
    doc = ScenarioDocument.open(copy)
    nom = doc.tree["screens"][2]["fields"][1]
    assert nom["id"] == "nom" and "hints_by_persona" not in nom
    start_persona_hints(doc, 2, 1, "lucas")
    keys = list(nom)
    assert keys[keys.index("hints") + 1] == "hints_by_persona"
    assert list(nom["hints_by_persona"]["lucas"]) == list(nom["hints"])
    start_persona_hints(doc, 2, 1, "lucas")  # twice: nothing more
    assert list(nom["hints_by_persona"]) == ["lucas"]
    doc.set_text(("screens", 2, "fields", 1, "hints_by_persona", "lucas", 0),
                 "Lucas écrit son nom de famille, Martin.")
    doc.save(known)
    text = copy.read_text(encoding="utf-8")
    assert "        hints_by_persona:\n          lucas:\n            - Lucas écrit" in text
    # The comment before the next field stays before it, after the new key.
    comment = "      # Facultatif : le nom d'usage"
    assert text.index("- Lucas écrit") < text.index(comment) < text.index("- id: nom-usage")
    remove_persona_hints(doc, 2, 1, "lucas")
    assert doc.dumps() == SOURCE.read_text(encoding="utf-8")  # back as shipped, comment kept


def test_a_persona_without_common_hints_to_copy_starts_from_an_empty_box(copy):
    doc = ScenarioDocument.open(copy)
    nom = doc.tree["screens"][2]["fields"][1]
    del nom["hints"]
    with pytest.raises(ScenarioFileError, match="pas d'indice commun"):
        start_persona_hints(doc, 2, 1, "karim")
    boxes = [i for i in editable_texts(doc, 2, first_names=NAMES)
             if i["group"] == "nom" and i.get("persona") == "karim"]
    assert [b["label"] for b in boxes] == ["Indice 1 pour Karim (nouvel indice)"]
    doc.set_text(tuple(boxes[0]["path"]), "Karim écrit son nom de famille.")
    assert list(nom["hints_by_persona"]["karim"]) == ["Karim écrit son nom de famille."]


def test_an_unknown_persona_or_field_is_refused(copy):
    doc = ScenarioDocument.open(copy)
    with pytest.raises(ScenarioFileError, match="ne joue pas"):
        start_persona_hints(doc, 2, 1, "nadia")
    with pytest.raises(ScenarioFileError, match="Ce champ n'existe pas"):
        start_persona_hints(doc, 0, 99, "karim")
    # A persona's hint on a screen or a field that does not exist: a French refusal.
    for bad in (("screens", 99, "fields", 0), ("screens", 0, "fields", 99),
                ("screens", "x", "fields", 0)):
        with pytest.raises(ScenarioFileError, match="n'existe pas"):
            doc.set_text((*bad, "hints_by_persona", "karim", 0), "Un indice.")
    assert not doc.changed


def test_the_lint_still_warns_of_another_personas_name_in_an_edited_hint(copy, known):
    doc = ScenarioDocument.open(copy)
    doc.set_text((*KARIM, 1), "Comme Lucas, Karim ne touche pas le RSA.")
    found = [f for f in doc.findings(known) if "nomme Lucas" in f.message]
    assert found and all(f.severity == "warning" for f in found)
    assert any("karim" in f.message for f in found)
