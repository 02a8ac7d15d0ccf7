"""The workbook server: real Voilà processes started by bacasable.server.serve, checked over HTTP.

One server is shared by the module (starting one costs a few seconds): a tiny notebook folder
(ipywidgets only), a preheated pool of 1 kernel for atelier.ipynb, kernels culled after 3 s idle.
Kernels are counted as the server's ipykernel child processes; a kernel's state is read from
Voilà's ``/api/kernels/<id>`` (Voilà exposes no kernel list).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import psutil
import pytest
import requests

from bacasable.common.config import BacasableConfig
from bacasable.server.serve import (
    PREHEAT_DENYLIST,
    SHARE_DIR,
    TEMPLATE,
    serve,
    settings_env,
    start_server,
    voila_argv,
    voila_env,
)
from bacasable.workshop.network import (
    LEARNER_NOTEBOOK,
    addresses_message,
    lan_addresses,
    learner_url,
    wait_until_listening,
)

IDLE_TIMEOUT = 3
CULL_INTERVAL = 1
TEMPLATE_DIR = SHARE_DIR / "voila" / "templates" / TEMPLATE
FONTS = [
    "atkinson-hyperlegible-latin-400-normal.woff2",
    "atkinson-hyperlegible-latin-700-normal.woff2",
]
FRENCH_CELL_ERROR = "Cette partie de la page n'a pas pu s'afficher."
TECHNICAL_WORDS = [
    "Traceback",
    "ZeroDivisionError",
    "division by zero",
    "There was an error",
    "show_tracebacks",
    "Unreadable",
    "JSONDecodeError",
    "Exception",
]
URL_RE = re.compile(r"""https?://[^\s"'<>()\\]+""", re.IGNORECASE)
ATTR_RE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
CSS_URL_RE = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def _notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_notebooks(root: Path) -> None:
    code, markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    widget = code("import ipywidgets as widgets\nwidgets.Text(description='Nom')")
    nbformat.write(_notebook(markdown("# Atelier"), widget), root / LEARNER_NOTEBOOK)
    # Not preheated (the denylist): as animateur.ipynb, bilan.ipynb… will be.
    nbformat.write(_notebook(markdown("# Autre"), widget), root / "autre.ipynb")
    nbformat.write(_notebook(markdown("# Erreur"), code("1 / 0")), root / "erreur.ipynb")
    (root / "casse.ipynb").write_text("{ ceci n'est pas un carnet", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        self.startup_counts: list[int] = []

    def url(self, path: str) -> str:
        return self.base + path

    def kernel_processes(self) -> list[psutil.Process]:
        found = []
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(self.process.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if "ipykernel_launcher" in " ".join(child.cmdline()):
                        found.append(child)
        return found

    def kernel_count(self) -> int:
        return len(self.kernel_processes())

    def kernel(self, kernel_id: str) -> requests.Response:
        return requests.get(self.url(f"/api/kernels/{kernel_id}"), timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_for(predicate, timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def kernel_id_of(page: str) -> str:
    match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page)
    assert match, "no kernel id in the page"
    return match.group(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("notebooks")
    write_notebooks(root)
    log = root.parent / "server.log"
    config = BacasableConfig(
        ip="127.0.0.1",
        data_dir=str(root.parent / "data"),
        preheat_kernels=1,
        cull_idle_timeout=IDLE_TIMEOUT,
        cull_interval=CULL_INTERVAL,
    )
    port = free_port()
    with log.open("w", encoding="utf-8") as out:
        process = start_server(config, root, port, stdout=out, stderr=subprocess.STDOUT)
    srv = Server(process, port, log)
    try:
        assert wait_until_listening(port, timeout=60), srv.log_text()
        filled = f"Kernel pool of {LEARNER_NOTEBOOK} is filled"
        assert wait_for(lambda: filled in srv.log_text(), 60), srv.log_text()
        # Right after start: the kernels that exist are the preheated ones.
        for _ in range(8):
            srv.startup_counts.append(srv.kernel_count())
            time.sleep(0.25)
        yield srv
    finally:
        kernels = srv.kernel_processes()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        _, alive = psutil.wait_procs(kernels, timeout=10)
        for kernel in alive:
            kernel.kill()
        assert not alive, "kernels left running after the server stopped"


# --- Preheating and culling (first: they look at the kernels the server started with) ---------


def test_only_the_learner_notebook_is_preheated(server):
    assert server.startup_counts == [1] * len(server.startup_counts)
    log = server.log_text()
    assert "Kernel pool of atelier.ipynb is filled with 1 kernel(s)" in log
    for other in ("autre.ipynb", "erreur.ipynb", "casse.ipynb"):
        assert f"Kernel pool of {other}" not in log


def test_the_catalogue_is_cached_before_the_first_kernel_starts(server):
    # A kernel that finds no cache reads the scenario files in a child process (0.7 CPU-s).
    [cache] = (server.log.parent / "data" / "cache").glob("catalogue-*.pickle")
    # Each kernel's connection file is written just before it starts: the same clock as the
    # cache's (a process's start time is not, being counted from a boot time in whole seconds).
    started = []
    for kernel in server.kernel_processes():
        argv = " ".join(kernel.cmdline()).split()  # a forked kernel's title is one string
        started.append(Path(argv[argv.index("-f") + 1]).stat().st_mtime)
    assert cache.stat().st_mtime <= min(started)


def test_denylist_pattern_spares_only_the_learner_notebook(tmp_path):
    # Voilà's VoilaKernelManager._notebook_filter: re.match(pattern, str(path)), called on the
    # absolute paths found by rglob("*.ipynb") (the fixture server checks the real thing).
    pattern = re.compile(PREHEAT_DENYLIST)
    assert pattern.match(str(tmp_path / "atelier.ipynb")) is None
    assert pattern.match("atelier.ipynb") is None
    for name in (
        "animateur.ipynb",
        "formateur.ipynb",
        "bilan.ipynb",
        "projection.ipynb",
        "monatelier.ipynb",
        "atelier.ipynb.bak.ipynb",
    ):
        assert pattern.match(str(tmp_path / name)) is not None, name
        assert pattern.match(name) is not None, name


def test_pooled_kernel_stays_fresh_and_idle_kernels_are_culled(server):
    # Only the pooled kernel left, and it has waited longer than the idle timeout.
    assert wait_for(lambda: server.kernel_count() == 1, 30), "kernels not culled"
    (pooled,) = server.kernel_processes()
    pooled_id = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(pooled.cmdline())).group(1)
    waited = time.time() - pooled.create_time()
    time.sleep(max(0.0, IDLE_TIMEOUT + CULL_INTERVAL + 0.5 - waited))

    page = requests.get(server.url(f"/voila/render/{LEARNER_NOTEBOOK}"), timeout=60)
    assert page.status_code == 200
    handed_out = kernel_id_of(page.text)
    assert handed_out == pooled_id, "the learner's page did not get the preheated kernel"
    model = server.kernel(handed_out)
    assert model.status_code == 200, "the preheated kernel was culled as soon as handed out"
    last_activity = datetime.fromisoformat(model.json()["last_activity"].replace("Z", "+00:00"))
    age = (datetime.now(timezone.utc) - last_activity).total_seconds()
    assert age < IDLE_TIMEOUT - 0.5, f"pooled kernel handed out with an activity {age:.1f} s old"

    other = requests.get(server.url("/voila/render/autre.ipynb"), timeout=60)
    assert other.status_code == 200
    cold = kernel_id_of(other.text)
    assert server.kernel(cold).status_code == 200

    # No browser ever connects: both kernels are idle and must be shut down by the culler.
    bound = IDLE_TIMEOUT + 3 * CULL_INTERVAL + 10
    for kernel_id in (handed_out, cold):
        assert wait_for(lambda k=kernel_id: server.kernel(k).status_code == 404, bound), kernel_id
    # What remains is the refilled pool, not a pile of kernels.
    assert wait_for(lambda: server.kernel_count() == 1, 20), server.kernel_count()


def test_closed_tab_beacon_frees_the_kernel_and_keeps_xsrf(server):
    session = requests.Session()
    page = session.get(server.url(f"/voila/render/{LEARNER_NOTEBOOK}"), timeout=60)
    kernel_id = kernel_id_of(page.text)
    token = session.cookies.get("_xsrf")
    assert token, "the page does not set the _xsrf cookie the beacon needs"
    shutdown = server.url(f"/voila/api/shutdown/{kernel_id}")
    # What a CSRF attacker can send (no token): refused.
    assert requests.post(shutdown, timeout=10).status_code == 403
    assert server.kernel(kernel_id).status_code == 200
    # What Voilà's front end sends on beforeunload: FormData with _xsrf read from the cookie.
    reply = session.post(shutdown, files={"_xsrf": (None, token)}, timeout=10)
    assert reply.status_code == 204
    assert server.kernel(kernel_id).status_code == 404


# --- The pages ------------------------------------------------------------------------------------


def assert_no_external_url(text: str, server: Server, what: str) -> None:
    own = {f"127.0.0.1:{server.port}", f"localhost:{server.port}"}
    external = [u for u in URL_RE.findall(text) if urlsplit(u).netloc not in own]
    assert not external, f"{what} refers to {external}"


def test_learner_page_is_french_with_a_main_landmark(server):
    page = requests.get(server.url(f"/voila/render/{LEARNER_NOTEBOOK}"), timeout=60)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=UTF-8"
    html = page.text
    assert '<html lang="fr">' in html
    assert re.search(r"<main\b", html) and "</main>" in html
    assert html.index("<main") < html.index('id="rendered_cells"') < html.index("</main>")
    assert re.search(r"<title>[^<]*Bac à sable[^<]*</title>", html)
    assert 'name="viewport"' in html
    assert "Chargement…" in html
    assert re.search(r"<noscript>.*JavaScript.*</noscript>", html, re.S)
    assert "application/vnd.jupyter.widget-view+json" in html
    for english in ("Executing", "Running ", "Voilà requires JavaScript"):
        assert english not in html


def test_learner_page_refers_to_nothing_outside_the_machine(server):
    page = requests.get(server.url(f"/voila/render/{LEARNER_NOTEBOOK}"), timeout=60)
    assert_no_external_url(page.text, server, "the page")
    assert "fontawesome" not in page.text.lower()
    # Every file the page references is served by this server.
    references = [r for r in ATTR_RE.findall(page.text) if not r.startswith(("data:", "#"))]
    assert any("bacasable.css" in r for r in references)
    assert any("voila.js" in r for r in references)
    for reference in references:
        url = urljoin(page.url, reference)
        assert urlsplit(url).netloc == f"127.0.0.1:{server.port}", reference
        resource = requests.get(url, timeout=30)
        assert resource.status_code == 200, reference
        if url.split("?")[0].endswith(".css"):
            css = re.sub(r"/\*.*?\*/", "", resource.text, flags=re.S)  # comments load nothing
            assert_no_external_url(css, server, reference)
            for target in CSS_URL_RE.findall(css):
                if not target.startswith("data:"):
                    assert requests.get(urljoin(url, target), timeout=30).status_code == 200


def test_template_cannot_be_switched_back_to_lab(server):
    page = requests.get(server.url(f"/voila/render/{LEARNER_NOTEBOOK}?template=lab"), timeout=60)
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert_no_external_url(page.text, server, "?template=lab")


def test_template_css_and_font_are_served(server):
    css = requests.get(server.url(f"/voila/templates/{TEMPLATE}/static/bacasable.css"), timeout=10)
    assert css.status_code == 200
    assert "Atkinson Hyperlegible" in css.text
    for font in FONTS:
        assert f"fonts/{font}" in css.text
        reply = requests.get(
            server.url(f"/voila/templates/{TEMPLATE}/static/fonts/{font}"), timeout=10
        )
        assert reply.status_code == 200
        assert reply.content[:4] == b"wOF2"
        assert reply.content == (TEMPLATE_DIR / "static" / "fonts" / font).read_bytes()


def test_responses_are_compressed(server):
    reply = requests.get(
        server.url("/voila/static/voila.js"), headers={"Accept-Encoding": "gzip"}, timeout=10
    )
    assert reply.status_code == 200
    assert reply.headers.get("Content-Encoding") == "gzip"


def test_cell_error_shows_a_french_message_and_no_traceback(server):
    page = requests.get(server.url("/voila/render/erreur.ipynb"), timeout=60)
    assert page.status_code == 200
    assert FRENCH_CELL_ERROR in page.text
    assert 'role="alert"' in page.text
    for word in TECHNICAL_WORDS:
        assert word not in page.text, word


@pytest.mark.parametrize("path", ["/voila/render/absent.ipynb", "/nimportequoi"])
def test_unknown_pages_get_a_french_404(server, path):
    reply = requests.get(server.url(path), timeout=10)
    assert reply.status_code == 404
    assert '<html lang="fr">' in reply.text
    assert "Cette page n'existe pas." in reply.text
    assert "<main" in reply.text
    assert_no_external_url(reply.text, server, path)


def test_broken_notebook_gets_the_french_error_page(server):
    reply = requests.get(server.url("/voila/render/casse.ipynb"), timeout=10)
    assert reply.status_code >= 400
    assert '<html lang="fr">' in reply.text
    assert "La page n'a pas pu s'ouvrir." in reply.text
    assert "prévenez l'animateur" in reply.text
    for word in TECHNICAL_WORDS:
        assert word not in reply.text, word
    assert_no_external_url(reply.text, server, "the error page")


def test_root_redirects_to_the_learner_page(server):
    reply = requests.get(server.url("/"), allow_redirects=False, timeout=10)
    assert reply.status_code == 302  # not 301: browsers would remember it for good
    assert reply.headers["Location"] == f"/voila/render/{LEARNER_NOTEBOOK}"


# --- Without a server ----------------------------------------------------------------------------


def test_voila_argv_holds_the_workshop_settings(tmp_path):
    config = BacasableConfig(preheat_kernels=2, cull_idle_timeout=3600, cull_interval=300)
    argv = voila_argv(config, tmp_path)
    assert argv[0] == str(tmp_path.resolve())
    for expected in (
        "--Voila.ip=0.0.0.0",
        "--port=8866",
        "--Voila.port_retries=0",
        "--no-browser",
        "--template=bacasable",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--preheat_kernel=True",
        "--pool_size=0",
        "--MappingKernelManager.cull_idle_timeout=3600",
        "--MappingKernelManager.cull_interval=300",
        "--MappingKernelManager.cull_connected=True",
        '--VoilaKernelManager.kernel_pools_config={"atelier.ipynb": {"pool_size": 2}, '
        '"default": {"pool_size": 0}}',
    ):
        assert expected in argv
    assert not any("disable_check_xsrf" in a for a in argv)
    assert voila_argv(config, tmp_path, port=9000).count("--port=9000") == 1
    # No kernel waiting, yet preheating: an open workshop grows the pool.
    no_pool = voila_argv(BacasableConfig(preheat_kernels=0), tmp_path)
    assert "--preheat_kernel=True" in no_pool
    assert '--VoilaKernelManager.kernel_pools_config={"atelier.ipynb": {"pool_size": 0}, ' \
        '"default": {"pool_size": 0}}' in no_pool


def test_voila_env_finds_the_packaged_template():
    env = voila_env({"JUPYTER_PATH": os.pathsep.join(["/ailleurs", str(SHARE_DIR)])})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(SHARE_DIR), "/ailleurs"]
    assert (TEMPLATE_DIR / "conf.json").is_file()
    assert (TEMPLATE_DIR / "static" / "fonts" / "OFL.txt").read_text().count("SIL OPEN FONT") >= 1
    for name in ("index.html.j2", "page.html", "error.html", "404.html"):
        text = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
        assert not URL_RE.search(text), name


def test_kernels_get_the_same_settings(tmp_path):
    config = BacasableConfig(data_dir=str(tmp_path), scenario_dirs=["/a", "/b"])
    env = settings_env(config)
    assert env["BACASABLE_DATA"] == str(tmp_path)
    assert env["BACASABLE_DB"] == "sqlite:///" + str(tmp_path / "bacasable.sqlite")
    assert env["BACASABLE_SCENARIOS"].split(os.pathsep) == ["/a", "/b"]


def test_addresses():
    assert (
        learner_url("192.168.1.20", 8866) == "http://192.168.1.20:8866/voila/render/atelier.ipynb"
    )
    assert learner_url("fe80::1", 8866).startswith("http://[fe80::1]:8866/")
    for address in lan_addresses():
        assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", address)
        assert not address.startswith(("127.", "169.254."))
    message = addresses_message("0.0.0.0", 8866)
    assert "Ouvrez http://127.0.0.1:8866/voila/render/atelier.ipynb sur cet ordinateur" in message
    assert ("sur le Wi-Fi de l'atelier : http://" in message) == bool(lan_addresses())
    assert "Wi-Fi" not in addresses_message("127.0.0.1", 8866).split("\n")[0]
    for page in ("console : http://127.0.0.1:8866/voila/render/animateur.ipynb",
                 "projection : http://127.0.0.1:8866/voila/render/projection.ipynb",
                 "bilan : http://127.0.0.1:8866/voila/render/bilan.ipynb"):
        assert page in message


def test_the_server_s_english_log_goes_to_a_file_and_errors_are_said_in_french(tmp_path):
    import io

    from bacasable.server.journal import follow_log

    said: list[str] = []
    lines = ["[BacasableVoila] Voilà is running at:\n", "[IPKernelApp] WARNING | Kernel is "
             "running over TCP\n", "[IPKernelApp] ERROR | Exception in message handler:\n",
             "Traceback (most recent call last):\n", "[BacasableVoila] ERROR | again\n"]
    log = tmp_path / "data" / "journal-serveur.log"
    follow_log(io.StringIO("".join(lines)), log, said.append, clock=lambda: 0.0).join(5)
    assert log.read_text(encoding="utf-8") == "".join(lines)
    assert said == [f"Un problème est noté dans le journal du serveur : {log}"]


def test_serve_prints_french_only(tmp_path, monkeypatch, capsys):
    from bacasable.server import serve as serve_module

    class Done:
        def __init__(self, *args, **kwargs):
            import io
            self.stdout = io.StringIO("[BacasableVoila] Voilà is running at:\nhttp://vm:1/\n")

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve_module, "start_server", lambda *a, **k: Done())
    config = BacasableConfig(data_dir=str(tmp_path), ip="127.0.0.1",
                             db_url=f"sqlite:///{tmp_path / 'bacasable.sqlite'}")
    (tmp_path / "carnets").mkdir()
    write_notebooks(tmp_path / "carnets")
    assert serve(config, tmp_path / "carnets", port=free_port()) == 0
    out = capsys.readouterr().out
    assert "Voilà is running" not in out and "Pas encore de code PIN" in out
    assert f"journal du serveur (en anglais, pour le dépannage) : {tmp_path}" in out


def test_serve_refuses_a_folder_without_the_learner_notebook(tmp_path, capsys):
    assert serve(BacasableConfig(), tmp_path, port=free_port()) == 1
    assert "introuvable" in capsys.readouterr().err


def test_serve_refuses_a_busy_port(tmp_path, capsys):
    write_notebooks(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve(BacasableConfig(ip="127.0.0.1"), tmp_path, port=port) == 1
    assert f"Le port {port} est déjà utilisé" in capsys.readouterr().err


def test_server_module_runs_as_a_program(tmp_path):
    # The command start_server() runs must import from any working directory.
    out = subprocess.run(
        [sys.executable, "-c", "import bacasable.server.serve as s; print(s.TEMPLATE)"],
        env=voila_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == TEMPLATE, out.stderr


@pytest.mark.parametrize("path", ["/voila/tree", "/voila/tree/", "/voila/tree/sub"])
def test_notebook_list_is_not_served(server, path):
    # The tree would list animateur.ipynb (and the contents API read it) to anyone on the Wi-Fi.
    reply = requests.get(server.url(path), allow_redirects=False, timeout=10)
    assert reply.status_code == 302
    assert reply.headers["Location"] == f"/voila/render/{LEARNER_NOTEBOOK}"
    for contents in ("/voila/api/contents", "/voila/api/contents/autre.ipynb?content=1"):
        listed = requests.get(server.url(contents), timeout=10)
        assert listed.status_code == 404, contents
        assert "autre.ipynb" not in listed.text and LEARNER_NOTEBOOK not in listed.text
