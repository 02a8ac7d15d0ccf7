"""A persona's prime d'activité computed with the real rules: OpenFisca France, ahead of time.

``bacasable estimate`` runs this in a trainer's command and writes the figures into the
persona's file (:class:`~bacasable.scenario.persona_schema.PrimeActiviteEstimate`); a
learner's kernel only reads them. OpenFisca (about 4 s and 120 MB to load, a few seconds for a
first ``ppa``) is imported inside :func:`estimate_prime_activite` only, never when this module
is imported, and it is an optional extra: ``pip install -e '.[estimate]'``::

    figures = estimate_prime_activite(persona)
    figures.amount, figures.month, figures.explanation

What is read from the persona is in :mod:`bacasable.personas.estimate_inputs`.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date

from bacasable.scenario.persona_schema import Persona, PrimeActiviteEstimate

from .estimate_inputs import EstimateInputError, EstimateInputs, estimate_inputs, inputs_hash

__all__ = [
    "INSTALL_HINT",
    "EstimateInputError",
    "EstimateUnavailable",
    "estimate_prime_activite",
    "openfisca_situation",
]

INSTALL_HINT = (
    "OpenFisca n'est pas installé : l'estimation de la prime d'activité en a besoin. "
    "Installez-le avec : pip install -e '.[estimate]'"
)
#: OpenFisca's housing status for each answer of the CAF's « logement » screen.
_OCCUPATION = {
    None: "locataire_vide",
    "locataire": "locataire_vide",
    "proprietaire": "proprietaire",
    "heberge": "loge_gratuitement",
    "autre": "non_renseigne",
}
#: Below this monthly amount the CAF pays nothing (OpenFisca's ``montant_minimum_verse``).
_MINIMUM_PAID = 15


class EstimateUnavailable(RuntimeError):
    """OpenFisca is not installed; the message says how to install it, in French."""


@functools.cache
def _openfisca() -> tuple[Any, Any, str, str]:
    """Import OpenFisca France (once).

    Returns
    -------
    tuple
        Its tax-benefit system, the simulation builder class, and the versions of
        openfisca-france and openfisca-core.

    Raises
    ------
    EstimateUnavailable
        When OpenFisca is not installed.
    """
    from importlib.metadata import version

    try:
        from openfisca_core.simulation_builder import SimulationBuilder
        from openfisca_france import CountryTaxBenefitSystem
    except ImportError as exc:
        raise EstimateUnavailable(INSTALL_HINT) from exc
    return (CountryTaxBenefitSystem(), SimulationBuilder, version("openfisca-france"),
            version("openfisca-core"))


def openfisca_situation(inputs: EstimateInputs) -> dict[str, Any]:
    """Return the OpenFisca France situation of the persona's household (plain data).

    One family, tax household and home: the persona as the parent, the children as
    children. Salaries are given as ``salaire_net`` for the three months, the housing aid as
    ``aide_logement`` for those months and the month of reference (so that OpenFisca does
    not compute an aid of its own from a rent it does not know).
    """
    person: dict[str, Any] = {
        "date_naissance": {"ETERNITY": inputs.birth_date.isoformat()},
        "salaire_net": dict(zip(inputs.months, inputs.salaries, strict=True)),
    }
    individuals = {"persona": person}
    children = []
    for i, born in enumerate(inputs.children, start=1):
        individuals[f"enfant_{i}"] = {"date_naissance": {"ETERNITY": born.isoformat()}}
        children.append(f"enfant_{i}")
    months = (*inputs.months, inputs.month)
    return {
        "individus": individuals,
        "familles": {"famille": {
            "parents": ["persona"],
            "enfants": children,
            "aide_logement": dict.fromkeys(months, inputs.housing_aid),
        }},
        "foyers_fiscaux": {"foyer_fiscal": {"declarants": ["persona"],
                                            "personnes_a_charge": children}},
        "menages": {"menage": {
            "personne_de_reference": ["persona"],
            "enfants": children,
            "statut_occupation_logement": dict.fromkeys(months, _OCCUPATION[inputs.housing]),
        }},
    }


def _month_words(month: str) -> str:
    """« novembre 2026 » for 2026-11."""
    day = dt.date(int(month[:4]), int(month[5:]), 1)
    try:
        return format_date(day, format="MMMM y", locale="fr_FR")
    except Exception:  # noqa: BLE001 - missing locale data must not hide the month
        return month


def _span(inputs: EstimateInputs) -> str:
    """« d'août à octobre 2026 », « de novembre 2026 à janvier 2027 »."""
    first, last = _month_words(inputs.months[0]), _month_words(inputs.months[-1])
    if inputs.months[0][:4] == inputs.months[-1][:4]:
        first = first.rsplit(" ", 1)[0]
    start = "d'" if first[:1] in "aeiouy" else "de "
    return f"{start}{first} à {last}"


