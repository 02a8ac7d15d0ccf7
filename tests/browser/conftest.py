"""Fixtures of the real-browser tests: one workbook server, one Chromium, phone-sized pages.

- ``workbook``: the real server (``bacasable.server.serve.start_server``, as ``bacasable serve`` runs
  it: the project's ``notebooks/`` folder, the template, a preheated pool of the configured size)
  on a free port, with a temporary ``BACASABLE_DATA``. Started once for the session.
- ``browser``: Debian's Chromium (``BACASABLE_CHROMIUM``, default ``/usr/bin/chromium``), headless,
  driven by Playwright. Never downloaded: a missing Chromium FAILS the tests with the way to
  install it (``make test`` does).
- ``open_page``: a new context and page, French locale, phone viewport; every request URL and
  console error is recorded. On teardown the page goes to ``about:blank`` first (closing a context
  fires no unload, so the kernel would stay), then the test fails if any request left the machine
  or the page logged an error.

The tests run one after another (browser load tests overload a 2-core machine).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import (  # the test folder is on sys.path (rootdir import mode)
    AXE,
    CHROMIUM,
    LAUNCH_ARGS,
    PHONE,
    Workbook,
    is_local,
)

#: Console messages of type "error" that do not matter: none known so far.
HARMLESS_CONSOLE_ERRORS: tuple[str, ...] = ()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}. Install Debian's package (sudo apt-get install "
            "chromium; `make test` does it) or give its path in BACASABLE_CHROMIUM. "
            "Never `playwright install`.",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_path() -> Path:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` (`make test` does it).",
                    pytrace=False)
    return AXE


@pytest.fixture(scope="session")
def workbook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbook")
    server = Workbook(folder / "data", folder / "server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        pytest.fail("Playwright for Python is missing: pip install -e '.[test]'.", pytrace=False)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path,
                                                  args=LAUNCH_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()


class PageRecord:
    """What one page did: every request URL, console errors, uncaught exceptions."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        # Nothing may leave the machine: record it (above), and never wait for it.
        page.route("**/*", self._route)

    def _console(self, message) -> None:
        if message.type == "error" and not any(h in message.text
                                               for h in HARMLESS_CONSOLE_ERRORS):
            self.console_errors.append(message.text)

    @staticmethod
    def _route(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not is_local(u)]


@pytest.fixture
def open_page(browser):
    """Return ``open_page(viewport=PHONE)``: a new French page whose requests are recorded."""
    records: list[PageRecord] = []
    contexts = []

    def _open(viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or PHONE, locale="fr-FR",
                                      timezone_id="Europe/Paris", service_workers="block")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        record = PageRecord(page)
        records.append(record)
        page.record = record  # the test can look at what its page did
        return page

    yield _open
    for record, context in zip(records, contexts, strict=True):
        try:
            record.page.goto("about:blank")  # fires unload: Voilà shuts the kernel down
        except Exception:  # noqa: BLE001 - the page may have crashed: still close it
            pass
        context.close()
    problems = []
    for record in records:
        if record.foreign_requests():
            problems.append(f"requests outside this machine: {record.foreign_requests()}")
        if record.console_errors:
            problems.append(f"console errors: {record.console_errors}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(open_page):
    """A phone-sized page (375×667)."""
    return open_page(PHONE)
