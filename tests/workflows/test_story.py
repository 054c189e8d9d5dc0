"""The seed's whole story on the time-skipping server, asserted through the outbox and status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from activities.notes import NotesArchive
from recruitment import ops
from recruitment.models import (
    CallOutcome,
    CandidateBatch,
    ConsentWithdrawal,
    HiringDecision,
    OfferAccepted,
    ReengagementStatus,
    Stage,
)
from tests import factories
from tests.workflows.conftest import Harness
from workflows.recruitment import RecruitmentWorkflow
from workflows.reengagement import ReengagementWorkflow

INTERVIEWED = ["anna-lindqvist", "bjorn-ek", "cecilia-oberg"]
NOT_INTERVIEWED = ["david-nilsson", "elin-ahmadi"]
RATIONALE = "Strongest in Python and system design, with concrete production examples."


async def interview_and_offer(h: Harness, role_id: str) -> WorkflowHandle[Any, Any]:
    """Open the role, add five applicants, interview three, decide for the top and offer."""
    handle = await h.open_role(factories.role(role_id))
    await handle.execute_update(
        RecruitmentWorkflow.add_candidates, CandidateBatch(candidates=factories.candidates())
    )
    now = (await h.status(handle)).timeline[0].at
    for cid in INTERVIEWED:
        await handle.execute_update(
            RecruitmentWorkflow.schedule_interview, factories.booking(cid, factories.later(now))
        )
        await handle.execute_update(RecruitmentWorkflow.record_interview, factories.notes(cid))
    result = await handle.execute_update(
        RecruitmentWorkflow.decide,
        HiringDecision(candidate_id="anna-lindqvist", rationale=RATIONALE),
    )
    assert [entry.candidate_id for entry in result.ranking] == INTERVIEWED
    return handle


def rejections_to(h: Harness, candidate_ids: list[str]) -> list[dict[str, Any]]:
    rejecting = {"rejection_letter", "call_task", "fallback_letter"}
    return [
        line
        for line in h.outbox_lines()
        if line["kind"] in rejecting and line["candidate_id"] in candidate_ids
    ]


@pytest.mark.own_time_server
@pytest.mark.replay_every_task
async def test_whole_story_nobody_hears_no_before_acceptance(harness: Harness) -> None:
    h = harness
    role_id = h.role_id("backend")
    handle = await interview_and_offer(h, role_id)

    # The offer is out, and a week passes while the candidate thinks about it.
    await h.advance(timedelta(days=7))
    status = await h.status(handle)
    assert status.stage == Stage.OFFER_OUT
    assert rejections_to(h, INTERVIEWED[1:] + NOT_INTERVIEWED) == []
    assert len(h.outbox("interview_kit")) == 3

    await handle.signal(
        RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id="anna-lindqvist")
    )
    await h.eventually(
        lambda: len(h.outbox("rejection_letter")) == 2 and len(h.outbox("call_task")) == 2,
        what="two letters and two call tasks",
    )
    letters = h.outbox("rejection_letter")
    assert sorted(line["to"] for line in letters) == [
        "david.nilsson@example.com",
        "elin.ahmadi@example.com",
    ]
    assert "David Nilsson" in next(
        line["body"] for line in letters if line["candidate_id"] == "david-nilsson"
    )
    call_tasks = h.outbox("call_task")
    assert {line["candidate_id"] for line in call_tasks} == {"bjorn-ek", "cecilia-oberg"}
    assert all(line["to"] == "rita@example.com" for line in call_tasks)
    assert "Björn Ek" in next(
        line["body"] for line in call_tasks if line["candidate_id"] == "bjorn-ek"
    )
    assert (await h.status(handle)).stage == Stage.CALLING

    await handle.execute_update(
        RecruitmentWorkflow.log_call,
        CallOutcome(
            candidate_id="bjorn-ek",
            reached=True,
            notes="Took the feedback well.",
            consent_to_contact=True,
            open_to_other_roles=True,
        ),
    )
    await handle.execute_update(
        RecruitmentWorkflow.log_call,
        CallOutcome(candidate_id="cecilia-oberg", reached=True, notes="Thanked us."),
    )
    result = await h.until_closed(handle)
    assert result.stage == Stage.CLOSED
    assert result.letters_sent == 2 and result.calls_completed == 2
    assert result.hired == "anna-lindqvist"

    # The role is closed; the re-engagement check outlives it. A new role opens meanwhile.
    reengage = h.client.get_workflow_handle(ops.reengagement_workflow_id(role_id, "bjorn-ek"))
    second = await h.open_role(
        factories.role(
            h.role_id("platform"),
            title="Platform engineer",
            criteria=[
                {"name": "System design", "weight": 4},
                {"name": "Kubernetes", "weight": 2},
            ],
        )
    )
    waiting: ReengagementStatus = await reengage.query(ReengagementWorkflow.status)
    assert waiting.next_check_at is not None
    assert waiting.next_check_at - waiting.consent_given_at == timedelta(days=21)
    # An hour before the three weeks are up: nothing yet.
    await h.advance(waiting.next_check_at - await h.now() - timedelta(hours=1))
    assert h.outbox("reengagement_prompt") == []
    waiting = await reengage.query(ReengagementWorkflow.status)
    assert waiting.state == "waiting" and waiting.checks_done == 0

    await h.advance(timedelta(hours=2))
    prompts = await h.eventually(lambda: h.outbox("reengagement_prompt"), what="the prompt")
    assert len(prompts) == 1
    assert prompts[0]["to"] == "rita@example.com"
    assert "Björn Ek" in prompts[0]["body"]
    assert h.role_id("platform") in prompts[0]["body"]
    matched: ReengagementStatus = await reengage.query(ReengagementWorkflow.status)
    assert matched.state == "matched"
    assert [m.role_id for m in matched.matches] == [h.role_id("platform")]
    await second.terminate("test over")
    await reengage.terminate("test over")


@pytest.mark.own_time_server
async def test_consent_withdrawn_before_the_check_means_no_prompt(harness: Harness) -> None:
    h = harness
    role_id = h.role_id("backend")
    handle = await interview_and_offer(h, role_id)
    await h.open_role(
        factories.role(h.role_id("platform"), criteria=[{"name": "Python", "weight": 3}])
    )
    await handle.signal(
        RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id="anna-lindqvist")
    )
    await h.eventually(lambda: len(h.outbox("call_task")) == 2, what="call tasks")
    await handle.execute_update(
        RecruitmentWorkflow.log_call,
        CallOutcome(
            candidate_id="bjorn-ek", reached=True, consent_to_contact=True, open_to_other_roles=True
        ),
    )
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=True)
    )
    await h.until_closed(handle)
    archive = NotesArchive(h.data_dir / "notes.db")
    assert archive.export("bjorn-ek")["entries"], "the notes archive holds Björn's record"

    bjorn = h.client.get_workflow_handle_for(
        ReengagementWorkflow.run, ops.reengagement_workflow_id(role_id, "bjorn-ek")
    )
    await h.advance(timedelta(days=10))
    await bjorn.signal(ReengagementWorkflow.withdraw_consent, ConsentWithdrawal(reason="new job"))
    ended = await h.result(bjorn)
    assert ended.ended_because == "consent_withdrawn"
    assert ended.prompts_sent == 0
    assert ended.rows_erased > 0
    final: ReengagementStatus = await bjorn.query(ReengagementWorkflow.status)
    assert final.state == "consent_withdrawn" and final.erased
    # The check is over, so nothing can reach the recruiter about Björn any more.
    assert h.outbox("reengagement_prompt") == []
    # The call outcome, brief and consent are gone; the interview notes stay under the legal hold.
    held = archive.export("bjorn-ek")["entries"]
    assert [entry["kind"] for entry in held] == ["interview_notes"]
    assert held[0]["hold_until"] is not None


async def test_bad_input_is_refused_and_never_fails_a_workflow_task(harness: Harness) -> None:
    h = harness
    handle = await h.open_role(factories.role(h.role_id("backend")))
    await handle.execute_update(
        RecruitmentWorkflow.add_candidates, CandidateBatch(candidates=factories.candidates())
    )
    now = (await h.status(handle)).timeline[0].at
    await handle.execute_update(
        RecruitmentWorkflow.schedule_interview,
        factories.booking("anna-lindqvist", factories.later(now)),
    )
    await handle.execute_update(
        RecruitmentWorkflow.record_interview, factories.notes("anna-lindqvist")
    )
    before = await h.status(handle)

    # Notes without improvement potential, sent raw as a script might.
    raw_notes = factories.notes("bjorn-ek").model_dump(mode="json")
    raw_notes["improvement_potential"] = []
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("record_interview", raw_notes)
    # A missing criterion.
    partial = factories.notes("bjorn-ek", {"Python": 3, "System design": 3, "Collaboration": 3})
    partial.scores.pop("Collaboration")
    with pytest.raises(WorkflowUpdateFailedError) as missing:
        await handle.execute_update(RecruitmentWorkflow.record_interview, partial)
    assert "Collaboration" in str(missing.value.cause)
    # A decision for someone never interviewed.
    with pytest.raises(WorkflowUpdateFailedError) as never:
        await handle.execute_update(
            RecruitmentWorkflow.decide,
            HiringDecision(candidate_id="elin-ahmadi", rationale=RATIONALE),
        )
    assert "elin-ahmadi" in str(never.value.cause)
    # A vague rationale.
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            RecruitmentWorkflow.decide,
            HiringDecision(candidate_id="anna-lindqvist", rationale="cultural fit"),
        )
    # An acceptance for the wrong candidate, before any offer, and a malformed signal.
    await handle.signal(RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id="bjorn-ek"))
    await handle.signal("offer_accepted", {"candidate": 42})

    after = await h.status(handle)
    assert after.stage == Stage.INTERVIEWING
    assert [c.status for c in after.candidates] == [c.status for c in before.candidates]
    assert after.ignored_signals and "bjorn-ek" in after.ignored_signals[0]
    history = await handle.fetch_history()
    failed = [
        e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert failed == []
    await handle.terminate("test over")
