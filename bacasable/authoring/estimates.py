"""A persona's stored estimate that no longer matches its data: found by hash, without OpenFisca.

``bacasable validate`` calls :func:`stale_estimates`; the estimate itself is computed by
``bacasable estimate`` (:mod:`bacasable.personas.estimate`).
"""

from __future__ import annotations

from bacasable.common.french_dates import long_date
from bacasable.personas.estimate_inputs import EstimateInputError, estimate_inputs, inputs_hash
from bacasable.scenario.loader import Catalogue, Finding

__all__ = ["stale_estimates"]


def stale_estimates(cat: Catalogue) -> list[Finding]:
    """Return a finding for each persona whose stored prime d'activité estimate is stale.

    Parameters
    ----------
    cat : Catalogue
        The personas loaded (with their files' trees, to locate the findings).

    Returns
    -------
    list of Finding
        A warning with the command to run when the hash of the persona's data (salaries,
        household, housing…) differs from the one stored with the figures; an error when
        that data can no longer be read.
    """
    out = []
    for persona_id, persona in sorted(cat.personas.items()):
        stored = persona.estimates.prime_activite if persona.estimates else None
        if stored is None:
            continue
        key = f"persona:{persona_id}"
        try:
            current = inputs_hash(estimate_inputs(persona))
        except EstimateInputError as exc:
            path, line, col = cat.locate(key, ("situation",))
            out.append(Finding(path, line, col, f"estimation impossible : {exc}",
                               fix=f"Corrigez les données, puis lancez bacasable estimate "
                                   f"{persona_id}"))
            continue
        if current == stored.inputs:
            continue
        path, line, col = cat.locate(key, ("estimates", "prime_activite", "inputs"))
        out.append(Finding(
            path, line, col, f"Estimation périmée : lancez bacasable estimate {persona_id}",
            severity="warning",
            fix=(f"Les données de {persona.first_name} (salaires, foyer ou logement) ont changé "
                 f"depuis le calcul du {long_date(stored.computed_on)}. La commande refait "
                 "l'estimation avec OpenFisca et l'écrit dans le fichier."),
        ))
    return out
