"""The pydantic model of a persona: a fictional person and their papers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from .base import Identifier, Text, _Model

Sex = Literal["F", "M"]
DocumentKind = Literal[
    "id_card", "rib", "payslip", "tax_notice", "vitale_card", "cv", "certificate"
]
DOCUMENT_LABELS = {
    "id_card": "Carte d'identité",
    "rib": "RIB (relevé d'identité bancaire)",
    "payslip": "Bulletin de salaire",
    "tax_notice": "Avis d'impôt",
    "vitale_card": "Carte Vitale",
    "cv": "CV",
    "certificate": "Attestation employeur",
}


class Birth(_Model):
    """Where and when the persona was born."""

    date: dt.date
    #: Commune of birth as written on the ID card.
    place: Text
    #: INSEE code of the commune of birth (5 characters: department + commune), for the NIR.
    insee_code: Annotated[str, StringConstraints(pattern=r"^([0-9]{5}|2[AB][0-9]{3}|99[0-9]{3})$")]
    country: str = "France"


class Address(_Model):
    """A postal address."""

    street: Text
    postcode: Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")]
    city: Text


class Bank(_Model):
    """The parts of a French RIB; the RIB key and the IBAN are derived from them."""

    bank_name: Text
    bank_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")]
    branch_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")]
    account_number: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{11}$")]
    bic: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")]


class Document(_Model):
    """A fictional document of the persona, shown with a SPECIMEN mark."""

    id: Identifier
    kind: DocumentKind
    title: Text
    #: Lines shown on the document, label → value (values may use ``{path}`` persona paths).
    lines: dict[str, str] = Field(default_factory=dict)


class Persona(_Model):
    """A fictional person, consistent from top to bottom."""

    id: Identifier
    first_name: Text
    last_name: Text
    #: Birth name when it differs (nom de naissance).
    birth_name: str | None = None
    sex: Sex
    birth: Birth
    #: Order number of birth registration (3 digits of the NIR).
    nir_order: int = Field(ge=1, le=999)
    address: Address
    #: Mobile phone in national format (06…/07…).
    phone: Annotated[str, StringConstraints(pattern=r"^0[67][0-9]{8}$")]
    #: None for a persona with no e-mail address yet.
    email: str | None = None
    bank: Bank
    #: One line about who this person is, in plain French.
    story: Text
    #: Data for the scenarios: job, resources, household… reached by dotted paths.
    situation: dict[str, Any] = Field(default_factory=dict)
    documents: list[Document] = Field(default_factory=list)
    #: Faker seed the persona was drafted from (documentation of its origin).
    seed: int | None = None
