"""A static HTML page made from HTML blocks, through an in-memory notebook and nbconvert.

The handout and the workshop report are both printed pages: each block becomes the output of
its own cell, nbconvert's ``basic`` template writes them without any input or prompt, and the
page around them is ours (French, with its own style sheet): no script, nothing from the
internet.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["notebook_html"]


def notebook_html(blocks: Sequence[str], title: str, css: str) -> str:
    """Return HTML blocks as one static page.

    Parameters
    ----------
    blocks
        HTML fragments, each one output of its own cell (no code is kept).
    title
        The page's ``<title>`` (escaped here).
    css
        The page's style sheet.

    Returns
    -------
    str
        ``<!DOCTYPE html>`` page in French, without script nor external resource.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    for number, block in enumerate(blocks, start=1):
        # A fixed cell id (not a random one): the same content gives the same page.
        cell = nbformat.v4.new_code_cell("", id=f"bloc-{number}")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": block})]
        nb.cells.append(cell)
    exporter = HTMLExporter(template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _resources = exporter.from_notebook_node(nb)
    return ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            f"<main>\n{body}\n</main>\n</body>\n</html>\n")
