"""What a learner's workshop session answers: a join, or a problem told in plain French.

:class:`~bacasable.workshop.session.LearnerSession` returns these, and the widget layer shows them
as
they are (:mod:`widgets.learner.join`): nothing here needs the store.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from .commands import Command

__all__ = ["MSG_HAND", "MSG_NO_CODE", "MSG_UNREACHABLE", "Joined", "Problem"]

#: Told when the code field is empty.
MSG_NO_CODE = "Saisissez le code de l'atelier : 6 lettres ou chiffres, par exemple ABC234."
#: Told when the store cannot be reached at all (the details go to the log).
MSG_UNREACHABLE = (
    "L'atelier ne répond pas pour l'instant. Réessayez dans un instant, ou prévenez l'animateur."
)
#: Told when raising or lowering the hand failed.
MSG_HAND = "Le signal n'a pas pu être envoyé. Réessayez, ou faites signe à l'animateur."


@dataclasses.dataclass(frozen=True)
class Problem:
    """Something that did not work, in plain French, ready to be shown as is.

    Attributes
    ----------
    message : str
        The message for the learner.
    field : {"code", "pseudonym"} or None
        The input at fault, if any.
    suggestion : str
        For a pseudonym another device has: a free one (« Marie2 »).
    taken_by : int or None
        For a pseudonym another device has: whose it is (to ask the facilitator to hand over).
    """

    message: str
    field: Literal["code", "pseudonym"] | None = None
    suggestion: str = ""
    taken_by: int | None = None


@dataclasses.dataclass(frozen=True)
class Joined:
    """A successful join.

    Attributes
    ----------
    participant : dict
        As ``Store.join`` returns it (``id``, ``pseudonym``, ``hand_raised``…).
    workshop : dict
        As ``Store.workshop`` returns it (``title``, ``scenario_ids``…).
    resumed : bool
        The same pseudonym had already joined this workshop: the learner comes back.
    commands : tuple of Command
        The room's state now, to apply as if polled: a pause, the last room message.
    """

    participant: dict[str, Any]
    workshop: dict[str, Any]
    resumed: bool
    commands: tuple[Command, ...] = ()
