"""Interviews and the decision on the time-skipping server, asserted through the outbox and status.

Issue 3: interviewers are nudged for missing notes, a hire below the top needs an override, an
offer can be declined without anyone hearing "no", and cancelling or withdrawing still leaves
nobody without an answer (and nobody answered twice).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from activities.notes import NotesArchive
from recruitment.models import (
    CallOutcome,
    Cancellation,
    CandidateBatch,
    CandidateStatus,
    HiringDecision,
    InterviewBooking,
    OfferAccepted,
    OfferDeclined,
    Stage,
    Withdrawal,
)
from tests import factories
from tests.workflows.conftest import Harness
from workflows.recruitment import RecruitmentWorkflow

RATIONALE = "Strongest in Python and system design, with concrete production examples."
OVERRIDE = "Anna cannot start before next year; Björn can start in March."
INTERVIEWED = ["anna-lindqvist", "bjorn-ek", "cecilia-oberg"]
EMAIL = {cid: email for cid, _, email in factories.APPLICANTS}
RECRUITER = "rita@example.com"
# Weights 5/3/2: Anna 38/10, Björn 32/10, Cecilia 25/10.
RANKING_LINE = "ranking: 1. anna-lindqvist 3.80, 2. bjorn-ek 3.20, 3. cecilia-oberg 2.50"


async def open_with_applicants(h: Harness, name: str = "backend") -> WorkflowHandle[Any, Any]:
    handle = await h.open_role(factories.role(h.role_id(name)))
    await handle.execute_update(
        RecruitmentWorkflow.add_candidates, CandidateBatch(candidates=factories.candidates())
    )
    return handle


async def interview(h: Harness, handle: WorkflowHandle[Any, Any], candidate_ids: list[str]) -> None:
    at = factories.later(await h.now())
    for cid in candidate_ids:
        await handle.execute_update(
            RecruitmentWorkflow.schedule_interview, factories.booking(cid, at)
        )
        await handle.execute_update(RecruitmentWorkflow.record_interview, factories.notes(cid))


def answers_about(h: Harness, candidate_id: str) -> list[dict[str, Any]]:
    """Every message that tells `candidate_id` no: to them, or to the recruiter about a call."""
    answering = {"rejection_letter", "call_task", "fallback_letter"}
    return [
        line
        for line in h.outbox_lines()
        if line["kind"] in answering and line["candidate_id"] == candidate_id
    ]


def to_candidate(h: Harness, candidate_id: str) -> list[dict[str, Any]]:
    return [line for line in h.outbox_lines() if line["to"] == EMAIL[candidate_id]]


def assert_keys_unique(h: Harness) -> None:
    keys = Counter(line["key"] for line in h.outbox_lines())
    assert [key for key, n in keys.items() if n > 1] == []


async def test_notes_reminder_goes_to_the_interviewers_a_day_after_an_interview_without_notes(
    harness: Harness,
) -> None:
    h = harness
    handle = await open_with_applicants(h)
    at = await h.now() + timedelta(hours=2)
    interviewers = ["ivan.interviewer@example.com", "ines.interviewer@example.com"]
    await handle.execute_update(
        RecruitmentWorkflow.schedule_interview,
        InterviewBooking(candidate_id="anna-lindqvist", at=at, interviewers=interviewers),
    )
    await handle.execute_update(
        RecruitmentWorkflow.schedule_interview, factories.booking("bjorn-ek", at)
    )
    kits = h.outbox("interview_kit")
    assert sorted(line["to"] for line in kits) == sorted([*interviewers, interviewers[0]])
    assert all("improvement potential" in line["body"].lower() for line in kits)

    # Björn's notes come in an hour after his interview; Anna's never do.
    await h.advance(at + timedelta(hours=1) - await h.now())
    await handle.execute_update(RecruitmentWorkflow.record_interview, factories.notes("bjorn-ek"))

    await h.advance(at + timedelta(hours=23) - await h.now())
    assert h.outbox("notes_reminder") == []

    await h.advance(timedelta(hours=2))
    reminders = await h.eventually(
        lambda: len(h.outbox("notes_reminder")) == 2 and h.outbox("notes_reminder"),
        what="a notes reminder to each of Anna's interviewers",
    )
    assert sorted(line["to"] for line in reminders) == sorted(interviewers)
    assert {line["candidate_id"] for line in reminders} == {"anna-lindqvist"}
    assert all("Anna Lindqvist" in line["body"] for line in reminders)
    status = await h.status(handle)
    sent = [e for e in status.timeline if e.kind == "notes_reminder_sent"]
    assert [e.candidate_id for e in sent] == ["anna-lindqvist"]
    assert at + timedelta(hours=24) <= sent[0].at < at + timedelta(hours=25)

    # One nudge only, and none about Björn, however long the notes stay missing.
    await h.advance(timedelta(days=3))
    assert len(h.outbox("notes_reminder")) == 2
    assert_keys_unique(h)
    await handle.terminate("test over")


async def test_hiring_the_runner_up_needs_an_override_and_the_refusal_shows_the_ranking(
    harness: Harness,
) -> None:
    h = harness
    handle = await open_with_applicants(h)
    await interview(h, handle, INTERVIEWED)

    with pytest.raises(WorkflowUpdateFailedError) as without:
        await handle.execute_update(
            RecruitmentWorkflow.decide, HiringDecision(candidate_id="bjorn-ek", rationale=RATIONALE)
        )
    refusal = str(without.value.cause)
    assert "bjorn-ek is ranked 2 (3.20), below anna-lindqvist (3.80)" in refusal
    assert "override_reason" in refusal
    assert refusal.splitlines()[-1] == RANKING_LINE

    with pytest.raises(WorkflowUpdateFailedError) as too_short:
        await handle.execute_update(
            RecruitmentWorkflow.decide,
            HiringDecision(candidate_id="bjorn-ek", rationale=RATIONALE, override_reason="sooner"),
        )
    assert "override_reason is too short" in str(too_short.value.cause)
    assert RANKING_LINE in str(too_short.value.cause)

    refused = await h.status(handle)
    assert refused.stage == Stage.INTERVIEWING and refused.offered_to is None
    assert not any(e.kind == "decided" for e in refused.timeline)

    decided = await handle.execute_update(
        RecruitmentWorkflow.decide,
        HiringDecision(candidate_id="bjorn-ek", rationale=RATIONALE, override_reason=OVERRIDE),
    )
    assert decided.hired_candidate_id == "bjorn-ek"
    assert [(e.rank, e.candidate_id) for e in decided.ranking] == [
        (1, "anna-lindqvist"),
        (2, "bjorn-ek"),
        (3, "cecilia-oberg"),
    ]
    status = await h.status(handle)
    assert status.stage == Stage.OFFER_OUT and status.offered_to == "bjorn-ek"
    # The override is part of the recruitment record, for when someone asks why.
    archived = NotesArchive(h.data_dir / "notes.db").export("bjorn-ek")["entries"]
    decisions = [entry["body"] for entry in archived if entry["kind"] == "decision"]
    assert [d["override_reason"] for d in decisions] == [OVERRIDE]
    # Nobody has been told anything yet.
    assert [line["kind"] for line in h.outbox_lines()] == ["interview_kit"] * 3
    await handle.terminate("test over")


async def test_a_declined_offer_goes_to_the_runner_up_and_nobody_is_answered_twice(
    harness: Harness,
) -> None:
    h = harness
    handle = await open_with_applicants(h)
    await interview(h, handle, INTERVIEWED)
    await handle.execute_update(
        RecruitmentWorkflow.decide,
        HiringDecision(candidate_id="anna-lindqvist", rationale=RATIONALE),
    )

    await handle.signal(
        RecruitmentWorkflow.offer_declined,
        OfferDeclined(candidate_id="anna-lindqvist", reason="accepted another offer"),
    )

    async def reopened() -> bool:
        return (await h.status(handle)).stage == Stage.INTERVIEWING

    await h.eventually(reopened, what="the decision to reopen")
    await h.advance(timedelta(days=2))
    assert [line["kind"] for line in h.outbox_lines()] == ["interview_kit"] * 3

    # Anna is out of the running, so Björn is now the top choice and needs no override.
    decided = await handle.execute_update(
        RecruitmentWorkflow.decide, HiringDecision(candidate_id="bjorn-ek", rationale=RATIONALE)
    )
    assert [(e.rank, e.candidate_id) for e in decided.ranking] == [
        (1, "bjorn-ek"),
        (2, "cecilia-oberg"),
    ]
    await handle.signal(RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id="bjorn-ek"))
    await h.eventually(
        lambda: len(h.outbox("rejection_letter")) == 2 and len(h.outbox("call_task")) == 1,
        what="two letters and one call task",
    )
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=True)
    )
    result = await h.until_closed(handle)

    assert (result.hired, result.letters_sent, result.calls_completed) == ("bjorn-ek", 2, 1)
    # Anna said no herself and Björn was hired: neither hears from us.
    assert answers_about(h, "anna-lindqvist") == [] and to_candidate(h, "anna-lindqvist") == []
    assert answers_about(h, "bjorn-ek") == [] and to_candidate(h, "bjorn-ek") == []
    # Everyone else gets exactly one answer of the right kind.
    cecilia = answers_about(h, "cecilia-oberg")
    assert [(line["kind"], line["to"]) for line in cecilia] == [("call_task", RECRUITER)]
    assert "Cecilia Öberg" in cecilia[0]["body"]
    for cid in ("david-nilsson", "elin-ahmadi"):
        answers = answers_about(h, cid)
        assert [(line["kind"], line["to"]) for line in answers] == [
            ("rejection_letter", EMAIL[cid])
        ]
        assert "has now been filled" in answers[0]["body"]
    statuses = {
        record.candidate_id: record.status for record in (await h.status(handle)).candidates
    }
    assert statuses == {
        "anna-lindqvist": CandidateStatus.DECLINED_OFFER,
        "bjorn-ek": CandidateStatus.HIRED,
        "cecilia-oberg": CandidateStatus.CALLED,
        "david-nilsson": CandidateStatus.LETTER_SENT,
        "elin-ahmadi": CandidateStatus.LETTER_SENT,
    }
    assert_keys_unique(h)


@pytest.mark.replay_every_task
async def test_cancel_answers_everyone_without_claiming_the_role_was_filled(
    harness: Harness,
) -> None:
    h = harness
    handle = await open_with_applicants(h)
    await interview(h, handle, INTERVIEWED)
    await handle.execute_update(
        RecruitmentWorkflow.decide,
        HiringDecision(candidate_id="anna-lindqvist", rationale=RATIONALE),
    )

    cancelled = await handle.execute_update(
        RecruitmentWorkflow.cancel, Cancellation(reason="budget withdrawn")
    )

    assert cancelled.stage == Stage.CALLING and cancelled.offered_to is None
    letters = await h.eventually(
        lambda: len(h.outbox("rejection_letter")) == 2 and h.outbox("rejection_letter"),
        what="letters to the two never interviewed",
    )
    assert sorted(line["to"] for line in letters) == [EMAIL["david-nilsson"], EMAIL["elin-ahmadi"]]
    for line in letters:
        assert "not to fill the role" in line["body"]
        assert "filled" not in line["body"].replace("not to fill", "")
    # Every interviewee is called, Anna too: her offer lapsed with the role.
    call_tasks = await h.eventually(
        lambda: len(h.outbox("call_task")) == 3 and h.outbox("call_task"), what="three call tasks"
    )
    assert sorted(line["candidate_id"] for line in call_tasks) == INTERVIEWED
    assert {line["to"] for line in call_tasks} == {RECRUITER}
    assert all("there is no hire to compare with" in line["body"] for line in call_tasks)

    # Cecilia cannot be reached; her personal letter must not claim the role was filled either.
    for _ in range(3):
        await handle.execute_update(
            RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=False)
        )
    fallback = await h.eventually(lambda: h.outbox("fallback_letter"), what="Cecilia's letter")
    assert [line["to"] for line in fallback] == [EMAIL["cecilia-oberg"]]
    assert "not to fill the role" in fallback[0]["body"]
    assert "filled" not in fallback[0]["body"].replace("not to fill", "")
    assert "person we hired" not in fallback[0]["body"]
    for cid in ("anna-lindqvist", "bjorn-ek"):
        await handle.execute_update(
            RecruitmentWorkflow.log_call, CallOutcome(candidate_id=cid, reached=True)
        )

    result = await h.until_closed(handle)
    assert result.cancelled and result.hired is None
    assert (result.letters_sent, result.calls_completed, result.fallback_letters_sent) == (2, 2, 1)
    kinds = {cid: [line["kind"] for line in answers_about(h, cid)] for cid in EMAIL}
    assert kinds == {
        "anna-lindqvist": ["call_task"],
        "bjorn-ek": ["call_task"],
        "cecilia-oberg": ["call_task", "fallback_letter"],
        "david-nilsson": ["rejection_letter"],
        "elin-ahmadi": ["rejection_letter"],
    }
    assert_keys_unique(h)


async def test_cancel_with_nobody_to_call_goes_straight_to_closed(harness: Harness) -> None:
    h = harness
    handle = await open_with_applicants(h)
    # Anna's interview is booked but never held: she is not owed a call, only a letter.
    await handle.execute_update(
        RecruitmentWorkflow.schedule_interview,
        factories.booking("anna-lindqvist", factories.later(await h.now())),
    )

    cancelled = await handle.execute_update(
        RecruitmentWorkflow.cancel, Cancellation(reason="the team was reorganised")
    )

    assert cancelled.stage == Stage.CLOSED
    result = await h.until_closed(handle)
    assert result.cancelled and result.letters_sent == 5
    letters = h.outbox("rejection_letter")
    assert sorted(line["to"] for line in letters) == sorted(EMAIL.values())
    assert all("not to fill the role" in line["body"] for line in letters)
    assert h.outbox("call_task") == []
    timeline = [e.kind for e in (await h.status(handle)).timeline]
    assert "call_task_created" not in timeline
    assert timeline[-1] == "closed"
    assert_keys_unique(h)


async def test_a_withdrawn_candidate_gets_nothing(harness: Harness) -> None:
    h = harness
    handle = await open_with_applicants(h)
    await interview(h, handle, INTERVIEWED)
    # Cecilia withdraws after her interview, Elin before hers was ever booked.
    for cid in ("cecilia-oberg", "elin-ahmadi"):
        await handle.execute_update(
            RecruitmentWorkflow.withdraw_candidate,
            Withdrawal(candidate_id=cid, reason="took another job"),
        )
    ranking = (await h.status(handle)).ranking
    assert [e.candidate_id for e in ranking] == ["anna-lindqvist", "bjorn-ek"]

    await handle.execute_update(
        RecruitmentWorkflow.decide,
        HiringDecision(candidate_id="anna-lindqvist", rationale=RATIONALE),
    )
    await handle.signal(
        RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id="anna-lindqvist")
    )
    await h.eventually(
        lambda: len(h.outbox("rejection_letter")) == 1 and len(h.outbox("call_task")) == 1,
        what="one letter and one call task",
    )
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="bjorn-ek", reached=True)
    )
    result = await h.until_closed(handle)

    assert (result.letters_sent, result.calls_completed) == (1, 1)
    for cid in ("cecilia-oberg", "elin-ahmadi"):
        assert answers_about(h, cid) == [] and to_candidate(h, cid) == []
    assert [line["candidate_id"] for line in h.outbox("rejection_letter")] == ["david-nilsson"]
    assert [line["candidate_id"] for line in h.outbox("call_task")] == ["bjorn-ek"]
    assert_keys_unique(h)
