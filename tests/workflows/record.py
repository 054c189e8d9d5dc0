"""Record fresh histories for the replay test: `python -m tests.workflows.record`.

Runs the seed's story on a time-skipping server with the real activities, and saves the role's
history (offer, letters, calls, closing) and the re-engagement check's (a match after three
weeks) under tests/histories/. Record new ones whenever workflow code changes on purpose, and
keep the old ones: they are what running workflows were started with.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from activities.notes import NotesActivities, NotesArchive
from activities.notifications import NotificationActivities
from recruitment import ops
from recruitment.models import CallOutcome, OfferAccepted
from tests import factories
from tests.workflows.conftest import DescribedRoles, Harness, start_test_server
from tests.workflows.test_story import interview_and_offer
from worker import assemble_worker
from workflows.recruitment import RecruitmentWorkflow

HISTORIES = Path(__file__).resolve().parents[1] / "histories"


async def record() -> None:
    env = await start_test_server()
    try:
        with tempfile.TemporaryDirectory() as folder:
            data_dir = Path(folder)
            roles = DescribedRoles(env.client)
            notifier = NotificationActivities(data_dir, channel="outbox")
            notes = NotesActivities(NotesArchive(data_dir / "notes.db"))
            task_queue = f"record-{uuid.uuid4()}"
            async with assemble_worker(env.client, task_queue, notifier, notes, roles):
                h = Harness(env=env, task_queue=task_queue, data_dir=data_dir, roles=roles)
                role_id = h.role_id("backend")
                role = await interview_and_offer(h, role_id)
                await role.signal(
                    RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id="anna-lindqvist")
                )
                await h.eventually(lambda: len(h.outbox("call_task")) == 2, what="call tasks")
                await role.execute_update(
                    RecruitmentWorkflow.log_call,
                    CallOutcome(
                        candidate_id="bjorn-ek",
                        reached=True,
                        consent_to_contact=True,
                        open_to_other_roles=True,
                    ),
                )
                await role.execute_update(
                    RecruitmentWorkflow.log_call,
                    CallOutcome(candidate_id="cecilia-oberg", reached=False),
                )
                await role.execute_update(
                    RecruitmentWorkflow.log_call,
                    CallOutcome(candidate_id="cecilia-oberg", reached=True),
                )
                await h.until_closed(role)
                await h.open_role(
                    factories.role(h.role_id("platform"), criteria=[{"name": "Python"}])
                )
                await h.advance(timedelta(days=21, hours=1))
                await h.eventually(lambda: h.outbox("reengagement_prompt"), what="the prompt")
                reengage = env.client.get_workflow_handle(
                    ops.reengagement_workflow_id(role_id, "bjorn-ek")
                )
                HISTORIES.mkdir(exist_ok=True)
                for handle, name in (
                    (role, "recruitment-story"),
                    (reengage, "reengagement-matched"),
                ):
                    history = await handle.fetch_history()
                    (HISTORIES / f"{name}.json").write_text(history.to_json())
                    print(f"saved {name}: {len(history.events)} events")
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(record())
