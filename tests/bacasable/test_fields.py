"""Tests of bacasable.run.fields: every kind, every rule, expected values, personal data, junk."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from bacasable.identifiers.parsing import rib_key
from bacasable.personas import derived as personas
from bacasable.run import fields
from bacasable.run.fields import FieldContext, FieldResult, check_field, looks_like_real_data
from bacasable.scenario.schema import (
    Address,
    Bank,
    Birth,
    Document,
    Expected,
    FieldSpec,
    Option,
    Persona,
    Rule,
)

TODAY = dt.date(2025, 1, 15)

PERSONA = Persona(
    id="lea-martin",
    first_name="Léa",
    last_name="Martin-Dupré",
    sex="F",
    birth=Birth(date=dt.date(1985, 5, 14), place="Versailles", insee_code="78646"),
    nir_order=84,
    address=Address(street="12 rue des Lilas", postcode="69003", city="Saint-Étienne"),
    phone="0639981234",
    email="lea.martin@exemple.fr",
    bank=Bank(
        bank_name="Banque fictive",
        bank_code="30006",
        branch_code="00001",
        account_number="12345678901",
        bic="AGRIFRPP",
    ),
    story="Léa cherche un emploi à Saint-Étienne.",
    situation={"income": 1234.5, "children": 2, "has_car": True, "benefits": ["rsa", "apl"]},
    documents=[Document(id="bulletin-mars", kind="payslip", title="Bulletin de salaire de mars")],
)
CTX = FieldContext(persona=PERSONA, today=TODAY)
BARE = FieldContext(today=TODAY)

OPTIONS = [
    Option(value="cdi", label="Contrat à durée indéterminée"),
    Option(value="cdd", label="Contrat à durée déterminée"),
    Option(value="interim", label="Intérim"),
]


def spec(kind: str, **kw) -> FieldSpec:
    if kind in ("radio", "select", "checkboxes"):
        kw.setdefault("options", OPTIONS)
    if kind == "upload":
        kw.setdefault("document", "rib")
    if kind == "code":
        kw.setdefault("code_from", "sms-code")
    return FieldSpec(id="champ", kind=kind, label="Un champ", **kw)


def nir_with_key(body: str) -> str:
    return body + stdnum_nir.calc_check_digits(body)


def fr_iban(bank: str, branch: str, account: str, key: str | None = None) -> str:
    bban = bank + branch + account + (key or rib_key(bank, branch, account))
    return "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban


def check(kind: str, raw, ctx: FieldContext = CTX, **kw) -> FieldResult:
    return check_field(spec(kind, **kw), raw, ctx)


def assert_error(result: FieldResult, kind: str) -> None:
    assert not result.ok, result
    assert result.error_kind == kind, result
    assert result.value is None and result.display is None
    assert isinstance(result.message, str) and result.message.strip()


PERSONA_NIR = personas.nir(PERSONA)
PERSONA_IBAN = personas.iban(PERSONA)


# --- empty values ---------------------------------------------------------------------------

EMPTY = {
    "text": "   ",
    "password": "",
    "email": None,
    "phone": "\u200b",
    "date": {"day": "", "month": " ", "year": ""},
    "amount": "",
    "radio": None,
    "select": "",
    "checkboxes": [],
    "yesno": None,
    "address": {"street": "", "postcode": "", "city": ""},
    "nir": " ",
    "iban": "",
    "upload": None,
    "code": "",
    "number": None,
}


@pytest.mark.parametrize("kind", sorted(EMPTY))
def test_empty_required_and_optional(kind):
    assert_error(check(kind, EMPTY[kind]), "required")
    assert check(kind, EMPTY[kind], required=False) == FieldResult(ok=True, value=None)


@pytest.mark.parametrize("raw", [None, False, "", "non merci", 0])
def test_consent_not_ticked(raw):
    assert_error(check("consent", raw), "not_accepted")
    assert check("consent", raw, required=False).ok


def test_consent_ticked():
    result = check("consent", True)
    assert result.ok and result.value is True and result.display == "Accepté"


# --- text and password ----------------------------------------------------------------------


def test_text_is_cleaned_of_control_and_invisible_characters():
    result = check("text", "  Léa\x00 \u202eMartin\u200b\n ")
    assert result.ok
    assert result.value == "Léa Martin"


def test_text_accepts_numbers_and_refuses_containers():
    assert check("text", 42).value == "42"
    assert_error(check("text", ["a"]), "format")
    assert_error(check("text", {"a": 1}), "format")


def test_text_display_is_short():
    result = check("text", "mot " * 100)
    assert result.ok and len(result.display) == 120 and result.display.endswith("…")


def test_huge_text_is_too_long():
    assert_error(check("text", "a" * 1_000_000), "too_long")


def test_password_is_masked_and_kept_as_typed():
    result = check("password", " Secret 1 ")
    assert result.ok and result.value == " Secret 1 " and result.display == "••••••••"


# --- e-mail ---------------------------------------------------------------------------------


def test_email_valid_domain_lower_cased():
    result = check("email", "  Lea.Martin+cv@Exemple.FR ")
    assert result.ok and result.value == "Lea.Martin+cv@exemple.fr"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("lea.martin.exemple.fr", "@"),
        ("lea martin@exemple.fr", "espace"),
        ("léa@exemple.fr", "accent"),
        ("lea@@exemple.fr", "un seul @"),
        ("lea@exemple", "prenom.nom@exemple.fr"),
        ("lea@exemple.f", "prenom.nom@exemple.fr"),
        (".lea@exemple.fr", "prenom.nom@exemple.fr"),
        ("lea@-exemple.fr", "prenom.nom@exemple.fr"),
    ],
)
def test_email_invalid(raw, words):
    result = check("email", raw)
    assert_error(result, "format")
    assert words in result.message


# --- phone ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["06 39 98 12 34", "0639981234", "06.39.98.12.34", "+33 6 39 98 12 34", "0033639981234",
     "+33 (0)6 39 98 12 34", "06-39-98-12-34"],
)
def test_phone_persona_number_in_any_form(raw):
    result = check("phone", raw)
    assert result.ok, result
    assert result.value == "+33639981234"
    assert result.display == "06 39 98 12 34"


@pytest.mark.parametrize(
    ("raw", "e164", "display"),
    [
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("01 45 67 89 01", "+33145678901", "01 45 67 89 01"),
        ("09 12 34 56 78", "+33912345678", "09 12 34 56 78"),
        ("0692 12 34 56", "+262692123456", "0692 12 34 56"),
    ],
)
def test_phone_mobile_and_fixed_without_persona(raw, e164, display):
    result = check("phone", raw, BARE)
    assert result.ok, result
    assert (result.value, result.display) == (e164, display)


@pytest.mark.parametrize(
    "raw", ["06 12 34", "06 12 34 56 78 9", "08 00 12 34 56", "+44 7911 123456", "zéro six", "+"]
)
def test_phone_invalid(raw):
    assert_error(check("phone", raw, BARE), "format")


def test_phone_of_someone_else_is_personal_data():
    result = check("phone", "06 12 34 56 78")
    assert_error(result, "personal_data")
    assert "Léa" in result.warning and "Rien n'a été gardé" in result.warning
    assert "06" not in result.message and "06" not in result.warning


def test_phone_expected_other_than_persona_is_not_personal_data():
    field = spec("phone", expected=Expected(value="01 45 67 89 01"))
    assert check_field(field, "+33145678901", CTX).ok


def test_persona_phone_is_accepted_even_if_unallocated():
    persona = PERSONA.model_copy(update={"phone": "0700000000"})
    ctx = FieldContext(persona=persona, today=TODAY)
    assert not check("phone", "07 00 00 00 00", BARE).ok
    result = check("phone", "07 00 00 00 00", ctx, expected=Expected(persona="phone"))
    assert result.ok and result.value == "+33700000000"


def test_another_fiction_phone_is_not_personal_data():
    assert check("phone", "06 39 98 00 00").ok


# --- NIR ------------------------------------------------------------------------------------


def test_nir_persona_is_accepted_and_formatted():
    spaced = stdnum_nir.format(PERSONA_NIR)
    result = check("nir", spaced)
    assert result.ok
    assert result.value == PERSONA_NIR == "285057864608447"
    assert result.display == "2 85 05 78 646 084 47"


def test_nir_bad_key_is_checksum():
    wrong = PERSONA_NIR[:13] + f"{(int(PERSONA_NIR[13:]) + 1) % 97:02d}"
    result = check("nir", wrong)
    assert_error(result, "checksum")
    assert "carte Vitale" in result.message


@pytest.mark.parametrize(
    "raw", ["2850578646084", "28505786460844712", "2 85 05 AB 646 084 47", "x"]
)
def test_nir_bad_format(raw):
    assert_error(check("nir", raw, BARE), "format")


def test_nir_without_key_says_the_key_is_missing():
    result = check("nir", PERSONA_NIR[:13], BARE)
    assert_error(result, "format")
    assert "clé" in result.message


def test_nir_checks_that_stdnum_misses():
    # stdnum only checks the key: these numbers have a valid key.
    bad_sex = nir_with_key("5850578646084")
    bad_month = nir_with_key("2851378646084")
    assert stdnum_nir.is_valid(bad_sex) and stdnum_nir.is_valid(bad_month)
    assert_error(check("nir", bad_sex, BARE), "format")
    result = check("nir", bad_month, BARE)
    assert_error(result, "format")
    assert "mois" in result.message


@pytest.mark.parametrize("month", ["20", "30", "42", "50"])
def test_nir_fictitious_months_are_allowed(month):
    assert check("nir", nir_with_key(f"185{month}99100001"), BARE).ok


@pytest.mark.parametrize(
    "body",
    [
        "2850678646084",  # month 06, Léa was born in May
        "1850578646084",  # a man's number
        "2860578646084",  # born in 1986
        "2850569123084",  # born in Lyon
    ],
)
def test_nir_valid_key_inconsistent_with_persona(body):
    number = nir_with_key(body)
    assert stdnum_nir.is_valid(number)
    result = check("nir", number)
    assert_error(result, "inconsistent")
    assert "Léa" in result.message
    assert result.warning and "Rien n'a été gardé" in result.warning


def test_nir_consistent_but_not_the_persona_is_personal_data():
    other = nir_with_key("2850578646085")  # another order number: same birth data
    result = check("nir", other)
    assert_error(result, "personal_data")
    assert result.warning.startswith("Attention : ce numéro ressemble")
    assert "Léa" in result.warning


def test_nir_temporary_number():
    temporary = nir_with_key("7850578646084")
    assert check("nir", temporary, BARE).ok
    field = spec("nir", rules=[Rule(rule="nir_not_temporary")])
    assert_error(check_field(field, temporary, BARE), "temporary_number")
    assert check_field(field, PERSONA_NIR, CTX).ok


def test_nir_corsica():
    number = nir_with_key("185032A004012")
    result = check("nir", number.lower(), BARE)
    assert result.ok and result.value == number


# --- IBAN -----------------------------------------------------------------------------------


def test_iban_persona_accepted_and_formatted():
    result = check("iban", "fr76 3000 6000 0112 3456 7890 189")
    assert result.ok
    assert result.value == PERSONA_IBAN == "FR7630006000011234567890189"
    assert result.display == "FR76 3000 6000 0112 3456 7890 189"


def test_iban_bad_check_digits():
    assert_error(check("iban", "FR7730006000011234567890189"), "checksum")


def test_iban_bad_rib_key_with_valid_checksum():
    good_key = rib_key("30006", "00001", "12345678901")
    wrong_key = f"{(int(good_key) + 1) % 97:02d}"
    number = fr_iban("30006", "00001", "12345678901", wrong_key)
    assert stdnum_iban.is_valid(number)  # stdnum does not check the RIB key
    result = check("iban", number, BARE)
    assert_error(result, "checksum")
    assert "clé RIB" in result.message


def test_iban_with_letters_in_account():
    number = fr_iban("20041", "01005", "0500013M026")
    assert number == "FR1420041010050500013M02606"
    assert check("iban", number, BARE).ok


@pytest.mark.parametrize(
    "raw", ["FR76 3000 6000 0112 3456 7890 18", "7630006000011234567890189", "FR76-€", "IBAN"]
)
def test_iban_bad_format(raw):
    assert_error(check("iban", raw, BARE), "format")


def test_iban_of_someone_else_is_personal_data():
    german = "DE89 3704 0044 0532 0130 00"
    assert check("iban", german, BARE).ok
    result = check("iban", german)
    assert_error(result, "personal_data")
    assert "IBAN" in result.warning and "Léa" in result.warning


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        {"day": "14", "month": "5", "year": "1985"},
        {"day": " 14 ", "month": "05", "year": 1985},
        "14/05/1985",
        "14-05-1985",
        "14.05.1985",
        "14 05 1985",
        "14051985",
        "1985-05-14",
        dt.date(1985, 5, 14),
    ],
)
def test_date_valid(raw):
    result = check("date", raw)
    assert result.ok, result
    assert result.value == dt.date(1985, 5, 14)
    assert result.display == "14 mai 1985"


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({"day": "31", "month": "02", "year": "2000"}, "date_invalid"),
        ({"day": "29", "month": "02", "year": "2023"}, "date_invalid"),
        ({"day": "1", "month": "13", "year": "2000"}, "date_invalid"),
        ({"day": "1", "month": "1", "year": "85"}, "date_invalid"),
        ({"day": "1", "month": "1", "year": "1850"}, "date_invalid"),
        ({"day": "14", "month": "", "year": "1985"}, "date_invalid"),
        ({"day": "quatorze", "month": "mai", "year": "1985"}, "format"),
        ({"day": "١٤", "month": "05", "year": "1985"}, "format"),
        ("31/04/2020", "date_invalid"),
        ("demain", "format"),
        (["14", "05", "1985"], "format"),
    ],
)
def test_date_invalid(raw, kind):
    assert_error(check("date", raw), kind)


def test_leap_day_is_valid():
    assert check("date", "29/02/2024").value == dt.date(2024, 2, 29)


# --- amounts and numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1 234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("1\u202f234,56\xa0€", "1234.56"),
        ("1.234,56", "1234.56"),
        ("12 euros", "12.00"),
        ("€12,5", "12.50"),
        ("0,99", "0.99"),
        (850, "850.00"),
    ],
)
def test_amount_french_formats(raw, value):
    result = check("amount", raw)
    assert result.ok, result
    assert result.value == Decimal(value)


def test_amount_display():
    assert check("amount", "1234,5").display == "1\u202f234,50\xa0€"


@pytest.mark.parametrize("raw", ["12,345", "douze", "1,2,3", "12 €€", "--5", "1e3"])
def test_amount_bad_format(raw):
    assert_error(check("amount", raw), "format")


def test_negative_amount_refused_unless_min_allows():
    result = check("amount", "-12,50")
    assert_error(result, "too_small")
    assert "négatif" in result.message
    allowed = check("amount", "−12,50", rules=[Rule(rule="min", value=-100)])
    assert allowed.ok and allowed.value == Decimal("-12.50")
    assert_error(check("amount", "-120", rules=[Rule(rule="min", value=-100)]), "too_small")


@pytest.mark.parametrize(("raw", "value"), [("3", 3), (" 1 000 ", 1000), ("3,0", 3), (7, 7)])
def test_number_valid(raw, value):
    result = check("number", raw)
    assert result.ok and result.value == value and isinstance(result.value, int)


def test_number_invalid():
    assert_error(check("number", "2,5"), "not_whole")
    assert_error(check("number", "trois"), "format")
    assert_error(check("number", "-1"), "too_small")
    assert_error(check("number", True), "format")


# --- code -----------------------------------------------------------------------------------


def test_code():
    ctx = FieldContext(persona=PERSONA, codes={"sms-code": "482 913"}, today=TODAY)
    result = check("code", " 482913 ", ctx)
    assert result.ok and result.value == "482913"
    assert_error(check("code", "482914", ctx), "wrong_code")
    assert_error(check("code", "48291a", ctx), "format")
    assert_error(check("code", "482913"), "wrong_code")  # no code was sent


# --- choices --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["radio", "select"])
def test_single_choice(kind):
    result = check(kind, "cdd")
    assert result.ok and result.value == "cdd" and result.display == "Contrat à durée déterminée"
    assert_error(check(kind, "freelance"), "not_a_choice")
    assert_error(check(kind, ["cdd"]), "not_a_choice")


def test_yesno():
    assert check("yesno", "oui").display == "Oui"
    assert check("yesno", " NON ").value == "non"
    assert check("yesno", True).value == "oui"
    assert_error(check("yesno", "peut-être"), "not_a_choice")


def test_checkboxes():
    result = check("checkboxes", ["interim", "cdi", "cdi"])
    assert result.ok
    assert result.value == ["cdi", "interim"]
    assert result.display == "Contrat à durée indéterminée, Intérim"
    assert check("checkboxes", ("cdd",)).value == ["cdd"]
    assert_error(check("checkboxes", ["cdi", "autre"]), "not_a_choice")
    assert_error(check("checkboxes", [["cdi"]]), "not_a_choice")
    assert_error(check("checkboxes", {"cdi": True}), "not_a_choice")


# --- address --------------------------------------------------------------------------------


def test_address():
    raw = {"street": " 12 rue des Lilas ", "postcode": "69 003", "city": "Saint-Étienne"}
    result = check("address", raw)
    assert result.ok
    assert result.value == {"street": "12 rue des Lilas", "postcode": "69003",
                            "city": "Saint-Étienne"}
    assert result.display == "12 rue des Lilas, 69003 Saint-Étienne"


def test_address_missing_part_and_bad_postcode():
    result = check("address", {"street": "12 rue des Lilas", "postcode": "69003", "city": ""})
    assert_error(result, "required")
    assert result.message == "Indiquez la ville."
    result = check("address", {"street": "", "postcode": "69003"})
    assert result.message == "Indiquez la rue et la ville."
    assert_error(check("address", {"street": "1 rue", "postcode": "6900", "city": "Lyon"}),
                 "format")
    assert_error(check("address", "12 rue des Lilas"), "format")


# --- upload ---------------------------------------------------------------------------------


def test_upload():
    result = check("upload", "rib")
    assert result.ok and result.value == "rib" and result.display == "Relevé d'identité bancaire"
    result = check("upload", "bulletin-mars")
    assert_error(result, "wrong_document")
    assert "RIB" in result.message
    assert_error(check("upload", "inconnu"), "format")
    assert_error(check("upload", "rib", BARE), "format")
    assert check("upload", "bulletin-mars", document="payslip").display == (
        "Bulletin de salaire de mars"
    )


# --- rules ----------------------------------------------------------------------------------


def test_length_rules():
    field = spec("text", rules=[Rule(rule="min_length", value=3), Rule(rule="max_length", value=5)])
    assert check_field(field, "abcd", CTX).ok
    short = check_field(field, "ab", CTX)
    assert_error(short, "too_short")
    assert "3 caractères" in short.message
    assert_error(check_field(field, "abcdef", CTX), "too_long")
    exact = spec("code", rules=[Rule(rule="exact_length", value=6)])
    ctx = FieldContext(codes={"sms-code": "1234"}, today=TODAY)
    result = check_field(exact, "1234", ctx)
    assert_error(result, "too_short")
    assert result.message == "Il faut exactement 6 chiffres."


def test_digits_and_letters_only():
    digits = spec("text", rules=[Rule(rule="digits_only")])
    assert check_field(digits, "12 345", CTX).ok
    assert_error(check_field(digits, "12a", CTX), "format")
    letters = spec("text", rules=[Rule(rule="letters_only")])
    assert check_field(letters, "Jean-Éloïse d'Arc-Œuvre", CTX).ok
    for bad in ("Léa2", "Léa 😀", "Léa!"):
        assert_error(check_field(letters, bad, CTX), "format")


def test_min_max_numbers_and_amounts():
    field = spec("number", rules=[Rule(rule="min", value=1), Rule(rule="max", value=10)])
    assert check_field(field, "10", CTX).ok
    assert_error(check_field(field, "0", CTX), "too_small")
    assert_error(check_field(field, "11", CTX), "too_large")
    amount = spec("amount", rules=[Rule(rule="max", value=1000)])
    result = check_field(amount, "1 000,01", CTX)
    assert_error(result, "too_large")
    assert result.message == "Indiquez au plus 1\u202f000,00\xa0€."


def test_min_max_dates():
    field = spec("date", rules=[Rule(rule="min", value="2024-01-01"),
                                Rule(rule="max", value="today")])
    assert check_field(field, "01/01/2024", CTX).ok
    assert_error(check_field(field, "31/12/2023", CTX), "too_small")
    assert_error(check_field(field, "16/01/2025", CTX), "too_large")


def test_whole_number():
    field = spec("amount", rules=[Rule(rule="whole_number")])
    assert check_field(field, "12,00", CTX).ok
    assert_error(check_field(field, "12,50", CTX), "not_whole")


def test_not_in_future_and_not_in_past():
    future = spec("date", rules=[Rule(rule="not_in_future")])
    assert check_field(future, "15/01/2025", CTX).ok
    assert_error(check_field(future, "16/01/2025", CTX), "date_future")
    past = spec("date", rules=[Rule(rule="not_in_past")])
    assert check_field(past, "15/01/2025", CTX).ok
    assert_error(check_field(past, "14/01/2025", CTX), "date_past")


def test_age_rules_count_birthdays():
    field = spec("date", rules=[Rule(rule="age_min", value=18), Rule(rule="age_max", value=65)])
    assert check_field(field, "15/01/2007", CTX).ok  # 18 today
    young = check_field(field, "16/01/2007", CTX)
    assert_error(young, "too_young")
    assert "18 ans" in young.message
    assert check_field(field, "16/01/1959", CTX).ok  # 65 until tomorrow
    assert_error(check_field(field, "15/01/1959", CTX), "too_old")  # 66 today


def test_within_days():
    field = spec("date", rules=[Rule(rule="within_days", value=30)])
    assert check_field(field, "15/01/2025", CTX).ok
    assert check_field(field, "14/02/2025", CTX).ok
    result = check_field(field, "15/02/2025", CTX)
    assert_error(result, "out_of_range")
    assert "30 jours" in result.message
    assert_error(check_field(field, "14/01/2025", CTX), "out_of_range")


def test_password_policy_says_exactly_what_is_missing():
    policy = Rule(rule="password_policy", min_length=12, upper=True, lower=True, digit=True,
                  special=True)
    field = spec("password", rules=[policy])
    assert check_field(field, "Bac-a-sable-2025", CTX).ok
    result = check_field(field, "bacasable-longue", CTX)
    assert_error(result, "weak_password")
    assert result.message == ("Le mot de passe n'est pas assez sûr. "
                              "Il lui faut : une lettre majuscule et un chiffre.")
    result = check_field(field, "Ab1!", CTX)
    assert "au moins 12 caractères" in result.message
    assert "majuscule" not in result.message and "chiffre" not in result.message


def test_same_as():
    field = spec("email", rules=[Rule(rule="same_as", value="email")])
    ctx = FieldContext(persona=PERSONA, today=TODAY,
                       screen_answers={"email": "lea.martin@exemple.fr"})
    assert check_field(field, "lea.martin@EXEMPLE.fr", ctx).ok
    assert_error(check_field(field, "lea.martin@exemple.com", ctx), "not_same")
    assert_error(check_field(field, "lea.martin@exemple.fr", CTX), "not_same")
    password = spec("password", rules=[Rule(rule="same_as", value="mdp")])
    ctx = FieldContext(today=TODAY, screen_answers={"mdp": "Secret-2025"})
    assert check_field(password, "Secret-2025", ctx).ok
    assert_error(check_field(password, "secret-2025", ctx), "not_same")


def test_choice_count_rules():
    field = spec("checkboxes", rules=[Rule(rule="min_choices", value=2),
                                      Rule(rule="max_choices", value=2)])
    assert check_field(field, ["cdi", "cdd"], CTX).ok
    result = check_field(field, ["cdi"], CTX)
    assert_error(result, "too_few_choices")
    assert result.message == "Cochez au moins 2 cases."
    assert_error(check_field(field, ["cdi", "cdd", "interim"], CTX), "too_many_choices")


def test_rules_run_in_order():
    field = spec("text", rules=[Rule(rule="max_length", value=3), Rule(rule="digits_only")])
    assert check_field(field, "abcd", CTX).error_kind == "too_long"
    field = spec("text", rules=[Rule(rule="digits_only"), Rule(rule="max_length", value=3)])
    assert check_field(field, "abcd", CTX).error_kind == "format"


# --- expected values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "path", "raw"),
    [
        ("text", "first_name", "LEA"),
        ("text", "last_name", "martin dupre"),
        ("text", "address.city", "saint etienne"),
        ("email", "email", "Lea.Martin@exemple.fr"),
        ("phone", "phone", "+33 6 39 98 12 34"),
        ("date", "birth.date", {"day": "14", "month": "05", "year": "1985"}),
        ("amount", "situation.income", "1 234,50 €"),
        ("number", "situation.children", "2"),
        ("yesno", "situation.has_car", "oui"),
        ("nir", "nir", "2 85 05 78 646 084 47"),
        ("iban", "bank.iban", "FR76 3000 6000 0112 3456 7890 189"),
        ("address", "address", {"street": "12, Rue des lilas", "postcode": "69003",
                                "city": "SAINT ETIENNE"}),
    ],
)
def test_expected_from_persona_is_forgiving(kind, path, raw):
    assert check(kind, raw, expected=Expected(persona=path)).ok


@pytest.mark.parametrize(
    ("kind", "path", "raw"),
    [
        ("text", "first_name", "Lena"),
        ("email", "email", "lea.martin@exemple.com"),
        ("date", "birth.date", "15/05/1985"),
        ("amount", "situation.income", "1 234,51"),
        ("number", "situation.children", "3"),
        ("yesno", "situation.has_car", "non"),
        ("address", "address", {"street": "14 rue des Lilas", "postcode": "69003",
                                "city": "Saint-Étienne"}),
    ],
)
def test_expected_mismatch(kind, path, raw):
    result = check(kind, raw, expected=Expected(persona=path))
    assert_error(result, "mismatch")
    assert result.message == (
        "Ce n'est pas l'information de Léa. Regardez sa carte ou ses documents."
    )


def test_expected_checkboxes_as_sets_and_literals():
    field = spec("checkboxes", options=[Option(value="rsa", label="RSA"),
                                        Option(value="apl", label="APL"),
                                        Option(value="are", label="ARE")],
                 expected=Expected(persona="situation.benefits"))
    assert check_field(field, ["apl", "rsa"], CTX).ok
    assert_error(check_field(field, ["rsa"], CTX), "mismatch")
    radio = spec("radio", expected=Expected(value="cdi"))
    assert check_field(radio, "cdi", CTX).ok
    assert_error(check_field(radio, "cdd", CTX), "mismatch")
    by_label = spec("radio", expected=Expected(value="Intérim"))
    assert check_field(by_label, "interim", CTX).ok


def test_expected_any_unknown_path_and_no_persona():
    assert check("text", "Zoé", expected=Expected(any=True)).ok
    assert check("text", "Zoé", expected=Expected(persona="situation.nothing")).ok
    assert check("text", "Zoé", BARE, expected=Expected(persona="first_name")).ok


# --- personal data in free text -------------------------------------------------------------


def test_text_with_someone_elses_nir_or_iban_is_personal_data():
    other_nir = stdnum_nir.format(nir_with_key("1900175056123"))
    result = check("text", f"Mon numéro est le {other_nir}, merci")
    assert_error(result, "personal_data")
    assert "sécurité sociale" in result.warning and "Léa" in result.warning
    result = check("text", "IBAN : DE89 3704 0044 0532 0130 00 pour le virement")
    assert_error(result, "personal_data")
    assert "IBAN" in result.warning
    assert_error(check("text", other_nir, BARE), "personal_data")


def test_text_with_the_persona_data_or_a_phone_is_fine():
    assert check("text", f"numéro {stdnum_nir.format(PERSONA_NIR)}").ok
    assert check("text", "appelez le 06 12 34 56 78").ok


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("sécu : 1 90 01 75 056 123 " + nir_with_key("1900175056123")[-2:], "nir"),
        ("n° " + nir_with_key("1900175056123") + ".", "nir"),
        ("Mon IBAN FR76 3000 6000 0112 3456 7890 189 merci", "iban"),
        ("iban:de89370400440532013000", "iban"),
        ("Tél. 06 12 34 56 78", "phone"),
        ("joignable au +33 6 12 34 56 78 le soir", "phone"),
        ("01.45.67.89.01", "phone"),
        ("Léa habite 12 rue des Lilas, 69003 Saint-Étienne", None),
        ("06 39 98 12 34", None),  # fiction range
        ("1 90 01 75 056 123 00", None),  # wrong key
        ("FR76 3000 6000 0112 3456 7890 188", None),
        ("", None),
    ],
)
def test_looks_like_real_data(text, kind):
    assert looks_like_real_data(text) == kind


def test_looks_like_real_data_never_raises():
    for junk in (None, 12, ["06 12 34 56 78"], "\ud800", "+" * 10_000, "0 " * 50_000):
        assert looks_like_real_data(junk) is None


# --- messages -------------------------------------------------------------------------------


def test_site_messages_override_defaults():
    errors = {"format": "Format incorrect.", "required": "Champ obligatoire",
              "mismatch": "Ce n'est pas la date de naissance de {first_name}."}
    field = spec("date", errors=errors, expected=Expected(persona="birth.date"))
    assert check_field(field, "hier", CTX).message == "Format incorrect."
    assert check_field(field, None, CTX).message == "Champ obligatoire"
    assert check_field(field, "01/01/2000", CTX).message == (
        "Ce n'est pas la date de naissance de Léa."
    )
    nir = spec("nir", errors={"checksum": "Le NIR saisi est invalide."})
    assert check_field(nir, PERSONA_NIR[:-1] + "0", CTX).message == "Le NIR saisi est invalide."


SECRET = "ZORGLUB4242"


@pytest.mark.parametrize(
    "kind",
    ["text", "email", "phone", "date", "amount", "number", "radio", "yesno", "nir", "iban",
     "code", "upload", "select"],
)
def test_messages_never_repeat_the_input(kind):
    field = spec(kind, rules=[Rule(rule="max_length", value=3)] if kind == "text" else [])
    for raw in (SECRET, f"{SECRET}@exemple.fr", f"06{SECRET}", {"day": SECRET}):
        result = check_field(field, raw, CTX)
        for text in (result.message or "", result.warning or ""):
            assert SECRET not in text and SECRET.lower() not in text.lower()


# --- speed ----------------------------------------------------------------------------------

ALL_KINDS = sorted(EMPTY) + ["consent"]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_one_megabyte_is_refused_with_a_message(kind):
    # Speed on huge input is measured in benchmarks/, not asserted here.
    huge = "06 12 34 56 78 é😀\u202e" * 60_000
    for raw in (huge, {"day": huge, "month": huge, "year": huge, "street": huge}, [huge] * 3):
        result = check(kind, raw)
        assert not result.ok or kind == "consent"
        assert result.ok or (result.message and "06 12" not in result.message)


def test_long_text_with_many_numbers_gives_a_result():
    text = "0 6 1 2 3 4 5 6 7 8 " * 500  # 10 000 characters of digits
    result = check("text", text)
    assert result.ok or result.message


# --- properties -----------------------------------------------------------------------------

SPECS = [
    spec("text", rules=[Rule(rule="letters_only"), Rule(rule="max_length", value=40)],
         expected=Expected(persona="first_name")),
    spec("text", required=False),
    spec("password", rules=[Rule(rule="password_policy", min_length=8, upper=True, digit=True),
                            Rule(rule="same_as", value="mdp")]),
    spec("email", expected=Expected(persona="email")),
    spec("phone"),
    spec("date", rules=[Rule(rule="not_in_future"), Rule(rule="age_min", value=16)]),
    spec("date", rules=[Rule(rule="within_days", value=30), Rule(rule="min", value="today")]),
    spec("amount", rules=[Rule(rule="max", value=100000), Rule(rule="whole_number")]),
    spec("number", rules=[Rule(rule="min", value=0), Rule(rule="max", value=20)]),
    spec("radio", expected=Expected(value="cdi")),
    spec("select"),
    spec("checkboxes", rules=[Rule(rule="min_choices", value=1),
                              Rule(rule="max_choices", value=2)]),
    spec("yesno", expected=Expected(value=True)),
    spec("address", expected=Expected(persona="address")),
    spec("nir", rules=[Rule(rule="nir_not_temporary")], expected=Expected(persona="nir")),
    spec("iban", expected=Expected(persona="bank.iban")),
    spec("upload"),
    spec("consent"),
    spec("code", rules=[Rule(rule="exact_length", value=6)]),
]
assert {s.kind for s in SPECS} == set(ALL_KINDS)

TRICKY = ["\x00", "\x1b", "\u202e", "\u200f", "\u200b", "\ufeff", "😀", "👩‍👩‍👧", "é", "ا",
          "ש", "\ud800", "\udfff", " ", "\n", "0", "6", "+", "@", ",", ".", "/", "-", "€", "A"]
TEXTS = st.one_of(
    st.text(st.characters(codec=None), max_size=60),
    st.text(st.characters(categories=["Cs", "Cc", "Cf", "Zs", "So", "Nd"]), max_size=30),
    st.lists(st.sampled_from(TRICKY), max_size=40).map("".join),
    # One-megabyte strings, built inside the strategy so that its repr stays short.
    st.sampled_from(["x", "é", "0", "\ud800", "06 ", "😀\u202e"]).map(lambda c: c * 1_000_000),
    st.sampled_from(["oui", "cdi", "rib", "06 12 34 56 78", PERSONA_NIR, PERSONA_IBAN,
                     "14/05/1985", "1 234,56 €", "482913", "lea.martin@exemple.fr"]),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True), TEXTS,
    st.dates(), st.binary(max_size=20),
)
KEYS = st.sampled_from(["day", "month", "year", "street", "postcode", "city", "x", ""])
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(KEYS, st.integers()), inner, max_size=5),
        st.frozensets(st.text(max_size=5), max_size=3),
    ),
    max_leaves=12,
)
CONTEXTS = st.sampled_from([
    CTX,
    BARE,
    FieldContext(persona=PERSONA, today=TODAY, codes={"sms-code": "482913"},
                 screen_answers={"mdp": "Secret-2025", "email": None}),
])
FRENCH_WORDS = {"le", "la", "les", "l", "de", "du", "des", "un", "une", "pas", "est", "en",
                "par", "au", "ne", "il", "ce", "cochez", "choisissez", "écrivez", "indiquez",
                "répondez", "utilisez", "vérifiez", "remplissez", "recopiez"}
ENGLISH = re.compile(r"\b(error|invalid|value|none|traceback|exception|required)\b", re.I)


def assert_well_formed(result: FieldResult, raw) -> None:
    assert isinstance(result, FieldResult)
    if result.ok:
        assert result.error_kind is None and result.message is None
        return
    assert result.value is None and result.display is None
    assert isinstance(result.error_kind, str) and result.error_kind
    message = result.message
    assert isinstance(message, str) and message.strip()
    assert message[0].isupper() and message.endswith(".")
    assert FRENCH_WORDS & {w.casefold() for w in re.findall(r"\w+", message)}, message
    assert not ENGLISH.search(message), message
    if isinstance(raw, str) and len(raw.strip()) >= 12:
        assert raw.strip() not in message and raw.strip() not in (result.warning or "")
    if result.warning is not None:
        assert result.warning.startswith("Attention") and "Rien n'a été gardé" in result.warning


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(SPECS), raw=JUNK, ctx=CONTEXTS)
def test_any_junk_gives_a_french_result(field, raw, ctx):
    assert_well_formed(check_field(field, raw, ctx), raw)
    # The real checks handle junk themselves: the safety net of check_field is not needed.
    assert fields._check(field, raw, ctx) == check_field(field, raw, ctx)


@settings(deadline=None, max_examples=100)
@given(field=st.sampled_from(SPECS), raw=TEXTS, ctx=CONTEXTS)
def test_any_text_gives_a_french_result(field, raw, ctx):
    assert_well_formed(fields._check(field, raw, ctx), raw)
    assert_well_formed(fields._check(field, {"day": raw, "street": raw, "city": raw}, ctx), raw)
    assert_well_formed(fields._check(field, [raw, raw], ctx), raw)


@settings(deadline=None, max_examples=100)
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       padded=st.booleans())
def test_every_real_date_round_trips(day, padded):
    width = 2 if padded else 1
    raw = {"day": f"{day.day:0{width}d}", "month": f"{day.month:0{width}d}",
           "year": str(day.year)}
    assert check("date", raw).value == day
    assert check("date", day.strftime("%d/%m/%Y")).value == day


@settings(deadline=None, max_examples=100)
@given(amount=st.decimals(min_value=0, max_value=10**12, places=2))
def test_every_french_amount_round_trips(amount):
    shown = format_decimal(amount, format="#,##0.00", locale="fr_FR")
    assert check("amount", shown).value == amount
    assert check("amount", f"{amount} €").value == amount


@settings(deadline=None, max_examples=100)
@given(sex=st.sampled_from("12"), year=st.integers(0, 99), month=st.integers(1, 12),
       place=st.integers(1001, 95999), order=st.integers(1, 999), position=st.integers(0, 14),
       delta=st.integers(1, 9))
def test_every_valid_nir_passes_and_one_wrong_digit_fails(sex, year, month, place, order,
                                                          position, delta):
    number = nir_with_key(f"{sex}{year:02d}{month:02d}{place:05d}{order:03d}")
    assert check("nir", number, BARE).value == number
    typo = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    assert not check("nir", typo, BARE).ok


def test_a_temporary_number_gets_its_real_reason_before_anything_else():
    temporary = nir_with_key("7" + PERSONA_NIR[1:13])
    result = check("nir", temporary, rules=[Rule(rule="nir_not_temporary")],
                   expected=Expected(persona="nir"))
    assert result.error_kind == "temporary_number" and result.warning


# --- choosing an e-mail address, writing to an employer --------------------------------------


def test_a_taken_address_is_refused_with_free_ones_made_from_the_name():
    taken = spec("email", rules=[Rule(rule="not_taken", value="lea.martin@exemple.fr")])
    result = check_field(taken, "Lea.Martin@exemple.fr", CTX)
    assert_error(result, "taken")
    assert "lea.martin-dupre1985@exemple.fr" in result.message
    assert "lea-martin-dupre@exemple.fr" in result.message
    assert check_field(taken, "lea.martin1985@exemple.fr", CTX).ok


def test_the_taken_list_comes_from_the_persona_and_fills_the_scenario_message():
    situation = {"messagerie": {"prise": "lea@exemple.fr lea.m@exemple.fr"}}
    persona = PERSONA.model_copy(update={"situation": situation})
    ctx = FieldContext(persona=persona, today=TODAY)
    taken = spec("email", rules=[Rule(rule="not_taken", value="{situation.messagerie.prise}")],
                 errors={"taken": "Déjà prise. Le site propose : {suggestions}."})
    result = check_field(taken, "lea.m@exemple.fr", ctx)
    assert_error(result, "taken")
    assert result.message.startswith("Déjà prise. Le site propose : lea.martin-dupre1985@")
    assert "{" not in result.message
    assert check_field(taken, "lea.martin@exemple.fr", ctx).ok


POLITE = "Bonjour Madame,\n\nVoici mon CV.\n\nCordialement,\nLéa Martin-Dupré"


@pytest.mark.parametrize(("body", "error"), [
    (POLITE, None),
    ("Madame, Monsieur, voici mon CV. Bien à vous. Léa", None),
    ("Voici mon CV. Cordialement, Léa", "no_greeting"),
    ("Bonjour, voici mon CV.", "no_sign_off"),
    ("Bonjour, voici mon CV. Cordialement.", "no_sign_off"),
])
def test_a_message_begins_and_ends_politely(body, error):
    message = spec("message", rules=[Rule(rule="greeting"), Rule(rule="sign_off")])
    result = check_field(message, body, CTX)
    if error is None:
        assert result.ok
    else:
        assert_error(result, error)
        assert body not in result.message


def test_the_sign_off_needs_the_name_and_says_so():
    message = spec("message", rules=[Rule(rule="sign_off")])
    result = check_field(message, "Bonjour, voici mon CV. Cordialement.", CTX)
    assert "prénom et votre nom" in result.message


def test_autoplay_writes_a_polite_signed_message():
    from bacasable.run.autoplay import polite_message

    message = spec("message", rules=[Rule(rule="greeting"), Rule(rule="sign_off")])
    assert check_field(message, polite_message("Léa", "Martin-Dupré"), CTX).ok


def test_the_speed_benchmark_has_a_right_answer_for_every_kind():
    # benchmarks/field_checks.py times each kind against a normal value: a new kind needs one.
    from bacasable.run.fields import check_field
    from benchmarks.field_checks import _setup

    specs, ctx, normal, _huge = _setup()
    for kind, spec in specs.items():
        assert check_field(spec, normal[kind], ctx).ok, kind
