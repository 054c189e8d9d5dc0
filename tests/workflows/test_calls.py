"""Rejection calls and the re-engagement check on the time-skipping server.

Issue 4: every interviewee who was not hired gets a call (or, failing that, a personal letter) on
business days in the role's time zone, and a candidate who consents is matched to roles that open
later. Each test moves the server's clock itself and asserts what landed in the outbox by then;
the outbox's `sent_at` is wall-clock time, so the "when" is read from the workflows' timelines.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle

from activities.notes import NotesArchive
from recruitment import ops
from recruitment.models import (
    LEGAL_HOLD_KINDS,
    CallOutcome,
    Cancellation,
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

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY, FRIDAY, SATURDAY = 0, 4, 5
RATIONALE = "Strongest in Python and system design, with concrete production examples."
RECRUITER = "rita@example.com"
EMAIL = {cid: email for cid, _, email in factories.APPLICANTS}
CALLED = ["bjorn-ek", "cecilia-oberg"]  # interviewed, not hired
IMPROVEMENT = "More experience running services in production"


def local(moment: datetime) -> datetime:
    return moment.astimezone(STOCKHOLM)


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), STOCKHOLM)


def due_text(moment: datetime) -> str:
    """How the letters write a local time: "Tue 1 Dec 17:00"."""
    moment = local(moment)
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


async def advance_to(h: Harness, moment: datetime) -> None:
    await h.advance(moment - await h.now())


async def next_local_day(h: Harness, weekday: int) -> date:
    """The first `weekday` after today, in Stockholm, on the test server's clock."""
    day = local(await h.now()).date() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


async def offer_out(
    h: Harness, name: str = "backend", **overrides: Any
) -> WorkflowHandle[Any, Any]:
    """Five applicants, Anna, Björn and Cecilia interviewed, the offer out to Anna."""
    handle = await h.open_role(factories.role(h.role_id(name), **overrides))
    await handle.execute_update(
        RecruitmentWorkflow.add_candidates, CandidateBatch(candidates=factories.candidates())
    )
    at = factories.later(await h.now())
    for cid in ["anna-lindqvist", *CALLED]:
        await handle.execute_update(
            RecruitmentWorkflow.schedule_interview, factories.booking(cid, at)
        )
        await handle.execute_update(RecruitmentWorkflow.record_interview, factories.notes(cid))
    await handle.execute_update(
        RecruitmentWorkflow.decide,
        HiringDecision(candidate_id="anna-lindqvist", rationale=RATIONALE),
    )
    return handle


async def accept(h: Harness, handle: WorkflowHandle[Any, Any]) -> list[dict[str, Any]]:
    """Anna accepts; returns the two call tasks the recruiter gets."""
    await handle.signal(
        RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id="anna-lindqvist")
    )
    tasks: list[dict[str, Any]] = await h.eventually(
        lambda: len(h.outbox("call_task")) == 2 and h.outbox("call_task"), what="two call tasks"
    )
    return tasks


async def consenting_call(handle: WorkflowHandle[Any, Any], candidate_id: str) -> None:
    await handle.execute_update(
        RecruitmentWorkflow.log_call,
        CallOutcome(
            candidate_id=candidate_id,
            reached=True,
            notes="Took the feedback well.",
            consent_to_contact=True,
            open_to_other_roles=True,
        ),
    )


async def reminder_days(h: Harness, handle: WorkflowHandle[Any, Any]) -> list[int]:
    """The local weekday of every call reminder sent so far, from the role's timeline."""
    timeline = (await h.status(handle)).timeline
    return [local(e.at).weekday() for e in timeline if e.kind == "call_reminder_sent"]


def assert_erased(archive: NotesArchive, candidate_id: str) -> list[dict[str, Any]]:
    """Nothing is left about the candidate but what the legal hold keeps, each row marked for
    deletion when the hold ends. Returns what is left."""
    remaining: list[dict[str, Any]] = archive.export(candidate_id)["entries"]
    assert {entry["kind"] for entry in remaining} <= LEGAL_HOLD_KINDS, remaining
    assert all(entry.get("hold_until") for entry in remaining), remaining
    return remaining


