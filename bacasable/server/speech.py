"""Reading aloud on the workshop laptop with espeak-ng, for devices that have no French voice.

The learner's page reads with the browser's own voices (``speechSynthesis``) when the device has
a French one: offline, nothing to ask. A device with none (a laptop's Chromium) asks the server
for a WAV at :data:`SPEECH_PATH` (``GET ?texte=…``), made here by espeak-ng (a Debian package)
and played in an ``<audio>`` element.

- The program runs without a shell: ``espeak-ng -v fr -w FILE -- TEXT`` (``--``: a text that
  starts with ``-`` is never read as an option).
- The text is cleaned (control and invisible characters removed, spaces joined) and limited to
  :data:`MAX_CHARS` characters: longer is refused, the page sends a screen in pieces.
- Each WAV is kept in a cache folder under the data folder, named by a hash of the voice and the
  text: a sentence read once is never made again.
- A phone cannot burn the laptop's CPU: each device (the connection's peer) may have
  :data:`PER_CLIENT` new WAVs made in :data:`WINDOW` seconds (the cache is free), and only
  :data:`MAX_RUNNING` espeak-ng run at once; a request that waits too long for its turn is
  refused as busy.
- The route reads only the text it is given, and keeps nothing else: no name, no log of it.

``BACASABLE_ESPEAK`` names the program (default ``espeak-ng``); ``non`` turns reading by the
laptop off, as if espeak-ng were not installed.
"""

from __future__ import annotations

import collections
import hashlib
import json
import logging
import os
import shutil
import subprocess
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_CHARS",
    "SPEECH_PATH",
    "BadText",
    "Busy",
    "Speech",
    "SpeechError",
    "TooManyRequests",
    "Unavailable",
    "clean_text",
    "find_program",
    "speech_handler_class",
]

log = logging.getLogger("bacasable")

#: The route, under the server's base URL.
SPEECH_PATH = "/bacasable/voix"
#: The environment variable naming the program; one of :data:`OFF_WORDS` turns it off.
PROGRAM_VARIABLE = "BACASABLE_ESPEAK"
OFF_WORDS = frozenset({"", "0", "non", "no", "off", "false", "aucun"})
#: The voice: espeak-ng's French.
VOICE = "fr"
#: The longest text read in one piece (a screen's title and intro fit; the page splits longer).
MAX_CHARS = 600
#: New WAVs one device may have made in WINDOW seconds (WAVs already in the cache are free).
PER_CLIENT = 30
WINDOW = 60.0
#: espeak-ng processes running at once (the laptop has few cores), and how long a request
#: waits for its turn before it is refused as busy.
MAX_RUNNING = 1
WAIT_SECONDS = 10.0
#: The longest one espeak-ng may run (600 characters take well under a second).
TIMEOUT_SECONDS = 20.0
#: WAVs kept in the cache; the oldest go first.
MAX_CACHE_FILES = 2000
#: A WAV file starts with these bytes (RIFF … WAVE).
_RIFF, _WAVE = b"RIFF", b"WAVE"


class SpeechError(Exception):
    """A text that is not read: its HTTP status, a short code for the page, a French message."""

    status = 400
    code = "texte"
    message = "Ce texte ne peut pas être lu."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class BadText(SpeechError):
    """Empty, too long, or not text."""


class TooManyRequests(SpeechError):
    """One device asked for too many new WAVs lately."""

    status = 429
    code = "trop"
    message = "Trop de demandes de lecture. Attendez une minute, puis réessayez."


class Busy(SpeechError):
    """espeak-ng was busy for too long with other requests."""

    status = 503
    code = "occupe"
    message = "La lecture à voix haute est occupée. Réessayez dans un instant."


class Unavailable(SpeechError):
    """espeak-ng is missing, turned off, or failed."""

    status = 503
    code = "indisponible"
    message = "La lecture à voix haute n'est pas disponible sur cet appareil."


