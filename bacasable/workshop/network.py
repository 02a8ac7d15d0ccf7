"""The workshop's addresses on the local network, found without sending anything outside."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import time
from collections.abc import Mapping

#: The learner's notebook, relative to the served folder.
LEARNER_NOTEBOOK = "atelier.ipynb"

#: Interfaces that are never the workshop's Wi-Fi (containers, virtual machines, loopback).
_VIRTUAL_INTERFACES = (
    "lo",
    "docker",
    "br-",
    "veth",
    "virbr",
    "vmnet",
    "vboxnet",
    "vEthernet",
    "utun",
    "tun",
    "tailscale",
    "zt",
)


def learner_url(host: str, port: int) -> str:
    """Return the address of the learner's page on ``host``."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}/voila/render/{LEARNER_NOTEBOOK}"


def hub_learner_url(environ: Mapping[str, str] | None = None) -> str | None:
    """Return the learners' page of this facilitator's server through JupyterHub, or None.

    Under the hub (``JUPYTERHUB_SERVICE_PREFIX`` set by its spawner) learners reach the page
    through the hub's public address: ``JUPYTERHUB_PUBLIC_URL`` (the server's public URL, set
    when the hub has a ``public_url``), e.g. ``https://ateliers.example.fr/user/marie/``.
    Without it, the host and port the page was asked on (``SERVER_NAME``, ``SERVER_PORT``,
    which Voilà gives a page's kernel) and plain ``http``. On a laptop: None.

    Parameters
    ----------
    environ
        The environment to read; default: ``os.environ``.

    Returns
    -------
    str or None
        E.g. ``https://ateliers.example.fr/user/marie/voila/render/atelier.ipynb``.
    """
    env = os.environ if environ is None else environ
    prefix = (env.get("JUPYTERHUB_SERVICE_PREFIX") or "").strip()
    if not prefix:
        return None
    base = (env.get("JUPYTERHUB_PUBLIC_URL") or "").strip()
    if not base:
        host = (env.get("SERVER_NAME") or "").strip() or "127.0.0.1"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address
        port = (env.get("SERVER_PORT") or "").strip()
        base = f"http://{host}{':' + port if port else ''}/{prefix.strip('/')}/"
    return f"{base.rstrip('/')}/voila/render/{LEARNER_NOTEBOOK}"


def is_loopback_host(host: str) -> bool:
    """Tell whether ``host`` names this computer only (``localhost``, ``127.0.0.1``, ``::1``…).

    An empty host counts as loopback; a host that is neither an address nor ``localhost`` (a
    network name) does not, unless it ends with ``.localhost``.
    """
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.endswith(".localhost")


def lan_addresses() -> list[str]:
    """Return this machine's IPv4 addresses on a local network, the likeliest first.

    No packet is sent: a UDP socket ``connect`` only asks the system which address it would use to
    reach a private address; then the interfaces are listed (``psutil``, a dependency of
    ipykernel); the host name's addresses come last. Loopback, link-local and container or
    virtual-machine interfaces are left out. The list is empty when no network is connected.
    """
    found: list[str] = []

    def add(address: str) -> None:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return
        if ip.version == 4 and not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
            if address not in found:
                found.append(address)

    with contextlib.suppress(OSError):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 9))  # UDP connect: a route lookup, nothing sent
            add(probe.getsockname()[0])

    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        psutil = None
    if psutil is not None:
        with contextlib.suppress(OSError):
            stats = psutil.net_if_stats()
            for name, addresses in psutil.net_if_addrs().items():
                if name.startswith(_VIRTUAL_INTERFACES):
                    continue
                if name in stats and not stats[name].isup:
                    continue
                for address in addresses:
                    if address.family == socket.AF_INET:
                        add(address.address)

    with contextlib.suppress(OSError):
        for address in socket.gethostbyname_ex(socket.gethostname())[2]:
            add(address)

    # A private address (home or workshop Wi-Fi, a phone's hotspot) before any public one.
    return sorted(found, key=lambda a: not ipaddress.ip_address(a).is_private)


def addresses_message(ip: str, port: int) -> str:
    """Return, in plain French, the addresses to open on this computer and on the Wi-Fi."""
    all_interfaces = ip in ("", "0.0.0.0", "::")
    local = "127.0.0.1" if all_interfaces else ip
    base = learner_url(local, port).rsplit("/", 1)[0]
    lines = [f"Ouvrez {learner_url(local, port)} sur cet ordinateur.",
             "Pages de l'animateur, sur cet ordinateur :",
             f"  console : {base}/animateur.ipynb",
             f"  projection : {base}/projection.ipynb",
             f"  bilan : {base}/bilan.ipynb",
             f"  formateur : {base}/formateur.ipynb"]
    if all_interfaces:
        lan = lan_addresses()
        if lan:
            lines.append(f"Pour les apprenants, sur le Wi-Fi de l'atelier : "
                         f"{learner_url(lan[0], port)}")
            lines += [f"  ou : {learner_url(address, port)}" for address in lan[1:]]
        else:
            lines.append(
                "Aucun réseau local trouvé : les téléphones ne pourront pas se connecter. "
                "Reliez cet ordinateur au Wi-Fi de l'atelier, puis relancez."
            )
    elif ipaddress.ip_address(local).is_loopback:
        lines.append("Seul cet ordinateur peut ouvrir la page (adresse d'écoute : 127.0.0.1).")
    lines.append("Pour arrêter le serveur : Ctrl+C dans cette fenêtre.")
    return "\n".join(lines)


def wait_until_listening(port: int, timeout: float = 60.0, host: str = "127.0.0.1") -> bool:
    """Wait until something accepts connections on ``host:port``; False after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with socket.create_connection((host, port), timeout=1):
                return True
        time.sleep(0.2)
    return False


def port_is_free(ip: str, port: int) -> bool:
    """Return True if the server could listen on ``ip:port``."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if os.name != "nt":
            # As tornado does: a port left in TIME_WAIT by a previous run can be reused.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip or "0.0.0.0", port))
        except OSError:
            return False
    return True
