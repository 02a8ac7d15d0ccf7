"""Voilà as Bac à sable runs it: the additions made in the server process, and why.

Each addition is small and tested in ``tests/bacasable/test_serve.py`` and
``tests/bacasable/test_server_attacks.py``:

- **The page's peer reaches its kernel.** The notebook page handler records the TCP peer of the
  request (Tornado's ``remote_ip``: the server never trusts ``X-Forwarded-For`` or ``X-Real-Ip``,
  ``xheaders`` is off) and the kernel manager writes it into the environment of the kernel it
  starts for that page (:data:`bacasable.workshop.peer.PEER_VARIABLE`), replacing any value
  the server's own environment had. Nothing the client writes (``Host``, query string, headers)
  can set it: Voilà copies no header into a kernel's environment (``http_header_envs`` is empty).
  A preheated kernel, started before any request, has none: it counts as a device on the Wi-Fi.
- **A page sends its kernel only what a page needs**: messages over :data:`MAX_PAGE_MESSAGE`
  close the websocket, and a malformed message (JSON nested too deep, no header…) is dropped
  with one line of log, no traceback. Voilà already lets only comm and info messages through.
- **Every address answers a French page** (:mod:`bacasable.server.error_pages`): each handler
  class gets French errors, a websocket route asked as a page answers 404, the template's static
  route serves only ``bacasable/static/`` files (Voilà's answered 500 for a folder or a ``.j2``),
  and jupyter_server's login and logout pages, which Voilà does not use, are gone.
- The notebook pages set the ``_xsrf`` cookie. Voilà's front end sends a shutdown beacon when a
  tab closes, with the ``_xsrf`` token read from that cookie, but Voilà never sets it, so the
  beacon is refused (voila issue 1458) and the kernel lives on until culled. With the cookie,
  a closed tab frees its kernel at once *and* the XSRF check stays on.
- Kernels waiting in the preheated pool count as active: otherwise a kernel that waited longer
  than ``cull_idle_timeout`` is handed to a learner with an old activity date and culled at the
  next check, before its page has even connected.
- ``/`` and ``/voila/tree`` redirect to the learner's page; Voilà's contents API answers 404
  (otherwise anyone on the Wi-Fi could list and read the notebooks).
- ``/bacasable/voix`` reads a text aloud with espeak-ng for the pages of devices with no French
  voice (:mod:`bacasable.server.speech`: cached, limited per device, no PIN).
- Responses are gzip-compressed (Voilà's front end is about 5 MB per phone on a first visit),
  each static file once for the whole room (:mod:`bacasable.server.static_gzip`).
- The learner kernels' catalogue is cached at start
  (:mod:`bacasable.scenario.catalogue_cache`): no kernel reads the scenario files.
- No ``voila.json``/``voila.py`` is read: every setting comes from
  :func:`bacasable.server.serve.voila_argv`.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bacasable.common.config import BacasableConfig
from bacasable.scenario.catalogue_cache import warm_cache
from bacasable.workshop.network import LEARNER_NOTEBOOK
from bacasable.workshop.peer import PEER_VARIABLE

from .error_pages import french_error
from .kernel_fork import start_zygote
from .kernel_starts import RoomWarmer, StartGate
from .room_size import pool_publisher, room_expectations
from .speech import SPEECH_PATH, Speech, speech_handler_class
from .static_gzip import StaticGzip
from .template import SHARE_DIR, TEMPLATE_DIR

__all__ = ["voila_app_class"]

#: The peer address of the page request being served, for the kernel it starts.
_PAGE_PEER: contextvars.ContextVar[str | None] = contextvars.ContextVar("page_peer", default=None)

#: The largest message a page may send its kernel. The largest real one is a trainer's text
#: in the editor (2,000 characters at most, a few kilobytes as JSON); a learner's are far
#: smaller (uploads send a document's id, not a file): tests/bacasable/test_server_attacks.py
#: measures them. Tornado's default is 10 MiB.
MAX_PAGE_MESSAGE = 256 * 1024

#: What every kernel imports, once, in the parent its kernels are forked from (kernel_fork).
KERNEL_PRELOAD = ["ipykernel.kernelapp", "ipykernel.ipkernel", "widgets.learner.app"]

#: Seconds the server waits at start for that parent's imports (about 1; later kernels never wait).
ZYGOTE_IMPORT_TIMEOUT = 30.0

#: Seconds between two looks at the open workshops (a new one warms its kernels this soon).
WARM_EVERY = 2

#: Seconds after which a pool kernel that never asked for its page stops holding a turn.
WARM_TIMEOUT = 60.0

#: What a learner's page shows at once while its kernel warms (then hidden by the page's CSS).
WAITING_PAGE = (TEMPLATE_DIR / "waiting.html").read_text(encoding="utf-8")

#: The only files the template route serves: ``<template>/static/<file>`` of our template.
_TEMPLATE_FILE = re.compile(r"^bacasable/static/(?!.*(?:^|/)\.)[\w./-]+$")


def _pooled_kernel_ids(manager: Any) -> list[str]:
    """Return the ids of the started kernels waiting in Voilà's preheated pools."""
    ids = []
    for pool in getattr(manager, "_pools", {}).values():
        for task in pool:
            if task.done() and not task.cancelled() and task.exception() is None:
                kernel_id = task.result().get("kernel_id")
                if kernel_id:
                    ids.append(kernel_id)
    return ids


