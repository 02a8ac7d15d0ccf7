"""The tables of the outcome store (SQLAlchemy Core): what a workshop leaves behind.

Only ids, kinds, counts and times are kept: no column can hold what a learner typed. The
learner is known by a pseudonym only. Every time is stored as naive UTC and read back as an
aware UTC :class:`~datetime.datetime` (:class:`UTCDateTime`).

The schema is created and changed by the Alembic migrations of :mod:`bacasable.store.migrations`;
a change here needs a new revision there (``tests/bacasable/test_store.py`` compares both).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.types import TypeDecorator

#: Names of constraints and indexes, so that migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _cascade(name: str, table: str, *, nullable: bool) -> Column:
    """Return a reference to a row of ``table``, deleted with it (as the RGPD deletion needs)."""
    return Column(name, Integer, ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=nullable)


def _closed(name: str, values: tuple[str, ...], enum_name: str, *, nullable: bool) -> Column:
    """Return a text column that holds one of ``values``, checked by the database too."""
    kind = Enum(*values, name=enum_name, native_enum=False, create_constraint=True)
    return Column(name, kind, nullable=nullable)


#: A SHA-256 in hexadecimal.
HASH_LENGTH = 64

#: How the facilitator rates a learner's autonomy on a task, from the most to the least autonomous.
AUTONOMY_LEVELS = ("seul", "indices", "aide_animateur", "fait_par_animateur")

#: What the facilitator can send to the room (or to one learner).
COMMAND_KINDS = ("hint", "message", "goto", "pause", "resume", "lessons")

#: Longest scenario, screen, field, persona id kept (ids come from the scenario files).
ID_LENGTH = 100
#: Longest pseudonym.
PSEUDONYM_LENGTH = 30
#: Longest facilitator message shown to the room.
MESSAGE_LENGTH = 280
#: Longest facilitator note on an observation.
NOTE_LENGTH = 500
#: Length of a workshop's join code.
JOIN_CODE_LENGTH = 6
#: Longest level a diagnostic advises ("debutant", "intermediaire", "avance").
PLACEMENT_LENGTH = 20


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back as an aware UTC datetime.

    SQLite has no time zones and PostgreSQL's ``timestamp`` keeps none: storing UTC
    everywhere makes both behave alike. A naive value given to the store is taken as UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: D102
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):  # noqa: D102
        if value is None:
            return None
        if value.tzinfo is not None:  # a zone kept by the database (``timestamptz``)
            return value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=dt.timezone.utc)


#: A workshop (atelier): one session run by a facilitator, that learners join with a code.
workshops = Table(
    "workshops",
    metadata,
    #: Unique id.
    Column("id", Integer, primary_key=True),
    #: The code learners type to join: 6 characters without 0/O/1/I/L (see ``JOIN_ALPHABET``).
    Column("join_code", String(JOIN_CODE_LENGTH), nullable=False, unique=True),
    #: Title shown to the facilitator and on the learners' welcome screen.
    Column("title", String(200), nullable=False),
    #: Where the workshop takes place (a library, a social centre…).
    Column("place", String(200), nullable=False, server_default=""),
    #: The day of the workshop.
    Column("date", Date, nullable=False),
    #: The scenarios proposed in this workshop, in order (JSON list of scenario ids).
    Column("scenario_ids", JSON, nullable=False),
    #: Themes of the workshop (JSON list of short labels: "emploi", "famille"…).
    Column("themes", JSON, nullable=False),
    #: Level of the group: "debutant", "intermediaire"…
    Column("level", String(40), nullable=False),
    #: Planned length of the workshop, in minutes.
    Column("duration_minutes", Integer, nullable=False),
    #: Equipment needed (JSON list: "ordinateur", "tablette", "telephone"…).
    Column("equipment", JSON, nullable=False),
    #: When the workshop was created.
    Column("created_at", UTCDateTime, nullable=False),
    #: When the facilitator closed it (no one can join any more); null while open.
    Column("closed_at", UTCDateTime, nullable=True),
    #: True while the facilitator has paused the room.
    Column("paused", Boolean, nullable=False, server_default=false()),
    #: The message shown to the whole room, if any (short text written by the facilitator).
    Column("message", String(MESSAGE_LENGTH), nullable=True),
    #: When the room message was sent.
    Column("message_at", UTCDateTime, nullable=True),
    #: The screen id the facilitator brought the room to, if any.
    Column("focus_screen", String(ID_LENGTH), nullable=True),
    #: When the room was brought to ``focus_screen``.
    Column("focus_at", UTCDateTime, nullable=True),
    #: True while the facilitator skips the lessons and quizzes of the scenarios for the room.
    Column("skip_lessons", Boolean, nullable=False, server_default=false()),
    #: How many learners the facilitator expects (the server warms as many kernels); null if unsaid.
    Column("expected_learners", Integer, nullable=True),
    #: The facilitator account it belongs to on a shared server (JupyterHub user); "" on a laptop.
    Column("owner", String(100), nullable=False, server_default=""),
    Index(None, "owner"),
    sqlite_autoincrement=True,
)

#: A learner, known by a pseudonym only (never a full name), in a workshop or on their own.
participants = Table(
    "participants",
    metadata,
    #: Unique id.
    Column("id", Integer, primary_key=True),
    #: The workshop joined; null for someone practising alone.
    _cascade("workshop_id", "workshops", nullable=True),
    #: The pseudonym chosen by the learner; unique within a workshop.
    Column("pseudonym", String(PSEUDONYM_LENGTH), nullable=False),
    #: When the learner first joined.
    Column("created_at", UTCDateTime, nullable=False),
    #: Last sign of life of the learner's page (heartbeat).
    Column("last_seen_at", UTCDateTime, nullable=False),
    #: When the learner last raised their hand; null if never.
    Column("hand_raised_at", UTCDateTime, nullable=True),
    #: When the facilitator answered the raised hand; null while waiting.
    Column("hand_answered_at", UTCDateTime, nullable=True),
    #: SHA-256 of the random token kept by the device that holds the run (never the token);
    #: null for someone practising alone or a browser that keeps nothing.
    Column("device_hash", String(HASH_LENGTH), nullable=True),
    #: SHA-256 of the token of another device asking for this learner's run.
    Column("handover_hash", String(HASH_LENGTH), nullable=True),
    #: That request: "asked" (waiting for the facilitator) or "refused"; null otherwise.
    Column("handover_state", String(10), nullable=True),
    #: When it was asked or refused.
    Column("handover_at", UTCDateTime, nullable=True),
    UniqueConstraint("workshop_id", "pseudonym"),
    Index(None, "workshop_id"),
    sqlite_autoincrement=True,
)

#: One run of one scenario by one learner, with the counters the room board shows.
attempts = Table(
    "attempts",
    metadata,
    #: Unique id.
    Column("id", Integer, primary_key=True),
    #: The learner.
    _cascade("participant_id", "participants", nullable=False),
    #: The scenario played.
    Column("scenario_id", String(ID_LENGTH), nullable=False),
    #: The fictitious persona whose papers the learner uses.
    Column("persona_id", String(ID_LENGTH), nullable=True),
    #: When the run started.
    Column("started_at", UTCDateTime, nullable=False),
    #: When the run reached its end; null while running or abandoned.
    Column("finished_at", UTCDateTime, nullable=True),
    #: When the learner gave up the run; null otherwise.
    Column("abandoned_at", UTCDateTime, nullable=True),
    #: The screen id the learner is on.
    Column("current_screen", String(ID_LENGTH), nullable=True),
    #: Number of that screen on the expected path (1 = the first).
    Column("screen_index", Integer, nullable=True),
    #: Number of screens on the expected path.
    Column("screen_count", Integer, nullable=True),
    #: Number of field errors so far.
    Column("errors", Integer, nullable=False, server_default=text("0")),
    #: Number of hints shown so far.
    Column("hints", Integer, nullable=False, server_default=text("0")),
    #: For a diagnostic (« Par où commencer ? »): the level advised at its end ("debutant",
    #: "intermediaire" or "avance", from its "placed" event); null for any other run.
    Column("placement", String(PLACEMENT_LENGTH), nullable=True),
    #: When the run was last written to (start or last events): the learner's last activity.
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "participant_id", "scenario_id"),
)

#: The typed events of a run (:class:`bacasable.run.events.RunEvent`). No column holds typed text.
events = Table(
    "events",
    metadata,
    #: Unique id, increasing in the order events were stored.
    Column("id", Integer, primary_key=True),
    #: The run.
    _cascade("attempt_id", "attempts", nullable=False),
    #: What happened: "started", "screen_entered", "field_error"…
    Column("type", String(40), nullable=False),
    #: The scenario.
    Column("scenario_id", String(ID_LENGTH), nullable=False),
    #: The screen, when the event happened on one.
    Column("screen_id", String(ID_LENGTH), nullable=True),
    #: The field, for field errors and hints.
    Column("field_id", String(ID_LENGTH), nullable=True),
    #: For "field_error": the kind of error ("format", "checksum"…), never the value.
    Column("error_kind", String(40), nullable=True),
    #: For "hint_shown": which hint (1 = the first).
    Column("hint_level", Integer, nullable=True),
    #: Seconds spent, for "screen_done" and "finished".
    Column("seconds", Float, nullable=True),
    #: For "quiz_answered": the id of the answer chosen (from the scenario, never typed text).
    Column("answer_id", String(ID_LENGTH), nullable=True),
    #: For "quiz_answered": whether that answer is the right one.
    Column("correct", Boolean, nullable=True),
    #: For "quiz_answered": whether it is the run's first answer to that quiz.
    Column("first_time", Boolean, nullable=True),
    #: For "placed": the level a diagnostic advises (also kept in ``attempts.placement``).
    Column("level", String(PLACEMENT_LENGTH), nullable=True),
    #: When it happened (the learner's clock).
    Column("at", UTCDateTime, nullable=False),
    Index(None, "attempt_id"),
)

#: What the facilitator saw: how autonomous a learner was, with a short note.
observations = Table(
    "observations",
    metadata,
    #: Unique id.
    Column("id", Integer, primary_key=True),
    #: The learner observed.
    _cascade("participant_id", "participants", nullable=False),
    #: The workshop (the learner's); null for someone practising alone.
    _cascade("workshop_id", "workshops", nullable=True),
    #: How much help was needed: one of ``AUTONOMY_LEVELS``.
    _closed("autonomy", AUTONOMY_LEVELS, "autonomy", nullable=False),
    #: The exercise the learner was doing when observed; null for the learner as a whole.
    Column("scenario_id", String(ID_LENGTH), nullable=True),
    #: A short note by the facilitator (at most ``NOTE_LENGTH`` characters).
    Column("note", String(NOTE_LENGTH), nullable=False, server_default=""),
    #: When it was written.
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "workshop_id"),
    Index(None, "participant_id"),
)

#: What the facilitator sent to the room, for the learners' kernels to poll.
commands = Table(
    "commands",
    metadata,
    #: Unique id, increasing: a learner's kernel asks for the commands after the last it saw.
    Column("id", Integer, primary_key=True),
    #: The workshop.
    _cascade("workshop_id", "workshops", nullable=False),
    #: The learner addressed; null for the whole room.
    _cascade("participant_id", "participants", nullable=True),
    #: What to do: one of ``COMMAND_KINDS``.
    _closed("kind", COMMAND_KINDS, "command_kind", nullable=False),
    #: Its parameters (JSON object: ``{"text": …}`` for a message, ``{"screen_id": …}`` for goto,
    #: ``{"skip": true}`` for lessons).
    Column("payload", JSON, nullable=False),
    #: When it was sent.
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "workshop_id", "id"),
    sqlite_autoincrement=True,
)

#: Settings of this installation (the facilitator PIN hash…), one value per key.
settings = Table(
    "settings",
    metadata,
    #: Name of the setting.
    Column("key", String(64), primary_key=True),
    #: Its value, as text.
    Column("value", Text, nullable=False),
)

#: Longest key wrong PINs are counted under ("local", "peer:ADDRESS", "remote").
CLIENT_LENGTH = 100

#: Wrong facilitator PINs, counted per client (a device, "local" for this laptop) and, under
#: the key "remote", for every other device together (see :mod:`bacasable.store.pins`).
pin_tries = Table(
    "pin_tries",
    metadata,
    #: Whose tries: "local" (this laptop), "peer:ADDRESS" (a device), "remote" (all devices).
    Column("client", String(CLIENT_LENGTH), primary_key=True),
    #: Wrong PINs counted: in a row for a client, in the current window for "remote".
    Column("failures", Integer, nullable=False, server_default=text("0")),
    #: When the first of those wrong PINs was typed (the start of the "remote" window).
    Column("first_failed_at", UTCDateTime, nullable=True),
    #: When the last wrong PIN was typed.
    Column("last_failed_at", UTCDateTime, nullable=True),
    #: Until when the PIN is not checked for this client; null when it never was suspended.
    Column("locked_until", UTCDateTime, nullable=True),
)