async def current_details(handle: WorkflowHandle[Any, Any]) -> str:
    """The markdown panel ops see in the Temporal UI."""
    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    return metadata.current_details


async def test_an_offer_accepted_on_a_friday_gives_calls_due_tuesday_and_reminders_on_weekdays(
    harness: Harness,
) -> None:
    h = harness
    handle = await offer_out(h)
    friday = await next_local_day(h, FRIDAY)
    await advance_to(h, at_local(friday, 8))

    call_tasks = await accept(h, handle)

    tuesday = at_local(friday + timedelta(days=4), 17)
    assert f"{tuesday:%a}" == "Tue"
    for task in call_tasks:
        assert task["to"] == RECRUITER
        assert f"by {due_text(tuesday)}" in task["subject"]
        assert f"Please call by {due_text(tuesday)}" in task["body"]
    status = await h.status(handle)
    assert [local(call.due) for call in status.calls_pending] == [tuesday, tuesday]
    assert f"{local(status.calls_pending[0].due):%A}" == "Tuesday"
    assert status.calls_overdue == 0

    # The weekend passes without a reminder; Monday morning brings one per call.
    saturday = friday + timedelta(days=1)
    await advance_to(h, at_local(saturday, 12))
    assert h.outbox("call_reminder") == []
    await advance_to(h, at_local(saturday + timedelta(days=1), 23))
    assert h.outbox("call_reminder") == []
    await advance_to(h, at_local(saturday + timedelta(days=2), 10))
    reminders = await h.eventually(
        lambda: len(h.outbox("call_reminder")) == 2 and h.outbox("call_reminder"),
        what="Monday's reminders",
    )
    assert {line["to"] for line in reminders} == {RECRUITER}
    assert sorted(line["candidate_id"] for line in reminders) == CALLED
    assert await reminder_days(h, handle) == [MONDAY, MONDAY]

    # Wednesday morning: one more each on Tuesday and Wednesday, and both calls are overdue.
    await advance_to(h, at_local(saturday + timedelta(days=4), 10))
    await h.eventually(lambda: len(h.outbox("call_reminder")) == 6, what="six reminders")
    assert sorted(await reminder_days(h, handle)) == [0, 0, 1, 1, 2, 2]
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="bjorn-ek", reached=True)
    )
    status = await h.status(handle)
    assert [call.candidate_id for call in status.calls_pending] == ["cecilia-oberg"]
    assert (status.calls_overdue, status.calls_done) == (1, 1)
    details = await current_details(handle)
    assert "**Calls:** 1 outstanding, 1 overdue, 1 done" in details
    assert f"`cecilia-oberg` due {due_text(tuesday)} — **overdue**" in details
    await handle.terminate("test over")


@pytest.mark.replay_every_task
async def test_no_call_in_five_business_days_sends_the_feedback_by_letter_and_closes(
    harness: Harness,
) -> None:
    h = harness
    handle = await offer_out(h)
    friday = await next_local_day(h, FRIDAY)
    await advance_to(h, at_local(friday, 8))
    await accept(h, handle)
    next_friday = friday + timedelta(days=7)
    fallback_at = at_local(next_friday, 17)
    status = await h.status(handle)
    assert {local(call.fallback_at) for call in status.calls_pending} == {fallback_at}

    await advance_to(h, fallback_at - timedelta(hours=1))
    assert h.outbox("fallback_letter") == [] and h.outbox("call_fallback_notice") == []
    assert sorted(await reminder_days(h, handle)) == sorted([0, 1, 2, 3, 4] * 2)

    await h.advance(timedelta(hours=2))
    result = await h.until_closed(handle)

    assert result.stage == Stage.CLOSED
    assert (result.calls_completed, result.fallback_letters_sent, result.letters_sent) == (0, 2, 2)
    letters = h.outbox("fallback_letter")
    assert sorted(line["to"] for line in letters) == [EMAIL[cid] for cid in CALLED]
    for letter in letters:
        assert IMPROVEMENT in letter["body"]  # the feedback from the brief
        assert "has now been filled" in letter["body"]
        assert "Anna" not in letter["body"]  # never names the hire
    notices = h.outbox("call_fallback_notice")
    assert sorted(line["candidate_id"] for line in notices) == CALLED
    assert {line["to"] for line in notices} == {RECRUITER}
    assert all(f"no call logged by {due_text(fallback_at)}" in n["body"] for n in notices)
    sent = [e for e in (await h.status(handle)).timeline if e.kind == "fallback_letter_sent"]
    assert all(fallback_at <= e.at < fallback_at + timedelta(hours=1) for e in sent)


