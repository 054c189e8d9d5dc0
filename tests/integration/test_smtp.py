"""Real email: a Swedish role carried through to its letters, delivered by SMTP to a local
aiosmtpd on loopback, with the workflows on the real dev server.

What is checked is what a mailbox would show: who each message went to, its decoded subject, the
Swedish text, and a Message-ID derived from the notification key. Two faults: the mail server
down for 30 s while the letters are due, and a permanent 550 for one recipient.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from temporalio.client import Client, WorkflowHandle

from activities.notes import NotesActivities, NotesArchive
from activities.notifications import NotificationActivities, SmtpSettings, message_id_for
from activities.roles import RoleActivities
from recruitment import letters, ops
from recruitment.models import (
    Candidate,
    CandidateBatch,
    CandidateStatus,
    HiringDecision,
    InterviewNotes,
    OfferAccepted,
    RecruitmentResult,
    RecruitmentStatus,
    RoleOpening,
)
from starter.devserver import free_port
from tests.integration.conftest import RunningTemporal
from worker import assemble_worker
from workflows.recruitment import RecruitmentWorkflow

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

RECRUITER = {"name": "Karin Ångström", "email": "karin.angstrom@example.se"}
HIRE = Candidate(candidate_id="lars-hed", name="Lars Hed", email="lars.hed@example.se")
RUNNER_UP = Candidate(
    candidate_id="marta-sjo", name="Märta Sjö", email="marta.sjo@example.se", phone="070-111 22 33"
)
ASA = Candidate(candidate_id="asa-oberg", name="Åsa Öberg", email="asa.oberg@example.se")
ORJAN = Candidate(
    candidate_id="orjan-adelsvard", name="Örjan Ädelsvärd", email="orjan.adelsvard@example.se"
)
OUTAGE_SECONDS = 30.0


# -- the mail server ------------------------------------------------------------------------


@dataclass
class Mailbox:
    """An aiosmtpd handler: keeps every accepted message, refuses the addresses it is told to."""

    refused: set[str] = field(default_factory=set)
    received: list[tuple[list[str], bytes, EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), raw, parsed))
        return "250 Message accepted for delivery"

    def by_message_id(self) -> dict[str, tuple[list[str], bytes, EmailMessage]]:
        return {message_id(message): (to, raw, message) for to, raw, message in self.received}

    def message_id_counts(self) -> Counter[str]:
        return Counter(message_id(message) for _, _, message in self.received)


def message_id(message: EmailMessage) -> str:
    # A long Message-ID is folded onto a line of its own, as RFC 5322 allows; this parser keeps
    # the folding whitespace, where a mail client drops it.
    return str(message["Message-ID"]).strip()


@dataclass
class MailServer:
    """aiosmtpd on 127.0.0.1, which a test can stop and start again on the same port."""

    mailbox: Mailbox
    port: int
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer(Mailbox(), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- a worker that sends real email -----------------------------------------------------------


@dataclass
class SmtpWorld:
    client: Client
    task_queue: str
    mail: MailServer
    archive: NotesArchive


@pytest_asyncio.fixture(loop_scope="session")
async def smtp_world(
    dev_server: RunningTemporal, mail_server: MailServer, tmp_path: Path
) -> AsyncIterator[SmtpWorld]:
    """A worker of the test's own on a fresh task queue, as RECRUIT_NOTIFIER=smtp would build it."""
    task_queue = f"smtp-{uuid.uuid4()}"
    notifier = NotificationActivities(
        tmp_path,
        channel="smtp",
        smtp=SmtpSettings(
            host="127.0.0.1",
            port=mail_server.port,
            mail_from="Rekrytering <rekrytering@example.se>",
            timeout=5.0,
        ),
    )
    archive = NotesArchive(tmp_path / "notes.db")
    notes = NotesActivities(archive)
    roles = RoleActivities(dev_server.client)
    async with assemble_worker(dev_server.client, task_queue, notifier, notes, roles):
        yield SmtpWorld(dev_server.client, task_queue, mail_server, archive)
    archive.close()


def swedish_role() -> RoleOpening:
    return RoleOpening.model_validate(
        {
            "role_id": f"systemutvecklare-{uuid.uuid4().hex[:8]}",
            "title": "Systemutvecklare i Göteborg",
            "recruiter": RECRUITER,
            "language": "sv",
            "criteria": [
                {"name": "Python", "weight": 5, "description": "Skriver tydlig, testad Python"},
                {"name": "Samarbete", "weight": 3, "description": "Arbetar väl i team"},
            ],
        }
    )


