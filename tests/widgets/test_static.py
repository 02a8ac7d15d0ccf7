"""The ES modules and the stylesheet ship inside the package, with no network resource."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from widgets.common import screen
from widgets.common.base import SHARED_CSS, STATIC
from widgets.learner import catalogue, devices, persona

WIDGETS = [screen.ScreenView, devices.PhoneView, devices.MailboxView, persona.PersonaCard,
           catalogue.CatalogueView]


@pytest.mark.parametrize("cls", WIDGETS, ids=lambda c: c.__name__)
def test_widget_module_and_css_come_from_the_package(cls):
    widget = cls()
    # The shared stylesheet is the package's stylesheets, in their order.
    assert widget._css == "".join((STATIC / n).read_text(encoding="utf-8") for n in SHARED_CSS)
    # The ES module is the shared DOM helper followed by the widget's own module.
    own = [p for p in STATIC.glob("*/*.js") if p.name != "dom.js"
           and widget._esm.endswith(p.read_text(encoding="utf-8"))]
    assert len(own) == 1
    assert widget._esm.startswith((STATIC / "common" / "dom.js").read_text(encoding="utf-8"))
    assert "export default" in widget._esm


def test_no_url_anywhere_in_static():
    files = sorted(STATIC.glob("*/*"))
    assert {p.relative_to(STATIC).as_posix() for p in files} >= {
        *SHARED_CSS, "common/screen.js", "learner/devices.js", "learner/persona.js",
        "learner/catalogue.js"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text, re.I), path.name
        assert "@import" not in text and "url(" not in text, path.name
        assert not re.search(r"^\s*import\s", text, re.M), path.name


def test_packaging_declares_static_files():
    root = Path(__file__).resolve().parents[2]
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'widgets = ["static/*/*"]' in text


def test_notebook_is_two_lines_without_outputs():
    root = Path(__file__).resolve().parents[2]
    nb = json.loads((root / "notebooks" / "atelier.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    source = "".join("".join(c["source"]) for c in code)
    assert "from widgets.learner.app import atelier" in source and "atelier()" in source
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_learner_kernel_stays_light():
    import subprocess
    import sys

    code = ("import sys, widgets.learner.app; "
            "print(','.join(m for m in ('pandas', 'sqlalchemy', 'faker', 'alembic') "
            "if m in sys.modules))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=root, check=True)
    assert out.stdout.strip() == ""
