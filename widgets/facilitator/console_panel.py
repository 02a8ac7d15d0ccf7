"""The console's panel: forms and controls of the facilitator, and the texts it shows.

:class:`ConsolePanel` is the widget (everything but the tiles, which the
:class:`~widgets.facilitator.board.Board` shows); :func:`workshop_card`, :func:`workshop_rows` and
:func:`join_card` turn what the store holds into its JSON-able traits, in plain French.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import traitlets

from bacasable.common.french_dates import long_date
from bacasable.scenario.loader import Catalogue
from bacasable.workshop.join_address import join_url, qr_svg
from widgets.common.base import ActionWidget, module
from widgets.common.pin_gate import CONSOLE_CSS

__all__ = ["ConsolePanel", "join_card", "workshop_card", "workshop_rows"]

MSG_NO_NETWORK = (
    "Aucun réseau local trouvé : les téléphones ne pourront pas se connecter. Reliez cet "
    "ordinateur au Wi-Fi de l'atelier, puis tapez son adresse ci-dessous."
)


def date_text(value: Any) -> str:
    """Return a date in full French ("jeudi 26 novembre 2026"), from a date or ``AAAA-MM-JJ``."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.date):
        return ""
    return long_date(value, weekday=True)


def spaced(code: str) -> str:
    """Return a join code as read aloud, one character at a time."""
    return " ".join(code)


def grouped(code: str) -> str:
    """Return a join code in two groups of three, easier to copy: ``AB2 C3D``."""
    return f"{code[:3]} {code[3:]}" if len(code) > 4 else code


def workshop_card(workshop: Mapping[str, Any], catalogue: Catalogue | None) -> dict[str, Any]:
    """Return the panel's ``workshop`` trait for a workshop of the store.

    Parameters
    ----------
    workshop
        As :meth:`Store.workshop <bacasable.store.Store.workshop>` returns it.
    catalogue
        For the scenario titles (ids are shown without it).

    Returns
    -------
    dict
        ``id``, ``title``, ``place``, ``date`` (in full), ``code``, ``code_grouped``,
        ``code_spoken``, ``paused``, ``skip_lessons``, ``message``, ``scenarios`` (titles).
    """
    code = workshop["join_code"]
    titles = []
    for sid in workshop.get("scenario_ids") or []:
        scenario = catalogue.scenarios.get(sid) if catalogue else None
        titles.append(scenario.title if scenario is not None else sid)
    return {
        "id": workshop["id"],
        "title": workshop["title"],
        "place": workshop.get("place") or "",
        "date": date_text(workshop.get("date")),
        "code": code,
        "code_grouped": grouped(code),
        "code_spoken": spaced(code),
        "paused": bool(workshop.get("paused")),
        "skip_lessons": bool(workshop.get("skip_lessons")),
        "message": workshop.get("message") or "",
        "scenarios": titles,
    }


def workshop_rows(found: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return the panel's ``workshops`` trait: the workshops not closed, to reopen.

    Parameters
    ----------
    found
        As :meth:`Store.list_workshops <bacasable.store.Store.list_workshops>` returns them.

    Returns
    -------
    list of dict
        ``id``, ``title``, ``place``, ``date`` (in full), ``code``, ``count`` (learners).
    """
    return [
        {
            "id": w["id"],
            "title": w["title"],
            "place": w.get("place") or "",
            "date": date_text(w.get("date")),
            "code": w["join_code"],
            "count": int(w.get("participant_count") or 0),
        }
        for w in found
        if w.get("open")
    ]


def join_card(host: str, hosts: Iterable[str], port: int, code: str) -> dict[str, Any]:
    """Return the panel's ``join`` trait: the learners' address on ``host`` and its QR code.

    Parameters
    ----------
    host
        The host put in the address.
    hosts
        The addresses found on the Wi-Fi (none: a warning is shown).
    port
        The server's port.
    code
        The workshop's join code.

    Returns
    -------
    dict
        ``host``, ``hosts``, ``url``, ``qr`` (inline SVG), ``warning``.
    """
    found = list(hosts)
    url = join_url(host, port, code)
    return {
        "host": host,
        "hosts": found,
        "url": url,
        "qr": qr_svg(url),
        "warning": "" if found else MSG_NO_NETWORK,
    }


class ConsolePanel(ActionWidget):
    """The console's forms and controls (everything but the tiles).

    Attributes
    ----------
    stage : str
        ``"home"`` (start or reopen a workshop) or ``"workshop"`` (drive it).
    form : dict
        The options of the new-workshop form (:func:`bacasable.workshop.form.form_options`).
    form_errors : dict
        Field → French message, after a refused form.
    workshops : list of dict
        The workshops not closed, to reopen (:func:`workshop_rows`).
    workshop : dict
        The workshop driven (:func:`workshop_card`).
    join : dict
        ``host``, ``hosts`` (found on the Wi-Fi), ``url``, ``qr`` (inline SVG), ``warning``.
    screens : list of dict
        The screens to bring everyone to (:func:`bacasable.workshop.room.screen_choices`).
    learners : list of dict
        ``id`` and ``pseudonym`` of each learner, for "to whom" choices.
    confirm_close : bool
        The confirmation step of closing the workshop is shown.
    status, error : str
        The last result, polite (``role=status``) or an error (``role=alert``).
    seq : int
        Increases with each result, so that the same message is announced again.
    """

    _esm = module("facilitator/nav.js", "facilitator/forms.js", "facilitator/console.js")
    _css = CONSOLE_CSS

    stage = traitlets.Enum(("home", "workshop"), default_value="home").tag(sync=True)
    form = traitlets.Dict().tag(sync=True)
    form_errors = traitlets.Dict().tag(sync=True)
    workshops = traitlets.List(traitlets.Dict()).tag(sync=True)
    workshop = traitlets.Dict().tag(sync=True)
    join = traitlets.Dict().tag(sync=True)
    screens = traitlets.List(traitlets.Dict()).tag(sync=True)
    learners = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: Raised hands, who waited longest first: ``id``, ``pseudonym``, ``number``, ``text``
    #: (« Main levée depuis 2 min »), ``disconnected``.
    hands = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: How ready the learners' pages are (« Prêt pour 12 apprenants… »), "" when unknown.
    readiness = traitlets.Unicode("").tag(sync=True)
    #: The workshop just closed (``id``, ``title``): the panel offers its bilan.
    closed = traitlets.Dict().tag(sync=True)
    confirm_close = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    seq = traitlets.Int(0).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")

    def deliver(self, name: str, mime: str, data: bytes) -> None:
        """Send a file to the browser (its bytes as the message's buffer): it is downloaded."""
        self.send({"kind": "file", "name": name, "mime": mime}, buffers=[data])

    def say(self, status: str = "", error: str = "") -> None:
        """Show a result: a status, or an error (one replaces the other)."""
        self.status = "" if error else status
        self.error = error
        self.seq += 1
