"""Workflow tests on the time-skipping test server: three weeks pass in milliseconds.

One server for the whole tier; each test gets its own task queue, data dir and worker. The
notification and notes activities are the real ones (outbox and SQLite in a temp dir). Only the
open-role lookup is replaced, because the test server has no visibility store: the stand-in reads
the same search attributes and memo through `describe()` on the roles the test opened.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio import activity
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.notes import NotesActivities, NotesArchive
from activities.notifications import NotificationActivities, Outbox
from recruitment import ops
from recruitment.models import (
    Criterion,
    OpenRole,
    OpenRoleQuery,
    OpenRoles,
    RecruitmentResult,
    RecruitmentStatus,
    RoleOpening,
    Stage,
)
from starter.devserver import test_server_binary
from worker import assemble_worker
from workflows.recruitment import RecruitmentWorkflow

SA_TYPES = {
    "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "KeywordList": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
    "Int": IndexedValueType.INDEXED_VALUE_TYPE_INT,
}


async def start_test_server() -> WorkflowEnvironment:
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=str(test_server_binary()),
    )
    await environment.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=environment.client.namespace,
            search_attributes={
                name: SA_TYPES[kind] for name, kind in ops.SEARCH_ATTRIBUTES.items()
            },
        )
    )
    return environment


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def shared_env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await start_test_server()
    yield environment
    await environment.shutdown()


@pytest_asyncio.fixture(loop_scope="session")
async def env(
    shared_env: WorkflowEnvironment, request: pytest.FixtureRequest
) -> AsyncIterator[WorkflowEnvironment]:
    """The shared test server, or a server of the test's own when it is marked
    `own_time_server`. The Java test server stops skipping time for good once an abandoned
    child (a re-engagement check) closes after its parent has closed, so tests in which a
    re-engagement check ends get a server they can break without breaking the others."""
    if request.node.get_closest_marker("own_time_server") is None:
        yield shared_env
        return
    environment = await start_test_server()
    yield environment
    await environment.shutdown()


class DescribedRoles:
    """Stand-in for `find_open_roles`: the same filter, read from describe() instead of a list."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.workflow_ids: list[str] = []

    @activity.defn(name="find_open_roles")
    async def find_open_roles(self, query: OpenRoleQuery) -> OpenRoles:
        wanted = {name.casefold() for name in query.criteria}
        roles: list[OpenRole] = []
        for workflow_id in self.workflow_ids:
            described = await self.client.get_workflow_handle(workflow_id).describe()
            attributes = {pair.key.name: pair.value for pair in described.typed_search_attributes}
            criteria_names = [str(name) for name in attributes.get(ops.SA_CRITERIA, [])]
            if described.status != WorkflowExecutionStatus.RUNNING:
                continue
            if attributes.get(ops.SA_STAGE) != "interviewing":
                continue
            if wanted and not wanted & {name.casefold() for name in criteria_names}:
                continue
            role_id = str(attributes[ops.SA_ROLE_ID])
            if role_id in query.exclude_role_ids:
                continue
            memo = await described.memo()
            roles.append(
                OpenRole(
                    role_id=role_id,
                    title=memo[ops.MEMO_TITLE],
                    criteria=[Criterion.model_validate(c) for c in memo[ops.MEMO_CRITERIA]],
                )
            )
        return OpenRoles(roles=roles)


@dataclass
class Harness:
    env: WorkflowEnvironment
    task_queue: str
    data_dir: Path
    roles: DescribedRoles
    suffix: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def client(self) -> Client:
        return self.env.client

    def role_id(self, name: str) -> str:
        return f"{name}-{self.suffix}"

    async def open_role(self, opening: RoleOpening) -> WorkflowHandle[Any, Any]:
        workflow_id = ops.role_workflow_id(opening.role_id)
        handle = await self.client.start_workflow(
            RecruitmentWorkflow.run,
            opening,
            id=workflow_id,
            task_queue=self.task_queue,
        )
        self.roles.workflow_ids.append(workflow_id)
        return handle

    def outbox(self, kind: str | None = None, to: str | None = None) -> list[dict[str, Any]]:
        return Outbox(self.data_dir / "outbox.jsonl").read(to=to, kind=kind)

    def outbox_lines(self) -> list[dict[str, Any]]:
        path = self.data_dir / "outbox.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    async def status(self, handle: WorkflowHandle[Any, Any]) -> RecruitmentStatus:
        return await handle.query(RecruitmentWorkflow.status)

    async def eventually(
        self, check: Callable[[], Any], timeout: float = 15.0, what: str = "condition"
    ) -> Any:
        """Poll in real time (activities run in real time) until `check()` is truthy."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            result = check()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return result
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.05)

    async def until_closed(self, handle: WorkflowHandle[Any, Any]) -> RecruitmentResult:
        """Wait for the role to close without letting the test server skip time meanwhile."""

        async def closed() -> bool:
            return (await self.status(handle)).stage == Stage.CLOSED

        await self.eventually(closed, what="the role to close")
        return await self.result(handle)

    async def result(self, handle: WorkflowHandle[Any, Any]) -> Any:
        """A workflow's result without the test server skipping time while we wait: every
        timer in these tests fires only when the test says time has passed."""
        with self.env.auto_time_skipping_disabled():
            return await handle.result()

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def advance(self, duration: timedelta) -> None:
        """Let workflow time pass, as if the recruiter did nothing meanwhile."""
        await self.env.sleep(duration)


@pytest_asyncio.fixture(loop_scope="session")
async def harness(
    env: WorkflowEnvironment, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Harness]:
    task_queue = f"recruitment-test-{uuid.uuid4()}"
    roles = DescribedRoles(env.client)
    notifier = NotificationActivities(tmp_path, channel="outbox")
    notes = NotesActivities(NotesArchive(tmp_path / "notes.db"))
    replay_every_task = request.node.get_closest_marker("replay_every_task") is not None
    async with assemble_worker(
        env.client,
        task_queue,
        notifier,
        notes,
        roles,
        max_cached_workflows=0 if replay_every_task else 1000,
        # A bug fails the test's workflow at once instead of retrying its task until timeout.
        workflow_failure_exception_types=[Exception],
    ):
        yield Harness(env=env, task_queue=task_queue, data_dir=tmp_path, roles=roles)
