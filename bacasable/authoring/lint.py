"""Lint rules for trainers' scenarios: what is valid but will trouble a learner or a trainer.

Each rule is one function ``rule(cat) -> list[Finding]``; every finding is located by file,
line and column with :meth:`Catalogue.locate` and carries a fix in plain French.
:func:`lint_catalogue` runs them all; ``bacasable validate`` calls it after the checks of
:mod:`bacasable.authoring.checks`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from bacasable.scenario.loader import Catalogue, Finding
from bacasable.scenario.persona_hints import screen_texts
from bacasable.scenario.schema import Persona, Scenario

from .diagnostic_checks import diagnostic_texts
from .plain_lint import other_persona_names, unexplained_acronyms

__all__ = [
    "MAX_WORDS",
    "RULES",
    "dangling_branches",
    "duplicate_ids",
    "field_without_help",
    "lint_catalogue",
    "long_sentences",
    "missing_persona_paths",
    "other_persona_names",
    "persona_cannot_finish",
    "unexplained_acronyms",
    "unreachable_screens",
]

#: Past this many words, a sentence is too long for plain language.
MAX_WORDS = 20


def _finding(
    cat: Catalogue,
    key: str,
    loc: tuple,
    message: str,
    fix: str,
    severity: Literal["error", "warning"] = "error",
) -> Finding:
    path, line, col = cat.locate(key, loc)
    return Finding(path, line, col, message, severity=severity, fix=fix)


# --- unreachable screens --------------------------------------------------------------------


def _successors(s: Scenario, index: int) -> list[str]:
    """Return the screens the runner may go to after screen ``index`` (see ``Runner._next_of``)."""
    screen = s.screens[index]
    if screen.end:
        return []
    out = [b.goto for b in screen.next]
    if any(b.when is None for b in screen.next):
        return out
    targets = {b.goto for sc in s.screens for b in sc.next}
    for candidate in s.screens[index + 1:]:
        if not (candidate.end and candidate.id in targets):
            out.append(candidate.id)
            break
    return out


def unreachable_screens(cat: Catalogue) -> list[Finding]:
    """Screens that no path from the first screen reaches (by the order or by a branch)."""
    out = []
    for s in cat.scenarios.values():
        index = {sc.id: i for i, sc in enumerate(s.screens)}
        if any(b.goto not in index for sc in s.screens for b in sc.next):
            continue  # a dangling branch is already an error; the rest would only be noise
        seen = {s.screens[0].id}
        todo = [s.screens[0].id]
        while todo:
            for nxt in _successors(s, index[todo.pop()]):
                if nxt in index and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        for i, screen in enumerate(s.screens):
            if screen.id not in seen:
                out.append(_finding(
                    cat, s.id, ("screens", i, "id"),
                    f"l'écran « {screen.id} » n'est jamais atteint depuis le premier écran",
                    "Ajoutez un « goto: " + screen.id + " » dans le « next » d'un écran, "
                    "ou retirez « end: true » de l'écran qui le précède, ou supprimez cet écran.",
                    "error",
                ))
    return out


# --- references (the checks of checks.py, one rule each) ---------------------------------


def dangling_branches(cat: Catalogue) -> list[Finding]:
    """Branches whose ``goto`` names no screen of the scenario."""
    out = []
    for s in cat.scenarios.values():
        ids = {sc.id for sc in s.screens}
        for si, screen in enumerate(s.screens):
            for bi, branch in enumerate(screen.next):
                if branch.goto not in ids:
                    out.append(_finding(
                        cat, s.id, ("screens", si, "next", bi, "goto"),
                        f"écran cible inconnu : {branch.goto}",
                        "Écrivez l'identifiant (id) d'un écran de ce scénario.",
                    ))
    return out


def _screens_on_path(scenario: Scenario, persona: Persona) -> set[str]:
    """Return the screens a persona goes through (every screen, if it cannot finish)."""
    from bacasable.run.autoplay import play_through
    from bacasable.run.runner import Runner

    every = {s.id for s in scenario.screens}
    try:
        played = play_through(Runner(scenario, persona, seed=0))
    except Exception:  # a broken scenario (a branch to nowhere): the checks say why
        return every
    return set(played.path) if played.finished else every


def missing_persona_paths(cat: Catalogue) -> list[Finding]:
    """Find the ``expected: {persona: …}`` paths a persona lacks on a screen of its own path.

    A branch the persona never takes (FranceConnect, for a persona with no account for it)
    needs none of its data.
    """
    from bacasable.personas.derived import has_path

    out = []
    for s in cat.scenarios.values():
        paths = {pid: _screens_on_path(s, cat.personas[pid]) for pid in s.personas
                 if pid in cat.personas}
        for si, screen in enumerate(s.screens):
            for fi, spec in enumerate(screen.fields):
                if spec.expected is None or not spec.expected.persona:
                    continue
                for persona_id in s.personas:
                    persona = cat.personas.get(persona_id)
                    if persona is None or screen.id not in paths[persona_id]:
                        continue
                    if not has_path(persona, spec.expected.persona):
                        out.append(_finding(
                            cat, s.id, ("screens", si, "fields", fi, "expected", "persona"),
                            f"le persona {persona_id} n'a pas de donnée "
                            f"« {spec.expected.persona} »",
                            "Ajoutez cette donnée au persona ou corrigez le chemin.",
                        ))
    return out


# --- fields without hint or error message ---------------------------------------------------


def field_without_help(cat: Catalogue) -> list[Finding]:
    """Fields without two or three levels of hints, or with no error message (warnings)."""
    out = []
    for s in cat.scenarios.values():
        for si, screen in enumerate(s.screens):
            for fi, spec in enumerate(screen.fields):
                loc = ("screens", si, "fields", fi, "id")
                if not spec.hints:
                    out.append(_finding(
                        cat, s.id, loc, f"le champ « {spec.id} » n'a pas d'indice (hints)",
                        "Ajoutez « hints: » avec deux ou trois phrases qui aident, "
                        "de la plus douce à la plus claire.",
                        "warning",
                    ))
                elif not 2 <= len(spec.hints) <= 3:
                    out.append(_finding(
                        cat, s.id, loc,
                        f"le champ « {spec.id} » a {len(spec.hints)} indice(s) : "
                        "il en faut deux ou trois",
                        "Écrivez deux ou trois indices, du plus doux au plus clair : "
                        "d'abord où chercher, puis quoi recopier.",
                        "warning",
                    ))
                if not spec.errors:
                    out.append(_finding(
                        cat, s.id, loc,
                        f"le champ « {spec.id} » n'a pas de message d'erreur (errors)",
                        "Ajoutez « errors: » avec au moins « required: » et le message "
                        "du vrai site.",
                        "warning",
                    ))
    return out


# --- duplicate ids --------------------------------------------------------------------------


def duplicate_ids(cat: Catalogue) -> list[Finding]:
    """Two scenario files of the same folder with the same id (one would hide the other)."""
    out = []
    by_folder: dict[tuple[Path, str], list[Path]] = {}
    for path, tree in cat.trees.items():
        if path.parent.name == "personas" or not hasattr(tree, "get"):
            continue
        sid = tree.get("id")
        if isinstance(sid, str):
            by_folder.setdefault((path.parent.resolve(), sid), []).append(path)
    for (_folder, sid), paths in sorted(by_folder.items()):
        if len(paths) < 2:
            continue
        paths = sorted(paths)
        for path in paths[1:]:
            tree = cat.trees[path]
            line, col = tree.lc.key("id") if hasattr(tree, "lc") else (0, 0)
            out.append(Finding(
                str(path), line + 1, col + 1,
                f"identifiant de scénario en double : « {sid} » (déjà dans {paths[0].name})",
                fix="Donnez un autre id à l'un des deux fichiers, par exemple "
                f"« {sid}-variante ».",
            ))
    return out


# --- long sentences -------------------------------------------------------------------------

# A line break ends a sentence too: a paragraph of a message (its blank lines folded).
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n\s*\n|\n\s*[-•]\s+|\n")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\d+(?:[.,]\d+)*")


def _sentences(text: str) -> Iterator[tuple[str, int]]:
    for sentence in _SENTENCE_END.split(text):
        words = _WORD.findall(sentence)
        yield sentence.strip(), len(words)


def _texts(s: Scenario) -> Iterator[tuple[tuple, str]]:
    """Every learner-facing text of the scenario, with its location."""
    yield ("title",), s.title
    for si, screen in enumerate(s.screens):
        yield from screen_texts(screen, ("screens", si), title=True)
    yield from diagnostic_texts(s)


def long_sentences(cat: Catalogue) -> list[Finding]:
    """Sentences of learner-facing texts longer than :data:`MAX_WORDS` words (warnings)."""
    out = []
    for s in cat.scenarios.values():
        for loc, text in _texts(s):
            for sentence, count in _sentences(text):
                if count > MAX_WORDS:
                    start = " ".join(sentence.split()[:6])
                    out.append(_finding(
                        cat, s.id, loc,
                        f"phrase trop longue ({count} mots, {MAX_WORDS} au plus) : "
                        f"« {start}… »",
                        "Coupez-la en deux phrases courtes : une idée par phrase.",
                        "warning",
                    ))
    return out


# --- personas that cannot finish ------------------------------------------------------------


def persona_cannot_finish(cat: Catalogue, today: dt.date | None = None) -> list[Finding]:
    """Each persona of a scenario plays it through with its own data; report where it is stuck."""
    from bacasable.run.autoplay import play_through
    from bacasable.run.runner import Runner

    out = []
    for s in cat.scenarios.values():
        index = {sc.id: i for i, sc in enumerate(s.screens)}
        if any(b.goto not in index for sc in s.screens for b in sc.next):
            continue  # already an error; playing would only repeat it
        for persona_id in s.personas:
            persona = cat.personas.get(persona_id)
            if persona is None:
                continue
            try:
                result = play_through(Runner(s, persona, seed=3, today=today))
            except Exception as exc:  # noqa: BLE001 - a trainer's file must not crash validate
                out.append(_finding(
                    cat, s.id, ("personas",),
                    f"le persona {persona_id} ne peut pas jouer ce scénario : {exc}",
                    "Vérifiez les conditions (when) et les réponses attendues (expected).",
                ))
                continue
            if result.finished:
                continue
            if result.stuck_on is None:
                last = result.path[-1] if result.path else s.screens[0].id
                out.append(_finding(
                    cat, s.id, ("screens", index.get(last, 0), "id"),
                    f"le persona {persona_id} n'arrive pas à la fin : il s'arrête "
                    f"à l'écran « {last} »",
                    "Vérifiez l'ordre des écrans, les « next » et les « end: true ».",
                ))
                continue
            si = index[result.stuck_on]
            screen = s.screens[si]
            fields = {f.id: i for i, f in enumerate(screen.fields)}
            detail = ", ".join(f"{fid} ({kind})" for fid, kind in result.errors.items())
            first = next(iter(result.errors), None)
            loc = ("screens", si, "fields", fields[first]) if first in fields else (
                "screens", si, "id")
            out.append(_finding(
                cat, s.id, loc,
                f"le persona {persona_id} reste bloqué à l'écran « {screen.id} » : "
                f"{detail or 'aucun champ en erreur'}",
                "Vérifiez la réponse attendue (expected) et les règles (rules) de ces champs, "
                "ou les données du persona.",
            ))
    return out


#: Every lint rule, in the order ``validate`` reports them.
RULES: dict[str, Callable[[Catalogue], list[Finding]]] = {
    "unreachable_screens": unreachable_screens,
    "dangling_branches": dangling_branches,
    "missing_persona_paths": missing_persona_paths,
    "field_without_help": field_without_help,
    "duplicate_ids": duplicate_ids,
    "long_sentences": long_sentences,
    "persona_cannot_finish": persona_cannot_finish,
    "unexplained_acronyms": unexplained_acronyms,
    "other_persona_names": other_persona_names,
}

#: Rules already reported by :func:`bacasable.authoring.checks.check_catalogue`.
IN_CHECKS = frozenset({"dangling_branches", "missing_persona_paths"})


def lint_catalogue(cat: Catalogue, *, skip_checked: bool = True) -> list[Finding]:
    """Return the findings of every lint rule (by default, not those ``checks`` already gives)."""
    out: list[Finding] = []
    for name, rule in RULES.items():
        if skip_checked and name in IN_CHECKS:
            continue
        out.extend(rule(cat))
    return out
