"""`recruit demo`: one role's whole story, told step by step against a real Temporal.

It uses the Temporal server at TEMPORAL_ADDRESS when one answers (with a worker of its own if none
polls the task queue), and otherwise starts the embedded dev server and a worker itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowHandle

from activities.logs import configure_logging
from activities.notifications import Outbox
from recruitment import ops
from recruitment.models import (
    CallOutcome,
    Candidate,
    CandidateBatch,
    DecisionResult,
    HiringDecision,
    InterviewBooking,
    InterviewNotes,
    OfferAccepted,
    RecruitmentResult,
    RecruitmentStatus,
    ReengagementStatus,
    RoleOpening,
    parse_duration,
)
from starter.client import connect, data_dir
from starter.devserver import EmbeddedTemporal, server_answers

console = Console(highlight=False)

RECRUITER = {"name": "Rita Rekryterare", "email": "rita@winwin.example"}
APPLICANTS = [
    ("amira-haddad", "Amira Haddad", "amira.haddad@example.com"),
    ("bjorn-akesson", "Björn Åkesson", "bjorn.akesson@example.com"),
    ("chen-wei", "Chen Wei", "chen.wei@example.com"),
    ("dagny-lund", "Dagny Lund", "dagny.lund@example.com"),
    ("erik-strom", "Erik Ström", "erik.strom@example.com"),
]
NOTES = {
    "amira-haddad": (
        {"Python": 4, "System design": 4, "Collaboration": 3},
        ["Byggde en betaltjänst som klarade ett avbrott i ett datacenter", "Tydlig, testad kod"],
        ["Kan delegera mer när hon leder ett team"],
    ),
    "bjorn-akesson": (
        {"Python": 3, "System design": 4, "Collaboration": 4},
        ["Förklarar arkitektur mycket pedagogiskt", "Stark på hur system går sönder"],
        ["Fördjupa Python: typning och async", "Mer vana vid teststrategi"],
    ),
    "chen-wei": (
        {"Python": 3, "System design": 2, "Collaboration": 3},
        ["Lär sig snabbt och har goda grunder i Python"],
        ["Systemdesign för distribuerade tjänster", "Resonera högt om avvägningar"],
    ),
}


def say(text: str) -> None:
    console.print(f"[bold cyan]›[/] {text}")


async def run_demo(exit_when_done: bool, reengage_after: str = "20s") -> None:
    delay = parse_duration(reengage_after)
    # The narration is the demo's output; the worker only speaks up when something is wrong.
    configure_logging(level="WARNING")
    folder = data_dir()
    address = os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233")
    started = time.monotonic()
    async with contextlib.AsyncExitStack() as stack:
        ui_url = "http://127.0.0.1:8233"
        if await server_answers(address):
            say(f"Using the Temporal server at {address}.")
            client = await connect(address)
            ui_url = os.environ.get("TEMPORAL_UI_URL", ui_url)
        else:
            say("No Temporal server answers; starting the embedded one (Temporal CLI dev server).")
            server = await stack.enter_async_context(EmbeddedTemporal(folder))
            address, ui_url = server.address, server.ui_url
            client = await connect(address)
            say(f"Temporal is up at {address}; its UI is at {ui_url}. State lives in {folder}/.")
        if not await _worker_polls(client):
            from worker import create_worker

            await stack.enter_async_context(create_worker(client, data_dir=folder))
            say(f"Started a worker on task queue '{ops.TASK_QUEUE}' (outbox in {folder}/).")
        else:
            say("A worker already polls the task queue; it delivers the letters.")

        role_id = await _tell_the_story(client, folder, delay)

        console.rule("[bold]Where to look")
        console.print(f"Temporal UI: {ui_url}/namespaces/default/workflows")
        console.print("Find the demo role as ops would:")
        console.print(
            f"  temporal workflow list --address {address} "
            f"--query \"RecruitmentStage='closed' AND RoleId='{role_id}'\""
        )
        console.print(f"Story told in {time.monotonic() - started:.0f}s.")
        if not exit_when_done:
            console.print("Serving the UI until Ctrl-C.")
            await _wait_for_stop()


async def _tell_the_story(client: Client, folder: Path, delay: timedelta) -> str:
    suffix = secrets.token_hex(3)
    role_id = f"backend-dev-{suffix}"
    platform_id = f"platform-eng-{suffix}"
    outbox = Outbox(folder / "outbox.jsonl")

    console.rule("[bold]1. A role opens")
    opening = RoleOpening.model_validate(
        {
            "role_id": role_id,
            "title": "Backend developer",
            "recruiter": RECRUITER,
            "language": "sv",
            "criteria": [
                {"name": "Python", "weight": 5, "description": "Skriver tydlig, testad Python"},
                {"name": "System design", "weight": 3, "description": "Tjänster som tål fel"},
                {"name": "Collaboration", "weight": 2, "description": "Samarbetar väl i team"},
            ],
            "policy": {"reengage_after": delay},
        }
    )
    role = await client.start_workflow(
        ops.RECRUITMENT_WORKFLOW,
        opening,
        id=ops.role_workflow_id(role_id),
        task_queue=ops.TASK_QUEUE,
        result_type=RecruitmentResult,
        static_summary=f"{opening.title} — {len(opening.criteria)} criteria",
    )
    say(f"Rita opens '{opening.title}' ({role_id}) with three weighted criteria.")

    batch = CandidateBatch(
        candidates=[Candidate(candidate_id=c, name=n, email=e) for c, n, e in APPLICANTS]
    )
    await role.execute_update("add_candidates", batch, result_type=RecruitmentStatus)
    say(f"{len(APPLICANTS)} people apply. Nobody will hear 'no' until the hire has said yes.")

    console.rule("[bold]2. Interviews, with improvement potential for everyone")
    interview_at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    for candidate_id, (scores, strengths, improve) in NOTES.items():
        await role.execute_update(
            "schedule_interview",
            InterviewBooking(
                candidate_id=candidate_id, at=interview_at, interviewers=["ivar@winwin.example"]
            ),
        )
        await role.execute_update(
            "record_interview",
            InterviewNotes(
                candidate_id=candidate_id,
                interviewer="ivar@winwin.example",
                scores=scores,
                strengths=strengths,
                improvement_potential=improve,
                summary="Strukturerad intervju mot rollens tre kriterier.",
            ),
        )
        say(f"Interviewed {candidate_id}; improvement potential noted: “{improve[0]}”.")

    console.rule("[bold]3. The decision, explained")
    decision = await role.execute_update(
        "decide",
        HiringDecision(
            candidate_id="amira-haddad",
            rationale="Highest weighted score: strongest Python and system design of the three.",
        ),
        result_type=DecisionResult,
    )
    for entry in decision.ranking:
        say(f"  {entry.rank}. {entry.candidate_id}  {entry.weighted_score:.2f}")
    say("Rita offers the role to the top scorer. The others are still warm.")
    rejected_early = [
        line
        for line in outbox.read()
        if line["role_id"] == role_id and line["kind"] in ("rejection_letter", "call_task")
    ]
    say(f"Rejections sent before acceptance: {len(rejected_early)}.")

    await role.signal("offer_accepted", OfferAccepted(candidate_id="amira-haddad"))
    say("The offer is accepted. Now everyone else gets a real answer.")

    console.rule("[bold]4. Letters and calls")
    await _until(
        lambda: (
            _count(outbox, role_id, "rejection_letter") == 2
            and _count(outbox, role_id, "call_task") == 2
        ),
        "the letters and call tasks",
    )
    say("2 kind letters went to the applicants who were never interviewed.")
    say("2 call tasks, each with a brief from the notes, went to Rita.")
    await role.execute_update(
        "log_call",
        CallOutcome(
            candidate_id="bjorn-akesson",
            reached=True,
            notes="Uppskattade den konkreta återkopplingen om Python.",
            consent_to_contact=True,
            open_to_other_roles=True,
        ),
    )
    say("Rita calls Björn: he takes the feedback well and is happy to hear about other roles.")
    await role.execute_update(
        "log_call",
        CallOutcome(candidate_id="chen-wei", reached=True, notes="Ska läsa på om systemdesign."),
    )
    say("Rita calls Chen, who wants to keep growing in system design.")
    result = await role.result()
    say(f"Every candidate has an answer; the role is [bold]{result.stage.value}[/].")

    console.rule(f"[bold]5. The re-engagement check ({_human(delay)})")
    consented_at = time.monotonic()
    await client.start_workflow(
        ops.RECRUITMENT_WORKFLOW,
        RoleOpening.model_validate(
            {
                "role_id": platform_id,
                "title": "Platform engineer",
                "recruiter": RECRUITER,
                "language": "sv",
                "criteria": [
                    {"name": "System design", "weight": 4},
                    {"name": "Collaboration", "weight": 3},
                    {"name": "Kubernetes", "weight": 2},
                ],
            }
        ),
        id=ops.role_workflow_id(platform_id),
        task_queue=ops.TASK_QUEUE,
        static_summary="Platform engineer — opened during the demo",
    )
    say(f"Meanwhile a new need arises: '{platform_id}' opens, looking for system design.")
    reengage: WorkflowHandle[Any, Any] = client.get_workflow_handle(
        ops.reengagement_workflow_id(role_id, "bjorn-akesson")
    )
    waiting = await reengage.query("status", result_type=ReengagementStatus)
    say(f"Björn's check is {waiting.state}; it looks for new roles at its timer.")
    await _until(
        lambda: _count(outbox, role_id, "reengagement_prompt") >= 1,
        "the re-engagement prompt",
        timeout=delay.total_seconds() + 120,
    )
    waited = time.monotonic() - consented_at
    say(
        f"After {waited:.0f}s the check fired and found the platform role; Rita is prompted to call."
    )

    console.rule("[bold]The outbox")
    table = Table("kind", "to", "subject")
    for line in outbox.read():
        if line["role_id"] == role_id:
            table.add_row(line["kind"], line["to"], line["subject"])
    console.print(table)
    return role_id


def _count(outbox: Outbox, role_id: str, kind: str) -> int:
    return sum(1 for line in outbox.read(kind=kind) if line["role_id"] == role_id)


async def _until(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the demo waited {timeout:.0f}s for {what} in vain")
        await asyncio.sleep(0.25)


async def _worker_polls(client: Client) -> bool:
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=ops.TASK_QUEUE),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return len(response.pollers) > 0


async def _wait_for_stop() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def _human(delay: timedelta) -> str:
    seconds = int(delay.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400} days"
    return f"{seconds} s" if seconds < 3600 else f"{seconds / 3600:g} h"
