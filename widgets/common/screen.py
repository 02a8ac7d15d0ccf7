"""The simulated site's screen: one accessible HTML form rendered from the view model."""

from __future__ import annotations

from typing import Any

import traitlets

from .base import ActionWidget, module


class ScreenView(ActionWidget):
    """Render :func:`bacasable.run.view.screen_view` as one semantic ``<form>``.

    The view only displays ``view`` and sends what the learner does; the Runner checks it.

    Attributes
    ----------
    view : dict
        The view model of :func:`bacasable.run.view.screen_view`, plus a ``ui`` dict added by the
        player: ``seq`` (changes on every update), ``run`` (changes on restart), ``action``
        (the action just handled), ``failed`` (a submit was refused), ``problem`` and
        ``notice`` (messages in plain French), ``closing`` (``title`` and ``lines`` of the
        closing summary), ``preview`` (an editor's preview: the screen never takes the focus
        nor scrolls the page). Password fields may carry ``rules`` (plain-French password rules,
        shown before typing). The form is rebuilt only when the run, the
        screen id or the status changes; otherwise errors, hints and alerts are updated in
        place so that focus and typed text are kept.

    Notes
    -----
    Actions sent (see :meth:`on_action`): ``submit`` (``screen``, ``values``), ``back``
    (``screen``: the screen to go back to, optional), ``hint`` (``field``, optional),
    ``cookies`` (``accept``), ``extend``, ``restart``, ``catalogue``, ``check`` (``field``,
    ``value``). On a quiz (``view["quiz"]``), ``check`` with ``field`` "answer" and the chosen
    answer's id gives that answer (:meth:`~bacasable.run.runner.Runner.answer`); once the quiz
    is solved, the form's button submits as on any screen. On a diagnostic's task
    (``view["diagnostic"]["task"]``), ``give_up`` is « Je ne sais pas faire »: the task is left
    not done and the next screen comes.
    """

    _esm = module("common/screen_fields.js", "common/screen_lessons.js",
                  "common/screen_diagnostic.js", "common/screen.js")

    view = traitlets.Dict().tag(sync=True)

    def __init__(self, view: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(view=view or {}, **kwargs)
        self.add_class("bas-widget")
