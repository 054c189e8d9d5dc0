"""The recruitment domain's vocabulary: what a role, a candidate, notes and a decision are.

Every model here is plain pydantic v2 and free of Temporal, so the same objects travel through
workflow inputs, updates, the CLI and the notes archive. Validation errors name the field, since
recruiters see them verbatim on the command line.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AliasChoices,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_ISO_DURATION = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(value: Any) -> timedelta:
    """Reads `21d`, `36h`, `20s`, `P21D`, a number of seconds, or a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, str):
        short = _DURATION.match(value)
        if short:
            return timedelta(seconds=int(short.group(1)) * _UNIT_SECONDS[short.group(2).lower()])
        iso = _ISO_DURATION.match(value.strip())
        if iso and any(iso.groupdict().values()):
            parts = {k: int(v or 0) for k, v in iso.groupdict().items()}
            return timedelta(
                weeks=parts["w"],
                days=parts["d"],
                hours=parts["h"],
                minutes=parts["m"],
                seconds=parts["s"],
            )
    raise ValueError(f"not a duration: {value!r} (use e.g. 21d, 36h, 20s or P21D)")


def format_duration(value: timedelta) -> str:
    """The shortest of `21d`, `36h`, `20s` that says the duration exactly."""
    seconds = int(value.total_seconds())
    for unit in ("d", "h", "m"):
        if seconds and seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
]


def _check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value):
        raise ValueError(f"not an email address: {value!r}")
    return value


