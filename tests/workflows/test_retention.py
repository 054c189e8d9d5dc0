"""The notes archive under Temporal: the retention sweep on the time-skipping server, and an
archive write that survives a crash between the write and the activity's completion."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.notes import NotesActivities, NotesArchive
from activities.notifications import NotificationActivities
from recruitment import ops
from recruitment.models import (
    ArchiveEntry,
    Candidate,
    RetentionSweepRun,
    SweepResult,
)
from tests import factories
from tests.workflows.conftest import DescribedRoles
from workflows.recruitment import RecruitmentWorkflow
from workflows.reengagement import ReengagementWorkflow
from workflows.retention import RetentionSweepWorkflow

HOLD = timedelta(days=730)


@pytest_asyncio.fixture(loop_scope="session")
async def archive(tmp_path: Path) -> AsyncIterator[NotesArchive]:
    notes = NotesArchive(tmp_path / "notes.db", legal_hold=HOLD)
    yield notes
    notes.close()


def decided_role(role_id: str, decided: object) -> list[ArchiveEntry]:
    """Notes for two interviewees and the decision, as the role workflow archives them."""
    rows = [
        ArchiveEntry.model_validate(
            {
                "key": f"role-{role_id}/interview_notes/{cid}/v1",
                "role_id": role_id,
                "candidate_id": cid,
                "kind": "interview_notes",
                "at": decided,
                "body": factories.notes(cid).model_dump(mode="json"),
            }
        )
        for cid in ("anna-lindqvist", "bjorn-ek")
    ]
    rows.append(
        ArchiveEntry.model_validate(
            {
                "key": f"role-{role_id}/decision/anna-lindqvist/1",
                "role_id": role_id,
                "candidate_id": "anna-lindqvist",
                "kind": "decision",
                "at": decided,
                "body": {"rationale": "Strongest in Python and system design."},
            }
        )
    )
    return rows


# Two years pass on this server; the other tests' clocks are left alone.
@pytest.mark.own_time_server
async def test_the_scheduled_sweep_deletes_what_is_past_its_hold(
    env: WorkflowEnvironment, archive: NotesArchive
) -> None:
    now = await env.get_current_time()
    for entry in decided_role("old-role", now - HOLD - timedelta(days=1)):
        archive.put(entry)
    for entry in decided_role("new-role", now - timedelta(days=10)):
        archive.put(entry)
    task_queue = f"retention-{uuid.uuid4()}"
    notes = NotesActivities(archive)

    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=[RetentionSweepWorkflow],
        activities=[notes.sweep_notes_archive],
    ):
        first: SweepResult = await env.client.execute_workflow(
            RetentionSweepWorkflow.run,
            RetentionSweepRun(),
            id=f"retention-sweep-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        assert (first.rows_deleted, first.roles_cleared, first.rows_remaining) == (3, 1, 3)
        assert first.rows_deleted_by_kind == {"decision": 1, "interview_notes": 2}
        assert archive.count("old-role") == 0 and archive.count("new-role") == 3

        # Two years on, by the workflow's clock, the newer role's hold has run out too.
        await env.sleep(HOLD)
        second: SweepResult = await env.client.execute_workflow(
            ops.RETENTION_SWEEP_WORKFLOW,
            id=f"retention-sweep-{uuid.uuid4()}",
            task_queue=task_queue,
            result_type=SweepResult,
        )
    assert (second.rows_deleted, second.roles_cleared, second.rows_remaining) == (3, 1, 0)


async def test_an_archive_write_retried_after_a_crash_leaves_one_row(
    env: WorkflowEnvironment, archive: NotesArchive, tmp_path: Path
) -> None:
    """The worker writes the notes row, then dies before it can report; Temporal retries."""
    real = NotesActivities(archive)
    attempts: list[int] = []

    @activity.defn(name="archive_entry")
    async def crashes_once_after_the_write(entry: ArchiveEntry) -> bool:
        written = await real.archive_entry(entry)
        attempts.append(activity.info().attempt)
        if activity.info().attempt == 1:
            raise RuntimeError("worker lost between the write and its completion")
        return written

    task_queue = f"crash-{uuid.uuid4()}"
    notifier = NotificationActivities(tmp_path, channel="outbox")
    roles = DescribedRoles(env.client)
    role_id = f"crash-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=[RecruitmentWorkflow, ReengagementWorkflow],
        activities=[
            notifier.deliver_notification,
            crashes_once_after_the_write,
            real.erase_candidate_data,
            roles.find_open_roles,
        ],
        workflow_failure_exception_types=[Exception],
    ):
        handle = await env.client.start_workflow(
            RecruitmentWorkflow.run,
            factories.role(role_id),
            id=ops.role_workflow_id(role_id),
            task_queue=task_queue,
        )
        await handle.execute_update(
            RecruitmentWorkflow.add_candidate,
            Candidate(candidate_id="bjorn-ek", name="Björn Ek", email="bjorn.ek@example.com"),
        )
        await handle.execute_update(
            RecruitmentWorkflow.record_interview, factories.notes("bjorn-ek")
        )
        await handle.terminate("test done")

    assert attempts == [1, 2]
    assert archive.count(role_id) == 1
    [row] = archive.export("bjorn-ek")["entries"]
    assert row["kind"] == "interview_notes"
