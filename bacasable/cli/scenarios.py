"""The scenario commands: validate, schema, persona, handout, serve, new, export, import."""

from __future__ import annotations

from pathlib import Path

from traitlets import Bool, Int, Unicode

from bacasable.common.config import BacasableConfig
from bacasable.scenario.loader import Catalogue, Finding, load_catalogue, load_model
from bacasable.scenario.schema import Flow, Persona, Scenario

from .command import ALIASES, Command

__all__ = [
    "DraftPersonaCommand", "ExportCommand", "HandoutCommand", "ImportCommand", "NewCommand",
    "SchemaCommand", "ServeCommand", "ValidateCommand",
]

#: The notebooks served by ``bacasable serve``, beside the package in a source checkout.
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _load_paths(paths: list[str], base: BacasableConfig) -> Catalogue:
    """Load the configured folders, then the given files or folders on top of them."""
    cat = load_catalogue(base.all_scenario_dirs())
    if not paths:
        return cat
    # Only the findings of what was asked for; personas of the configured folders stay usable.
    own = Catalogue(personas=dict(cat.personas), sources=dict(cat.sources), trees=dict(cat.trees),
                    flows=dict(cat.flows))
    for raw in paths:
        path = Path(raw).resolve()  # the configured folders are absolute: one file, one place
        if path.is_dir():
            sub = load_catalogue([path], flows=cat.flows)
            own.findings.extend(sub.findings)
            own.flows.update(sub.flows)
            own.scenarios.update(sub.scenarios)
            own.personas.update(sub.personas)
            own.sources.update(sub.sources)
            own.trees.update(sub.trees)
        elif not path.exists():
            own.findings.append(Finding(str(path), 1, 1, "fichier introuvable"))
        else:
            model = {"personas": Persona, "flows": Flow}.get(path.parent.name, Scenario)
            obj, found = load_model(path, model, own.trees, own.flows)
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
        from bacasable.authoring.checks import check_catalogue
        from bacasable.authoring.estimates import stale_estimates
        from bacasable.authoring.lint import lint_catalogue

        cat = _load_paths(list(self.extra_args), self.settings)
        findings = (cat.findings + check_catalogue(cat) + lint_catalogue(cat)
                    + stale_estimates(cat))
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
    open_browser = Bool(False, help="Ouvre un navigateur sur cet ordinateur.").tag(config=True)
    flags = {"open": ({"ServeCommand": {"open_browser": True}}, "Ouvre un navigateur.")}

    def start(self) -> None:
        """Run the command."""
        from bacasable.server.serve import serve

        self.exit(serve(self.settings, NOTEBOOKS, open_browser=self.open_browser))


class SchemaCommand(Command):
    """Print the JSON Schema of scenarios (or personas), or write it into a file."""

    name = "bacasable schema"
    description = ("Affiche le schéma JSON des scénarios (ou des personas avec --personas), "
                   "ou l'écrit dans un fichier avec --output FICHIER.")
    personas = Bool(False, help="Le schéma des personas à la place.").tag(config=True)
    output = Unicode("", help="Fichier écrit au lieu de l'affichage.").tag(config=True)
    flags = {"personas": ({"SchemaCommand": {"personas": True}}, "Schéma des personas.")}
    aliases = {**ALIASES, "output": "SchemaCommand.output"}

    def start(self) -> None:
        """Run the command."""
        from bacasable.authoring.files import _write, schema_text

        text = schema_text(Persona if self.personas else Scenario)
        if not self.output:
            print(text, end="")
            return
        _write(Path(self.output), text)
        print(f"Schéma écrit : {self.output}")


class DraftPersonaCommand(Command):
    """Draft a new fictional persona with Faker (seeded) and print its YAML."""

    name = "bacasable persona"
    description = "Propose un nouveau persona fictif (Faker, graine fixe) en YAML."
    seed = Int(1, help="Graine de Faker : la même graine donne le même persona.").tag(config=True)
    sex = Unicode("F", help="F ou M.").tag(config=True)
    age = Int(35, help="Âge en années.").tag(config=True)
    aliases = {**ALIASES, "seed": "DraftPersonaCommand.seed", "sex": "DraftPersonaCommand.sex",
               "age": "DraftPersonaCommand.age"}

    def start(self) -> None:
        """Run the command."""
        from bacasable.personas.draft import draft_persona, persona_to_yaml

        print(persona_to_yaml(draft_persona(self.seed, sex=self.sex, age=self.age)), end="")


