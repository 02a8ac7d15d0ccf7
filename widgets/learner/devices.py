"""The learner's simulated phone (SMS) and mailbox (e-mails), each behind a disclosure button."""

from __future__ import annotations

from typing import Any

import traitlets

from widgets.common.base import ActionWidget, module


class _Device(ActionWidget):
    _esm = module("learner/devices.js")

    #: Which device the view draws: ``phone`` or ``mailbox``.
    kind = traitlets.Unicode("phone").tag(sync=True)
    #: Messages, oldest first: ``id``, ``sender``, ``subject`` (e-mails), ``text``, ``time``.
    messages = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: Messages not seen yet; the view sets it to 0 when the learner opens the panel.
    unread = traitlets.Int(0).tag(sync=True)
    #: The persona's first name, to say whose device it is.
    owner = traitlets.Unicode("").tag(sync=True)
    #: The phone number or e-mail address shown in the panel (empty: none).
    address = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")

    def add_messages(self, messages: list[dict[str, Any]]) -> int:
        """Show ``messages`` (the whole list, oldest first) and count the new ones as unread.

        Parameters
        ----------
        messages : list of dict
            Every message of the device so far; those whose ``id`` was not shown yet are new.

        Returns
        -------
        int
            How many messages are new.
        """
        seen = {m.get("id") for m in self.messages}
        new = sum(m.get("id") not in seen for m in messages)
        if messages != self.messages:
            self.messages = [dict(m) for m in messages]
        if new:
            self.unread += new
        return new

    def clear(self) -> None:
        """Forget every message (a new run starts)."""
        self.messages = []
        self.unread = 0


class PhoneView(_Device):
    """The persona's simulated phone: a button "Téléphone" that opens the list of SMS.

    Attributes
    ----------
    messages : list of dict
        ``id``, ``sender``, ``text`` and ``time`` ("14:05") of each SMS, oldest first.
    unread : int
        SMS not read yet, shown on the button and announced politely.
    owner, address : str
        The persona's first name and phone number.
    """

    kind = traitlets.Unicode("phone").tag(sync=True)


class MailboxView(_Device):
    """The persona's simulated mailbox: a button "Boîte mail" that opens the list of e-mails.

    Attributes
    ----------
    messages : list of dict
        ``id``, ``sender``, ``subject``, ``text`` and ``time`` of each e-mail, oldest first.
    unread : int
        E-mails not read yet.
    owner, address : str
        The persona's first name and e-mail address (empty: the persona has none yet).
    """

    kind = traitlets.Unicode("mailbox").tag(sync=True)
