"""The workbook under JupyterHub: each facilitator's own server, guarded by the hub's login.

The hub's spawner runs ``bacasable serve`` for each facilitator (``deploy/jupyterhub/``). Its
proxy (configurable-http-proxy) authenticates nobody: every request reaches this server from
loopback, so the TCP peer that tells "this laptop" on a laptop means nothing here. Under the
hub (``JUPYTERHUB_SERVICE_PREFIX`` set by the spawner) the server therefore decides with the
hub's login instead (:class:`HubGuard`):

- **Learner pages stay public**: ``atelier.ipynb``, its kernel's websocket, the static files,
  ``/bacasable/voix``. Their kernels are told an unknown peer (:data:`VISITOR`), never "this
  laptop", whoever asks.
- **Facilitator pages** (every other notebook: console, projection, bilan, formateur…) need
  the hub login of the server's own user, through the hub's OAuth (``HubOAuth``, its callback
  at ``<prefix>oauth_callback``): no login, a redirect to the hub's; another account, 403.
  Only then is the kernel told :data:`OWNER_PEER`, a loopback address: the hub's login stands
  for "this laptop", and the facilitator's PIN is asked as on a laptop (their own PIN: the
  store keeps one per owner).
- **A facilitator's kernel** (one told a loopback peer, or one of unknown origin) answers
  on its routes (websocket, kernel API, shutdown, query) only to that same login: a visitor who
  learnt its id gets 403. Preheated learner kernels and learner pages' kernels stay public.
- The hub's API token is taken out of the server's environment before any kernel starts:
  kernels never see it.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any
from urllib.parse import urlparse

from bacasable.workshop.network import LEARNER_NOTEBOOK, hub_learner_url
from bacasable.workshop.peer import PEER_VARIABLE, UNKNOWN, is_loopback_address

__all__ = [
    "CONSOLE_NOTEBOOK",
    "HUB_SETTING",
    "OWNER_PEER",
    "VISITOR",
    "HubError",
    "HubGuard",
    "HubServer",
    "hub_server",
    "is_public_kernel_env",
    "is_public_page",
]

#: The tornado setting holding the :class:`HubGuard` of a server under the hub.
HUB_SETTING = "bacasable_hub"
#: The peer told to the kernel of a page opened by the server's own hub user.
OWNER_PEER = "127.0.0.1"
#: The peer told to every other page's kernel: not an address, so never "this laptop".
VISITOR = UNKNOWN
#: Where the facilitator lands on their server (``/user/<name>/``).
CONSOLE_NOTEBOOK = "animateur.ipynb"
#: Variables of the hub's secrets: kept by the server process, never passed to a kernel.
SECRET_VARIABLES = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN")

MSG_NO_USER = ("JupyterHub n'a pas donné le nom de l'animateur (JUPYTERHUB_USER) : "
               "le serveur ne démarre pas.")
MSG_NO_TOKEN = ("JupyterHub n'a pas donné son jeton (JUPYTERHUB_API_TOKEN, JUPYTERHUB_CLIENT_ID)"
                " : sans lui, les pages de l'animateur ne seraient pas protégées. "
                "Le serveur ne démarre pas.")


class HubError(RuntimeError):
    """The hub's environment is incomplete: the server must not start (French message)."""


@dataclasses.dataclass(frozen=True)
class HubServer:
    """Where the spawner asks a facilitator's server to listen, and whose it is."""

    #: The facilitator's hub account (``JUPYTERHUB_USER``).
    user: str
    #: The server's URL prefix (``JUPYTERHUB_SERVICE_PREFIX``, e.g. ``/user/marie/``).
    prefix: str
    #: The address and port to listen on (from ``JUPYTERHUB_SERVICE_URL``).
    ip: str
    port: int
    #: The learners' page through the hub (see :func:`~bacasable.workshop.network.hub_learner_url`).
    learner_url: str

    def addresses_message(self) -> str:
        """Return, in plain French, the addresses of this facilitator's pages through the hub."""
        base = self.learner_url.rsplit("/", 1)[0]
        return "\n".join([
            f"Bac à sable sert l'atelier de « {self.user} » derrière JupyterHub "
            f"(écoute sur {self.ip}:{self.port}, préfixe {self.prefix}).",
            f"Pour les apprenants, sans compte : {self.learner_url}",
            "Pages de l'animateur, après connexion au hub :",
            f"  console : {base}/{CONSOLE_NOTEBOOK}",
            f"  projection : {base}/projection.ipynb",
            f"  bilan : {base}/bilan.ipynb",
            f"  formateur : {base}/formateur.ipynb",
        ])


