"""``bacasable estimate``: the personas' prime d'activité computed with OpenFisca, written in.

The figures go into each persona's file under ``estimates.prime_activite``, with ruamel's
round trip (comments and layout kept), through a temporary file that must load as a persona
before it replaces the file. A persona whose figures are unchanged is not rewritten, so that
its ``computed_on`` date stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bacasable.scenario.loader import Catalogue, load_catalogue
from bacasable.scenario.persona_schema import PrimeActiviteEstimate

from .command import Command

__all__ = ["EstimateCommand", "write_estimate"]

#: The comment written above ``estimates`` when a file gets it for the first time.
ESTIMATES_COMMENT = (
    "Calculé par « bacasable estimate » avec OpenFisca France (les règles réelles) :\n"
    "ne pas modifier à la main. Relancez la commande si les salaires, le foyer ou le\n"
    "logement changent (bacasable validate le signale)."
)


def _same(stored: PrimeActiviteEstimate | None, fresh: PrimeActiviteEstimate) -> bool:
    """Whether the stored figures are the fresh ones, whatever day they were computed."""
    if stored is None:
        return False
    return stored.model_dump(exclude={"computed_on"}) == fresh.model_dump(
        exclude={"computed_on"})


def _node(figures: PrimeActiviteEstimate) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = CommentedMap()
    for key, value in figures.model_dump().items():
        if key == "months_used":
            value = CommentedSeq(value)
            value.fa.set_flow_style()
        node[key] = value
    return node


def write_estimate(path: Path, figures: PrimeActiviteEstimate) -> None:
    """Write ``figures`` into the persona file at ``path``, keeping its comments and layout.

    Parameters
    ----------
    path : Path
        A persona's YAML file.
    figures : PrimeActiviteEstimate
        Written under ``estimates.prime_activite`` (the key is added at the end of the file
        the first time, with a comment; later, only its values change).

    Raises
    ------
    bacasable.authoring.files.ScenarioFileError
        When the file cannot be read, or would not load as a persona afterwards
        (:class:`~bacasable.authoring.persona_edit.PersonaEditError`): it is left untouched.
    """
    from ruamel.yaml.comments import CommentedMap

    from bacasable.authoring.files import _dump, _with_modeline
    from bacasable.authoring.persona_edit import _write_checked, open_persona
    from bacasable.scenario.persona_schema import Persona

    tree = open_persona(path)
    estimates = tree.get("estimates")
    if not isinstance(estimates, CommentedMap):
        estimates = tree["estimates"] = CommentedMap()
        tree.yaml_set_comment_before_after_key("estimates", before="\n" + ESTIMATES_COMMENT)
    if isinstance(estimates.get("prime_activite"), CommentedMap):
        node = estimates["prime_activite"]
        for key, value in _node(figures).items():
            node[key] = value
    else:
        estimates["prime_activite"] = _node(figures)
    _write_checked(path, _with_modeline(_dump(tree), path, Persona))


class EstimateCommand(Command):
    """Compute the personas' prime d'activité with OpenFisca and write it into their files."""

    name = "bacasable estimate"
    description = ("Calcule la prime d'activité des personas avec OpenFisca (les règles "
                   "réelles) et l'écrit dans leurs fichiers : bacasable estimate [PERSONA …]. "
                   "Sans nom : tous les personas qui ont des revenus décrits.")

    def _chosen(self, cat: Catalogue) -> list[str] | None:
        named = list(dict.fromkeys(self.extra_args))
        unknown = [p for p in named if p not in cat.personas]
        if unknown:
            known = ", ".join(sorted(cat.personas)) or "aucun"
            print(f"Persona inconnu : {', '.join(unknown)}. Personas : {known}.")
            return None
        return named or sorted(cat.personas)

    def start(self) -> None:
        """Run the command."""
        from bacasable.authoring.files import ScenarioFileError
        from bacasable.personas.estimate import (
            EstimateInputError,
            EstimateUnavailable,
            estimate_prime_activite,
        )
        from bacasable.personas.estimate_inputs import estimate_inputs

        cat = load_catalogue(self.settings.all_scenario_dirs())
        chosen = self._chosen(cat)
        if chosen is None:
            self.exit(1)
        named = bool(self.extra_args)
        errors = 0
        for persona_id in chosen:
            persona = cat.personas[persona_id]
            path = cat.sources[f"persona:{persona_id}"]
            try:
                estimate_inputs(persona)
            except EstimateInputError as exc:
                if named or persona.situation.get("revenus") is not None:
                    print(f"{persona_id} : {exc}")
                    errors += 1
                else:
                    print(f"{persona_id} : pas de revenus décrits, rien à estimer.")
                continue
            try:
                figures = estimate_prime_activite(persona)
            except EstimateUnavailable as exc:
                print(exc)
                self.exit(1)
            stored = persona.estimates.prime_activite if persona.estimates else None
            summary = f"{persona_id} : {figures.amount} € par mois ({figures.month})"
            if _same(stored, figures):
                print(f"{summary}, déjà à jour dans {path}.")
                continue
            try:
                write_estimate(path, figures)
            except ScenarioFileError as exc:
                print(f"{persona_id} : le fichier n'a pas été modifié. {exc}")
                errors += 1
                continue
            print(f"{summary}, écrit dans {path}.")
        if errors:
            print(f"{errors} persona(s) sans estimation : corrigez leurs fichiers, puis relancez.")
        self.exit(1 if errors else 0)
