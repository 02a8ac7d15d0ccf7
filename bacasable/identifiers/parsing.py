"""French identifiers: NIR, IBAN (with the RIB key), phone and e-mail, each parsed and checked.

Every parser takes a string already bounded in length and raises :class:`FieldError` with an
error kind of :data:`bacasable.scenario.schema.ErrorKind` and a plain-French message that never
repeats
what was typed.
"""

from __future__ import annotations

import re
import string
import unicodedata

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import nir as stdnum_nir

from bacasable.scenario.schema import Persona

_SEPARATORS = re.compile(r"[\s.\-/()]+")
#: A compact NIR: sex, year, month, department (``2A``/``2B`` in Corsica), commune, order, key.
NIR_SHAPE = re.compile(r"[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{8}")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
#: Mobile numbers Arcep keeps for fiction (06 39 98 xx xx): they can never reach a real person.
FICTION_MOBILE_PREFIX = "063998"
#: Top-level domains that never reach anyone (RFC 2606, RFC 6761).
FICTION_TLDS = frozenset({"test", "example", "invalid", "localhost"})

_RIB_LETTERS = str.maketrans(string.ascii_uppercase, "12345678912345678923456789")
#: Regions whose numbers a French site accepts: France and the overseas departments.
_FRENCH_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT", "PM", "BL", "MF")
_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.VOIP,  # 09 numbers: the home lines of internet boxes
}
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_EMAIL_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")

NIR_FORMAT = (
    "Le numéro de sécurité sociale n'est pas valable. "
    "Vérifiez les 15 chiffres sur la carte Vitale."
)
IBAN_FORMAT = (
    "L'IBAN n'est pas valable. Il commence par deux lettres, comme FR, puis des chiffres. "
    "Recopiez-le depuis le RIB."
)
PHONE_FORMAT = (
    "Le numéro de téléphone n'est pas valable. "
    "Écrivez les 10 chiffres, par exemple 06 12 34 56 78."
)
EMAIL_FORMAT = (
    "L'adresse e-mail n'est pas valable. Elle s'écrit comme ceci : prenom.nom@exemple.fr."
)


