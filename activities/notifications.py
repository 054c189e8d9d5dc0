"""Delivers notifications: rejection letters, call tasks, reminders and prompts.

Two channels share one activity, `deliver_notification`:
- `outbox` appends a JSON line to `{data_dir}/outbox.jsonl`. It is the default, and what
  `recruit outbox` reads.
- `smtp` sends real email and then records it in the same outbox, so `recruit outbox` shows
  everything that went out.

The notification's `key` makes delivery idempotent: the outbox holds each key once, and the SMTP
channel sends nothing for a key the outbox already holds, so a retry after a successful send does
not mail the candidate twice. The key is also the email's Message-ID.
"""

from __future__ import annotations

import asyncio
import email.policy
import email.utils
import fcntl
import hashlib
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import IO, Any

import aiosmtplib
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.logs import get_logger, redact_email_addresses
from recruitment.models import DeliveryReceipt, Notification

OUTBOX_FILE = "outbox.jsonl"
CHANNEL_OUTBOX = "outbox"
CHANNEL_SMTP = "smtp"
CHANNELS = (CHANNEL_OUTBOX, CHANNEL_SMTP)
NOTIFIER_ENV = "RECRUIT_NOTIFIER"
UNDELIVERABLE = "Undeliverable"

_log = get_logger(component="notifications")

_TRUE = {"1", "true", "yes"}
_MESSAGE_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# A Message-ID is one header line; keys longer than this keep a readable prefix and a digest.
_MESSAGE_ID_MAX = 120


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    mail_from: str = "Winwin <winwin@localhost>"
    timeout: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if environ is None else environ
        defaults = cls()
        raw_port = env.get("RECRUIT_SMTP_PORT", "").strip()
        try:
            port = int(raw_port) if raw_port else defaults.port
        except ValueError:
            raise ValueError(f"RECRUIT_SMTP_PORT must be a port number, not {raw_port!r}") from None
        return cls(
            host=env.get("RECRUIT_SMTP_HOST", "").strip() or defaults.host,
            port=port,
            user=env.get("RECRUIT_SMTP_USER") or None,
            password=env.get("RECRUIT_SMTP_PASSWORD") or None,
            starttls=env.get("RECRUIT_SMTP_STARTTLS", "").strip().lower() in _TRUE,
            mail_from=env.get("RECRUIT_MAIL_FROM", "").strip() or defaults.mail_from,
        )


