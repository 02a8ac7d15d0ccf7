"""Gzip for the server's responses, with the static files compressed once, not once a phone.

A room of phones opening the learner's page asks for the same ~100 static files (Voilà's front
end, 5 MB before compression) within seconds. Tornado's :class:`~tornado.web.GZipContentEncoding`
compresses each response again: on a 2-core laptop that was 2.4 ms of the server's only thread
per file, 0.24 CPU-second a phone, most of the server's work while a room arrives. Here a static
file's compressed body is kept (by its address and a hash of its content, so that a changed file
is compressed again) and sent as is to the next phone.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections import OrderedDict

from tornado import httputil
from tornado.web import GZipContentEncoding

#: The addresses of static files: Voilà's front end, the extensions', the template's.
STATIC_PATH = re.compile(r"/(static|labextensions)/")

#: At most this many compressed bytes are kept (Voilà's front end is about 1.5 MB compressed).
CACHE_BYTES = 32 * 1024 * 1024


class _CompressedBodies:
    """Compressed bodies by (address, content hash), the least recently used dropped first."""

    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self._bodies: OrderedDict[tuple[str, bytes], bytes] = OrderedDict()
        self._size = 0
        self._limit = limit
        self._lock = threading.Lock()

    def compressed(self, path: str, body: bytes, level: int) -> bytes:
        key = (path, hashlib.blake2b(body, digest_size=16).digest())
        with self._lock:
            found = self._bodies.get(key)
            if found is not None:
                self._bodies.move_to_end(key)
                return found
        # mtime=0: the same bytes for the same content, whenever compressed.
        packed = gzip.compress(body, compresslevel=level, mtime=0)
        with self._lock:
            if key not in self._bodies:
                self._bodies[key] = packed
                self._size += len(packed)
            while self._size > self._limit and len(self._bodies) > 1:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)
        return packed


BODIES = _CompressedBodies()


class StaticGzip(GZipContentEncoding):
    """Tornado's gzip transform, except that a static file's body is compressed once."""

    def __init__(self, request: httputil.HTTPServerRequest) -> None:
        super().__init__(request)
        self._path = request.path
        self._static = request.method == "GET" and bool(STATIC_PATH.search(request.path))
        self._held: list[bytes] | None = None

    def transform_first_chunk(
        self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, httputil.HTTPHeaders, bytes]:
        """Hold a static file's first chunk; anything else goes to Tornado's gzip."""
        if not (self._static and status_code == 200 and self._gzipping):
            return super().transform_first_chunk(status_code, headers, chunk, finishing)
        headers["Vary"] = f"{headers['Vary']}, Accept-Encoding" if "Vary" in headers else (
            "Accept-Encoding")
        ctype = str(headers.get("Content-Type", "")).split(";")[0]
        if not self._compressible_type(ctype) or "Content-Encoding" in headers or (
                finishing and len(chunk) < self.MIN_LENGTH):
            self._gzipping = False
            return status_code, headers, chunk
        headers["Content-Encoding"] = "gzip"
        # The file comes in 64 kB chunks: held until the last one, then sent compressed.
        self._held = [chunk]
        if finishing:
            body = self._body()
            headers["Content-Length"] = str(len(body))
            return status_code, headers, body
        headers.pop("Content-Length", None)
        return status_code, headers, b""

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        """Hold a static file's chunk; with the last one, send its compressed body."""
        if self._held is None:
            return super().transform_chunk(chunk, finishing)
        self._held.append(chunk)
        return self._body() if finishing else b""

    def _body(self) -> bytes:
        body = b"".join(self._held or [])
        self._held = []
        return BODIES.compressed(self._path, body, self.GZIP_LEVEL)
