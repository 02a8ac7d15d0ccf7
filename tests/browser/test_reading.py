"""« Lire à voix haute », the text size A− / A / A+, and the simulation strip, in a real browser.

The device's voices are replaced by a stub of ``speechSynthesis`` injected before the page's
scripts (``page.add_init_script``): it records each utterance and offers a French voice, or only
an English one (then the page asks the workshop laptop for espeak-ng's WAV). Typed text is made
of words found nowhere on the screens (« Zorglub »…), so that finding it in what is read would
be a leak, never a coincidence.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import (
    PAGE_TIMEOUT_MS,
    SIMULATION_TITLE,
    SMALL_PHONE,
    STEP_TIMEOUT_MS,
    KeyboardLearner,
    Learner,
    Workbook,
    axe_violations,
    catalogue,
    describe_violations,
    layout_problems,
    open_learner_page,
    simulation_notice,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
SCENARIO = "france-travail-inscription"
PERSONA = "karim"
UNAVAILABLE = "La lecture à voix haute n'est pas disponible sur cet appareil."
NOTICE_TEXT = "Ceci est une simulation pour s'entraîner."
SCREENSHOTS = Path("/tmp/bacasable-reading")

STUB = """(french) => {
  const spoken = [];
  const played = [];
  window.__spoken = spoken;
  window.__played = played;
  const voices = french
    ? [{ name: "Voix française (essai)", lang: "fr-FR", localService: true, default: true, voiceURI: "essai-fr" }]
    : [{ name: "English voice (test)", lang: "en-US", localService: true, default: true, voiceURI: "essai-en" }];
  class Utterance extends EventTarget {
    constructor(text) {
      super();
      this.text = text;
      this.lang = "";
      this.voice = null;
      this.rate = 1;
    }
  }
  const synth = new EventTarget();
  Object.assign(synth, { speaking: false, pending: false, paused: false });
  synth.getVoices = () => voices.slice();
  synth.speak = (u) => {
    spoken.push({ text: u.text, lang: u.lang, voice: u.voice ? u.voice.name : null });
    setTimeout(() => u.dispatchEvent(new Event("end")), 0);
  };
  synth.cancel = () => {};
  synth.pause = () => {};
  synth.resume = () => {};
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
  document.addEventListener("play", (e) => played.push(e.target.currentSrc || e.target.src), true);
}"""


def install_stub(page, french: bool) -> None:
    page.add_init_script(f"({STUB})({json.dumps(french)})")


def spoken(page) -> list[dict]:
    return page.evaluate("() => window.__spoken.slice()")


def read_button(page):
    return page.get_by_role("button", name="Lire à voix haute", exact=True)


def read_aloud(page, before: int) -> list[str]:
    """Press « Lire à voix haute »; return the texts of the utterances it made."""
    read_button(page).click()
    page.wait_for_function("(n) => window.__spoken.length > n", arg=before,
                           timeout=STEP_TIMEOUT_MS)
    page.wait_for_timeout(200)  # every utterance of this reading is queued at once
    return [u["text"] for u in spoken(page)[before:]]


def start(page, workbook, french: bool = True) -> Learner:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    install_stub(page, french)
    open_learner_page(page, workbook, scenario=SCENARIO, persona=PERSONA)
    learner = Learner(page, CATALOGUE, SCENARIO, PERSONA)
    learner.wait_screen()
    return learner


def go_to(learner: Learner, screen_id: str) -> None:
    while learner.run.current_id != screen_id:
        learner.play_screen()


def field_words(learner: Learner, field_id: str) -> tuple[str, str]:
    spec = next(f for f in learner.screen.fields if f.id == field_id)
    return learner.run.text(spec.label), learner.run.text(spec.help)


# --- reading aloud with the device's voice ----------------------------------------------------


def test_reads_the_screen_then_the_focused_field_and_its_error(page, workbook):
    learner = start(page, workbook)
    screen = learner.screen
    texts = read_aloud(page, 0)
    assert texts == [screen.title, learner.run.text(screen.intro)]
    assert all(u["lang"] == "fr-FR" and u["voice"] == "Voix française (essai)"
               for u in spoken(page))

    learner.refuse_cookies()
    go_to(learner, "identite")
    label, help_text = field_words(learner, "nom")
    name = learner.field(next(f for f in learner.screen.fields if f.id == "nom"))
    name.fill("Zorglub")
    count = len(spoken(page))
    texts = read_aloud(page, count)
    assert texts == [f"{label} (obligatoire)", help_text]

    # A failed submit: the field's error is read after its label and help.
    learner.continue_button().click()
    error = page.locator("#bas-identite-nom-error")
    expect(error).to_be_visible(timeout=STEP_TIMEOUT_MS)
    name.click()
    count = len(spoken(page))
    texts = read_aloud(page, count)
    assert texts[:2] == [f"{label} (obligatoire)", help_text]
    # Drawn with a no-break space before « : »; read aloud with a plain one.
    assert texts[-1] == error.inner_text().replace("\xa0", " ")
    assert texts[-1].startswith("Erreur : ")

    # From the keyboard: Shift+Tab back to the button (past the fields above) keeps the field;
    # Alt+Shift+L reads where the focus is, without leaving the field.
    name.focus()
    keyboard = KeyboardLearner(page, CATALOGUE, SCENARIO, PERSONA)
    keyboard.tab_to(read_button(page))
    count = len(spoken(page))
    page.keyboard.press("Enter")
    page.wait_for_function("(n) => window.__spoken.length > n", arg=count)
    assert spoken(page)[count]["text"] == f"{label} (obligatoire)"
    first_name = learner.field(next(f for f in learner.screen.fields if f.id == "prenoms"))
    first_name.fill("Blurfle")
    count = len(spoken(page))
    page.keyboard.press("Alt+Shift+L")
    page.wait_for_function("(n) => window.__spoken.length > n", arg=count)
    assert spoken(page)[count]["text"].startswith(field_words(learner, "prenoms")[0])
    assert first_name.evaluate("el => el === document.activeElement")

    everything = " ".join(u["text"] for u in spoken(page))
    assert "Zorglub" not in everything and "Blurfle" not in everything


def test_nothing_of_a_password_is_spoken(page, workbook):
    learner = start(page, workbook)
    learner.refuse_cookies()
    go_to(learner, "compte")
    fields = {f.id: f for f in learner.screen.fields}
    password = learner.field(fields["mot-de-passe"])
    identifier = learner.field(fields["identifiant"])
    identifier.fill("zorglub.secret@exemple.fr")
    password.fill("Zorglub-Secret-2026!")
    password.click()
    texts = read_aloud(page, 0)
    label = learner.run.text(fields["mot-de-passe"].label)
    assert texts[0] == f"{label} (obligatoire)"
    # Its written rules are read, not their ticks (which tell about the password).
    assert any("Le mot de passe doit contenir" in t for t in texts)
    assert not any("respecté" in t for t in texts)
    # Shown in clear, it is still not read.
    page.get_by_role("button", name="Afficher le mot de passe").first.click()
    password.click()
    count = len(spoken(page))
    texts = read_aloud(page, count)
    assert texts[0] == f"{label} (obligatoire)"
    identifier.click()
    read_aloud(page, len(spoken(page)))
    everything = " ".join(u["text"] for u in spoken(page)).lower()
    assert "zorglub" not in everything and "secret" not in everything and "2026!" not in everything


# --- reading aloud by the workshop laptop ------------------------------------------------------


def test_without_a_french_voice_the_laptop_reads_with_espeak_ng(page, workbook):
    learner = start(page, workbook, french=False)
    screen = learner.screen
    with page.expect_response(lambda r: "/bacasable/voix" in r.url,
                              timeout=STEP_TIMEOUT_MS) as answer:
        read_button(page).click()
    response = answer.value
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"
    assert parse_qs(urlsplit(response.url).query)["texte"] == [screen.title]
    page.wait_for_function("() => window.__played.length >= 2", timeout=STEP_TIMEOUT_MS)
    asked = [parse_qs(urlsplit(u).query)["texte"][0] for u in page.record.requests
             if "/bacasable/voix" in u]
    assert asked == [screen.title, learner.run.text(screen.intro)]
    audio = page.locator("audio.bas-reading-audio")
    assert audio.evaluate("a => a.src").startswith("blob:")
    assert spoken(page) == []  # the English voice was never used
    expect(page.get_by_text(UNAVAILABLE)).to_have_count(0)
    # Read again: the page kept the sounds, the laptop is not asked again.
    played = len(page.evaluate("() => window.__played"))
    read_button(page).click()
    page.wait_for_function("(n) => window.__played.length >= n + 2", arg=played,
                           timeout=STEP_TIMEOUT_MS)
    assert len([u for u in page.record.requests if "/bacasable/voix" in u]) == 2


@pytest.fixture(scope="module")
def workbook_without_espeak(tmp_path_factory):
    """A server whose laptop cannot read aloud (``BACASABLE_ESPEAK=non``), no preheated kernel."""
    folder = tmp_path_factory.mktemp("sans-espeak")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACASABLE_ESPEAK", "non")
        server = Workbook(folder / "data", folder / "server.log", preheat=0)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_without_espeak_ng_the_page_says_reading_is_not_available(browser, workbook_without_espeak):
    # A context of its own: the refused request (503) is logged by Chromium as a console error,
    # which the shared page fixture counts as a failure.
    context = browser.new_context(viewport=SMALL_PHONE, locale="fr-FR",
                                  service_workers="block")
    try:
        page = context.new_page()
        install_stub(page, french=False)
        page.goto(workbook_without_espeak.url(scenario=SCENARIO, persona=PERSONA),
                  wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
        learner = Learner(page, CATALOGUE, SCENARIO, PERSONA)
        expect(read_button(page)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        learner.wait_screen()
        with page.expect_response(lambda r: "/bacasable/voix" in r.url) as answer:
            read_button(page).click()
        assert answer.value.status == 503
        assert answer.value.json()["code"] == "indisponible"
        status = page.get_by_role("status").filter(has_text=UNAVAILABLE)
        expect(status).to_be_visible(timeout=STEP_TIMEOUT_MS)
        assert "pas disponible" in status.inner_text()
        assert page.evaluate("() => window.__played.length") == 0
    finally:
        page.goto("about:blank")  # fires unload: Voilà shuts the kernel down
        context.close()


# --- text size ---------------------------------------------------------------------------------


ROOT_SIZE = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
SCROLL_WIDTH = "() => document.documentElement.scrollWidth"


def test_text_up_to_200_percent_keeps_the_layout_and_is_kept_on_the_device(open_page, workbook):
    page = open_page(SMALL_PHONE)
    learner = start(page, workbook)
    learner.refuse_cookies()
    go_to(learner, "identite")
    normal = page.evaluate(ROOT_SIZE)
    page.screenshot(path=str(SCREENSHOTS / "ecran-100.png"))
    larger = page.get_by_role("button", name="Agrandir le texte", exact=True)
    status = page.locator(".bas-reading-status")
    for size in (125, 150, 175, 200):
        larger.click()
        expect(status).to_have_text(re.compile(rf"^Taille du texte\s: {size}\s%$"))
        assert page.evaluate(ROOT_SIZE) == pytest.approx(normal * size / 100)
        assert page.evaluate(SCROLL_WIDTH) <= 360
        assert layout_problems(page) == [], f"at {size} %"
    expect(larger).to_have_attribute("aria-disabled", "true")
    larger.focus()  # already the largest (aria-disabled, still in reach): said, nothing moves
    page.keyboard.press("Enter")
    expect(status).to_have_text(re.compile(r"déjà à la plus grande taille\s: 200\s%"))
    assert page.evaluate(ROOT_SIZE) == pytest.approx(normal * 2)
    for name, target in (("ecran-200.png", ".bas-screen"), ("ecran-200-outils.png", ".bas-reading"),
                         ("ecran-200-champs.png", "#bas-identite-nom-field")):
        page.locator(target).evaluate("el => el.scrollIntoView()")
        page.screenshot(path=str(SCREENSHOTS / name))
    assert page.evaluate("() => localStorage.getItem('bacasable-taille-texte')") == "200"

    # The next visit on this device: the same size, from the first screen.
    open_learner_page(page, workbook, scenario=SCENARIO, persona=PERSONA)
    again = Learner(page, CATALOGUE, SCENARIO, PERSONA)
    again.wait_screen()
    expect(page.locator("html")).to_have_attribute("data-bas-text-size", "200")
    assert page.evaluate(ROOT_SIZE) == pytest.approx(normal * 2)
    assert page.evaluate(SCROLL_WIDTH) <= 360
    expect(page.get_by_role("button", name="Agrandir le texte", exact=True)).to_have_attribute(
        "aria-disabled", "true")

    page.get_by_role("button", name="Taille normale", exact=True).click()
    expect(page.locator(".bas-reading-status")).to_have_text(
        re.compile(r"^Taille du texte\s: 100\s%$"))
    assert page.evaluate(ROOT_SIZE) == pytest.approx(normal)
    assert page.evaluate("() => localStorage.getItem('bacasable-taille-texte')") == "100"
    smaller = page.get_by_role("button", name="Réduire le texte", exact=True)
    expect(smaller).to_have_attribute("aria-disabled", "true")


# --- the simulation strip and axe ------------------------------------------------------------------


def test_whole_notice_first_then_a_thin_strip_that_opens(open_page, workbook, axe_path):
    page = open_page(SMALL_PHONE)
    learner = start(page, workbook)
    notice = simulation_notice(page)
    expect(notice).to_contain_text(NOTICE_TEXT)
    expect(notice.get_by_text(NOTICE_TEXT)).to_be_visible()
    expect(notice.get_by_role("button", name="En savoir plus")).to_have_count(0)
    whole = notice.bounding_box()["height"]
    violations = axe_violations(page, axe_path)
    assert violations == [], describe_violations(violations)

    learner.refuse_cookies()
    learner.play_screen()
    notice = simulation_notice(page)
    expect(notice).to_be_in_viewport()
    expect(notice).to_contain_text(SIMULATION_TITLE)
    more = notice.get_by_role("button", name="En savoir plus", exact=True)
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(notice.get_by_text(NOTICE_TEXT)).to_be_hidden()
    strip = notice.bounding_box()["height"]
    assert strip <= 64 and strip < whole / 2, (strip, whole)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bandeau.png"))
    violations = axe_violations(page, axe_path)
    assert violations == [], describe_violations(violations)

    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(notice.get_by_text(NOTICE_TEXT)).to_be_visible()
    expect(notice).to_contain_text(f"Exercice : {learner.scenario.title}")
    notice.evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / "bandeau-ouvert.png"))
    violations = axe_violations(page, axe_path)
    assert violations == [], describe_violations(violations)

    # With the text at 200 % and the status said: still no violation.
    for _ in range(4):
        page.get_by_role("button", name="Agrandir le texte", exact=True).click()
    expect(page.locator(".bas-reading-status")).to_contain_text("200")
    violations = axe_violations(page, axe_path)
    assert violations == [], describe_violations(violations)
