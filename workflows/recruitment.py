"""One open role, from the first applicant to the last answer.

The process, as a recruiter would tell it:

1. Interviews. Applicants are added, interviews booked (the interviewers get a kit) and notes
   recorded, each with the interviewee's improvement potential.
2. The decision. The recruiter picks the best-qualified interviewee and says why; the offer goes out.
   Nobody hears "no" yet: if the offer is declined, the runner-up is still warm.
3. Letters and calls. Once the offer is accepted (or the role is cancelled), applicants who were
   never interviewed get a kind letter, and every interviewee gets a phone call with a brief, chased
   until it has happened or replaced by a personal letter.
4. Re-engagement. A candidate who consents on the call gets a re-engagement check of their own,
   which outlives this role.

The rules and texts live in `recruitment/`; this file only decides when things happen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import MetricCounter, SearchAttributeKey, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from recruitment import briefs, calendar, letters, matching, ops, scoring
    from recruitment.models import (
        ANSWERED,
        ArchiveEntry,
        CallOutcome,
        CallTask,
        Cancellation,
        Candidate,
        CandidateBatch,
        CandidateRecord,
        CandidateStatus,
        DecisionResult,
        HiringDecision,
        InterviewBooking,
        InterviewNotes,
        Notification,
        NotificationKind,
        OfferAccepted,
        OfferDeclined,
        OpenRoleQuery,
        RankingEntry,
        RecruitmentResult,
        RecruitmentRun,
        RecruitmentState,
        RecruitmentStatus,
        ReengagementRequest,
        RoleMatch,
        RoleOpening,
        Stage,
        TimelineEvent,
        Withdrawal,
    )
    from workflows import steps
    from workflows.reengagement import ReengagementWorkflow

STAGE = SearchAttributeKey.for_keyword(ops.SA_STAGE)
ROLE_ID = SearchAttributeKey.for_keyword(ops.SA_ROLE_ID)
RECRUITER = SearchAttributeKey.for_keyword(ops.SA_RECRUITER)
CRITERIA = SearchAttributeKey.for_keyword_list(ops.SA_CRITERIA)
APPLICANTS = SearchAttributeKey.for_int(ops.SA_APPLICANTS)
OPEN_CALLS = SearchAttributeKey.for_int(ops.SA_OPEN_CALLS)

# Candidates still waiting for an answer from us.
IN_PLAY = frozenset(
    {
        CandidateStatus.APPLIED,
        CandidateStatus.SCHEDULED,
        CandidateStatus.INTERVIEWED,
        CandidateStatus.OFFERED,
    }
)


def count(name: str, description: str) -> MetricCounter:
    """A Winwin counter on the worker's metrics endpoint; silent while replaying."""
    return workflow.metric_meter().create_counter(name, description)


def refuse(message: str) -> ApplicationError:
    """A refusal the caller reads as one line; never fails the workflow task."""
    return ApplicationError(message, type="Refused", non_retryable=True)


