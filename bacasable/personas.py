"""Personas: derived identifiers (NIR, IBAN), values by path, documents, and drafting with Faker."""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
import re
import unicodedata
from collections import OrderedDict
from typing import Any

from babel.numbers import format_decimal
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from . import identifiers
from .identifiers import FICTION_MOBILE_PREFIX
from .schema import DOCUMENT_LABELS, Bank, Document, Persona

#: Real communes for drafted personas: (place of birth as written, INSEE code, postcode, city).
#: Paris births are registered by arrondissement, hence its arrondissement code.
COMMUNES: tuple[tuple[str, str, str, str], ...] = (
    ("Paris 14e Arrondissement", "75114", "75014", "Paris"),
    ("Toulouse", "31555", "31000", "Toulouse"), ("Nice", "06088", "06000", "Nice"),
    ("Nantes", "44109", "44000", "Nantes"), ("Strasbourg", "67482", "67000", "Strasbourg"),
    ("Montpellier", "34172", "34000", "Montpellier"), ("Bordeaux", "33063", "33000", "Bordeaux"),
    ("Lille", "59350", "59000", "Lille"), ("Rennes", "35238", "35000", "Rennes"),
    ("Reims", "51454", "51100", "Reims"), ("Le Havre", "76351", "76600", "Le Havre"),
    ("Saint-Étienne", "42218", "42000", "Saint-Étienne"), ("Toulon", "83137", "83000", "Toulon"),
    ("Grenoble", "38185", "38000", "Grenoble"), ("Dijon", "21231", "21000", "Dijon"),
    ("Angers", "49007", "49000", "Angers"), ("Nîmes", "30189", "30000", "Nîmes"),
    ("Villeurbanne", "69266", "69100", "Villeurbanne"),
    ("Clermont-Ferrand", "63113", "63000", "Clermont-Ferrand"),
    ("Limoges", "87085", "87000", "Limoges"), ("Ajaccio", "2A004", "20000", "Ajaccio"),
    ("Saint-Denis", "97411", "97400", "Saint-Denis"),
)

#: Domain of drafted e-mail addresses: fictional, never a real mail provider.
EMAIL_DOMAIN = "exemple.fr"
#: ARCEP reserves 06 39 98 00 00 – 06 39 98 99 99 for fiction: these numbers never ring anyone.
#: phonenumbers calls them invalid (unallocated); ``identifiers.parse_phone`` accepts them.

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
_CACHE: OrderedDict[tuple[str, dt.date], dict[str, Any]] = OrderedDict()
_CACHE_SIZE = 64
_RIB_LINES = {
    "Titulaire": "{civility} {full_name}", "Adresse": "{address.full}",
    "Banque": "{bank.bank_name}", "Code banque": "{bank.bank_code}",
    "Code guichet": "{bank.branch_code}", "N° de compte": "{bank.account_number}",
    "Clé RIB": "{bank.rib_key}", "IBAN": "{bank.iban_formatted}", "BIC": "{bank.bic}",
}


# --- derived identifiers --------------------------------------------------------------------


def nir(persona: Persona) -> str:
    """Return the persona's NIR (numéro de sécurité sociale), derived from its fields.

    Parameters
    ----------
    persona : Persona
        Its sex, birth date, birth INSEE code and ``nir_order`` are used.

    Returns
    -------
    str
        15 characters, no spaces; a Corsican birth keeps ``2A``/``2B``, the key being computed
        with 19/18 in their place as INSEE does.
    """
    born = persona.birth.date
    sex_digit = "1" if persona.sex == "M" else "2"
    body = f"{sex_digit}{born.year % 100:02d}{born.month:02d}{persona.birth.insee_code}"
    body += f"{persona.nir_order:03d}"
    return body + stdnum_nir.calc_check_digits(body)


def rib_key(bank: Bank) -> str:
    """Return the two-digit French RIB key of a bank account.

    Parameters
    ----------
    bank : Bank
        Bank code, branch code and account number (which may hold letters).

    Returns
    -------
    str
        ``97 - ((89 × bank + 15 × branch + 3 × account) mod 97)`` on two digits, letters of the
        account converted with the RIB table (A, J → 1; B, K, S → 2; … I, R, Z → 9).
    """
    return identifiers.rib_key(bank.bank_code, bank.branch_code, bank.account_number)


def iban(persona: Persona) -> str:
    """Return the persona's IBAN, compact, derived from the RIB parts with a correct RIB key.

    Parameters
    ----------
    persona : Persona
        Its ``bank`` gives bank code, branch code and account number.

    Returns
    -------
    str
        ``FR`` + check digits + bank + branch + account + RIB key (27 characters).
    """
    bank = persona.bank
    bban = f"{bank.bank_code}{bank.branch_code}{bank.account_number}{rib_key(bank)}"
    return "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban


# --- values by path -------------------------------------------------------------------------


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _department(insee_code: str) -> str | None:
    if insee_code.startswith("99"):
        return None  # born abroad
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