async def test_three_unanswered_attempts_send_the_feedback_by_letter_and_the_role_closes(
    harness: Harness,
) -> None:
    h = harness
    handle = await offer_out(h)
    await accept(h, handle)

    for attempt in (1, 2):
        task = await handle.execute_update(
            RecruitmentWorkflow.log_call, CallOutcome(candidate_id="bjorn-ek", reached=False)
        )
        assert task.attempts == attempt and not task.done
    assert h.outbox("fallback_letter") == []
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="bjorn-ek", reached=False)
    )
    letters = await h.eventually(lambda: h.outbox("fallback_letter"), what="Björn's letter")

    assert [line["to"] for line in letters] == [EMAIL["bjorn-ek"]]
    assert IMPROVEMENT in letters[0]["body"]
    notices = await h.eventually(lambda: h.outbox("call_fallback_notice"), what="the notice")
    assert [(n["to"], n["candidate_id"]) for n in notices] == [(RECRUITER, "bjorn-ek")]
    assert "3 call attempts without reaching the candidate" in notices[0]["body"]
    status = await h.status(handle)
    assert [call.candidate_id for call in status.calls_pending] == ["cecilia-oberg"]
    assert status.fallback_letters_sent == 1

    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=True)
    )
    result = await h.until_closed(handle)
    assert result.stage == Stage.CLOSED
    assert (result.calls_completed, result.fallback_letters_sent) == (1, 1)
    assert [line["candidate_id"] for line in h.outbox("fallback_letter")] == ["bjorn-ek"]


