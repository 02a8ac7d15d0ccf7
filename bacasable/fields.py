"""Validation of each field kind: pure functions, any value in, a result with a French message.

The identifiers (NIR, IBAN, phone, e-mail) are checked in :mod:`bacasable.identifiers`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from . import personas
from .identifiers import (
    FieldError,
    find_real_data,
    is_fiction_phone,
    is_temporary_nir,
    looks_like_real_data,
    nir_fits,
    parse_email,
    parse_iban,
    parse_nir,
    parse_phone,
)
from .schema import DOCUMENT_LABELS, FieldSpec, Persona, Rule

__all__ = ["FieldContext", "FieldResult", "check_field", "looks_like_real_data"]

_log = logging.getLogger(__name__)

#: Longest string looked at; a longer one is refused before any parsing.
MAX_CHARS = 10_000
#: Longest part of a date or an address.
MAX_PART = 300
MASK = "••••••••"
YES_NO = ("oui", "non")

_MESSAGES: dict[str, str] = {
    "required": "Ce champ est obligatoire. Remplissez-le pour continuer.",
    "format": "La réponse n'a pas le bon format. Vérifiez ce que vous avez écrit.",
    "mismatch": "Ce n'est pas l'information de {first_name}. Regardez sa carte ou ses documents.",
    "too_short": "La réponse est trop courte.",
    "too_long": "La réponse est trop longue. Raccourcissez-la.",
    "too_small": "Le nombre est trop petit.",
    "too_large": "Le nombre est trop grand.",
    "not_whole": "Écrivez un nombre entier, sans virgule.",
    "date_invalid": "Cette date n'existe pas. Vérifiez le jour, le mois et l'année.",
    "date_future": "La date ne peut pas être dans le futur. Vérifiez l'année.",
    "date_past": "La date ne peut pas être déjà passée. Vérifiez l'année.",
    "too_young": "L'âge minimum n'est pas atteint. Vérifiez la date de naissance.",
    "too_old": "L'âge maximum est dépassé. Vérifiez la date de naissance.",
    "out_of_range": "Cette date n'est pas dans la période demandée.",
    "weak_password": "Le mot de passe n'est pas assez sûr.",
    "not_same": "Les deux réponses ne sont pas identiques. Écrivez la même chose dans les deux.",
    "checksum": "Le numéro n'est pas valable. Un chiffre est sans doute mal recopié.",
    "inconsistent": "Le numéro ne correspond pas au sexe ou à la naissance de {first_name}. "
    "Vérifiez les premiers chiffres sur sa carte Vitale.",
    "temporary_number": "Ce numéro est provisoire. Indiquez le numéro définitif, "
    "celui de la carte Vitale.",
    "not_a_choice": "Choisissez une des réponses proposées.",
    "too_few_choices": "Cochez plus de cases.",
    "too_many_choices": "Cochez moins de cases.",
    "wrong_code": "Ce n'est pas le bon code. Recopiez le code reçu par SMS ou par e-mail.",
    "wrong_document": "Ce n'est pas le bon document. Regardez le nom du document demandé.",
    "not_accepted": "Cochez la case pour accepter. Sans cela, vous ne pouvez pas continuer.",
    "personal_data": "Utilisez les informations de {first_name}. Elles sont sur ses documents.",
}
_KIND_MESSAGES: dict[tuple[str, str], str] = {
    ("date", "required"): "Indiquez la date : le jour, le mois et l'année.",
    ("date", "format"): "Écrivez la date en chiffres : le jour, le mois, puis l'année. "
    "Par exemple : 14 07 1985.",
    ("amount", "format"): "Écrivez le montant en chiffres. Par exemple : 1 234,56.",
    ("number", "format"): "Écrivez un nombre en chiffres. Par exemple : 3.",
    ("code", "format"): "Le code ne contient que des chiffres. Recopiez-le depuis le message.",
    ("radio", "required"): "Choisissez une réponse.",
    ("select", "required"): "Choisissez une réponse dans la liste.",
    ("yesno", "required"): "Répondez par oui ou par non.",
    ("checkboxes", "required"): "Cochez au moins une case.",
    ("upload", "required"): "Choisissez un document à envoyer.",
    ("upload", "format"): "Choisissez un des documents proposés.",
    ("address", "format"): "L'adresse n'est pas complète. "
    "Indiquez la rue, le code postal et la ville.",
}
_WARNINGS = {
    "nir": "Attention : ce numéro ressemble à un vrai numéro de sécurité sociale.",
    "iban": "Attention : ce numéro ressemble à un vrai IBAN.",
    "phone": "Attention : ce numéro ressemble à un vrai numéro de téléphone.",
}
_WARNING_END = " Ici, on s'entraîne avec les informations de {first_name}. Rien n'a été gardé."
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_LOOSE_DROP = re.compile(r"[^0-9a-z]+")
_NAME_CHARS = frozenset(" -'’")


@dataclasses.dataclass(frozen=True)
class FieldContext:
    """What a check may need beyond the value: the persona, earlier answers, today, codes sent."""

    persona: Persona | None = None
    #: Valid answers of the current screen so far, by field id (for ``same_as``).
    screen_answers: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: Codes sent by screen events, by event id (for ``code`` fields).
    codes: dict[str, str] = dataclasses.field(default_factory=dict)
    today: dt.date = dataclasses.field(default_factory=dt.date.today)


@dataclasses.dataclass(frozen=True)
class FieldResult:
    """The outcome of checking one field: never an exception."""

    ok: bool
    #: The normalised value, kept in memory for the review screen only (never stored).
    value: Any = None
    #: The kind of error (schema.ErrorKind) or ``personal_data``.
    error_kind: str | None = None
    #: The message shown under the field, in plain French.
    message: str | None = None
    #: A gentle warning: the learner typed what looks like real personal data.
    warning: str | None = None
    #: The value to show on the review screen (masked for passwords).
    display: str | None = None


@dataclasses.dataclass(frozen=True)
class _Parsed:
    value: Any
    display: str | None
    #: The text the length and character rules apply to (None: they do not apply).
    text: str | None = None


# --- helpers --------------------------------------------------------------------------------


def _first_name(ctx: FieldContext) -> str:
    return ctx.persona.first_name if ctx.persona else "la personne de l'exercice"


def _clean(text: str) -> str:
    """Drop control, surrogate and invisible characters; collapse spaces; NFC."""
    text = "".join(
        " " if c in "\t\n\r" else c
        for c in text
        if unicodedata.category(c) not in ("Cc", "Cs") or c in "\t\n\r"
    )
    return " ".join(unicodedata.normalize("NFC", _INVISIBLE.sub("", text)).split())


def _loose(value: Any) -> str:
    """Case-, accent-, space- and punctuation-insensitive key."""
    text = unicodedata.normalize("NFKD", str(value)).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _LOOSE_DROP.sub("", text.replace("œ", "oe").replace("æ", "ae"))


def _as_text(raw: Any, limit: int = MAX_CHARS) -> str:
    """Return ``raw`` as a cleaned string; FieldError for other types or too long a string."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise FieldError("format")
    if not isinstance(raw, str):
        if isinstance(raw, int) and abs(raw) >= 10**18:
            raise FieldError("format")
        raw = str(raw)
    if len(raw) > limit:
        raise FieldError("too_long" if limit == MAX_CHARS else "format")
    return _clean(raw)