def _build_values(persona: Persona, today: dt.date) -> dict[str, Any]:
    birth, address, bank = persona.birth, persona.address, persona.bank
    number, account = nir(persona), iban(persona)
    phone = persona.phone
    return {
        "id": persona.id,
        "first_name": persona.first_name,
        "last_name": persona.last_name,
        "birth_name": persona.birth_name or persona.last_name,
        "full_name": f"{persona.first_name} {persona.last_name}",
        "sex": persona.sex,
        "civility": "Madame" if persona.sex == "F" else "Monsieur",
        "birth": {**birth.model_dump(), "department": _department(birth.insee_code)},
        "age": _age(birth.date, today),
        "nir": number,
        "nir_formatted": stdnum_nir.format(number),
        "address": {
            **address.model_dump(),
            "full": f"{address.street}, {address.postcode} {address.city}",
        },
        "phone": phone,
        "phone_formatted": " ".join(phone[i : i + 2] for i in range(0, len(phone), 2)),
        "email": persona.email,
        "bank": {
            **bank.model_dump(),
            "rib_key": rib_key(bank),
            "iban": account,
            "iban_formatted": stdnum_iban.format(account),
        },
        "story": persona.story,
        "situation": copy.deepcopy(persona.situation),
        "documents": [d.model_dump() for d in documents(persona)],
        "seed": persona.seed,
    }


def _values(persona: Persona) -> dict[str, Any]:
    """Return the cached values (shared: never hand them out without copying)."""
    # Personas hold dicts and lists, so they are not hashable: key on their content and on
    # today's date (the age changes with it).
    key = (persona.model_dump_json(), dt.date.today())
    values = _CACHE.get(key)
    if values is None:
        values = _CACHE[key] = _build_values(persona, key[1])
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return values


def persona_values(persona: Persona) -> dict[str, Any]:
    """Return every value of the persona as a nested dict, derived ones included.

    Parameters
    ----------
    persona : Persona

    Returns
    -------
    dict
        A fresh copy (safe to modify) with names, ``civility``, ``birth`` (``date`` as a
        ``datetime.date``, ``department``: None when born abroad), ``age`` today, ``nir`` and
        ``nir_formatted``, ``address`` (with ``full``), ``phone`` and ``phone_formatted``,
        ``email``, ``bank`` (with ``rib_key``, ``iban``, ``iban_formatted``), ``situation`` and
        ``documents`` (the persona's own plus the default ones, as dicts).
    """
    return copy.deepcopy(_values(persona))


def resolve(persona: Persona, path: str) -> Any:
    """Return the value at a dotted path such as ``birth.date`` or ``documents.0.title``.

    Parameters
    ----------
    persona : Persona
    path : str
        Dotted keys into :func:`persona_values`; an integer segment indexes a list.

    Returns
    -------
    Any
        The value (a copy when it is a dict or a list).

    Raises
    ------
    KeyError
        With the whole path, when any segment is missing.
    """
    node: Any = _values(persona)
    for segment in path.split("."):
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            raise KeyError(path)
    return copy.deepcopy(node) if isinstance(node, dict | list) else node


def has_path(persona: Persona, path: str) -> bool:
    """Return True when :func:`resolve` finds a value (possibly None) at ``path``.

    Parameters
    ----------
    persona : Persona
    path : str
        A dotted path.
    """
    try:
        resolve(persona, path)
    except KeyError:
        return False
    return True


# --- documents ------------------------------------------------------------------------------