def notes_for(candidate: Candidate, python: int, samarbete: int) -> InterviewNotes:
    return InterviewNotes(
        candidate_id=candidate.candidate_id,
        interviewer="ida.intervjuare@example.se",
        scores={"Python": python, "Samarbete": samarbete},
        strengths=["Förklarar avvägningar tydligt"],
        improvement_potential=["Mer erfarenhet av drift i produktion"],
        summary="Välstrukturerad intervju med konkreta exempel.",
    )


async def decided_role(
    world: SmtpWorld, applicants: list[Candidate], interviewed: dict[str, tuple[int, int]]
) -> tuple[RoleOpening, WorkflowHandle[Any, Any]]:
    """A Swedish role with its applicants, interview notes and decision; the offer is out."""
    role = swedish_role()
    handle = await world.client.start_workflow(
        RecruitmentWorkflow.run,
        role,
        id=ops.role_workflow_id(role.role_id),
        task_queue=world.task_queue,
    )
    await handle.execute_update(
        RecruitmentWorkflow.add_candidates, CandidateBatch(candidates=applicants)
    )
    for candidate in applicants:
        if candidate.candidate_id in interviewed:
            python, samarbete = interviewed[candidate.candidate_id]
            await handle.execute_update(
                RecruitmentWorkflow.record_interview, notes_for(candidate, python, samarbete)
            )
    await handle.execute_update(
        RecruitmentWorkflow.decide,
        HiringDecision(
            candidate_id=HIRE.candidate_id,
            rationale="Starkast i Python och samarbete enligt båda intervjuerna.",
        ),
    )
    return role, handle


async def accept_offer(handle: WorkflowHandle[Any, Any]) -> None:
    await handle.signal(
        RecruitmentWorkflow.offer_accepted, OfferAccepted(candidate_id=HIRE.candidate_id)
    )


def key(role: RoleOpening, kind: str, candidate: Candidate, purpose: str = "") -> str:
    base = f"{ops.role_workflow_id(role.role_id)}/{kind}/{candidate.candidate_id}"
    return f"{base}/{purpose}" if purpose else base


