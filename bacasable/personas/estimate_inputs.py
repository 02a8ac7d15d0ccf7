"""What a prime d'activité estimate reads from a persona, and the hash that tells it is stale.

Nothing here imports OpenFisca: ``bacasable validate`` compares a stored estimate's hash with
:func:`inputs_hash` of the persona as it is now, in a fraction of a second.

The persona's ``situation`` gives the inputs:

- **salaries**, net ("montant net social") and by month of *payment*, as the CAF counts them:
  ``situation.revenus.salaires_nets`` (month ``AAAA-MM`` → euros), or else
  ``situation.caf.ressources`` (each entry's ``verse_le`` date and ``net_social``) for the
  personas of the CAF scenario, whose screens check those very figures. A month not written
  counts as no salary.
- **the month of reference** (the month of the request): ``situation.revenus.mois_de_reference``,
  or else the month after the last salary written. The three months before it are used.
- **the household**: ``situation.caf.foyer`` (its ``enfants`` with their birth dates), else the
  persona alone. A partner (``conjoint``) is not described well enough to be estimated.
- **the housing**: ``situation.caf.logement`` (``statut``, and ``montant_aide_logement`` when
  ``aide_logement`` is true), else a tenant without housing aid.

For example, in a persona file::

    situation:
      revenus:
        mois_de_reference: 2026-11
        salaires_nets:
          2026-08: 1474.16
          2026-09: 1474.16
          2026-10: 0
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from bacasable.scenario.persona_schema import Persona

__all__ = ["EstimateInputError", "EstimateInputs", "estimate_inputs", "inputs_hash"]

Housing = Literal["locataire", "proprietaire", "heberge", "autre"]
HOUSING: tuple[str, ...] = ("locataire", "proprietaire", "heberge", "autre")
_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


class EstimateInputError(ValueError):
    """The persona's data cannot be estimated; the message says why, in plain French."""


@dataclasses.dataclass(frozen=True)
class EstimateInputs:
    """Everything a prime d'activité estimate is computed (and explained) from."""

    first_name: str
    sex: Literal["F", "M"]
    birth_date: dt.date
    #: The month of the request, AAAA-MM.
    month: str
    #: The three months before it, oldest first.
    months: tuple[str, str, str]
    #: Net salaries paid in each of those months, in euros.
    salaries: tuple[float, float, float]
    #: Birth dates of the children living with the persona.
    children: tuple[dt.date, ...] = ()
    #: The persona's place in their home: one of :data:`HOUSING`; None when not described.
    housing: Housing | None = None
    #: Housing aid received each month, in euros.
    housing_aid: float = 0.0

    @property
    def has_earnings(self) -> bool:
        """Whether any salary was paid in the three months."""
        return any(amount > 0 for amount in self.salaries)


def _month(value: Any, where: str) -> str:
    text = value.strftime("%Y-%m") if isinstance(value, dt.date) else str(value).strip()
    if not _MONTH.match(text):
        raise EstimateInputError(f"{where} : « {value} » n'est pas un mois (AAAA-MM, "
                                 "par exemple 2026-11).")
    return text


