"""The server under JupyterHub (bacasable/server/hub.py), without a hub: its decisions one by one.

The whole path (a hub, its proxy, two facilitators and a learner) is tests/deploy/.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from tornado import web
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from bacasable.server.hub import (
    OWNER_PEER,
    VISITOR,
    HubError,
    HubGuard,
    hub_server,
    is_public_kernel_env,
    is_public_page,
)
from bacasable.workshop.join_address import default_host, join_url
from bacasable.workshop.network import hub_learner_url
from bacasable.workshop.peer import PEER_VARIABLE, page_peer

HUB_ENV = {
    "JUPYTERHUB_SERVICE_PREFIX": "/user/marie/",
    "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:45123/user/marie/",
    "JUPYTERHUB_USER": "marie",
    "JUPYTERHUB_PUBLIC_URL": "https://ateliers.example.fr/user/marie/",
    "JUPYTERHUB_API_TOKEN": "secret-token",
    "JPY_API_TOKEN": "secret-token",
    "JUPYTERHUB_CLIENT_ID": "jupyterhub-user-marie",
    "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api",
    "JUPYTERHUB_BASE_URL": "/",
    "JUPYTERHUB_HOST": "https://ateliers.example.fr",
    "JUPYTERHUB_OAUTH_CALLBACK_URL": "/user/marie/oauth_callback",
    "JUPYTERHUB_OAUTH_ACCESS_SCOPES":
        '["access:servers!server=marie/", "access:servers!user=marie"]',
}
LEARNER_PAGE = "https://ateliers.example.fr/user/marie/voila/render/atelier.ipynb"


class FakeHandler:
    """What the guard uses of a tornado handler: cookies, the request, a redirect."""

    def __init__(self, cookie: str | None = None, kernels: Any = None) -> None:
        self.request = HTTPServerRequest(
            start_line=RequestStartLine("GET", "/user/marie/voila/render/animateur.ipynb",
                                        "HTTP/1.1"),
            headers=HTTPHeaders({"Host": "ateliers.example.fr"}))
        self.cookie = cookie
        self.set: dict[str, Any] = {}
        self.redirected: str | None = None
        self.settings = {"kernel_manager": kernels}
        self.path_args: list[str] = []
        self.path_kwargs: dict[str, str] = {}

    def get_secure_cookie(self, name: str) -> bytes | None:
        return self.cookie.encode() if self.cookie and name == "jupyterhub-user-marie" else None

    def set_secure_cookie(self, name: str, value: str, **kwargs: Any) -> None:
        self.set[name] = value

    def get_cookie(self, name: str, default: Any = None) -> Any:
        return default

    def redirect(self, url: str) -> None:
        self.redirected = url


@pytest.fixture
def guard() -> HubGuard:
    env = dict(HUB_ENV)
    made = HubGuard.from_environ(env)
    assert made is not None
    # The hub's side: who each token is (what /hub/api/user answers).
    users = {"marie-token": {"name": "marie", "scopes": ["access:servers!server=marie/"]},
             "paul-token": {"name": "paul", "scopes": ["access:servers!server=marie/"]},
             "narrow-token": {"name": "marie", "scopes": ["read:users"]}}

    async def user_for_token(token: str, **_kwargs: Any) -> dict | None:
        return users.get(token)

    made.auth.user_for_token = user_for_token
    return made


def test_the_hub_tells_the_server_where_to_listen_and_for_whom():
    assert hub_server({}) is None  # a laptop
    server = hub_server(HUB_ENV)
    assert (server.user, server.prefix, server.ip, server.port) == (
        "marie", "/user/marie/", "127.0.0.1", 45123)
    assert server.learner_url == LEARNER_PAGE
    message = server.addresses_message()
    assert LEARNER_PAGE in message and "animateur.ipynb" in message and "marie" in message
    with pytest.raises(HubError, match="JUPYTERHUB_USER"):
        hub_server({"JUPYTERHUB_SERVICE_PREFIX": "/user/x/"})


def test_the_guard_takes_the_hub_token_out_of_the_kernels_reach():
    env = dict(HUB_ENV)
    made = HubGuard.from_environ(env)
    assert "JUPYTERHUB_API_TOKEN" not in env and "JPY_API_TOKEN" not in env
    assert made.auth.api_token == "secret-token"
    assert made.auth.oauth_client_id == "jupyterhub-user-marie"
    assert made.auth.base_url == "/user/marie/"
    assert made.auth.access_scopes == {"access:servers!server=marie/", "access:servers!user=marie"}
    assert HubGuard.from_environ({}) is None
    no_token = {k: v for k, v in HUB_ENV.items() if "TOKEN" not in k}
    with pytest.raises(HubError, match="jeton"):
        HubGuard.from_environ(no_token)


def test_only_the_learners_page_is_public():
    assert is_public_page("atelier.ipynb")
    assert is_public_page("./atelier.ipynb") and is_public_page("/atelier.ipynb")
    for guarded in ("animateur.ipynb", "bilan.ipynb", "formateur.ipynb", "projection.ipynb",
                    "x/../animateur.ipynb", "atelier.ipynb/../bilan.ipynb", "", None):
        assert not is_public_page(guarded)


def test_a_kernel_is_public_only_when_it_was_never_told_this_laptop():
    assert is_public_kernel_env({PEER_VARIABLE: VISITOR})
    assert is_public_kernel_env({PEER_VARIABLE: "192.168.1.20"})
    assert is_public_kernel_env({"VOILA_PREHEAT": "True"})  # the learners' pool
    assert not is_public_kernel_env({PEER_VARIABLE: OWNER_PEER})
    assert not is_public_kernel_env({PEER_VARIABLE: "::1"})
    assert not is_public_kernel_env({"VOILA_PREHEAT": "False"})  # a page's, told nothing
    assert not is_public_kernel_env({})
    # What the console's kernel makes of the peers the guard tells.
    voila = {"SERVER_SOFTWARE": "voila/0.5", "VOILA_BASE_URL": "/user/marie/"}
    assert page_peer({**voila, PEER_VARIABLE: OWNER_PEER}).local
    assert not page_peer({**voila, PEER_VARIABLE: VISITOR}).local


def test_a_facilitator_page_needs_the_servers_own_hub_login(guard):
    run = asyncio.run
    # The learners' page: public, and never "this laptop".
    assert run(guard.page_peer(FakeHandler(), "atelier.ipynb")) == VISITOR
    assert run(guard.page_peer(FakeHandler("marie-token"), "atelier.ipynb")) == VISITOR
    # No login: to the hub's OAuth, coming back to the page.
    anonymous = FakeHandler()
    assert run(guard.page_peer(anonymous, "animateur.ipynb")) is None
    target = urlparse(anonymous.redirected)
    assert anonymous.redirected.startswith(
        "https://ateliers.example.fr/hub/api/oauth2/authorize?")
    query = parse_qs(target.query)
    assert query["client_id"] == ["jupyterhub-user-marie"]
    assert query["code_challenge_method"] == ["S256"]
    state = query["state"][0]
    assert guard.auth.get_next_url(state) == "/user/marie/voila/render/animateur.ipynb"
    assert "jupyterhub-user-marie-oauth-state" in anonymous.set
    # An expired login: to the hub's login again, not refused.
    assert run(guard.page_peer(FakeHandler("expired-token"), "bilan.ipynb")) is None
    # Another account, or a token without access to this server: refused.
    for token in ("paul-token", "narrow-token"):
        with pytest.raises(web.HTTPError) as refused:
            run(guard.page_peer(FakeHandler(token), "animateur.ipynb"))
        assert refused.value.status_code == 403
    # The server's own user: "this laptop".
    assert run(guard.page_peer(FakeHandler("marie-token"), "animateur.ipynb")) == OWNER_PEER


class Kernel:
    def __init__(self, env: dict | None) -> None:
        self._launch_args = None if env is None else {"env": env}


class Kernels:
    def __init__(self, **kernels: Kernel) -> None:
        self.kernels = kernels

    def get_kernel(self, kernel_id: str) -> Kernel:
        return self.kernels[kernel_id]


def test_a_facilitators_kernel_answers_only_to_the_login(guard):
    kernels = Kernels(console=Kernel({PEER_VARIABLE: OWNER_PEER}),
                      learner=Kernel({PEER_VARIABLE: VISITOR}),
                      pooled=Kernel({"VOILA_PREHEAT": "True"}),
                      unknown=Kernel(None))
    run = asyncio.run
    for kernel in ("learner", "pooled"):
        assert run(guard.check_kernel(FakeHandler(kernels=kernels), kernel)) is None
    for kernel in ("console", "unknown"):
        for cookie in (None, "paul-token", "expired-token"):
            with pytest.raises(web.HTTPError) as refused:
                run(guard.check_kernel(FakeHandler(cookie, kernels), kernel))
            assert refused.value.status_code == 403
        assert run(guard.check_kernel(FakeHandler("marie-token", kernels), kernel)) is None
    with pytest.raises(web.HTTPError) as missing:
        run(guard.check_kernel(FakeHandler(kernels=kernels), "nobody"))
    assert missing.value.status_code == 404


def test_the_routes_under_the_hub(guard):
    class Page(web.RequestHandler):
        pass

    class KernelApi(web.RequestHandler):
        pass

    class Shutdown(web.RequestHandler):
        pass

    kernel = r"/user/marie/api/kernels/(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"
    given = [("/user/marie/voila/render/(.*)", Page, {}), (kernel, KernelApi),
             (kernel + "/channels", KernelApi), ("/user/marie/voila/api/shutdown/(.*)", Shutdown)]
    routes = guard.routes(given, "/user/marie/", lambda cls: cls)
    callback, home, page, api, channels, shutdown = routes
    assert callback[0] == "/user/marie/oauth_callback" and callback[2] == {"hub_auth": guard.auth}
    assert home[0] == "/user/marie/" and home[2]["url"] == (
        "/user/marie/voila/render/animateur.ipynb")
    assert page[1] is Page  # a page decides itself (page_peer)
    for route, original in ((api, KernelApi), (channels, KernelApi), (shutdown, Shutdown)):
        assert route[1] is not original and issubclass(route[1], original)
    settings: dict = {}
    guard.update_settings(settings)
    assert settings["bacasable_hub"] is guard
    assert settings["xsrf_cookie_kwargs"] == {"path": "/user/marie/"}


def test_the_join_address_is_the_hubs_public_one(monkeypatch):
    assert hub_learner_url({}) is None
    assert hub_learner_url(HUB_ENV) == LEARNER_PAGE
    assert join_url("192.168.1.20", 8866, "AB2C3D", HUB_ENV) == LEARNER_PAGE + "?code=AB2C3D"
    assert default_host(HUB_ENV) == ("ateliers.example.fr", ["ateliers.example.fr"])
    # A hub without a public address: the host the console was opened on, in plain http.
    bare = {k: v for k, v in HUB_ENV.items() if k != "JUPYTERHUB_PUBLIC_URL"}
    assert hub_learner_url({**bare, "SERVER_NAME": "hub.local", "SERVER_PORT": "8000"}) == (
        "http://hub.local:8000/user/marie/voila/render/atelier.ipynb")
    # The console's kernel reads its own environment.
    for name, value in HUB_ENV.items():
        monkeypatch.setenv(name, value)
    assert join_url("127.0.0.1", 8866, "ZZ9ZZ9") == LEARNER_PAGE + "?code=ZZ9ZZ9"