@pytest.mark.own_time_server
async def test_the_prompt_comes_at_reengage_after_and_names_only_a_role_still_open(
    harness: Harness,
) -> None:
    h = harness
    role_id = h.role_id("backend")
    handle = await offer_out(h)
    await accept(h, handle)
    await consenting_call(handle, "bjorn-ek")
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=True)
    )
    await h.until_closed(handle)
    reengage = h.client.get_workflow_handle_for(
        ReengagementWorkflow.run, ops.reengagement_workflow_id(role_id, "bjorn-ek")
    )
    consent_given_at = (await reengage.query(ReengagementWorkflow.status)).consent_given_at
    check_at = consent_given_at + timedelta(days=21)

    # During the three weeks two roles open that fit Björn; one of them is cancelled again.
    await h.advance(timedelta(days=5))
    platform = await h.open_role(
        factories.role(
            h.role_id("platform"),
            title="Platform engineer",
            criteria=[{"name": "System design", "weight": 4}, {"name": "Kubernetes", "weight": 2}],
        )
    )
    data = await h.open_role(
        factories.role(
            h.role_id("data"),
            title="Data engineer",
            criteria=[{"name": "Python", "weight": 3}, {"name": "SQL", "weight": 3}],
        )
    )
    await h.advance(timedelta(days=3))
    await data.execute_update(RecruitmentWorkflow.cancel, Cancellation(reason="merged"))
    assert (await h.result(data)).stage == Stage.CLOSED

    await advance_to(h, check_at - timedelta(minutes=1))
    assert h.outbox("reengagement_prompt") == []
    await h.advance(timedelta(minutes=2))
    prompts = await h.eventually(lambda: h.outbox("reengagement_prompt"), what="the prompt")

    assert len(prompts) == 1
    prompt = prompts[0]
    assert (prompt["to"], prompt["candidate_id"]) == (RECRUITER, "bjorn-ek")
    assert prompt["subject"] == "Call back Björn Ek? 1 open role matches"
    assert f"turned down for Backend developer ({role_id})" in prompt["body"]
    assert h.role_id("platform") in prompt["body"] and "Platform engineer" in prompt["body"]
    assert h.role_id("data") not in prompt["body"] and "Data engineer" not in prompt["body"]
    assert IMPROVEMENT in prompt["body"]  # the brief from the earlier role
    # Exactly three weeks: the check's timer fired at `reengage_after`, and the prompt went out
    # on that check (the minute before, nothing had).
    events = (await reengage.fetch_history()).events
    fired = [
        e.event_time.ToDatetime(tzinfo=UTC)
        for e in events
        if e.event_type == EventType.EVENT_TYPE_TIMER_FIRED
    ]
    delivered = [
        e.event_time.ToDatetime(tzinfo=UTC)
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == "deliver_notification"
    ]
    assert len(fired) == 1 and abs(fired[0] - check_at) < timedelta(seconds=1)
    assert len(delivered) == 1 and fired[0] <= delivered[0] < check_at + timedelta(minutes=1)
    matched: ReengagementStatus = await reengage.query(ReengagementWorkflow.status)
    assert matched.state == "matched" and matched.checks_done == 1
    assert [m.role_id for m in matched.matches] == [h.role_id("platform")]
    assert matched.next_check_at == consent_given_at + timedelta(days=42)
    await platform.terminate("test over")
    await reengage.terminate("test over")


@pytest.mark.own_time_server
async def test_without_a_match_nothing_is_sent_and_expiry_erases_the_personal_data(
    harness: Harness,
) -> None:
    h = harness
    role_id = h.role_id("backend")
    handle = await offer_out(h, policy={"consent_valid_for": "60d"})
    await accept(h, handle)
    await consenting_call(handle, "bjorn-ek")
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=True)
    )
    await h.until_closed(handle)
    # A role is open all along, but it asks for nothing Björn is strong at.
    finance = await h.open_role(
        factories.role(
            h.role_id("finance"),
            title="Accountant",
            criteria=[{"name": "Bookkeeping", "weight": 4}, {"name": "Excel", "weight": 2}],
        )
    )
    reengage = h.client.get_workflow_handle_for(
        ReengagementWorkflow.run, ops.reengagement_workflow_id(role_id, "bjorn-ek")
    )
    consent_given_at = (await reengage.query(ReengagementWorkflow.status)).consent_given_at
    archive = NotesArchive(h.data_dir / "notes.db")
    held = archive.export("bjorn-ek")["entries"]
    assert {entry["kind"] for entry in held} >= {"interview_notes", "call_brief", "consent"}

    for checks, day in ((1, 21), (2, 42)):
        await advance_to(h, consent_given_at + timedelta(days=day, hours=1))
        waiting: ReengagementStatus = await h.eventually(
            lambda checks=checks: _status_after(reengage, checks), what=f"check {checks}"
        )
        assert waiting.state == "waiting" and waiting.matches == []
        assert h.outbox("reengagement_prompt") == []
    assert waiting.consent_expires_at == consent_given_at + timedelta(days=60)
    assert waiting.next_check_at == waiting.consent_expires_at
    assert len(archive.export("bjorn-ek")["entries"]) == len(held)
    await finance.terminate("test over")

    await advance_to(h, waiting.consent_expires_at)
    ended = await h.result(reengage)

    assert ended.ended_because == "consent_expired"
    assert (ended.checks_done, ended.prompts_sent) == (2, 0)
    remaining = assert_erased(archive, "bjorn-ek")
    assert ended.rows_erased == len(held) - len(remaining) > 0
    # Only Björn's data goes: the others' records stay for the legal hold.
    assert archive.export("cecilia-oberg")["entries"]
    assert h.outbox("reengagement_prompt") == []
    final: ReengagementStatus = await reengage.query(ReengagementWorkflow.status)
    assert final.state == "consent_expired" and final.erased