def clean_text(text: Any, max_chars: int = MAX_CHARS) -> str:
    """Return ``text`` ready to read: control and invisible characters removed, spaces joined.

    Raises
    ------
    BadText
        When ``text`` is not a string, is empty once cleaned, or is longer than ``max_chars``.
    """
    if not isinstance(text, str):
        raise BadText("Le texte à lire manque.")
    text = unicodedata.normalize("NFC", text)
    # Line breaks and tabs become spaces; other controls, format characters (zero-width,
    # direction marks), surrogates, private-use and unassigned code points are dropped.
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            kept.append(" ")
        elif category[0] != "C":
            kept.append(char)
    text = " ".join("".join(kept).split())
    if not text:
        raise BadText("Le texte à lire est vide.")
    if len(text) > max_chars:
        raise BadText(f"Le texte à lire est trop long : {max_chars} caractères au plus.")
    return text


def find_program(setting: str | None = None) -> str | None:
    """Return the path of espeak-ng, or None when it is missing or turned off.

    Parameters
    ----------
    setting : str, optional
        The program's name or path; default: ``BACASABLE_ESPEAK``, else ``espeak-ng``.
    """
    value = os.environ.get(PROGRAM_VARIABLE, "espeak-ng") if setting is None else setting
    if value.strip().lower() in OFF_WORDS:
        return None
    return shutil.which(value.strip())


