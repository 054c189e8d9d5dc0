"""The Winwin worker: runs the role and re-engagement workflows and their activities.

`create_worker` builds one for a connected client; `main()` runs one against TEMPORAL_ADDRESS
until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from temporalio.client import Client
from temporalio.worker import Worker

from activities.logs import configure_logging, get_logger
from activities.notes import NotesActivities, NotesArchive
from activities.notifications import NotificationActivities, notifier_from_env
from activities.roles import RoleActivities
from recruitment.ops import TASK_QUEUE
from workflows.recruitment import RecruitmentWorkflow
from workflows.reengagement import ReengagementWorkflow
from workflows.retention import RetentionSweepWorkflow


def default_data_dir() -> Path:
    return Path(os.environ.get("RECRUIT_DATA_DIR", ".winwin"))


class OpenRoleLookup(Protocol):
    """Anything with a `find_open_roles` activity: visibility in production, a stand-in in tests."""

    @property
    def find_open_roles(self) -> Callable[..., Any]: ...


def assemble_worker(
    client: Client,
    task_queue: str,
    notifier: NotificationActivities,
    notes: NotesActivities,
    roles: OpenRoleLookup,
    **worker_options: Any,
) -> Worker:
    """Every workflow and activity Winwin runs, on the adapters given. Tests use this too, so
    they register exactly what production does."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[RecruitmentWorkflow, ReengagementWorkflow, RetentionSweepWorkflow],
        activities=[
            notifier.deliver_notification,
            notes.archive_entry,
            notes.erase_candidate_data,
            notes.sweep_notes_archive,
            roles.find_open_roles,
        ],
        **worker_options,
    )


def create_worker(
    client: Client,
    task_queue: str = TASK_QUEUE,
    data_dir: Path | None = None,
    **worker_options: Any,
) -> Worker:
    """A worker for the role, re-engagement and retention-sweep workflows, with the notifier
    chosen by RECRUIT_NOTIFIER and the legal hold by RECRUIT_LEGAL_HOLD."""
    data_dir = data_dir or default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    return assemble_worker(
        client,
        task_queue,
        notifier_from_env(data_dir),
        NotesActivities(NotesArchive.from_env(data_dir / "notes.db")),
        RoleActivities(client),
        **worker_options,
    )


async def run_until_stopped(worker: Worker) -> None:
    """Run until SIGINT or SIGTERM, then let in-flight tasks finish and stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with worker:
        await stop.wait()


async def _main() -> None:
    from starter.client import connect

    configure_logging()
    log = get_logger(component="worker")
    client = await connect()
    worker = create_worker(client)
    log.info("worker started", task_queue=TASK_QUEUE)
    await run_until_stopped(worker)
    log.info("worker stopped")


def main() -> None:
    asyncio.run(_main())


if __name__ == "__main__":
    main()
