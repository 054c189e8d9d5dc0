"""One real Temporal dev server for the integration tier, and a worker beside it.

The server is the same `temporal server start-dev` that `recruit dev` runs, on free ports and a
fresh data dir, so the tests see what a recruiter would: real visibility, real search attributes,
the outbox on disk. The CLI runs as a subprocess, pointed at it through the environment.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client

from starter.client import connect
from starter.devserver import EmbeddedTemporal, free_port

RECRUIT = Path(sys.executable).parent / "recruit"


@dataclass(frozen=True)
class RunningTemporal:
    address: str
    data_dir: Path
    ui_url: str
    client: Client

    def cli_env(self) -> dict[str, str]:
        """The environment a recruiter's shell would have, pointed at this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "RECRUIT_"))}
        env.update(
            TEMPORAL_ADDRESS=self.address,
            TEMPORAL_NAMESPACE="default",
            RECRUIT_DATA_DIR=str(self.data_dir),
            COLUMNS="200",
        )
        return env


@dataclass(frozen=True)
class CliResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return (
            f"recruit {' '.join(self.args)} -> exit {self.returncode}\n"
            f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        )


RecruitCli = Callable[..., Awaitable[CliResult]]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningTemporal]:
    data_dir = tmp_path_factory.mktemp("winwin")
    async with EmbeddedTemporal(data_dir, port=free_port(), ui_port=free_port()) as server:
        client = await connect(server.address, "default", timeout=15)
        yield RunningTemporal(
            address=server.address, data_dir=data_dir, ui_url=server.ui_url, client=client
        )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def worker_running(dev_server: RunningTemporal) -> AsyncIterator[RunningTemporal]:
    from worker import create_worker

    worker = create_worker(dev_server.client, data_dir=dev_server.data_dir)
    async with worker:
        yield dev_server


@pytest.fixture
def recruit(worker_running: RunningTemporal) -> RecruitCli:
    """Runs `recruit ARGS...` as a subprocess without blocking the loop the worker runs on."""
    env = worker_running.cli_env()

    async def run(*args: str, cwd: Path | None = None, timeout: float = 120) -> CliResult:
        def call() -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [str(RECRUIT), *args],
                capture_output=True,
                text=True,
                env=env,
                cwd=cwd,
                timeout=timeout,
            )

        finished = await asyncio.to_thread(call)
        return CliResult(tuple(args), finished.returncode, finished.stdout, finished.stderr)

    return run
