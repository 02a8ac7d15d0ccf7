"""``bacasable.run.fields.check_field`` on 1 MB inputs, every field kind, against a normal value.

Whatever a page sends reaches ``check_field`` (a learner pasting a whole document, a broken or
hostile client): the check must stay cheap. For each kind of field, the time of one check with
a normal, right answer (the baseline, same run) and with 1 MB of input: a 1 MB string, or 1 MB in
each part of a date or an address, or a list holding a 1 MB string. Median of several runs, each
timing a loop of calls lasting at least 20 ms.

Run alone: ``python -m benchmarks.field_checks``.
"""

from __future__ import annotations

import datetime as dt
import sys
import timeit
import typing
from typing import Any

from benchmarks._support import header, median, ratio, save

MB = 1_000_000
REPEATS = 5
PERSONA = "karim"
TODAY = dt.date(2026, 11, 26)


def _setup() -> tuple[Any, Any, dict[str, Any], dict[str, Any]]:
    """The specs of every kind, a context (Karim, a code sent), normal and huge values."""
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.personas.derived import documents, iban, nir
    from bacasable.run.fields import FieldContext
    from bacasable.scenario.loader import load_catalogue
    from bacasable.scenario.schema import FieldKind, FieldSpec

    persona = load_catalogue([BUILTIN_SCENARIOS]).personas[PERSONA]
    doc = documents(persona)[0]
    options = [{"value": "un", "label": "Un"}, {"value": "deux", "label": "Deux"}]
    extra = {
        "radio": {"options": options}, "select": {"options": options},
        "checkboxes": {"options": options}, "upload": {"document": doc.kind},
        "code": {"code_from": "sms"},
    }
    specs = {kind: FieldSpec.model_validate({"id": "f", "kind": kind, "label": "Champ",
                                             **extra.get(kind, {})})
             for kind in typing.get_args(FieldKind)}
    ctx = FieldContext(persona=persona, codes={"sms": "123456"}, today=TODAY)
    normal = {
        "text": "Benali", "password": "Exemple-2026!", "email": "karim.benali@exemple.fr",
        "phone": persona.phone, "date": {"day": "14", "month": "03", "year": "1992"},
        "amount": "1 250,50", "radio": "un", "select": "deux", "checkboxes": ["un", "deux"],
        "yesno": "oui", "nir": nir(persona), "iban": iban(persona), "upload": doc.id,
        "consent": True, "code": "123456", "number": "12",
        "message": "Bonjour Madame, Monsieur,\nJe vous envoie mon CV pour le poste de vendeur."
                   "\nCordialement,\nKarim Benali",
        "address": {"street": persona.address.street, "postcode": persona.address.postcode,
                    "city": persona.address.city},
    }
    big = ("1234567890 abcdefghij ABCDEFGHIJ é@.-,/" * (MB // 40 + 1))[:MB]
    huge: dict[str, Any] = {kind: big for kind in specs}
    huge["date"] = {"day": big, "month": big, "year": big}
    huge["address"] = {"street": big, "postcode": big, "city": big}
    huge["checkboxes"] = [big]
    missing = set(specs) - set(normal)
    assert not missing, f"no normal value for {missing}"
    return specs, ctx, normal, huge


def per_call(func: Any, least: float = 0.02) -> float:
    """Seconds per call: median of REPEATS timings of a loop lasting at least ``least`` s."""
    timer = timeit.Timer(func)
    number = 1
    while timer.timeit(number) < least:
        number *= 2
    return median([t / number for t in timer.repeat(repeat=REPEATS, number=number)])


def times(x: float) -> str:
    return f"{x:.2f}×" if x < 10 else f"{x:.0f}×"


def main() -> dict:
    from bacasable.run.fields import check_field

    header("check_field: 1 MB inputs against a normal value, every field kind")
    specs, ctx, normal, huge = _setup()
    rows = {}
    print(f"  {'kind':<11} {'normal':>10} {'1 MB input':>12} {'ratio':>9}   "
          "outcome of the 1 MB input")
    for kind, spec in specs.items():
        ok = check_field(spec, normal[kind], ctx)
        bad = check_field(spec, huge[kind], ctx)
        t_normal = per_call(lambda s=spec, v=normal[kind]: check_field(s, v, ctx))
        t_huge = per_call(lambda s=spec, v=huge[kind]: check_field(s, v, ctx))
        rows[kind] = {"normal_s": t_normal, "huge_s": t_huge, "ratio": ratio(t_huge, t_normal),
                      "normal_ok": ok.ok, "huge_ok": bad.ok, "huge_error": bad.error_kind}
        outcome = "accepted" if bad.ok else f"refused ({bad.error_kind})"
        print(f"  {kind:<11} {t_normal * 1e6:8.1f} µs {t_huge * 1e3:9.3f} ms "
              f"{times(rows[kind]['ratio']):>9}   {outcome}"
              + ("" if ok.ok else f"  [normal value refused: {ok.error_kind}]"))
    worst = max(rows, key=lambda k: rows[k]["huge_s"])
    print(f"  slowest with 1 MB: {worst}, {rows[worst]['huge_s'] * 1e3:.1f} ms per check")
    data = {"input_bytes": MB, "repeats": REPEATS, "kinds": rows}
    save("field_checks", data)
    return data


if __name__ == "__main__":
    main()
    sys.exit(0)
