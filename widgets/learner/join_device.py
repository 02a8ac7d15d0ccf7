"""A learner's device in a workshop: coming back to its run, asking for a run another has.

Part of :class:`~widgets.learner.join.WorkshopLink`. The page sends the random token its
browser keeps (``localStorage``); with the link's code, a device that joined before comes back
to its run without typing anything. A pseudonym another device has is refused with a free one
suggested; « C'est moi » asks the facilitator to hand that run over to this device.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bacasable.workshop.outcomes import Joined
    from bacasable.workshop.session import LearnerSession

    from .join_view import JoinView

#: Told while the facilitator is asked to hand a run over to this device.
HANDOVER_ASKED = "Demande envoyée à l'animateur. Attendez sa réponse : cela peut prendre un moment."
#: Told when the facilitator refused to hand the run over.
HANDOVER_REFUSED = (
    "L'animateur n'a pas donné cette place à cet appareil. Choisissez un autre pseudonyme."
)
#: How long a device waits for the facilitator's answer, in seconds.
HANDOVER_WAIT = 600.0
#: A device token, as join.js makes it.
DEVICE_TOKEN = re.compile(r"^[0-9a-f]{32,64}$")


class DeviceLink:
    """The device's part of :class:`~widgets.learner.join.WorkshopLink`."""

    view: JoinView
    interval: float
    _taken_by: int | None

    if TYPE_CHECKING:  # given by WorkshopLink

        @property
        def joined(self) -> bool:  # noqa: D102
            ...

        def _session(self) -> LearnerSession: ...

        def _joined(self, joined: Joined) -> None: ...

    def set_device(self, token: object) -> None:
        """Take the page's device token; with the link's code, come back to this device's run.

        Parameters
        ----------
        token : str
            The random token the browser keeps (never stored as is, never in a URL).
        """
        if not isinstance(token, str) or not DEVICE_TOKEN.match(token):
            return  # no localStorage (private browsing): this device cannot come back by itself
        session = self._session()
        session.device = token
        if self.view.code_locked and not self.joined:
            joined = session.rejoin(self.view.code)
            if joined is not None:
                self._joined(joined)

    def ask_handover(self) -> None:
        """Ask the facilitator to hand the run of the pseudonym taken over to this device."""
        if self._taken_by is None or self.joined:
            return
        problem = self._session().ask_handover(self._taken_by)
        if problem is not None:
            self.view.show_problem(problem.message, problem.field)
            return
        self.view.waiting = True
        with contextlib.suppress(RuntimeError):  # outside a kernel, tests call answer_handover
            asyncio.get_running_loop().create_task(self._wait_for_handover())

    def answer_handover(self) -> str | None:
        """Read the facilitator's answer once and act on it; return it (None: not yet)."""
        if self._taken_by is None or not self.view.waiting:
            return None
        session = self._session()
        answer = session.handover_answer(self._taken_by)
        if answer == "allowed":
            joined = session.rejoin(self.view.code)
            if joined is not None:
                self.view.waiting, self._taken_by = False, None
                self._joined(joined)
        elif answer == "refused":
            self.view.waiting, self._taken_by = False, None
            self.view.show_problem(HANDOVER_REFUSED, "pseudonym")
        return answer

    async def _wait_for_handover(self) -> None:
        deadline = time.monotonic() + HANDOVER_WAIT
        while self.view.waiting and time.monotonic() < deadline:
            await asyncio.sleep(self.interval)
            if self.answer_handover() is not None:
                return
