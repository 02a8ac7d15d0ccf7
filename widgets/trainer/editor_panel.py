"""The editor's form: a scenario, a screen, its texts and structure, as the trainer sees them."""

from __future__ import annotations

import anywidget
import traitlets

from bacasable.authoring.scenario_structure import FIELD_KIND_NAMES
from widgets.common.base import MessagePanel, module, stylesheet

EDITOR_CSS = stylesheet("facilitator/console.css", "trainer/editor.css")


class EditorPanel(MessagePanel):
    """The trainer's form: a scenario, a screen, then its texts.

    Attributes
    ----------
    choices : list of dict
        The scenarios: ``id``, ``title``.
    scenario : str
        The id of the scenario opened, or "".
    screens : list of dict
        Its screens: ``index``, ``id``, ``title``.
    screen : int
        The index of the screen edited.
    items : list of dict
        The texts of that screen (:func:`bacasable.authoring.scenario_edit.editable_texts`).
    persona_parts : list of dict
        A folded part a field and a persona of the scenario: that persona's own hints
        (:func:`bacasable.authoring.persona_hints_edit.persona_hint_parts`).
    fields : list of dict
        Its fields (:func:`bacasable.authoring.scenario_structure.field_list`).
    kinds : list of dict
        The kinds of field that can be added: ``value``, ``label`` (in French).
    confirm : dict
        A removal waiting for confirmation: ``question`` (empty: none).
    findings : list of dict
        The last check: ``line``, ``message``, ``severity``, ``fix``.
    changed : bool
        There are edits not saved.
    playing : str
        Which persona the preview plays, in French (its own hints are shown).
    preview : ScreenView or None
        The screen as learners see it, drawn by this panel's view: a sticky column beside the
        form on a wide screen, right after the text being edited on a narrow one.
    error, status : str
        Messages in French.

    Notes
    -----
    Actions sent: ``open`` (``scenario``), ``screen`` (``index``), ``set`` (``path``,
    ``value``), ``focus`` (``path``: a hint's or an error message's box got the focus),
    ``validate``, ``save``, ``variant`` (``id``); structure: ``add_field`` (``kind``,
    ``label``), ``remove_field`` (``index``), ``move_field`` (``index``, ``delta``),
    ``add_screen`` (``title``), ``remove_screen``, ``move_screen`` (``delta``), then
    ``confirm`` or ``cancel`` for a removal; a persona's hints: ``persona_hints_start``,
    ``persona_hints_remove`` (``index``: the field's, ``persona``).
    """

    _esm = module("trainer/editor_preview.js", "trainer/editor_persona_hints.js",
                  "trainer/editor.js")
    _css = EDITOR_CSS

    choices = traitlets.List().tag(sync=True)
    scenario = traitlets.Unicode("").tag(sync=True)
    screens = traitlets.List().tag(sync=True)
    screen = traitlets.Int(0).tag(sync=True)
    items = traitlets.List().tag(sync=True)
    persona_parts = traitlets.List().tag(sync=True)
    fields = traitlets.List().tag(sync=True)
    kinds = traitlets.List(
        [{"value": k, "label": v} for k, v in FIELD_KIND_NAMES.items()]
    ).tag(sync=True)
    confirm = traitlets.Dict().tag(sync=True)
    findings = traitlets.List().tag(sync=True)
    changed = traitlets.Bool(False).tag(sync=True)
    playing = traitlets.Unicode("").tag(sync=True)
    preview = anywidget.WidgetTrait().tag(sync=True)
