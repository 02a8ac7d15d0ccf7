"""Reading aloud with espeak-ng: the WAV, its cache, the limits, and the server's route."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
import requests
from tornado import testing, web

from bacasable.common.config import BacasableConfig
from bacasable.server.serve import start_server
from bacasable.server.speech import (
    MAX_CHARS,
    SPEECH_PATH,
    BadText,
    Busy,
    Speech,
    TooManyRequests,
    Unavailable,
    clean_text,
    find_program,
    speech_handler_class,
)
from bacasable.workshop.network import wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None, reason="espeak-ng is missing: apt-get install espeak-ng (make test does it)")
UNAVAILABLE = "La lecture à voix haute n'est pas disponible sur cet appareil."


def is_wav(path_or_bytes) -> bool:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    return data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 1000


def fake_program(folder: Path, body: str) -> str:
    """A stand-in for espeak-ng: a Python script called as espeak-ng is (… -w FILE -- TEXT)."""
    script = folder / "fake-espeak"
    script.write_text(f"#!{sys.executable}\nimport sys, time, os\nargs = sys.argv[1:]\n"
                      "out = args[args.index('-w') + 1]\ntext = args[args.index('--') + 1]\n"
                      + body, encoding="utf-8")
    script.chmod(0o755)
    return str(script)


WRITE_WAV = "open(out, 'wb').write(b'RIFF' + b'\\0' * 4 + b'WAVE' + b'\\0' * 2000)\n"


# --- the text ---------------------------------------------------------------------------------


def test_control_and_invisible_characters_are_removed():
    text = "Bon\x00jour\u200b,\n\tvous\x1b[31m   êtes\u202e Karim.\x7f"
    assert clean_text(text) == "Bonjour, vous[31m êtes Karim."


@pytest.mark.parametrize("bad", ["", "   \n\t", "\x00\x01\u200b", None, 42, ["Bonjour"]])
def test_empty_or_not_text_is_refused(bad):
    with pytest.raises(BadText) as refused:
        clean_text(bad)
    assert refused.value.status == 400
    assert refused.value.message.startswith("Le texte à lire")


def test_length_is_limited():
    assert clean_text("a" * MAX_CHARS) == "a" * MAX_CHARS
    # Spaces are joined first: what counts is what would be read.
    assert clean_text("a" * (MAX_CHARS - 2) + " \n\t  b") == "a" * (MAX_CHARS - 2) + " b"
    with pytest.raises(BadText, match="trop long"):
        clean_text("a" * (MAX_CHARS + 1))


def test_the_program_can_be_turned_off_or_missing(monkeypatch):
    assert find_program("non") is None and find_program("off") is None
    assert find_program("pas-de-programme-de-ce-nom") is None
    monkeypatch.setenv("BACASABLE_ESPEAK", "non")
    assert find_program() is None
    assert not Speech("/nonexistent", program="non").available


# --- the WAV and its cache ---------------------------------------------------------------------


@needs_espeak
def test_espeak_ng_makes_a_french_wav_kept_in_the_cache(tmp_path):
    speech = Speech(tmp_path / "voix", program=ESPEAK)
    assert speech.available and Path(speech.program).name == "espeak-ng"
    path = speech.wav("Bonjour. Vous êtes Karim Benali.", client="192.168.1.20")
    assert is_wav(path)
    expected = hashlib.sha256("fr\nBonjour. Vous êtes Karim Benali.".encode()).hexdigest()
    assert path == tmp_path / "voix" / f"{expected}.wav"
    # The same text, even spaced otherwise, comes from the cache: espeak-ng is not run again.
    speech.program = "/bin/false"
    assert speech.wav("  Bonjour.\n Vous êtes   Karim Benali. ", client="x") == path
    assert [p.name for p in (tmp_path / "voix").iterdir()] == [path.name]


@needs_espeak
def test_a_text_that_looks_like_an_option_is_read_as_text(tmp_path):
    speech = Speech(tmp_path, program=ESPEAK)
    # Without "--" espeak-ng would print its help and write no file.
    assert is_wav(speech.wav("--help"))
    assert is_wav(speech.wav("-w /tmp/ailleurs.wav"))
    assert not Path("/tmp/ailleurs.wav").exists()


def test_without_espeak_ng_reading_is_unavailable_but_the_cache_still_answers(tmp_path):
    made = Speech(tmp_path, program=fake_program(tmp_path, WRITE_WAV)).wav("Déjà lu.")
    off = Speech(tmp_path, program="non")
    with pytest.raises(Unavailable) as refused:
        off.wav("Jamais lu.")
    assert refused.value.status == 503 and refused.value.message == UNAVAILABLE
    assert off.wav("Déjà lu.") == made


@pytest.mark.parametrize("body", ["sys.exit(1)\n", "open(out, 'w').write('pas un son')\n",
                                  "time.sleep(5)\n"])
def test_a_failing_program_leaves_nothing_in_the_cache(tmp_path, body):
    speech = Speech(tmp_path / "voix", program=fake_program(tmp_path, body), timeout=1)
    with pytest.raises(Unavailable):
        speech.wav("Bonjour.")
    assert list((tmp_path / "voix").iterdir()) == []


def test_the_cache_keeps_the_newest_files(tmp_path):
    speech = Speech(tmp_path / "voix", program=fake_program(tmp_path, WRITE_WAV),
                    max_cache_files=2)
    first = speech.wav("Un.")
    os.utime(first, (1, 1))
    second = speech.wav("Deux.")
    third = speech.wav("Trois.")
    assert sorted((tmp_path / "voix").iterdir()) == sorted([second, third])


# --- the limits ---------------------------------------------------------------------------------


def test_each_device_may_have_few_new_wavs_a_minute(tmp_path):
    now = [1000.0]
    speech = Speech(tmp_path, program=fake_program(tmp_path, WRITE_WAV), per_client=3,
                    window=60, clock=lambda: now[0])
    for i in range(3):
        speech.wav(f"Phrase {i}.", client="10.0.0.2")
    with pytest.raises(TooManyRequests) as refused:
        speech.wav("Phrase 3.", client="10.0.0.2")
    assert refused.value.status == 429 and "Attendez" in refused.value.message
    # The cache is free, and another device has its own count.
    speech.wav("Phrase 0.", client="10.0.0.2")
    speech.wav("Phrase 3.", client="10.0.0.3")
    now[0] += 61
    speech.wav("Phrase 4.", client="10.0.0.2")


def test_only_one_espeak_ng_runs_at_once_and_a_long_wait_is_refused(tmp_path):
    runs = tmp_path / "runs.log"
    body = (f"open({str(runs)!r}, 'a').write(f'start {{time.time()}}\\n')\ntime.sleep(0.4)\n"
            + WRITE_WAV + f"open({str(runs)!r}, 'a').write(f'end {{time.time()}}\\n')\n")
    program = fake_program(tmp_path, body)
    speech = Speech(tmp_path / "voix", program=program, max_running=1, wait=10)
    errors = []

    def ask(i):
        try:
            speech.wav(f"Texte {i}.", client=f"10.0.0.{i}")
        except Exception as error:  # noqa: BLE001 - recorded for the assert
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = [line.split() for line in runs.read_text().splitlines()]
    assert [kind for kind, _ in events] == ["start", "end"] * 3  # never two at once

    impatient = Speech(tmp_path / "voix2", program=program, max_running=1, wait=0.05)
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(_try(impatient, i)))
               for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["busy", "ok"]


def _try(speech: Speech, i: int) -> str:
    try:
        speech.wav(f"Autre texte {i}.")
    except Busy as error:
        assert error.status == 503 and "occupée" in error.message
        return "busy"
    return "ok"


# --- the route ----------------------------------------------------------------------------------


class RouteTest(testing.AsyncHTTPTestCase):
    """The handler alone, in a Tornado application of its own."""

    program: str | None = ESPEAK

    def get_app(self):
        self.folder = Path(tempfile.mkdtemp(prefix="voix-"))
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.speech = Speech(self.folder / "voix", program=self.program or "non", per_client=4)
        return web.Application([(SPEECH_PATH, speech_handler_class(), {"speech": self.speech})])

    def ask(self, query: str = "", method: str = "GET", **kwargs):
        return self.fetch(f"{SPEECH_PATH}{query}", method=method, **kwargs)

    def assert_french_refusal(self, response, status: int, code: str, words: str) -> dict:
        assert response.code == status
        assert response.headers["Content-Type"].startswith("application/json")
        body = json.loads(response.body.decode("utf-8"))
        assert body["code"] == code and words in body["message"]
        assert "Traceback" not in response.body.decode("utf-8")
        return body


class TestRouteWithEspeak(RouteTest):
    @needs_espeak
    def test_a_text_gives_a_wav(self):
        response = self.ask("?texte=" + requests.utils.quote("Votre identité. Écrivez vos nom."))
        assert response.code == 200
        assert response.headers["Content-Type"] == "audio/wav"
        assert is_wav(response.body)
        assert len(list((self.folder / "voix").glob("*.wav"))) == 1

    def test_bad_input_gets_a_french_400(self):
        self.assert_french_refusal(self.ask(), 400, "texte", "Le texte à lire est vide.")
        self.assert_french_refusal(self.ask("?texte=%00%01%20"), 400, "texte", "vide")
        self.assert_french_refusal(self.ask("?texte=" + "a" * (MAX_CHARS + 1)), 400, "texte",
                                   "trop long")
        self.assert_french_refusal(self.ask("?texte=%FF%FE"), 400, "texte", "ne peut pas être lu")
        assert not (self.folder / "voix").exists()

    def test_other_methods_are_refused_in_french(self):
        response = self.ask(method="POST", body="texte=Bonjour")
        self.assert_french_refusal(response, 405, "erreur", "Cette adresse ne s'ouvre pas ainsi.")

    @needs_espeak
    def test_a_device_asking_too_much_waits(self):
        for i in range(4):
            assert self.ask(f"?texte=Phrase+{i}").code == 200
        response = self.ask("?texte=Phrase+5")
        self.assert_french_refusal(response, 429, "trop", "Attendez")
        assert response.headers["Retry-After"] == "10"


class TestRouteWithoutEspeak(RouteTest):
    program = None

    def test_the_page_is_told_reading_is_unavailable(self):
        response = self.ask("?texte=Bonjour")
        self.assert_french_refusal(response, 503, "indisponible", UNAVAILABLE)


# --- the real server --------------------------------------------------------------------------


@needs_espeak
def test_the_server_serves_the_route_to_every_device(tmp_path):
    data = tmp_path / "data"
    config = BacasableConfig(ip="127.0.0.1", data_dir=str(data), scenario_dirs=[],
                             preheat_kernels=0)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "server.log"
    with log.open("w", encoding="utf-8") as out:
        process = start_server(config, ROOT / "notebooks", port, stdout=out,
                               stderr=subprocess.STDOUT)
    try:
        assert wait_until_listening(port, timeout=60), log.read_text()
        base = f"http://127.0.0.1:{port}{SPEECH_PATH}"
        # No PIN, no cookie, no token: a learner's page asks as it is.
        answer = requests.get(base, params={"texte": "Bienvenue à l'atelier."}, timeout=30)
        assert answer.status_code == 200 and is_wav(answer.content)
        assert answer.headers["Content-Type"] == "audio/wav"
        assert len(list((data / "voix").glob("*.wav"))) == 1
        refused = requests.get(base, params={"texte": ""}, timeout=30)
        assert refused.status_code == 400
        assert refused.json() == {"code": "texte", "message": "Le texte à lire est vide."}
        assert requests.get(base + "/autre", timeout=30).status_code == 404
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "Traceback" not in log.read_text(encoding="utf-8")