def hub_server(environ: Mapping[str, str]) -> HubServer | None:
    """Return the hub's orders to this server, or None on a laptop (no hub variables).

    Parameters
    ----------
    environ
        The environment the spawner gave (``JUPYTERHUB_SERVICE_PREFIX``, ``…_SERVICE_URL``,
        ``JUPYTERHUB_USER``, ``JUPYTERHUB_PUBLIC_URL``…).

    Raises
    ------
    HubError
        When the prefix is there but the user is not.
    """
    prefix = (environ.get("JUPYTERHUB_SERVICE_PREFIX") or "").strip()
    if not prefix:
        return None
    user = (environ.get("JUPYTERHUB_USER") or "").strip()
    if not user:
        raise HubError(MSG_NO_USER)
    prefix = "/" + prefix.strip("/") + "/"
    bind = urlparse(environ.get("JUPYTERHUB_SERVICE_URL") or "http://127.0.0.1:8888/")
    learner = hub_learner_url(environ) or ""
    return HubServer(user=user, prefix=prefix, ip=bind.hostname or "127.0.0.1",
                     port=bind.port or 8888, learner_url=learner)


def is_public_page(path: str | None) -> bool:
    """Tell whether the notebook ``path`` (as Voilà's route gives it) is the learners' page.

    Anything that does not name ``atelier.ipynb`` itself once normalised (``./``, ``..``,
    doubled slashes) is a facilitator's page: the safe side.
    """
    if not path:
        return False
    return posixpath.normpath("/" + path).lstrip("/") == LEARNER_NOTEBOOK


def is_public_kernel_env(env: Mapping[str, str]) -> bool:
    """Tell from a kernel's launch environment whether a visitor may reach it.

    A kernel told a peer that is not a loopback address is a learner page's; a preheated one
    (``VOILA_PREHEAT``, only the learners' page has a pool) too. A kernel told a loopback peer
    is the facilitator's, and one told nothing, not preheated, is of unknown origin: both are
    guarded.
    """
    peer = (env.get(PEER_VARIABLE) or "").strip()
    if peer:
        return not is_loopback_address(peer)
    return env.get("VOILA_PREHEAT") == "True"


#: Voilà's routes that name a kernel in their path (the shutdown beacon's is unnamed).
_SHUTDOWN_ROUTE = re.compile(r".*/voila/api/shutdown/\(\.\*\)\$?$")


def _names_a_kernel(pattern: str) -> bool:
    return "kernel_id" in re.compile(pattern).groupindex or bool(_SHUTDOWN_ROUTE.match(pattern))


