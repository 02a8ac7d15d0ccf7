"""The address learners open to join a workshop: this computer's host, the URL, its QR code.

:func:`default_host` picks the host phones can reach on the workshop's Wi-Fi, :func:`validate_host`
checks one typed by the facilitator; :func:`workshop_host` and :func:`remember_host` keep the one
the console shows for a workshop, so the room screen projects the same; :func:`join_url` and
:func:`qr_svg` give the learners' address and its QR code (drawn here, by segno: nothing is
fetched from the network).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlparse

from bacasable.store import StoreError

from .network import hub_learner_url, is_loopback_host, lan_addresses, learner_url

__all__ = ["default_host", "join_url", "qr_code", "qr_svg", "remember_host", "validate_host",
           "workshop_host"]

MSG_HOST = "Adresse non valide : tapez une adresse comme 192.168.1.20."


def join_url(
    host: str, port: int, code: str, environ: Mapping[str, str] | None = None
) -> str:
    """Return the address learners open to join a workshop: the learner page with ``?code=``.

    Under JupyterHub the page is the facilitator's server's, through the hub's public address
    (:func:`~bacasable.workshop.network.hub_learner_url`): ``host`` and ``port`` do not count.

    Parameters
    ----------
    host
        This computer's address on the workshop's Wi-Fi (IPv4, IPv6 or a name).
    port
        The server's port.
    code
        The workshop's join code.
    environ
        The kernel's environment (the hub's variables); default: ``os.environ``.

    Returns
    -------
    str
        E.g. ``http://192.168.1.20:8866/voila/render/atelier.ipynb?code=AB2C3D``, or under the
        hub ``https://ateliers.example.fr/user/marie/voila/render/atelier.ipynb?code=AB2C3D``.
    """
    page = hub_learner_url(environ) or learner_url(host, int(port))
    return f"{page}?code={quote(str(code), safe='')}"


def qr_code(url: str) -> Any:
    """Return the segno QR code of ``url`` (error correction M, never a micro QR code)."""
    import segno

    return segno.make(url, error="m", micro=False)


def qr_svg(url: str) -> str:
    """Return the QR code of ``url`` as inline SVG (no XML declaration, scalable).

    The SVG has a ``viewBox`` and no size: the page's stylesheet makes it as big as it needs.
    Black on a white background with the standard quiet zone, so that phones read it from the
    back of a room.

    Parameters
    ----------
    url
        The address to encode.

    Returns
    -------
    str
        ``<svg …>…</svg>``, to put inside an HTML page.
    """
    return qr_code(url).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="bas-qr-svg"
    )


def validate_host(text: Any) -> str:
    """Return a host typed by the facilitator (an IP address or a network name), cleaned.

    Raises
    ------
    StoreError
        With a French message when it cannot be a host.
    """
    if not isinstance(text, str):
        raise StoreError(MSG_HOST)
    host = text.strip().strip("[]")
    if not host or len(host) > 253:
        raise StoreError(MSG_HOST)
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host))
    label = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    if re.fullmatch(rf"{label}(?:\.{label})*\.?", host) and not host.replace(".", "").isdigit():
        return host.rstrip(".")
    raise StoreError(MSG_HOST)


def default_host(environ: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """Return the host to put in the join address, and every address found on the Wi-Fi.

    Under JupyterHub, the host of the hub's public address (the only one found). Otherwise
    the console page's own host (``SERVER_NAME``, set by Voilà from the request) comes first
    when it is not this computer's loopback: the facilitator opened the console through the
    Wi-Fi address, which the phones can reach too. Otherwise the likeliest LAN address
    (:func:`bacasable.workshop.network.lan_addresses`), else ``127.0.0.1``.

    Returns
    -------
    host : str
    found : list of str
        The LAN addresses found (empty when the computer is on no network).
    """
    env = os.environ if environ is None else environ
    hub_page = hub_learner_url(env)
    if hub_page:  # under JupyterHub: the hub's public host, whatever the Wi-Fi
        hub_host = urlparse(hub_page).hostname or "127.0.0.1"
        return hub_host, [hub_host]
    try:
        found = lan_addresses()
    except Exception:  # never let a network probe break the console
        found = []
    page_host = (env.get("SERVER_NAME") or "").strip()
    if page_host and not is_loopback_host(page_host):
        with contextlib.suppress(StoreError):
            return validate_host(page_host), found
    return (found[0] if found else "127.0.0.1"), found


def _host_setting(workshop_id: int) -> str:
    return f"join_host.{int(workshop_id)}"


def workshop_host(store: Any, workshop_id: int, environ: Mapping[str, str] | None = None,
                  fallback: str | None = None) -> tuple[str, list[str]]:
    """Return the host of ``workshop_id``'s join address, and every address found on the Wi-Fi.

    The host the console showed for this workshop (found, or typed by the facilitator), kept
    in the store by :func:`remember_host`; else ``fallback`` (the console's last one); else
    :func:`default_host`'s. The console and the
    projection page run in different kernels, opened from different addresses: without this,
    the wall could show another address than the console's QR code.
    """
    host, found = default_host(environ)
    with contextlib.suppress(StoreError):
        kept = store.setting(_host_setting(workshop_id))
        if kept:
            return validate_host(kept), found
    return fallback or host, found


def remember_host(store: Any, workshop_id: int, host: str) -> None:
    """Keep ``host`` as ``workshop_id``'s join address host (raises StoreError)."""
    store.set_setting(_host_setting(workshop_id), validate_host(host))
