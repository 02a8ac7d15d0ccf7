"""What a workshop's room got wrong on each screen, from the store's events, in plain French.

The projected walkthrough (:mod:`bacasable.workshop.walkthrough`) shows it beside each screen: how
many people erred there, and the most frequent error ("Date de naissance : date qui n'existe
pas"). Pure Python: no widget here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from bacasable.scenario.schema import Scenario

__all__ = ["ERROR_WORDS", "room_sentence", "room_stats"]

#: Error kinds in plain French, for "what the room did here".
ERROR_WORDS: dict[str, str] = {
    "required": "laissé vide",
    "format": "mal écrit",
    "mismatch": "ne correspond pas",
    "too_short": "trop court",
    "too_long": "trop long",
    "too_small": "trop petit",
    "too_large": "trop grand",
    "not_whole": "pas un nombre entier",
    "date_invalid": "date qui n'existe pas",
    "date_future": "date dans le futur",
    "date_past": "date déjà passée",
    "too_young": "âge trop jeune",
    "too_old": "âge trop élevé",
    "out_of_range": "en dehors des limites",
    "weak_password": "mot de passe trop faible",
    "not_same": "les deux ne sont pas identiques",
    "checksum": "un chiffre est faux",
    "inconsistent": "ne va pas avec les autres réponses",
    "temporary_number": "numéro provisoire",
    "not_a_choice": "choix impossible",
    "too_few_choices": "pas assez de cases cochées",
    "too_many_choices": "trop de cases cochées",
    "wrong_code": "mauvais code",
    "wrong_document": "mauvais document",
    "not_accepted": "case pas cochée",
    "taken": "adresse déjà prise",
    "no_greeting": "pas de formule pour commencer",
    "no_sign_off": "pas de formule pour finir",
    "personal_data": "vraie donnée personnelle",
}


def _field_labels(scenario: Scenario | None) -> dict[tuple[str, str], str]:
    if scenario is None:
        return {}
    return {(s.id, f.id): f.label for s in scenario.screens for f in s.fields}


def room_stats(store: Any, workshop_id: int, scenario_id: str, *,
               scenario: Scenario | None = None,
               rows: Iterable[dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Say what a workshop's room did on each screen of a scenario, from the stored events.

    Parameters
    ----------
    store
        The outcome store (:meth:`events_frame_rows` is read).
    workshop_id, scenario_id
        The workshop and the scenario.
    scenario
        The scenario, to name the fields by their label (else by their id).
    rows
        The rows to use instead of reading the store (tests, or rows already read).

    Returns
    -------
    dict
        By screen id: ``errors_people`` (how many people made at least one error there),
        ``errors`` (how many errors), ``top_error`` (None, or ``field_id``, ``error_kind``,
        ``count`` and ``text``, e.g. "Date de naissance : date qui n'existe pas") and
        ``sentence`` (:func:`room_sentence`). Screens where nobody erred are left out.
    """
    if rows is None:
        rows = store.events_frame_rows(workshop_id=workshop_id)
    labels = _field_labels(scenario)
    people: dict[str, set[Any]] = {}
    kinds: dict[str, Counter[tuple[str, str]]] = {}
    for row in rows:
        if row.get("type") != "field_error" or row.get("scenario_id") != scenario_id:
            continue
        screen_id = row.get("screen_id")
        if not screen_id:
            continue
        who = row.get("participant_id") or ("attempt", row.get("attempt_id"))
        people.setdefault(screen_id, set()).add(who)
        key = (str(row.get("field_id") or ""), str(row.get("error_kind") or ""))
        kinds.setdefault(screen_id, Counter())[key] += 1
    out: dict[str, dict[str, Any]] = {}
    for screen_id, who in people.items():
        counter = kinds[screen_id]
        # Most frequent first; ties broken by field id then kind, so the answer is stable.
        (field_id, kind), count = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        label = labels.get((screen_id, field_id), field_id)
        text = f"{label} : {ERROR_WORDS.get(kind, kind or 'erreur')}" if label else \
            ERROR_WORDS.get(kind, kind)
        stats = {
            "errors_people": len(who),
            "errors": sum(counter.values()),
            "top_error": {"field_id": field_id, "error_kind": kind, "count": count,
                          "text": text},
        }
        stats["sentence"] = room_sentence(stats)
        out[screen_id] = stats
    return out


def room_sentence(stats: dict[str, Any] | None) -> str:
    """Return "3 personnes se sont trompées ici" (or "Personne ne s'est trompé ici")."""
    count = int((stats or {}).get("errors_people") or 0)
    if count == 0:
        return "Personne ne s'est trompé ici."
    if count == 1:
        return "1 personne s'est trompée ici."
    return f"{count} personnes se sont trompées ici."