def _is_empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return len(raw) <= MAX_CHARS and not _clean(raw)
    if isinstance(raw, dict):
        return all(_is_empty(v) for v in list(raw.values())[:10]) and len(raw) <= 10
    return isinstance(raw, list | tuple | set | frozenset) and not raw


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n <= 1 else f"{n} {word}s"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _expected(spec: FieldSpec, ctx: FieldContext) -> Any:
    """Return the raw expected answer; None when any valid answer will do or it is unknown."""
    exp = spec.expected
    if exp is None or ctx.persona is None or exp.any:
        return None
    if exp.persona is None:
        return exp.value
    try:
        return personas.resolve(ctx.persona, exp.persona)
    except (KeyError, TypeError, ValueError):
        return None


# --- kinds ----------------------------------------------------------------------------------


def _parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, dict):
        parts = [_as_text("" if raw.get(k) is None else raw.get(k), MAX_PART)
                 for k in ("day", "month", "year")]
        if not all(parts):
            raise FieldError("date_invalid", "La date est incomplète. "
                             "Indiquez le jour, le mois et l'année.")
        day, month, year = (p.replace(" ", "") for p in parts)
    else:
        text = _as_text(raw, MAX_PART).replace(" ", "/")
        iso = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
        french = re.fullmatch(r"([0-9]{1,2})[/.\-]+([0-9]{1,2})[/.\-]+([0-9]{2,4})", text)
        if iso:
            year, month, day = iso.groups()
        elif french:
            day, month, year = french.groups()
        elif re.fullmatch(r"[0-9]{8}", text):
            day, month, year = text[:2], text[2:4], text[4:]
        else:
            raise FieldError("format")
    if not all(p.isascii() and p.isdigit() for p in (day, month, year)):
        raise FieldError("format")
    if len(year) != 4:
        raise FieldError("date_invalid", "Écrivez l'année avec 4 chiffres. Par exemple : 1985.")
    if len(day) > 2 or len(month) > 2 or not 1900 <= int(year) <= 2100:
        raise FieldError("date_invalid")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise FieldError("date_invalid") from None


