"""A recruiter's day through the `recruit` command, against a real Temporal dev server and worker.

Each test opens its own role (a uuid in the id), drives it only through the CLI, and checks what
the recruiter would see: exit codes, the error line, `role status --json`, the outbox, the call
list, and the role list that visibility answers.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType

from starter.devserver import temporal_binary
from tests.integration.conftest import CliResult, RecruitCli, RunningTemporal

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

ROLE_YAML = """\
id: {role_id}
title: Backend developer
recruiter:
  name: Rita Recruiter
  email: rita@example.com
language: en
timezone: Europe/Stockholm
criteria:
  - name: Python
    weight: 3
    description: Writes clear, tested Python.
  - name: System design
    weight: 2
    description: Designs services that keep working.
  - name: Communication
    weight: 1
    description: Explains trade-offs to non-engineers.
"""

ANNA_NOTES = """\
interviewer: ida@example.com
scores:
  Python: 4
  System design: 3
  Communication: 3
strengths:
  - designed a queue-based import with retries on the whiteboard
improvement_potential:
  - could say more about observability in production
summary: Strong hands-on engineer.
"""

BO_NOTES_WITHOUT_IMPROVEMENT = """\
interviewer: ida@example.com
scores:
  Python: 3
  System design: 2
  Communication: 4
strengths:
  - explains trade-offs very clearly
summary: Good communicator.
"""

INTERVIEW_AT = "2031-03-04T10:00+01:00"


def new_role_id() -> str:
    return f"backend-dev-{uuid.uuid4().hex[:8]}"


def ok(result: CliResult) -> CliResult:
    assert result.returncode == 0, str(result)
    assert "Traceback" not in result.stderr
    return result


def as_json(result: CliResult) -> Any:
    ok(result)
    return json.loads(result.stdout)


async def eventually(
    check: Callable[[], Awaitable[Any]], what: str, timeout: float = 30.0, every: float = 0.5
) -> Any:
    """Polls `check` until it returns something truthy; visibility and signals take a moment."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}; last saw: {last!r}")


async def status_of(recruit: RecruitCli, role_id: str) -> dict[str, Any]:
    status: dict[str, Any] = as_json(await recruit("role", "status", role_id, "--json"))
    return status


def candidate_in(status: dict[str, Any], candidate_id: str) -> dict[str, Any]:
    for record in status["candidates"]:
        if record["candidate"]["candidate_id"] == candidate_id:
            return dict(record)
    raise AssertionError(f"{candidate_id} is not in {status['role_id']}")


async def open_role(recruit: RecruitCli, tmp_path: Path) -> str:
    role_id = new_role_id()
    role_file = tmp_path / "role.yaml"
    role_file.write_text(ROLE_YAML.format(role_id=role_id))
    opened = ok(await recruit("role", "open", str(role_file)))
    assert f"Role {role_id}" in opened.stdout and "is open" in opened.stdout
    return role_id


