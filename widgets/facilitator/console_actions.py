"""What the console's buttons do: each action of the panel or a tile, answered in French.

:class:`ConsoleActions` is the part of :class:`~widgets.facilitator.console.Console` that carries
out the
``{action: ...}`` messages of its :class:`~widgets.facilitator.console_panel.ConsolePanel` and its
:class:`~widgets.facilitator.board.Board`: an action ``"pause"`` runs ``_do_pause``. A refused
action (a
:class:`~bacasable.store.StoreError`) is told in the learner's tile or in the panel; nothing
shows a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bacasable.common.slugs import slug
from bacasable.scenario.loader import Catalogue
from bacasable.store import Store, StoreError
from bacasable.workshop.form import validate_workshop_form
from bacasable.workshop.join_address import remember_host, validate_host
from bacasable.workshop.room import RoomWatcher
from widgets.common.base import Action, log

from .board import Board
from .console_panel import ConsolePanel, grouped

__all__ = ["ConsoleActions"]

MSG_PAUSED = "La salle est en pause : les apprenants voient « Pause — regardez l'écran »."
MSG_FORM = "Le formulaire contient des erreurs : corrigez les champs signalés."
MSG_NO_WORKSHOP = "Aucun atelier n'est ouvert dans la console."
MSG_UNKNOWN_LEARNER = "Cette personne n'est plus dans l'atelier."
MSG_UNKNOWN_SCREEN = "Choisissez un écran dans la liste."
MSG_EMPTY_MESSAGE = "Écrivez le message à envoyer."
MSG_ATTESTATIONS = "Les attestations sont prêtes : {name}. Ouvrez le fichier pour l'imprimer."
MSG_LESSONS_SKIPPED = ("Les leçons et les quiz sont passés pour tout le monde. "
                       "Cela compte à partir de l'écran suivant.")
MSG_LESSONS_PLAYED = "Les leçons et les quiz sont de nouveau montrés aux apprenants."


class ConsoleActions:
    """The console's actions, mixed into :class:`~widgets.facilitator.console.Console`.

    Each ``_do_<action>`` method carries out one action; it raises
    :class:`~bacasable.store.StoreError` to refuse it with a French message. The attributes
    and methods below are the console's: a workshop opened, left, and the board shown.
    """

    store: Store
    catalogue: Catalogue | None
    unlocked: bool
    panel: ConsolePanel | None
    board: Board | None
    watcher: RoomWatcher | None
    workshop_id: int | None
    _host: str | None

    if TYPE_CHECKING:  # given by the Console

        def open_workshop(self, workshop_id: int) -> None:
            """Drive a workshop (:meth:`Console.open_workshop`)."""

        def poll_once(self) -> bool:
            """Update the board if the room changed (:meth:`Console.poll_once`)."""

        def _leave(self) -> None: ...

        def _load_workshops(self) -> None: ...

        def _show(self, tiles: list[dict[str, Any]]) -> None: ...

        def _update_join(self) -> None: ...

    def handle(self, content: Action) -> None:
        """Carry out an action of the panel or the board; errors become French messages.

        Parameters
        ----------
        content : dict
            ``{"action": ..., ...}`` as the views send it.
        """
        if not self.unlocked or self.panel is None:
            return
        action = content.get("action")
        method = getattr(self, f"_do_{action}", None) if isinstance(action, str) else None
        if method is None:
            log.warning("console: unknown action %r", action)
            return
        try:
            method(content)
        except StoreError as error:
            self._tell(content, error.message, error=True)

    def _tell(self, content: Action, text: str, *, error: bool = False) -> None:
        """Answer an action: in the learner's tile for a tile action, else in the panel."""
        participant = content.get("participant")
        if self.board is not None and isinstance(participant, int) and not isinstance(
            participant, bool
        ):
            self.board.answer(participant, str(content.get("action")), text, error=error)
        elif self.panel is not None:
            self.panel.say(*(("", text) if error else (text, "")))

    def _require_workshop(self) -> int:
        if self.workshop_id is None:
            raise StoreError(MSG_NO_WORKSHOP)
        return self.workshop_id

    def _learner(self, value: Any) -> tuple[int, str] | None:
        """Return (id, pseudonym) of a learner of the room, None for "everyone"."""
        if value in (None, "", "all"):
            return None
        try:
            pid = int(value)
        except (TypeError, ValueError):
            raise StoreError(MSG_UNKNOWN_LEARNER) from None
        tiles = self.watcher.tiles if self.watcher is not None else []
        for tile in tiles:
            if tile["id"] == pid:
                return pid, tile["pseudonym"]
        raise StoreError(MSG_UNKNOWN_LEARNER)

    def _tile_learner(self, content: Action) -> tuple[int, str]:
        """Return (id, pseudonym) of the learner a tile action is about, in the open workshop."""
        self._require_workshop()
        learner = self._learner(content.get("participant"))
        if learner is None:
            raise StoreError(MSG_UNKNOWN_LEARNER)
        return learner

    def _do_start(self, content: Action) -> None:
        assert self.panel is not None
        known = list(self.catalogue.scenarios) if self.catalogue else []
        clean, errors = validate_workshop_form(content, known)
        self.panel.form_errors = errors
        if errors:
            self.panel.say(error=MSG_FORM)
            return
        workshop = self.store.create_workshop(**clean)
        self.open_workshop(workshop["id"])
        self.panel.say(f"L'atelier « {workshop['title']} » est ouvert. Code : "
                       f"{grouped(workshop['join_code'])}.")

    def _do_resume(self, content: Action) -> None:
        assert self.panel is not None
        try:
            wid = int(content.get("workshop"))
        except (TypeError, ValueError):
            raise StoreError("Choisissez un atelier dans la liste.") from None
        self.open_workshop(wid)
        self.panel.say(f"L'atelier « {self.panel.workshop['title']} » est repris.")

    def _do_refresh_list(self, _content: Action) -> None:
        self._load_workshops()

    def _do_host(self, content: Action) -> None:
        assert self.panel is not None
        self._host = validate_host(content.get("host"))
        remember_host(self.store, self._require_workshop(), self._host)
        self._update_join()
        self.panel.say(f"Le QR code donne maintenant l'adresse {self.panel.join['url']}")

    def _do_pause(self, _content: Action) -> None:
        assert self.panel is not None
        self.store.set_pause(self._require_workshop(), True)
        self.panel.workshop = {**self.panel.workshop, "paused": True}
        self.panel.say(MSG_PAUSED)

    def _do_unpause(self, _content: Action) -> None:
        assert self.panel is not None
        self.store.set_pause(self._require_workshop(), False)
        self.panel.workshop = {**self.panel.workshop, "paused": False}
        self.panel.say("La pause est finie : les apprenants reprennent leur exercice.")

    def _do_lessons(self, content: Action) -> None:
        """Skip the lessons and quizzes for the room (``skip`` true), or show them again."""
        assert self.panel is not None
        skip = content.get("skip") is True
        self.store.set_skip_lessons(self._require_workshop(), skip)
        self.panel.workshop = {**self.panel.workshop, "skip_lessons": skip}
        self.panel.say(MSG_LESSONS_SKIPPED if skip else MSG_LESSONS_PLAYED)

    def _do_goto(self, content: Action) -> None:
        assert self.panel is not None
        wid = self._require_workshop()
        screen = content.get("screen")
        choices = {s["id"]: s["label"] for s in self.panel.screens}
        if not isinstance(screen, str) or screen not in choices:
            raise StoreError(MSG_UNKNOWN_SCREEN)
        self.store.bring_to_screen(wid, screen)
        self.panel.say(f"Tout le monde est amené à l'écran « {choices[screen]} ».")

    def _do_message(self, content: Action) -> None:
        assert self.panel is not None
        wid = self._require_workshop()
        text = content.get("text")
        text = " ".join(text.split()) if isinstance(text, str) else ""
        if not text:
            raise StoreError(MSG_EMPTY_MESSAGE)
        learner = self._learner(content.get("to"))
        self.store.send_message(wid, text, learner[0] if learner else None)
        if learner is None:
            self.panel.workshop = {**self.panel.workshop, "message": text}
        self.panel.say(f"Message envoyé {self._to_whom(learner)}.")

    def _do_clear_message(self, _content: Action) -> None:
        assert self.panel is not None
        self.store.send_message(self._require_workshop(), "")
        self.panel.workshop = {**self.panel.workshop, "message": ""}
        self.panel.say("Le message affiché à tout le monde est effacé.")

    def _do_hint(self, content: Action) -> None:
        wid = self._require_workshop()
        learner = self._learner(content.get("participant", content.get("to")))
        self.store.reveal_hint(wid, learner[0] if learner else None)
        self._tell(content, f"Un indice est montré {self._to_whom(learner)}.")

    def _do_answer_hand(self, content: Action) -> None:
        learner = self._tile_learner(content)
        self.store.answer_hand(learner[0])
        self.poll_once()
        self._tell(content, f"Main baissée : allez voir {learner[1]}.")

    def _do_handover(self, content: Action) -> None:
        learner = self._tile_learner(content)
        allow = content.get("allow") is True
        if not self.store.answer_handover(learner[0], allow):
            self._tell(content, "Cette demande n'attend plus de réponse.")
            return
        self.poll_once()
        self._tell(content, f"{learner[1]} continue sur le nouvel appareil." if allow
                   else f"Demande refusée : {learner[1]} reste sur son appareil.")

    def _do_observe(self, content: Action) -> None:
        learner = self._tile_learner(content)
        note = content.get("note")
        observation = self.store.record_observation(
            learner[0], str(content.get("autonomy") or ""), note if isinstance(note, str) else ""
        )
        if self.watcher is not None and self.board is not None:
            self._show(self.watcher.observed(observation))
        self._tell(content, f"Observation enregistrée pour {learner[1]}.")

    def _do_attestation(self, content: Action) -> None:
        """Send the attestations of practice: everyone's, or one learner's under a typed name.

        The name typed for printing goes into the page only: never into the store, the file's
        name, the widgets' state or the log.
        """
        from bacasable.reports.attestation import AttestationError, attestation_page

        workshop_id = self._require_workshop()
        learner = self._learner(content.get("to"))
        name = content.get("name") if isinstance(content.get("name"), str) else None
        try:
            page = attestation_page(self.store, workshop_id, self.catalogue,
                                    participant_id=learner[0] if learner else None,
                                    name=(name or "").strip() or None)
        except AttestationError as error:
            self._tell({}, error.message, error=True)
            return
        suffix = f"-{slug(learner[1], limit=30)}" if learner else ""
        file_name = f"attestations-atelier-{workshop_id}{suffix}.html"
        self.panel.deliver(file_name, "text/html", page.encode("utf-8"))
        self._tell({}, MSG_ATTESTATIONS.format(name=file_name))

    def _do_close_ask(self, _content: Action) -> None:
        assert self.panel is not None
        self._require_workshop()
        self.panel.confirm_close = True

    def _do_close_cancel(self, _content: Action) -> None:
        assert self.panel is not None
        self.panel.confirm_close = False
        self.panel.say("L'atelier continue.")

    def _do_close_confirm(self, _content: Action) -> None:
        assert self.panel is not None
        wid = self._require_workshop()
        workshop = self.store.close_workshop(wid)
        self._leave()
        self.panel.closed = {"id": wid, "title": workshop["title"]}
        self.panel.say(
            f"L'atelier « {workshop['title']} » est terminé : personne ne peut plus le rejoindre."
        )

    def _do_leave(self, _content: Action) -> None:
        assert self.panel is not None
        title = self.panel.workshop.get("title", "")
        self._leave()
        self.panel.say(f"L'atelier « {title} » reste ouvert : vous pouvez le reprendre ici.")

    @staticmethod
    def _to_whom(learner: tuple[int, str] | None) -> str:
        return "à tout le monde" if learner is None else f"à {learner[1]}"
