"""The scenario commands: ``validate``, ``schema``, ``persona``, ``handout``, ``serve``."""

from __future__ import annotations

import json
from pathlib import Path

from traitlets import Bool, Int, Unicode

from ..config import BacasableConfig
from ..loader import Catalogue, Finding, load_catalogue, load_model
from ..schema import Persona, Scenario
from .command import ALIASES, Command

__all__ = [
    "DraftPersonaCommand", "HandoutCommand", "SchemaCommand", "ServeCommand", "ValidateCommand",
]

#: The notebooks served by ``bacasable serve``, beside the package in a source checkout.
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _load_paths(paths: list[str], base: BacasableConfig) -> Catalogue:
    """Load the configured folders, then the given files or folders on top of them."""
    cat = load_catalogue(base.all_scenario_dirs())
    if not paths:
        return cat
    # Only the findings of what was asked for; personas of the configured folders stay usable.
    own = Catalogue(personas=dict(cat.personas), sources=dict(cat.sources), trees=dict(cat.trees))
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            sub = load_catalogue([path])
            own.findings.extend(sub.findings)
            own.scenarios.update(sub.scenarios)
            own.personas.update(sub.personas)
            own.sources.update(sub.sources)
            own.trees.update(sub.trees)
        elif not path.exists():
            own.findings.append(Finding(str(path), 1, 1, "fichier introuvable"))
        else:
            is_persona = path.parent.name == "personas"
            model = Persona if is_persona else Scenario
            obj, found = load_model(path, model, own.trees)
            own.findings.extend(found)
            if isinstance(obj, Scenario):
                own.scenarios[obj.id] = obj
                own.sources[obj.id] = path
            elif isinstance(obj, Persona):
                own.personas[obj.id] = obj
    return own


class ValidateCommand(Command):
    """Check scenario and persona files; exit 1 on any error."""

    name = "bacasable validate"
    description = "Vérifie les scénarios et les personas (fichiers ou dossiers donnés)."

    def start(self) -> None:
        """Run the command."""
        from ..checks import check_catalogue

        cat = _load_paths(list(self.extra_args), self.settings)
        findings = cat.findings + check_catalogue(cat)
        for finding in findings:
            print(finding)
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        print(f"{len(cat.scenarios)} scénario(s), {len(cat.personas)} persona(s) : "
              f"{errors} erreur(s), {warnings} avertissement(s).")
        self.exit(1 if errors else 0)


class ServeCommand(Command):
    """Serve the workbook with Voilà on the local network."""

    name = "bacasable serve"
    description = "Lance l'atelier : les notebooks servis par Voilà sur le réseau local."
    open_browser = Bool(False, help="Open a browser on this machine.").tag(config=True)
    flags = {"open": ({"ServeCommand": {"open_browser": True}}, "Ouvre un navigateur.")}

    def start(self) -> None:
        """Run the command."""
        from ..serve import serve

        self.exit(serve(self.settings, NOTEBOOKS, open_browser=self.open_browser))


class SchemaCommand(Command):
    """Print the JSON Schema of scenarios (or personas)."""

    name = "bacasable schema"
    description = "Affiche le schéma JSON des scénarios (ou des personas avec --personas)."
    personas = Bool(False, help="The persona schema instead.").tag(config=True)
    flags = {"personas": ({"SchemaCommand": {"personas": True}}, "Schéma des personas.")}

    def start(self) -> None:
        """Run the command."""
        model = Persona if self.personas else Scenario
        print(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2))


class DraftPersonaCommand(Command):
    """Draft a new fictional persona with Faker (seeded) and print its YAML."""

    name = "bacasable persona"
    description = "Propose un nouveau persona fictif (Faker, graine fixe) en YAML."
    seed = Int(1, help="Faker seed: the same seed gives the same persona.").tag(config=True)
    sex = Unicode("F", help="F or M.").tag(config=True)
    age = Int(35, help="Age in years.").tag(config=True)
    aliases = {**ALIASES, "seed": "DraftPersonaCommand.seed", "sex": "DraftPersonaCommand.sex",
               "age": "DraftPersonaCommand.age"}

    def start(self) -> None:
        """Run the command."""
        from ..personas import draft_persona, persona_to_yaml

        print(persona_to_yaml(draft_persona(self.seed, sex=self.sex, age=self.age)), end="")


class HandoutCommand(Command):
    """Write the printable handout of a scenario played by a persona (static HTML)."""

    name = "bacasable handout"
    description = ("Écrit la fiche pratique imprimable d'un scénario (HTML), avec l'exemple d'un "
                   "persona : bacasable handout SCENARIO --persona ID --html FICHIER.")
    persona = Unicode("", help="Persona id (default: the scenario's first).").tag(config=True)
    html = Unicode("", help="HTML file written (default: fiche-SCENARIO-PERSONA.html).").tag(
        config=True
    )
    aliases = {**ALIASES, "persona": "HandoutCommand.persona", "html": "HandoutCommand.html"}

    def start(self) -> None:
        """Run the command."""
        from ..handout import write_handout

        if len(self.extra_args) != 1:
            print("Donnez un scénario : bacasable handout SCENARIO --persona ID --html FICHIER")
            self.exit(2)
        scenario_id = self.extra_args[0]
        cat = _load_paths([], self.settings)
        scenario = cat.scenarios.get(scenario_id)
        if scenario is None:
            known = ", ".join(sorted(cat.scenarios)) or "aucun"
            print(f"Scénario inconnu : {scenario_id}. Scénarios : {known}.")
            self.exit(1)
        persona_id = self.persona or scenario.personas[0]
        persona = cat.personas.get(persona_id)
        if persona is None:
            print(f"Persona inconnu : {persona_id}. Personas du scénario : "
                  f"{', '.join(scenario.personas)}.")
            self.exit(1)
        target = self.html or f"fiche-{scenario.id}-{persona.id}.html"
        path = write_handout(scenario, persona, target)
        print(f"Fiche pratique écrite : {path}")
