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


YearMonth = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
"""A month written AAAA-MM, such as 2026-11."""

Version = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*([.+-][0-9A-Za-z.+-]*)?$")]
"""A package version such as 176.1.8."""


class PrimeActiviteEstimate(_Model):
    """The persona's prime d'activité as OpenFisca computes it, written by ``bacasable estimate``.

    Never typed by hand: the command writes it, and ``bacasable validate`` warns when the
    persona's data no longer matches ``inputs`` (see :mod:`bacasable.personas.estimate_inputs`).
    """

    #: Monthly amount in whole euros (0: no prime d'activité).
    amount: int = Field(ge=0)
    #: The month the amount is for (the month of the request), AAAA-MM.
    month: YearMonth
    #: The three months of resources the amount is computed from, oldest first.
    months_used: list[YearMonth] = Field(min_length=3, max_length=3)
    #: Hash of the persona's data the estimate was computed from, to tell when it is stale.
    inputs: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{16}$")]
    #: Versions of the OpenFisca packages that computed it.
    openfisca_france: Version
    openfisca_core: Version
    #: The day it was computed.
    computed_on: dt.date
    #: What the amount means, in plain French, for the trainer and the learner.
    explanation: Text


class Estimates(_Model):
    """Figures computed ahead of time from the persona's data by ``bacasable estimate``."""

    prime_activite: PrimeActiviteEstimate | None = None


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
    #: Figures computed by ``bacasable estimate`` (OpenFisca); absent until it is run.
    estimates: Estimates | None = None
