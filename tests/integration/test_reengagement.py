"""Calls and re-engagement through `recruit`, on the real dev server with real visibility.

Issue 4: the call list across roles, the brief for a call, and a candidate turned down for one role
who is matched to another role through search attributes once the re-engagement check runs.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowExecutionStatus

from recruitment import ops
from tests.integration import roles
from tests.integration.conftest import RecruitCli, RunningTemporal
from tests.integration.test_cli import INTERVIEW_AT, as_json, eventually, ok, status_of

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

BACKEND_YAML = """\
id: {role_id}
title: Backend developer
recruiter:
  name: Rita Recruiter
  email: {recruiter}
language: en
criteria:
  - name: Python
    weight: 3
    description: Writes clear, tested Python.
  - name: Communication
    weight: 1
    description: Explains trade-offs to non-engineers.
policy:
  reengage_after: 5s
"""

DATA_YAML = """\
id: {role_id}
title: Data engineer
recruiter:
  name: Rita Recruiter
  email: {recruiter}
language: en
criteria:
  - name: Python
    weight: 2
    description: Writes pipelines in Python.
  - name: SQL
    weight: 2
    description: Models data and writes fast queries.
"""

STOCKHOLM = ZoneInfo("Europe/Stockholm")
BO_IMPROVEMENT = "deepen distributed-systems design: queues, retries, idempotency"


async def open_from_yaml(recruit: RecruitCli, tmp_path: Path, template: str, **fields: str) -> None:
    role_file = tmp_path / f"{fields['role_id']}.yaml"
    role_file.write_text(template.format(**fields))
    opened = ok(await recruit("role", "open", str(role_file)))
    assert f"Role {fields['role_id']}" in opened.stdout


async def test_a_candidate_turned_down_for_one_role_is_matched_to_another_opened_through_the_cli(
    recruit: RecruitCli, tmp_path: Path, worker_running: RunningTemporal
) -> None:
    suffix = uuid.uuid4().hex[:8]
    backend, data = f"backend-{suffix}", f"data-{suffix}"
    rita = roles.unique_recruiter()
    await open_from_yaml(recruit, tmp_path, BACKEND_YAML, role_id=backend, recruiter=rita)
    await open_from_yaml(recruit, tmp_path, DATA_YAML, role_id=data, recruiter=rita)

    # Another recruiter's role whose calls fall due sooner (call_due 0: today, or the next
    # business day), so the call list has something more urgent to put first.
    carl = roles.unique_recruiter()
    urgent = await roles.open_role(worker_running.client, "urgent", carl, policy={"call_due": 0})
    await roles.to_calling(urgent)
    urgent_role = urgent.id.removeprefix("role-")

    # Backend: Anna is hired, Bo is owed a call.
    ok(await recruit("candidate", "add", backend, "--id", "anna-berg", "--name", "Anna Berg",
                     "--email", "anna@example.com"))  # fmt: skip
    ok(await recruit("candidate", "add", backend, "--id", "bo-ek", "--name", "Bo Ek",
                     "--email", "bo@example.com", "--phone", "+46702222222"))  # fmt: skip
    for candidate_id, python, communication, improve in (
        ("anna-berg", 4, 3, "could say more about observability"),
        ("bo-ek", 3, 4, BO_IMPROVEMENT),
    ):
        ok(await recruit("interview", "schedule", backend, candidate_id, "--at", INTERVIEW_AT,
                         "--interviewer", "ida@example.com"))  # fmt: skip
        ok(
            await recruit(
                "interview", "record", backend, candidate_id, "--interviewer", "ida@example.com",
                "--score", f"Python={python}", "--score", f"Communication={communication}",
                "--strength", "clear, well-tested code", "--improve", improve,
            )
        )  # fmt: skip
    ok(await recruit("decide", backend, "anna-berg",
                     "--rationale", "Top score on Python, the role's heaviest criterion."))  # fmt: skip
    ok(await recruit("offer", "accepted", backend, "anna-berg"))

    # The call list: every outstanding call across roles, most urgent first.
    async def both_roles_listed() -> list[dict[str, Any]]:
        calls = as_json(await recruit("call", "list", "--json"))
        ours = [c for c in calls if c["role_id"] in (backend, urgent_role)]
        return ours if {c["role_id"] for c in ours} == {backend, urgent_role} else []

    calls = await eventually(both_roles_listed, "calls from both roles on the call list")
    assert [(c["role_id"], c["candidate_id"]) for c in calls] == [
        (urgent_role, "bjorn-ek"),
        (urgent_role, "cecilia-oberg"),
        (backend, "bo-ek"),
    ]
    assert calls[0]["due"] < calls[2]["due"]
    assert calls[2]["candidate_name"] == "Bo Ek" and calls[2]["role_title"] == "Backend developer"
    table = ok(await recruit("call", "list")).stdout.splitlines()
    rows = [line for line in table if backend in line or urgent_role in line]
    assert len(rows) == 3
    for row, call in zip(rows, calls, strict=True):
        due = datetime.fromisoformat(call["due"]).astimezone(STOCKHOLM)
        assert f"{due:%a %d %b %Y %H:%M %Z}" in row, row
        assert call["role_id"] in row and call["candidate_id"] in row, row
    mine = as_json(await recruit("call", "list", "--recruiter", carl, "--json"))
    assert {c["role_id"] for c in mine} == {urgent_role}

    # The brief for Bo's call: his scores and improvement potential, and the open data role.
    brief = ok(await recruit("call", "brief", backend, "bo-ek")).stdout
    assert "CALL BRIEF – Bo Ek, Backend developer" in brief
    assert "- Python (weight 3): 3, meets" in brief
    assert BO_IMPROVEMENT in brief
    assert f"Data engineer ({data})" in brief
    assert "Anna" not in brief

    logged = ok(
        await recruit(
            "call", "log", backend, "bo-ek", "--reached", "--consent", "--open-to-other-roles",
            "--notes", "Took it well; curious about data work.",
        )
    )  # fmt: skip
    assert "re-engagement check is set up" in logged.stdout

    async def closed() -> bool:
        return bool((await status_of(recruit, backend))["stage"] == "closed")

    await eventually(closed, "the backend role to close")

    # Five seconds later the check asks visibility for open roles and finds the data role.
    async def prompt() -> list[dict[str, Any]]:
        prompts = as_json(await recruit("outbox", "--kind", "reengagement_prompt", "--json"))
        return [p for p in prompts if p["role_id"] == backend and data in p["body"]]

    prompts = await eventually(prompt, "a re-engagement prompt naming the data role", timeout=60)
    assert len(prompts) == 1
    assert (prompts[0]["to"], prompts[0]["candidate_id"]) == (rita, "bo-ek")
    assert "Bo Ek" in prompts[0]["subject"]
    assert f"turned down for Backend developer ({backend})" in prompts[0]["body"]
    assert f"Data engineer ({data})" in prompts[0]["body"]

    # Bo changes his mind: the check ends and no further prompt is sent.
    withdrawn = ok(await recruit("consent", "withdraw", backend, "bo-ek"))
    assert "Consent withdrawn for bo-ek" in withdrawn.stdout
    reengage = worker_running.client.get_workflow_handle(
        ops.reengagement_workflow_id(backend, "bo-ek")
    )

    async def ended() -> bool:
        return (await reengage.describe()).status == WorkflowExecutionStatus.COMPLETED

    await eventually(ended, "the re-engagement check to end")
    await worker_running.client.get_workflow_handle(f"role-{data}").terminate("test over")
    await urgent.terminate("test over")
