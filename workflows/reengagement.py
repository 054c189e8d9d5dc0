"""The re-engagement check for one candidate who said yes to hearing about other roles.

Every `reengage_after` (three weeks by default) it looks for open roles whose criteria overlap
what the candidate was strong at, and prompts the recruiter to call back on a match. It runs
until the consent runs out or is withdrawn, and then erases the candidate's data from the notes
archive, apart from what the legal hold keeps. It outlives the role that started it.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from recruitment import calendar, letters, matching, ops
    from recruitment.models import (
        ConsentWithdrawal,
        ErasureRequest,
        Notification,
        NotificationKind,
        OpenRoleQuery,
        ReengagementRequest,
        ReengagementResult,
        ReengagementStatus,
        RoleMatch,
    )
    from workflows import steps

# Each check adds a handful of events; a fresh run every few dozen checks keeps history small.
CHECKS_PER_RUN = 50


@workflow.defn(name=ops.REENGAGEMENT_WORKFLOW)
class ReengagementWorkflow:
    @workflow.init
    def __init__(self, request: ReengagementRequest) -> None:
        self.request = request
        self.withdrawal: ConsentWithdrawal | None = None
        self.matches: list[RoleMatch] = []
        self.next_check_at: datetime | None = None
        self.ended_because: str | None = None
        self.rows_erased: int | None = None
        self.prompts_sent = 0

    @workflow.run
    async def run(self, request: ReengagementRequest) -> ReengagementResult:
        expires = request.consent_given_at + request.consent_valid_for
        checks_this_run = 0
        while True:
            # Checks keep a fixed cadence from the day consent was given.
            due = request.consent_given_at + request.reengage_after * (request.checks_done + 1)
            self.next_check_at = min(due, expires)
            self._show()
            try:
                await workflow.wait_condition(
                    lambda: self.withdrawal is not None,
                    timeout=self.next_check_at - workflow.now(),
                    timeout_summary=self._timer_summary(expires),
                )
            except TimeoutError:
                pass
            if self.withdrawal is not None:
                self.ended_because = "consent_withdrawn"
                break
            if workflow.now() >= expires:
                self.ended_because = "consent_expired"
                break
            await self._look_for_a_new_need()
            checks_this_run += 1
            if checks_this_run >= CHECKS_PER_RUN or workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self.request)

        self.next_check_at = None
        self._show()
        erased = await steps.erase(
            ErasureRequest(
                candidate_id=request.candidate.candidate_id,
                role_id=request.role_id,
                reason=self.ended_because,
                # The workflow's clock, so a retry makes the same request and the legal hold
                # is reckoned from the moment consent ended.
                requested_at=workflow.now(),
            ),
            summary=f"erase personal data of {request.candidate.candidate_id}",
        )
        self.rows_erased = erased.rows_erased
        self._show()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ReengagementResult(
            role_id=request.role_id,
            candidate_id=request.candidate.candidate_id,
            ended_because=self.ended_because,  # type: ignore[arg-type]
            checks_done=self.request.checks_done,
            prompts_sent=self.prompts_sent,
            rows_erased=erased.rows_erased,
        )

    async def _look_for_a_new_need(self) -> None:
        request = self.request
        request.checks_done += 1
        strong = request.strong_criteria
        if not strong:
            return
        excluded = [request.role_id, *request.prompted_role_ids]
        try:
            found = await steps.find_open_roles(
                OpenRoleQuery(criteria=strong, exclude_role_ids=excluded),
                summary=f"check {request.checks_done}: open roles for "
                f"{request.candidate.candidate_id}",
            )
        except ActivityError:
            workflow.logger.warning(
                "open-role lookup failed; will look again at the next check",
                extra={"role_id": request.role_id, "candidate_id": request.candidate.candidate_id},
            )
            return
        new_matches = matching.match_roles(strong, found.roles, excluded)
        if not new_matches:
            return
        letter = letters.reengagement_prompt(request, new_matches)
        await steps.deliver(
            Notification(
                key=f"{workflow.info().workflow_id}/{NotificationKind.REENGAGEMENT_PROMPT.value}/"
                + "+".join(m.role_id for m in new_matches),
                kind=NotificationKind.REENGAGEMENT_PROMPT,
                to=request.recruiter.email,
                subject=letter.subject,
                body=letter.body,
                role_id=request.role_id,
                candidate_id=request.candidate.candidate_id,
            ),
            summary=f"prompt recruiter: {request.candidate.candidate_id} fits "
            + ", ".join(m.role_id for m in new_matches),
        )
        self.prompts_sent += 1
        workflow.metric_meter().create_counter(
            "winwin_reengagement_prompts", "Recruiters prompted to call a candidate back"
        ).add(1)
        self.matches += new_matches
        request.prompted_role_ids += [m.role_id for m in new_matches]

    @workflow.signal(description="The candidate no longer wants to hear about other roles.")
    def withdraw_consent(self, withdrawal: ConsentWithdrawal) -> None:
        if self.withdrawal is None:
            self.withdrawal = withdrawal

    @workflow.query(description="Where this re-engagement check stands.")
    def status(self) -> ReengagementStatus:
        request = self.request
        if self.ended_because is not None:
            state = self.ended_because
        else:
            state = "matched" if request.prompted_role_ids else "waiting"
        return ReengagementStatus(
            role_id=request.role_id,
            candidate_id=request.candidate.candidate_id,
            state=state,  # type: ignore[arg-type]
            next_check_at=self.next_check_at,
            consent_given_at=request.consent_given_at,
            consent_expires_at=request.consent_given_at + request.consent_valid_for,
            checks_done=request.checks_done,
            matches=self.matches,
            erased=self.rows_erased is not None,
        )

    def _timer_summary(self, expires: datetime) -> str:
        if self.next_check_at == expires:
            return "consent expires"
        return f"re-engagement check {self.request.checks_done + 1}"

    def _show(self) -> None:
        request = self.request
        lines = [
            f"## Re-engagement: `{request.candidate.candidate_id}` after `{request.role_id}`",
            f"**Checks done:** {request.checks_done}",
            f"**Roles suggested:** {', '.join(request.prompted_role_ids) or 'none yet'}",
        ]
        if self.next_check_at is not None:
            when = calendar.format_due(self.next_check_at, request.timezone, "en")
            lines.append(f"**Next check:** {when}")
        if self.ended_because is not None:
            lines.append(f"**Ended:** {self.ended_because.replace('_', ' ')}")
        workflow.set_current_details("\n".join(lines))
