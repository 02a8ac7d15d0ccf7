"""The pieces both formats share: ids, texts, the closed vocabularies and the base model."""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
"""A stable id: lower-case letters, digits, ``-`` and ``_``."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]

FieldKind = Literal[
    "text",
    "password",
    "email",
    "phone",
    "date",
    "amount",
    "radio",
    "select",
    "checkboxes",
    "yesno",
    "address",
    "nir",
    "iban",
    "upload",
    "consent",
    "code",
    "number",
    "message",
]
"""Every kind of field the sandbox can show."""

CHOICE_KINDS = frozenset({"radio", "select", "checkboxes"})
GROUP_KINDS = frozenset({"radio", "checkboxes", "yesno", "date", "address"})

RuleName = Literal[
    "min_length",
    "max_length",
    "exact_length",
    "digits_only",
    "letters_only",
    "min",
    "max",
    "whole_number",
    "not_in_future",
    "not_in_past",
    "age_min",
    "age_max",
    "within_days",
    "password_policy",
    "same_as",
    "nir_not_temporary",
    "min_choices",
    "max_choices",
    "not_taken",
    "greeting",
    "sign_off",
]
"""The fixed vocabulary of validation rules: data, never code."""

ErrorKind = Literal[
    "required",
    "format",
    "mismatch",
    "too_short",
    "too_long",
    "too_small",
    "too_large",
    "not_whole",
    "date_invalid",
    "date_future",
    "date_past",
    "too_young",
    "too_old",
    "out_of_range",
    "weak_password",
    "not_same",
    "checksum",
    "inconsistent",
    "temporary_number",
    "not_a_choice",
    "too_few_choices",
    "too_many_choices",
    "wrong_code",
    "wrong_document",
    "not_accepted",
    "taken",
    "no_greeting",
    "no_sign_off",
]
"""The kinds of error a field can report; the store keeps these, never the typed text."""


#: Invisible control characters (C0 but tab and newline, DEL, C1): never in a text shown to people.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_character(value: Any) -> str | None:
    """Return the first control character in a text, or in the texts of lists and mappings."""
    if isinstance(value, str):
        found = _CONTROL.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        items: Any = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return None
    return next((c for c in map(control_character, items) if c is not None), None)


@functools.cache
def _holds_models(cls: type[BaseModel]) -> frozenset[str]:
    """Return the names of the fields of ``cls`` whose type holds a model."""

    def has_model(annotation: Any) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return True
        return any(has_model(arg) for arg in get_args(annotation))

    return frozenset(name for name, field in cls.model_fields.items()
                     if has_model(field.annotation))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_character(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name in _holds_models(cls):
            return value  # each model inside checks its own texts, with a precise location
        found = control_character(value)
        if found is not None:
            raise ValueError(
                f"caractère invisible interdit (code {ord(found)}) dans ce texte : "
                "retirez-le. Seuls le retour à la ligne et la tabulation sont permis."
            )
        return value
