"""Tests of bacasable.personas.derived: NIR, RIB/IBAN, values by path, documents, drafting."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from faker.providers.person.fr_FR import Provider as FrenchNames
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from bacasable.personas import derived as P
from bacasable.scenario.loader import load_catalogue, load_model
from bacasable.scenario.schema import Bank, Document, Persona

ROOT = Path(__file__).resolve().parents[2]

REAL_PROVIDERS = {
    "gmail", "googlemail", "orange", "wanadoo", "hotmail", "live", "msn", "outlook", "yahoo",
    "ymail", "free", "sfr", "neuf", "laposte", "icloud", "me", "mac", "aol", "bbox",
    "numericable", "proton", "protonmail", "gmx", "caramail", "club-internet", "aliceadsl",
}
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")

BASE: dict[str, Any] = {
    "id": "amina-benali",
    "first_name": "Amina",
    "last_name": "Benali",
    "sex": "F",
    "birth": {"date": "1985-05-12", "place": "Lyon 3e Arrondissement", "insee_code": "69383"},
    "nir_order": 6,
    "address": {"street": "12 rue des Lilas", "postcode": "69003", "city": "Lyon"},
    "phone": "0612345678",
    "email": "amina.benali@exemple.fr",
    "bank": {
        "bank_name": "Banque des Tilleuls (fictive)",
        "bank_code": "20041",
        "branch_code": "01005",
        "account_number": "0500013M026",
        "bic": "FICTFRPPXXX",
    },
    "story": "Elle cherche un emploi de secrétaire médicale.",
    "situation": {
        "job": {"title": "Secrétaire médicale", "net_salary": 1650.5},
        "household": {"children": [{"first_name": "Yanis"}, {"first_name": "Lina"}]},
        "married": False,
    },
    "documents": [
        {
            "id": "bulletin-mars",
            "kind": "payslip",
            "title": "Bulletin de salaire de {first_name} {last_name}",
            "lines": {"Salarié": "{full_name}", "Net à payer": "{situation.job.net_salary} €"},
        }
    ],
}


def make(**changes: Any) -> Persona:
    """Build a persona from BASE, with top-level keys or nested dicts updated."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return Persona.model_validate(data)


# The RIB table written out in full, independent of the module's implementation.
RIB_TABLE = {
    **dict.fromkeys("AJ", "1"), **dict.fromkeys("BKS", "2"), **dict.fromkeys("CLT", "3"),
    **dict.fromkeys("DMU", "4"), **dict.fromkeys("ENV", "5"), **dict.fromkeys("FOW", "6"),
    **dict.fromkeys("GPX", "7"), **dict.fromkeys("HQY", "8"), **dict.fromkeys("IRZ", "9"),
}


def rib_key_by_hand(bank: Bank) -> str:
    account = int("".join(RIB_TABLE.get(c, c) for c in bank.account_number))
    key = 97 - ((89 * int(bank.bank_code) + 15 * int(bank.branch_code) + 3 * account) % 97)
    return f"{key:02d}"


def assert_consistent(persona: Persona) -> None:
    """Every check a persona, built-in or drafted, must pass."""
    who = persona.id
    number = P.nir(persona)
    assert stdnum_nir.validate(number) == number, who
    assert number[0] == ("1" if persona.sex == "M" else "2"), who
    assert number[1:3] == f"{persona.birth.date.year % 100:02d}", who
    assert number[3:5] == f"{persona.birth.date.month:02d}", who
    assert number[5:7] == persona.birth.insee_code[:2], who
    assert number[5:10] == persona.birth.insee_code, who
    assert number[10:13] == f"{persona.nir_order:03d}", who

    account = P.iban(persona)
    assert stdnum_iban.validate(account) == account, who
    assert P.rib_key(persona.bank) == rib_key_by_hand(persona.bank), who
    assert account[-2:] == rib_key_by_hand(persona.bank), who

    # A real-looking mobile, or one of ARCEP's fiction range (valid in the sandbox, though
    # phonenumbers calls it unallocated).
    if not persona.phone.startswith(P.FICTION_MOBILE_PREFIX):
        phone = phonenumbers.parse(persona.phone, "FR")
        assert phonenumbers.is_valid_number(phone), (who, persona.phone)
        assert phonenumbers.number_type(phone) == phonenumbers.PhoneNumberType.MOBILE, who

    if persona.email is not None:
        assert EMAIL_RE.match(persona.email), (who, persona.email)
        labels = persona.email.rsplit("@", 1)[1].lower().split(".")
        assert not set(labels[:-1]) & REAL_PROVIDERS, (who, persona.email)

    docs = P.documents(persona)
    assert {"id_card", "rib"} <= {d.kind for d in docs}, who
    assert len({d.id for d in docs}) == len(docs), who
    for doc in docs:
        view = P.document_view(persona, doc)
        assert view["missing"] == [], (who, doc.id, view["missing"])
        assert view["specimen"] is True


