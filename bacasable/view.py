"""The learner's screen as plain JSON data: what the widgets render, computed from a run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .personas import documents as persona_documents
from .runner import Runner
from .schema import DOCUMENT_LABELS, FieldSpec

#: What the learner is told about the expected format before typing, by field kind.
FORMAT_HINTS = {
    "date": "Format : JJ/MM/AAAA",
    "phone": "Format : 06 12 34 56 78",
    "email": "Format : nom@exemple.fr",
    "nir": "15 chiffres, sans espace ou avec espaces",
    "iban": "Commence par FR, 27 caractères",
    "amount": "En euros, par exemple 1 250,50",
    "code": "Le code reçu, en chiffres",
    "number": "Un nombre entier",
}

#: Banner shown on every sandbox screen.
SIMULATION_NOTICE = (
    "Ceci est une simulation pour s'entraîner. Rien n'est envoyé. "
    "Aucune information n'est enregistrée."
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"day": f"{value.day:02d}", "month": f"{value.month:02d}", "year": str(value.year)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _field_view(run: Runner, spec: FieldSpec) -> dict[str, Any]:
    result = run.results.get(spec.id)
    hint_key = f"{run.current_id}.{spec.id}"
    hint = None
    if run.last_hint and run.last_hint["field_id"] == spec.id:
        hint = run.last_hint["text"]
    view: dict[str, Any] = {
        "id": spec.id,
        "kind": spec.kind,
        "label": run.text(spec.label),
        "help": run.text(spec.help),
        "format": None if spec.help else FORMAT_HINTS.get(spec.kind),
        "required": spec.required,
        "autocomplete": spec.autocomplete,
        "options": [
            {"value": o.value, "label": run.text(o.label), "help": run.text(o.help)}
            for o in spec.options
        ],
        "unit": spec.unit if spec.kind == "amount" else None,
        "statement": run.text(spec.statement),
        # Passwords are never sent back to the page.
        "value": None if spec.kind == "password" else _jsonable(run.drafts.get(spec.id)),
        "error": result.message if result is not None and not result.ok else None,
        "error_kind": result.error_kind if result is not None and not result.ok else None,
        "valid": bool(result is not None and result.ok),
        "hint": hint,
        "hints_used": run.hints_used.get(hint_key, 0),
        "hints_count": len(spec.hints),
    }
    if spec.kind == "upload":
        view["documents"] = [
            {"id": d.id, "title": d.title, "kind": DOCUMENT_LABELS.get(d.kind, d.kind)}
            for d in persona_documents(run.persona)
        ]
    return view


def screen_view(run: Runner) -> dict[str, Any]:
    """Return everything the learner's page shows now, as JSON-ready data."""
    screen = run.screen
    index, count = run.step()
    fields = [_field_view(run, f) for f in screen.fields]
    errors = [
        {"field_id": f["id"], "label": f["label"], "message": f["error"]}
        for f in fields
        if f["error"]
    ]
    view: dict[str, Any] = {
        "notice": SIMULATION_NOTICE,
        "status": run.status,
        "scenario": {"id": run.scenario.id, "title": run.scenario.title,
                     "service": run.scenario.service},
        "persona": {"id": run.persona.id, "first_name": run.persona.first_name,
                    "last_name": run.persona.last_name},
        "screen": {
            "id": screen.id,
            "title": screen.title,
            "role": screen.role,
            "intro": run.text(screen.intro),
            "body": [run.text(b) for b in screen.body],
            "continue_label": screen.continue_label,
            "can_go_back": bool(run.history) and screen.role != "receipt",
            "fields": fields,
        },
        "step": {"index": index, "count": count, "label": f"Étape {index} sur {count}"},
        "errors": errors,
        "hint": run.last_hint if run.last_hint else None,
        "warning": run.warning,
        "cookies": run.cookies_pending,
        "timeout_after": next(
            (e.after_seconds for e in screen.events if e.kind == "timeout"), None
        ),
        "messages": {
            "sms": sum(m.kind == "sms" for m in run.messages),
            "email": sum(m.kind == "email" for m in run.messages),
        },
    }
    if screen.role == "review":
        view["review"] = run.review()
    if screen.role == "receipt" or run.status == "finished":
        view["receipt"] = {"number": run.receipt_number}
        view["summary"] = run.summary()
    return view
