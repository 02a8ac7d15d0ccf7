"""Static files compressed once for the whole room, with Tornado's own handlers and client."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from tornado.testing import AsyncHTTPTestCase
from tornado.web import Application, RequestHandler, StaticFileHandler

from bacasable.server import static_gzip
from bacasable.server.static_gzip import StaticGzip

SCRIPT = "const answer = 42;\n" * 20_000  # 380 kB: several of StaticFileHandler's 64 kB chunks


class Page(RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html")
        self.write("<p>Bonjour</p>" * 200)


class StaticGzipTest(AsyncHTTPTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())
        (self.folder / "main.js").write_text(SCRIPT)
        (self.folder / "tiny.js").write_text("x = 1;")
        self.compressions = 0
        real = static_gzip.gzip.compress

        def counted(*args, **kwargs):
            self.compressions += 1
            return real(*args, **kwargs)

        static_gzip.gzip.compress = counted
        static_gzip.BODIES = static_gzip._CompressedBodies()
        super().setUp()

    def tearDown(self) -> None:
        static_gzip.gzip.compress = gzip.compress
        super().tearDown()

    def get_app(self) -> Application:
        return Application(
            [(r"/voila/static/(.*)", StaticFileHandler, {"path": str(self.folder)}),
             (r"/page", Page)],
            transforms=[StaticGzip],
        )

    def fetch_gzip(self, path: str, **kwargs):
        return self.fetch(path, headers={"Accept-Encoding": "gzip", **kwargs.pop("headers", {})},
                          decompress_response=False, **kwargs)

    def test_a_static_file_is_compressed_once_for_every_phone(self):
        bodies = [self.fetch_gzip("/voila/static/main.js") for _ in range(3)]
        for response in bodies:
            assert response.code == 200
            assert response.headers["Content-Encoding"] == "gzip"
            assert "Accept-Encoding" in response.headers["Vary"]
            assert gzip.decompress(response.body).decode() == SCRIPT
        assert self.compressions == 1
        assert len(bodies[0].body) < len(SCRIPT) / 10

    def test_a_changed_file_is_compressed_again(self):
        self.fetch_gzip("/voila/static/main.js")
        (self.folder / "main.js").write_text(SCRIPT + "const more = 1;\n")
        response = self.fetch_gzip("/voila/static/main.js", headers={"Cache-Control": "no-cache"})
        assert gzip.decompress(response.body).decode().endswith("const more = 1;\n")
        assert self.compressions == 2

    def test_what_is_not_a_whole_static_file_goes_to_tornados_gzip(self):
        page = self.fetch_gzip("/page")
        assert page.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(page.body).decode().startswith("<p>Bonjour</p>")
        part = self.fetch_gzip("/voila/static/main.js", headers={"Range": "bytes=0-99"})
        assert part.code == 206
        assert self.compressions == 0

    def test_a_small_file_is_compressed_too_as_tornado_does_a_file_sent_in_chunks(self):
        tiny = self.fetch_gzip("/voila/static/tiny.js")
        assert gzip.decompress(tiny.body) == b"x = 1;"

    def test_a_browser_that_does_not_accept_gzip_gets_the_plain_file(self):
        response = self.fetch("/voila/static/main.js", decompress_response=False)
        assert "Content-Encoding" not in response.headers
        assert response.body.decode() == SCRIPT


def test_the_cache_keeps_the_most_recent_bodies_within_its_limit():
    bodies = static_gzip._CompressedBodies(limit=2_000)
    for n in range(50):
        bodies.compressed(f"/static/{n}.js", str(n).encode() * 3_000, 6)
    assert bodies._size <= 2_000 or len(bodies._bodies) == 1
    assert ("/static/49.js",) == tuple(key[0] for key in bodies._bodies)[-1:]