Email = Annotated[str, AfterValidator(_check_email)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Score = Annotated[int, Field(ge=1, le=4)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    """Base for every domain model: unknown fields are refused, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


class Language(StrEnum):
    SV = "sv"
    EN = "en"


class Person(Model):
    name: NonEmpty
    email: Email


class Criterion(Model):
    name: NonEmpty
    weight: int = Field(default=3, ge=1, le=5)
    description: str = ""


class FollowUpPolicy(Model):
    """When calls fall due, how often the recruiter is reminded, and how long consent lasts."""

    call_due: int = Field(default=2, ge=0, le=30, description="business days after acceptance")
    reminder_every: int = Field(default=1, ge=1, le=30, description="business days")
    fallback_after: int = Field(default=5, ge=1, le=60, description="business days")
    fallback_attempts: int = Field(default=3, ge=1, le=20, description="unanswered attempts")
    reengage_after: Duration = timedelta(days=21)
    consent_valid_for: Duration = timedelta(days=365)
    letter_delay: Duration = timedelta(0)
    notes_reminder_after: Duration = timedelta(hours=24)
    letter_batch_size: int = Field(default=25, ge=1, le=500)

    @field_validator("reengage_after", "consent_valid_for")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be longer than zero")
        return value


class RoleOpening(Model):
    """One open role, as a hiring system or `recruit role open` describes it."""

    role_id: Slug = Field(validation_alias=AliasChoices("role_id", "id"))
    title: NonEmpty
    recruiter: Person
    criteria: list[Criterion] = Field(min_length=1)
    language: Language = Language.SV
    timezone: str = "Europe/Stockholm"
    policy: FollowUpPolicy = Field(default_factory=FollowUpPolicy)

    @field_validator("criteria")
    @classmethod
    def _unique_criteria(cls, criteria: list[Criterion]) -> list[Criterion]:
        seen: set[str] = set()
        for criterion in criteria:
            key = criterion.name.casefold()
            if key in seen:
                raise ValueError(f"criterion {criterion.name!r} is listed twice")
            seen.add(key)
        return criteria

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown timezone {value!r}") from err
        return value

    def criterion(self, name: str) -> Criterion | None:
        return next((c for c in self.criteria if c.name == name), None)


class Candidate(Model):
    candidate_id: Slug = Field(validation_alias=AliasChoices("candidate_id", "id"))
    name: NonEmpty
    email: Email
    phone: str | None = None


class CandidateBatch(Model):
    candidates: list[Candidate] = Field(min_length=1)


class InterviewBooking(Model):
    candidate_id: Slug
    at: AwareDatetime
    interviewers: list[Email] = Field(min_length=1)


class InterviewNotes(Model):
    """Structured notes from one interview. Improvement potential is never optional."""

    candidate_id: Slug
    interviewer: NonEmpty
    scores: dict[str, Score] = Field(min_length=1)
    strengths: list[NonEmpty] = Field(min_length=1)
    improvement_potential: list[NonEmpty] = Field(min_length=1)
    summary: str = ""


class HiringDecision(Model):
    candidate_id: Slug
    rationale: str
    override_reason: str | None = None


class OfferAccepted(Model):
    candidate_id: Slug
    start_date: date | None = None


class OfferDeclined(Model):
    candidate_id: Slug
    reason: str = ""


class Withdrawal(Model):
    candidate_id: Slug
    reason: str = Field(min_length=1)


class CallOutcome(Model):
    candidate_id: Slug
    reached: bool
    notes: str = ""
    consent_to_contact: bool = False
    open_to_other_roles: bool = False

    @model_validator(mode="after")
    def _consent_needs_a_call(self) -> CallOutcome:
        if not self.reached and (self.consent_to_contact or self.open_to_other_roles):
            raise ValueError(
                "consent can only be recorded on a call where the candidate was reached"
            )
        return self


class Cancellation(Model):
    reason: str = Field(min_length=1)


class Stage(StrEnum):
    INTERVIEWING = "interviewing"
    OFFER_OUT = "offer_out"
    CALLING = "calling"
    CLOSED = "closed"


class CandidateStatus(StrEnum):
    APPLIED = "applied"
    SCHEDULED = "scheduled"
    INTERVIEWED = "interviewed"
    OFFERED = "offered"
    HIRED = "hired"
    DECLINED_OFFER = "declined_offer"
    WITHDRAWN = "withdrawn"
    LETTER_SENT = "letter_sent"
    CALL_PENDING = "call_pending"
    CALLED = "called"
    FALLBACK_SENT = "fallback_sent"


# Statuses where the candidate has their answer, or gave one themselves.
ANSWERED = frozenset(
    {
        CandidateStatus.HIRED,
        CandidateStatus.DECLINED_OFFER,
        CandidateStatus.WITHDRAWN,
        CandidateStatus.LETTER_SENT,
        CandidateStatus.CALLED,
        CandidateStatus.FALLBACK_SENT,
    }
)


class RankingEntry(Model):
    rank: int
    candidate_id: str
    weighted_score: float
    scores: dict[str, int]


class CallTask(Model):
    """One rejection call the recruiter owes a candidate, tracked until it has happened."""

    candidate_id: str
    created_at: datetime
    due: datetime
    fallback_at: datetime
    attempts: int = 0
    reminders_sent: int = 0
    done: bool = False
    outcome: CallOutcome | None = None
    fallback_sent: bool = False


class CandidateRecord(Model):
    candidate: Candidate
    status: CandidateStatus = CandidateStatus.APPLIED
    booking: InterviewBooking | None = None
    notes: InterviewNotes | None = None
    notes_versions: int = 0
    notes_reminder_sent: bool = False
    call: CallTask | None = None
    reengagement_workflow_id: str | None = None

    @property
    def candidate_id(self) -> str:
        return self.candidate.candidate_id

    @property
    def interviewed(self) -> bool:
        return self.notes is not None


class TimelineEvent(Model):
    at: datetime
    kind: str
    candidate_id: str | None = None
    detail: str = ""


class RecruitmentState(Model):
    """Everything one role's workflow knows. Carried whole across continue-as-new."""

    role: RoleOpening
    stage: Stage = Stage.INTERVIEWING
    candidates: dict[str, CandidateRecord] = Field(default_factory=dict)
    decision: HiringDecision | None = None
    offered_to: str | None = None
    hired: str | None = None
    start_date: date | None = None
    cancellation: Cancellation | None = None
    closing_started: bool = False
    timeline: list[TimelineEvent] = Field(default_factory=list)
    ignored_signals: list[str] = Field(default_factory=list)


class RecruitmentRun(RoleOpening):
    """The run input: a RoleOpening, plus the state carried over by continue-as-new.

    `history_event_limit` is how long a run's event history may grow before the role hands its
    state to a fresh run; Temporal warns at 10,240 events."""

    carried_state: RecruitmentState | None = None
    history_event_limit: int = Field(default=10_000, ge=100, le=40_000)


class RecruitmentStatus(Model):
    role_id: str
    title: str
    stage: Stage
    role: RoleOpening  # the whole opening, so the CLI can build call briefs and merits summaries
    recruiter: Person
    candidates: list[CandidateRecord]
    ranking: list[RankingEntry]
    offered_to: str | None
    hired: str | None
    calls_pending: list[CallTask]
    calls_overdue: int = 0  # of calls_pending, those past their due time
    calls_done: int = 0  # calls held and logged as reached
    fallback_letters_sent: int = 0  # calls replaced by a personal letter
    timeline: list[TimelineEvent]
    ignored_signals: list[str]


class RecruitmentResult(Model):
    role_id: str
    stage: Stage
    hired: str | None
    letters_sent: int
    calls_completed: int
    fallback_letters_sent: int
    cancelled: bool


class DecisionResult(Model):
    hired_candidate_id: str
    ranking: list[RankingEntry]


class NotificationKind(StrEnum):
    REJECTION_LETTER = "rejection_letter"
    CALL_TASK = "call_task"
    CALL_REMINDER = "call_reminder"
    FALLBACK_LETTER = "fallback_letter"
    INTERVIEW_KIT = "interview_kit"
    NOTES_REMINDER = "notes_reminder"
    REENGAGEMENT_PROMPT = "reengagement_prompt"
    CALL_FALLBACK_NOTICE = "call_fallback_notice"
    DELIVERY_FAILED = "delivery_failed"


class Notification(Model):
    """One message to one person. `key` makes delivery idempotent and is the Message-ID."""

    key: str
    kind: NotificationKind
    to: Email
    subject: str
    body: str
    role_id: str | None = None
    candidate_id: str | None = None


class DeliveryReceipt(Model):
    key: str
    channel: str
    delivered: bool
    duplicate: bool = False
    detail: str = ""


ArchiveKind = Literal[
    "interview_notes", "decision", "call_brief", "call_outcome", "consent", "merits"
]

# What a discrimination claim would be defended with: the notes the decision rested on and the
# decision itself. These outlive an erasure request until the legal hold ends; the rest (briefs,
# call outcomes, consent events) can go at once.
LEGAL_HOLD_KINDS: frozenset[str] = frozenset({"interview_notes", "decision", "merits"})
DEFAULT_LEGAL_HOLD = timedelta(days=730)


class ArchiveEntry(Model):
    """One row in the notes archive: notes, a decision, a brief, a call outcome, a consent event."""

    key: str
    role_id: str
    candidate_id: str
    kind: ArchiveKind
    at: AwareDatetime
    body: dict[str, Any]


class ErasureRequest(Model):
    """Erase a candidate's data, for one role or all. `requested_at` defaults to the clock."""

    candidate_id: str
    role_id: str | None = None
    reason: str
    requested_at: AwareDatetime | None = None


class ErasureResult(Model):
    """Rows deleted now, and rows kept under the legal hold until `hold_until` (latest)."""

    candidate_id: str
    rows_erased: int
    rows_held: int = 0
    hold_until: datetime | None = None


class RetentionSweepRun(Model):
    """Input of the RetentionSweep workflow; empty for now, so a schedule can pass `{}`."""


class SweepRequest(Model):
    """Delete what is past its legal hold as of `now`."""

    now: AwareDatetime


class SweepResult(Model):
    swept_at: datetime
    rows_deleted: int
    rows_deleted_by_kind: dict[str, int] = Field(default_factory=dict)
    roles_cleared: int = 0
    erasure_requests_closed: int = 0
    rows_remaining: int = 0
    rows_held_after_erasure: int = 0


class OpenRoleQuery(Model):
    criteria: list[str]
    exclude_role_ids: list[str] = Field(default_factory=list)


class OpenRole(Model):
    role_id: str
    title: str
    criteria: list[Criterion]


class OpenRoles(Model):
    roles: list[OpenRole]


class RoleMatch(Model):
    role_id: str
    title: str
    overlap: list[str]
    weighted_overlap: float


class ReengagementRequest(Model):
    """What a consenting candidate's re-engagement check needs, copied from the role."""

    role_id: str
    role_title: str
    recruiter: Person
    candidate: Candidate
    language: Language = Language.SV
    timezone: str = "Europe/Stockholm"
    scores: dict[str, int]
    strong_criteria: list[str]
    brief: str
    consent_given_at: datetime
    reengage_after: Duration = timedelta(days=21)
    consent_valid_for: Duration = timedelta(days=365)
    prompted_role_ids: list[str] = Field(default_factory=list)
    checks_done: int = 0


class ReengagementStatus(Model):
    role_id: str
    candidate_id: str
    state: Literal["waiting", "matched", "consent_withdrawn", "consent_expired"]
    next_check_at: datetime | None
    consent_given_at: datetime
    consent_expires_at: datetime
    checks_done: int
    matches: list[RoleMatch]
    erased: bool


class ReengagementResult(Model):
    role_id: str
    candidate_id: str
    ended_because: Literal["consent_withdrawn", "consent_expired"]
    checks_done: int
    prompts_sent: int
    rows_erased: int


class ConsentWithdrawal(Model):
    reason: str = ""
