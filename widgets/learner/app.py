"""The learner's app: the catalogue of exercises, then the chosen exercise, and back."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import ipywidgets

from bacasable.run.events import RunEvent
from bacasable.scenario.loader import Catalogue
from widgets.common.base import Action, log

from .catalogue import CatalogueView
from .join import WorkshopLink
from .page_request import wait_for_page_request
from .player import ScenarioPlayer

if TYPE_CHECKING:
    from bacasable.workshop.session import LearnerSession

#: Told when the link names an exercise that does not exist.
UNKNOWN_SCENARIO = (
    "Cet exercice n'existe pas ou n'est plus disponible. Choisissez un exercice dans la liste."
)
#: Told when the link names a persona that does not fit the exercise.
UNKNOWN_PERSONA = (
    "Ce personnage n'existe pas pour cet exercice. Choisissez un personnage dans la liste."
)
#: Told when the scenario folders could not be read at all.
LOAD_PROBLEM = "Les exercices n'ont pas pu être chargés. Prévenez l'animateur."
#: Told when an exercise could not start.
START_PROBLEM = "Cet exercice n'a pas pu démarrer. Prévenez l'animateur."

Listener = Callable[[RunEvent], None]


def _load_catalogue() -> tuple[Catalogue, str]:
    """Load the configured scenario folders; never raise (the problem is told in French).

    The learner only plays the exercises: the catalogue comes from the data folder's cache, or
    the files are read in a child process, which takes the YAML library and the reading's peak
    of memory with it when it exits, and no YAML tree is kept for the trainer's checks. Should
    the child fail, the folders are read here.
    """
    try:
        from pathlib import Path

        from bacasable.common.config import BacasableConfig
        from bacasable.scenario.catalogue_cache import cached_catalogue
        from bacasable.scenario.loader import load_catalogue

        config = BacasableConfig()
        folders = config.all_scenario_dirs()
        try:
            return cached_catalogue(folders, Path(config.data_dir) / "cache"), ""
        except Exception:
            log.exception("could not load the catalogue in a child process: loading it here")
        return load_catalogue(folders, keep_trees=False), ""
    except Exception:
        log.exception("could not load the catalogue")
        return Catalogue(), LOAD_PROBLEM


def _query_value(query: dict[str, list[str]], key: str) -> str | None:
    values = [v.strip() for v in query.get(key, []) if v.strip()]
    return values[0] if values else None


class Atelier(ipywidgets.VBox):
    """The learner's whole app: the list of exercises, then one exercise, and back.

    Parameters
    ----------
    catalogue : Catalogue, optional
        Scenarios and personas; default: loaded from ``BacasableConfig().all_scenario_dirs()``.
    message : str, optional
        A polite message to show above the list.
    runner_options : dict, optional
        Passed to every :class:`~widgets.learner.player.ScenarioPlayer` (``seed``, ``today``…).
    session : callable, optional
        Returns the :class:`~bacasable.workshop.session.LearnerSession` used on joining a workshop
        (default: one on the configured store, opened only then).

    Attributes
    ----------
    catalogue : Catalogue
        The exercises offered: all of them, or once in a workshop, the workshop's.
    catalogue_view : CatalogueView
    player : ScenarioPlayer or None
        The exercise on screen, None while the list is shown.
    link : WorkshopLink
        The workshop side: the "Rejoindre un atelier" form above the list, then the
        workshop's bar above every page. Alone, nothing of it touches a store.
    """

    def __init__(
        self,
        catalogue: Catalogue | None = None,
        *,
        message: str = "",
        runner_options: dict[str, Any] | None = None,
        session: Callable[[], LearnerSession] | None = None,
        **kwargs: Any,
    ) -> None:
        problem = ""
        if catalogue is None:
            catalogue, problem = _load_catalogue()
        self.catalogue = catalogue
        self._all = catalogue
        self._runner_options = dict(runner_options or {})
        self._listeners: list[Listener] = []
        self.player: ScenarioPlayer | None = None
        self.catalogue_view = CatalogueView(catalogue, message=message)
        if problem:
            self.catalogue_view.problem = problem
        self.catalogue_view.on_action(self.handle)
        self.link = WorkshopLink(self, session=session)
        super().__init__(self._page(self.catalogue_view), **kwargs)
        self.add_class("bas-app")

    def _page(self, widget: ipywidgets.Widget) -> list[ipywidgets.Widget]:
        # The workshop's form sits above the list; once joined, its bar above every page.
        if self.link.joined or widget is self.catalogue_view:
            return [self.link.view, widget]
        return [widget]

    @classmethod
    def from_query(
        cls, query_string: str | None, catalogue: Catalogue | None = None, **kwargs: Any
    ) -> Atelier:
        """Build the app and open the exercise named by ``?scenario=ID&persona=ID``.

        Parameters
        ----------
        query_string : str or None
            The page's query string, with or without the leading ``?``. Without a
            ``scenario``, the list of exercises is shown; an unknown id shows the list with a
            polite message. ``code=ABC234`` (the workshop's QR code) opens the join form with
            the code filled in, asking only the pseudonym (``scenario`` is then ignored).
        catalogue : Catalogue, optional
            As for :class:`Atelier`.
        **kwargs
            Passed to :class:`Atelier`.
        """
        app = cls(catalogue, **kwargs)
        app.open_query(query_string)
        return app

    def open_query(self, query_string: str | None) -> None:
        """Open what the page's query string names (see :meth:`from_query`)."""
        query = parse_qs((query_string or "").lstrip("?"))
        code = _query_value(query, "code")
        if code:
            self.link.prefill(code)
            return
        scenario_id = _query_value(query, "scenario")
        if scenario_id:
            self.start(scenario_id, _query_value(query, "persona"))

    def on_event(self, listener: Listener) -> None:
        """Call ``listener`` with every event of the exercises played from now on.

        Parameters
        ----------
        listener : callable
            Receives each :class:`~bacasable.run.events.RunEvent`.
        """
        self._listeners.append(listener)
        if self.player is not None:
            self.player.on_event(listener)

    def start(self, scenario_id: str, persona_id: str | None = None) -> bool:
        """Open an exercise; on an unknown id, show the list with a polite message.

        Parameters
        ----------
        scenario_id : str
        persona_id : str, optional
            Default: the scenario's first persona.

        Returns
        -------
        bool
            True when the exercise is on screen.
        """
        scenario = self.catalogue.scenarios.get(scenario_id)
        if scenario is None:
            self.show_catalogue(UNKNOWN_SCENARIO)
            return False
        known = [p for p in scenario.personas if p in self.catalogue.personas]
        if persona_id is None and known:
            persona_id = known[0]
        if persona_id not in known:
            self.show_catalogue(UNKNOWN_PERSONA)
            return False
        try:
            player = ScenarioPlayer(
                scenario,
                self.catalogue.personas[persona_id],
                on_catalogue=self.show_catalogue,
                runner_options=self._runner_options,
                exercise_titles={sid: s.title for sid, s in self._all.scenarios.items()},
            )
            for listener in self._listeners:
                player.on_event(listener)
            self.link.attach(player)
        except Exception:
            log.exception("could not start %s with %s", scenario_id, persona_id)
            self.show_catalogue(START_PROBLEM)
            return False
        self._close_player()
        self.player = player
        self.catalogue_view.message = ""
        self.children = self._page(player)
        return True

    def offer(self, scenario_ids: list[str]) -> None:
        """Offer only these scenarios (a workshop's), in this order.

        Parameters
        ----------
        scenario_ids : list of str
            Ids unknown here are left out.
        """
        scenarios = {sid: self._all.scenarios[sid] for sid in scenario_ids
                     if sid in self._all.scenarios}
        self.catalogue = Catalogue(scenarios=scenarios, personas=self._all.personas,
                                   sources=self._all.sources, overridden=self._all.overridden,
                                   keeps_trees=self._all.keeps_trees)
        self.catalogue_view.show(self.catalogue)

    def show_joined(self) -> None:
        """Show the workshop's bar above the page now shown."""
        self.children = self._page(self.player or self.catalogue_view)

    def show_catalogue(self, message: str = "") -> None:
        """Show the list of exercises (closing the exercise on screen, if any).

        Parameters
        ----------
        message : str, optional
            A polite message shown above the list.
        """
        self._close_player()
        self.catalogue_view.message = message
        self.catalogue_view.focus_title = True
        self.children = self._page(self.catalogue_view)

    def handle(self, content: Action) -> None:
        """Carry out an action of the list (``start``); never raises.

        Parameters
        ----------
        content : dict
            ``{"action": "start", "scenario": ID, "persona": ID}``.
        """
        try:
            if content.get("action") == "start":
                persona = content.get("persona")
                self.start(str(content.get("scenario", "")),
                           persona if isinstance(persona, str) and persona else None)
            else:
                log.warning("unknown action from the catalogue: %r", content.get("action"))
        except Exception:
            log.exception("catalogue action failed")
            self.catalogue_view.message = START_PROBLEM

    def _close_player(self) -> None:
        player, self.player = self.player, None
        if player is None:
            return
        try:
            player.runner.abandon()
            player.close()
        except Exception:
            log.exception("could not close the exercise")


def _under_voila() -> bool:
    return bool(
        os.environ.get("VOILA_PREHEAT")
        or os.environ.get("VOILA_APP_IP")
        or os.environ.get("SERVER_SOFTWARE", "").startswith("voila")
    )


def _query_string() -> str:
    """Return the page's query string under Voilà (a preheated kernel waits for the request)."""
    if not _under_voila():
        return ""
    if os.environ.get("VOILA_PREHEAT") == "True":
        try:
            return wait_for_page_request().get("QUERY_STRING", "")
        except Exception:
            log.exception("could not read the query string")
            return ""
    return os.environ.get("QUERY_STRING", "")


def atelier() -> Atelier:
    """Return the learner's app, opening what the page's query string names.

    ``?scenario=ID&persona=ID`` opens that exercise; ``?code=ABC234`` (the workshop's QR code)
    opens the join form with the code filled in.

    Returns
    -------
    Atelier
        Display it (last expression of a notebook cell).
    """
    # Built first: a preheated kernel loads the scenarios while it waits for its page.
    app = Atelier()
    app.open_query(_query_string())
    return app
