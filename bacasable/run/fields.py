"""Validation of a field's answer: pure functions, any value in, a result with a French message.

:func:`check_field` is the entry point. Each kind's parsing is in :mod:`bacasable.run.field_values`,
the rules in :mod:`bacasable.run.field_rules`, the identifiers (NIR, IBAN, phone, e-mail) in
:mod:`bacasable.identifiers.parsing`; this module adds the expected answer, the real personal data
typed by mistake, and the French messages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from typing import Any

from bacasable.identifiers.parsing import (
    FieldError,
    is_fiction_email,
    is_fiction_phone,
    is_temporary_nir,
    nir_fits,
)
from bacasable.identifiers.real_data import find_real_data, looks_like_real_data
from bacasable.personas import derived as personas
from bacasable.scenario.schema import FieldSpec

from .field_context import FieldContext
from .field_rules import check_rule, rule_number
from .field_values import Parsed, is_empty, parse_value, same_value

__all__ = ["FieldContext", "FieldResult", "check_field", "looks_like_real_data"]

_log = logging.getLogger(__name__)

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
    "taken": "Cette adresse est déjà prise. Choisissez-en une autre.",
    "no_greeting": "Commencez le message par une formule de politesse. "
    "Par exemple : « Bonjour Madame, ».",
    "no_sign_off": "Terminez le message par une formule de politesse et votre nom. "
    "Par exemple : « Cordialement, » puis votre prénom et votre nom.",
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
    "email": "Attention : cette adresse ressemble à une vraie adresse e-mail.",
    "nif": "Attention : ce numéro ressemble à un vrai numéro fiscal.",
}
_WARNING_END = " Ici, on s'entraîne avec les informations de {first_name}. Rien n'a été gardé."


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


# --- helpers --------------------------------------------------------------------------------


def _first_name(ctx: FieldContext) -> str:
    return ctx.persona.first_name if ctx.persona else "la personne de l'exercice"


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


# --- personal data --------------------------------------------------------------------------


def _persona_numbers(persona: Any) -> set[str]:
    """Return the numéros fiscaux of the persona's situation and papers: theirs, not real."""
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(persona.situation)
    for document in persona.documents:
        walk(dict(document.lines))
    return {value for text in texts for kind, value in find_real_data(text) if kind == "nif"}


def _foreign_data(spec: FieldSpec, p: Parsed, expected: Any, ctx: FieldContext) -> str | None:
    """Return the kind of a valid identifier typed that is not the persona's nor expected."""
    persona = ctx.persona
    if spec.kind in ("nir", "iban", "phone"):
        if persona is None or (spec.kind == "phone" and is_fiction_phone(p.value)):
            return None
        found = [(spec.kind, p.value)]
    elif spec.kind == "email":
        # Only where the persona's own address is asked (choosing a new one is no real data),
        # and not on a domain of fiction, where a typo in the persona's address lands.
        if persona is None or expected is None or is_fiction_email(p.value):
            return None
        found = [("email", p.value)]
    elif spec.kind == "text":
        found = [f for f in find_real_data(p.value) if f[0] in ("nir", "iban", "nif")]
    else:
        return None
    own: set[str] = set()
    if persona is not None:
        own = {personas.nir(persona), personas.iban(persona), persona.phone,
               *_persona_numbers(persona)}
        own.add("+33" + persona.phone[1:])
        if persona.email:
            own.add(persona.email.casefold())
    if expected is not None:
        for kind, _ in found:
            with contextlib.suppress(FieldError):
                own.add(parse_value(spec.model_copy(update={"kind": kind}), expected, ctx).value)
    return next((kind for kind, value in found
                 if value not in own and str(value).casefold() not in own), None)


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
    for key, value in err.fill.items():
        message = message.replace("{" + key + "}", value)
    message = message.replace("{first_name}", name)
    if ctx.persona is not None:
        message = personas.fill_text(ctx.persona, message)
    return FieldResult(ok=False, error_kind=kind, message=message, warning=warning)


def _check(spec: FieldSpec, raw: Any, ctx: FieldContext) -> FieldResult:
    if spec.kind == "consent" and raw is not True and not is_empty(raw):
        raw = raw if isinstance(raw, str) and raw.strip().lower() in ("true", "on", "oui") else None
    if is_empty(raw):
        if spec.required:
            kind = "not_accepted" if spec.kind == "consent" else "required"
            return _fail(spec, ctx, FieldError(kind))
        return FieldResult(ok=True, value=None)
    foreign = None
    try:
        parsed = parse_value(spec, raw, ctx)
        expected = _expected(spec, ctx)
        foreign = _foreign_data(spec, parsed, expected, ctx)
        if spec.kind == "nir" and is_temporary_nir(parsed.value) and any(
                r.rule == "nir_not_temporary" for r in spec.rules):
            raise FieldError("temporary_number")  # the real reason comes first
        if spec.kind == "nir" and foreign and ctx.persona is not None:
            own = personas.nir(ctx.persona)
            if (expected is None or same_value(spec, own, expected, ctx)) and not nir_fits(
                parsed.value, ctx.persona
            ):
                raise FieldError("inconsistent")
        if spec.kind in ("amount", "number") and parsed.value < 0:
            lows = [rule_number(r.value) for r in spec.rules if r.rule == "min"]
            if not any(low is not None and low < 0 for low in lows):
                what = "Le montant" if spec.kind == "amount" else "Le nombre"
                raise FieldError("too_small", f"{what} ne peut pas être négatif.")
        for rule in spec.rules:
            check_rule(spec, rule, parsed, ctx)
        if foreign:
            raise FieldError("personal_data")
        if expected is not None and not same_value(spec, parsed.value, expected, ctx):
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
