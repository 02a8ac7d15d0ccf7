"""The projected walkthrough: a facilitator presents a procedure screen by screen, field by field.

:class:`Walkthrough` plays the scenario with the persona's own answers
(:func:`bacasable.run.autoplay.answers_for_screen`) to know the screens of that persona's path and
what it types on each; then it steps through them: a position is a screen of that path and a
field of that screen (``-1``: the screen as it opens, no field yet). At each position it gives
the learner's very screen (:func:`bacasable.run.view.screen_view`) with the fields filled so far,
the callout in plain words, the usual mistake and the facilitator's notes.

What the room of a workshop actually did on each screen is in :mod:`bacasable.workshop.room_errors`.
Pure Python: no widget here.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any

from bacasable.personas.derived import fill_text
from bacasable.run.autoplay import MAX_STEPS, answers_for_screen
from bacasable.run.runner import Runner
from bacasable.run.view import screen_view
from bacasable.scenario.schema import FieldSpec, Persona, Scenario, Screen

from .room_errors import ERROR_WORDS, room_sentence, room_stats

__all__ = [
    "Step",
    "Walkthrough",
    "field_callout",
    # Still importable from here, where callers found them before: they live in room_errors.
    "ERROR_WORDS",
    "room_sentence",
    "room_stats",
]

#: How to fill each kind of field, for the generated callouts.
_HOW = {
    "date": "Ici, tapez « {label} » : le jour, le mois, puis l'année",
    "address": "Ici, tapez « {label} » : le numéro et la rue, le code postal, puis la ville",
    "radio": "Ici, choisissez une réponse : « {label} »",
    "yesno": "Ici, répondez par oui ou par non : « {label} »",
    "select": "Ici, choisissez dans la liste : « {label} »",
    "checkboxes": "Ici, cochez les cases qui vous concernent : « {label} »",
    "consent": "Ici, cochez la case pour accepter : « {label} »",
    "upload": "Ici, choisissez le bon document : « {label} »",
    "code": "Ici, tapez le code reçu : « {label} »",
    "password": "Ici, tapez le mot de passe : « {label} »",
    "message": "Ici, écrivez le message : « {label} »",
}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def field_callout(spec: FieldSpec) -> str:
    """Return the callout of a field: its ``walkthrough.callout``, else a plain generated one.

    The generated sentence says what to do from the kind and the label, then adds the help
    ("Ici, tapez « Date de naissance » : le jour, le mois, puis l'année. Exemple : …").
    """
    if spec.walkthrough is not None and spec.walkthrough.callout:
        return spec.walkthrough.callout
    template = _HOW.get(spec.kind, "Ici, tapez « {label} »")
    text = _sentence(template.format(label=spec.label.rstrip(" :")))
    # French typography: no line break inside the quotes.
    text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    if spec.help:
        text += " " + _sentence(spec.help)
    return text


def _screen_callout(screen: Screen) -> str:
    if screen.walkthrough is not None and screen.walkthrough.callout:
        return screen.walkthrough.callout
    if screen.role == "receipt":
        return "C'est fini : la demande est envoyée. On note le numéro de dossier."
    if screen.role == "review":
        return "On relit toutes les réponses avant de valider."
    if screen.fields:
        count = len(screen.fields)
        what = "une question" if count == 1 else f"{count} questions"
        return f"Cet écran, « {screen.title} », pose {what}."
    return f"Cet écran, « {screen.title} », donne des informations : on les lit ensemble."


@dataclasses.dataclass(frozen=True)
class Step:
    """One screen of the persona's path: what the learner sees on arrival and what it types."""

    screen: Screen
    #: :func:`bacasable.run.view.screen_view` on arrival (fields empty).
    view: dict[str, Any]
    #: The persona's answers, in the browser's shape, by field id.
    answers: dict[str, Any]


def _play(scenario: Scenario, persona: Persona, today: dt.date | None, seed: int) -> list[Step]:
    run = Runner(scenario, persona, seed=seed, today=today)
    steps: list[Step] = []
    for _ in range(MAX_STEPS):
        answers = answers_for_screen(run)
        steps.append(Step(run.screen, screen_view(run), answers))
        if run.status != "running":
            break
        before = run.current_id
        if not run.submit(answers) or run.current_id == before:
            break
    return steps