class FieldError(Exception):
    """A value that fails a check: an error kind and, optionally, a specific French message."""

    def __init__(self, kind: str, message: str | None = None,
                 fill: dict[str, str] | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.message = message
        #: Placeholders a scenario's own message may use (``{suggestions}`` for ``taken``).
        self.fill = fill or {}


def compact(text: str) -> str:
    """Return ``text`` in NFKC form, upper-case, without spaces, dots, hyphens or slashes.

    Parameters
    ----------
    text : str
        A number as typed.

    Returns
    -------
    str
        The compact form.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


# --- NIR ------------------------------------------------------------------------------------


def _nir_month_ok(month: int) -> bool:
    # INSEE: 01-12, or a fictitious month (20, 30-42, 50) when the month of birth is unknown.
    return 1 <= month <= 12 or month in (20, 50) or 30 <= month <= 42


def parse_nir(text: str) -> str:
    """Check a NIR (numéro de sécurité sociale) and return it compact.

    Parameters
    ----------
    text : str
        The number as typed, spaces allowed.

    Returns
    -------
    str
        The 15 characters (``2A``/``2B`` kept for Corsica).

    Raises
    ------
    FieldError
        ``format`` for a wrong length, character, sex digit or month; ``checksum`` for a wrong
        key (the last two digits).
    """
    number = compact(text)
    if not NIR_SHAPE.fullmatch(number):
        if number.isascii() and number.isdigit() and len(number) == 13:
            raise FieldError("format", "Il manque la clé : les 2 derniers chiffres. "
                             "Recopiez les 15 chiffres de la carte Vitale.")
        raise FieldError("format", NIR_FORMAT)
    try:
        stdnum_nir.validate(number)
    except InvalidChecksum:
        raise FieldError("checksum", "Le numéro de sécurité sociale n'est pas valable. "
                         "Un chiffre est sans doute mal recopié. Vérifiez les 15 chiffres "
                         "sur la carte Vitale.") from None
    except ValidationError:
        raise FieldError("format", NIR_FORMAT) from None
    if number[0] not in "123478":
        raise FieldError("format", "Le numéro de sécurité sociale commence par 1 ou par 2. "
                         "Vérifiez le premier chiffre.")
    if not _nir_month_ok(int(number[3:5])):
        raise FieldError("format", "Le mois de naissance du numéro n'existe pas. "
                         "Vérifiez le 4e et le 5e chiffre.")
    return number


def is_temporary_nir(number: str) -> bool:
    """Return True for a temporary number (NIA), which starts with 7 or 8.

    Parameters
    ----------
    number : str
        A compact NIR.

    Returns
    -------
    bool
        Whether the number is temporary.
    """
    return number[:1] in ("7", "8")


def nir_fits(number: str, persona: Persona) -> bool:
    """Return True when a NIR agrees with the persona's sex, birth year, month and place.

    Parameters
    ----------
    number : str
        A compact, valid NIR.
    persona : Persona
        The persona.

    Returns
    -------
    bool
        False when the sex digit (odd for men, even for women), the year, the month or the
        INSEE code of the place of birth differs.
    """
    born = persona.birth.date
    sex_ok = (int(number[0]) % 2 == 1) == (persona.sex == "M")
    return (
        sex_ok
        and number[1:3] == f"{born.year % 100:02d}"
        and number[3:5] == f"{born.month:02d}"
        and number[5:10] == persona.birth.insee_code.upper()
    )


# --- IBAN -----------------------------------------------------------------------------------


def rib_key(bank_code: str, branch_code: str, account: str) -> str:
    """Return the French RIB key of an account.

    Parameters
    ----------
    bank_code, branch_code : str
        Five digits each.
    account : str
        Eleven characters, letters converted with the RIB table (A, J → 1; B, K, S → 2…).

    Returns
    -------
    str
        ``97 - ((89 × bank + 15 × branch + 3 × account) mod 97)`` on two digits.
    """
    number = int(account.upper().translate(_RIB_LETTERS))
    total = 89 * int(bank_code) + 15 * int(branch_code) + 3 * number
    return f"{97 - total % 97:02d}"


def parse_iban(text: str) -> str:
    """Check an IBAN, and the RIB key of a French one, and return it compact.

    Parameters
    ----------
    text : str
        The IBAN as typed, spaces allowed.

    Returns
    -------
    str
        The compact IBAN, upper-case.

    Raises
    ------
    FieldError
        ``format`` for a wrong length or character, ``checksum`` for wrong check digits or a
        wrong RIB key.
    """
    number = compact(text)
    if number.startswith("FR") and len(number) != 27:
        raise FieldError("format", "Un IBAN français compte 27 caractères : FR, puis 25 "
                         "chiffres ou lettres. Recopiez-le depuis le RIB.")
    if not _IBAN_SHAPE.fullmatch(number):
        raise FieldError("format", IBAN_FORMAT)
    try:
        stdnum_iban.validate(number)
    except InvalidChecksum:
        raise FieldError("checksum", "L'IBAN n'est pas valable. Un caractère est sans doute "
                         "mal recopié. Vérifiez-le sur le RIB.") from None
    except ValidationError:
        raise FieldError("format", IBAN_FORMAT) from None
    if number[:2] in ("FR", "MC"):
        bban = number[4:]
        if rib_key(bban[:5], bban[5:10], bban[10:21]) != bban[21:]:
            raise FieldError("checksum", "L'IBAN n'est pas valable : la clé RIB ne correspond "
                             "pas. Vérifiez-le sur le RIB.")
    return number


def is_fiction_email(address: str) -> bool:
    """Return True for an address on a domain kept for examples (it reaches nobody).

    The personas' addresses are on ``exemple.fr``; the domains of RFC 2606 and RFC 6761
    (``example.com``, ``.test``, ``.example``, ``.invalid``, ``.localhost``) are fiction too.

    Parameters
    ----------
    address : str
        An e-mail address.

    Returns
    -------
    bool
        Whether its domain is one of fiction.
    """
    domain = address.rpartition("@")[2].strip().rstrip(".").casefold()
    labels = domain.split(".")
    return (labels[-1] in FICTION_TLDS or "exemple" in labels[:-1]
            or domain in ("example.com", "example.net", "example.org"))


# --- phone ----------------------------------------------------------------------------------


def is_fiction_phone(e164: str) -> bool:
    """Return True for a number that ARCEP reserves for fiction (it never rings anyone).

    Parameters
    ----------
    e164 : str
        A number in E.164 form.

    Returns
    -------
    bool
        Whether it is in the fiction range of the personas.
    """
    return e164.startswith("+33" + FICTION_MOBILE_PREFIX[1:]) and len(e164) == 12


def parse_phone(text: str, known: tuple[str, ...] = ()) -> tuple[str, str]:
    """Check a French phone number, mobile or fixed, and return it normalised.

    Parameters
    ----------
    text : str
        The number as typed: ``06 12 34 56 78``, ``+33 6 12…``, ``0033 6…``.
    known : tuple of str
        National numbers (``0612345678``) accepted even if unallocated, like the persona's;
        the ARCEP fiction range is always accepted.

    Returns
    -------
    tuple of str
        The E.164 form (``+33612345678``) and the national display (``06 12 34 56 78``).

    Raises
    ------
    FieldError
        ``format`` for anything that is not a valid French mobile or fixed number.
    """
    number = compact(text.replace("(0)", ""))  # +33 (0)6 12 34 56 78
    if number.startswith("0033"):
        number = "+33" + number[4:]
    digits = number[1:] if number.startswith("+") else number
    if not (digits.isascii() and digits.isdigit()) or not 9 <= len(digits) <= 15:
        raise FieldError("format", PHONE_FORMAT)
    national = "0" + number[3:] if number.startswith("+33") else number
    if len(national) == 10 and (is_fiction_phone("+33" + national[1:]) or national in known):
        return "+33" + national[1:], " ".join(national[i : i + 2] for i in range(0, 10, 2))
    try:
        parsed = phonenumbers.parse(number, "FR")
        if not phonenumbers.is_valid_number(parsed) and number.startswith("0"):
            for region in _FRENCH_REGIONS[1:]:  # overseas numbers typed nationally
                candidate = phonenumbers.parse(number, region)
                if phonenumbers.is_valid_number(candidate):
                    parsed = candidate
                    break
    except phonenumbers.NumberParseException:
        raise FieldError("format", PHONE_FORMAT) from None
    if not phonenumbers.is_valid_number(parsed):
        raise FieldError("format", PHONE_FORMAT)
    if phonenumbers.region_code_for_number(parsed) not in _FRENCH_REGIONS:
        raise FieldError("format", "Indiquez un numéro de téléphone français, mobile ou fixe.")
    if phonenumbers.number_type(parsed) not in _PHONE_TYPES:
        raise FieldError("format", "Indiquez un numéro de mobile ou de téléphone fixe. "
                         "Les numéros spéciaux (08…) ne sont pas acceptés.")
    return (
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL),
    )


# --- e-mail ---------------------------------------------------------------------------------


def parse_email(text: str) -> str:
    """Check the syntax of an e-mail address and return it with its domain in lower case.

    Parameters
    ----------
    text : str
        The address as typed, surrounding spaces already removed.

    Returns
    -------
    str
        ``local@domain``.

    Raises
    ------
    FieldError
        ``format``, with a message naming the problem (no @, a space, an accent…).
    """
    if len(text) > 254:
        raise FieldError("format", EMAIL_FORMAT)
    if any(c.isspace() for c in text):
        raise FieldError("format", "L'adresse e-mail ne doit pas contenir d'espace.")
    if "@" not in text:
        raise FieldError("format", "Il manque le @ dans l'adresse e-mail. "
                         "Par exemple : prenom.nom@exemple.fr.")
    if text.count("@") > 1:
        raise FieldError("format", "L'adresse e-mail contient un seul @. Vérifiez-la.")
    if not text.isascii():
        raise FieldError("format", "L'adresse e-mail ne doit pas contenir d'accent "
                         "ni de caractère spécial.")
    local, domain = text.split("@")
    labels = domain.split(".")
    if (
        len(local) > 64
        or not _EMAIL_LOCAL.fullmatch(local)
        or len(labels) < 2
        or not all(_EMAIL_LABEL.fullmatch(label) for label in labels)
        or not (labels[-1].isalpha() and len(labels[-1]) >= 2)
    ):
        raise FieldError("format", EMAIL_FORMAT)
    return f"{local}@{domain.lower()}"