def kernel_env_with_peer(env: dict[str, str] | None, peer: str | None) -> dict[str, str]:
    """Return a kernel's environment with the page's peer in it, and no other value of it."""
    env = dict(os.environ if env is None else env)
    env.pop(PEER_VARIABLE, None)
    if peer:
        env[PEER_VARIABLE] = peer
    return env


def voila_app_class(hub: Any = None) -> type:
    """Return the Voilà application class run by the server process (imports Voilà lazily).

    ``hub``: the :class:`~bacasable.server.hub.HubGuard` of a server under JupyterHub (its
    login guards the facilitator's pages and kernels), None on a laptop.
    """
    from jupyter_core.paths import jupyter_path
    from jupyter_server.base.handlers import APIHandler, path_regex
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from jupyter_server.utils import url_path_join
    from tornado import ioloop, web, websocket
    from traitlets import default
    from voila.app import Voila
    from voila.handler import BaseVoilaHandler
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    class FrenchErrors:
        """Mixed into every handler: errors answer a French page (JSON for the API)."""

        def prepare(self) -> Any:
            # A websocket route asked as a page: Tornado would answer an English 400.
            if isinstance(self, websocket.WebSocketHandler) and (
                self.request.headers.get("Upgrade", "").lower() != "websocket"
            ):
                raise web.HTTPError(404)
            return super().prepare()  # type: ignore[misc]

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            body, content_type = french_error(status_code, json=isinstance(self, APIHandler))
            self.set_header("Content-Type", content_type)
            self.finish(body)

    def french(handler_class: type) -> type:
        if issubclass(handler_class, FrenchErrors):
            return handler_class
        return type(handler_class.__name__, (FrenchErrors, handler_class), {})

    class KernelChannelsHandler(FrenchErrors, VoilaKernelWebsocketHandler):
        """A kernel's websocket that drops what a page should never send, with one log line."""

        def on_message(self, message: Any) -> None:
            try:
                super().on_message(message)
            except Exception as error:  # JSON too deep, no header, not a message at all…
                self.log.warning("dropped a malformed message from a page (%s, %d bytes)",
                                 type(error).__name__, len(message or ""))

    class PoolAwareKernelManager(AsyncMappingKernelManager):
        """Kernel manager: peers told, pool kernels warmed in turn, pools spared by the culler.

        Pool kernels warm a few at a time, in order (:mod:`.kernel_starts`).
        """

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            config = BacasableConfig()
            self.start_gate = StartGate(config.warm_at_once)
            self._warming: dict[str, int] = {}
            self.warmer = RoomWarmer(
                self, LEARNER_NOTEBOOK, config.preheat_kernels, room_expectations(config),
                self.start_gate, publish=pool_publisher(config))

        async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
            # A pool kernel is started for no page (a refill runs in the context of the page
            # that emptied the pool): it gets no peer.
            pooled = (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True"
            peer = None if pooled else _PAGE_PEER.get()
            kwargs["env"] = kernel_env_with_peer(kwargs.get("env"), peer)
            if not pooled:
                return await super().start_kernel(*args, **kwargs)
            ticket = await self.start_gate.enter()
            try:
                kernel_id = await super().start_kernel(*args, **kwargs)
            except BaseException:
                self.start_gate.leave(ticket)
                raise
            self._warming[kernel_id] = ticket
            asyncio.get_running_loop().call_later(WARM_TIMEOUT, self.kernel_warm, kernel_id)
            return kernel_id

        def kernel_warm(self, kernel_id: str) -> None:
            """Give the kernel's turn on: it ran up to its page request, or it stopped."""
            ticket = self._warming.pop(kernel_id, None)
            if ticket is not None:
                self.start_gate.leave(ticket)

        async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
            self.kernel_warm(kernel_id)
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)

        async def cull_kernels(self) -> None:
            now = datetime.now(timezone.utc)
            for kernel_id in _pooled_kernel_ids(self):
                kernel = self._kernels.get(kernel_id)
                if kernel is not None:
                    kernel.last_activity = now
            await super().cull_kernels()

    class NotebookPageHandler(FrenchErrors, TornadoVoilaHandler):
        """Voilà's notebook page: its peer told to its kernel, the ``_xsrf`` cookie set."""

        @web.authenticated
        async def get(self, path: str | None = None) -> None:
            peer = self.request.remote_ip or ""
            if hub is not None:  # under JupyterHub the hub's login decides, not the peer
                peer = await hub.page_peer(self, path)
                if peer is None:
                    return  # sent to the hub's login
            self.xsrf_token  # noqa: B018 - reading it sets the cookie, before the page streams
            manager = self.kernel_manager
            ticket = None
            if path == LEARNER_NOTEBOOK and getattr(manager, "warmer", None) is not None:
                manager.warmer.page_taken()
                pool = manager._pools.get(LEARNER_NOTEBOOK) or []
                if pool:  # Voilà hands this page the pool's first kernel, maybe still warming
                    if not pool[0].done():
                        self._say_it_is_coming()
                else:  # no pool: this page starts its own kernel, in its turn
                    if manager.start_gate.full:
                        self._say_it_is_coming()
                    ticket = await manager.start_gate.enter()
            token = _PAGE_PEER.set(peer)
            try:
                await super().get(path)
            finally:
                _PAGE_PEER.reset(token)
                if ticket is not None:
                    manager.start_gate.leave(ticket)

        def _say_it_is_coming(self) -> None:
            """Show « L'exercice se prépare » at once, rather than a blank page."""
            self.write(WAITING_PAGE)
            self.flush()

        def set_header(self, name: str, value: Any) -> None:
            # Voilà sends "text/html" without a charset: say UTF-8 (the page is French).
            if name == "Content-Type" and value == "text/html":
                value = "text/html; charset=UTF-8"
            super().set_header(name, value)

    class PageRequestHandler(RequestInfoSocketHandler):
        """Where a pool kernel waits for its page: connecting means it is warm."""

        def open(self, kernel_id: str) -> None:
            super().open(kernel_id)
            manager = self.settings.get("kernel_manager")
            # Kernels run on this machine: a device on the Wi-Fi cannot hurry the queue on.
            local = self.request.remote_ip in ("127.0.0.1", "::1")
            if local and hasattr(manager, "kernel_warm"):
                manager.kernel_warm(kernel_id)

    class TemplateFileHandler(FrenchErrors, TemplateStaticFileHandler):
        """The template's static files: ``bacasable/static/<file>`` only, else 404."""

        def parse_url_path(self, url_path: str) -> str:
            if not _TEMPLATE_FILE.match(url_path):
                raise web.HTTPError(404)
            return super().parse_url_path(url_path)

        def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
            if not os.path.isfile(absolute_path):
                raise web.HTTPError(404)
            return super().validate_absolute_path(root, absolute_path)

    class NotFoundHandler(FrenchErrors, BaseVoilaHandler):
        """Any unknown address: the French 404 page."""

        async def prepare(self) -> None:
            raise web.HTTPError(404)

    class BacasableVoila(Voila):
        """Voilà as Bac à sable runs it."""

        @default("config_file_paths")
        def _default_config_file_paths(self) -> list[str]:
            return []

        @property
        def data_dir(self) -> str:
            # Voilà takes its themes from the first ``voila`` data folder, which is now the
            # package's (it only holds the template): use Voilà's own one.
            ours = (SHARE_DIR / "voila").resolve()
            for path in jupyter_path("voila"):
                if Path(path).is_dir() and Path(path).resolve() != ours:
                    return str(Path(path).resolve())
            return super().data_dir

        def init_settings(self) -> dict:
            # The learner kernels' catalogue, read once now in a child process (under a second),
            # before the pool's first kernels start: a kernel that found no cache would read the
            # files itself, 0.7 CPU-second each.
            config = BacasableConfig()
            warm_cache(config)
            if config.fork_kernels:  # before Voilà starts its pool (it serves nothing yet)
                start_zygote(KERNEL_PRELOAD).ready(timeout=ZYGOTE_IMPORT_TIMEOUT)
            self.voila_configuration.multi_kernel_manager_class = PoolAwareKernelManager
            settings = super().init_settings()
            warmer = getattr(self.kernel_manager, "warmer", None)
            # The learners' pool follows the open workshops (kernel_starts).
            if warmer is not None and hasattr(self.kernel_manager, "fill_if_needed"):
                ioloop.PeriodicCallback(warmer.tick, WARM_EVERY * 1000).start()
            # Tornado's gzip, with each static file compressed once for the whole room.
            settings["transforms"] = [StaticGzip]
            settings["serve_traceback"] = False
            settings["websocket_max_message_size"] = MAX_PAGE_MESSAGE
            settings["default_handler_class"] = NotFoundHandler
            settings["default_handler_args"] = {"voila_configuration": self.voila_configuration}
            if hub is not None:
                hub.update_settings(settings)
            return settings

        def init_handlers(self) -> list:
            replaced = {
                RequestInfoSocketHandler: PageRequestHandler,
                TornadoVoilaHandler: NotebookPageHandler,
                TemplateStaticFileHandler: TemplateFileHandler,
                VoilaKernelWebsocketHandler: KernelChannelsHandler,
            }
            handlers = []
            for pattern, handler_class, *rest in super().init_handlers():
                if handler_class.__module__.startswith("jupyter_server.auth"):
                    continue  # login and logout: Voilà serves no accounts
                if handler_class.__name__ in ("TornadoVoilaTreeHandler", "VoilaContentsHandler"):
                    continue  # the notebook list and contents: replaced below
                handler_class = replaced.get(handler_class, handler_class)
                handlers.append((pattern, french(handler_class), *rest))
            # Reading aloud for devices with no French voice: learners' pages, no PIN.
            speech = Speech(Path(BacasableConfig().data_dir) / "voix")
            handlers.insert(0, (url_path_join(self.server_url, SPEECH_PATH),
                                speech_handler_class(), {"speech": speech}))
            if not self.notebook_path:
                learner_page = url_path_join(self.base_url, "voila/render", LEARNER_NOTEBOOK)
                # 302, not 301: a browser would remember a permanent redirect for good.
                redirect = {"url": learner_page, "permanent": False}
                handlers.insert(0, (self.server_url, french(web.RedirectHandler), redirect))
                # The notebook list and the notebooks' content: not for the Wi-Fi.
                tree = url_path_join(self.server_url, r"/voila/tree" + path_regex)
                contents = url_path_join(self.server_url, r"/voila/api/contents" + path_regex)
                not_found = {"voila_configuration": self.voila_configuration}
                handlers[:0] = [
                    (tree, french(web.RedirectHandler), redirect),
                    (contents, NotFoundHandler, not_found),
                ]
            if hub is not None:  # the hub's login callback; kernels' routes guarded
                handlers = hub.routes(handlers, self.server_url, french)
            return handlers

    return BacasableVoila
