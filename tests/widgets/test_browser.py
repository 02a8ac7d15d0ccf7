"""The widgets in a real browser: Voilà serving a scenario built in code, Chromium at phone size."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BACASABLE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

SETUP = '''
from bacasable.loader import Catalogue
from bacasable.schema import Persona, Scenario

persona = Persona.model_validate({
    "id": "karim", "first_name": "Karim", "last_name": "Benali", "sex": "M",
    "birth": {"date": "1992-03-14", "place": "Lille", "insee_code": "59350"}, "nir_order": 42,
    "address": {"street": "12 rue des Tisserands", "postcode": "59000", "city": "Lille"},
    "phone": "0639980042", "email": None,
    "bank": {"bank_name": "Banque Exemple (fictive)", "bank_code": "30004",
             "branch_code": "00123", "account_number": "00012345678", "bic": "FICTFRPP"},
    "story": "Karim a perdu son emploi.", "situation": {}})
scenario = Scenario.model_validate({
    "id": "essai", "title": "Essai", "service": "Service d'essai (simulation)", "summary": "x",
    "duration_minutes": 10, "level": "debutant", "personas": ["karim"],
    "screens": [
        {"id": "un", "title": "Votre identité",
         "events": [{"id": "cookies", "kind": "cookies"},
                    {"id": "sms", "kind": "sms", "message": "Votre code : {code}"}],
         "fields": [
            {"id": "nom", "kind": "text", "label": "Nom", "autocomplete": "family-name",
             "expected": {"persona": "last_name"}, "hints": ["Regardez la carte.", "Benali."]},
            {"id": "naissance", "kind": "date", "label": "Date de naissance",
             "autocomplete": "bday", "expected": {"persona": "birth.date"}},
            {"id": "tel", "kind": "phone", "label": "Portable", "required": False},
            {"id": "oui", "kind": "yesno", "label": "Avez-vous travaillé ?"},
            {"id": "code", "kind": "code", "label": "Code reçu par SMS", "code_from": "sms"}]},
        {"id": "fin", "title": "C'est fini", "role": "receipt",
         "events": [{"id": "r", "kind": "receipt", "number_pattern": "AB-####"}]}]})
catalogue = Catalogue(scenarios={"essai": scenario}, personas={"karim": persona})
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not found")
    import nbformat

    folder = tmp_path_factory.mktemp("voila")
    (folder / "essai_setup.py").write_text(SETUP, encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from essai_setup import catalogue\nfrom widgets.app import Atelier\n"
        "Atelier.from_query('scenario=essai', catalogue)")]
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}}
    nbformat.write(nb, folder / "essai.ipynb")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(folder)])}
    voila = Path(sys.executable).with_name("voila")
    proc = subprocess.Popen(
        [str(voila), "essai.ipynb", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=1)  # noqa: S310 - local server
                break
            except OSError:
                time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _local_only(route):
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def test_form_in_a_phone_browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_context(viewport={"width": 375, "height": 667}).new_page()
        page.route("**/*", _local_only)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(server, wait_until="domcontentloaded", timeout=60000)
            page.wait_for_selector(".bas-screen h1", timeout=60000)

            # Labels are tied to their inputs; the format comes before typing.
            nom = page.get_by_role("textbox", name="Nom (obligatoire)", exact=True)
            assert nom.get_attribute("autocomplete") == "family-name"
            day = page.get_by_label("Jour")
            assert day.get_attribute("autocomplete") == "bday-day"
            assert day.get_attribute("inputmode") == "numeric"
            group = page.locator("#bas-un-naissance-group")
            assert "bas-un-naissance-help" in group.get_attribute("aria-describedby")
            assert page.get_by_role("note").first.text_content().startswith("Simulation")

            page.get_by_role("button", name="Tout refuser").click()
            page.wait_for_function("!document.querySelector('.bas-cookies')")

            # A failed submit: summary focused, errors tied, typed text kept, real data cleared.
            nom.fill("Dupont")
            day.fill("14")
            page.get_by_role("textbox", name="Portable").fill("06 23 45 67 89")
            page.get_by_role("button", name="Continuer").click()
            page.wait_for_selector(".bas-error-summary")
            page.wait_for_function(
                "document.activeElement.classList.contains('bas-error-summary')")
            assert "erreurs" in page.locator(".bas-error-summary h2").text_content()
            assert nom.input_value() == "Dupont" and day.input_value() == "14"
            assert nom.get_attribute("aria-invalid") == "true"
            assert nom.get_attribute("aria-describedby") == "bas-un-nom-error"
            assert page.locator("#bas-un-nom-error").text_content().startswith("Erreur : ")
            assert page.get_by_role("textbox", name="Portable").input_value() == ""
            assert "Karim" in page.locator(".bas-box--warning").text_content()

            # A hint for the field the learner was on.
            nom.focus()
            page.get_by_role("button", name="J'ai besoin d'aide").click()
            page.wait_for_selector("#bas-un-nom-hint .bas-box--hint")
            assert "Indice 1 sur 2" in page.locator("#bas-un-nom-hint").text_content()
            assert nom.input_value() == "Dupont"

            if AXE.is_file():
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate(
                    "async () => (await axe.run(document.querySelector('.bas-app'), {runOnly: "
                    "{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))"
                    ".violations.map(v => v.id)")
                assert violations == []

            # The right answers, the code read on the simulated phone: the receipt.
            phone = page.locator(".bas-button--device").first
            assert phone.text_content() == "Téléphone (1 nouveau message)"
            phone.click()
            assert phone.get_attribute("aria-expanded") == "true"
            page.wait_for_function(
                "document.querySelector('.bas-button--device').textContent === 'Téléphone'")
            code = page.locator(".bas-sms-text").first.text_content().rsplit(": ", 1)[1]
            nom.fill("Benali")
            page.get_by_label("Mois").fill("03")
            page.get_by_label("Année").fill("1992")
            page.get_by_label("Oui", exact=True).check()
            page.get_by_role("textbox", name="Code reçu par SMS (obligatoire)").fill(code)
            page.get_by_role("button", name="Continuer").click()
            page.wait_for_selector(".bas-box--success", timeout=20000)
            assert page.evaluate("document.activeElement.tagName") == "H1"
            assert "AB-" in page.locator(".bas-number").text_content()
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            assert errors == []
        finally:
            page.goto("about:blank")
            browser.close()
