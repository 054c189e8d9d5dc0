"""The retention sweep: the recruitment record is deleted once its legal hold has run out.

A Temporal Schedule (`winwin-retention-sweep`, daily by default) starts one run at a time. The
run asks the notes archive to delete what is past its hold as of the workflow's clock, and
returns the counts, which stay readable in the run's result after the rows are gone.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from recruitment import ops
    from recruitment.models import RetentionSweepRun, SweepRequest, SweepResult

SWEEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    maximum_interval=timedelta(minutes=10),
    maximum_attempts=20,
)


@workflow.defn(name=ops.RETENTION_SWEEP_WORKFLOW)
class RetentionSweepWorkflow:
    @workflow.run
    async def run(self, request: RetentionSweepRun | None = None) -> SweepResult:
        workflow.set_current_details("## Retention sweep\nDeleting what is past its legal hold.")
        result: SweepResult = await workflow.execute_activity(
            "sweep_notes_archive",
            SweepRequest(now=workflow.now()),
            result_type=SweepResult,
            start_to_close_timeout=timedelta(minutes=5),
            retry_policy=SWEEP_RETRY,
            summary="delete notes past their legal hold",
        )
        workflow.set_current_details(
            "\n".join(
                [
                    "## Retention sweep",
                    f"**Rows deleted:** {result.rows_deleted}",
                    f"**Roles cleared:** {result.roles_cleared}",
                    f"**Rows left:** {result.rows_remaining} "
                    f"({result.rows_held_after_erasure} held after an erasure request)",
                ]
            )
        )
        return result
