"""Time to the first usable screen in Chromium: the learner's notebook against one Button.

Two folders are served one after the other, each with ``bacasable.server.serve.start_server`` and
the
same settings (a preheated pool for ``atelier.ipynb``, of the configured size): one holds a copy of
``notebooks/atelier.ipynb``; the baseline's ``atelier.ipynb`` only displays one
``ipywidgets.Button`` (same name, so that it gets the same preheated pool). For each, N fresh page
loads (a new browser context each, phone size), measured in the page with ``performance.now()``
(navigation start → the element is visible and enabled):

- the list of exercises: its first "Commencer" button;
- a direct link ``?scenario=…&persona=…``: the first field of the exercise;
- the baseline: its button.

Between two loads the pool is let refill: Voilà replaces a used kernel after ``fill_delay`` (1 s,
not changed by bacasable), one at a time; the next load waits until the pool is full again, every
kernel ran its notebook (for atelier.ipynb: its query-string child waits for a page) and the
machine is quiet. Also printed: when the page's HTML was fully received (the server's part:
kernel execution), the rest being Voilà's front end loading in the browser.

Run alone: ``python -m benchmarks.first_screen``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks._support import (
    NOTEBOOKS,
    PHONE,
    chromium,
    close_page,
    describe,
    header,
    local_only,
    median,
    notebook_folder,
    ratio,
    save,
    serving,
    wait_for,
)

N = 5
QUERY = "scenario=france-travail-inscription&persona=karim"
TARGET = 1.2
BASELINE_CODE = "import ipywidgets\n\nipywidgets.Button(description='Commencer')"

#: Each probe returns performance.now() (ms since navigation start) once the element is usable.
_USABLE = """(el) => el && !el.disabled && el.checkVisibility({visibilityProperty: true})
  && el.getBoundingClientRect().height > 0"""
PROBES = {
    "catalogue": f"""() => {{
      const usable = {_USABLE};
      const button = [...document.querySelectorAll(".bas-catalogue button")]
        .find(b => b.textContent.trim().startsWith("Commencer"));
      return usable(button) ? performance.now() : false;
    }}""",
    "first_field": f"""() => {{
      const usable = {_USABLE};
      const field = document.querySelector(
        ".bas-screen form input:not([type=hidden]), .bas-screen form select");
      return usable(field) ? performance.now() : false;
    }}""",
    "button": f"""() => {{
      const usable = {_USABLE};
      return usable(document.querySelector("button.jupyter-button")) ? performance.now() : false;
    }}""",
}


def one_load(browser: Any, server: Any, query: str, probe: str, waiting: bool) -> dict:
    """One fresh page load once the pool is full and the machine quiet; times in ms."""
    server.wait_pool(waiting=waiting)
    started = server.count("Kernel started:")
    used = server.count("Using pre-heated kernel")
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.route("**/*", local_only)
    try:
        page.goto(server.url(query=query), wait_until="commit", timeout=120_000)
        usable = page.wait_for_function(PROBES[probe], timeout=120_000, polling="raf")
        usable_ms = float(usable.json_value())
        html_ms = float(page.evaluate(
            "performance.getEntriesByType('navigation')[0].responseEnd"))
    finally:
        close_page(context, page)
    preheated = server.count("Using pre-heated kernel") > used
    # The refill starts fill_delay (1 s) after the kernel was taken.
    wait_for(lambda: server.count("Kernel started:") > started, 30)
    return {"usable_ms": usable_ms, "html_ms": html_ms, "preheated": preheated}


def measure(root: Path, loads: list[tuple[str, str, str]], waiting: bool) -> dict:
    results: dict[str, list[dict]] = {}
    with serving(root) as server, chromium() as browser:
        server.wait_ready()
        for name, query, probe in loads:
            results[name] = [one_load(browser, server, query, probe, waiting)
                             for _ in range(N)]
    return results


def summary(runs: list[dict]) -> dict:
    return {"usable_ms": describe([r["usable_ms"] for r in runs]),
            "html_ms": describe([r["html_ms"] for r in runs]),
            "all_preheated": all(r["preheated"] for r in runs)}


def main() -> dict:
    header(f"Time to the first usable screen (Chromium, {PHONE['width']}×{PHONE['height']}, "
           f"N={N} fresh loads each, preheated pool)")
    real = Path(tempfile.mkdtemp(prefix="bacasable-bench-nb-"))
    shutil.copy(NOTEBOOKS / "atelier.ipynb", real / "atelier.ipynb")
    baseline = notebook_folder({"atelier.ipynb": BASELINE_CODE})
    try:
        atelier = measure(real, [("catalogue", "", "catalogue"),
                                 ("direct_link", QUERY, "first_field")], waiting=True)
        base = measure(baseline, [("button", "", "button")], waiting=False)
    finally:
        shutil.rmtree(real, ignore_errors=True)
        shutil.rmtree(baseline, ignore_errors=True)

    figures = {
        "atelier_catalogue": summary(atelier["catalogue"]),
        "atelier_direct_link": summary(atelier["direct_link"]),
        "baseline_button": summary(base["button"]),
    }
    b = figures["baseline_button"]["usable_ms"]["median"]
    labels = {
        "atelier_catalogue": "atelier: list of exercises ('Commencer')",
        "atelier_direct_link": "atelier: direct link ?scenario=…&persona=… (first field)",
        "baseline_button": "baseline: one ipywidgets.Button",
    }
    for key, label in labels.items():
        f = figures[key]
        u, h = f["usable_ms"], f["html_ms"]
        line = (f"  {label:<58} median {u['median'] / 1000:5.2f} s "
                f"(min {u['min'] / 1000:.2f}, max {u['max'] / 1000:.2f}); "
                f"HTML received at {median(h['values']) / 1000:.2f} s")
        if not f["all_preheated"]:
            line += "  [some loads got a cold kernel]"
        print(line)
    ratios = {
        "catalogue_vs_baseline": ratio(figures["atelier_catalogue"]["usable_ms"]["median"], b),
        "direct_link_vs_baseline": ratio(figures["atelier_direct_link"]["usable_ms"]["median"], b),
    }
    print(f"  ratio list of exercises / baseline: {ratios['catalogue_vs_baseline']:.2f} "
          f"(target ≤ {TARGET})")
    print(f"  ratio direct link, first field / baseline: {ratios['direct_link_vs_baseline']:.2f} "
          f"(target ≤ {TARGET})")
    data = {"n": N, "query": QUERY, "target_ratio": TARGET, "figures": figures, "ratios": ratios}
    save("first_screen", data)
    return data


if __name__ == "__main__":
    main()
    sys.exit(0)
