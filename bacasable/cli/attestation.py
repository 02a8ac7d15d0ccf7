"""The ``attestation`` command: the learners' attestations of practice, as one printable page."""

from __future__ import annotations

import sys
from pathlib import Path

from traitlets import Unicode
from traitlets.config import catch_config_error

from .command import ALIASES
from .reports import MSG_UNKNOWN, find_workshop
from .store import StoreCommand

__all__ = ["AttestationCommand", "take_name"]

USAGE = ('bacasable attestation CODE [--participant PSEUDONYME [--name "Prénom Nom"]] '
         "[--out attestations.html]")
MSG_NAME_ALONE = ("Un nom ne peut être tapé que pour une seule personne : ajoutez "
                  "--participant PSEUDONYME.")
MSG_NAME_EMPTY = 'Tapez le nom après --name, entre guillemets : --name "Prénom Nom".'
MSG_UNKNOWN_PSEUDONYM = "Personne n'a le pseudonyme « {pseudonym} » dans cet atelier."

#: The spellings of the option that carries the name typed at print time.
NAME_OPTIONS = ("--name", "-name")


def take_name(argv: list[str]) -> tuple[str | None, list[str], bool]:
    """Take the typed name out of a command line, before traitlets reads it.

    The name never becomes a setting: traitlets would show it in ``--show-config`` and in
    its debug log. Returns the name (None when not given), the other arguments, and False
    when ``--name`` came without a value.
    """
    name: str | None = None
    rest: list[str] = []
    complete = True
    args = iter(argv)
    for arg in args:
        option, equals, value = arg.partition("=")
        if option not in NAME_OPTIONS:
            rest.append(arg)
        elif equals:
            name = value
        else:
            following = next(args, None)
            if following is None or following.startswith("-"):
                complete = False  # "--name" then nothing, or another option: no name given
                rest.extend([] if following is None else [following])
            else:
                name = following
    return name, rest, complete


class AttestationCommand(StoreCommand):
    """Write the attestations of practice of a workshop's learners: one A4 page each."""

    name = "bacasable attestation"
    description = ("Écrit les attestations de participation d'un atelier (code ou numéro), "
                   "une page A4 par personne, à imprimer : " + USAGE + ". Sans --participant, "
                   "tout le monde a la sienne. Le nom tapé avec --name est seulement imprimé : "
                   "il n'est enregistré nulle part.")
    participant = Unicode(
        "", help="Pseudonyme de la seule personne dont on veut l'attestation (sinon : tout le "
                 "monde)."
    ).tag(config=True)
    learner_name = Unicode(
        "", help="Nom à imprimer à la place du pseudonyme, pour une seule personne. Il n'est "
                 "enregistré nulle part."
    ).tag(config=True)
    out = Unicode(
        "", help="Fichier HTML écrit (par défaut : attestations-atelier-NUMÉRO.html, dans le "
                 "dossier courant)."
    ).tag(config=True)
    aliases = {
        **ALIASES,
        "participant": "AttestationCommand.participant",
        # Listed by --help only: the value is taken out of the command line first (take_name).
        "name": "AttestationCommand.learner_name",
        "out": "AttestationCommand.out",
    }

    @catch_config_error
    def initialize(self, argv: list[str] | None = None) -> None:
        """Keep the typed name aside, then read the rest of the command line."""
        argv = list(sys.argv[1:] if argv is None else argv)
        self._typed_name, rest, self._name_complete = take_name(argv)
        super().initialize(rest)

    def start(self) -> None:
        """Run the command."""
        from bacasable.reports.attestation import (
            AttestationError,
            attestations_html,
            build_attestations,
            clean_name,
            find_participant,
            write_attestations,
        )
        from bacasable.scenario.loader import load_catalogue

        if len(self.extra_args) != 1:
            self.fail(f"Donnez un atelier, par son code ou son numéro : {USAGE}", 2)
        typed = getattr(self, "_typed_name", None)
        if not getattr(self, "_name_complete", True) or (typed is not None and not typed.strip()):
            self.fail(MSG_NAME_EMPTY, 2)
        if typed is not None and not self.participant.strip():
            self.fail(MSG_NAME_ALONE, 2)
        try:
            name = clean_name(typed)
        except AttestationError as error:
            self.fail(error.message, 2)
        arg = self.extra_args[0]
        catalogue = load_catalogue(self.settings.all_scenario_dirs())
        with self.open_store() as store, self.store_errors():
            workshop = find_workshop(store, arg)
            if workshop is None:
                self.fail(MSG_UNKNOWN.format(arg=arg))
            participant_id = None
            if self.participant.strip():
                participant_id = find_participant(store.participants(workshop["id"]),
                                                  self.participant)
                if participant_id is None:
                    self.fail(MSG_UNKNOWN_PSEUDONYM.format(pseudonym=self.participant.strip()))
            try:
                attestations = build_attestations(store, workshop["id"], catalogue,
                                                  participant_id=participant_id, name=name)
                page = attestations_html(attestations)
            except AttestationError as error:
                self.fail(error.message)
        target = self.out or f"attestations-atelier-{workshop['id']}.html"
        try:
            written = write_attestations(page, target)
        except OSError as error:
            self.fail(f"Impossible d'écrire {target} : {error.strerror or error}")
        idle = [a.pseudonym for a in attestations if not a.exercises]
        print(f"Atelier « {workshop['title']} » : {len(attestations)} attestation(s), "
              "une page chacune.")
        if idle:
            print("Sans exercice commencé : " + ", ".join(idle) + ".")
        print(f"Attestations écrites : {Path(written)}")
        print("Ouvrez le fichier dans un navigateur et imprimez-le (format A4).")
        self.exit(0)
