"""One learner's run through one scenario: a state machine over screens that emits typed events."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any, Literal

from bacasable.personas.derived import fill_text
from bacasable.scenario.lesson_schema import LESSON_ROLES
from bacasable.scenario.persona_hints import hints_for
from bacasable.scenario.schema import FieldSpec, Persona, Scenario, Screen, ScreenEvent

from .events import EventType, RunEvent
from .fields import FieldContext, FieldResult, check_field
from .messages import Message, file_number, fill_message
from .quiz import QuizState, give_answer
from .screen_path import expected_path, next_screen

Status = Literal["running", "finished", "abandoned"]
Listener = Callable[[RunEvent], None]


@dataclasses.dataclass
class ScreenStats:
    """What the learner did on one screen, for the closing summary."""

    errors: int = 0
    hints: int = 0
    seconds: float = 0.0
    visits: int = 0


class Runner:
    """The state of one run: current screen, answers, errors, hints, timings and messages.

    Answers live in memory only, for the review screen; listeners receive :class:`RunEvent`
    values that carry ids, error kinds and timings, never what was typed.
    """

    def __init__(
        self,
        scenario: Scenario,
        persona: Persona,
        *,
        seed: int | None = None,
        today: dt.date | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.scenario = scenario
        self.persona = persona
        self.today = today or dt.date.today()
        self._clock = clock
        self._random = random.Random(seed)
        self._listeners: list[Listener] = []
        #: Every event of the run so far, in order.
        self.log: list[RunEvent] = []
        #: Valid answers by screen id then field id (normalised values, in memory only).
        self.answers: dict[str, dict[str, FieldResult]] = {}
        #: Last result of each field of the current screen, by field id.
        self.results: dict[str, FieldResult] = {}
        #: What the learner last typed on the current screen, to show it back after an error.
        self.drafts: dict[str, Any] = {}
        #: Hints already shown, by ``screen_id.field_id`` (or ``screen_id.`` for the screen).
        self.hints_used: dict[str, int] = {}
        #: The last hint shown: its text, level and field.
        self.last_hint: dict[str, Any] | None = None
        self.stats: dict[str, ScreenStats] = {s.id: ScreenStats() for s in scenario.screens}
        self.messages: list[Message] = []
        self.codes: dict[str, str] = {}
        self.receipt_number: str | None = None
        #: Whether the receipt shows its number as a QR code too.
        self.receipt_qr = False
        self.cookies_pending = False
        self.warning: str | None = None
        self.status: Status = "running"
        #: The answers given to each quiz, by screen id.
        self.quizzes: dict[str, QuizState] = {}
        #: The facilitator skips the lessons and quizzes for the room: the path leaves them out.
        self.skip_lessons = False
        self.history: list[str] = []
        self.started_at = self._clock()
        self._entered_at = self.started_at
        self.current_id = scenario.screens[0].id
        self._emit("started")
        self._enter(self.current_id)

    # --- events -----------------------------------------------------------------------------

    def subscribe(self, listener: Listener, *, replay: bool = True) -> None:
        """Call ``listener`` with every event of this run, past ones first when ``replay``."""
        if replay:
            for event in self.log:
                listener(event)
        self._listeners.append(listener)

    def _emit(self, type_: EventType, **kw: Any) -> None:
        event = RunEvent(type=type_, scenario_id=self.scenario.id, **kw)
        self.log.append(event)
        for listener in list(self._listeners):
            listener(event)

    def text(self, template: str | None) -> str | None:
        """Fill the persona's values (``{first_name}``, ``{birth.date}``…) in a scenario text."""
        if template is None:
            return None
        return fill_text(self.persona, template)

    # --- navigation -------------------------------------------------------------------------

    @property
    def screen(self) -> Screen:
        """The screen shown now."""
        return self.scenario.screen(self.current_id)

    def _answer(self, ref: str) -> Any:
        screen_id, field_id = ref.split(".", 1)
        result = self.answers.get(screen_id, {}).get(field_id)
        return None if result is None else result.value

    def _skipped(self, screen_id: str) -> bool:
        return self.skip_lessons and self.scenario.screen(screen_id).role in LESSON_ROLES

    def _next_of(self, screen: Screen) -> str | None:
        target = next_screen(self.scenario, screen, self._answer)
        while target is not None and self._skipped(target):
            target = next_screen(self.scenario, self.scenario.screen(target), self._answer)
        return target

    def path(self) -> list[str]:
        """Return the screens of this run from first to last, as the answers make it now."""
        return [s for s in expected_path(self.scenario, self._answer) if not self._skipped(s)]

    def step(self) -> tuple[int, int]:
        """Return (number of the current screen, number of screens) on the expected path."""
        path = self.path()
        if self.current_id in path:
            return path.index(self.current_id) + 1, len(path)
        return len(self.history) + 1, max(len(path), len(self.history) + 1)

    def _enter(self, screen_id: str) -> None:
        self.current_id = screen_id
        self._entered_at = self._clock()
        self.results = {}
        self.drafts = {}
        self.warning = None
        self.last_hint = None
        self.stats[screen_id].visits += 1
        screen = self.screen
        self._emit("screen_entered", screen_id=screen_id)
        for event in screen.events:
            self._fire(event)
        if screen.role == "receipt" or (screen.end and not screen.fields):
            self._finish()

    def _fire(self, event: ScreenEvent) -> None:
        values = {
            "first_name": self.persona.first_name,
            "last_name": self.persona.last_name,
        }
        if event.kind in ("sms", "email"):
            code = self.codes.get(event.id)
            if code is None:
                code = f"{self._random.randrange(10**6):06d}"
                self.codes[event.id] = code
            values["code"] = code
            self.messages.append(
                Message(
                    id=f"{event.id}-{len(self.messages) + 1}",
                    kind=event.kind,
                    # Then the persona's own values ({situation.…}), as in the screens' texts.
                    sender=self.text(event.sender or self.scenario.service),
                    subject=self.text(fill_message(event.subject or "", values)) or None,
                    text=self.text(fill_message(event.message or "", values)),
                    at=time.time(),
                )
            )
        elif event.kind == "cookies":
            self.cookies_pending = True
        elif event.kind == "receipt" and self.receipt_number is None:
            self.receipt_number = file_number(event.number_pattern or "####-####-##",
                                              self._random)
            self.receipt_qr = event.qr

    def _leave(self) -> float:
        seconds = max(0.0, self._clock() - self._entered_at)
        self.stats[self.current_id].seconds += seconds
        return seconds

    def _finish(self) -> None:
        if self.status == "running":
            self.status = "finished"
            self._emit("finished", screen_id=self.current_id,
                       seconds=round(self._clock() - self.started_at, 3))

    # --- learner actions --------------------------------------------------------------------

    def _context(self) -> FieldContext:
        current = {fid: r.value for fid, r in self.results.items() if r.ok}
        return FieldContext(persona=self.persona, screen_answers=current, codes=dict(self.codes),
                            today=self.today)

    def _field(self, field_id: str) -> FieldSpec | None:
        for spec in self.screen.fields:
            if spec.id == field_id:
                return spec
        return None

    def check(self, field_id: str, raw: Any) -> FieldResult | None:
        """Check one field as the learner leaves it; return None for an unknown field."""
        if self.screen.role == "quiz":  # the page confirms a quiz's answer this way
            self.answer(raw)
            return None
        spec = self._field(field_id)
        if spec is None or self.status != "running":
            return None
        result = check_field(spec, raw, self._context())
        self._record(spec, raw, result)
        return result

    def _record(self, spec: FieldSpec, raw: Any, result: FieldResult) -> None:
        self.results[spec.id] = result
        # A value that looked like real personal data is forgotten at once, and the warning
        # shown even when the field has another error (a real NIR rarely fits the persona).
        self.drafts[spec.id] = None if result.warning else raw
        if result.warning:
            self.warning = result.warning
            self._emit("personal_data_warning", screen_id=self.current_id, field_id=spec.id)
        # Real data alone is not counted as the learner's error: the warning says it all.
        if not result.ok and result.error_kind != "personal_data":
            self.stats[self.current_id].errors += 1
            self._emit("field_error", screen_id=self.current_id, field_id=spec.id,
                       error_kind=result.error_kind)

    def submit(self, values: dict[str, Any] | None = None) -> bool:
        """Check every field of the screen with ``values``; go on when all are right.

        Returns True when the run moved to another screen (or finished).
        """
        if self.status != "running":
            return False
        values = values if isinstance(values, dict) else {}
        screen = self.screen
        if screen.role == "quiz" and not self.answer(values.get("answer")):
            return False  # a quiz goes on once its right answer is found
        self.results = {}
        self.warning = None
        all_ok = True
        for spec in screen.fields:
            # Checked in order, so that ``same_as`` sees the fields above it.
            result = check_field(spec, values.get(spec.id), self._context())
            self._record(spec, values.get(spec.id), result)
            all_ok = all_ok and result.ok
        if not all_ok:
            return False
        self.answers[screen.id] = dict(self.results)
        seconds = self._leave()
        self._emit("screen_done", screen_id=screen.id, seconds=round(seconds, 3))
        return self._go_on(screen)

    def _go_on(self, screen: Screen) -> bool:
        """Leave ``screen`` for the next one, or finish the run when it was the last."""
        target = self._next_of(screen)
        if target is None:
            self._finish()
        else:
            self.history.append(screen.id)
            self._enter(target)
        return True

    def answer(self, answer_id: Any) -> bool:
        """Answer this screen's quiz (:func:`~bacasable.run.quiz.give_answer`); True once solved.

        A ``quiz_answered`` event carries the answer's id, whether it is right and whether it
        is the first try.
        """
        screen = self.screen
        if self.status != "running" or screen.role != "quiz":
            return False
        state = self.quizzes.setdefault(screen.id, QuizState())
        choice = give_answer(state, screen, answer_id)
        if choice is not None:
            self._emit("quiz_answered", screen_id=screen.id, answer_id=choice.id,
                       correct=choice.correct, first_time=state.tries == 1)
        return state.solved

    def back(self) -> bool:
        """Go back to the previous screen; its answers are shown again."""
        if not self.history or self.status != "running":
            return False
        self._leave()
        self._emit("went_back", screen_id=self.current_id)
        previous = self.history.pop()
        self._enter(previous)
        self.drafts = {fid: r.value for fid, r in self.answers.get(previous, {}).items()}
        return True

    def go_to(self, screen_id: str) -> bool:
        """Jump to a screen (the facilitator brings the room there)."""
        if self.status != "running":
            return False
        try:
            self.scenario.screen(screen_id)
        except KeyError:
            return False
        self._leave()
        if screen_id != self.current_id:
            self.history.append(self.current_id)
        self._enter(screen_id)
        return True

    def resume(self, screens_done: list[str], screen_id: str, *, errors: int = 0,
               hints: int = 0) -> bool:
        """Put a reopened run back at the start of ``screen_id``, after ``screens_done``.

        Answers are never stored, so earlier screens come back empty on the review screen; the
        counters of errors and hints carry on. Nothing is emitted for the screens skipped.
        Returns False, and changes nothing, when a screen id is unknown.
        """
        known = {s.id for s in self.scenario.screens}
        if screen_id not in known or any(s not in known for s in screens_done):
            return False
        self.history = [s for s in screens_done if s != screen_id]
        first = self.history[0] if self.history else screen_id
        self.stats[first].errors += max(0, int(errors))
        self.stats[first].hints += max(0, int(hints))
        for done in self.history:
            # Answers are not kept: the review screen says so rather than showing blanks.
            self.answers.setdefault(done, {})
        self._emit("resumed", screen_id=screen_id)
        self._enter(screen_id)
        return True

    def hint(self, field_id: str | None = None) -> str | None:
        """Show the next hint (the persona's own, if any), or return None when there is none.

        The hint is for ``field_id``, else the first field in error, else the first to fill.
        """
        screen, who = self.screen, self.persona.id  # hints may differ by persona
        spec = self._field(field_id) if field_id else None
        if spec is None:
            wrong = [f for f in screen.fields if f.id in self.results and not self.results[f.id].ok]
            todo = [f for f in screen.fields if f.id not in self.results]
            candidates = [f for f in wrong + todo if hints_for(f, who)]
            candidates = candidates or [f for f in screen.fields if hints_for(f, who)]
            spec = candidates[0] if candidates else None
        hints = hints_for(spec, who)
        if spec is None or not hints:
            return None
        key = f"{screen.id}.{spec.id}"
        used = self.hints_used.get(key, 0)
        level = self.hints_used[key] = min(used + 1, len(hints))
        self.stats[screen.id].hints += int(level > used)
        text = self.text(hints[level - 1]) or ""
        self.last_hint = {"field_id": spec.id, "level": level, "count": len(hints),
                          "text": text, "label": self.text(spec.label)}
        self._emit("hint_shown", screen_id=screen.id, field_id=spec.id, hint_level=level)
        return text

    def answer_cookies(self, accept: bool) -> None:
        """Close the cookie banner (the choice is not kept: nothing is tracked here)."""
        self.cookies_pending = False

    def abandon(self) -> None:
        """Stop the run before its end."""
        if self.status == "running":
            self._leave()
            self.status = "abandoned"
            self._emit("abandoned", screen_id=self.current_id)

    # --- what the learner sees -------------------------------------------------------------

    def review(self) -> list[dict[str, Any]]:
        """Return the answers so far, screen by screen, as the review screen lists them."""
        out = []
        for screen_id in self.history:
            screen = self.scenario.screen(screen_id)
            answers = self.answers.get(screen_id, {})
            items = [
                {"label": f.label, "display": answers[f.id].display or "—"}
                for f in screen.fields
                if f.id in answers and f.kind not in ("code",)
            ]
            if items:
                out.append({"screen_id": screen_id, "title": screen.title, "items": items})
        return out

    def summary(self) -> dict[str, Any]:
        """Return what the learner did well and where it was hard, for the closing screen."""
        done = [sid for sid in self.history if sid in self.answers]
        clean = [sid for sid in done if self.stats[sid].errors == 0 and self.stats[sid].hints == 0]
        return {
            "screens_done": len(done) + (1 if self.status == "finished" else 0),
            "screens_without_help": len(clean),
            "errors": sum(s.errors for s in self.stats.values()),
            "hints": sum(s.hints for s in self.stats.values()),
            "minutes": round((self._clock() - self.started_at) / 60, 1),
            "hardest": [
                self.scenario.screen(sid).title
                for sid in sorted(done, key=lambda s: -self.stats[s].errors)
                if self.stats[sid].errors
            ][:2],
        }