class HandoutCommand(Command):
    """Write the printable handout of a scenario played by a persona (static HTML)."""

    name = "bacasable handout"
    description = ("Écrit la fiche pratique imprimable d'un scénario (HTML), avec l'exemple d'un "
                   "persona : bacasable handout SCENARIO --persona ID --html FICHIER.")
    persona = Unicode(
        "", help="Identifiant du persona (par défaut : le premier du scénario)."
    ).tag(config=True)
    html = Unicode("", help="Fichier HTML écrit (par défaut : fiche-SCENARIO-PERSONA.html).").tag(
        config=True
    )
    aliases = {**ALIASES, "persona": "HandoutCommand.persona", "html": "HandoutCommand.html"}

    def start(self) -> None:
        """Run the command."""
        from bacasable.workshop.handout import write_handout

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


class NewCommand(Command):
    """Copy a scenario as a variant to adapt: ``bacasable new ID --from OTHER_ID``."""

    name = "bacasable new"
    description = ("Copie un scénario pour l'adapter : bacasable new NOUVEL_ID --from ID. "
                   "Le fichier va dans le premier dossier BACASABLE_SCENARIOS, sinon dans votre "
                   "dossier de formateur.")
    source = Unicode("", help="Identifiant du scénario copié.").tag(config=True)
    aliases = {**ALIASES, "from": "NewCommand.source"}

    def start(self) -> None:
        """Run the command."""
        from bacasable.authoring.files import ScenarioFileError, copy_variant, target_folder

        if len(self.extra_args) != 1 or not self.source:
            print("Donnez le nouvel identifiant et le scénario copié : "
                  "bacasable new NOUVEL_ID --from ID")
            self.exit(2)
        cat = load_catalogue(self.settings.all_scenario_dirs())
        try:
            path = copy_variant(cat, self.source, self.extra_args[0],
                                target_folder(self.settings))
        except ScenarioFileError as exc:
            print(exc)
            self.exit(1)
        print(f"Variante écrite : {path}")
        print(f"Adaptez-la, puis vérifiez-la avec : bacasable validate {path}")


class ExportCommand(Command):
    """Write a scenario and its personas into one YAML file, to share them."""

    name = "bacasable export"
    description = ("Écrit un scénario et ses personas dans un seul fichier à partager : "
                   "bacasable export ID --output FICHIER.yaml")
    output = Unicode("", help="Fichier du paquet écrit.").tag(config=True)
    aliases = {**ALIASES, "output": "ExportCommand.output"}

    def start(self) -> None:
        """Run the command."""
        from bacasable.authoring.files import ScenarioFileError, _write, export_bundle

        if len(self.extra_args) != 1:
            print("Donnez un scénario : bacasable export ID --output FICHIER.yaml")
            self.exit(2)
        scenario_id = self.extra_args[0]
        target = Path(self.output or f"{scenario_id}.bundle.yaml")
        cat = load_catalogue(self.settings.all_scenario_dirs())
        try:
            text = export_bundle(cat, scenario_id)
        except ScenarioFileError as exc:
            print(exc)
            self.exit(1)
        _write(target, text)
        print(f"Paquet écrit : {target} (scénario {scenario_id} et "
              f"{len(cat.scenarios[scenario_id].personas)} persona(s)).")


class ImportCommand(Command):
    """Check a bundle written by ``export``, then write its scenario and personas."""

    name = "bacasable import"
    description = ("Importe un paquet écrit par « bacasable export » : bacasable import FICHIER "
                   "[--into DOSSIER] [--force]. Tout est vérifié avant d'écrire.")
    into = Unicode("", help="Dossier écrit (par défaut : le premier dossier BACASABLE_SCENARIOS, "
                   "sinon votre dossier de formateur).").tag(config=True)
    force = Bool(False, help="Remplace les fichiers existants.").tag(config=True)
    aliases = {**ALIASES, "into": "ImportCommand.into"}
    flags = {"force": ({"ImportCommand": {"force": True}}, "Remplace les fichiers existants.")}

    def start(self) -> None:
        """Run the command."""
        from bacasable.authoring.files import ScenarioFileError, import_bundle, target_folder

        if len(self.extra_args) != 1:
            print("Donnez un fichier : bacasable import FICHIER [--into DOSSIER]")
            self.exit(2)
        source = Path(self.extra_args[0])
        if not source.is_file():
            print(f"Fichier introuvable : {source}")
            self.exit(1)
        folder = Path(self.into) if self.into else target_folder(self.settings)
        cat = load_catalogue(self.settings.all_scenario_dirs())
        try:
            written = import_bundle(source, folder, cat, force=self.force)
        except ScenarioFileError as exc:
            print(exc)
            print("Rien n'a été écrit.")
            self.exit(1)
        for path in written:
            print(f"Écrit : {path}")
