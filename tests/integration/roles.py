"""Carry a role to a given point through the Temporal client, for tests that look at what ops see."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle

from recruitment import ops
from recruitment.models import (
    CallOutcome,
    CandidateBatch,
    HiringDecision,
    OfferAccepted,
    RecruitmentResult,
    RecruitmentStatus,
    Stage,
)
from tests import factories
from tests.integration.test_cli import eventually

RATIONALE = "Strongest in Python and system design, with concrete production examples."


def unique_recruiter() -> str:
    return f"rita-{uuid.uuid4().hex[:8]}@example.com"


async def open_role(
    client: Client, name: str, recruiter_email: str, **overrides: Any
) -> WorkflowHandle[Any, RecruitmentResult]:
    role_id = f"{name}-{uuid.uuid4().hex[:8]}"
    opening = factories.role(
        role_id,
        recruiter={"name": "Rita Recruiter", "email": recruiter_email},
        **overrides,
    )
    return await client.start_workflow(
        ops.RECRUITMENT_WORKFLOW,
        opening,
        id=ops.role_workflow_id(role_id),
        task_queue=ops.TASK_QUEUE,
        result_type=RecruitmentResult,
        static_summary=f"{opening.title} ({role_id})",
    )


async def status(handle: WorkflowHandle[Any, Any]) -> RecruitmentStatus:
    return await handle.query("status", result_type=RecruitmentStatus)


async def to_calling(handle: WorkflowHandle[Any, Any]) -> None:
    """Five applicants, three interviewed, the top one hired: two calls are owed."""
    await handle.execute_update(
        "add_candidates",
        CandidateBatch(candidates=factories.candidates()),
        result_type=RecruitmentStatus,
    )
    at = datetime.now(UTC) + timedelta(days=1)
    for candidate_id in ("anna-lindqvist", "bjorn-ek", "cecilia-oberg"):
        await handle.execute_update("schedule_interview", factories.booking(candidate_id, at))
        await handle.execute_update("record_interview", factories.notes(candidate_id))
    await handle.execute_update(
        "decide", HiringDecision(candidate_id="anna-lindqvist", rationale=RATIONALE)
    )
    await handle.signal("offer_accepted", OfferAccepted(candidate_id="anna-lindqvist"))

    async def calls_owed() -> bool:
        current = await status(handle)
        return current.stage == Stage.CALLING and len(current.calls_pending) == 2

    await eventually(calls_owed, "two calls to be owed")


async def log_consenting_call(handle: WorkflowHandle[Any, Any], candidate_id: str) -> None:
    await handle.execute_update(
        "log_call",
        CallOutcome(
            candidate_id=candidate_id,
            reached=True,
            notes="Took the feedback well.",
            consent_to_contact=True,
            open_to_other_roles=True,
        ),
    )
