"""The server's error answers, in plain French: the template's pages, or JSON for the API.

No exception, message or traceback is ever shown: only what the person can do, and the status
code for the facilitator.
"""

from __future__ import annotations

import functools
import json as json_module
from typing import Any

from .template import TEMPLATE_DIR

__all__ = ["french_error", "french_message"]

#: What each status says, in one short sentence.
_MESSAGES = {
    403: "Cette page n'existe pas.",
    404: "Cette page n'existe pas.",
    405: "Cette adresse ne s'ouvre pas ainsi.",
}
_DEFAULT = "La page n'a pas pu s'ouvrir."


def french_message(status_code: int) -> str:
    """Return what an error says, in plain French (never the exception's text)."""
    return _MESSAGES.get(status_code, _DEFAULT)


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True
    )


def _include_css(name: str) -> Any:
    # The template's own stylesheet, served by the server itself: nothing from outside.
    from markupsafe import Markup

    if name != "static/bacasable.css":
        return ""
    return Markup('<link rel="stylesheet" href="/voila/templates/bacasable/static/bacasable.css">')


@functools.lru_cache(maxsize=16)
def french_error(status_code: int, *, json: bool = False) -> tuple[str, str]:
    """Return the body and the content type of an error answer.

    Parameters
    ----------
    status_code
        The HTTP status.
    json
        Answer JSON (``{"message": …, "reason": null}``, as jupyter_server's API does) instead
        of a page.

    Returns
    -------
    tuple of str
        The body and its ``Content-Type``.
    """
    if json:
        body = json_module.dumps(
            {"message": french_message(status_code), "reason": None}, ensure_ascii=False
        )
        return body, "application/json; charset=UTF-8"
    name = "404.html" if status_code in (403, 404) else "error.html"
    page = _environment().get_template(name).render(
        status_code=status_code, base_url="/", include_css=_include_css
    )
    if name == "error.html" and status_code in _MESSAGES:
        page = page.replace(_DEFAULT, _MESSAGES[status_code], 1)
    return page, "text/html; charset=UTF-8"