def _display(value: Any) -> str:
    """Write a value as a document shows it; TypeError for a value that cannot be shown."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return format_decimal(value, locale="fr_FR")
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, list):
        return ", ".join(_display(v) for v in value)
    raise TypeError(type(value).__name__)


def document_view(persona: Persona, document: Document) -> dict[str, Any]:
    """Return a document ready to render, its ``{path}`` placeholders filled from the persona.

    Parameters
    ----------
    persona : Persona
    document : Document
        One of :func:`documents` (or any document with ``{path}`` placeholders).

    Returns
    -------
    dict
        ``id``, ``kind``, ``kind_label``, ``title`` and ``lines`` (label → text) filled in,
        ``specimen`` (always True) and ``missing``: the placeholders that found no value, shown
        as ``?`` in the text. Never raises for a bad placeholder.
    """
    missing: list[str] = []

    def _sub(match: re.Match[str]) -> str:
        try:
            return _display(resolve(persona, match.group(1)))
        except (KeyError, TypeError):
            missing.append(match.group(1))
            return "?"

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(_sub, text)

    return {
        "id": document.id,
        "kind": document.kind,
        "kind_label": DOCUMENT_LABELS.get(document.kind, document.kind),
        "title": fill(document.title),
        "lines": {label: fill(text) for label, text in document.lines.items()},
        "specimen": True,
        "missing": missing,
    }


def _card_number(persona: Persona) -> str:
    # A fictional 9-character card number, stable for a persona (str seeds are deterministic).
    rng = random.Random(f"carte:{persona.id}")
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(9))


def _free_id(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


def default_documents(persona: Persona) -> list[Document]:
    """Return the standard identity card and RIB for the kinds the persona does not list.

    Parameters
    ----------
    persona : Persona

    Returns
    -------
    list of Document
        An ``id_card`` unless the persona has one, then a ``rib`` unless it has one; their
        lines are ``{path}`` placeholders filled by :func:`document_view`.
    """
    kinds = {d.kind for d in persona.documents}
    taken = {d.id for d in persona.documents}
    out: list[Document] = []
    if "id_card" not in kinds:
        lines = {"Nom": "{birth_name}"}
        if persona.birth_name and persona.birth_name != persona.last_name:
            lines["Nom d'usage"] = "{last_name}"
        place = "{birth.place}"
        if persona.birth.country.strip().lower() != "france":
            place += " ({birth.country})"
        lines |= {
            "Prénom(s)": "{first_name}",
            "Sexe": "{sex}",
            "Date de naissance": "{birth.date}",
            "Lieu de naissance": place,
            "N° du document": _card_number(persona),
        }
        out.append(Document(id=_free_id("carte-identite", taken), kind="id_card",
                            title="Carte nationale d'identité", lines=lines))
    if "rib" not in kinds:
        out.append(Document(id=_free_id("rib", taken), kind="rib",
                            title="Relevé d'identité bancaire", lines=dict(_RIB_LINES)))
    return out


def documents(persona: Persona) -> list[Document]:
    """Return the persona's documents: those of its YAML, then :func:`default_documents`.

    Parameters
    ----------
    persona : Persona
    """
    return [*persona.documents, *default_documents(persona)]


# --- drafting -------------------------------------------------------------------------------


def _slug(text: str, sep: str = "-") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, ascii_text).strip(sep)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def draft_persona(
    seed: int, sex: str = "F", age: int = 35, today: dt.date | None = None
) -> dict[str, Any]:
    """Draft a consistent new persona with Faker, as a plain dict for a YAML file.

    Parameters
    ----------
    seed : int
        Faker seed: the same seed (and day) always gives the same persona; it is recorded.
    sex : {"F", "M"}
        The persona's sex; first name and civility follow it.
    age : int
        Age in years at ``today``.
    today : datetime.date, optional
        The reference day (default: today).

    Returns
    -------
    dict
        Data valid for :class:`~bacasable.schema.Persona`: a real commune of birth with its
        INSEE code, a mobile number in ARCEP's fiction range, an e-mail address at a fictional
        domain, a fictional bank. Faker's own NIR and IBAN are never used: :func:`nir` and
        :func:`iban` derive them.

    Raises
    ------
    ValueError
        For a sex other than F or M, or an age outside 0–110.
    """
    if sex not in ("F", "M"):
        raise ValueError("le sexe doit être « F » ou « M »")
    if not 0 <= age <= 110:
        raise ValueError("l'âge doit être compris entre 0 et 110 ans")
    from faker import Faker  # slow to import: only when drafting

    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    rng = fake.random
    today = today or dt.date.today()
    first = fake.first_name_female() if sex == "F" else fake.first_name_male()
    last = fake.last_name()
    earliest = _years_before(today, age + 1) + dt.timedelta(days=1)
    latest = _years_before(today, age)
    born = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
    place, insee_code, _, _ = rng.choice(COMMUNES)
    _, _, postcode, city = rng.choice(COMMUNES)
    pronoun = "Elle" if sex == "F" else "Il"
    return {
        "id": _slug(f"{first} {last}")[:64],
        "first_name": first,
        "last_name": last,
        "sex": sex,
        "birth": {"date": born, "place": place, "insee_code": insee_code, "country": "France"},
        "nir_order": rng.randint(1, 999),
        "address": {"street": fake.street_address(), "postcode": postcode, "city": city},
        "phone": FICTION_MOBILE_PREFIX + f"{rng.randint(0, 9999):04d}",
        "email": f"{_slug(first, '.')}.{_slug(last, '.')}@{EMAIL_DOMAIN}",
        "bank": {
            "bank_name": f"Banque {fake.last_name()} (fictive)",
            "bank_code": fake.numerify("#####"),
            "branch_code": fake.numerify("#####"),
            "account_number": fake.numerify("###########"),
            "bic": "FICTFRPPXXX",
        },
        "story": f"{pronoun} a {age} ans et habite à {city}. Personnage fictif à compléter.",
        "situation": {},
        "documents": [],
        "seed": seed,
    }


def persona_to_yaml(data: dict[str, Any] | Persona) -> str:
    """Write persona data as YAML for a file of ``scenarios/personas/``.

    Parameters
    ----------
    data : dict or Persona
        Data from :func:`draft_persona`, or a persona (its unset optional fields left out).
    """
    from ruamel.yaml import YAML

    if isinstance(data, Persona):
        data = data.model_dump(exclude_none=True)
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
