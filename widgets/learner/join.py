"""The learner's side of a live workshop: the join form, the workshop's bar, the commands.

:class:`~widgets.learner.join_view.JoinView` draws the "Rejoindre un atelier" form, then, once
joined,
a bar with the workshop's title, the learner's pseudonym, "Lever la main", the facilitator's
last message and the pause overlay. :class:`WorkshopLink` holds the learner's
:class:`~bacasable.workshop.session.LearnerSession`: it joins, attaches each run to the store, and
applies the facilitator's commands by updating widget traits from an asyncio task (displaying
new outputs from a background task is unreliable in Voilà; trait updates propagate live).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from bacasable.workshop.commands import Command, GoTo, HandAnswered, Pause, RevealHint, ShowMessage
from bacasable.workshop.outcomes import Joined, Problem
from widgets.common.base import Action, log

from .hand import HandButton
from .join_device import DeviceLink
from .join_view import JoinView

if TYPE_CHECKING:
    from bacasable.run.runner import Runner
    from bacasable.workshop.session import LearnerSession

    from .player import ScenarioPlayer

#: Told when an unfinished run was reopened at the start of its screen.
RESUMED_MESSAGE = "Vous reprenez là où vous étiez."
#: Told when the learner comes back to the workshop with nothing to resume.
BACK_MESSAGE = "Vous êtes de retour dans l'atelier."
#: Shown, discreetly, while the store cannot be reached (events wait in memory).
CONNECTION_LOST = "Connexion à l'atelier perdue, on réessaie…"
#: Seconds after the page's last sign of life (it pings every 5 s) during which heartbeats
#: are sent: a kernel outlives its closed tab, the board must see the learner gone.
PAGE_ALIVE_FOR = 15.0
#: Told when something unexpected failed while joining (details in the log).
JOIN_PROBLEM = "L'atelier n'a pas pu être rejoint. Réessayez, ou prévenez l'animateur."


class App(Protocol):
    """What :class:`WorkshopLink` uses of the learner app (:class:`widgets.learner.app.Atelier`)."""

    player: ScenarioPlayer | None

    def offer(self, scenario_ids: list[str]) -> None:
        """Offer only these scenarios."""

    def start(self, scenario_id: str, persona_id: str | None = None) -> bool:
        """Open an exercise."""

    def show_joined(self) -> None:
        """Show the workshop's bar above the page."""


