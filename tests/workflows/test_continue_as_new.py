"""A large role hands its state to fresh runs and still answers everyone exactly once.

The role is opened with the lowest `history_event_limit` (100 events), so the ordinary story
crosses it several times: during interviews, and again while calls are owed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType

from recruitment.models import (
    CallOutcome,
    HiringDecision,
    OfferAccepted,
    RecruitmentRun,
    Stage,
)
from tests import factories
from tests.workflows.conftest import Harness
from workflows.recruitment import RecruitmentWorkflow

RATIONALE = "Strongest in Python and system design, with concrete production examples."


async def runs_of(h: Harness, workflow_id: str, first_run_id: str) -> list[str]:
    """The chain of run ids, following each continue-as-new."""
    chain = [first_run_id]
    while True:
        history = await h.client.get_workflow_handle(workflow_id, run_id=chain[-1]).fetch_history()
        last = history.events[-1]
        if last.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
            return chain
        chain.append(last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id)


@pytest.mark.replay_every_task
async def test_a_role_continues_as_new_and_still_answers_everyone_once(harness: Harness) -> None:
    h = harness
    role_id = h.role_id("large")
    opening = RecruitmentRun.model_validate(
        {**factories.role(role_id).model_dump(), "history_event_limit": 100}
    )
    handle = await h.open_role(opening)
    first_run = handle.first_execution_run_id or handle.run_id
    assert first_run
    for candidate in factories.candidates():
        await handle.execute_update(RecruitmentWorkflow.add_candidate, candidate)
    now = (await h.status(handle)).timeline[0].at
    for cid in ("anna-lindqvist", "bjorn-ek", "cecilia-oberg"):
        await handle.execute_update(
            RecruitmentWorkflow.schedule_interview, factories.booking(cid, factories.later(now))
        )
        # A first draft of the notes, then the final version: both are kept.
        draft = factories.notes(cid, {"Python": 2, "System design": 2, "Collaboration": 2})
        await handle.execute_update(RecruitmentWorkflow.record_interview, draft)
        await handle.execute_update(RecruitmentWorkflow.record_interview, factories.notes(cid))

    async def continued() -> bool:
        return len(await runs_of(h, handle.id, first_run)) > 1

    await h.eventually(continued, what="the role to continue as new during interviews")
    await handle.execute_update(
        RecruitmentWorkflow.decide,
        HiringDecision(candidate_id="anna-lindqvist", rationale=RATIONALE),
    )
    await handle.signal(
        RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id="anna-lindqvist")
    )
    await h.eventually(lambda: len(h.outbox("call_task")) == 2, what="the call tasks")
    for _ in range(2):
        await handle.execute_update(
            RecruitmentWorkflow.log_call, CallOutcome(candidate_id="bjorn-ek", reached=False)
        )
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="bjorn-ek", reached=True)
    )
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=True)
    )
    result = await h.until_closed(handle)

    chain = await runs_of(h, handle.id, first_run)
    assert len(chain) >= 3, f"expected several runs, got {len(chain)}"
    assert result.stage == Stage.CLOSED
    assert (result.letters_sent, result.calls_completed) == (2, 2)

    # Everyone answered exactly once, whichever run sent it.
    lines: list[dict[str, Any]] = h.outbox_lines()
    assert len({line["key"] for line in lines}) == len(lines)
    answers = Counter(
        (line["kind"], line["candidate_id"])
        for line in lines
        if line["kind"] in ("rejection_letter", "call_task", "fallback_letter")
    )
    assert answers == {
        ("rejection_letter", "david-nilsson"): 1,
        ("rejection_letter", "elin-ahmadi"): 1,
        ("call_task", "bjorn-ek"): 1,
        ("call_task", "cecilia-oberg"): 1,
    }
    # The state crossed every run whole: the last run still knows the first events.
    status = await h.status(handle)
    assert status.timeline[0].kind == "candidate_added"
    assert [c.candidate_id for c in status.candidates] == [c for c, _, _ in factories.APPLICANTS]
    assert status.candidates[1].call is not None and status.candidates[1].call.attempts == 2
