"""`recruit demo --exit` tells the whole story against a server that already answers."""

from __future__ import annotations

import json
import re

import pytest

from tests.integration.conftest import RecruitCli, RunningTemporal

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


async def test_demo_tells_the_story_and_points_ops_at_the_closed_role(
    recruit: RecruitCli, worker_running: RunningTemporal
) -> None:
    result = await recruit("demo", "--exit", "--reengage-after", "5s", timeout=180)
    assert result.returncode == 0, str(result)
    out = result.stdout
    assert f"Using the Temporal server at {worker_running.address}" in out
    assert "A worker already polls the task queue" in out
    assert "Rejections sent before acceptance: 0." in out
    assert "2 kind letters went to the applicants who were never interviewed." in out
    assert "the role is closed" in out
    waited = re.search(r"After (\d+)s the check fired", out)
    assert waited and int(waited.group(1)) >= 5, "the prompt came only after the delay"
    role_id = re.search(r"RoleId='(backend-dev-[0-9a-f]+)'", out.replace("\n", ""))
    assert role_id, "the demo ends with the query that finds its role"

    outbox = [
        line
        for line in json.loads((await recruit("outbox", "--json")).stdout)
        if line["role_id"] == role_id.group(1)
    ]
    kinds = sorted(line["kind"] for line in outbox)
    assert kinds.count("rejection_letter") == 2
    assert kinds.count("call_task") == 2
    assert kinds.count("reengagement_prompt") == 1
