"""The pieces both formats share: ids, texts, the closed vocabularies and the base model."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

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
]
"""The kinds of error a field can report; the store keeps these, never the typed text."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
