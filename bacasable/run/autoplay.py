"""The persona's own answers, as a learner would type them: to play a scenario through by itself.

Used to check that every persona can complete a scenario, to fill the screens of a projected
walkthrough, and by tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from bacasable.personas.derived import documents, resolve
from bacasable.scenario.schema import FieldSpec

from .quiz import right_answer
from .runner import Runner

#: A safe upper bound on screens played, against branch loops.
MAX_STEPS = 200


def _typed(spec: FieldSpec, value: Any) -> Any:
    """Turn a persona value into what the browser form sends for this field kind."""
    if value is None:
        return None
    if spec.kind == "date":
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return {"day": f"{value.day:02d}", "month": f"{value.month:02d}", "year": str(value.year)}
    if spec.kind == "amount":
        return f"{Decimal(str(value)):.2f}".replace(".", ",")
    if spec.kind == "yesno":
        return "oui" if value in (True, "oui") else "non"
    if spec.kind == "checkboxes":
        return list(value) if isinstance(value, list | tuple) else [value]
    if spec.kind == "consent":
        return bool(value)
    if spec.kind == "address" and isinstance(value, dict):
        return {k: str(value.get(k, "")) for k in ("street", "postcode", "city")}
    return str(value)


def _any_valid(run: Runner, spec: FieldSpec, typed: dict[str, Any]) -> Any:
    """Return a valid answer for a field that accepts any: what a careful learner would choose."""
    rules = {r.rule: r for r in spec.rules}
    if "same_as" in rules:
        return typed.get(str(rules["same_as"].value))
    kind = spec.kind
    if kind in ("radio", "select"):
        return spec.options[0].value
    if kind == "checkboxes":
        return [spec.options[0].value]
    if kind == "yesno":
        return "oui"
    if kind == "consent":
        return True
    if kind == "code" and spec.code_from:
        return run.codes.get(spec.code_from, "")
    if kind == "upload":
        docs = [d for d in documents(run.persona) if d.kind == spec.document]
        return docs[0].id if docs else None
    if kind == "date":
        days = int(rules["within_days"].value or 1) if "within_days" in rules else 0
        when = run.today + dt.timedelta(days=max(1, days // 2)) if days else run.today
        return _typed(spec, when)
    if kind == "email":
        return run.persona.email or "prenom.nom@exemple.fr"
    if kind == "phone":
        return run.persona.phone
    if kind in ("amount", "number"):
        low = rules.get("min")
        return str(int(low.value)) if low is not None and low.value is not None else "1"
    if kind == "password":
        return "Exemple-2026!"
    if kind == "address":
        return _typed(spec, run.persona.address.model_dump())
    if kind == "message":
        return polite_message(run.persona.first_name, run.persona.last_name)
    return "Exemple"


def polite_message(first_name: str, last_name: str) -> str:
    """Return a short polite message to an employer, signed: what a careful learner writes."""
    return ("Bonjour Madame, Monsieur,\n\n"
            "Je vous envoie mon CV pour le poste proposé.\n"
            "Je suis disponible pour un entretien.\n\n"
            f"Cordialement,\n{first_name} {last_name}")


def answers_for_screen(run: Runner) -> dict[str, Any]:
    """Return the persona's answers to every field of the current screen, in the browser's shape.

    On a quiz: ``{"answer": id}``, the right answer (a careful learner finds it).
    """
    if run.screen.role == "quiz":
        right = right_answer(run.screen)
        return {"answer": right.id if right is not None else None}
    typed: dict[str, Any] = {}
    for spec in run.screen.fields:
        expected = spec.expected
        if expected is not None and expected.persona:
            try:
                value = _typed(spec, resolve(run.persona, expected.persona))
            except (KeyError, ValueError, ArithmeticError):
                value = None
        elif expected is not None and expected.value is not None:
            value = _typed(spec, expected.value)
        elif spec.required or spec.rules:
            value = _any_valid(run, spec, typed)
        else:
            value = None
        if value is None and spec.kind == "code" and spec.code_from:
            value = run.codes.get(spec.code_from)
        typed[spec.id] = value
    return typed


@dataclasses.dataclass(frozen=True)
class PlayResult:
    """How a persona fared on a scenario when it answered everything itself."""

    finished: bool
    path: list[str]
    #: Where it got stuck: screen id and the fields in error with their error kind.
    stuck_on: str | None = None
    errors: dict[str, str] = dataclasses.field(default_factory=dict)


def play_through(run: Runner) -> PlayResult:
    """Answer every screen with the persona's own data until the end or a screen that refuses."""
    path = [run.current_id]
    for _ in range(MAX_STEPS):
        if run.status != "running":
            break
        screen_id = run.current_id
        if not run.submit(answers_for_screen(run)):
            errors = {fid: r.error_kind or "?" for fid, r in run.results.items() if not r.ok}
            return PlayResult(False, path, stuck_on=screen_id, errors=errors)
        path.append(run.current_id)
    return PlayResult(run.status == "finished", path)
