"""The Temporal Schedule that runs the retention sweep, created or brought up to date idempotently.

`recruit dev` calls `ensure_retention_schedule` at start-up; in a deployment, run
`recruit retention schedule` once against the cluster (or the `temporal schedule create` command
in the README). Ops can pause, trigger and inspect it with `temporal schedule ...` as usual.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Literal

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from recruitment.models import RetentionSweepRun
from recruitment.ops import RETENTION_SCHEDULE_ID, RETENTION_SWEEP_WORKFLOW, TASK_QUEUE

DEFAULT_SWEEP_EVERY = timedelta(days=1)


def retention_schedule(
    every: timedelta = DEFAULT_SWEEP_EVERY, task_queue: str = TASK_QUEUE
) -> Schedule:
    """One sweep per `every`; a sweep still running is not joined by a second one, and after an
    outage only the latest missed sweep runs."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RETENTION_SWEEP_WORKFLOW,
            RetentionSweepRun(),
            id=RETENTION_SCHEDULE_ID,
            task_queue=task_queue,
            execution_timeout=timedelta(hours=1),
            static_summary="Delete notes past their legal hold",
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(
            overlap=ScheduleOverlapPolicy.SKIP, catchup_window=max(every, timedelta(hours=1))
        ),
        state=ScheduleState(note="Winwin: deletes notes archive rows past their legal hold."),
    )


async def ensure_retention_schedule(
    client: Client, every: timedelta = DEFAULT_SWEEP_EVERY, task_queue: str = TASK_QUEUE
) -> Literal["created", "updated"]:
    """Creates the schedule, or brings an existing one's action, interval and policy in line.
    Whether it is paused, and its notes, stay as ops left them."""
    wanted = retention_schedule(every, task_queue)
    try:
        await client.create_schedule(RETENTION_SCHEDULE_ID, wanted)
        return "created"
    except ScheduleAlreadyRunningError:
        pass

    def bring_in_line(current: ScheduleUpdateInput) -> ScheduleUpdate:
        existing = current.description.schedule
        return ScheduleUpdate(
            schedule=dataclasses.replace(
                existing, action=wanted.action, spec=wanted.spec, policy=wanted.policy
            )
        )

    await client.get_schedule_handle(RETENTION_SCHEDULE_ID).update(bring_in_line)
    return "updated"
