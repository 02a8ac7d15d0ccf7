"""The Voilà template shipped in the package, and where Voilà finds it."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SHARE_DIR", "TEMPLATE", "TEMPLATE_DIR"]

#: The Voilà template shipped in the package.
TEMPLATE = "bacasable"

#: ``share/jupyter`` inside the package: prepended to ``JUPYTER_PATH`` for Voilà to find the
#: template. Computed at run time, so it works wherever the package is installed.
SHARE_DIR = Path(__file__).resolve().parents[1] / "share" / "jupyter"

#: The template's own folder (its pages, ``error.html`` and ``404.html``, and ``static/``).
TEMPLATE_DIR = SHARE_DIR / "voila" / "templates" / TEMPLATE
