"""Small builders for domain objects, so each test says only what matters to it."""

from __future__ import annotations

from typing import Any

from recruitment.models import Candidate, Criterion, InterviewNotes, Person, RoleOpening

HIRE_ID = "anna-svensson"
HIRE_NAME = "Anna Svensson"


def make_role(
    language: str = "en", criteria: list[Criterion] | None = None, **extra: Any
) -> RoleOpening:
    return RoleOpening(
        role_id="backend-dev",
        title="Backend developer",
        recruiter=Person(name="Karin Lund", email="karin.lund@example.com"),
        criteria=criteria
        or [
            Criterion(name="Python", weight=5, description="Writes clear, tested Python"),
            Criterion(name="System design", weight=3, description="Designs services that scale"),
            Criterion(name="Communication", weight=2, description="Explains decisions plainly"),
        ],
        language=language,
        **extra,
    )


def make_candidate(
    candidate_id: str = "bo-ek", name: str = "Bo Ek", phone: str | None = "070-123 45 67"
) -> Candidate:
    return Candidate(
        candidate_id=candidate_id,
        name=name,
        email=f"{candidate_id}@example.com",
        phone=phone,
    )


def make_notes(
    candidate_id: str,
    scores: dict[str, int],
    strengths: list[str] | None = None,
    improvement: list[str] | None = None,
    summary: str = "",
) -> InterviewNotes:
    return InterviewNotes(
        candidate_id=candidate_id,
        interviewer="per.holm@example.com",
        scores=scores,
        strengths=strengths or ["Writes readable code"],
        improvement_potential=improvement or ["Has not run a service in production"],
        summary=summary,
    )


def hire_notes() -> InterviewNotes:
    return make_notes(
        HIRE_ID,
        {"Python": 4, "System design": 4, "Communication": 3},
        strengths=["Deep Python knowledge", "Designed a payments platform end to end"],
        improvement=["Could delegate more"],
    )


def runner_up_notes() -> InterviewNotes:
    return make_notes(
        "bo-ek",
        {"Python": 3, "System design": 2, "Communication": 4},
        strengths=["Explains trade-offs clearly", "Good testing habits", "Calm under pressure"],
        improvement=["Has not designed a service end to end"],
        summary="Solid developer, strong communicator",
    )
