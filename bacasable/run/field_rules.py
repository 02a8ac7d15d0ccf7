"""The rules of a field (lengths, bounds, dates, ages, passwords, choices…) on a parsed value.

Each rule of :attr:`FieldSpec.rules <bacasable.scenario.schema.FieldSpec.rules>` either passes
quietly or
raises :class:`~bacasable.identifiers.parsing.FieldError` with an error kind and a French message
that
says what is wanted. A rule that does not apply to the field's kind is passed over.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_currency, format_decimal

from bacasable.common.french_dates import long_date
from bacasable.common.slugs import slug
from bacasable.identifiers.parsing import FieldError, is_temporary_nir
from bacasable.personas.derived import fill_text
from bacasable.scenario.schema import FieldSpec, Rule

from .field_context import FieldContext
from .field_values import Parsed, join_words, same_value

_NAME_CHARS = frozenset(" -'’")
#: How a polite message to an employer may begin, and end (accents and case do not matter).
_GREETINGS = ("bonjour", "bonsoir", "madame", "monsieur", "mesdames", "cher ", "chere ")
_SIGN_OFFS = ("cordialement", "salutations", "bien a vous", "merci", "respectueusement",
              "bonne journee", "sinceres")
#: Characters at the end of a message where the sign-off is looked for.
_TAIL = 120


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n <= 1 else f"{n} {word}s"


def rule_number(param: Any) -> Decimal | None:
    """Return a rule's parameter as a number, or None when it is not one.

    Parameters
    ----------
    param : Any
        The ``value`` of a rule: a number, or a string with a dot or a comma.

    Returns
    -------
    Decimal or None
        The finite number; None for a bool, None, text or an infinite value.
    """
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


def _plain(text: str) -> str:
    """Lower-case, without accents, spaces collapsed: for looking up polite words."""
    return " ".join(slug(text, sep=" ").split()) if text else ""


def _taken(rule: Rule, value: Any, ctx: FieldContext) -> None:
    """Refuse an e-mail address already taken, proposing free ones made from the name."""
    listed = str(rule.value or "")
    if ctx.persona is not None:
        listed = fill_text(ctx.persona, listed)
    taken = {a.casefold() for a in listed.replace(",", " ").split() if "@" in a}
    if not isinstance(value, str) or value.casefold() not in taken:
        return
    domain = value.rsplit("@", 1)[1]
    offers: list[str] = []
    if ctx.persona is not None:
        first = slug(ctx.persona.first_name, sep="-")
        last = slug(ctx.persona.last_name, sep="-")
        year = ctx.persona.birth.date.year
        for local in (f"{first}.{last}{year}", f"{first}-{last}", f"{first[:1]}.{last}",
                      f"{last}.{first}", f"{first}.{last}{year % 100:02d}"):
            address = f"{local}@{domain}"
            if address.casefold() not in taken and address not in offers:
                offers.append(address)
    shown = join_words(offers[:3]) if offers else "une autre adresse"
    raise FieldError("taken", "Cette adresse est déjà prise. Adresses libres : "
                     f"{shown}. Vous pouvez aussi en inventer une autre.",
                     fill={"suggestions": shown})


def _polite(name: str, text: str, ctx: FieldContext) -> None:
    """Check the greeting at the start of a message, or the sign-off and name at its end."""
    plain = _plain(text)
    if name == "greeting":
        if not plain.startswith(_GREETINGS):
            raise FieldError("no_greeting")
        return
    tail = plain[-_TAIL:]
    if not any(word in tail for word in _SIGN_OFFS):
        raise FieldError("no_sign_off")
    person = ctx.persona
    if person is not None and not any(
            _plain(n) in tail for n in (person.first_name, person.last_name)):
        raise FieldError("no_sign_off", "Signez le message : écrivez votre prénom et votre "
                         "nom à la fin, après la formule de politesse.")


def _bound(spec: FieldSpec, rule: Rule, value: Any, ctx: FieldContext) -> None:
    """Apply ``min`` or ``max`` to a number, an amount or a date (ISO date or ``today``)."""
    low = rule.rule == "min"
    if isinstance(value, dt.date):
        try:
            limit = ctx.today if rule.value == "today" else dt.date.fromisoformat(str(rule.value))
        except ValueError:
            return
        shown = long_date(limit)
        if low and value < limit:
            raise FieldError("too_small", f"La date doit être le {shown} ou après.")
        if not low and value > limit:
            raise FieldError("too_large", f"La date doit être le {shown} ou avant.")
        return
    limit = rule_number(rule.value)
    if limit is None or not isinstance(value, int | Decimal):
        return
    shown = (format_currency(limit, "EUR", locale="fr_FR") if spec.kind == "amount"
             else format_decimal(limit, locale="fr_FR"))
    if low and value < limit:
        raise FieldError("too_small", f"Indiquez au moins {shown}.")
    if not low and value > limit:
        raise FieldError("too_large", f"Indiquez au plus {shown}.")


def check_rule(spec: FieldSpec, rule: Rule, p: Parsed, ctx: FieldContext) -> None:
    """Apply one rule of a field to its parsed value.

    Parameters
    ----------
    spec : FieldSpec
        The field (its kind says whether a length counts digits or characters).
    rule : Rule
        One of ``spec.rules``.
    p : Parsed
        The value, as :func:`bacasable.run.field_values.parse_value` gives it.
    ctx : FieldContext
        Today's date and the screen's earlier answers (for ``same_as``).

    Raises
    ------
    FieldError
        When the value breaks the rule, with a French message saying what is wanted. A rule
        that does not apply to the value (a length on a date…) passes.
    """
    name, value, text = rule.rule, p.value, p.text
    n = rule_number(rule.value)
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
                             f"Il lui faut : {join_words(missing)}.")
    elif name == "same_as":
        other = ctx.screen_answers.get(str(rule.value))
        if other is None or not same_value(spec, value, other, ctx):
            raise FieldError("not_same")
    elif name == "nir_not_temporary" and spec.kind == "nir" and is_temporary_nir(value):
        raise FieldError("temporary_number")
    elif name == "not_taken" and spec.kind == "email":
        _taken(rule, value, ctx)
    elif name in ("greeting", "sign_off") and text is not None:
        _polite(name, text, ctx)
    elif name in ("min_choices", "max_choices") and isinstance(value, list) and count:
        if name == "min_choices" and len(value) < count:
            raise FieldError("too_few_choices", f"Cochez au moins {_plural(count, 'case')}.")
        if name == "max_choices" and len(value) > count:
            raise FieldError("too_many_choices", f"Cochez au plus {_plural(count, 'case')}.")
