"""Who asked for a page: the connection's real peer, as the server saw it, told to the kernel.

The server (:mod:`bacasable.server.serve`) sets :data:`PEER_VARIABLE` in the environment of
every kernel it starts for a page, from the TCP connection's peer address (never from a header
or the query string, which a client writes). This module reads it back in the kernel: "this
laptop" is a page whose connection came from a loopback address.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping

__all__ = ["PEER_VARIABLE", "Peer", "page_peer"]

#: The kernel's environment variable holding the page's peer address (set by our server only).
PEER_VARIABLE = "BACASABLE_PEER_ADDRESS"
#: What a page's peer is called when it is unknown (a preheated kernel, an old server).
UNKNOWN = "inconnu"


@dataclasses.dataclass(frozen=True)
class Peer:
    """The device a page was asked from."""

    #: Its address as the server saw it ("127.0.0.1", "192.168.1.23"), or :data:`UNKNOWN`.
    address: str
    #: The page was asked from this computer (a loopback connection).
    local: bool

    @property
    def client(self) -> str:
        """The key wrong PINs are counted under: one per device, "local" for this laptop."""
        return "local" if self.local else f"peer:{self.address}"


def is_loopback_address(address: str) -> bool:
    """Tell whether ``address`` (an IP address, maybe IPv4-mapped IPv6) is a loopback one."""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def page_peer(environ: Mapping[str, str] | None = None) -> Peer:
    """Return the device the page was asked from, as the server told the kernel.

    Outside Voilà (tests, a notebook in JupyterLab) the page is this computer's. Under Voilà, a
    kernel the server did not mark (a preheated one, or a server that is not ours) is taken for
    a device on the Wi-Fi: the safe side.
    """
    env = os.environ if environ is None else environ
    under_voila = (
        env.get("SERVER_SOFTWARE", "").startswith("voila")
        or "VOILA_PREHEAT" in env
        or "VOILA_BASE_URL" in env
    )
    address = (env.get(PEER_VARIABLE) or "").strip()
    if not under_voila:
        return Peer(address or "127.0.0.1", True)
    if not address or env.get("VOILA_PREHEAT") == "True":
        return Peer(UNKNOWN, False)
    return Peer(address, is_loopback_address(address))