def _parse_decimal(raw: Any, whole: bool) -> Decimal:
    """Parse an amount (French or plain format, with or without €) or a whole number."""
    if isinstance(raw, float | Decimal) and not isinstance(raw, bool):
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise FieldError("format") from None
        if not value.is_finite() or abs(value) >= 10**15:
            raise FieldError("format")
    else:
        text = re.sub(r"\s+", "", _as_text(raw, 100)).replace("−", "-")
        text = re.sub(r"(?i)^€|(?:€|eur|euros?)$", "", text)
        sign_match = re.fullmatch(r"([+-]?)(.*)", text)
        sign, text = (-1 if sign_match[1] == "-" else 1), sign_match[2]
        french = re.fullmatch(r"([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]+))?", text)
        plain = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?", text)
        match = french or plain
        if not match or len(match.group(1)) > 18:
            raise FieldError("format")
        units, cents = match.group(1).replace(".", ""), match.group(2) or ""
        if len(units.lstrip("0")) > 15:
            raise FieldError("too_large")
        if whole and cents.strip("0"):
            raise FieldError("not_whole")
        if len(cents) > 2:
            raise FieldError("format", "Écrivez au plus 2 chiffres après la virgule.")
        value = sign * Decimal(f"{units}.{cents or '0'}")
    if whole:
        if value != value.to_integral_value():
            raise FieldError("not_whole")
        return value.to_integral_value()
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _parse_address(raw: Any) -> dict[str, str]:
    if hasattr(raw, "model_dump") and not isinstance(raw, type):
        raw = raw.model_dump()
    if not isinstance(raw, dict):
        raise FieldError("format")
    parts = {}
    for key in ("street", "postcode", "city"):
        part = raw.get(key)
        if isinstance(part, int) and not isinstance(part, bool) and 0 < part < 100_000:
            part = f"{part:05d}"
        parts[key] = _as_text("" if part is None else part, MAX_PART)  # FieldError: format
    missing = [label for key, label in (("street", "la rue"),
               ("postcode", "le code postal"), ("city", "la ville")) if not parts[key]]
    if missing:
        raise FieldError("required", f"Indiquez {_join(missing)}.")
    parts["postcode"] = parts["postcode"].replace(" ", "")
    if not re.fullmatch(r"(?!00)[0-9]{5}", parts["postcode"]):
        raise FieldError("format", "Le code postal compte 5 chiffres. Par exemple : 69003.")
    return parts