@workflow.defn(name=ops.RECRUITMENT_WORKFLOW)
class RecruitmentWorkflow:
    @workflow.init
    def __init__(self, opening: RecruitmentRun) -> None:
        if opening.carried_state is not None:
            self.state = opening.carried_state
        else:
            role = RoleOpening.model_validate(
                opening.model_dump(exclude={"carried_state", "history_event_limit"})
            )
            self.state = RecruitmentState(role=role)
        self._history_event_limit = opening.history_event_limit
        self._published: dict[str, object] = {}
        self._reminders_running: set[str] = set()
        self._calls_running: set[str] = set()
        # When each call follow-up wakes next, and why: the panel shows the earliest.
        self._timers: dict[str, tuple[datetime, str]] = {}

    # -- the process -------------------------------------------------------------------------

    @workflow.run
    async def run(self, opening: RecruitmentRun) -> RecruitmentResult:
        self._publish()
        self._resume_timers()

        # Interviews and the decision, until an offer is accepted or the role is cancelled.
        await self._wait_or_continue_as_new(lambda: self.state.closing_started)

        # Letters and calls: everyone still in play gets an answer.
        await self._answer_everyone()
        await self._wait_or_continue_as_new(self._everyone_answered)

        self.state.stage = Stage.CLOSED
        self._event("closed", detail="every candidate has been answered")
        self._publish()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._result()

    async def _wait_or_continue_as_new(self, done: Callable[[], bool]) -> None:
        await workflow.wait_condition(lambda: done() or self._history_is_long())
        if done():
            return
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.logger.info("continuing as new", extra={"role_id": self.state.role.role_id})
        workflow.continue_as_new(
            RecruitmentRun.model_validate(
                {
                    **self.state.role.model_dump(),
                    "carried_state": self.state,
                    "history_event_limit": self._history_event_limit,
                }
            )
        )

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > (
            self._history_event_limit
        )

    def _resume_timers(self) -> None:
        """After continue-as-new, pick up the reminders and calls the previous run was chasing."""
        for record in self.state.candidates.values():
            if record.status == CandidateStatus.SCHEDULED and not record.notes_reminder_sent:
                self._start_notes_reminder(record.candidate_id)
            if record.status == CandidateStatus.CALL_PENDING:
                self._start_call_follow_up(record.candidate_id)

    # -- interviews ------------------------------------------------------------------------

    @workflow.update(description="Add one applicant. Only while interviewing.")
    async def add_candidate(self, candidate: Candidate) -> CandidateRecord:
        existing = self.state.candidates.get(candidate.candidate_id)
        if existing is not None and existing.candidate == candidate:
            return existing
        self._add(candidate)
        self._publish()
        return self.state.candidates[candidate.candidate_id]

    @add_candidate.validator
    def _validate_add_candidate(self, candidate: Candidate) -> None:
        self._require_stage(Stage.INTERVIEWING, "add candidates")
        existing = self.state.candidates.get(candidate.candidate_id)
        if existing is not None and existing.candidate == candidate:
            return
        problem = self._duplicate(candidate, self.state.candidates.values())
        if problem:
            raise refuse(problem)

    @workflow.update(description="Add many applicants at once; all or nothing.")
    async def add_candidates(self, batch: CandidateBatch) -> RecruitmentStatus:
        for candidate in batch.candidates:
            if candidate.candidate_id not in self.state.candidates:
                self._add(candidate)
        self._publish()
        return self.status()

    @add_candidates.validator
    def _validate_add_candidates(self, batch: CandidateBatch) -> None:
        self._require_stage(Stage.INTERVIEWING, "add candidates")
        problems: list[str] = []
        seen: list[CandidateRecord] = []
        for candidate in batch.candidates:
            existing = self.state.candidates.get(candidate.candidate_id)
            if existing is not None and existing.candidate == candidate:
                continue
            problem = self._duplicate(candidate, [*self.state.candidates.values(), *seen])
            if problem:
                problems.append(problem)
            seen.append(CandidateRecord(candidate=candidate))
        if problems:
            raise refuse("no candidates were added: " + "; ".join(problems))

    @workflow.update(description="Book an interview and send the interviewers their kit.")
    async def schedule_interview(self, booking: InterviewBooking) -> CandidateRecord:
        record = self.state.candidates[booking.candidate_id]
        record.booking = booking
        record.notes_reminder_sent = False
        if record.notes is None:
            record.status = CandidateStatus.SCHEDULED
        self._event("interview_scheduled", record.candidate_id, f"at {booking.at.isoformat()}")
        self._publish()
        kit = letters.interview_kit(self.state.role, record.candidate, booking)
        for number, interviewer in enumerate(booking.interviewers):
            await steps.deliver(
                self._notification(
                    NotificationKind.INTERVIEW_KIT,
                    interviewer,
                    kit,
                    record.candidate_id,
                    purpose=f"{booking.at.isoformat()}/{number}",
                ),
                summary=f"interview kit for {record.candidate_id}",
            )
        self._start_notes_reminder(record.candidate_id)
        return record

    @schedule_interview.validator
    def _validate_schedule_interview(self, booking: InterviewBooking) -> None:
        self._require_stage(Stage.INTERVIEWING, "book interviews")
        record = self._active(booking.candidate_id)
        if booking.at <= workflow.now():
            raise refuse(f"the interview time {booking.at.isoformat()} is in the past")
        if record.status not in (CandidateStatus.APPLIED, CandidateStatus.SCHEDULED):
            if record.notes is None:
                raise refuse(f"{booking.candidate_id} cannot be interviewed now ({record.status})")

    def _start_notes_reminder(self, candidate_id: str) -> None:
        if candidate_id in self._reminders_running:
            return
        self._reminders_running.add(candidate_id)
        asyncio.create_task(self._remind_about_notes(candidate_id))

    async def _remind_about_notes(self, candidate_id: str) -> None:
        """Interviewers get one nudge when notes are still missing a day after the interview.
        A rebooking restarts the wait from the new interview time."""
        record = self.state.candidates[candidate_id]
        try:
            booking = record.booking
            while booking is not None and self._notes_outstanding(record):
                due = booking.at + self.state.role.policy.notes_reminder_after

                def in_or_rebooked(expected: InterviewBooking = booking) -> bool:
                    return not self._notes_outstanding(record) or record.booking != expected

                await self._sleep_until_or(due, in_or_rebooked, f"notes due for {candidate_id}")
                if record.booking != booking:
                    booking = record.booking
                    continue
                if self._notes_outstanding(record):
                    await self._send_notes_reminder(record, booking)
                return
        finally:
            self._reminders_running.discard(candidate_id)

    @staticmethod
    def _notes_outstanding(record: CandidateRecord) -> bool:
        return (
            record.status == CandidateStatus.SCHEDULED
            and record.notes is None
            and not record.notes_reminder_sent
        )

    async def _send_notes_reminder(
        self, record: CandidateRecord, booking: InterviewBooking
    ) -> None:
        reminder = letters.notes_reminder(self.state.role, record.candidate, booking)
        for number, interviewer in enumerate(booking.interviewers):
            await steps.deliver(
                self._notification(
                    NotificationKind.NOTES_REMINDER,
                    interviewer,
                    reminder,
                    record.candidate_id,
                    purpose=f"{booking.at.isoformat()}/{number}",
                ),
                summary=f"notes reminder for {record.candidate_id}",
            )
        record.notes_reminder_sent = True
        self._event("notes_reminder_sent", record.candidate_id)

    @workflow.update(description="Record structured interview notes, incl. improvement potential.")
    async def record_interview(self, notes: InterviewNotes) -> CandidateRecord:
        record = self.state.candidates[notes.candidate_id]
        if record.notes == notes:
            return record
        record.notes = notes
        record.notes_versions += 1
        if record.status in (CandidateStatus.APPLIED, CandidateStatus.SCHEDULED):
            record.status = CandidateStatus.INTERVIEWED
        self._event(
            "interview_recorded" if record.notes_versions == 1 else "interview_notes_replaced",
            record.candidate_id,
            f"version {record.notes_versions}, weighted score "
            f"{scoring.weighted_score(self.state.role.criteria, notes.scores):.2f}",
        )
        self._publish()
        await steps.archive(
            self._archive_entry(
                "interview_notes",
                record.candidate_id,
                f"v{record.notes_versions}",
                notes.model_dump(mode="json"),
            ),
            summary=f"archive notes for {record.candidate_id}",
        )
        return record

    @record_interview.validator
    def _validate_record_interview(self, notes: InterviewNotes) -> None:
        self._require_stage(Stage.INTERVIEWING, "record interview notes (the decision is made)")
        self._active(notes.candidate_id)
        problems = scoring.notes_problems(self.state.role, notes)
        if problems:
            raise refuse("; ".join(problems))

    # -- the decision and the offer ----------------------------------------------------------

    @workflow.update(description="Choose the hire. Refused unless the rule explains the choice.")
    async def decide(self, decision: HiringDecision) -> DecisionResult:
        ranking = self._ranking()
        self.state.decision = decision
        self.state.offered_to = decision.candidate_id
        self.state.candidates[decision.candidate_id].status = CandidateStatus.OFFERED
        self.state.stage = Stage.OFFER_OUT
        self._event("decided", decision.candidate_id, decision.rationale)
        self._publish()
        await steps.archive(
            self._archive_entry(
                "decision",
                decision.candidate_id,
                f"{len(self.state.timeline)}",
                {
                    **decision.model_dump(mode="json"),
                    "ranking": [entry.model_dump(mode="json") for entry in ranking],
                },
            ),
            summary=f"archive decision for {decision.candidate_id}",
        )
        return DecisionResult(hired_candidate_id=decision.candidate_id, ranking=ranking)

    @decide.validator
    def _validate_decide(self, decision: HiringDecision) -> None:
        self._require_stage(Stage.INTERVIEWING, "decide")
        interviewees = {
            record.candidate_id: record.notes
            for record in self.state.candidates.values()
            if record.status
            in (CandidateStatus.SCHEDULED, CandidateStatus.INTERVIEWED, CandidateStatus.OFFERED)
        }
        problems = scoring.decision_problems(self.state.role, decision, interviewees)
        if problems:
            raise refuse("\n".join(problems))

    @workflow.signal(description="The hiring system reports the offer accepted.")
    def offer_accepted(self, accepted: OfferAccepted) -> None:
        if self.state.stage != Stage.OFFER_OUT or accepted.candidate_id != self.state.offered_to:
            self._ignore(f"offer_accepted for {accepted.candidate_id} while {self.state.stage}")
            return
        hired = self.state.candidates[accepted.candidate_id]
        hired.status = CandidateStatus.HIRED
        self.state.hired = accepted.candidate_id
        self.state.start_date = accepted.start_date
        self.state.stage = Stage.CALLING
        self.state.closing_started = True
        self._event("offer_accepted", accepted.candidate_id)
        self._publish()

    @workflow.signal(description="The offer was declined; the decision reopens.")
    def offer_declined(self, declined: OfferDeclined) -> None:
        if self.state.stage != Stage.OFFER_OUT or declined.candidate_id != self.state.offered_to:
            self._ignore(f"offer_declined for {declined.candidate_id} while {self.state.stage}")
            return
        self.state.candidates[declined.candidate_id].status = CandidateStatus.DECLINED_OFFER
        self.state.offered_to = None
        self.state.decision = None
        self.state.stage = Stage.INTERVIEWING
        self._event("offer_declined", declined.candidate_id, declined.reason)
        self._publish()

    @workflow.update(description="A candidate withdraws; they said no themselves.")
    async def withdraw_candidate(self, withdrawal: Withdrawal) -> CandidateRecord:
        record = self.state.candidates[withdrawal.candidate_id]
        if record.status == CandidateStatus.WITHDRAWN:
            return record
        record.status = CandidateStatus.WITHDRAWN
        if self.state.offered_to == withdrawal.candidate_id:
            self.state.offered_to = None
            self.state.decision = None
            self.state.stage = Stage.INTERVIEWING
        self._event("withdrawn", withdrawal.candidate_id, withdrawal.reason)
        self._publish()
        return record

    @withdraw_candidate.validator
    def _validate_withdraw(self, withdrawal: Withdrawal) -> None:
        record = self._known(withdrawal.candidate_id)
        if record.status == CandidateStatus.WITHDRAWN:
            return
        if record.status not in IN_PLAY:
            raise refuse(f"{withdrawal.candidate_id} is already answered ({record.status})")

    @workflow.update(description="Cancel the role; everyone still in play gets an answer.")
    async def cancel(self, cancellation: Cancellation) -> RecruitmentStatus:
        if self.state.cancellation is None:
            self.state.cancellation = cancellation
            if self.state.offered_to:
                # The offer lapses with the role; that candidate is owed a call like the others.
                self.state.candidates[self.state.offered_to].status = CandidateStatus.INTERVIEWED
                self.state.offered_to = None
            # With nobody to call, only letters remain: the role is closed to further changes.
            self.state.stage = Stage.CALLING if self._anyone_to_call() else Stage.CLOSED
            self.state.closing_started = True
            self._event("cancelled", detail=cancellation.reason)
            self._publish()
        return self.status()

    @cancel.validator
    def _validate_cancel(self, cancellation: Cancellation) -> None:
        if self.state.cancellation is not None:
            return
        if self.state.closing_started or self.state.stage == Stage.CLOSED:
            raise refuse(f"role {self.state.role.role_id} is already {self.state.stage}")

    # -- letters and calls -------------------------------------------------------------------

    def _anyone_to_call(self) -> bool:
        return any(r.interviewed and r.status in IN_PLAY for r in self.state.candidates.values())

    async def _answer_everyone(self) -> None:
        in_play = [r for r in self.state.candidates.values() if r.status in IN_PLAY]
        interviewed = [r for r in in_play if r.interviewed]
        not_interviewed = [r for r in in_play if not r.interviewed]
        for record in interviewed:
            if record.call is None:
                self._create_call_task(record)
        self._publish()
        for record in self.state.candidates.values():
            if record.status == CandidateStatus.CALL_PENDING:
                self._start_call_follow_up(record.candidate_id)
        await self._send_rejection_letters(not_interviewed)
        self._publish()

    async def _send_rejection_letters(self, recipients: list[CandidateRecord]) -> None:
        policy = self.state.role.policy
        if recipients and policy.letter_delay > timedelta(0):
            await workflow.sleep(policy.letter_delay, summary="pause before rejection letters")
        size = policy.letter_batch_size
        for start in range(0, len(recipients), size):
            batch = recipients[start : start + size]
            await workflow.wait(
                [asyncio.create_task(self._send_rejection_letter(record)) for record in batch]
            )
            self._publish()

    async def _send_rejection_letter(self, record: CandidateRecord) -> None:
        letter = letters.rejection_letter(self.state.role, record.candidate, filled=self._filled())
        sent = await self._deliver_to_candidate(
            NotificationKind.REJECTION_LETTER, record, letter, "rejection letter"
        )
        record.status = CandidateStatus.LETTER_SENT
        if sent:
            self._event("rejection_letter_sent", record.candidate_id)

    def _create_call_task(self, record: CandidateRecord) -> None:
        policy = self.state.role.policy
        now = workflow.now()
        tz = self.state.role.timezone
        record.call = CallTask(
            candidate_id=record.candidate_id,
            created_at=now,
            due=calendar.add_business_days(now, policy.call_due, tz),
            fallback_at=calendar.add_business_days(now, policy.fallback_after, tz),
        )
        record.status = CandidateStatus.CALL_PENDING
        self._event("call_task_created", record.candidate_id, f"due {self._due(record.call.due)}")

    def _start_call_follow_up(self, candidate_id: str) -> None:
        if candidate_id in self._calls_running:
            return
        self._calls_running.add(candidate_id)
        asyncio.create_task(self._follow_up_call(candidate_id))

    async def _follow_up_call(self, candidate_id: str) -> None:
        """The recruiter gets the brief, then a reminder each business day until the call is
        logged. If it never happens, the candidate gets the feedback in a personal letter."""
        record = self.state.candidates[candidate_id]
        call = record.call
        assert call is not None
        policy = self.state.role.policy
        brief = await self._brief(record)
        await steps.archive(
            self._archive_entry("call_brief", candidate_id, "brief", brief.model_dump(mode="json")),
            summary=f"archive call brief for {candidate_id}",
        )
        await steps.deliver(
            self._notification(
                NotificationKind.CALL_TASK,
                self.state.role.recruiter.email,
                letters.call_task(self.state.role, record.candidate, brief, call.due),
                candidate_id,
            ),
            summary=f"rejection call with {candidate_id} — due {self._due(call.due)}",
        )
        tz = self.state.role.timezone

        def next_reminder() -> datetime:
            return calendar.reminder_time(
                call.created_at, call.reminders_sent + 1, policy.reminder_every, tz
            )

        def settled() -> bool:
            return call.done or call.attempts >= policy.fallback_attempts

        while not settled():
            wake = min(next_reminder(), call.fallback_at)
            label = "fallback letter" if wake == call.fallback_at else "call reminder"
            self._timers[candidate_id] = (wake, f"{label} for `{candidate_id}`")
            self._publish()
            await self._sleep_until_or(wake, settled, f"{label} for {candidate_id}")
            self._timers.pop(candidate_id, None)
            if settled():
                break
            if workflow.now() >= call.fallback_at:
                break
            call.reminders_sent += 1
            await steps.deliver(
                self._notification(
                    NotificationKind.CALL_REMINDER,
                    self.state.role.recruiter.email,
                    letters.call_reminder(
                        self.state.role,
                        record.candidate,
                        call.due,
                        call.attempts,
                        call.reminders_sent,
                    ),
                    candidate_id,
                    purpose=str(call.reminders_sent),
                ),
                summary=f"reminder {call.reminders_sent}: call {candidate_id}",
            )
            self._event("call_reminder_sent", candidate_id, f"reminder {call.reminders_sent}")
            self._publish()  # the panel shows the call as overdue from the first late reminder

        if not call.done:
            await self._send_fallback_letter(record, brief)
        self._publish()

    async def _send_fallback_letter(self, record: CandidateRecord, brief: briefs.CallBrief) -> None:
        call = record.call
        assert call is not None
        reason = (
            f"{call.attempts} call attempts without reaching the candidate"
            if call.attempts >= self.state.role.policy.fallback_attempts
            else f"no call logged by {self._due(call.fallback_at)}"
        )
        letter = letters.fallback_letter(
            self.state.role, record.candidate, brief, filled=self._filled()
        )
        sent = await self._deliver_to_candidate(
            NotificationKind.FALLBACK_LETTER, record, letter, "personal feedback letter"
        )
        if sent:
            # A bounce has already told the recruiter; otherwise they learn the letter went out.
            await steps.deliver(
                self._notification(
                    NotificationKind.CALL_FALLBACK_NOTICE,
                    self.state.role.recruiter.email,
                    letters.call_fallback_notice(self.state.role, record.candidate, reason),
                    record.candidate_id,
                ),
                summary=f"tell recruiter: letter instead of call to {record.candidate_id}",
            )
            self._event("fallback_letter_sent", record.candidate_id, reason)
            count(
                "winwin_fallback_letters", "Feedback letters sent because a call never happened"
            ).add(1)
        # Settled only now, so the role cannot close while the recruiter's notice is on its way.
        call.fallback_sent = True
        call.done = True
        record.status = CandidateStatus.FALLBACK_SENT

    @workflow.update(description="Log one call attempt, or the call itself.")
    async def log_call(self, outcome: CallOutcome) -> CallTask:
        record = self.state.candidates[outcome.candidate_id]
        call = record.call
        assert call is not None
        if call.done:
            return call
        call.outcome = outcome
        if outcome.reached:
            call.done = True
            record.status = CandidateStatus.CALLED
            self._event("call_completed", record.candidate_id)
        else:
            call.attempts += 1
            self._event(
                "call_attempt", record.candidate_id, f"attempt {call.attempts}, not reached"
            )
        count("winwin_calls_logged", "Rejection calls logged, by outcome").add(
            1, {"outcome": "reached" if outcome.reached else "not_reached"}
        )
        self._publish()
        await steps.archive(
            self._archive_entry(
                "call_outcome",
                record.candidate_id,
                f"{call.attempts}/{outcome.reached}",
                outcome.model_dump(mode="json"),
            ),
            summary=f"archive call outcome for {record.candidate_id}",
        )
        if outcome.reached and outcome.consent_to_contact and outcome.open_to_other_roles:
            await self._start_reengagement(record)
        return call

    @log_call.validator
    def _validate_log_call(self, outcome: CallOutcome) -> None:
        record = self._known(outcome.candidate_id)
        if record.call is None:
            raise refuse(f"no call is owed to {outcome.candidate_id} ({record.status})")
        if record.call.done and record.call.outcome != outcome:
            raise refuse(f"the call with {outcome.candidate_id} is already settled")

    async def _start_reengagement(self, record: CandidateRecord) -> None:
        if record.reengagement_workflow_id is not None or record.notes is None:
            return
        role = self.state.role
        brief = await self._brief(record)
        request = ReengagementRequest(
            role_id=role.role_id,
            role_title=role.title,
            recruiter=role.recruiter,
            candidate=record.candidate,
            language=role.language,
            timezone=role.timezone,
            scores=record.notes.scores,
            strong_criteria=matching.strong_criteria(record.notes.scores),
            brief=brief.text,
            consent_given_at=workflow.now(),
            reengage_after=role.policy.reengage_after,
            consent_valid_for=role.policy.consent_valid_for,
            prompted_role_ids=[],
        )
        workflow_id = ops.reengagement_workflow_id(role.role_id, record.candidate_id)
        record.reengagement_workflow_id = workflow_id
        await steps.archive(
            self._archive_entry(
                "consent",
                record.candidate_id,
                "given",
                {
                    "consent_to_contact": True,
                    "open_to_other_roles": True,
                    "valid_for": str(role.policy.consent_valid_for),
                },
            ),
            summary=f"archive consent of {record.candidate_id}",
        )
        await workflow.start_child_workflow(
            ReengagementWorkflow.run,
            request,
            id=workflow_id,
            parent_close_policy=ParentClosePolicy.ABANDON,
            static_summary=f"Re-engagement check for {record.candidate_id} after {role.role_id}",
        )
        self._event("reengagement_started", record.candidate_id, workflow_id)
        count("winwin_reengagements_started", "Re-engagement checks started on consent").add(1)
        self._publish()

    async def _brief(self, record: CandidateRecord) -> briefs.CallBrief:
        assert record.notes is not None
        hired = self.state.candidates.get(self.state.hired or "")
        other_roles: list[RoleMatch] = []
        try:
            found = await steps.find_open_roles(
                OpenRoleQuery(
                    criteria=[c.name for c in self.state.role.criteria],
                    exclude_role_ids=[self.state.role.role_id],
                ),
                summary=f"other open roles for {record.candidate_id}",
            )
            other_roles = matching.match_roles(
                matching.strong_criteria(record.notes.scores),
                found.roles,
                [self.state.role.role_id],
            )
        except ActivityError:
            workflow.logger.warning(
                "open-role lookup failed; brief goes without other roles",
                extra={"role_id": self.state.role.role_id, "candidate_id": record.candidate_id},
            )
        return briefs.call_brief(
            self.state.role,
            record.candidate,
            record.notes,
            hired.notes if hired is not None else None,
            other_roles,
        )

    async def _deliver_to_candidate(
        self, kind: NotificationKind, record: CandidateRecord, letter: letters.Letter, what: str
    ) -> bool:
        """Send to a candidate; if their address bounces for good, the recruiter is told."""
        try:
            await steps.deliver(
                self._notification(kind, record.candidate.email, letter, record.candidate_id),
                summary=f"{what} to {record.candidate_id}",
            )
            return True
        except ActivityError as err:
            # Only a permanent refusal gets here: everything else is retried until it goes out.
            reply = err.cause.message if isinstance(err.cause, ApplicationError) else str(err)
            self._event(f"{kind.value}_undeliverable", record.candidate_id, reply)
            await steps.deliver(
                self._notification(
                    NotificationKind.DELIVERY_FAILED,
                    self.state.role.recruiter.email,
                    letters.delivery_failed_notice(
                        self.state.role, record.candidate, kind.value, reply
                    ),
                    record.candidate_id,
                    purpose=kind.value,
                ),
                summary=f"tell recruiter: {what} to {record.candidate_id} bounced",
            )
            return False

    def _filled(self) -> bool:
        """False for a cancelled role, whose letters must not say that someone was hired."""
        return self.state.cancellation is None

    def _everyone_answered(self) -> bool:
        return all(record.status in ANSWERED for record in self.state.candidates.values())

    # -- what ops and the CLI see -------------------------------------------------------------

    @workflow.query(description="Stage, candidates, ranking, calls pending and the timeline.")
    def status(self) -> RecruitmentStatus:
        return RecruitmentStatus(
            role=self.state.role,
            role_id=self.state.role.role_id,
            title=self.state.role.title,
            stage=self.state.stage,
            recruiter=self.state.role.recruiter,
            candidates=list(self.state.candidates.values()),
            ranking=self._ranking(),
            offered_to=self.state.offered_to,
            hired=self.state.hired,
            calls_pending=self._calls_pending(),
            calls_overdue=len(self._calls_overdue()),
            calls_done=self._count(CandidateStatus.CALLED),
            fallback_letters_sent=self._count(CandidateStatus.FALLBACK_SENT),
            timeline=self.state.timeline,
            ignored_signals=self.state.ignored_signals,
        )

    def _publish(self) -> None:
        """Keep search attributes, memo and the current-details panel in step with the state."""
        role = self.state.role
        values: dict[str, object] = {
            ops.SA_STAGE: self.state.stage.value,
            ops.SA_ROLE_ID: role.role_id,
            ops.SA_RECRUITER: role.recruiter.email,
            ops.SA_CRITERIA: [c.name for c in role.criteria],
            ops.SA_APPLICANTS: len(self.state.candidates),
            ops.SA_OPEN_CALLS: self._open_calls(),
        }
        if not self._published:
            workflow.upsert_memo(
                {
                    ops.MEMO_TITLE: role.title,
                    ops.MEMO_CRITERIA: [c.model_dump(mode="json") for c in role.criteria],
                }
            )
        updates: list[SearchAttributeUpdate] = []
        if values[ops.SA_STAGE] != self._published.get(ops.SA_STAGE):
            updates.append(STAGE.value_set(self.state.stage.value))
        if not self._published:
            updates += [
                ROLE_ID.value_set(role.role_id),
                RECRUITER.value_set(role.recruiter.email),
                CRITERIA.value_set([c.name for c in role.criteria]),
            ]
        if values[ops.SA_APPLICANTS] != self._published.get(ops.SA_APPLICANTS):
            updates.append(APPLICANTS.value_set(len(self.state.candidates)))
        if values[ops.SA_OPEN_CALLS] != self._published.get(ops.SA_OPEN_CALLS):
            updates.append(OPEN_CALLS.value_set(self._open_calls()))
        if updates:
            workflow.upsert_search_attributes(updates)
        self._published = values
        workflow.set_current_details(self._details())

    def _open_calls(self) -> int:
        return len(self._calls_pending())

    def _calls_pending(self) -> list[CallTask]:
        return [r.call for r in self.state.candidates.values() if r.call and not r.call.done]

    def _calls_overdue(self) -> list[CallTask]:
        now = workflow.now()
        return [call for call in self._calls_pending() if call.due < now]

    def _count(self, status: CandidateStatus) -> int:
        return sum(1 for r in self.state.candidates.values() if r.status == status)

    def _details(self) -> str:
        role = self.state.role
        counts: dict[str, int] = {}
        for record in self.state.candidates.values():
            counts[record.status.value] = counts.get(record.status.value, 0) + 1
        lines = [
            f"## {role.title} (`{role.role_id}`)",
            f"**Stage:** {self.state.stage.value}",
            "**Candidates:** "
            + (", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none yet"),
        ]
        ranking = self._ranking()
        if ranking:
            lines.append("")
            lines.append("**Ranking**")
            lines += [
                f"{entry.rank}. `{entry.candidate_id}` {entry.weighted_score:.2f}"
                for entry in ranking[:10]
            ]
        pending = self._calls_pending()
        done = self._count(CandidateStatus.CALLED)
        by_letter = self._count(CandidateStatus.FALLBACK_SENT)
        if pending or done or by_letter:
            overdue = self._calls_overdue()
            lines.append("")
            lines.append(
                f"**Calls:** {len(pending)} outstanding, {len(overdue)} overdue, {done} done"
                + (f", {by_letter} replaced by a letter" if by_letter else "")
            )
            for call in sorted(pending, key=lambda c: c.due):
                late = " — **overdue**" if call in overdue else ""
                lines.append(f"- `{call.candidate_id}` due {self._due(call.due)}{late}")
        if self._timers and self.state.stage == Stage.CALLING:
            wake, label = min(self._timers.values())
            lines.append("")
            lines.append(f"**Next timer:** {label} at {self._due(wake)}")
        return "\n".join(lines)

    def _result(self) -> RecruitmentResult:
        return RecruitmentResult(
            role_id=self.state.role.role_id,
            stage=self.state.stage,
            hired=self.state.hired,
            letters_sent=self._count(CandidateStatus.LETTER_SENT),
            calls_completed=self._count(CandidateStatus.CALLED),
            fallback_letters_sent=self._count(CandidateStatus.FALLBACK_SENT),
            cancelled=self.state.cancellation is not None,
        )

    # -- small helpers -----------------------------------------------------------------------

    def _ranking(self) -> list[RankingEntry]:
        """The interviewees still in the running, as the decision rule ranks them: someone who
        withdrew or declined the offer no longer stands above the runner-up."""
        out_of_the_running = (CandidateStatus.WITHDRAWN, CandidateStatus.DECLINED_OFFER)
        notes = [
            r.notes
            for r in self.state.candidates.values()
            if r.notes is not None and r.status not in out_of_the_running
        ]
        return scoring.rank(self.state.role, notes)

    def _add(self, candidate: Candidate) -> None:
        self.state.candidates[candidate.candidate_id] = CandidateRecord(candidate=candidate)
        self._event("candidate_added", candidate.candidate_id)

    @staticmethod
    def _duplicate(candidate: Candidate, others: Iterable[CandidateRecord]) -> str | None:
        for other in others:
            if other.candidate_id == candidate.candidate_id:
                return f"candidate id {candidate.candidate_id} is already taken"
            if other.candidate.email.casefold() == candidate.email.casefold():
                return f"{candidate.candidate_id} has the same email as {other.candidate_id}"
        return None

    def _require_stage(self, stage: Stage, action: str) -> None:
        if self.state.stage != stage:
            raise refuse(
                f"cannot {action}: role {self.state.role.role_id} is {self.state.stage.value}"
            )

    def _known(self, candidate_id: str) -> CandidateRecord:
        record = self.state.candidates.get(candidate_id)
        if record is None:
            raise refuse(f"no candidate {candidate_id} in role {self.state.role.role_id}")
        return record

    def _active(self, candidate_id: str) -> CandidateRecord:
        record = self._known(candidate_id)
        if record.status in (CandidateStatus.WITHDRAWN, CandidateStatus.DECLINED_OFFER):
            raise refuse(f"{candidate_id} is no longer in the process ({record.status.value})")
        return record

    def _ignore(self, what: str) -> None:
        self.state.ignored_signals.append(what)
        self._event("signal_ignored", detail=what)
        workflow.logger.warning(
            "signal ignored", extra={"role_id": self.state.role.role_id, "reason": what}
        )

    def _event(self, kind: str, candidate_id: str | None = None, detail: str = "") -> None:
        self.state.timeline.append(
            TimelineEvent(at=workflow.now(), kind=kind, candidate_id=candidate_id, detail=detail)
        )

    def _notification(
        self,
        kind: NotificationKind,
        to: str,
        letter: letters.Letter,
        candidate_id: str,
        purpose: str = "",
    ) -> Notification:
        key = f"{workflow.info().workflow_id}/{kind.value}/{candidate_id}"
        return Notification(
            key=f"{key}/{purpose}" if purpose else key,
            kind=kind,
            to=to,
            subject=letter.subject,
            body=letter.body,
            role_id=self.state.role.role_id,
            candidate_id=candidate_id,
        )

    def _archive_entry(
        self, kind: str, candidate_id: str, purpose: str, body: dict[str, object]
    ) -> ArchiveEntry:
        return ArchiveEntry.model_validate(
            {
                "key": f"{workflow.info().workflow_id}/{kind}/{candidate_id}/{purpose}",
                "role_id": self.state.role.role_id,
                "candidate_id": candidate_id,
                "kind": kind,
                "at": workflow.now(),
                "body": body,
            }
        )

    def _due(self, moment: datetime) -> str:
        return calendar.format_due(moment, self.state.role.timezone, self.state.role.language)

    async def _sleep_until_or(
        self, moment: datetime, done: Callable[[], bool], summary: str
    ) -> None:
        """Sleep until `moment` unless `done()` turns true first."""
        remaining = moment - workflow.now()
        if remaining <= timedelta(0):
            return
        try:
            await workflow.wait_condition(done, timeout=remaining, timeout_summary=summary)
        except TimeoutError:
            pass