def _date(value: Any) -> dt.date | None:
    """Return the date written as a YAML date or as AAAA-MM-JJ text; None otherwise."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _shift(month: str, by: int) -> str:
    year, number = int(month[:4]), int(month[5:])
    index = year * 12 + number - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _amount(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EstimateInputError(f"{where} : il faut un montant en euros (par exemple 1087.42).")
    if value < 0:
        raise EstimateInputError(f"{where} : un salaire ne peut pas être négatif.")
    return round(float(value), 2)


def _section(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise EstimateInputError(f"{where}.{key} : il faut des lignes « clé: valeur ».")
    return value


def _salaries(situation: Mapping[str, Any]) -> tuple[dict[str, float], str | None]:
    """Return the net salaries by month of payment, and the month of reference if written."""
    revenus = _section(situation, "revenus", "situation")
    if revenus:
        raw = _section(revenus, "salaires_nets", "situation.revenus")
        where = "situation.revenus.salaires_nets"
        salaries = {_month(m, where): _amount(v, f"{where}.{m}") for m, v in raw.items()}
        reference = revenus.get("mois_de_reference")
        return salaries, (None if reference is None else
                          _month(reference, "situation.revenus.mois_de_reference"))
    ressources = _section(_section(situation, "caf", "situation"), "ressources", "situation.caf")
    salaries = {}
    for key, entry in ressources.items():
        where = f"situation.caf.ressources.{key}"
        paid = _date(entry.get("verse_le")) if isinstance(entry, Mapping) else None
        if paid is None:
            raise EstimateInputError(f"{where} : il faut « verse_le » (AAAA-MM-JJ) et "
                                     "« net_social ».")
        month = _month(paid, f"{where}.verse_le")
        salaries[month] = salaries.get(month, 0.0) + _amount(entry.get("net_social"),
                                                             f"{where}.net_social")
    return salaries, None


def _household(situation: Mapping[str, Any]) -> tuple[tuple[dt.date, ...], Housing | None, float]:
    caf = _section(situation, "caf", "situation")
    foyer = _section(caf, "foyer", "situation.caf")
    if foyer.get("conjoint") or foyer.get("vie_option") == "couple":
        raise EstimateInputError("situation.caf.foyer : l'estimation ne sait pas encore compter "
                                 "un conjoint (ses revenus, son âge).")
    children = []
    for i, child in enumerate(foyer.get("enfants") or []):
        born = _date(child.get("date_naissance")) if isinstance(child, Mapping) else None
        if born is None:
            raise EstimateInputError(f"situation.caf.foyer.enfants.{i} : il faut "
                                     "« date_naissance » (AAAA-MM-JJ).")
        children.append(born)
    logement = _section(caf, "logement", "situation.caf")
    if not logement:
        return tuple(children), None, 0.0
    housing = logement.get("statut")
    if housing not in HOUSING:
        raise EstimateInputError(f"situation.caf.logement.statut : « {housing} » n'est pas "
                                 f"prévu ; valeurs possibles : {', '.join(HOUSING)}.")
    aid = 0.0
    if logement.get("aide_logement"):
        aid = _amount(logement.get("montant_aide_logement"),
                      "situation.caf.logement.montant_aide_logement")
    return tuple(children), housing, aid


def estimate_inputs(persona: Persona) -> EstimateInputs:
    """Return what the persona's prime d'activité is estimated from.

    Parameters
    ----------
    persona : Persona

    Returns
    -------
    EstimateInputs

    Raises
    ------
    EstimateInputError
        When the persona has no salary data at all, or data of the wrong shape (the
        message, in French, names the place to correct).
    """
    situation = persona.situation
    salaries, reference = _salaries(situation)
    if reference is None:
        if not salaries:
            raise EstimateInputError(
                "Aucun revenu décrit : ajoutez situation.revenus, avec mois_de_reference "
                "(AAAA-MM) et salaires_nets (un montant par mois de paiement)."
            )
        reference = _shift(max(salaries), 1)
    months = (_shift(reference, -3), _shift(reference, -2), _shift(reference, -1))
    children, housing, aid = _household(situation)
    return EstimateInputs(
        first_name=persona.first_name,
        sex=persona.sex,
        birth_date=persona.birth.date,
        month=reference,
        months=months,
        salaries=(salaries.get(months[0], 0.0), salaries.get(months[1], 0.0),
                  salaries.get(months[2], 0.0)),
        children=children,
        housing=housing,
        housing_aid=aid,
    )


def inputs_hash(inputs: EstimateInputs) -> str:
    """Return ``sha256:`` and the first 16 hex digits of the inputs' canonical JSON."""
    data = dataclasses.asdict(inputs)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=lambda value: value.isoformat())
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
