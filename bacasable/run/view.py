"""The learner's screen as plain JSON data: what the widgets render, computed from a run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bacasable.personas.derived import document_view
from bacasable.personas.derived import documents as persona_documents
from bacasable.scenario.persona_hints import hints_for
from bacasable.scenario.schema import DOCUMENT_LABELS, FieldSpec

from .diagnostic_view import diagnostic_view
from .quiz import CHECK_LABEL, feedback
from .runner import Runner

#: What the learner is told about the expected format before typing, by field kind.
FORMAT_HINTS = {
    "date": "Le jour, le mois, puis l'année. Exemple : 14 03 1992",
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


def _plural(n: int, one: str, many: str) -> str:
    return one if n <= 1 else many


def closing_words(summary: dict[str, Any]) -> dict[str, Any]:
    """Return the warm closing words for the summary of a finished run."""
    lines: list[str] = []
    done = int(summary.get("screens_done") or 0)
    clean = int(summary.get("screens_without_help") or 0)
    errors = int(summary.get("errors") or 0)
    hints = int(summary.get("hints") or 0)
    minutes = float(summary.get("minutes") or 0)
    if done:
        steps = "l'étape" if done == 1 else f"les {done} étapes"
        lines.append(f"Vous avez terminé {steps}.")
    if clean:
        lines.append(
            f"{clean} {_plural(clean, 'écran réussi', 'écrans réussis')} du premier coup, "
            "sans erreur et sans indice."
        )
    if errors:
        lines.append(
            f"Vous avez corrigé {errors} {_plural(errors, 'erreur', 'erreurs')}. "
            "Se tromper puis corriger, c'est comme ça qu'on apprend."
        )
    else:
        lines.append("Aucune erreur : c'est un sans-faute !")
    if hints:
        lines.append(
            f"Vous avez demandé {hints} {_plural(hints, 'indice', 'indices')}. "
            "Demander de l'aide, c'est une bonne habitude."
        )
    else:
        lines.append("Vous n'avez pas eu besoin d'indice.")
    if minutes < 1:
        lines.append("Temps passé : moins d'une minute.")
    else:
        rounded = max(1, round(minutes))
        lines.append(f"Temps passé : environ {rounded} {_plural(rounded, 'minute', 'minutes')}.")
    hardest = [str(t) for t in summary.get("hardest") or []]
    if hardest:
        lines.append(
            f"Pour vous entraîner encore, vous pouvez refaire l'écran « {hardest[0]} »."
        )
    return {"title": "Bravo, vous avez réussi l'exercice !", "lines": lines}


def receipt_qr(number: str | None) -> str | None:
    """Return the QR code of a receipt's number as an SVG data URI (drawn here, offline)."""
    if not number:
        return None
    import segno  # only receipts that ask for it pay for the import

    return segno.make(number, error="m", micro=False).svg_data_uri(scale=5, border=2)


def password_checks(spec: FieldSpec) -> list[tuple[str, str]]:
    """Return the password rules of ``spec``: each one's plain-French text and its check.

    The check is what the page tests as the learner types, to tick the rule once met:
    ``min:8``, ``max:20``, ``upper``, ``lower``, ``digit`` or ``special``.
    """
    out: list[tuple[str, str]] = []
    for rule in spec.rules:
        if rule.rule == "password_policy":
            length = rule.min_length or (rule.value if isinstance(rule.value, int) else None)
            if length:
                out.append((f"au moins {length} caractères", f"min:{length}"))
            if rule.upper:
                out.append(("au moins une lettre majuscule (A, B, C…)", "upper"))
            if rule.lower:
                out.append(("au moins une lettre minuscule (a, b, c…)", "lower"))
            if rule.digit:
                out.append(("au moins un chiffre (1, 2, 3…)", "digit"))
            if rule.special:
                out.append(("au moins un caractère spécial (! ? # @ …)", "special"))
        elif rule.rule == "min_length" and isinstance(rule.value, int):
            out.append((f"au moins {rule.value} caractères", f"min:{rule.value}"))
        elif rule.rule == "max_length" and isinstance(rule.value, int):
            out.append((f"au plus {rule.value} caractères", f"max:{rule.value}"))
    return out


def password_rules(spec: FieldSpec) -> list[str]:
    """Return the password rules of ``spec`` in plain French, to show before typing."""
    return [text for text, _ in password_checks(spec)]


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
        "hints_count": len(hints_for(spec, run.persona.id)),
    }
    if spec.kind == "password":
        checks = password_checks(spec)
        view["rules"] = [text for text, _ in checks]
        view["checks"] = [check for _, check in checks]
    if spec.kind == "upload":
        view["documents"] = [
            {"id": d.id, "title": d.title, "kind": DOCUMENT_LABELS.get(d.kind, d.kind)}
            for d in persona_documents(run.persona)
        ]
    return view


def lesson_view(run: Runner) -> dict[str, Any]:
    """Return what a lesson shows besides its sentences: its example and its picture.

    The picture is the persona's first document of the kind asked, drawn as the persona's
    card draws it (:func:`~bacasable.personas.derived.document_view`); None when the persona
    has no such document.
    """
    screen = run.screen
    picture = None
    if screen.picture is not None:
        doc = next((d for d in persona_documents(run.persona)
                    if d.kind == screen.picture.document), None)
        if doc is not None:
            picture = {**document_view(run.persona, doc),
                       "caption": run.text(screen.picture.caption)}
    return {"example": run.text(screen.example), "picture": picture}


def quiz_view(run: Runner) -> dict[str, Any]:
    """Return a quiz as the page shows it: its question, its answers, what the last one meant.

    ``chosen`` is the last answer given, ``solved`` says the right one was found (the page
    then offers to go on), ``feedback`` is :func:`bacasable.run.quiz.feedback`. Which answer
    is right is not sent before it is found.
    """
    screen = run.screen
    state = run.quizzes.get(screen.id)
    said = feedback(screen, state)
    if said is not None:
        said["text"] = run.text(said["text"])
    return {
        "question": run.text(screen.question),
        "answers": [{"id": a.id, "label": run.text(a.label)} for a in screen.answers],
        "chosen": state.chosen if state else None,
        "solved": bool(state and state.solved),
        "feedback": said,
        "check_label": CHECK_LABEL,
    }


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
                     "service": screen.service or run.scenario.service},
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
    if screen.role == "lesson":
        view["lesson"] = lesson_view(run)
    if screen.role == "quiz":
        view["quiz"] = quiz_view(run)
    if screen.role == "receipt" or run.status == "finished":
        view["receipt"] = {"number": run.receipt_number,
                           "qr": receipt_qr(run.receipt_number) if run.receipt_qr else None}
        view["summary"] = run.summary()
        view["closing"] = closing_words(view["summary"])
    if run.scenario.diagnostic is not None:
        view["diagnostic"] = diagnostic_view(run)
    return view
