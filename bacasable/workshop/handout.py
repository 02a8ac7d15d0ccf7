"""The printable handout of a walkthrough: one page per screen, static HTML only.

:func:`handout_html` builds a notebook in memory (one output cell of HTML per screen, no code)
and converts it with nbconvert's ``basic`` template, with its input left out, inside a page of
our own: nothing is loaded from the internet, there is no script and no widget. Each screen is a
simple picture of the form (the labels and the persona's values in boxes) with numbered notes
(the callouts), and a page break after it.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from bacasable.common.static_page import notebook_html
from bacasable.personas.derived import fill_text
from bacasable.run.view import SIMULATION_NOTICE
from bacasable.scenario.schema import FieldSpec, Persona, Scenario

from .walkthrough import Walkthrough, _screen_callout, field_callout

__all__ = ["HANDOUT_CSS", "handout_html", "handout_title", "write_handout"]

HANDOUT_CSS = """
body { font-family: "Atkinson Hyperlegible", Arial, sans-serif; font-size: 14pt; color: #1e1e1e;
       margin: 0 auto; max-width: 48rem; padding: 1rem; line-height: 1.45; }
h1 { font-size: 20pt; margin: 0 0 .5rem; }
h2 { font-size: 17pt; margin: 1rem 0 .5rem; }
.notice { border: 2px solid #1d3f8f; background: #e9eef8; padding: .5rem .75rem; }
.screen { padding-top: .5rem; }
.screen.next { break-before: page; page-break-before: always; }
.form { border: 2px solid #6b6b6b; border-radius: 6px; padding: .75rem 1rem; margin: .5rem 0; }
.site { font-weight: bold; color: #4a4a4a; margin: 0 0 .5rem; }
.field { margin: .5rem 0 .75rem; }
.label { font-weight: bold; display: block; }
.num { display: inline-block; min-width: 1.6em; border-radius: 1em; background: #1d3f8f;
       color: #fff; text-align: center; margin-right: .4em; font-weight: bold; }
.box { display: block; border: 2px solid #1e1e1e; padding: .3rem .5rem; min-height: 1.5em;
       margin-top: .2rem; background: #fff; }
.button { display: inline-block; border: 2px solid #1d3f8f; background: #1d3f8f; color: #fff;
          padding: .3rem 1rem; border-radius: 4px; }
.notes li { margin: .3rem 0; }
.error { border-left: 6px solid #b3261e; padding-left: .5rem; }
@media print { body { max-width: none; } }
"""


def handout_title(scenario: Scenario, persona: Persona) -> str:
    """Return "Fiche pratique : <title> — exemple avec <persona>"."""
    return (f"Fiche pratique : {scenario.title} — exemple avec "
            f"{persona.first_name} {persona.last_name}")


def _display(spec: FieldSpec, value: Any, walk: Walkthrough) -> str:
    """Return the persona's value as the form shows it, in plain text."""
    if value is None or value == "" or value == []:
        return ""
    # Option labels may hold the persona's values ({address.city}), as the learner's page fills.
    options = {o.value: fill_text(walk.persona, o.label) for o in spec.options}
    if spec.kind == "password":
        return "•" * 10
    if spec.kind == "date" and isinstance(value, dict):
        return f"{value.get('day', '')}/{value.get('month', '')}/{value.get('year', '')}"
    if spec.kind == "address" and isinstance(value, dict):
        return f"{value.get('street', '')}, {value.get('postcode', '')} {value.get('city', '')}"
    if spec.kind in ("radio", "select"):
        return options.get(value, str(value))
    if spec.kind == "checkboxes":
        return ", ".join(options.get(v, str(v)) for v in value)
    if spec.kind == "yesno":
        return "Oui" if value == "oui" else "Non"
    if spec.kind == "consent":
        return "☑ Case cochée" if value else "☐"
    if spec.kind == "amount":
        return f"{value} {spec.unit}"
    if spec.kind == "upload":
        from bacasable.personas.derived import documents

        found = {d.id: d.title for d in documents(walk.persona)}
        return found.get(value, str(value))
    return str(value)


def _screen_html(walk: Walkthrough, index: int) -> str:
    e = html.escape
    step = walk.steps[index]
    screen = step.screen
    view = step.view["screen"]
    site = screen.service or walk.scenario.service
    # Each screen is a block of its own in the page: the break goes before every one but the first.
    kind = "screen next" if index else "screen"
    parts = [f'<section class="{kind}" id="ecran-{index + 1}" data-screen="{e(screen.id)}">',
             f"<h2>Écran {index + 1} sur {len(walk.steps)} : {e(view['title'])}</h2>",
             '<div class="form">', f'<p class="site">{e(site)}</p>']
    if view.get("intro"):
        parts.append(f"<p>{e(view['intro'])}</p>")
    for paragraph in view.get("body") or []:
        parts.append(f"<p>{e(paragraph)}</p>")
    notes = [fill_text(walk.persona, _screen_callout(screen))]
    labels = {f["id"]: f["label"] for f in view.get("fields") or []}
    for spec in screen.fields:
        notes.append(fill_text(walk.persona, field_callout(spec)))
        number = len(notes)
        value = _display(spec, step.answers.get(spec.id), walk)
        parts.append(f'<div class="field"><span class="label"><span class="num">{number}</span>'
                     f'{e(labels.get(spec.id) or spec.label)}</span>'
                     f'<span class="box">{e(value)}</span></div>')
    if screen.role not in ("receipt",) and screen.fields:
        parts.append(f'<p><span class="button">{e(screen.continue_label)}</span></p>')
    parts.append("</div>")
    parts.append('<h3>À retenir</h3><ol class="notes">')
    parts.extend(f"<li>{e(text)}</li>" for text in notes)
    parts.append("</ol>")
    walk.go(index, -1)
    common = walk.common_error()
    if common:
        parts.append(f'<p class="error"><strong>Erreur fréquente :</strong> {e(common)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _blocks(walk: Walkthrough) -> list[str]:
    e = html.escape
    title = handout_title(walk.scenario, walk.persona)
    header = (f"<header><h1>{e(title)}</h1>"
              f'<p class="notice" role="note"><strong>Simulation.</strong> '
              f"{e(SIMULATION_NOTICE)} Toutes les personnes sont fictives.</p></header>")
    return [header] + [_screen_html(walk, i) for i in range(len(walk.steps))]


def handout_html(scenario: Scenario, persona: Persona, walk: Walkthrough | None = None) -> str:
    """Return the handout as one static HTML page (no script, no link to the internet).

    Parameters
    ----------
    scenario, persona
        What the handout shows: the screens of this persona's path.
    walk
        A walkthrough of them already played (its position is restored afterwards).
    """
    walk = walk or Walkthrough(scenario, persona)
    where = walk.position
    try:
        blocks = _blocks(walk)
    finally:
        walk.go(*where)
    return notebook_html(blocks, handout_title(scenario, persona), HANDOUT_CSS)


def write_handout(scenario: Scenario, persona: Persona, path: str | Path,
                  walk: Walkthrough | None = None) -> Path:
    """Write the handout to ``path`` (its folder is created); return the path."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(handout_html(scenario, persona, walk), encoding="utf-8")
    return path