# --- NIR ------------------------------------------------------------------------------------


def test_nir_of_the_base_persona() -> None:
    number = P.nir(make())
    assert number[:13] == "2850569383006"
    assert number[13:] == f"{97 - int(number[:13]) % 97:02d}"
    assert stdnum_nir.is_valid(number)
    assert P.resolve(make(), "nir_formatted") == stdnum_nir.format(number)
    assert P.nir(make(sex="M", first_name="Karim"))[0] == "1"


@pytest.mark.parametrize(("insee", "substitute"), [("2A004", "19"), ("2B033", "18")])
def test_corsica_nir(insee: str, substitute: str) -> None:
    persona = make(birth={"place": "Ajaccio", "insee_code": insee})
    number = P.nir(persona)
    assert number[5:10] == insee
    assert stdnum_nir.validate(number) == number
    as_digits = number[:5] + substitute + number[7:13]
    assert number[13:] == f"{97 - int(as_digits) % 97:02d}"
    assert P.resolve(persona, "birth.department") == insee[:2]
    assert_consistent(persona)


def test_born_abroad_nir() -> None:
    persona = make(birth={"place": "Casablanca", "insee_code": "99350", "country": "Maroc"})
    number = P.nir(persona)
    assert number[5:10] == "99350"
    assert stdnum_nir.is_valid(number)
    assert P.resolve(persona, "birth.department") is None
    card = next(d for d in P.documents(persona) if d.kind == "id_card")
    assert P.document_view(persona, card)["lines"]["Lieu de naissance"] == "Casablanca (Maroc)"
    assert_consistent(persona)


def test_overseas_department() -> None:
    persona = make(birth={"place": "Saint-Denis", "insee_code": "97411"})
    assert P.resolve(persona, "birth.department") == "974"
    assert_consistent(persona)


# --- RIB and IBAN ---------------------------------------------------------------------------


def test_rib_key_known_example() -> None:
    # 20041 01005 0500013M026: M is 4 in the RIB table, so the account counts as 05000134026.
    by_hand = 97 - ((89 * 20041 + 15 * 1005 + 3 * 5000134026) % 97)
    assert by_hand == 6
    bank = make().bank
    assert P.rib_key(bank) == "06"
    # The well-known example French IBAN built on that RIB.
    assert P.iban(make()) == "FR1420041010050500013M02606"


def test_rib_key_digits_only_gives_fr76() -> None:
    # With a correct key, a digits-only French IBAN always has check digits 76.
    persona = make(
        bank={"bank_code": "30004", "branch_code": "00823", "account_number": "00012345678"}
    )
    account = P.iban(persona)
    assert account.startswith("FR76")
    assert stdnum_iban.is_valid(account)
    assert account[-2:] == rib_key_by_hand(persona.bank)


@given(
    bank=st.from_regex(r"\A[0-9]{5}\Z"),
    branch=st.from_regex(r"\A[0-9]{5}\Z"),
    account=st.from_regex(r"\A[0-9A-Z]{11}\Z"),
)
@settings(max_examples=60, deadline=None)
def test_rib_key_matches_formula(bank: str, branch: str, account: str) -> None:
    b = Bank(bank_name="B", bank_code=bank, branch_code=branch, account_number=account,
             bic="FICTFRPPXXX")
    assert P.rib_key(b) == rib_key_by_hand(b)
    persona = make(bank=b.model_dump())
    assert stdnum_iban.is_valid(P.iban(persona))


# --- values and paths -----------------------------------------------------------------------


def test_persona_values() -> None:
    values = P.persona_values(make())
    assert values["full_name"] == "Amina Benali"
    assert values["birth_name"] == "Benali"
    assert values["civility"] == "Madame"
    assert values["birth"]["date"] == dt.date(1985, 5, 12)
    assert values["birth"]["department"] == "69"
    assert values["phone_formatted"] == "06 12 34 56 78"
    assert values["address"]["full"] == "12 rue des Lilas, 69003 Lyon"
    assert values["bank"]["iban_formatted"] == "FR14 2004 1010 0505 0001 3M02 606"
    assert values["bank"]["rib_key"] == "06"
    assert values["situation"] == BASE["situation"]
    assert [d["kind"] for d in values["documents"]] == ["payslip", "id_card", "rib"]
    today = dt.date.today()
    born = dt.date(1985, 5, 12)
    assert values["age"] == today.year - 1985 - ((today.month, today.day) < (born.month, born.day))
    assert P.resolve(make(sex="M", first_name="Karim"), "civility") == "Monsieur"
    assert P.resolve(make(birth_name="Haddad"), "birth_name") == "Haddad"