class Outbox:
    """An append-only JSON-lines record of every notification, one line per key.

    Several workers may share a data dir, so the check for a key and the append happen under an
    exclusive `flock` on the file, after catching up on lines other processes added.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._keys: set[str] = set()
        self._offset = 0  # bytes of the file already read into _keys

    def append(self, notification: Notification, channel: str) -> bool:
        """Writes the notification unless its key is already there. True if a line was written."""
        line = {
            "key": notification.key,
            "kind": str(notification.kind),
            "to": notification.to,
            "subject": notification.subject,
            "body": notification.body,
            "role_id": notification.role_id,
            "candidate_id": notification.candidate_id,
            "channel": channel,
            "sent_at": datetime.now(UTC).isoformat(),
        }
        encoded = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a+b") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    self._catch_up(fh)
                    if notification.key in self._keys:
                        return False
                    if not self._ends_with_newline(fh):
                        # A writer died mid-line; start ours on a fresh line so it stays readable.
                        encoded = b"\n" + encoded
                    fh.write(encoded)
                    fh.flush()
                    os.fsync(fh.fileno())
                    self._offset = fh.tell()
                    self._keys.add(notification.key)
                    return True
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)

    def has(self, key: str) -> bool:
        with self._lock:
            if key in self._keys:
                return True
            if not self.path.exists():
                return False
            with open(self.path, "rb") as fh:
                fcntl.flock(fh, fcntl.LOCK_SH)
                try:
                    self._catch_up(fh)
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
            return key in self._keys

    def read(self, to: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """Every recorded notification, oldest first, optionally for one recipient or kind."""
        if not self.path.exists():
            return []
        with open(self.path, "rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH)
            try:
                content = fh.read()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        wanted_to = to.strip().casefold() if to else None
        wanted_kind = str(kind) if kind else None
        records = []
        for record in _parse_lines(content):
            if wanted_to is not None and str(record.get("to", "")).casefold() != wanted_to:
                continue
            if wanted_kind is not None and record.get("kind") != wanted_kind:
                continue
            records.append(record)
        return records

    def _catch_up(self, fh: IO[bytes]) -> None:
        """Reads keys from lines appended since the last look, by this or another process."""
        size = os.fstat(fh.fileno()).st_size
        if size < self._offset:
            # The file was truncated or replaced; start over.
            self._keys.clear()
            self._offset = 0
        if size == self._offset:
            return
        fh.seek(self._offset)
        chunk = fh.read(size - self._offset)
        complete = chunk.rfind(b"\n") + 1  # a trailing partial line is re-read next time
        for record in _parse_lines(chunk[:complete]):
            key = record.get("key")
            if isinstance(key, str):
                self._keys.add(key)
        self._offset += complete

    @staticmethod
    def _ends_with_newline(fh: IO[bytes]) -> bool:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return True
        fh.seek(size - 1)
        return fh.read(1) == b"\n"


def _parse_lines(content: bytes) -> list[dict[str, Any]]:
    records = []
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            _log.warning("outbox line unreadable, skipped", line=number)
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def message_id_for(key: str) -> str:
    """`<{key}@winwin>`, with the key reduced to characters a Message-ID may hold."""
    safe = _MESSAGE_ID_UNSAFE.sub("-", key)
    safe = re.sub(r"\.{2,}", ".", safe).strip(".") or "notification"
    if len(safe) > _MESSAGE_ID_MAX:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        safe = f"{safe[: _MESSAGE_ID_MAX - 17].rstrip('.')}.{digest}"
    return f"<{safe}@winwin>"


def compose_email(notification: Notification, mail_from: str) -> EmailMessage:
    """A UTF-8 MIME message; headers are RFC 2047 encoded so å, ä and ö survive any server."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = mail_from
    message["To"] = notification.to
    message["Subject"] = notification.subject
    message["Date"] = email.utils.format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id_for(notification.key)
    # Quoted-printable keeps the body 7-bit clean for servers without 8BITMIME, and readable.
    message.set_content(notification.body, charset="utf-8", cte="quoted-printable")
    return message


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(redact_email_addresses(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _undeliverable(code: int, message: str) -> ApplicationError:
    return ApplicationError(
        f"undeliverable: {code} {_short(message)}", type=UNDELIVERABLE, non_retryable=True
    )


def smtp_failure(err: Exception) -> ApplicationError:
    """Maps an aiosmtplib error to how Temporal should treat it.

    Only a permanent refusal of the recipient or of the message is final; everything else,
    including our own configuration being refused, is retried with backoff so that fixing the
    server or the settings lets the letter go out.
    """
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused):
        refusals = err.recipients
        if refusals and all(r.code >= 500 for r in refusals):
            return _undeliverable(refusals[0].code, refusals[0].message)
        first = refusals[0] if refusals else None
        detail = f"{first.code} {_short(first.message)}" if first else "no reply"
        return ApplicationError(f"recipient deferred: {detail}", type="SmtpDeferred")
    if isinstance(err, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        if err.code >= 500:
            return _undeliverable(err.code, err.message)
        return ApplicationError(f"deferred: {err.code} {_short(err.message)}", type="SmtpDeferred")
    if isinstance(err, aiosmtplib.SMTPResponseException):
        return ApplicationError(
            f"smtp server refused the session: {err.code} {_short(err.message)}",
            type="SmtpRefused" if err.code >= 500 else "SmtpDeferred",
        )
    if isinstance(err, TimeoutError):
        return ApplicationError(f"smtp timeout: {_short(str(err))}", type="SmtpUnavailable")
    if isinstance(err, ConnectionError | OSError):
        return ApplicationError(f"smtp unreachable: {_short(str(err))}", type="SmtpUnavailable")
    return ApplicationError(f"smtp error: {_short(str(err))}", type="SmtpError")


class NotificationActivities:
    """The `deliver_notification` activity over the outbox or SMTP channel."""

    def __init__(
        self, data_dir: Path, channel: str = CHANNEL_OUTBOX, smtp: SmtpSettings | None = None
    ) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"unknown notification channel {channel!r}; use outbox or smtp")
        self.channel = channel
        self.smtp = smtp or SmtpSettings()
        self.outbox = Outbox(Path(data_dir) / OUTBOX_FILE)

    @activity.defn(name="deliver_notification")
    async def deliver_notification(self, notification: Notification) -> DeliveryReceipt:
        log = _log.bind(
            key=notification.key,
            kind=str(notification.kind),
            role_id=notification.role_id,
            candidate_id=notification.candidate_id,
            channel=self.channel,
        )
        if self.channel == CHANNEL_SMTP:
            receipt = await self._send_email(notification)
        else:
            appended = await asyncio.to_thread(self.outbox.append, notification, CHANNEL_OUTBOX)
            receipt = DeliveryReceipt(
                key=notification.key,
                channel=CHANNEL_OUTBOX,
                delivered=True,
                duplicate=not appended,
            )
        log.info("notification delivered", duplicate=receipt.duplicate)
        if not receipt.duplicate and activity.in_activity():
            activity.metric_meter().create_counter(
                "winwin_notifications_delivered",
                "Letters, call tasks, reminders and prompts delivered, by kind",
            ).add(1, {"kind": str(notification.kind), "channel": receipt.channel})
        return receipt

    async def _send_email(self, notification: Notification) -> DeliveryReceipt:
        if await asyncio.to_thread(self.outbox.has, notification.key):
            return DeliveryReceipt(
                key=notification.key,
                channel=CHANNEL_SMTP,
                delivered=True,
                duplicate=True,
                detail="already sent",
            )
        settings = self.smtp
        message = compose_email(notification, settings.mail_from)
        try:
            _, server_reply = await aiosmtplib.send(
                message,
                hostname=settings.host,
                port=settings.port,
                username=settings.user,
                password=settings.password,
                # False, not None: aiosmtplib upgrades on its own when given None.
                start_tls=settings.starttls,
                timeout=settings.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as err:
            failure = smtp_failure(err)
            _log.warning(
                "email not sent",
                key=notification.key,
                kind=str(notification.kind),
                role_id=notification.role_id,
                candidate_id=notification.candidate_id,
                error_type=failure.type,
                retryable=not failure.non_retryable,
            )
            raise failure from err
        await asyncio.to_thread(self.outbox.append, notification, CHANNEL_SMTP)
        return DeliveryReceipt(
            key=notification.key,
            channel=CHANNEL_SMTP,
            delivered=True,
            detail=_short(server_reply),
        )


def notifier_from_env(
    data_dir: Path, environ: Mapping[str, str] | None = None
) -> NotificationActivities:
    """The notifier RECRUIT_NOTIFIER asks for: `outbox` (default) or `smtp`."""
    env = os.environ if environ is None else environ
    channel = env.get(NOTIFIER_ENV, "").strip().lower() or CHANNEL_OUTBOX
    if channel not in CHANNELS:
        raise ValueError(
            f"{NOTIFIER_ENV} must be 'outbox' or 'smtp', not {env.get(NOTIFIER_ENV)!r}"
        )
    smtp = SmtpSettings.from_env(env) if channel == CHANNEL_SMTP else None
    return NotificationActivities(data_dir, channel=channel, smtp=smtp)
