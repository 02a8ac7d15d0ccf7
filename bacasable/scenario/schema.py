"""The pydantic models of scenarios, with the persona's: the one definition of the YAML formats."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from .base import (
    CHOICE_KINDS,
    GROUP_KINDS,
    ErrorKind,
    FieldKind,
    Identifier,
    RuleName,
    Text,
    _Model,
)
from .diagnostic_schema import Diagnostic, diagnostic_problem
from .lesson_schema import LESSON_ROLES, Answer, Picture, lesson_defaults, lesson_problem
from .persona_hints import PersonaHints, check_persona_hints
from .persona_schema import (
    DOCUMENT_LABELS,
    Address,
    Bank,
    Birth,
    Document,
    DocumentKind,
    Persona,
    Sex,
)

__all__ = [
    "CATEGORY_LABELS",
    "CHOICE_KINDS",
    "DOCUMENT_LABELS",
    "GROUP_KINDS",
    "LESSON_ROLES",
    "LEVEL_LABELS",
    "Address", "Answer", "Bank", "Birth", "Branch", "Category", "Condition",
    "Document",
    "DocumentKind",
    "ErrorKind",
    "EventKind",
    "Expected",
    "FieldKind",
    "FieldSpec",
    "Identifier",
    "Level",
    "Option",
    "Persona",
    "Picture",
    "Rule",
    "RuleName",
    "Scenario",
    "Screen",
    "ScreenEvent",
    "ScreenRole",
    "Sex",
    "Subtheme",
    "Text",
    "Walkthrough",
]


class Rule(_Model):
    """One validation rule from the fixed vocabulary, with its parameter."""

    #: The rule's name.
    rule: RuleName
    #: Its parameter: a length, a bound, a number of days, another field's id…
    value: int | float | str | None = None
    #: For ``password_policy``: minimum length and required character classes.
    min_length: int | None = None
    upper: bool = False
    lower: bool = False
    digit: bool = False
    special: bool = False


class Expected(_Model):
    """What the persona should answer: a path into the persona, a literal, or any valid answer."""

    #: A dotted path into the persona, e.g. ``birth.date``.
    persona: str | None = None
    #: A literal value (a string, a number, a list for checkboxes).
    value: Any = None
    #: Accept any valid answer (the default when ``expected`` is left out).
    any: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> Expected:
        sources = sum([self.persona is not None, self.value is not None, self.any])
        if sources != 1:
            raise ValueError("donnez exactement un de : persona, value, any")
        return self


class Option(_Model):
    """One choice of a radio group, select or checkbox list."""

    value: Identifier
    label: Text
    #: Optional help under the choice.
    help: str | None = None


class Walkthrough(_Model):
    """Facilitator texts for the projected walkthrough (used by the projector)."""

    #: The callout shown beside the highlighted field or screen.
    callout: str | None = None
    #: Notes for the facilitator only.
    notes: str | None = None
    #: The usual mistake, in plain words.
    common_error: str | None = None


class FieldSpec(_Model):
    """One field of a screen."""

    id: Identifier
    kind: FieldKind
    label: Text
    #: Help shown under the label, before typing (the expected format goes here).
    help: str | None = None
    required: bool = True
    #: The HTML ``autocomplete`` token for personal fields (``given-name``, ``email``…).
    autocomplete: str | None = None
    #: Rules from the fixed vocabulary, checked in order after the kind's own check.
    rules: list[Rule] = Field(default_factory=list)
    #: What this persona should answer (left out: any valid answer).
    expected: Expected | None = None
    #: Error messages as the real site shows them, by error kind.
    errors: dict[ErrorKind, Text] = Field(default_factory=dict)
    #: Graduated hints in plain French, from gentle to explicit.
    hints: list[Text] = Field(default_factory=list, max_length=4)
    #: A persona's own hints, shown instead of ``hints`` when it is played (``karim: [...]``).
    hints_by_persona: PersonaHints = Field(default_factory=dict)
    #: Choices for radio, select and checkboxes.
    options: list[Option] = Field(default_factory=list)
    #: For ``upload``: which kind of persona document is expected (``id_card``, ``rib``…).
    document: str | None = None
    #: For ``code``: the id of the screen event that sent the code.
    code_from: Identifier | None = None
    #: For ``consent``: the text of the statement to accept (the label is the short version).
    statement: str | None = None
    #: For ``amount``: the unit shown after the input.
    unit: str = "€"
    walkthrough: Walkthrough | None = None

    @model_validator(mode="after")
    def _kind_needs(self) -> FieldSpec:
        if self.kind in CHOICE_KINDS and len(self.options) < 2:
            raise ValueError(f"un champ « {self.kind} » a besoin d'au moins deux options")
        if self.kind not in CHOICE_KINDS and self.options:
            raise ValueError(f"un champ « {self.kind} » n'a pas d'options")
        if self.kind == "upload" and not self.document:
            raise ValueError("un champ « upload » dit quel document est attendu (document:)")
        if self.kind == "code" and not self.code_from:
            raise ValueError("un champ « code » dit quel envoi le fournit (code_from:)")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError("deux options ont la même valeur")
        return self


class Condition(_Model):
    """A test on an earlier answer, written ``screen_id.field_id``."""

    field: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]+\.[a-z0-9_-]+$")]
    equals: Any = None
    not_equals: Any = None
    #: True when the answer is one of these values (or, for checkboxes, contains one).
    any_of: list[Any] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = sum(x is not None for x in (self.equals, self.not_equals, self.any_of))
        if tests != 1:
            raise ValueError("une condition a exactement un test : equals, not_equals ou any_of")
        return self


class Branch(_Model):
    """Go to another screen when a condition holds (always, when ``when`` is left out)."""

    when: Condition | None = None
    goto: Identifier


EventKind = Literal["sms", "email", "timeout", "cookies", "receipt"]


class ScreenEvent(_Model):
    """Something that happens on entering a screen: a code sent, a warning, a banner, a receipt."""

    id: Identifier
    kind: EventKind
    #: For sms and email: who sends it, the subject (email) and the message; ``{code}`` is
    #: replaced by the code, ``{first_name}`` by the persona's first name.
    sender: str | None = None
    subject: str | None = None
    message: str | None = None
    #: For timeout: seconds before the warning appears.
    after_seconds: int | None = Field(default=None, ge=5, le=3600)
    #: For receipt: the file number pattern, ``#`` for a digit, ``@`` for a letter.
    number_pattern: str | None = None
    #: For receipt: also show the number as a QR code, to print or to photograph.
    qr: bool = False

    @model_validator(mode="after")
    def _kind_needs(self) -> ScreenEvent:
        if self.kind in ("sms", "email") and not self.message:
            raise ValueError(f"un envoi « {self.kind} » a besoin d'un message")
        if self.kind == "email" and not self.subject:
            raise ValueError("un e-mail a besoin d'un objet (subject:)")
        if self.kind == "timeout" and self.after_seconds is None:
            raise ValueError("un avertissement « timeout » dit après combien de secondes")
        return self


ScreenRole = Literal["form", "info", "review", "receipt", "lesson", "quiz"]


class Screen(_Model):
    """One screen of the procedure."""

    id: Identifier
    title: Text
    #: ``form`` asks, ``info`` explains, ``review`` shows all answers, ``receipt`` ends;
    #: ``lesson`` teaches in a few sentences, ``quiz`` asks one question (see below).
    role: ScreenRole = "form"
    #: Short text under the title.
    intro: str | None = None
    #: Paragraphs shown on info, receipt and lesson screens.
    body: list[Text] = Field(default_factory=list)
    #: For ``lesson``: an example, set apart (« 2 85 07 75 123 456 78 »).
    example: Text | None = None
    #: For ``lesson``: one of the persona's papers (``{document: vitale_card}``).
    picture: Picture | None = None
    #: For ``quiz``: the question, and its 2 to 4 answers (exactly one ``correct: true``).
    question: Text | None = None
    answers: list[Answer] = Field(default_factory=list)
    fields: list[FieldSpec] = Field(default_factory=list)
    events: list[ScreenEvent] = Field(default_factory=list)
    #: Branches tried in order before going to the next screen in the list.
    next: list[Branch] = Field(default_factory=list)
    #: The run ends after this screen (a branch that stops, like "vous n'avez rien à faire").
    end: bool = False
    #: Competences of the public framework this screen exercises (``4.1``, ``2.4``…).
    skills: list[Annotated[str, StringConstraints(pattern=r"^[1-5]\.[1-4]$")]] = Field(
        default_factory=list
    )
    #: Label of the continue button, as the real site writes it.
    continue_label: str = "Continuer"
    walkthrough: Walkthrough | None = None
    #: The site this screen belongs to, when not the scenario's (« FranceConnect (simulation) »).
    service: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _lesson_button(cls, data: Any) -> Any:
        return lesson_defaults(data)

    @model_validator(mode="after")
    def _unique_fields(self) -> Screen:
        ids = [f.id for f in self.fields]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"identifiant de champ en double : {', '.join(sorted(dup))}")
        eids = [e.id for e in self.events]
        if len(eids) != len(set(eids)):
            raise ValueError("deux événements de l'écran ont le même identifiant")
        problem = lesson_problem(self)
        if problem:
            raise ValueError(problem)
        return self


Category = Literal["emploi", "caf", "sante", "impots", "papiers", "email"]
#: The catalogue's groups, in the order a learner sees them, with their names.
CATEGORY_LABELS = {"emploi": "Emploi", "caf": "CAF", "sante": "Santé", "impots": "Impôts",
                   "papiers": "Papiers d'identité", "email": "E-mail"}

Level = Literal["debutant", "intermediaire", "avance"]
LEVEL_LABELS = {"debutant": "Débutant", "intermediaire": "Intermédiaire", "avance": "Avancé"}

#: Sub-themes of "Aide aux démarches administratives" in the public activity report, in its order.
Subtheme = Literal[
    "Papiers – Élections – Citoyenneté",
    "Famille – Scolarité",
    "Social – Santé",
    "Travail – Formation – Entreprise",
    "Logement",
    "Transports – Mobilité",
    "Argent – Impôts",
    "Justice",
    "Étrangers – Europe",
    "Loisirs – Sports – Culture",
    "Associations",
]


class FlowRef(_Model):
    """In a scenario's ``screens``: the screens of a shared flow, played at this place.

    The loader puts the flow's screens there (:func:`bacasable.scenario.loader.expand_flows`);
    a :class:`Scenario` in a catalogue holds screens only.
    """

    #: The id of a flow of ``scenarios/flows/`` (``franceconnect``…).
    flow: Identifier


class Flow(_Model):
    """A run of screens several scenarios share (logging in with FranceConnect…).

    Its screen ids are the same in every scenario that uses it: give them a prefix of the flow
    (``fc-…``) so that they never meet a scenario's own. A scenario uses a flow once.
    """

    id: Identifier
    title: Text
    #: What it is, in one or two sentences, for trainers.
    summary: Text
    #: The site its screens show in their header (a screen's own ``service`` wins); by default
    #: the scenario's.
    service: Text | None = None
    #: Where the copy is faithful and where it is made plausible, for trainers.
    notes: str | None = None
    screens: list[Screen] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_screens(self) -> Flow:
        ids = [s.id for s in self.screens]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"identifiant d'écran en double : {', '.join(sorted(dup))}")
        check_persona_hints(self.screens, None, "Flow")  # a flow's hints are everyone's
        return self


def _screens_or_flows(schema: dict[str, Any]) -> None:
    # In a file, a screen may also be a shared flow ({flow: id}): the JSON Schema says so.
    flow_ref = {"type": "object", "additionalProperties": False, "required": ["flow"],
                "properties": {"flow": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]{0,63}$",
                                        "description": "Un parcours partagé de scenarios/flows/."}}}
    schema["items"] = {"anyOf": [schema["items"], flow_ref]}


class Scenario(_Model):
    """A procedure: metadata and its screens in order."""

    id: Identifier
    title: Text
    #: The imitated service, written in text: "France Travail (simulation)".
    service: Text
    summary: Text
    duration_minutes: int = Field(ge=5, le=240)
    level: Level
    #: The catalogue's group the learner finds it in: emploi, caf, sante, impots, papiers, email
    #: (none: « Autres exercices », after the others).
    category: Category | None = None
    #: Competences of the public framework practised overall.
    skills: list[Annotated[str, StringConstraints(pattern=r"^[1-5]\.[1-4]$")]] = Field(
        default_factory=list
    )
    #: Themes of the activity report ("Aide aux démarches administratives"…).
    themes: list[str] = Field(default_factory=list)
    #: Sub-themes of "Aide aux démarches administratives" in the activity report.
    subthemes: list[Subtheme] = Field(default_factory=list)
    #: Ids of the personas that fit this scenario; the first is the default.
    personas: list[Identifier] = Field(min_length=1)
    #: Where the copy is faithful and where it is made plausible, for trainers.
    notes: str | None = None
    #: A placement test (« Par où commencer ? »): how its tasks place the learner, and the
    #: exercises to do next at each level (see :mod:`bacasable.scenario.diagnostic_schema`).
    diagnostic: Diagnostic | None = None
    #: In a file, a screen may be a shared flow (``- flow: franceconnect``): see :class:`Flow`.
    screens: list[Screen] = Field(min_length=1, json_schema_extra=_screens_or_flows)
    #: The shared flows whose screens the loader put in :attr:`screens`, in order.
    flows: list[Identifier] = Field(default_factory=list, json_schema_extra={"readOnly": True})

    @model_validator(mode="after")
    def _unique_screens(self) -> Scenario:
        ids = [s.id for s in self.screens]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"identifiant d'écran en double : {', '.join(sorted(dup))}")
        problem = diagnostic_problem(self)
        if problem:
            raise ValueError(problem)
        check_persona_hints(self.screens, self.personas, "Scenario")
        return self

    def screen(self, screen_id: str) -> Screen:
        """Return the screen with this id (KeyError if none)."""
        for s in self.screens:
            if s.id == screen_id:
                return s
        raise KeyError(screen_id)
