"""The SMTP channel against a real local SMTP server (aiosmtpd): what arrives in the mailbox."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from temporalio.exceptions import ApplicationError

from activities.notifications import (
    NotificationActivities,
    Outbox,
    SmtpSettings,
    message_id_for,
    notifier_from_env,
)
from recruitment.models import Notification, NotificationKind

REFUSED = "gone@example.se"


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps every accepted message and refuses one address."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpServer:
    mailbox: Mailbox
    port: int


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(mailbox, port)
    finally:
        controller.stop()


def _notifier(data_dir: Path, port: int) -> NotificationActivities:
    settings = SmtpSettings(host="127.0.0.1", port=port, timeout=5.0)
    return NotificationActivities(data_dir, channel="smtp", smtp=settings)


def _letter(
    to: str = "asa@example.se", key: str = "role-backend-dev/rejection/asa"
) -> Notification:
    return Notification(
        key=key,
        kind=NotificationKind.REJECTION_LETTER,
        to=to,
        subject="Tack för din ansökan – vi återkommer",
        body="Hej Åsa!\n\nTack för att du sökte tjänsten. Vi hör av oss snart.\n\nMed vänliga "
        "hälsningar,\nRekryteringsteamet på Gärdet Öst\n",
        role_id="backend-dev",
        candidate_id="asa",
    )


async def test_swedish_letter_arrives_intact(tmp_path: Path, smtp_server: SmtpServer) -> None:
    notifier = _notifier(tmp_path, smtp_server.port)

    receipt = await notifier.deliver_notification(_letter())

    assert (receipt.delivered, receipt.duplicate, receipt.channel) == (True, False, "smtp")
    assert len(smtp_server.mailbox.messages) == 1
    recipients, message = smtp_server.mailbox.messages[0]
    assert recipients == ["asa@example.se"]
    assert message["To"] == "asa@example.se"
    assert message["From"] == "Winwin <winwin@localhost>"
    assert message["Subject"] == "Tack för din ansökan – vi återkommer"
    assert message["Message-ID"] == "<role-backend-dev-rejection-asa@winwin>"
    assert message["Date"]
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert "Hej Åsa!" in body
    assert "Gärdet Öst" in body
    assert "Med vänliga hälsningar" in body.replace("\n", " ")


async def test_sent_email_is_recorded_in_the_outbox(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    await _notifier(tmp_path, smtp_server.port).deliver_notification(_letter())

    records = Outbox(tmp_path / "outbox.jsonl").read(to="asa@example.se")
    assert [(r["key"], r["channel"]) for r in records] == [
        ("role-backend-dev/rejection/asa", "smtp")
    ]


async def test_same_key_is_not_sent_twice(tmp_path: Path, smtp_server: SmtpServer) -> None:
    await _notifier(tmp_path, smtp_server.port).deliver_notification(_letter())
    # A fresh activities object, as after a worker restart, reads the outbox from disk.
    again = await _notifier(tmp_path, smtp_server.port).deliver_notification(_letter())

    assert again.duplicate is True
    assert len(smtp_server.mailbox.messages) == 1


async def test_refused_mailbox_is_undeliverable_and_final(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    notifier = _notifier(tmp_path, smtp_server.port)

    with pytest.raises(ApplicationError) as caught:
        await notifier.deliver_notification(_letter(to=REFUSED, key="role-x/rejection/gone"))

    assert caught.value.type == "Undeliverable"
    assert caught.value.non_retryable is True
    assert caught.value.message == "undeliverable: 550 5.1.1 mailbox unavailable"
    assert REFUSED not in str(caught.value)
    assert smtp_server.mailbox.messages == []
    assert not Outbox(tmp_path / "outbox.jsonl").has("role-x/rejection/gone")


async def test_stopped_server_is_retried(tmp_path: Path) -> None:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    controller.stop()
    notifier = _notifier(tmp_path, port)

    with pytest.raises(ApplicationError) as caught:
        await notifier.deliver_notification(_letter())

    assert caught.value.non_retryable is False
    assert caught.value.type != "Undeliverable"
    assert not Outbox(tmp_path / "outbox.jsonl").has(_letter().key)


def test_message_id_keeps_only_safe_characters() -> None:
    assert message_id_for("role-a/rejection/b c@d") == "<role-a-rejection-b-c-d@winwin>"
    assert message_id_for("reengage-a-b.prompt_1") == "<reengage-a-b.prompt_1@winwin>"
    long_id = message_id_for("role-x/" + "y" * 300)
    assert long_id.startswith("<role-x-yyy") and long_id.endswith("@winwin>")
    assert len(long_id) < 140
    assert long_id != message_id_for("role-x/" + "y" * 299)


def test_smtp_settings_from_env() -> None:
    settings = SmtpSettings.from_env(
        {
            "RECRUIT_SMTP_HOST": "mail.example.se",
            "RECRUIT_SMTP_PORT": "587",
            "RECRUIT_SMTP_USER": "winwin",
            "RECRUIT_SMTP_PASSWORD": "hemligt",
            "RECRUIT_SMTP_STARTTLS": "Yes",
            "RECRUIT_MAIL_FROM": "Rekrytering <jobb@example.se>",
        }
    )
    assert (settings.host, settings.port, settings.user) == ("mail.example.se", 587, "winwin")
    assert settings.starttls is True
    assert settings.mail_from == "Rekrytering <jobb@example.se>"
    assert "hemligt" not in repr(settings)

    defaults = SmtpSettings.from_env({})
    assert (defaults.host, defaults.port, defaults.starttls) == ("localhost", 25, False)
    assert defaults.mail_from == "Winwin <winwin@localhost>"

    with pytest.raises(ValueError, match="RECRUIT_SMTP_PORT"):
        SmtpSettings.from_env({"RECRUIT_SMTP_PORT": "twenty-five"})


def test_notifier_from_env_chooses_the_channel(tmp_path: Path) -> None:
    assert notifier_from_env(tmp_path, {}).channel == "outbox"
    smtp = notifier_from_env(tmp_path, {"RECRUIT_NOTIFIER": "smtp", "RECRUIT_SMTP_PORT": "2525"})
    assert (smtp.channel, smtp.smtp.port) == ("smtp", 2525)
    with pytest.raises(ValueError, match="RECRUIT_NOTIFIER must be 'outbox' or 'smtp'"):
        notifier_from_env(tmp_path, {"RECRUIT_NOTIFIER": "fax"})
