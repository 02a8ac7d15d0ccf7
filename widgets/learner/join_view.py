"""The "Rejoindre un atelier" form and, once joined, the workshop's bar: the widget only.

What it shows is set by :class:`~widgets.learner.join.WorkshopLink`, which joins the workshop and
applies the facilitator's commands; the view sends the learner's actions back to it.
"""

from __future__ import annotations

from typing import Any

import traitlets

from widgets.common.base import ActionWidget, module


class JoinView(ActionWidget):
    """The "Rejoindre un atelier" form, then the workshop's bar.

    Attributes
    ----------
    code : str
        The join code to show in the form (from ``?code=``).
    code_locked : bool
        The code came with the link and is valid: only the pseudonym is asked.
    expanded : bool
        The form is open (it starts folded when the learner came without a code).
    error, error_field : str
        A French message and the input it is about (``"code"``, ``"pseudonym"`` or ``""``).
    error_seq : int
        Changes with each problem shown, even the same again: the view moves focus to it.
    joined : bool
        Joined: the bar replaces the form.
    title, pseudonym : str
        The workshop's title and the learner's pseudonym.
    hand_raised : bool
        The learner's hand is up.
    notice : str
        A short status ("Vous êtes de retour dans l'atelier.", a failed hand signal).
    connection : str
        "" or :data:`~widgets.learner.join.CONNECTION_LOST`.
    message, message_seq : str, int
        The facilitator's last message; ``message_seq`` changes with each new one.
    message_personal : bool
        The last message was for this learner only.
    paused : bool
        The facilitator paused the room: the page is covered ("Pause — regardez l'écran").
    suggestion : str
        The pseudonym asked for is another device's: a free one to take instead (« Marie2 »),
        or "" (then the form also offers to ask the facilitator for that run).
    waiting : bool
        This device asked the facilitator for a run already taken: the answer is awaited.
    moved : bool
        This learner's run was handed over to another device: the page says so and stops.

    Notes
    -----
    Actions sent: ``device`` (``device``: the random token this browser keeps, sent once the
    view is drawn), ``join`` (``code``, ``pseudonym``), ``handover`` (ask the facilitator for the
    run of the pseudonym taken), ``cancel_handover``, ``hand`` (``raise``: bool), ``alive``
    (every 5 s while joined and the page is visible).
    """

    _esm = module("learner/join.js")

    code = traitlets.Unicode("").tag(sync=True)
    code_locked = traitlets.Bool(False).tag(sync=True)
    expanded = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    error_field = traitlets.Unicode("").tag(sync=True)
    error_seq = traitlets.Int(0).tag(sync=True)
    joined = traitlets.Bool(False).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    pseudonym = traitlets.Unicode("").tag(sync=True)
    hand_raised = traitlets.Bool(False).tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    connection = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    message_seq = traitlets.Int(0).tag(sync=True)
    message_personal = traitlets.Bool(False).tag(sync=True)
    paused = traitlets.Bool(False).tag(sync=True)
    suggestion = traitlets.Unicode("").tag(sync=True)
    waiting = traitlets.Bool(False).tag(sync=True)
    moved = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")

    def show_problem(self, message: str, field: str | None = None) -> None:
        """Show a problem in French, under ``field`` (or above the button), and focus it.

        Parameters
        ----------
        message : str
        field : {"code", "pseudonym"}, optional
        """
        with self.hold_sync():
            self.error, self.error_field = message, field or ""
            self.suggestion = ""
            self.expanded = True
            self.error_seq += 1