class HubGuard:
    """Who may open what on a facilitator's server under the hub (see the module's text).

    Parameters
    ----------
    server
        The hub's orders (:func:`hub_server`).
    auth
        The hub's OAuth client (``jupyterhub.services.auth.HubOAuth``) of this server.
    """

    def __init__(self, server: HubServer, auth: Any) -> None:
        self.server = server
        self.auth = auth

    @classmethod
    def from_environ(cls, environ: MutableMapping[str, str]) -> HubGuard | None:
        """Return the guard of a server under the hub (None on a laptop).

        The hub's API token is read, then removed from ``environ`` (``os.environ``: the
        kernels Voilà starts copy it).

        Raises
        ------
        HubError
            When the hub's variables are incomplete.
        """
        server = hub_server(environ)
        if server is None:
            return None
        token = environ.get("JUPYTERHUB_API_TOKEN") or environ.get("JPY_API_TOKEN") or ""
        client_id = environ.get("JUPYTERHUB_CLIENT_ID") or ""
        if not token or not client_id:
            raise HubError(MSG_NO_TOKEN)
        from jupyterhub.services.auth import HubOAuth
        from jupyterhub.utils import url_path_join

        hub_base = environ.get("JUPYTERHUB_BASE_URL") or "/"
        scopes = json.loads(environ.get("JUPYTERHUB_OAUTH_ACCESS_SCOPES") or "[]")
        auth = HubOAuth(
            api_token=token,
            api_url=environ.get("JUPYTERHUB_API_URL") or "http://127.0.0.1:8081/hub/api",
            base_url=server.prefix,
            hub_prefix=url_path_join(hub_base, "hub") + "/",
            hub_host=environ.get("JUPYTERHUB_HOST") or "",
            oauth_client_id=client_id,
            oauth_redirect_uri=environ.get("JUPYTERHUB_OAUTH_CALLBACK_URL")
            or url_path_join(server.prefix, "oauth_callback"),
            access_scopes=set(scopes),
            cookie_options=json.loads(environ.get("JUPYTERHUB_COOKIE_OPTIONS") or "{}"),
            # A logout on the hub ends access here within a minute.
            cache_max_age=60,
        )
        for name in SECRET_VARIABLES:
            environ.pop(name, None)
        return cls(server, auth)

    # --- who is asking --------------------------------------------------------------------

    async def hub_user(self, handler: Any) -> dict[str, Any] | None:
        """Return the hub user of this server's OAuth cookie, checked with the hub, or None.

        The hub's answer is cached a minute; an expired or revoked login gives None.
        """
        cookie = handler.get_secure_cookie(self.auth.cookie_name)
        if not cookie:
            return None
        return await self.auth.user_for_token(
            cookie.decode("ascii", "replace"), session_id=self.auth.get_session_id(handler),
            sync=False)

    def is_owner(self, model: Mapping[str, Any]) -> bool:
        """Tell whether a hub user is the server's own.

        Same name, and the access scopes the hub gave this server
        (``access:servers!server=<name>/``) in their token.
        """
        if model.get("name") != self.server.user:
            return False
        scopes = self.auth.access_scopes
        return not scopes or ("scopes" in model
                              and bool(self.auth.check_scopes(scopes, dict(model))))

    async def owner(self, handler: Any) -> dict[str, Any] | None:
        """Return the hub user of the request if it is the server's own user, else None."""
        model = await self.hub_user(handler)
        return model if model and self.is_owner(model) else None

    async def page_peer(self, handler: Any, path: str | None) -> str | None:
        """Return the peer to tell the kernel of the page ``path``, or None when redirected.

        The learners' page: :data:`VISITOR`, whoever asks. A facilitator's page: the server's
        own user gets :data:`OWNER_PEER`; without a login on this server the browser is sent
        to the hub's login (None is returned); another account gets 403.

        Raises
        ------
        tornado.web.HTTPError
            403 for a logged-in account that is not the server's user.
        """
        from tornado import web

        if is_public_page(path):
            return VISITOR
        model = await self.hub_user(handler)
        if model is None:
            handler.redirect(self.login_url(handler))
            return None
        if not self.is_owner(model):
            raise web.HTTPError(403)
        return OWNER_PEER

    def login_url(self, handler: Any) -> str:
        """Return the hub's OAuth address that logs in and comes back to this request.

        As ``HubAuthenticated.get_login_url`` does: a state cookie remembers where to come
        back, with a PKCE challenge.
        """
        from tornado.httputil import url_concat

        params: dict[str, str] = {}
        verifier = None
        if self.auth.pkce_enabled:
            verifier, challenge, method = self.auth.generate_pkce_code_challenge()
            params.update(code_challenge=challenge, code_challenge_method=method)
        params["state"] = self.auth.set_state_cookie(
            handler, next_url=handler.request.uri, code_verifier=verifier)
        return url_concat(self.auth.login_url, params)

    async def check_kernel(self, handler: Any, kernel_id: str) -> None:
        """Let a request on a kernel's route through only if a visitor may reach that kernel.

        Raises
        ------
        tornado.web.HTTPError
            404 for an unknown kernel, 403 for a facilitator's kernel without the login.
        """
        from tornado import web

        try:  # from the settings: the query route is a plain tornado websocket
            kernel = handler.settings["kernel_manager"].get_kernel(kernel_id)
        except KeyError:
            raise web.HTTPError(404) from None
        launch = getattr(kernel, "_launch_args", None)
        env = launch.get("env") if isinstance(launch, dict) else None
        if isinstance(env, Mapping) and is_public_kernel_env(env):
            return
        if await self.owner(handler) is None:
            raise web.HTTPError(403)

    # --- the server's settings and routes --------------------------------------------------

    def update_settings(self, settings: dict[str, Any]) -> None:
        """Put the guard into the tornado settings; keep the ``_xsrf`` cookie on this server.

        Without a path, the cookie would be set for the whole hub and meet the hub's own.
        """
        settings[HUB_SETTING] = self
        settings["xsrf_cookie_kwargs"] = {"path": self.server.prefix}

    def routes(self, handlers: list, server_url: str, french: Callable[[type], type]) -> list:
        """Return the server's routes under the hub.

        The OAuth callback, ``/`` to the console, and every route that names a kernel guarded
        by :meth:`check_kernel`.

        Parameters
        ----------
        handlers
            The routes as the server made them, ``(pattern, class, *rest)``.
        server_url
            The server's URL prefix.
        french
            Wraps a handler class so that its errors answer a French page.
        """
        from jupyterhub.services.auth import HubOAuthCallbackHandler
        from jupyterhub.utils import url_path_join
        from tornado import web

        guard = self

        class CallbackHandler(HubOAuthCallbackHandler):
            """The hub's OAuth callback: sets this server's login cookie, then goes back."""

            def initialize(self, hub_auth: Any) -> None:
                self.hub_auth = hub_auth

        class KernelRoute:
            """Mixed into a kernel's route: :meth:`HubGuard.check_kernel` first."""

            async def prepare(self) -> None:
                kernel_id = self.path_kwargs.get("kernel_id") or (self.path_args or [""])[0]
                await guard.check_kernel(self, kernel_id)
                result = super().prepare()  # type: ignore[misc]
                if result is not None:
                    await result

        guarded = []
        for pattern, handler_class, *rest in handlers:
            if _names_a_kernel(pattern):
                handler_class = type(handler_class.__name__, (KernelRoute, handler_class), {})
            guarded.append((pattern, handler_class, *rest))
        callback = urlparse(self.auth.oauth_redirect_uri).path
        console = url_path_join(self.server.prefix, "voila/render", CONSOLE_NOTEBOOK)
        return [
            (callback, french(CallbackHandler), {"hub_auth": self.auth}),
            # The hub sends the facilitator to /user/<name>/: their console (learners come
            # with the full address of their page). 302: a browser remembers no redirect.
            (server_url, french(web.RedirectHandler), {"url": console, "permanent": False}),
            *guarded,
        ]