def _euros(amount: float) -> str:
    return f"{amount:,.0f}".replace(",", "\u202f") + " €"


def _who(inputs: EstimateInputs) -> str:
    """One sentence on the household and the housing, as the estimate counted them."""
    e = "e" if inputs.sex == "F" else ""
    kids = len(inputs.children)
    home = (f"{inputs.first_name} vit seul{e}" if not kids else
            f"{inputs.first_name} vit seul{e} avec son enfant" if kids == 1 else
            f"{inputs.first_name} vit seul{e} avec ses {kids} enfants")
    aid = (f", avec {_euros(inputs.housing_aid)} d'aide au logement par mois"
           if inputs.housing_aid else ", sans aide au logement")
    housing = {
        None: "Son logement n'est pas décrit : l'estimation le compte comme locataire, "
              "sans aide au logement.",
        "locataire": f"{home} et paie un loyer{aid}.",
        "proprietaire": f"{home}, dans un logement dont {'elle' if e else 'il'} est "
                        f"propriétaire{aid}.",
        "heberge": f"{home}, hébergé{e} gratuitement{aid}.",
        "autre": f"{home}{aid}.",
    }[inputs.housing]
    return housing if inputs.housing else f"{home}. {housing}"


def _explanation(inputs: EstimateInputs, amount: int, average: float, eligible: bool) -> str:
    name, span, month = inputs.first_name, _span(inputs), _month_words(inputs.month)
    if not inputs.has_earnings:
        return (f"{name} n'a pas de revenu d'activité {span} : pas de prime d'activité "
                f"en {month}.")
    family = " Ses prestations familiales comptent aussi dans le calcul." if inputs.children else ""
    basis = f"{_who(inputs)}{family} D'après ses salaires {span}"
    fiction = "C'est une estimation pour un personnage fictif."
    if amount:
        return (f"{basis}, sa prime d'activité serait d'environ {_euros(amount)} par mois "
                f"en {month}. {fiction}")
    if not eligible:
        return (f"{basis}, {name} n'aurait pas droit à la prime d'activité en {month} "
                f"(âge ou situation). {fiction}")
    if average > 0:
        return (f"{basis}, sa prime d'activité serait de {_euros(average)} par mois : sous "
                f"{_MINIMUM_PAID} €, rien n'est versé. {fiction}")
    return f"{basis}, ses revenus sont trop élevés pour la prime d'activité en {month}. {fiction}"


def _round(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def estimate_prime_activite(
    persona: Persona, today: dt.date | None = None
) -> PrimeActiviteEstimate:
    """Compute the persona's prime d'activité for its month of reference with OpenFisca France.

    Parameters
    ----------
    persona : Persona
        Its salaries, household and housing are read by
        :func:`~bacasable.personas.estimate_inputs.estimate_inputs`.
    today : datetime.date, optional
        The computation date written with the figures (default: today).

    Returns
    -------
    PrimeActiviteEstimate
        The monthly amount (``ppa``, whole euros), the months, the hash of the inputs, the
        versions of openfisca-france and openfisca-core, the date and a French explanation.

    Raises
    ------
    EstimateInputError
        When the persona's data cannot be estimated (French message).
    EstimateUnavailable
        When OpenFisca is not installed (French message with the command to install it).
    """
    inputs = estimate_inputs(persona)
    system, builder, france, core = _openfisca()
    simulation = builder().build_from_entities(system, openfisca_situation(inputs))

    def first(variable: str, month: str) -> float:
        return float(simulation.calculate(variable, month)[0])  # the one family's value

    amount = first("ppa", inputs.month)
    fictive = [first("ppa_fictive", m) for m in inputs.months]
    eligible = all(first("ppa_eligibilite", m) for m in inputs.months)
    rounded = _round(amount)
    return PrimeActiviteEstimate(
        amount=rounded,
        month=inputs.month,
        months_used=list(inputs.months),
        inputs=inputs_hash(inputs),
        openfisca_france=france,
        openfisca_core=core,
        computed_on=today or dt.date.today(),
        explanation=_explanation(inputs, rounded, sum(fictive) / 3, eligible),
    )
