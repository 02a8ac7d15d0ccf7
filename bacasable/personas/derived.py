"""Personas: derived identifiers (NIR, IBAN), values by path, and documents.

Drafting a new persona with Faker is in :mod:`bacasable.personas.draft`.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from collections import OrderedDict
from typing import Any

from babel.numbers import format_decimal
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from bacasable.identifiers import parsing as identifiers
from bacasable.identifiers.parsing import FICTION_MOBILE_PREFIX
from bacasable.scenario.schema import DOCUMENT_LABELS, Bank, Document, Persona

from .draft import COMMUNES, draft_persona, persona_to_yaml

__all__ = [
    "default_documents",
    "document_view",
    "fill_text",
    "documents",
    "has_path",
    "iban",
    "nir",
    "persona_values",
    "resolve",
    "rib_key",
    # Still importable from here, where callers found them before: drafting lives in
    # persona_draft, the fiction prefix in identifiers.
    "COMMUNES",
    "FICTION_MOBILE_PREFIX",
    "draft_persona",
    "persona_to_yaml",
]

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
        "sex_label": "féminin" if persona.sex == "F" else "masculin",
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
        # Figures computed ahead of time with the real rules (bacasable estimate).
        "estimates": persona.estimates.model_dump(mode="json") if persona.estimates else {},
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


def fill_text(persona: Persona, template: str) -> str:
    """Fill the persona's values (``{first_name}``, ``{birth.date}``…) in a screen's text.

    A placeholder that names no value of the persona (``{code}``, filled later) is kept.
    """

    def _sub(match: re.Match[str]) -> str:
        try:
            return _display(resolve(persona, match.group(1)))
        except (KeyError, TypeError, ValueError):
            return match.group(0)

    return _PLACEHOLDER.sub(_sub, template)


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