def test_persona_values_is_a_copy() -> None:
    persona = make()
    values = P.persona_values(persona)
    values["first_name"] = "Changé"
    values["situation"]["job"]["title"] = "Changé"
    P.resolve(persona, "situation.job")["title"] = "Changé"
    assert P.resolve(persona, "first_name") == "Amina"
    assert P.resolve(persona, "situation.job.title") == "Secrétaire médicale"


def test_cache_tells_apart_personas_with_the_same_id() -> None:
    first, second = make(), make(first_name="Nadia", nir_order=7)
    assert P.resolve(first, "first_name") == "Amina"
    assert P.resolve(second, "first_name") == "Nadia"
    assert P.resolve(first, "nir") != P.resolve(second, "nir")


def test_resolve_nested_and_missing() -> None:
    persona = make(email=None)
    assert P.resolve(persona, "birth.date") == dt.date(1985, 5, 12)
    assert P.resolve(persona, "bank.iban") == "FR1420041010050500013M02606"
    assert P.resolve(persona, "situation.household.children.1.first_name") == "Lina"
    assert P.resolve(persona, "documents.0.kind") == "payslip"
    assert P.resolve(persona, "email") is None
    assert P.has_path(persona, "email")
    assert P.has_path(persona, "situation.married")
    for missing in ("nope", "birth.nope", "situation.household.children.5", "first_name.x",
                    "situation.household.children.-1", "", "birth..date"):
        with pytest.raises(KeyError) as info:
            P.resolve(persona, missing)
        assert info.value.args == (missing,)
        assert not P.has_path(persona, missing)


# --- documents ------------------------------------------------------------------------------


def test_default_documents_and_views() -> None:
    persona = make()
    docs = P.documents(persona)
    assert [d.kind for d in docs] == ["payslip", "id_card", "rib"]
    payslip = P.document_view(persona, docs[0])
    assert payslip["title"] == "Bulletin de salaire de Amina Benali"
    assert payslip["kind_label"] == "Bulletin de salaire"
    net = payslip["lines"]["Net à payer"].replace("\u202f", " ").replace("\xa0", " ")
    assert net == "1 650,5 €"
    card = P.document_view(persona, docs[1])
    assert card["lines"]["Date de naissance"] == "12/05/1985"
    assert card["lines"]["Sexe"] == "F"
    assert re.fullmatch(r"[A-Z0-9]{9}", card["lines"]["N° du document"])
    assert card["lines"]["N° du document"] == P.document_view(make(), docs[1])["lines"][
        "N° du document"
    ]
    rib = P.document_view(persona, docs[2])
    assert rib["lines"]["IBAN"] == "FR14 2004 1010 0505 0001 3M02 606"
    assert rib["lines"]["Titulaire"] == "Madame Amina Benali"
    assert rib["lines"]["Clé RIB"] == "06"
    assert rib["specimen"] is True and rib["missing"] == []
    assert_consistent(persona)


def test_birth_name_on_id_card() -> None:
    persona = make(birth_name="Haddad")
    card = next(d for d in P.documents(persona) if d.kind == "id_card")
    lines = P.document_view(persona, card)["lines"]
    assert lines["Nom"] == "Haddad" and lines["Nom d'usage"] == "Benali"


def test_yaml_documents_replace_defaults_and_ids_stay_unique() -> None:
    own = [
        {"id": "rib", "kind": "payslip", "title": "Bulletin", "lines": {}},
        {"id": "mon-rib", "kind": "rib", "title": "RIB", "lines": {"IBAN": "{bank.iban}"}},
    ]
    persona = make(documents=own)
    docs = P.documents(persona)
    assert [d.kind for d in docs] == ["payslip", "rib", "id_card"]
    assert P.default_documents(persona)[0].kind == "id_card"
    assert len({d.id for d in docs}) == 3


