"""A field's raw input turned into a value: each kind's parsing, and when two answers agree.

Every parser takes any value from the form and returns a :class:`Parsed` value, or raises
:class:`~bacasable.identifiers.parsing.FieldError` with an error kind and, at times, a French
message.
The rules (:mod:`bacasable.run.field_rules`) and the expected answer are checked afterwards, by
:func:`bacasable.run.fields.check_field`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_currency, format_decimal
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from bacasable.common.french_dates import long_date
from bacasable.identifiers.parsing import (
    FieldError,
    parse_email,
    parse_iban,
    parse_nir,
    parse_phone,
)
from bacasable.personas import derived as personas
from bacasable.scenario.schema import DOCUMENT_LABELS, FieldSpec

from .field_context import FieldContext

#: Longest string looked at; a longer one is refused before any parsing.
MAX_CHARS = 10_000
#: Longest part of a date or an address.
MAX_PART = 300
MASK = "••••••••"
YES_NO = ("oui", "non")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_LOOSE_DROP = re.compile(r"[^0-9a-z]+")


@dataclasses.dataclass(frozen=True)
class Parsed:
    """A field's value as its kind parses it, with what the review screen shows."""

    value: Any
    display: str | None
    #: The text the length and character rules apply to (None: they do not apply).
    text: str | None = None


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


def is_empty(raw: Any) -> bool:
    """Return True when nothing was given: None, blank text, an empty list, an empty date.

    Parameters
    ----------
    raw : Any
        The value from the form.

    Returns
    -------
    bool
        Whether the answer counts as not given (``required`` applies); a string too long to
        look at, or a dict of more than 10 parts, is never empty.
    """
    if raw is None:
        return True
    if isinstance(raw, str):
        return len(raw) <= MAX_CHARS and not _clean(raw)
    if isinstance(raw, dict):
        return all(is_empty(v) for v in list(raw.values())[:10]) and len(raw) <= 10
    return isinstance(raw, list | tuple | set | frozenset) and not raw


def join_words(items: list[str]) -> str:
    """Join words as a French sentence does: "la rue, le code postal et la ville".

    Parameters
    ----------
    items : list of str
        At least one item.

    Returns
    -------
    str
        The items separated by commas, the last two by "et".
    """
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


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
        raise FieldError("required", f"Indiquez {join_words(missing)}.")
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


def _parse_upload(spec: FieldSpec, raw: Any, ctx: FieldContext) -> Parsed:
    doc_id = _as_text(raw, MAX_PART)
    docs = personas.documents(ctx.persona) if ctx.persona else []
    doc = next((d for d in docs if d.id == doc_id), None)
    if doc is None:
        raise FieldError("format")
    if doc.kind != spec.document:
        label = DOCUMENT_LABELS.get(spec.document or "", "le document demandé")
        raise FieldError("wrong_document", f"Ce n'est pas le bon document. Choisissez : {label}.")
    title = personas.document_view(ctx.persona, doc)["title"] if ctx.persona else doc.title
    return Parsed(doc.id, title)


