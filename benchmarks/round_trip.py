"""A field's validation seen in the browser: wrong value, "continue", the error is on screen.

On the France Travail identity screen (Karim, direct link), N times: a wrong name is typed, then
the continue button pressed and the time measured in the page, with ``performance.now()`` and a
``MutationObserver`` on the field's error slot, until the next animation frame after the error
appeared (when it is painted). Then the right name is sent (the other fields stay empty, so the
screen stays) and the time until the name's error is gone is measured the same way.

Baseline, same server, same run: a plain ipywidgets form (Text, Button, HTML message) whose
Python ``on_click`` writes the error; same measure.

Run alone: ``python -m benchmarks.round_trip``.
"""

from __future__ import annotations

import shutil
import sys
from typing import Any

from bacasable.run.autoplay import answers_for_screen
from benchmarks._support import (
    NOTEBOOKS,
    PHONE,
    atelier_code,
    chromium,
    close_page,
    describe,
    header,
    local_only,
    notebook_folder,
    ratio,
    save,
    serving,
)

N = 30
TARGET_MEDIAN_MS = 100
SCENARIO, PERSONA = "france-travail-inscription", "karim"
BASELINE_CODE = """\
import ipywidgets as w

name = w.Text(description="Nom")
button = w.Button(description="Continuer")
error = w.HTML("")


def check(_):
    wrong = name.value.strip() != "Benali"
    error.value = "<p>Erreur : ce n'est pas le nom.</p>" if wrong else ""


button.on_click(check)
w.VBox([name, button, error])
"""

#: Press the button; resolve with the ms until the frame after ``slot`` has (or lost) a <p>.
_TIME_CLICK = """async ([button, slot, shown]) => {
  const done = () => Boolean(slot.querySelector("p")) === shown;
  return await new Promise((resolve, reject) => {
    const t0 = performance.now();
    const timer = setTimeout(() => reject(new Error("no change in 20 s")), 20000);
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      requestAnimationFrame(() => { clearTimeout(timer); resolve(performance.now() - t0); });
    });
    observer.observe(slot, {childList: true, subtree: true, characterData: true});
    button.click();
  });
}"""


def _runner() -> Any:
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.run.runner import Runner
    from bacasable.scenario.loader import load_catalogue

    cat = load_catalogue([BUILTIN_SCENARIOS])
    return Runner(cat.scenarios[SCENARIO], cat.personas[PERSONA])


def timed(page: Any, field: Any, value: str, button: Any, slot: Any, shown: bool) -> float:
    field.fill(value)
    return float(page.evaluate(_TIME_CLICK, [button.element_handle(), slot.element_handle(),
                                             shown]))


def measure_atelier(browser: Any, server: Any) -> dict[str, list[float]]:
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.route("**/*", local_only)
    page.set_default_timeout(60_000)
    try:
        page.goto(server.url(query=f"scenario={SCENARIO}&persona={PERSONA}"))
        # The screens before the identity screen, with the persona's answers (ids of the page).
        runner = _runner()
        page.get_by_role("button", name="Tout refuser").click()
        while runner.current_id != "identite":
            answers = answers_for_screen(runner)
            for spec in runner.screen.fields:
                control = page.locator(f"#bas-{runner.current_id}-{spec.id}")
                if spec.kind == "select":
                    control.select_option(answers[spec.id])
                else:
                    control.fill(answers[spec.id])
            page.locator(".bas-screen form button[type=submit]").click()
            assert runner.submit(answers)
            page.get_by_role("heading", level=1, name=runner.screen.title, exact=True).wait_for()
        field = page.locator("#bas-identite-nom")
        slot = page.locator("#bas-identite-nom-field .bas-error-slot")
        button = page.locator(".bas-screen form button[type=submit]")
        times: dict[str, list[float]] = {"error_shown": [], "error_cleared": []}
        timed(page, field, "Dupont", button, slot, True)  # warm-up: first render of the summary
        timed(page, field, "Benali", button, slot, False)
        for _ in range(N):
            times["error_shown"].append(timed(page, field, "Dupont", button, slot, True))
            times["error_cleared"].append(timed(page, field, "Benali", button, slot, False))
        return times
    finally:
        close_page(context, page)


def measure_baseline(browser: Any, server: Any) -> dict[str, list[float]]:
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.route("**/*", local_only)
    page.set_default_timeout(60_000)
    try:
        page.goto(server.url(notebook="baseline.ipynb"))
        field = page.locator(".widget-text input")
        button = page.locator("button.jupyter-button")
        slot = page.locator(".widget-html-content")
        field.wait_for()
        times: dict[str, list[float]] = {"error_shown": [], "error_cleared": []}
        timed(page, field, "Dupont", button, slot, True)
        timed(page, field, "Benali", button, slot, False)
        for _ in range(N):
            times["error_shown"].append(timed(page, field, "Dupont", button, slot, True))
            times["error_cleared"].append(timed(page, field, "Benali", button, slot, False))
        return times
    finally:
        close_page(context, page)


def main() -> dict:
    header(f"Browser round trip of a field's validation (N={N}, Chromium)")
    folder = notebook_folder({"atelier.ipynb": atelier_code(), "baseline.ipynb": BASELINE_CODE})
    assert (NOTEBOOKS / "atelier.ipynb").is_file()
    try:
        with serving(folder) as server, chromium() as browser:
            server.wait_ready()
            atelier = measure_atelier(browser, server)
            baseline = measure_baseline(browser, server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    figures = {"atelier": {k: describe(v) for k, v in atelier.items()},
               "baseline": {k: describe(v) for k, v in baseline.items()}}
    for direction in ("error_shown", "error_cleared"):
        a, b = figures["atelier"][direction], figures["baseline"][direction]
        print(f"  {direction.replace('_', ' '):<14} atelier median {a['median']:6.1f} ms, "
              f"p95 {a['p95']:6.1f} ms | baseline median {b['median']:6.1f} ms, "
              f"p95 {b['p95']:6.1f} ms | ratio of medians {ratio(a['median'], b['median']):.2f}")
    print(f"  (target: median ≤ {TARGET_MEDIAN_MS} ms for the error shown)")
    data = {"n": N, "target_median_ms": TARGET_MEDIAN_MS, "figures": figures,
            "ratios": {d: ratio(figures["atelier"][d]["median"], figures["baseline"][d]["median"])
                       for d in ("error_shown", "error_cleared")}}
    save("round_trip", data)
    return data


if __name__ == "__main__":
    main()
    sys.exit(0)
