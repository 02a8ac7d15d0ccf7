"""axe-core (WCAG 2.0/2.1 A and AA, and best practices) on every state a learner meets.

The runs together visit every screen of the built-in scenarios (the CAF scenario has two paths,
one per persona). In each run, from the list of exercises: the list; every screen on arrival (the
first one with its cookie banner); the persona's card with its details and every document open;
a screen sent empty (errors) then with a hint; the simulated phone or mailbox open on each code
screen; the review; the receipt with both devices open. No violation of impact "serious" or
"critical" is allowed; the others are printed (``pytest -s``) for a person to judge.

axe checks colour contrast only for what is on screen; Voilà scrolls an inner box, so the viewport
is made as tall as the content for each run of axe (see ``axe_violations``). A low-contrast
paragraph added at the bottom of the last screen checks that this works.
"""

from __future__ import annotations

import pytest
from browser_support import (
    BLOCKING_IMPACTS,
    Learner,
    axe_violations,
    catalogue,
    covering_runs,
    describe_violations,
    visit_every_state,
)

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
RUNS = covering_runs(CATALOGUE)

LOW_CONTRAST_AT_THE_BOTTOM = """() => {
  const p = document.createElement("p");
  p.id = "axe-canary";
  p.textContent = "Texte trop pâle pour vérifier axe";
  p.setAttribute("style", "color: #c8c8c8 !important; background: #fff !important");
  document.querySelector(".bas-screen form").append(p);
}"""


@pytest.mark.parametrize(("scenario_id", "persona_id"), RUNS, ids=[f"{s}-{p}" for s, p in RUNS])
def test_axe_on_every_state(page, workbook, axe_path, scenario_id, persona_id):
    learner = Learner(page, CATALOGUE, scenario_id, persona_id)
    blocking: dict[str, list] = {}
    others: dict[str, list] = {}

    def scan(state: str, arrival: bool) -> None:
        violations = axe_violations(page, axe_path)
        if found := [v for v in violations if v["impact"] in BLOCKING_IMPACTS]:
            blocking[state] = found
        if found := [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]:
            others[state] = found

    states = visit_every_state(page, workbook, learner, scan)

    print(f"\naxe on {scenario_id} with {persona_id}: {len(states)} states")
    for state, violations in others.items():
        print(f"{state} (not blocking):\n{describe_violations(violations)}")
    assert {"recapitulatif", learner.run.current_id} <= set(states)
    assert not blocking, "serious or critical axe violations:\n" + "\n".join(
        f"{state}:\n{describe_violations(v)}" for state, v in blocking.items())

    # The check sees the bottom of a long page too.
    page.evaluate(LOW_CONTRAST_AT_THE_BOTTOM)
    canary = [v for v in axe_violations(page, axe_path) if v["id"] == "color-contrast"]
    assert canary and any("#axe-canary" in n["target"] for n in canary[0]["nodes"])