def parse_value(spec: FieldSpec, raw: Any, ctx: FieldContext) -> Parsed:
    """Run the kind's own check: FieldError, or the normalised value and its display.

    Parameters
    ----------
    spec : FieldSpec
        The field: its kind, and its options or document where the kind has them.
    raw : Any
        The value from the form, not empty (see :func:`is_empty`).
    ctx : FieldContext
        The persona (documents, known phone number) and the codes sent.

    Returns
    -------
    Parsed
        The normalised value, its display and the text the rules look at.

    Raises
    ------
    FieldError
        When the value is not one of the kind: ``format``, ``date_invalid``, ``not_a_choice``,
        ``wrong_code``… with a French message when a general one would not help.
    """
    kind = spec.kind
    if isinstance(raw, str) and len(raw) > MAX_CHARS:
        raise FieldError("too_long" if kind in ("text", "message", "password") else "format")
    if kind == "password":
        if not isinstance(raw, str):
            raise FieldError("format")
        if len(raw) > MAX_PART:
            raise FieldError("too_long")
        return Parsed(raw, MASK, raw)
    if kind == "date":
        value = _parse_date(raw)
        return Parsed(value, long_date(value))
    if kind == "address":
        parts = _parse_address(raw)
        return Parsed(parts, f"{parts['street']}, {parts['postcode']} {parts['city']}")
    if kind in ("radio", "select"):
        value = _parse_choice(spec, raw)
        return Parsed(value, _option_label(spec, value))
    if kind == "yesno":
        if isinstance(raw, bool):
            raw = "oui" if raw else "non"
        if not isinstance(raw, str) or len(raw) > 20 or _clean(raw).casefold() not in YES_NO:
            raise FieldError("not_a_choice", "Répondez par oui ou par non.")
        value = _clean(raw).casefold()
        return Parsed(value, value.capitalize())
    if kind == "checkboxes":
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple | set | frozenset) or len(items) > 200:
            raise FieldError("not_a_choice")
        chosen = {_parse_choice(spec, item) for item in items}
        values = [o.value for o in spec.options if o.value in chosen]
        return Parsed(values, ", ".join(_option_label(spec, v) for v in values))
    if kind == "consent":
        short = isinstance(raw, str) and len(raw) <= 8
        ticked = short and raw.strip().lower() in ("true", "on", "oui")
        if raw is True or ticked:
            return Parsed(True, "Accepté")
        raise FieldError("not_accepted")
    if kind == "upload":
        return _parse_upload(spec, raw, ctx)
    if kind in ("amount", "number"):
        value = _parse_decimal(raw, whole=kind == "number")
        if kind == "number":
            return Parsed(int(value), format_decimal(int(value), locale="fr_FR"), str(value))
        return Parsed(value, format_currency(value, "EUR", locale="fr_FR"))
    text = _as_text(raw)
    if kind in ("phone", "nir", "iban") and len(text) > 100:
        raise FieldError("format")
    if kind == "email":
        email = parse_email(text)
        return Parsed(email, email, text)
    if kind == "phone":
        e164, national = parse_phone(text, (ctx.persona.phone,) if ctx.persona else ())
        return Parsed(e164, national, e164)
    if kind == "nir":
        number = parse_nir(text)
        return Parsed(number, stdnum_nir.format(number), number)
    if kind == "iban":
        number = parse_iban(text)
        return Parsed(number, stdnum_iban.format(number), number)
    if kind == "code":
        code = re.sub(r"[\s-]+", "", text)
        if not (code.isascii() and code.isdigit()) or len(code) > 32:
            raise FieldError("format")
        sent = re.sub(r"[\s-]+", "", str(ctx.codes.get(spec.code_from or "", "")))
        if not sent or code != sent:
            raise FieldError("wrong_code")
        return Parsed(code, code, code)
    display = text if len(text) <= 120 else text[:119] + "…"
    return Parsed(text, display, text)


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


def same_value(spec: FieldSpec, value: Any, other: Any, ctx: FieldContext) -> bool:
    """Whether ``other`` (an answer or expected value, not yet normalised) equals ``value``.

    Parameters
    ----------
    spec : FieldSpec
        The field both belong to.
    value : Any
        A normalised value, as :func:`parse_value` gives it.
    other : Any
        Another answer, or the expected value, as written.
    ctx : FieldContext
        As for :func:`parse_value`.

    Returns
    -------
    bool
        True when they agree, forgiving where a real site is (case, accents and spaces of a
        text, an address written on one line, an option's label for its value).
    """
    try:
        if spec.kind == "address" and isinstance(other, str):
            return _loose(other) == _loose(" ".join(value.values()))
        if spec.kind == "upload" and other == spec.document:
            return True
        if spec.kind == "code":
            return re.sub(r"[\s-]+", "", str(other)) == value
        parsed = parse_value(spec, other, ctx).value
        return _key(spec.kind, parsed) == _key(spec.kind, value)
    except FieldError:
        label = _option_label(spec, value) if isinstance(value, str) else value
        return _loose(other) in (_loose(value), _loose(label))