async def _status_after(
    reengage: WorkflowHandle[Any, Any], checks: int
) -> ReengagementStatus | None:
    status: ReengagementStatus = await reengage.query(ReengagementWorkflow.status)
    return status if status.checks_done == checks else None


async def test_consent_withdrawn_while_the_role_is_still_calling_means_no_prompt_ever(
    harness: Harness,
) -> None:
    """test_story withdraws after the role closed; here the role is still open, so the clock can
    run past the three weeks (with a matching role open) and show that no prompt ever comes."""
    h = harness
    role_id = h.role_id("backend")
    handle = await offer_out(h, policy={"fallback_after": 30})
    await accept(h, handle)
    await consenting_call(handle, "bjorn-ek")
    platform = await h.open_role(
        factories.role(h.role_id("platform"), criteria=[{"name": "Python", "weight": 3}])
    )
    bjorn = h.client.get_workflow_handle_for(
        ReengagementWorkflow.run, ops.reengagement_workflow_id(role_id, "bjorn-ek")
    )
    archive = NotesArchive(h.data_dir / "notes.db")
    assert archive.export("bjorn-ek")["entries"]

    await h.advance(timedelta(days=3))
    await bjorn.signal(ReengagementWorkflow.withdraw_consent, ConsentWithdrawal(reason="new job"))
    ended = await h.result(bjorn)
    assert ended.ended_because == "consent_withdrawn" and ended.rows_erased > 0
    remaining = assert_erased(archive, "bjorn-ek")

    await h.advance(timedelta(days=22))
    assert h.outbox("reengagement_prompt") == []
    assert (await h.status(handle)).stage == Stage.CALLING  # Cecilia's call is still open
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=True)
    )
    result = await h.until_closed(handle)
    assert result.calls_completed == 2
    assert h.outbox("reengagement_prompt") == []
    assert assert_erased(archive, "bjorn-ek") == remaining  # nothing new about Björn since
    assert archive.export("cecilia-oberg")["entries"]
    await platform.terminate("test over")


@pytest.mark.own_time_server
async def test_the_role_completes_while_the_reengagement_check_keeps_running(
    harness: Harness,
) -> None:
    h = harness
    role_id = h.role_id("backend")
    handle = await offer_out(h)
    await accept(h, handle)
    await consenting_call(handle, "bjorn-ek")
    await handle.execute_update(
        RecruitmentWorkflow.log_call, CallOutcome(candidate_id="cecilia-oberg", reached=True)
    )

    result = await h.result(handle)

    assert result.stage == Stage.CLOSED and result.calls_completed == 2
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
    reengage = h.client.get_workflow_handle_for(
        ReengagementWorkflow.run, ops.reengagement_workflow_id(role_id, "bjorn-ek")
    )
    described = await reengage.describe()
    assert described.status == WorkflowExecutionStatus.RUNNING
    assert described.parent_id == handle.id
    waiting: ReengagementStatus = await reengage.query(ReengagementWorkflow.status)
    assert waiting.state == "waiting" and waiting.checks_done == 0
    assert waiting.next_check_at == waiting.consent_given_at + timedelta(days=21)
    timeline = (await h.status(handle)).timeline
    started = [e for e in timeline if e.kind == "reengagement_started"]
    assert [(e.candidate_id, e.detail) for e in started] == [("bjorn-ek", reengage.id)]
    await reengage.terminate("test over")
