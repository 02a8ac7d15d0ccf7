"""The page request a preheated kernel waits for, received over one websocket.

A preheated kernel runs its notebook before any page asks for it, then waits at the query
string. Voilà's own helper (``voila.utils.get_query_string``) imports jupyter_server and the
``websockets`` package: about 1.7 CPU-seconds and 60 MB per waiting kernel, for one message.
This module receives the same message with ``websocket-client`` (pure Python, a dependency of
jupyter_server, so always there): 0.3 MB, no thread, no event loop. Tornado's client would cost
3.5 MB (it imports ``tornado.web``) and a second event loop in a thread.

The protocol is Voilà's (``voila/query_parameters_handler.py``): the kernel connects to
``{VOILA_WS_BASE_URL or VOILA_SERVER_URL}voila/query/{VOILA_KERNEL_ID}`` on the server's own
address; when a page takes the kernel, the server sends one JSON object of environment variables
(``QUERY_STRING``, ``SCRIPT_NAME``, ``SERVER_NAME``…), which are put into ``os.environ`` as
Voilà does.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping

__all__ = ["request_url", "wait_for_page_request"]

log = logging.getLogger(__name__)

#: Seconds to open the websocket (the server is on this machine: it answers at once or is gone).
CONNECT_TIMEOUT = 5.0


def request_url(environ: Mapping[str, str] | None = None) -> str:
    """Return the websocket address this kernel's page request arrives on (Voilà's rule)."""
    env = os.environ if environ is None else environ
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    ip = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def wait_for_page_request(url: str | None = None) -> dict[str, str]:
    """Wait until a page takes this preheated kernel; return its request's variables.

    The variables are also put into ``os.environ`` (as Voilà's helper does), so that
    ``QUERY_STRING`` reads the same afterwards. The wait blocks the cell that asks, as Voilà's
    helper does: the kernel has nothing else to do before its page comes.

    Returns
    -------
    dict
        The request's variables; empty when the server could not be reached.
    """
    import websocket  # websocket-client

    url = url or request_url()
    try:
        connection = websocket.create_connection(url, timeout=CONNECT_TIMEOUT)
    except Exception as error:  # the server stopped, or refused: the page gets no query
        log.warning("no page request received from %s (%s)", url, error)
        return {}
    try:
        connection.settimeout(None)  # the page may come in an hour: wait as long as it takes
        message = connection.recv()
    except Exception as error:
        log.warning("the page request from %s was cut (%s)", url, error)
        return {}
    finally:
        connection.close()
    if not message:
        return {}
    variables = {str(k): str(v) for k, v in json.loads(message).items()}
    os.environ.update(variables)
    return variables
