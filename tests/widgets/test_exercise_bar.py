"""The exercise's sticky bar: the persona, the phone, the mailbox, and « Lever la main » in a
workshop, which follows the store both ways (no browser)."""

from __future__ import annotations

from widget_support import TODAY, send

from bacasable.scenario.loader import Catalogue
from bacasable.store import Store
from bacasable.workshop.session import LearnerSession
from widgets.learner.app import Atelier
from widgets.learner.hand import HandButton


def test_the_bar_holds_the_persona_the_phone_and_the_mailbox(player):
    assert player.bar.children == (player.persona_card, player.phone, player.mailbox)
    assert player.children == (player.reading, player.bar, player.screen)


def test_lever_la_main_is_in_the_bar_of_a_workshop_and_follows_the_store(
        tmp_path, w_scenario, w_persona, clock):
    catalogue = Catalogue(scenarios={w_scenario.id: w_scenario}, personas={w_persona.id: w_persona})
    with Store(f"sqlite:///{tmp_path / 'atelier.sqlite'}") as store:
        workshop = store.create_workshop("Atelier", "Médiathèque", "2026-11-26", [w_scenario.id])
        app = Atelier(catalogue, runner_options={"seed": 1, "today": TODAY, "clock": clock},
                      session=lambda: LearnerSession(store))
        # Alone: no hand in the bar.
        assert app.start(w_scenario.id, w_persona.id)
        assert not any(isinstance(w, HandButton) for w in app.player.bar.children)
        app.show_catalogue()
        send(app.link.view, {"action": "device", "device": "0f" * 16})
        send(app.link.view, {"action": "join", "code": workshop["join_code"],
                             "pseudonym": "Tournesol"})
        assert app.start(w_scenario.id, w_persona.id)
        hand = app.player.bar.children[-1]
        assert isinstance(hand, HandButton) and hand is app.link.hand and not hand.raised
        pid = app.link.session.participant_id
        send(hand, {"action": "hand", "raise": True})
        assert hand.raised and app.link.view.hand_raised
        assert store.participant(pid)["hand_raised"] is True
        # The facilitator comes: the bar's button is « Lever la main » again.
        store.answer_hand(pid)
        app.link.poll_once()
        assert not hand.raised
        # Another exercise: a new bar, a new hand; the old one is closed with its player.
        app.show_catalogue()
        assert hand.comm is None
        assert app.start(w_scenario.id, w_persona.id)
        assert app.link.hand is app.player.bar.children[-1] and app.link.hand is not hand