class Speech:
    """Make French WAVs with espeak-ng, cached, limited per device and in number at once.

    Parameters
    ----------
    cache_dir : path
        Where the WAVs are kept (created when needed).
    program : str, optional
        espeak-ng's name or path, or ``non`` to turn reading off (see :func:`find_program`);
        default: ``BACASABLE_ESPEAK``, else ``espeak-ng``. Missing: reading is not available.
    max_chars, per_client, window, max_running, wait, timeout, max_cache_files
        The limits (see the module's constants).
    clock : callable, optional
        Seconds, for the rate limit (tests give their own).
    """

    def __init__(
        self,
        cache_dir: str | os.PathLike[str],
        *,
        program: str | None = None,
        max_chars: int = MAX_CHARS,
        per_client: int = PER_CLIENT,
        window: float = WINDOW,
        max_running: int = MAX_RUNNING,
        wait: float = WAIT_SECONDS,
        timeout: float = TIMEOUT_SECONDS,
        max_cache_files: int = MAX_CACHE_FILES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.program = find_program(program)
        self.max_chars = max_chars
        self.per_client = per_client
        self.window = window
        self.wait = wait
        self.timeout = timeout
        self.max_cache_files = max_cache_files
        self._clock = clock
        self._slots = threading.BoundedSemaphore(max(1, max_running))
        self._lock = threading.Lock()
        self._made: dict[str, collections.deque[float]] = {}
        # The handler's own threads: a queue of requests never holds Tornado's default executor.
        self.executor = ThreadPoolExecutor(max_workers=max(1, max_running) + 3,
                                           thread_name_prefix="bacasable-voix")

    @property
    def available(self) -> bool:
        """True when espeak-ng can be run."""
        return self.program is not None

    def cache_path(self, text: str) -> Path:
        """Return where the WAV of the cleaned ``text`` is kept."""
        digest = hashlib.sha256(f"{VOICE}\n{text}".encode()).hexdigest()
        return self.cache_dir / f"{digest}.wav"

    def wav(self, text: Any, client: str = "") -> Path:
        """Return the path of a WAV of ``text`` read in French (from the cache when there).

        Parameters
        ----------
        text : str
            What to read (cleaned first, see :func:`clean_text`).
        client : str
            Who asks (the connection's peer), for the per-device limit.

        Raises
        ------
        SpeechError
            :class:`BadText`, :class:`TooManyRequests`, :class:`Busy` or :class:`Unavailable`.
        """
        text = clean_text(text, self.max_chars)
        path = self.cache_path(text)
        if path.is_file():
            return path
        if self.program is None:
            raise Unavailable()
        self._count(client)
        if not self._slots.acquire(timeout=self.wait):
            raise Busy()
        try:
            if not path.is_file():  # made by another request while this one waited
                self._make(text, path)
        finally:
            self._slots.release()
        return path

    def _count(self, client: str) -> None:
        """Count one new WAV for ``client``; raise TooManyRequests past the limit."""
        now = self._clock()
        with self._lock:
            if len(self._made) > 1000:  # forget devices that asked nothing lately
                stale = now - self.window
                for key in [k for k, q in self._made.items() if not q or q[-1] <= stale]:
                    del self._made[key]
            made = self._made.setdefault(client, collections.deque())
            while made and made[0] <= now - self.window:
                made.popleft()
            if len(made) >= self.per_client:
                raise TooManyRequests()
            made.append(now)

    def _make(self, text: str, path: Path) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.part")
        command = [str(self.program), "-v", VOICE, "-w", str(partial), "--", text]
        try:
            subprocess.run(command, check=True, timeout=self.timeout, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with partial.open("rb") as wav:
                head = wav.read(12)
            if head[:4] != _RIFF or head[8:12] != _WAVE:
                raise OSError("espeak-ng did not write a WAV file")
            os.replace(partial, path)
        except (OSError, subprocess.SubprocessError) as error:
            # The text itself is not logged: only what went wrong.
            log.warning("espeak-ng failed (%s)", type(error).__name__)
            raise Unavailable() from None
        finally:
            partial.unlink(missing_ok=True)
        self._prune()

    def _prune(self) -> None:
        files = list(self.cache_dir.glob("*.wav"))
        if len(files) <= self.max_cache_files:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[: len(files) - self.max_cache_files]:
            old.unlink(missing_ok=True)


def speech_handler_class() -> type:
    """Return the Tornado handler of :data:`SPEECH_PATH` (imports Tornado lazily).

    ``GET ?texte=…`` answers ``audio/wav``; a refusal answers its status with JSON
    ``{"code": …, "message": …}`` in French (``texte`` 400, ``trop`` 429, ``occupe`` and
    ``indisponible`` 503); never a traceback. Open to every device of the Wi-Fi, without PIN.
    Initialised with ``speech``, a :class:`Speech`.
    """
    from tornado import web
    from tornado.ioloop import IOLoop

    from .error_pages import french_message

    class SpeechHandler(web.RequestHandler):
        def initialize(self, speech: Speech) -> None:
            self.speech = speech

        def set_default_headers(self) -> None:
            self.set_header("X-Content-Type-Options", "nosniff")
            self.set_header("Cache-Control", "no-store")

        async def get(self) -> None:
            text = self.get_argument("texte", default="", strip=False)
            peer = self.request.remote_ip or ""
            try:
                path = await IOLoop.current().run_in_executor(
                    self.speech.executor, self.speech.wav, text, peer)
                data = path.read_bytes()
            except SpeechError as error:
                retry = isinstance(error, (TooManyRequests, Busy))
                self.send_error(error.status, code=error.code, message=error.message, retry=retry)
                return
            except OSError:  # the cache was emptied meanwhile
                self.send_error(503, code=Busy.code, message=Busy.message)
                return
            self.set_header("Content-Type", "audio/wav")
            # The same sentence is the same sound: the browser may keep it for a day.
            self.set_header("Cache-Control", "private, max-age=86400")
            self.finish(data)

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            code = kwargs.get("code") or ("texte" if status_code == 400 else "erreur")
            message = kwargs.get("message")
            if not message:
                message = BadText.message if status_code == 400 else french_message(status_code)
            if kwargs.get("retry"):
                self.set_header("Retry-After", "10")
            self.set_header("Content-Type", "application/json; charset=UTF-8")
            self.finish(json.dumps({"code": code, "message": message}, ensure_ascii=False))

    return SpeechHandler
