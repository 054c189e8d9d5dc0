"""Builders for the seed's story: a backend role, five applicants, notes with improvement potential."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from recruitment.models import (
    Candidate,
    InterviewBooking,
    InterviewNotes,
    RoleOpening,
)

CRITERIA = [
    {"name": "Python", "weight": 5, "description": "Writes clear, tested Python"},
    {"name": "System design", "weight": 3, "description": "Designs services that survive failure"},
    {"name": "Collaboration", "weight": 2, "description": "Works well with a team"},
]

APPLICANTS = [
    ("anna-lindqvist", "Anna Lindqvist", "anna.lindqvist@example.com"),
    ("bjorn-ek", "Björn Ek", "bjorn.ek@example.com"),
    ("cecilia-oberg", "Cecilia Öberg", "cecilia.oberg@example.com"),
    ("david-nilsson", "David Nilsson", "david.nilsson@example.com"),
    ("elin-ahmadi", "Elin Ahmadi", "elin.ahmadi@example.com"),
]

# Anna is clearly the strongest, Björn second, Cecilia third; David and Elin are not interviewed.
SCORES = {
    "anna-lindqvist": {"Python": 4, "System design": 4, "Collaboration": 3},
    "bjorn-ek": {"Python": 3, "System design": 3, "Collaboration": 4},
    "cecilia-oberg": {"Python": 2, "System design": 3, "Collaboration": 3},
}


def role(role_id: str, **overrides: Any) -> RoleOpening:
    data: dict[str, Any] = {
        "role_id": role_id,
        "title": "Backend developer",
        "recruiter": {"name": "Rita Recruiter", "email": "rita@example.com"},
        "criteria": CRITERIA,
        "language": "en",
        "timezone": "Europe/Stockholm",
    }
    data.update(overrides)
    return RoleOpening.model_validate(data)


def candidates() -> list[Candidate]:
    return [Candidate(candidate_id=cid, name=name, email=email) for cid, name, email in APPLICANTS]


def booking(candidate_id: str, at: datetime) -> InterviewBooking:
    return InterviewBooking(
        candidate_id=candidate_id, at=at, interviewers=["ivan.interviewer@example.com"]
    )


def notes(candidate_id: str, scores: dict[str, int] | None = None) -> InterviewNotes:
    return InterviewNotes(
        candidate_id=candidate_id,
        interviewer="ivan.interviewer@example.com",
        scores=scores or SCORES[candidate_id],
        strengths=["Explains trade-offs clearly", "Strong testing habits"],
        improvement_potential=["More experience running services in production"],
        summary="Solid interview with concrete examples.",
    )


def later(now: datetime, hours: float = 26) -> datetime:
    return now + timedelta(hours=hours)
