"""Drafting a new persona with Faker: consistent, fictional, ready to be written as YAML.

The drafted data is only a start: the facilitator completes its story, situation and
documents (:mod:`bacasable.authoring.persona_edit`). Its NIR and IBAN are never drafted: they are
derived from its other fields (:func:`bacasable.personas.derived.nir`,
:func:`bacasable.personas.derived.iban`).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from bacasable.common.slugs import slug
from bacasable.identifiers.parsing import FICTION_MOBILE_PREFIX
from bacasable.scenario.schema import Persona

#: Real communes for drafted personas: (place of birth as written, INSEE code, postcode, city).
#: Paris births are registered by arrondissement, hence its arrondissement code.
COMMUNES: tuple[tuple[str, str, str, str], ...] = (
    ("Paris 14e Arrondissement", "75114", "75014", "Paris"),
    ("Toulouse", "31555", "31000", "Toulouse"), ("Nice", "06088", "06000", "Nice"),
    ("Nantes", "44109", "44000", "Nantes"), ("Strasbourg", "67482", "67000", "Strasbourg"),
    ("Montpellier", "34172", "34000", "Montpellier"), ("Bordeaux", "33063", "33000", "Bordeaux"),
    ("Lille", "59350", "59000", "Lille"), ("Rennes", "35238", "35000", "Rennes"),
    ("Reims", "51454", "51100", "Reims"), ("Le Havre", "76351", "76600", "Le Havre"),
    ("Saint-Étienne", "42218", "42000", "Saint-Étienne"), ("Toulon", "83137", "83000", "Toulon"),
    ("Grenoble", "38185", "38000", "Grenoble"), ("Dijon", "21231", "21000", "Dijon"),
    ("Angers", "49007", "49000", "Angers"), ("Nîmes", "30189", "30000", "Nîmes"),
    ("Villeurbanne", "69266", "69100", "Villeurbanne"),
    ("Clermont-Ferrand", "63113", "63000", "Clermont-Ferrand"),
    ("Limoges", "87085", "87000", "Limoges"), ("Ajaccio", "2A004", "20000", "Ajaccio"),
    ("Saint-Denis", "97411", "97400", "Saint-Denis"),
)

#: Domain of drafted e-mail addresses: fictional, never a real mail provider.
EMAIL_DOMAIN = "exemple.fr"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def draft_persona(
    seed: int, sex: str = "F", age: int = 35, today: dt.date | None = None
) -> dict[str, Any]:
    """Draft a consistent new persona with Faker, as a plain dict for a YAML file.

    Parameters
    ----------
    seed : int
        Faker seed: the same seed (and day) always gives the same persona; it is recorded.
    sex : {"F", "M"}
        The persona's sex; first name and civility follow it.
    age : int
        Age in years at ``today``.
    today : datetime.date, optional
        The reference day (default: today).

    Returns
    -------
    dict
        Data valid for :class:`~bacasable.scenario.schema.Persona`: a real commune of birth with its
        INSEE code, a mobile number in ARCEP's fiction range, an e-mail address at a fictional
        domain, a fictional bank. Faker's own NIR and IBAN are never used: :func:`nir` and
        :func:`iban` derive them.

    Raises
    ------
    ValueError
        For a sex other than F or M, or an age outside 0–110.
    """
    if sex not in ("F", "M"):
        raise ValueError("le sexe doit être « F » ou « M »")
    if not 0 <= age <= 110:
        raise ValueError("l'âge doit être compris entre 0 et 110 ans")
    from faker import Faker  # slow to import: only when drafting

    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    rng = fake.random
    today = today or dt.date.today()
    first = fake.first_name_female() if sex == "F" else fake.first_name_male()
    last = fake.last_name()
    earliest = _years_before(today, age + 1) + dt.timedelta(days=1)
    latest = _years_before(today, age)
    born = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
    place, insee_code, _, _ = rng.choice(COMMUNES)
    _, _, postcode, city = rng.choice(COMMUNES)
    pronoun = "Elle" if sex == "F" else "Il"
    return {
        "id": slug(f"{first} {last}", limit=64),
        "first_name": first,
        "last_name": last,
        "sex": sex,
        "birth": {"date": born, "place": place, "insee_code": insee_code, "country": "France"},
        "nir_order": rng.randint(1, 999),
        "address": {"street": fake.street_address(), "postcode": postcode, "city": city},
        # ARCEP reserves 06 39 98 00 00 – 06 39 98 99 99 for fiction: these numbers never ring
        # anyone. phonenumbers calls them invalid (unallocated); parse_phone accepts them.
        "phone": FICTION_MOBILE_PREFIX + f"{rng.randint(0, 9999):04d}",
        "email": f"{slug(first, '.')}.{slug(last, '.')}@{EMAIL_DOMAIN}",
        "bank": {
            "bank_name": f"Banque {fake.last_name()} (fictive)",
            "bank_code": fake.numerify("#####"),
            "branch_code": fake.numerify("#####"),
            "account_number": fake.numerify("###########"),
            "bic": "FICTFRPPXXX",
        },
        "story": f"{pronoun} a {age} ans et habite à {city}. Personnage fictif à compléter.",
        "situation": {},
        "documents": [],
        "seed": seed,
    }


def persona_to_yaml(data: dict[str, Any] | Persona) -> str:
    """Write persona data as YAML for a file of ``scenarios/personas/``.

    Parameters
    ----------
    data : dict or Persona
        Data from :func:`draft_persona`, or a persona (its unset optional fields left out).
    """
    from ruamel.yaml import YAML

    if isinstance(data, Persona):
        data = data.model_dump(exclude_none=True)
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