class Walkthrough:
    """The facilitator's walkthrough of one scenario with one persona.

    Parameters
    ----------
    scenario, persona
        What is presented; the screens are those of this persona's own path.
    today
        The day of the simulation (dates "within N days"); default: today.
    seed
        Seed of the codes and file numbers shown.

    Attributes
    ----------
    steps : list of Step
        The persona's path, first screen to last.
    screen_index : int
        The screen shown (index in ``steps``).
    field_index : int
        The field highlighted on it; ``-1``: the screen as it opens, no field yet.
    """

    def __init__(self, scenario: Scenario, persona: Persona, *, today: dt.date | None = None,
                 seed: int = 0) -> None:
        self.scenario = scenario
        self.persona = persona
        self.steps = _play(scenario, persona, today, seed)
        self.screen_index = 0
        self.field_index = -1

    # --- where we are ---------------------------------------------------------------------------

    @property
    def step(self) -> Step:
        """The screen shown now."""
        return self.steps[self.screen_index]

    @property
    def screen(self) -> Screen:
        """The scenario's screen shown now."""
        return self.step.screen

    @property
    def field(self) -> FieldSpec | None:
        """The field highlighted now (None before the first field)."""
        if self.field_index < 0:
            return None
        return self.screen.fields[self.field_index]

    @property
    def path(self) -> list[str]:
        """The ids of the screens of this persona's path."""
        return [s.screen.id for s in self.steps]

    @property
    def position(self) -> tuple[int, int]:
        """(screen index, field index)."""
        return self.screen_index, self.field_index

    @property
    def at_start(self) -> bool:
        """The first screen is shown as it opens."""
        return self.screen_index == 0 and self.field_index == -1

    @property
    def at_end(self) -> bool:
        """The last screen is shown with all its fields filled."""
        last = len(self.steps) - 1
        return self.screen_index == last and self.field_index == len(self.screen.fields) - 1

    # --- moving -----------------------------------------------------------------------------------

    def go(self, screen_index: int, field_index: int = -1) -> bool:
        """Go to a position (clamped); return True when it changed."""
        screen_index = max(0, min(int(screen_index), len(self.steps) - 1))
        count = len(self.steps[screen_index].screen.fields)
        field_index = max(-1, min(int(field_index), count - 1))
        changed = (screen_index, field_index) != self.position
        self.screen_index, self.field_index = screen_index, field_index
        return changed

    def next_field(self) -> bool:
        """Highlight the next field, or open the next screen after the last one."""
        if self.field_index < len(self.screen.fields) - 1:
            return self.go(self.screen_index, self.field_index + 1)
        return self.next_screen()

    def prev_field(self) -> bool:
        """Highlight the previous field, or go back to the previous screen's last field."""
        if self.field_index >= 0:
            return self.go(self.screen_index, self.field_index - 1)
        if self.screen_index == 0:
            return False
        previous = self.steps[self.screen_index - 1]
        return self.go(self.screen_index - 1, len(previous.screen.fields) - 1)

    def next_screen(self) -> bool:
        """Open the next screen of the path (no field highlighted yet)."""
        if self.screen_index >= len(self.steps) - 1:
            return False
        return self.go(self.screen_index + 1, -1)

    def prev_screen(self) -> bool:
        """Open the previous screen (the first one opens again from its start)."""
        return self.go(max(0, self.screen_index - 1), -1)

    # --- what is shown ----------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Return the persona's answers typed so far (up to the highlighted field)."""
        return {f.id: self.step.answers.get(f.id)
                for f in self.screen.fields[: self.field_index + 1]}

    def view(self) -> dict[str, Any]:
        """Return the learner's screen as it looks now: :func:`screen_view` with the values so far.

        Timers, cookie banners, hints and warnings are left out: the room looks at the form.
        """
        view = copy.deepcopy(self.step.view)
        typed = self.values()
        for field in view["screen"]["fields"]:
            value = typed.get(field["id"])
            if field["kind"] == "password":
                value = None  # never shown, as on the learner's page
            field["value"] = value
            field["error"] = None
            field["error_kind"] = None
        view.update(timeout_after=None, cookies=False, hint=None, warning=None, errors=[])
        return view

    def callout(self) -> str:
        """Return the callout of the highlighted field (of the screen, before the first)."""
        field = self.field
        text = _screen_callout(self.screen) if field is None else field_callout(field)
        return fill_text(self.persona, text)

    def common_error(self) -> str | None:
        """Return the usual mistake here: a ``common_error``, else an error message."""
        text = self._common_error()
        return None if text is None else fill_text(self.persona, text)

    def _common_error(self) -> str | None:
        field = self.field
        if field is not None and field.walkthrough and field.walkthrough.common_error:
            return field.walkthrough.common_error
        screen = self.screen
        if screen.walkthrough and screen.walkthrough.common_error:
            return screen.walkthrough.common_error
        others = [f for f in screen.fields if f is not field]
        for spec in ([field] if field is not None else []) + others:
            if spec.walkthrough and spec.walkthrough.common_error:
                return spec.walkthrough.common_error
        for spec in ([field] if field is not None else []) + others:
            for kind, message in spec.errors.items():
                if kind != "required":
                    return f"Le site répond : « {message} »"
        return None

    def notes(self) -> list[str]:
        """Return the facilitator's notes: the screen's, then the highlighted field's."""
        out = []
        if self.screen.walkthrough and self.screen.walkthrough.notes:
            out.append(fill_text(self.persona, self.screen.walkthrough.notes))
        field = self.field
        if field is not None and field.walkthrough and field.walkthrough.notes:
            out.append(fill_text(self.persona, field.walkthrough.notes))
        return out

    def label(self) -> str:
        """Where we are, in plain French: "Écran 2 sur 7 · champ 1 sur 3"."""
        text = f"Écran {self.screen_index + 1} sur {len(self.steps)}"
        count = len(self.screen.fields)
        if count and self.field_index >= 0:
            text += f" · champ {self.field_index + 1} sur {count}"
        return text

    def state(self) -> dict[str, Any]:
        """Everything the projector shows beside the screen, as JSON-ready data."""
        field = self.field
        return {
            "scenario_id": self.scenario.id,
            "persona_id": self.persona.id,
            "screen_index": self.screen_index,
            "screen_count": len(self.steps),
            "screen_id": self.screen.id,
            "screen_title": self.screen.title,
            "field_index": self.field_index,
            "field_count": len(self.screen.fields),
            "field_id": field.id if field is not None else None,
            "field_label": field.label if field is not None else None,
            "label": self.label(),
            "callout": self.callout(),
            "common_error": self.common_error(),
            "notes": self.notes(),
            "at_start": self.at_start,
            "at_end": self.at_end,
        }
