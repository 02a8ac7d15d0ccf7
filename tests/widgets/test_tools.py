"""The persona card, the simulated phone and mailbox."""

from __future__ import annotations

from widget_support import send

from widgets.learner.devices import MailboxView, PhoneView
from widgets.learner.persona import PersonaCard


def test_persona_card_shows_who_and_documents(w_persona):
    card = PersonaCard(w_persona)
    assert card.persona["first_name"] == "Karim" and card.persona["last_name"] == "Benali"
    assert isinstance(card.persona["age"], int) and card.persona["age"] >= 30
    assert card.persona["story"].startswith("Karim")
    labels = {d["label"]: d["value"] for d in card.persona["details"]}
    assert labels["Adresse e-mail"] == "karim.benali@exemple.fr"
    assert labels["Téléphone portable"] == "06 39 98 00 42"
    kinds = {d["kind"] for d in card.documents}
    assert {"id_card", "rib"} <= kinds
    assert all(d["specimen"] for d in card.documents)
    id_card = next(d for d in card.documents if d["kind"] == "id_card")
    assert id_card["lines"]["Prénom(s)"] == "Karim"
    assert id_card["lines"]["Date de naissance"] == "14/03/1992"


def test_persona_without_email(w_persona_no_mail):
    card = PersonaCard(w_persona_no_mail)
    labels = {d["label"]: d["value"] for d in card.persona["details"]}
    assert labels["Adresse e-mail"] == "Nadia n'a pas encore d'adresse e-mail."


def test_devices_count_new_messages_once():
    phone = PhoneView(owner="Karim", address="06 39 98 00 42")
    assert phone.kind == "phone" and phone.unread == 0
    one = {"id": "sms-1", "sender": "Service", "text": "Code : 123456", "time": "10:00"}
    assert phone.add_messages([one]) == 1
    assert phone.unread == 1
    assert phone.add_messages([one]) == 0
    assert phone.unread == 1
    two = {**one, "id": "sms-2"}
    phone.add_messages([one, two])
    assert phone.unread == 2 and len(phone.messages) == 2
    phone.clear()
    assert phone.messages == [] and phone.unread == 0


def test_view_marks_messages_read_through_the_synced_trait():
    mailbox = MailboxView(owner="Nadia", address="")
    assert mailbox.kind == "mailbox"
    mailbox.add_messages([{"id": "m1", "sender": "S", "subject": "Objet", "text": "T"}])
    # The browser sets unread to 0 when the panel opens (a synced trait change).
    mailbox.set_state({"unread": 0})
    assert mailbox.unread == 0


def test_player_devices_belong_to_the_persona(player, w_scenario, w_persona_no_mail):
    from widgets.learner.player import ScenarioPlayer

    assert player.phone.owner == "Karim" and player.phone.address == "06 39 98 00 42"
    assert player.mailbox.address == "karim.benali@exemple.fr"
    nadia = ScenarioPlayer(w_scenario, w_persona_no_mail)
    assert nadia.mailbox.owner == "Nadia" and nadia.mailbox.address == ""
    # Device widgets send no action the player must answer; an unknown one is harmless.
    send(nadia.phone, {"action": "noop"})