class WorkshopLink(DeviceLink):
    """One learner's page in a workshop: joining, writing runs, applying commands.

    Parameters
    ----------
    app : App
        The learner's app, to offer the workshop's scenarios and open or drive exercises.
    session : callable, optional
        Returns a new :class:`~bacasable.workshop.session.LearnerSession` (tests pass one on a
        temporary store). Called on the first join or code check only: without a workshop,
        no store is opened.
    interval : float
        Seconds between two polls of the store.

    Attributes
    ----------
    view : JoinView
    session : LearnerSession or None
    paused : bool
    """

    def __init__(
        self,
        app: App,
        *,
        session: Callable[[], LearnerSession] | None = None,
        interval: float = 1.0,
    ) -> None:
        self.app = app
        self.view = JoinView()
        self.view.on_action(self.handle)
        #: « Lever la main » in the exercise's bar (the bar above hides its own meanwhile).
        self.hand: HandButton | None = None
        self.view.observe(self._show_hand, "hand_raised")
        self._make_session = session
        self.session: LearnerSession | None = None
        self.interval = interval
        self.paused = False
        self._task: asyncio.Task[None] | None = None
        self._seen = time.monotonic()
        #: Whose run the pseudonym asked for is (another device's), for a handover request.
        self._taken_by: int | None = None

    @property
    def joined(self) -> bool:
        """Whether the learner is in a workshop."""
        return self.session is not None and self.session.joined

    def _session(self) -> LearnerSession:
        if self.session is None:
            if self._make_session is None:
                from bacasable.workshop.session import LearnerSession

                self.session = LearnerSession()
            else:
                self.session = self._make_session()
        return self.session

    # --- joining ----------------------------------------------------------------------------

    def prefill(self, code: str) -> None:
        """Open the form with the code of the link (``?code=``): only the pseudonym is asked.

        An unknown or closed code is shown with its French message, in an editable field.

        Parameters
        ----------
        code : str
        """
        view = self.view
        view.expanded = True
        try:
            found = self._session().find_workshop(code)
        except Exception:
            log.exception("could not check the workshop code")
            found = Problem(JOIN_PROBLEM, "code")
        if isinstance(found, Problem):
            view.code, view.code_locked = code.strip()[:20], False
            view.show_problem(found.message, found.field)
        else:
            view.code, view.code_locked = str(found["join_code"]), True
            view.title, view.error, view.error_field = str(found["title"]), "", ""

    def handle(self, content: Action) -> None:
        """Carry out an action of the view (``join``, ``hand``); never raises.

        Parameters
        ----------
        content : dict
        """
        action = content.get("action")
        self._seen = time.monotonic()
        try:
            if action == "alive":
                self.view.send({"pong": True})  # the page knows its kernel still answers
                return
            if action == "device":
                self.set_device(content.get("device"))
            elif action == "handover":
                self.ask_handover()
            elif action == "cancel_handover":
                self.view.waiting = False
                self._taken_by = None
            elif action == "join":
                self.join(str(content.get("code") or self.view.code), str(content.get(
                    "pseudonym") or ""))
            elif action == "hand":
                self.set_hand(bool(content.get("raise")))
            else:
                log.warning("unknown action from the join view: %r", action)
        except Exception:
            log.exception("workshop action %r failed", action)
            self.view.show_problem(JOIN_PROBLEM)

    def join(self, code: str, pseudonym: str) -> bool:
        """Join a workshop, offer its scenarios, and reopen an unfinished run if there is one.

        Parameters
        ----------
        code, pseudonym : str
            As typed.

        Returns
        -------
        bool
            True when joined; otherwise the form shows the problem in French.
        """
        session = self._session()
        result = session.join(code, pseudonym)
        view = self.view
        if isinstance(result, Problem):
            view.show_problem(result.message, result.field)
            view.suggestion, self._taken_by = result.suggestion, result.taken_by
            return False
        self._joined(result)
        return True

    def _joined(self, joined: Joined) -> None:
        view = self.view
        workshop, participant = joined.workshop, joined.participant
        view.error, view.error_field = "", ""
        view.title, view.pseudonym = str(workshop["title"]), str(participant["pseudonym"])
        view.code, view.hand_raised = str(workshop["join_code"]), bool(participant["hand_raised"])
        view.joined = True
        self.app.offer(self._session().scenario_ids)
        self.app.show_joined()
        for command in joined.commands:
            self.apply(command)
        attempt = self._session().resumable() if joined.resumed else None
        if attempt is not None and self.app.start(attempt["scenario_id"], attempt["persona_id"]):
            return  # the player's run hook resumed it and said so
        view.notice = BACK_MESSAGE if joined.resumed else ""
        self.start_polling()

    def attach(self, player: ScenarioPlayer) -> None:
        """Wire an exercise opened in the workshop: its runs go to the store, in batches.

        Parameters
        ----------
        player : ScenarioPlayer
        """
        if not self.joined:
            return
        session = self._session()
        player.paused = self.paused
        player.wrap_actions(session.batch)

        def hook(runner: Runner) -> None:
            try:
                if session.attach(runner):
                    player.refresh(notice=RESUMED_MESSAGE)
            except Exception:
                log.exception("could not attach the run to the workshop")

        player.on_run(hook)
        self.hand = HandButton(raised=self.view.hand_raised)
        self.hand.on_action(self.handle)
        player.add_to_bar(self.hand)
        self.start_polling()

    def _show_hand(self, change: dict[str, object]) -> None:
        if self.hand is not None:
            self.hand.raised = bool(change["new"])

    def set_hand(self, up: bool) -> None:
        """Raise or lower the learner's hand; a failure is told in the bar.

        Parameters
        ----------
        up : bool
        """
        if not self.joined:
            return
        session = self._session()
        problem = session.raise_hand() if up else session.lower_hand()
        self.view.notice = problem.message if problem is not None else ""
        self.view.hand_raised = session.hand_raised

    # --- commands ---------------------------------------------------------------------------

    def poll_once(self) -> list[Command]:
        """Poll the store once and apply the commands; never raises.

        Returns
        -------
        list of Command
            The commands applied.
        """
        if not self.joined:
            return []
        session = self._session()
        try:
            commands = session.poll_once(alive=self.page_alive)
            for command in commands:
                self.apply(command)
        except Exception:
            log.exception("could not apply the workshop's commands")
            commands = []
        self.view.connection = "" if session.connected else CONNECTION_LOST
        if session.moved:
            self.view.moved = True  # the page says the run continues elsewhere, and stops
        return commands

    @property
    def page_alive(self) -> bool:
        """Whether the learner's page showed a sign of life in the last few seconds."""
        return time.monotonic() - self._seen < PAGE_ALIVE_FOR

    def apply(self, command: Command) -> None:
        """Apply one command by updating the widgets' traits.

        Parameters
        ----------
        command : Command
        """
        view, player = self.view, self.app.player
        if isinstance(command, Pause):
            self.paused = view.paused = command.paused
            if player is not None:
                player.paused = command.paused
        elif isinstance(command, ShowMessage):
            with view.hold_sync():
                view.message, view.message_personal = command.text, command.personal
                view.message_seq += 1
        elif isinstance(command, HandAnswered):
            view.hand_raised = False
        elif isinstance(command, GoTo):
            self._go_to(command.screen_id)
        elif isinstance(command, RevealHint) and player is not None:
            with self._session().batch():
                player.reveal_hint(command.field_id)

    def _go_to(self, screen_id: str) -> None:
        player = self.app.player
        if player is None:
            # On the list: open the workshop's scenario that has this screen.
            scenario_id = next(
                (sid for sid in self._session().scenario_ids
                 if screen_id in self._screen_ids(sid)), None)
            if scenario_id is None or not self.app.start(scenario_id):
                return
            player = self.app.player
        if player is not None and screen_id in {s.id for s in player.scenario.screens}:
            with self._session().batch():
                player.go_to(screen_id)

    def _screen_ids(self, scenario_id: str) -> set[str]:
        catalogue = getattr(self.app, "catalogue", None)
        scenario = None if catalogue is None else catalogue.scenarios.get(scenario_id)
        return set() if scenario is None else {s.id for s in scenario.screens}

    # --- the polling task -------------------------------------------------------------------

    def start_polling(self) -> bool:
        """Start polling in the kernel's asyncio loop (once); False when no loop runs.

        Outside a kernel (plain pytest) no loop runs: tests call :meth:`poll_once`.

        Returns
        -------
        bool
            Whether a polling task runs.
        """
        if self._task is not None and not self._task.done():
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._poll_forever())
        return True

    async def _poll_forever(self) -> None:
        while self.joined and not self._session().moved:
            # A page gone quiet (tab closed, phone asleep) is polled less often.
            await asyncio.sleep(self.interval if self.page_alive else 5 * self.interval)
            self.poll_once()

    def stop(self) -> None:
        """Stop polling and write what waits (best effort)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
        if self.session is not None:
            with contextlib.suppress(Exception):
                self.session.flush()