def _option_label(spec: FieldSpec, value: str) -> str:
    return next((o.label for o in spec.options if o.value == value), value)


def _parse_choice(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, str) and len(raw) <= MAX_PART:
        key = _clean(raw).casefold()
        for option in spec.options:
            if option.value.casefold() == key:
                return option.value
    raise FieldError("not_a_choice")


def _parse_upload(spec: FieldSpec, raw: Any, ctx: FieldContext) -> _Parsed:
    doc_id = _as_text(raw, MAX_PART)
    docs = personas.documents(ctx.persona) if ctx.persona else []
    doc = next((d for d in docs if d.id == doc_id), None)
    if doc is None:
        raise FieldError("format")
    if doc.kind != spec.document:
        label = DOCUMENT_LABELS.get(spec.document or "", "le document demandé")
        raise FieldError("wrong_document", f"Ce n'est pas le bon document. Choisissez : {label}.")
    title = personas.document_view(ctx.persona, doc)["title"] if ctx.persona else doc.title
    return _Parsed(doc.id, title)


def _parse(spec: FieldSpec, raw: Any, ctx: FieldContext) -> _Parsed:
    """Run the kind's own check: FieldError, or the normalised value and its display."""
    kind = spec.kind
    if isinstance(raw, str) and len(raw) > MAX_CHARS:
        raise FieldError("too_long" if kind in ("text", "password") else "format")
    if kind == "password":
        if not isinstance(raw, str):
            raise FieldError("format")
        if len(raw) > MAX_PART:
            raise FieldError("too_long")
        return _Parsed(raw, MASK, raw)
    if kind == "date":
        value = _parse_date(raw)
        return _Parsed(value, format_date(value, format="long", locale="fr_FR"))
    if kind == "address":
        parts = _parse_address(raw)
        return _Parsed(parts, f"{parts['street']}, {parts['postcode']} {parts['city']}")
    if kind in ("radio", "select"):
        value = _parse_choice(spec, raw)
        return _Parsed(value, _option_label(spec, value))
    if kind == "yesno":
        if isinstance(raw, bool):
            raw = "oui" if raw else "non"
        if not isinstance(raw, str) or len(raw) > 20 or _clean(raw).casefold() not in YES_NO:
            raise FieldError("not_a_choice", "Répondez par oui ou par non.")
        value = _clean(raw).casefold()
        return _Parsed(value, value.capitalize())
    if kind == "checkboxes":
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple | set | frozenset) or len(items) > 200:
            raise FieldError("not_a_choice")
        chosen = {_parse_choice(spec, item) for item in items}
        values = [o.value for o in spec.options if o.value in chosen]
        return _Parsed(values, ", ".join(_option_label(spec, v) for v in values))
    if kind == "consent":
        short = isinstance(raw, str) and len(raw) <= 8
        ticked = short and raw.strip().lower() in ("true", "on", "oui")
        if raw is True or ticked:
            return _Parsed(True, "Accepté")
        raise FieldError("not_accepted")
    if kind == "upload":
        return _parse_upload(spec, raw, ctx)
    if kind in ("amount", "number"):
        value = _parse_decimal(raw, whole=kind == "number")
        if kind == "number":
            return _Parsed(int(value), format_decimal(int(value), locale="fr_FR"), str(value))
        return _Parsed(value, format_currency(value, "EUR", locale="fr_FR"))
    text = _as_text(raw)
    if kind in ("phone", "nir", "iban") and len(text) > 100:
        raise FieldError("format")
    if kind == "email":
        email = parse_email(text)
        return _Parsed(email, email, text)
    if kind == "phone":
        e164, national = parse_phone(text, (ctx.persona.phone,) if ctx.persona else ())
        return _Parsed(e164, national, e164)
    if kind == "nir":
        number = parse_nir(text)
        return _Parsed(number, stdnum_nir.format(number), number)
    if kind == "iban":
        number = parse_iban(text)
        return _Parsed(number, stdnum_iban.format(number), number)
    if kind == "code":
        code = re.sub(r"[\s-]+", "", text)
        if not (code.isascii() and code.isdigit()) or len(code) > 32:
            raise FieldError("format")
        sent = re.sub(r"[\s-]+", "", str(ctx.codes.get(spec.code_from or "", "")))
        if not sent or code != sent:
            raise FieldError("wrong_code")
        return _Parsed(code, code, code)
    display = text if len(text) <= 120 else text[:119] + "…"
    return _Parsed(text, display, text)


