"""Checks across a loaded catalogue: every reference in a scenario points at something real."""

from __future__ import annotations

from collections.abc import Iterator

from bacasable.personas.derived import documents
from bacasable.scenario.loader import Catalogue, Finding
from bacasable.scenario.schema import Scenario

from .diagnostic_checks import diagnostic_findings


def _finding(cat: Catalogue, key: str, loc: tuple, message: str, fix: str) -> Finding:
    path, line, col = cat.locate(key, loc)
    return Finding(path, line, col, message, fix=fix)


def _scenario_findings(cat: Catalogue, s: Scenario) -> Iterator[Finding]:
    screens = {sc.id: sc for sc in s.screens}
    for pi, persona_id in enumerate(s.personas):
        if persona_id not in cat.personas:
            yield _finding(cat, s.id, ("personas", pi), f"persona inconnu : {persona_id}",
                           "Écrivez l'identifiant d'un fichier de scenarios/personas/.")
    for si, screen in enumerate(s.screens):
        if screen.picture is not None:
            kind = screen.picture.document
            for persona_id in s.personas:
                persona = cat.personas.get(persona_id)
                if persona is not None and not any(d.kind == kind for d in documents(persona)):
                    yield _finding(cat, s.id, ("screens", si, "picture", "document"),
                                   f"le persona {persona_id} n'a pas de document « {kind} »",
                                   "Ajoutez ce document au persona, ou montrez-en un autre.")
        fields = {f.id: f for f in screen.fields}
        all_events = {e.id for sc in s.screens for e in sc.events}
        for bi, branch in enumerate(screen.next):
            loc = ("screens", si, "next", bi)
            if branch.when is not None:
                ref_screen, _, ref_field = branch.when.field.partition(".")
                target = screens.get(ref_screen)
                if target is None or ref_field not in {f.id for f in target.fields}:
                    yield _finding(cat, s.id, (*loc, "when", "field"),
                                   f"champ inconnu dans la condition : {branch.when.field}",
                                   "Écrivez « id_de_l_écran.id_du_champ ».")
        for fi, spec in enumerate(screen.fields):
            loc = ("screens", si, "fields", fi)
            if spec.code_from and spec.code_from not in all_events:
                yield _finding(cat, s.id, (*loc, "code_from"),
                               f"envoi inconnu : {spec.code_from}",
                               "Écrivez l'identifiant d'un événement sms ou email.")
            for ri, rule in enumerate(spec.rules):
                if rule.rule == "same_as" and rule.value not in fields:
                    yield _finding(cat, s.id, (*loc, "rules", ri, "value"),
                                   f"champ à recopier inconnu : {rule.value}",
                                   "Écrivez l'id d'un champ du même écran, placé avant.")


def check_catalogue(cat: Catalogue, known: Catalogue | None = None) -> list[Finding]:
    """Return the findings of every cross-reference check on the catalogue.

    ``known``: other scenarios a reference may name (the editor checks one file at a time).
    """
    from .lint import dangling_branches, missing_persona_paths

    out: list[Finding] = []
    for scenario in cat.scenarios.values():
        out.extend(_scenario_findings(cat, scenario))
    # Two checks are also lint rules, with their fixtures: defined once, in lint.py.
    return (out + dangling_branches(cat) + missing_persona_paths(cat)
            + diagnostic_findings(cat, known))
