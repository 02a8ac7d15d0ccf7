"""One exercise on screen: a Runner wired to the site's screen, phone, mailbox and persona card."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any

import ipywidgets

from bacasable.run.diagnostic import runner_for
from bacasable.run.diagnostic_view import with_titles
from bacasable.run.events import RunEvent
from bacasable.run.messages import mail_address
from bacasable.run.runner import Message, Runner
from bacasable.run.view import screen_view
from bacasable.scenario.schema import Persona, Scenario
from widgets.common.base import Action, log
from widgets.common.screen import ScreenView

from .devices import MailboxView, PhoneView
from .persona import PersonaCard
from .reading import ReadingToolbar

#: Shown when anything fails while handling what the learner did (the details go to the log).
PROBLEM_MESSAGE = "Un problème est survenu. Vos réponses sont gardées. Réessayez."
#: Shown when the learner asks for help and the screen has no (more) hint.
NO_HINT_MESSAGE = "Il n'y a pas d'indice pour cette question. Vous pouvez demander à l'animateur."

Listener = Callable[[RunEvent], None]
RunHook = Callable[[Runner], None]

#: What the learner's page may not do while the facilitator has paused the room.
BLOCKED_WHILE_PAUSED = frozenset(
    {"submit", "back", "hint", "check", "cookies", "restart", "catalogue", "give_up"}
)


def _message_view(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "sender": message.sender,
        "subject": message.subject,
        "text": message.text,
        "time": time.strftime("%H:%M", time.localtime(message.at)),
    }


class ScenarioPlayer(ipywidgets.VBox):
    """Play one scenario with one persona: the learner's tools above the simulated site.

    Parameters
    ----------
    scenario : Scenario
        The procedure to practise.
    persona : Persona
        The fictional person the learner plays.
    on_catalogue : callable, optional
        Called with no argument when the learner asks for another exercise.
    runner_options : dict, optional
        Keyword arguments for :class:`~bacasable.run.runner.Runner` (``seed``, ``today``,
        ``clock``), used for every run including restarts.
    exercise_titles : mapping, optional
        The exercises' titles by id, for the end of a diagnostic (the exercises it advises).

    Attributes
    ----------
    runner : Runner
        The current run (a new one after "Recommencer").
    screen : ScreenView
    phone : PhoneView
    mailbox : MailboxView
    persona_card : PersonaCard
    bar : ipywidgets.Box
        The sticky bar at the top of the exercise: the persona's button, the phone, the mailbox,
        then the tools added with :meth:`add_to_bar`.
    reading : ReadingToolbar
        « Lire à voix haute » and the text size, above everything else.
    paused : bool
        The facilitator paused the room: what the learner sends does not move the run
        (the page covers the form meanwhile).

    Notes
    -----
    Every action of the views goes through :meth:`handle`, which never raises: a failure is
    logged to the ``bacasable`` logger and shown as a plain French message, the typed answers
    staying on screen.
    """

    def __init__(
        self,
        scenario: Scenario,
        persona: Persona,
        *,
        on_catalogue: Callable[[], None] | None = None,
        runner_options: dict[str, Any] | None = None,
        exercise_titles: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.scenario = scenario
        self.persona = persona
        self._on_catalogue = on_catalogue
        self._runner_options = dict(runner_options or {})
        self._titles = dict(exercise_titles or {})
        self._listeners: list[Listener] = []
        self._run_hooks: list[RunHook] = []
        self._action_context: Callable[[], AbstractContextManager[Any]] | None = None
        self.paused = False
        self._seq = 0
        self._run = 0
        self.screen = ScreenView()
        self.phone = PhoneView(owner=persona.first_name, address=self._phone_text(persona))
        self.mailbox = MailboxView(owner=persona.first_name, address=persona.email or "")
        self.persona_card = PersonaCard(persona)
        self.reading = ReadingToolbar()
        # One slim bar that stays at the top of the screen: who the learner plays, the phone,
        # the mailbox (and « Lever la main » in a workshop); what they open comes over the form.
        self.bar = ipywidgets.Box([self.persona_card, self.phone, self.mailbox])
        self.bar.add_class("bas-bar")
        super().__init__([self.reading, self.bar, self.screen], **kwargs)
        self.add_class("bas-player")
        for widget in (self.screen, self.phone, self.mailbox, self.persona_card):
            widget.on_action(self.handle)
        self.runner = runner_for(scenario, persona, **self._runner_options)
        self._refresh()

    @staticmethod
    def _phone_text(persona: Persona) -> str:
        phone = persona.phone
        return " ".join(phone[i : i + 2] for i in range(0, len(phone), 2))

    # --- public -------------------------------------------------------------------------------

    def on_event(self, listener: Listener) -> None:
        """Call ``listener`` with every future event of this run and of the runs after a restart.

        Parameters
        ----------
        listener : callable
            Receives each :class:`~bacasable.run.events.RunEvent`.
        """
        self._listeners.append(listener)
        self.runner.subscribe(listener)

    def on_run(self, hook: RunHook) -> None:
        """Call ``hook`` with the current runner now, and with each new one after a restart.

        Parameters
        ----------
        hook : callable
            Receives each :class:`~bacasable.run.runner.Runner`, before the learner acts on it
            (a workshop session attaches it to the store, and may resume it).
        """
        self._run_hooks.append(hook)
        hook(self.runner)

    def wrap_actions(self, context: Callable[[], AbstractContextManager[Any]] | None) -> None:
        """Run each action of the learner inside ``context()`` (e.g. one store transaction).

        Parameters
        ----------
        context : callable or None
            Returns a context manager entered around each action; None for none.
        """
        self._action_context = context

    def refresh(self, notice: str | None = None) -> None:
        """Show the runner's state again (after it was changed from outside), with a notice.

        Parameters
        ----------
        notice : str, optional
            A plain-French message shown near the buttons ("Vous reprenez là où vous étiez.").
        """
        self._refresh(notice=notice)

    def go_to(self, screen_id: str) -> bool:
        """Bring the learner to a screen of this scenario (the facilitator's command).

        Parameters
        ----------
        screen_id : str

        Returns
        -------
        bool
            False, and nothing changes, for an unknown screen or a run that has ended.
        """
        if screen_id == self.runner.current_id or not self.runner.go_to(screen_id):
            return False
        self._refresh("goto")
        return True

    def reveal_hint(self, field_id: str | None = None) -> bool:
        """Show the next hint on the current screen (the facilitator's command).

        Parameters
        ----------
        field_id : str, optional
            The field; default: the one the learner is stuck on, as "J'ai besoin d'aide".

        Returns
        -------
        bool
            False when the screen has no hint (nothing is shown then).
        """
        if self.runner.status != "running":
            return False
        text = self.runner.hint(field_id) if field_id else None
        if text is None:
            text = self.runner.hint()
        if text is None:
            return False
        self._refresh("hint")
        return True

    def add_to_bar(self, widget: ipywidgets.Widget) -> None:
        """Put ``widget`` at the end of the sticky bar (the workshop's « Lever la main »).

        Parameters
        ----------
        widget : ipywidgets.Widget
            Closed with the player.
        """
        self.bar.children = (*self.bar.children, widget)

    def close(self) -> None:
        """Close the player and every widget it holds (frees their comms)."""
        bar = self.__dict__.get("bar")
        for widget in (*(bar.children if bar is not None else ()), bar):
            if widget is not None:
                widget.close()
        for name in ("screen", "phone", "mailbox", "persona_card", "reading"):
            widget = self.__dict__.get(name)
            if widget is not None:
                widget.close()
        super().close()

    def handle(self, content: Action) -> None:
        """Carry out one action sent by a view; never raises.

        Parameters
        ----------
        content : dict
            ``{"action": ..., ...}`` as the views send it (see :class:`ScreenView`).
        """
        action = str(content.get("action", ""))
        if self.paused and action in BLOCKED_WHILE_PAUSED:
            log.info("ignored %r: the room is paused", action)
            return
        try:
            handler = self._handlers().get(action)
            if handler is None:
                log.warning("unknown action from the learner's page: %r", action)
                return
            context = self._action_context() if self._action_context else contextlib.nullcontext()
            with context:
                handler(content)
        except Exception:
            log.exception("action %r failed", action)
            try:
                self._refresh(action, problem=PROBLEM_MESSAGE)
            except Exception:
                log.exception("could not show the problem message")

    # --- actions ------------------------------------------------------------------------------

    def _handlers(self) -> dict[str, Callable[[Action], None]]:
        return {
            "submit": self._submit,
            "back": self._back,
            "hint": self._hint,
            "check": self._check,
            "cookies": self._cookies,
            "extend": self._extend,
            "restart": self._restart,
            "catalogue": self._catalogue,
            "give_up": self._give_up,
        }

    def _stale(self, content: Action) -> bool:
        """Return True when the view sent this from a screen no longer shown (a double tap)."""
        sent_from = content.get("from")
        return sent_from is not None and sent_from != self.runner.current_id

    def _submit(self, content: Action) -> None:
        if self._stale(content):
            self._refresh()
            return
        values = content.get("values")
        moved = self.runner.submit(values if isinstance(values, dict) else {})
        self._refresh("submit", failed=not moved)

    def _back(self, content: Action) -> None:
        if self._stale(content):
            self._refresh()
            return
        target = content.get("to")
        self.runner.back()
        if isinstance(target, str) and target in self.runner.history:
            while self.runner.current_id != target and self.runner.back():
                pass
        self._refresh("back")

    def _hint(self, content: Action) -> None:
        field = content.get("field")
        text = self.runner.hint(field) if isinstance(field, str) and field else None
        if text is None:
            text = self.runner.hint()
        self._refresh("hint", notice=None if text else NO_HINT_MESSAGE)

    def _check(self, content: Action) -> None:
        field = content.get("field")
        if isinstance(field, str):
            self.runner.check(field, content.get("value"))
        self._refresh("check")

    def _cookies(self, content: Action) -> None:
        self.runner.answer_cookies(bool(content.get("accept")))
        self._refresh("cookies")

    def _give_up(self, content: Action) -> None:
        # « Je ne sais pas faire » on a diagnostic's task: left not done, the next screen comes.
        if self._stale(content):
            self._refresh()
            return
        give_up = getattr(self.runner, "give_up", None)
        moved = bool(give_up()) if give_up is not None else False
        self._refresh("give_up", failed=not moved)

    def _extend(self, content: Action) -> None:
        # Nothing expires in the sandbox: the view restarted its timer; nothing else to do.
        return None

    def _restart(self, content: Action) -> None:
        self.runner.abandon()
        self.runner = runner_for(self.scenario, self.persona, **self._runner_options)
        for listener in self._listeners:
            self.runner.subscribe(listener)
        for hook in self._run_hooks:
            hook(self.runner)
        self._run += 1
        self.phone.clear()
        self.mailbox.clear()
        self._refresh("restart")

    def _catalogue(self, content: Action) -> None:
        self.runner.abandon()
        if self._on_catalogue is not None:
            self._on_catalogue()

    # --- view ---------------------------------------------------------------------------------

    def _view(self) -> dict[str, Any]:
        return with_titles(screen_view(self.runner), self._titles)

    def _refresh(
        self,
        action: str | None = None,
        *,
        failed: bool = False,
        problem: str | None = None,
        notice: str | None = None,
    ) -> None:
        """Show the runner's state; on failure keep the last view and add ``problem``."""
        self._seq += 1
        try:
            view = self._view()
        except Exception:
            log.exception("could not build the learner's view")
            view = dict(self.screen.view)
            problem = PROBLEM_MESSAGE
        closing = view.pop("closing", None)
        view["ui"] = {
            "seq": self._seq,
            "run": self._run,
            "action": action,
            "failed": failed,
            "problem": problem,
            "notice": notice,
            "closing": closing or (view.get("ui") or {}).get("closing"),
        }
        self.screen.view = view
        try:
            self._sync_devices()
        except Exception:
            log.exception("could not update the phone or the mailbox")

    def _sync_devices(self) -> None:
        messages = self.runner.messages
        self.phone.add_messages([_message_view(m) for m in messages if m.kind == "sms"])
        self.mailbox.add_messages([_message_view(m) for m in messages if m.kind == "email"])
        address = mail_address(self.runner) or ""
        if self.mailbox.address != address:
            self.mailbox.address = address