async def test_a_role_from_opening_to_closed(
    recruit: RecruitCli, tmp_path: Path, worker_running: RunningTemporal
) -> None:
    role_id = await open_role(recruit, tmp_path)

    # Three applicants: two from a CSV export, one typed in.
    applicants = tmp_path / "applicants.csv"
    applicants.write_text(
        "id,name,email,phone\n"
        "anna-berg,Anna Berg,anna@example.com,+46701111111\n"
        "bo-ek,Bo Ek,bo@example.com,\n"
    )
    imported = ok(await recruit("candidate", "import", role_id, str(applicants)))
    assert "Imported 2" in imported.stdout
    ok(
        await recruit(
            "candidate", "add", role_id, "--id", "cia-lind", "--name", "Cia Lind",
            "--email", "cia@example.com",
        )
    )  # fmt: skip
    status = await status_of(recruit, role_id)
    assert [r["candidate"]["candidate_id"] for r in status["candidates"]] == [
        "anna-berg",
        "bo-ek",
        "cia-lind",
    ]

    # Interviews for Anna and Bo; Cia is never interviewed.
    for candidate_id in ("anna-berg", "bo-ek"):
        booked = await recruit(
            "interview", "schedule", role_id, candidate_id,
            "--at", INTERVIEW_AT, "--interviewer", "ida@example.com",
        )  # fmt: skip
        ok(booked)
        assert "booked" in booked.stdout

    anna_notes = tmp_path / "anna.yaml"
    anna_notes.write_text(ANNA_NOTES)
    ok(await recruit("interview", "record", role_id, "anna-berg", "--file", str(anna_notes)))

    # Notes without improvement potential never reach the workflow.
    bo_incomplete = tmp_path / "bo.yaml"
    bo_incomplete.write_text(BO_NOTES_WITHOUT_IMPROVEMENT)
    refused_notes = await recruit(
        "interview", "record", role_id, "bo-ek", "--file", str(bo_incomplete)
    )
    assert refused_notes.returncode == 2, str(refused_notes)
    assert "improvement_potential" in refused_notes.stderr
    assert "Traceback" not in refused_notes.stderr
    bo = candidate_in(await status_of(recruit, role_id), "bo-ek")
    assert bo["notes"] is None
    assert bo["status"] == "scheduled"

    ok(
        await recruit(
            "interview", "record", role_id, "bo-ek",
            "--interviewer", "ida@example.com",
            "--score", "Python=3", "--score", "System design=2", "--score", "Communication=4",
            "--strength", "explains trade-offs very clearly",
            "--improve", "deepen distributed-systems design: queues, retries, idempotency",
            "--summary", "Good communicator, less design depth.",
        )
    )  # fmt: skip

    # The decision rule: only an interviewee can be hired.
    not_interviewed = await recruit(
        "decide", role_id, "cia-lind",
        "--rationale", "Strongest Python experience on paper and a good portfolio.",
    )  # fmt: skip
    assert not_interviewed.returncode == 1, str(not_interviewed)
    assert re.search(r"not (been )?interviewed", not_interviewed.stderr), not_interviewed.stderr
    assert "Traceback" not in not_interviewed.stderr
    assert (await status_of(recruit, role_id))["stage"] == "interviewing"

    decided = ok(
        await recruit(
            "decide", role_id, "anna-berg",
            "--rationale", "Top score on Python and system design; designed a sound import queue.",
        )
    )  # fmt: skip
    assert "anna-berg" in decided.stdout and "bo-ek" in decided.stdout  # the ranking
    status = await status_of(recruit, role_id)
    assert status["stage"] == "offer_out"
    assert status["offered_to"] == "anna-berg"

    # A signal cannot be refused, so the CLI checks first and sends nothing for the wrong person.
    wrong = await recruit("offer", "accepted", role_id, "bo-ek")
    assert wrong.returncode == 1, str(wrong)
    assert "anna-berg" in wrong.stderr and "nothing sent" in wrong.stderr
    status = await status_of(recruit, role_id)
    assert status["stage"] == "offer_out"
    assert status["ignored_signals"] == []

    ok(await recruit("offer", "accepted", role_id, "anna-berg", "--start-date", "2031-05-01"))

    async def calling() -> dict[str, Any] | None:
        current = await status_of(recruit, role_id)
        return current if current["stage"] == "calling" else None

    status = await eventually(calling, "the role to reach the calling stage")
    assert status["hired"] == "anna-berg"

    # The applicant who was never interviewed gets a letter; nobody else does.
    async def letters() -> list[dict[str, Any]]:
        sent = as_json(await recruit("outbox", "--kind", "rejection_letter", "--json"))
        return [m for m in sent if m["role_id"] == role_id]

    sent = await eventually(letters, "the rejection letter to cia-lind")
    await asyncio.sleep(1)  # a second letter, if one were wrongly sent, would be there by now
    sent = await letters()
    assert [(m["to"], m["candidate_id"]) for m in sent] == [("cia@example.com", "cia-lind")]

    # The runner-up is on the call list, with a brief to prepare the call.
    async def bo_on_call_list() -> list[dict[str, Any]]:
        calls = as_json(await recruit("call", "list", "--json"))
        return [c for c in calls if c["role_id"] == role_id]

    calls = await eventually(bo_on_call_list, "bo-ek on the call list")
    assert [c["candidate_id"] for c in calls] == ["bo-ek"]
    assert calls[0]["candidate_name"] == "Bo Ek"
    table = ok(await recruit("call", "list"))
    assert "bo-ek" in table.stdout
    overview = ok(await recruit("role", "status", role_id))
    assert "1 outstanding, 0 overdue, 0 done" in overview.stdout

    brief = ok(await recruit("call", "brief", role_id, "bo-ek"))
    assert "distributed-systems design" in brief.stdout
    no_brief = await recruit("call", "brief", role_id, "cia-lind")
    assert no_brief.returncode == 1
    assert "not interviewed" in no_brief.stderr

    merits = ok(await recruit("role", "merits", role_id))
    assert "Anna" not in merits.stdout  # the merits summary never names the hire
    assert "Python" in merits.stdout

    ok(
        await recruit(
            "call", "log", role_id, "bo-ek", "--reached",
            "--notes", "Took it well; will work on design depth.",
        )
    )  # fmt: skip

    async def closed() -> dict[str, Any] | None:
        current = await status_of(recruit, role_id)
        return current if current["stage"] == "closed" else None

    status = await eventually(closed, "the role to close once everyone has an answer")
    assert {r["candidate"]["candidate_id"]: r["status"] for r in status["candidates"]} == {
        "anna-berg": "hired",
        "bo-ek": "called",
        "cia-lind": "letter_sent",
    }

    async def listed_as_closed() -> list[dict[str, Any]]:
        roles = as_json(await recruit("role", "list", "--stage", "closed", "--json"))
        return [r for r in roles if r["role_id"] == role_id]

    listed = await eventually(listed_as_closed, "the role in `role list --stage closed`")
    assert listed[0]["title"] == "Backend developer"
    assert listed[0]["stage"] == "closed"
    assert listed[0]["open_calls"] == 0

    # Ops find it with the plain temporal CLI, as the README tells them to.
    found = await asyncio.to_thread(
        subprocess.run,
        [
            str(temporal_binary()), "workflow", "list",
            "--address", worker_running.address,
            "--query", f"RecruitmentStage='closed' AND RoleId='{role_id}'",
            "--output", "json",
        ],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert [w["execution"]["workflowId"] for w in json.loads(found.stdout)] == [f"role-{role_id}"]

    # None of the refused requests above failed a workflow task.
    history = await worker_running.client.get_workflow_handle(f"role-{role_id}").fetch_history()
    failed = [
        e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert failed == []


async def test_opening_the_same_role_twice_is_refused(recruit: RecruitCli, tmp_path: Path) -> None:
    role_id = await open_role(recruit, tmp_path)

    again = await recruit("role", "open", str(tmp_path / "role.yaml"))

    assert again.returncode == 1, str(again)
    assert f"role {role_id} is already open" in again.stderr


async def test_unknown_role_is_refused(recruit: RecruitCli) -> None:
    result = await recruit("role", "status", f"no-such-{uuid.uuid4().hex[:8]}")

    assert result.returncode == 1, str(result)
    assert "no role named no-such-" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


async def test_a_refused_update_prints_the_workflows_reason(
    recruit: RecruitCli, tmp_path: Path
) -> None:
    role_id = await open_role(recruit, tmp_path)
    ok(
        await recruit(
            "candidate", "add", role_id, "--id", "anna-berg", "--name", "Anna Berg",
            "--email", "anna@example.com",
        )
    )  # fmt: skip

    duplicate_email = await recruit(
        "candidate", "add", role_id, "--id", "anna-b", "--name", "Anna B",
        "--email", "anna@example.com",
    )  # fmt: skip
    no_call_owed = await recruit("call", "log", role_id, "anna-berg", "--not-reached")

    assert duplicate_email.returncode == 1, str(duplicate_email)
    assert "Traceback" not in duplicate_email.stderr
    assert no_call_owed.returncode == 1, str(no_call_owed)
    assert "no call" in no_call_owed.stderr


async def test_role_list_shows_open_roles_with_their_title(
    recruit: RecruitCli, tmp_path: Path
) -> None:
    role_id = await open_role(recruit, tmp_path)

    async def listed() -> list[dict[str, Any]]:
        roles = as_json(await recruit("role", "list", "--stage", "interviewing", "--json"))
        return [r for r in roles if r["role_id"] == role_id]

    row = (await eventually(listed, "the new role in `role list`"))[0]
    assert row["title"] == "Backend developer"
    assert row["recruiter"] == "rita@example.com"
    table = ok(await recruit("role", "list", "--recruiter", "rita@example.com"))
    assert role_id in table.stdout


async def test_withdrawing_consent_without_a_check_is_refused(recruit: RecruitCli) -> None:
    result = await recruit("consent", "withdraw", "backend-dev-nope", "anna-berg")

    assert result.returncode == 1, str(result)
    assert "no re-engagement check" in result.stderr
