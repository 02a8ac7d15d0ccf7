"""The editor's form names every text in plain French: no key of the file is shown as a label."""

import re
from typing import get_args

import pytest

from bacasable.authoring.form_labels import (
    ERROR_LABELS,
    FIELD_TEXT_LABELS,
    SCREEN_TEXT_LABELS,
    WALKTHROUGH_LABELS,
    error_label,
    exercise_name,
)
from bacasable.authoring.scenario_edit import ScenarioDocument, editable_texts
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.scenario.schema import ErrorKind, FieldSpec, Screen, Walkthrough

#: What a key of a file looks like in a label: a word_with_underscores, or « (format) ».
RAW_KEY = re.compile(r"\w+_\w+|\([a-z_]+\)")


def test_every_error_kind_the_schema_allows_has_a_french_label():
    kinds = set(get_args(ErrorKind))
    assert set(ERROR_LABELS) == kinds
    for kind in kinds:
        label = error_label(kind)
        assert label == ERROR_LABELS[kind]
        assert label.startswith(("Message si ", "Message s'il ")), label
        assert kind not in label and not RAW_KEY.search(label), label
    assert len(set(ERROR_LABELS.values())) == len(ERROR_LABELS)  # one meaning, one name


def test_the_text_labels_name_keys_the_schema_knows():
    assert set(WALKTHROUGH_LABELS) == set(Walkthrough.model_fields)
    assert set(FIELD_TEXT_LABELS) <= set(FieldSpec.model_fields)
    assert set(SCREEN_TEXT_LABELS) <= set(Screen.model_fields)
    labels = [*WALKTHROUGH_LABELS.values(), *FIELD_TEXT_LABELS.values(),
              *SCREEN_TEXT_LABELS.values()]
    assert not [label for label in labels if RAW_KEY.search(label)]


def test_not_a_choice_is_named_by_what_the_learner_did():
    assert error_label("not_a_choice") == "Message si la réponse n'est pas dans la liste"
    assert error_label("not_a_kind_the_schema_knows") == "Message d'erreur"  # never the key


def test_an_advised_exercise_is_named_by_its_title():
    assert exercise_name("ameli-compte", {"ameli-compte": "Créer son compte Ameli"}) == (
        "« Créer son compte Ameli »")
    assert exercise_name("ameli-compte", None) == "ameli-compte"


@pytest.mark.parametrize("path", sorted(BUILTIN_SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_label_of_a_shipped_scenario_shows_a_key(path):
    doc = ScenarioDocument.open(path)
    screens = doc.tree.get("screens") or []
    for index in range(len(screens)):
        for item in editable_texts(doc, index):
            kind = item["path"][-1] if "errors" in item["path"] else None
            assert kind is None or kind not in item["label"], item
            assert not RAW_KEY.search(item["label"]), item