def test_unknown_placeholders_show_a_question_mark() -> None:
    persona = make(email=None)
    doc = Document(id="x", kind="certificate", title="Attestation {nope}", lines={
        "Adresse": "{address}", "Courriel": "{email}", "Enfants": "{situation.married}",
        "Inconnu": "{situation.job.nope} fin", "Accolades": "{pas un chemin}",
    })
    view = P.document_view(persona, doc)
    assert view["title"] == "Attestation ?"
    assert view["lines"] == {
        "Adresse": "?", "Courriel": "—", "Enfants": "non", "Inconnu": "? fin",
        "Accolades": "{pas un chemin}",
    }
    assert view["missing"] == ["nope", "address", "situation.job.nope"]


# --- drafting -------------------------------------------------------------------------------


def test_draft_is_deterministic_and_valid() -> None:
    today = dt.date(2025, 3, 15)
    first = P.draft_persona(42, "F", 35, today=today)
    assert first == P.draft_persona(42, "F", 35, today=today)
    assert first != P.draft_persona(43, "F", 35, today=today)
    persona = Persona.model_validate(first)
    assert persona.seed == 42
    assert first["first_name"] in FrenchNames.first_names_female
    assert P._age(persona.birth.date, today) == 35
    assert re.fullmatch(r"063998[0-9]{4}", first["phone"])
    assert first["email"].endswith("@exemple.fr")
    assert first["bank"]["bank_name"].endswith("(fictive)")
    assert first["bank"]["bic"] == "FICTFRPPXXX"
    assert (first["birth"]["place"], first["birth"]["insee_code"]) in {
        (c[0], c[1]) for c in P.COMMUNES
    }
    assert (first["address"]["postcode"], first["address"]["city"]) in {
        (c[2], c[3]) for c in P.COMMUNES
    }
    assert_consistent(persona)
    male = P.draft_persona(42, "M", 60, today=today)
    assert male["first_name"] in FrenchNames.first_names_male
    assert P.nir(Persona.model_validate(male))[0] == "1"


def test_draft_default_today() -> None:
    persona = Persona.model_validate(P.draft_persona(7))
    assert P.resolve(persona, "age") == 35
    assert persona.sex == "F"


@given(
    seed=st.integers(min_value=0, max_value=2**32),
    sex=st.sampled_from(["F", "M"]),
    age=st.integers(min_value=0, max_value=110),
    today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
)
@settings(max_examples=40, deadline=None)
def test_drafts_are_consistent(seed: int, sex: str, age: int, today: dt.date) -> None:
    draft = P.draft_persona(seed, sex, age, today=today)
    persona = Persona.model_validate(draft)
    assert P._age(persona.birth.date, today) == age
    assert_consistent(persona)


def test_draft_on_29_february() -> None:
    for seed in range(20):
        draft = P.draft_persona(seed, "M", 30, today=dt.date(2024, 2, 29))
        assert P._age(draft["birth"]["date"], dt.date(2024, 2, 29)) == 30


def test_draft_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        P.draft_persona(1, sex="X")
    with pytest.raises(ValueError):
        P.draft_persona(1, age=-1)


def test_persona_to_yaml_round_trip(tmp_path: Path) -> None:
    draft = P.draft_persona(3, "F", 41, today=dt.date(2025, 1, 1))
    draft["birth"]["place"] = "Saint-Étienne"
    draft["birth"]["insee_code"] = "42218"
    text = P.persona_to_yaml(draft)
    assert "Saint-Étienne" in text
    assert "birth:\n  date: " in text and "{" not in text.replace("situation: {}", "")
    path = tmp_path / "brouillon.yaml"
    path.write_text(text, encoding="utf-8")
    loaded, findings = load_model(path, Persona)
    assert findings == []
    assert loaded == Persona.model_validate(draft)
    assert P.persona_to_yaml(loaded) == P.persona_to_yaml(draft)


# --- the built-in personas ------------------------------------------------------------------


def _builtin() -> tuple[dict[str, Persona], list[str]]:
    catalogue = load_catalogue([ROOT / "scenarios"])
    errors = [str(f) for f in catalogue.errors if "personas" in Path(f.path).parts]
    return catalogue.personas, errors


def test_every_yaml_persona_is_consistent() -> None:
    personas, errors = _builtin()
    assert errors == [], "\n".join(errors)
    for persona in personas.values():
        assert_consistent(persona)


def test_builtin_personas_are_consistent() -> None:
    personas, errors = _builtin()
    assert errors == [], "\n".join(errors)
    assert len(personas) >= 4, f"only {len(personas)} personas in scenarios/personas/"
    for persona in personas.values():
        assert_consistent(persona)
