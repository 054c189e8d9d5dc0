"""What ops see: the README's `temporal workflow list` queries, run as written, on the dev server."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from recruitment import ops
from starter.devserver import temporal_binary
from tests.integration import roles
from tests.integration.conftest import RunningTemporal
from tests.integration.test_cli import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_queries() -> dict[str, str]:
    """The ops queries exactly as the README prints them, keyed by a short name."""
    queries = re.findall(r'temporal workflow list --query "([^"]+)"', README.read_text())
    named: dict[str, str] = {}
    for query in queries:
        if "RecruitmentStage=" in query:
            named["by_stage"] = query
        elif "OpenCalls" in query:
            named["open_calls"] = query
        elif "RecruiterEmail=" in query:
            named["by_recruiter"] = query
        elif "Reengagement" in query:
            named["reengagement_pending"] = query
    assert set(named) == {"by_stage", "open_calls", "by_recruiter", "reengagement_pending"}, (
        f"the README should carry the four ops queries; found {queries}"
    )
    return named


async def temporal_list(address: str, query: str) -> list[str]:
    finished = await asyncio.to_thread(
        subprocess.run,
        [
            str(temporal_binary()), "workflow", "list",
            "--address", address, "--query", query, "--output", "json",
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    rows: list[dict[str, Any]] = json.loads(finished.stdout or "[]")
    return [row["execution"]["workflowId"] for row in rows]


async def test_readme_ops_queries_find_what_they_promise(
    worker_running: RunningTemporal,
) -> None:
    client = worker_running.client
    queries = readme_queries()
    recruiter = roles.unique_recruiter()

    interviewing = await roles.open_role(client, "ops-open", recruiter)
    calling = await roles.open_role(client, "ops-calling", recruiter)
    await roles.to_calling(calling)
    await roles.log_consenting_call(calling, "bjorn-ek")
    role_id = calling.id.removeprefix("role-")
    reengagement_id = ops.reengagement_workflow_id(role_id, "bjorn-ek")

    async def listed(query: str, expected: set[str]) -> list[str]:
        async def found() -> list[str]:
            ids = await temporal_list(worker_running.address, query)
            return ids if expected <= set(ids) else []

        return await eventually(found, f"{sorted(expected)} in `{query}`")

    # Roles by stage: the README's example stage is `calling`.
    by_stage = await listed(queries["by_stage"], {calling.id})
    assert interviewing.id not in by_stage

    # Roles with calls still owed: one call is still open on the calling role.
    open_calls = await listed(queries["open_calls"], {calling.id})
    assert interviewing.id not in open_calls

    # One recruiter's roles: the README's address swapped for this test's recruiter.
    own_query = re.sub(
        r"RecruiterEmail='[^']+'", f"RecruiterEmail='{recruiter}'", queries["by_recruiter"]
    )
    assert own_query != queries["by_recruiter"]
    mine = await listed(own_query, {calling.id, interviewing.id})
    assert set(mine) == {calling.id, interviewing.id}

    # Re-engagement checks pending.
    pending = await listed(queries["reengagement_pending"], {reengagement_id})
    assert all(workflow_id.startswith("reengage-") for workflow_id in pending)

    # No personal data in what visibility holds for the role.
    described = await calling.describe()
    visible = json.dumps(
        {pair.key.name: pair.value for pair in described.typed_search_attributes}, default=str
    )
    assert "Lindqvist" not in visible and "@example.com" not in visible.replace(recruiter, "")

    await interviewing.terminate("test over")
    await client.get_workflow_handle(reengagement_id).terminate("test over")
    await calling.terminate("test over")
