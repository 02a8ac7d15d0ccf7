"""Real-looking personal data is flagged in every field kind that can hold it, with the field's
own error, and nothing of it is kept (the draft is dropped, no event holds it)."""

from __future__ import annotations

import datetime as dt

import pytest

from bacasable.personas.derived import nir
from bacasable.run.runner import Runner
from bacasable.run.view import screen_view
from bacasable.scenario.schema import Scenario

#: A valid NIR of a woman born in January 1977 (Alice was born in 1990).
REAL_NIR = "2 77 01 75 123 456 60"
REAL_IBAN = "FR76 3000 6000 0112 3456 7890 189"
REAL_PHONE = "06 12 34 56 78"
REAL_EMAIL = "marie.dupont@gmail.com"
REAL_NIF = "3023217600053"
#: (field kind, field, value typed, what the field itself says besides the warning)
CASES = [
    ("nir", {"expected": {"persona": "nir"}}, REAL_NIR, "inconsistent"),
    ("iban", {"expected": {"persona": "bank.iban"}}, REAL_IBAN, "personal_data"),
    ("phone", {"expected": {"persona": "phone"}}, REAL_PHONE, "personal_data"),
    ("email", {"expected": {"persona": "email"}}, REAL_EMAIL, "personal_data"),
    # The numéro fiscal of a tax notice is asked in a text field of 13 digits.
    ("text", {"expected": {"value": "0701987765493"},
              "rules": [{"rule": "exact_length", "value": 13}]}, REAL_NIF, "personal_data"),
    ("text", {"rules": [{"rule": "max_length", "value": 10}]}, f"Mon NIR : {REAL_NIR}",
     "too_long"),
]


def _scenario(kind: str, field: dict) -> Scenario:
    return Scenario.model_validate({
        "id": "donnees", "title": "Données", "service": "Service (simulation)",
        "summary": "Un champ.", "duration_minutes": 5, "level": "debutant",
        "personas": ["alice"],
        "screens": [
            {"id": "ecran", "title": "Un écran",
             "fields": [{"id": "champ", "kind": kind, "label": "Le champ", **field}]},
            {"id": "fin", "title": "Fin", "role": "receipt"},
        ],
    })


@pytest.mark.parametrize("kind, field, typed, error_kind", CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_real_data_shows_the_warning_with_the_fields_error(persona, kind, field, typed,
                                                           error_kind):
    if kind == "phone":
        persona = persona.model_copy(update={"phone": "0639981234"})  # the fiction range
    run = Runner(_scenario(kind, field), persona, seed=1, today=dt.date(2026, 11, 26))
    events = []
    run.subscribe(events.append)
    assert run.submit({"champ": typed}) is False
    result = run.results["champ"]
    assert result.error_kind == error_kind and result.message
    assert result.warning and result.warning.startswith("Attention : ")
    view = screen_view(run)
    assert view["warning"] == result.warning
    assert view["screen"]["fields"][0]["error"] == result.message
    # Nothing of it is kept: the draft is dropped, the events name kinds only.
    assert run.drafts["champ"] is None
    digits = "".join(ch for ch in typed if ch.isalnum())
    for event in events:
        text = str(event.as_dict())
        assert digits not in text.replace(" ", "") and typed not in text
    assert [e.type for e in events if e.field_id == "champ"][0] == "personal_data_warning"


def test_the_personas_own_numbers_and_fiction_addresses_are_no_real_data(persona):
    for kind, field, typed in [("nir", {"expected": {"persona": "nir"}}, nir(persona)),
                               ("email", {"expected": {"persona": "email"}},
                                "alice.durand@exemple.fr"),
                               ("email", {"expected": {"persona": "email"}},
                                "alice.durand@example.com"),
                               ("email", {"expected": {"persona": "email"}},
                                "alice.durant@exemple.fr")]:
        run = Runner(_scenario(kind, field), persona, seed=1, today=dt.date(2026, 11, 26))
        result = run.check("champ", typed)
        assert result is not None and result.warning is None, typed


def test_the_persona_s_own_numero_fiscal_in_another_field_is_no_real_data():
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.run.fields import FieldContext, check_field
    from bacasable.scenario.loader import load_catalogue

    cat = load_catalogue([BUILTIN_SCENARIOS])
    sophie = cat.personas["sophie"]
    own = sophie.situation["impots"]["numero_fiscal"]
    access = next(f for s in cat.scenarios["impots-espace-particulier"].screens
                  for f in s.fields if f.id == "numero-acces")
    result = check_field(access, own, FieldContext(persona=sophie))
    assert result.error_kind == "too_long" and result.warning is None
    assert check_field(access, REAL_NIF, FieldContext(persona=sophie)).warning
