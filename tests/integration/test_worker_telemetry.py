"""A `recruit worker` process as ops run it: JSON logs on stderr and a Prometheus endpoint.

The worker runs as a subprocess against a dev server of this module's own (so no other worker
shares its task queue), and a role is carried to its calls and a consenting call. Then the logs
are read line by line and the metrics endpoint is scraped.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from recruitment import ops
from starter.client import connect
from starter.devserver import EmbeddedTemporal, free_port
from tests import factories
from tests.integration import roles
from tests.integration.test_cli import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

RECRUIT = Path(sys.executable).parent / "recruit"
PERSONAL = [name for _, name, _ in factories.APPLICANTS] + [
    email for _, _, email in factories.APPLICANTS
]


@dataclass
class WorkerRun:
    log_lines: list[str]
    metrics: str
    role_id: str


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return str(response.read().decode())


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def worker_run(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[WorkerRun]:
    data_dir = tmp_path_factory.mktemp("telemetry")
    metrics_port = free_port()
    async with EmbeddedTemporal(data_dir, port=free_port(), ui_port=free_port()) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "RECRUIT_"))}
        env.update(
            TEMPORAL_ADDRESS=server.address,
            RECRUIT_DATA_DIR=str(data_dir),
            RECRUIT_LOG_FORMAT="json",
            RECRUIT_METRICS_PORT=str(metrics_port),
        )
        log_path = data_dir / "worker.log"
        worker = await asyncio.create_subprocess_exec(
            str(RECRUIT),
            "worker",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            client = await connect(server.address)
            role = await roles.open_role(client, "telemetry", roles.unique_recruiter())
            await roles.to_calling(role)
            await roles.log_consenting_call(role, "bjorn-ek")
            role_id = role.id.removeprefix("role-")
            reengage = client.get_workflow_handle(ops.reengagement_workflow_id(role_id, "bjorn-ek"))

            async def started() -> bool:
                return (await reengage.describe()).status is not None

            await eventually(started, "the re-engagement check")
            metrics = await asyncio.to_thread(scrape, metrics_port)
        finally:
            worker.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(worker.communicate(), timeout=30)
        await asyncio.to_thread(log_path.write_bytes, stderr)
        yield WorkerRun(log_lines=stderr.decode().splitlines(), metrics=metrics, role_id=role_id)


async def test_every_log_line_is_json_with_ids_and_no_personal_data(worker_run: WorkerRun) -> None:
    assert worker_run.log_lines, "the worker logged nothing"
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(worker_run.log_lines, start=1):
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"worker log line {number} is not JSON: {line[:200]}")
        for personal in PERSONAL:
            assert personal not in line, f"line {number} carries personal data"

    in_activities = [e for e in entries if "activity_type" in e]
    assert {e["activity_type"] for e in in_activities} >= {
        "deliver_notification",
        "archive_entry",
    }
    for entry in in_activities:
        assert entry["workflow_id"] and entry["run_id"]
        assert entry["role_id"] == worker_run.role_id
    delivered = [e for e in in_activities if e["event"] == "notification delivered"]
    assert {e["candidate_id"] for e in delivered} >= {"bjorn-ek", "cecilia-oberg", "elin-ahmadi"}


async def test_metrics_endpoint_serves_worker_and_winwin_metrics(worker_run: WorkerRun) -> None:
    metrics = worker_run.metrics
    assert "temporal_workflow_task_execution_latency" in metrics
    assert "temporal_activity_execution_latency" in metrics
    delivered = [
        line
        for line in metrics.splitlines()
        if line.startswith("winwin_notifications_delivered") and 'kind="call_task"' in line
    ]
    assert delivered, "the call tasks are counted"
    assert float(delivered[0].rsplit(" ", 1)[1]) >= 2
    for counter in ("winwin_calls_logged", "winwin_reengagements_started"):
        samples = [line for line in metrics.splitlines() if line.startswith(counter)]
        assert samples and float(samples[0].rsplit(" ", 1)[1]) >= 1, f"{counter} is counted"