async def until(check: Any, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        await asyncio.sleep(0.1)


async def result_of(handle: WorkflowHandle[Any, Any], timeout: float = 60) -> RecruitmentResult:
    result: RecruitmentResult = await asyncio.wait_for(handle.result(), timeout)
    return result


def text_of(message: EmailMessage) -> str:
    """The body as the letter was written: SMTP's CRLF line ends back to newlines."""
    return str(message.get_content()).replace("\r\n", "\n")


def assert_rejection_letter(
    mailbox: Mailbox, role: RoleOpening, candidate: Candidate
) -> EmailMessage:
    message_id = message_id_for(key(role, "rejection_letter", candidate))
    recipients, raw, message = mailbox.by_message_id()[message_id]
    expected = letters.rejection_letter(role, candidate)
    assert recipients == [candidate.email]
    assert message["To"] == candidate.email
    assert message["From"] == "Rekrytering <rekrytering@example.se>"
    assert message["Subject"] == expected.subject == "Din ansökan till Systemutvecklare i Göteborg"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    # 7-bit clean on the wire (encoded words, quoted-printable), whole again once decoded.
    assert raw.isascii()
    body = text_of(message)
    assert body == expected.body
    assert body.startswith(f"Hej {candidate.name},")
    assert "Tack för att du sökte rollen som Systemutvecklare i Göteborg" in body
    assert "Vänliga hälsningar\nKarin Ångström" in body
    return message


# -- the tests --------------------------------------------------------------------------------


async def test_a_swedish_role_reaches_every_mailbox_intact(smtp_world: SmtpWorld) -> None:
    mailbox = smtp_world.mail.mailbox
    role, handle = await decided_role(
        smtp_world, [HIRE, RUNNER_UP, ASA, ORJAN], {"lars-hed": (4, 4), "marta-sjo": (3, 3)}
    )
    assert mailbox.received == [], "nobody hears no before the offer is accepted"

    await accept_offer(handle)
    expected = {
        message_id_for(key(role, "rejection_letter", ASA)),
        message_id_for(key(role, "rejection_letter", ORJAN)),
        message_id_for(key(role, "call_task", RUNNER_UP)),
    }
    await until(lambda: expected <= set(mailbox.by_message_id()), "the letters", 30)

    asa = assert_rejection_letter(mailbox, role, ASA)
    assert message_id(asa) == f"<role-{role.role_id}-rejection_letter-asa-oberg@winwin>"
    assert_rejection_letter(mailbox, role, ORJAN)
    to, raw, call_task = mailbox.by_message_id()[message_id_for(key(role, "call_task", RUNNER_UP))]
    assert to == [RECRUITER["email"]]
    assert raw.isascii()
    assert "Märta Sjö" in call_task["Subject"]
    body = text_of(call_task)
    assert body.startswith("Hej Karin Ångström,")
    assert "Märta Sjö" in body and "070-111 22 33" in body
    assert "Mer erfarenhet av drift i produktion" in body  # the improvement potential, verbatim
    # The hire hears nothing from Winwin, and nobody is mailed twice.
    assert HIRE.email not in {address for rcpts, _, _ in mailbox.received for address in rcpts}
    assert set(mailbox.message_id_counts().values()) == {1}
    await handle.terminate("test done")


async def test_letters_due_while_the_mail_server_is_down_arrive_once_it_is_back(
    smtp_world: SmtpWorld,
) -> None:
    server = smtp_world.mail
    role, handle = await decided_role(
        smtp_world, [HIRE, RUNNER_UP, ASA, ORJAN], {"lars-hed": (4, 4), "marta-sjo": (3, 3)}
    )
    expected = {
        message_id_for(key(role, "rejection_letter", ASA)),
        message_id_for(key(role, "rejection_letter", ORJAN)),
        message_id_for(key(role, "call_task", RUNNER_UP)),
    }

    server.stop()
    stopped_at = time.monotonic()
    # The letters fall due a second into the outage. Retries come 2, 4, 8 and 16 s apart, so the
    # fifth attempt lands just after the server is back at 30 s.
    await asyncio.sleep(1.0)
    await accept_offer(handle)

    async def failing_attempts() -> int:
        described = await handle.describe()
        return sum(
            1
            for pending in described.raw_description.pending_activities
            if pending.attempt >= 2 and "smtp unreachable" in pending.last_failure.message
        )

    deadline = time.monotonic() + 20
    while await failing_attempts() < len(expected):
        assert time.monotonic() < deadline, "the deliveries were never retried"
        await asyncio.sleep(0.5)
    assert server.mailbox.received == []

    await asyncio.sleep(OUTAGE_SECONDS - (time.monotonic() - stopped_at))
    server.start()
    await until(lambda: expected <= set(server.mailbox.by_message_id()), "the letters", 75)
    await asyncio.sleep(2.0)  # long enough for a duplicate to show up, were one coming

    assert server.mailbox.message_id_counts() == Counter(dict.fromkeys(expected, 1))
    assert_rejection_letter(server.mailbox, role, ASA)
    assert_rejection_letter(server.mailbox, role, ORJAN)
    status: RecruitmentStatus = await handle.query(RecruitmentWorkflow.status)
    statuses = {record.candidate_id: record.status for record in status.candidates}
    assert statuses[ASA.candidate_id] == statuses[ORJAN.candidate_id] == CandidateStatus.LETTER_SENT
    await handle.terminate("test done")


async def test_a_permanent_550_is_recorded_and_the_recruiter_is_told(
    smtp_world: SmtpWorld,
) -> None:
    mailbox = smtp_world.mail.mailbox
    mailbox.refused.add(ORJAN.email)
    role, handle = await decided_role(smtp_world, [HIRE, ASA, ORJAN], {"lars-hed": (4, 4)})

    await accept_offer(handle)
    result = await result_of(handle)

    assert result.letters_sent == 2  # both are answered: one by letter, one through the recruiter
    notice_id = message_id_for(key(role, "delivery_failed", ORJAN, "rejection_letter"))
    assert mailbox.message_id_counts() == Counter(
        {message_id_for(key(role, "rejection_letter", ASA)): 1, notice_id: 1}
    )
    assert_rejection_letter(mailbox, role, ASA)
    to, raw, notice = mailbox.by_message_id()[notice_id]
    assert to == [RECRUITER["email"]]
    assert raw.isascii()
    assert notice["Subject"] == "Brevet till Örjan Ädelsvärd gick inte fram"
    body = text_of(notice)
    assert "kunde inte levereras till orjan.adelsvard@example.se" in body
    assert "550 5.1.1 mailbox unavailable" in body
    assert f"recruit role status {role.role_id}" in body

    status: RecruitmentStatus = await handle.query(RecruitmentWorkflow.status)
    bounced = [
        event
        for event in status.timeline
        if event.kind == "rejection_letter_undeliverable"
        and event.candidate_id == ORJAN.candidate_id
    ]
    assert bounced, [event.kind for event in status.timeline]
    assert "550" in bounced[0].detail
    assert ORJAN.email not in bounced[0].detail
    assert not any(
        event.kind.endswith("_undeliverable") and event.candidate_id == ASA.candidate_id
        for event in status.timeline
    )