def _key(kind: str, value: Any) -> Any:
    """Return the form two answers are compared in: forgiving where a real site is."""
    if kind == "text":
        return _loose(value)
    if kind == "email":
        return str(value).casefold()
    if kind == "checkboxes":
        return frozenset(value)
    if kind == "address":
        return _loose(value["street"]), value["postcode"], _loose(value["city"])
    return value


def _same(spec: FieldSpec, value: Any, other: Any, ctx: FieldContext) -> bool:
    """Whether ``other`` (an answer or expected value, not yet normalised) equals ``value``."""
    try:
        if spec.kind == "address" and isinstance(other, str):
            return _loose(other) == _loose(" ".join(value.values()))
        if spec.kind == "upload" and other == spec.document:
            return True
        if spec.kind == "code":
            return re.sub(r"[\s-]+", "", str(other)) == value
        parsed = _parse(spec, other, ctx).value
        return _key(spec.kind, parsed) == _key(spec.kind, value)
    except FieldError:
        label = _option_label(spec, value) if isinstance(value, str) else value
        return _loose(other) in (_loose(value), _loose(label))


# --- rules ----------------------------------------------------------------------------------


def _number(param: Any) -> Decimal | None:
    if isinstance(param, bool) or param is None:
        return None
    try:
        value = Decimal(str(param).replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _password_missing(rule: Rule, pw: str) -> list[str]:
    length = rule.min_length or (int(rule.value) if isinstance(rule.value, int) else 0)
    checks = [
        (len(pw) >= length, f"au moins {length} caractères"),
        (not rule.upper or any(c.isupper() for c in pw), "une lettre majuscule"),
        (not rule.lower or any(c.islower() for c in pw), "une lettre minuscule"),
        (not rule.digit or any(c.isdigit() for c in pw), "un chiffre"),
        (not rule.special or any(not c.isalnum() and not c.isspace() for c in pw),
         "un caractère spécial (par exemple ! ? # @)"),
    ]
    return [label for ok, label in checks if not ok]


def _bound(spec: FieldSpec, rule: Rule, value: Any, ctx: FieldContext) -> None:
    """Apply ``min`` or ``max`` to a number, an amount or a date (ISO date or ``today``)."""
    low = rule.rule == "min"
    if isinstance(value, dt.date):
        try:
            limit = ctx.today if rule.value == "today" else dt.date.fromisoformat(str(rule.value))
        except ValueError:
            return
        shown = format_date(limit, format="long", locale="fr_FR")
        if low and value < limit:
            raise FieldError("too_small", f"La date doit être le {shown} ou après.")
        if not low and value > limit:
            raise FieldError("too_large", f"La date doit être le {shown} ou avant.")
        return
    limit = _number(rule.value)
    if limit is None or not isinstance(value, int | Decimal):
        return
    shown = (format_currency(limit, "EUR", locale="fr_FR") if spec.kind == "amount"
             else format_decimal(limit, locale="fr_FR"))
    if low and value < limit:
        raise FieldError("too_small", f"Indiquez au moins {shown}.")
    if not low and value > limit:
        raise FieldError("too_large", f"Indiquez au plus {shown}.")


def _check_rule(spec: FieldSpec, rule: Rule, p: _Parsed, ctx: FieldContext) -> None:
    name, value, text = rule.rule, p.value, p.text
    n = _number(rule.value)
    count = int(n) if n is not None and n == n.to_integral_value() and abs(n) < 10**9 else None
    unit = "chiffre" if spec.kind in ("code", "number", "nir") else "caractère"
    if name in ("min_length", "max_length", "exact_length") and text is not None and count:
        size, wanted = len(text), _plural(count, unit)
        if name == "exact_length" and size != count:
            raise FieldError("too_short" if size < count else "too_long",
                             f"Il faut exactement {wanted}.")
        if name == "min_length" and size < count:
            raise FieldError("too_short", f"C'est trop court : il faut au moins {wanted}.")
        if name == "max_length" and size > count:
            raise FieldError("too_long", f"C'est trop long : {wanted} au maximum.")
    elif name == "digits_only" and text is not None:
        if not (text.replace(" ", "").isascii() and text.replace(" ", "").isdigit()):
            raise FieldError("format", "Écrivez seulement des chiffres, sans lettre ni signe.")
    elif name == "letters_only" and text is not None:
        if not all(c.isalpha() or c in _NAME_CHARS for c in text):
            raise FieldError("format", "Écrivez seulement des lettres. Les accents, les tirets, "
                             "les apostrophes et les espaces sont acceptés.")
    elif name in ("min", "max"):
        _bound(spec, rule, value, ctx)
    elif name == "whole_number" and isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise FieldError("not_whole")
    elif isinstance(value, dt.date) and name in ("not_in_future", "not_in_past"):
        if name == "not_in_future" and value > ctx.today:
            raise FieldError("date_future")
        if name == "not_in_past" and value < ctx.today:
            raise FieldError("date_past")
    elif isinstance(value, dt.date) and name in ("age_min", "age_max") and count is not None:
        age = _age(value, ctx.today)
        if name == "age_min" and age < count:
            raise FieldError("too_young", f"Il faut avoir au moins {count} ans. "
                             "Vérifiez l'année de naissance.")
        if name == "age_max" and age > count:
            raise FieldError("too_old", f"Il faut avoir au plus {count} ans. "
                             "Vérifiez l'année de naissance.")
    elif isinstance(value, dt.date) and name == "within_days" and count is not None:
        if not ctx.today <= value <= ctx.today + dt.timedelta(days=max(count, 0)):
            raise FieldError("out_of_range", "Choisissez une date entre aujourd'hui et dans "
                             f"{_plural(count, 'jour')}.")
    elif name == "password_policy" and isinstance(value, str):
        missing = _password_missing(rule, value)
        if missing:
            raise FieldError("weak_password", "Le mot de passe n'est pas assez sûr. "
                             f"Il lui faut : {_join(missing)}.")
    elif name == "same_as":
        other = ctx.screen_answers.get(str(rule.value))
        if other is None or not _same(spec, value, other, ctx):
            raise FieldError("not_same")
    elif name == "nir_not_temporary" and spec.kind == "nir" and is_temporary_nir(value):
        raise FieldError("temporary_number")
    elif name in ("min_choices", "max_choices") and isinstance(value, list) and count:
        if name == "min_choices" and len(value) < count:
            raise FieldError("too_few_choices", f"Cochez au moins {_plural(count, 'case')}.")
        if name == "max_choices" and len(value) > count:
            raise FieldError("too_many_choices", f"Cochez au plus {_plural(count, 'case')}.")


# --- personal data --------------------------------------------------------------------------


def _foreign_data(spec: FieldSpec, p: _Parsed, expected: Any, ctx: FieldContext) -> str | None:
    """Return the kind of a valid identifier typed that is not the persona's nor expected."""
    persona = ctx.persona
    if spec.kind in ("nir", "iban", "phone"):
        if persona is None or (spec.kind == "phone" and is_fiction_phone(p.value)):
            return None
        found = [(spec.kind, p.value)]
    elif spec.kind == "text":
        found = [f for f in find_real_data(p.value) if f[0] in ("nir", "iban")]
    else:
        return None
    own: set[str] = set()
    if persona is not None:
        own = {personas.nir(persona), personas.iban(persona), persona.phone}
        own.add("+33" + persona.phone[1:])
    if expected is not None:
        for kind, _ in found:
            with contextlib.suppress(FieldError):
                own.add(_parse(spec.model_copy(update={"kind": kind}), expected, ctx).value)
    return next((kind for kind, value in found if value not in own), None)


# --- entry point ----------------------------------------------------------------------------


def _fail(
    spec: FieldSpec, ctx: FieldContext, err: FieldError, warning: str | None = None
) -> FieldResult:
    kind = err.kind
    message = (spec.errors.get(kind) or err.message or _KIND_MESSAGES.get((spec.kind, kind))
               or _MESSAGES.get(kind) or _MESSAGES["format"])
    name = _first_name(ctx)
    if warning:
        warning = (warning + _WARNING_END).replace("{first_name}", name)
    return FieldResult(ok=False, error_kind=kind, message=message.replace("{first_name}", name),
                       warning=warning)


def _check(spec: FieldSpec, raw: Any, ctx: FieldContext) -> FieldResult:
    if spec.kind == "consent" and raw is not True and not _is_empty(raw):
        raw = raw if isinstance(raw, str) and raw.strip().lower() in ("true", "on", "oui") else None
    if _is_empty(raw):
        if spec.required:
            kind = "not_accepted" if spec.kind == "consent" else "required"
            return _fail(spec, ctx, FieldError(kind))
        return FieldResult(ok=True, value=None)
    foreign = None
    try:
        parsed = _parse(spec, raw, ctx)
        expected = _expected(spec, ctx)
        foreign = _foreign_data(spec, parsed, expected, ctx)
        if spec.kind == "nir" and foreign and ctx.persona is not None:
            own = personas.nir(ctx.persona)
            if (expected is None or _same(spec, own, expected, ctx)) and not nir_fits(
                parsed.value, ctx.persona
            ):
                raise FieldError("inconsistent")
        if spec.kind in ("amount", "number") and parsed.value < 0:
            lows = [_number(r.value) for r in spec.rules if r.rule == "min"]
            if not any(low is not None and low < 0 for low in lows):
                what = "Le montant" if spec.kind == "amount" else "Le nombre"
                raise FieldError("too_small", f"{what} ne peut pas être négatif.")
        for rule in spec.rules:
            _check_rule(spec, rule, parsed, ctx)
        if foreign:
            raise FieldError("personal_data")
        if expected is not None and not _same(spec, parsed.value, expected, ctx):
            raise FieldError("mismatch")
    except FieldError as err:
        return _fail(spec, ctx, err, _WARNINGS[foreign] if foreign else None)
    return FieldResult(ok=True, value=parsed.value, display=parsed.display)


def check_field(spec: FieldSpec, raw: Any, ctx: FieldContext) -> FieldResult:
    """Check an answer against its field: kind, rules, expected value; never raise.

    Parameters
    ----------
    spec : FieldSpec
        The field.
    raw : Any
        The value from the form, of any type (a string, a dict for dates and addresses, a
        list for checkboxes, a bool for consent; anything else is refused politely).
    ctx : FieldContext
        The persona, the screen's earlier answers, the codes sent and today's date.

    Returns
    -------
    FieldResult
        ``ok`` with the normalised ``value`` and its ``display``; or an ``error_kind`` and a
        plain-French ``message`` (``spec.errors`` first) that never repeats the input. A valid
        NIR, IBAN or phone number that is not the persona's gives ``personal_data`` and a
        ``warning``; nothing of it is kept.
    """
    try:
        return _check(spec, raw, ctx)
    except Exception as exc:  # the safety net: a bug must never reach the learner
        _log.error("check_field failed on field %r: %s", getattr(spec, "id", "?"),
                   type(exc).__name__)
        return FieldResult(ok=False, error_kind="format", message=_MESSAGES["format"])
