"""The retention sweep's Temporal Schedule on the real dev server: created idempotently, as
`recruit dev` and `recruit retention schedule` do, or by the `temporal schedule create` command
the README gives for deployment; triggered, it runs the sweep on the worker and reports counts."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from temporalio.client import Client, ScheduleActionStartWorkflow, ScheduleHandle

from recruitment.models import SweepResult
from recruitment.ops import RETENTION_SCHEDULE_ID, RETENTION_SWEEP_WORKFLOW, TASK_QUEUE
from starter.devserver import temporal_binary
from starter.schedules import ensure_retention_schedule
from tests.integration.conftest import RecruitCli, RunningTemporal

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


async def run_once(client: Client, schedule: ScheduleHandle) -> SweepResult:
    """Triggers the schedule and waits for the sweep it starts."""
    before = len((await schedule.describe()).info.recent_actions)
    await schedule.trigger()
    deadline = time.monotonic() + 30
    while True:
        actions = (await schedule.describe()).info.recent_actions
        if len(actions) > before:
            break
        assert time.monotonic() < deadline, "the schedule never started a sweep"
        await asyncio.sleep(0.2)
    started = actions[-1].action
    handle = client.get_workflow_handle(
        started.workflow_id, run_id=started.first_execution_run_id, result_type=SweepResult
    )
    result: SweepResult = await asyncio.wait_for(handle.result(), 30)
    return result


async def test_recruit_creates_the_schedule_once_and_it_sweeps(
    recruit: RecruitCli, worker_running: RunningTemporal
) -> None:
    client = worker_running.client

    first = await recruit("retention", "schedule")
    assert first.returncode == 0, str(first)
    assert f"Retention sweep schedule {RETENTION_SCHEDULE_ID}" in first.stdout
    # Again, as every `recruit dev` start-up does: brought up to date, never duplicated.
    assert await ensure_retention_schedule(client) == "updated"

    schedule = client.get_schedule_handle(RETENTION_SCHEDULE_ID)
    described = await schedule.describe()
    action = described.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert (action.workflow, action.task_queue) == (RETENTION_SWEEP_WORKFLOW, TASK_QUEUE)
    assert [spec.every for spec in described.schedule.spec.intervals] == [timedelta(days=1)]
    ids = [s.id async for s in await client.list_schedules()]
    assert ids.count(RETENTION_SCHEDULE_ID) == 1

    result = await run_once(client, schedule)
    assert result.rows_deleted == 0  # everything in this archive is recent
    assert result.rows_remaining >= 0


async def test_the_readme_command_makes_a_working_schedule(worker_running: RunningTemporal) -> None:
    schedule_id = f"retention-readme-{uuid.uuid4().hex[:8]}"
    command = [
        str(temporal_binary()),
        "schedule",
        "create",
        "--address",
        worker_running.address,
        "--schedule-id",
        schedule_id,
        "--interval",
        "24h",
        "--overlap-policy",
        "Skip",
        "--catchup-window",
        "24h",
        "--workflow-id",
        schedule_id,
        "--type",
        RETENTION_SWEEP_WORKFLOW,
        "--task-queue",
        TASK_QUEUE,
        "--input",
        "{}",
    ]
    created = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, timeout=30
    )
    assert created.returncode == 0, created.stderr
    schedule = worker_running.client.get_schedule_handle(schedule_id)
    try:
        result = await run_once(worker_running.client, schedule)
        assert result.rows_deleted == 0
    finally:
        await schedule.delete()
