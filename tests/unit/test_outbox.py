"""The outbox records each notification once, however many workers deliver it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activities.notifications import NotificationActivities, Outbox
from recruitment.models import Notification, NotificationKind


def _letter(
    key: str, to: str = "anna@example.se", kind: NotificationKind | None = None
) -> Notification:
    return Notification(
        key=key,
        kind=kind or NotificationKind.REJECTION_LETTER,
        to=to,
        subject="Tack för din ansökan",
        body="Hej! Vi har valt en annan kandidat.",
        role_id="backend-dev",
        candidate_id="anna",
    )


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_append_writes_one_line_per_key(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.jsonl")

    assert outbox.append(_letter("role-backend-dev/letter/anna"), "outbox") is True
    assert outbox.append(_letter("role-backend-dev/letter/anna"), "outbox") is False

    lines = _lines(tmp_path / "outbox.jsonl")
    assert len(lines) == 1
    assert lines[0]["key"] == "role-backend-dev/letter/anna"
    assert lines[0]["subject"] == "Tack för din ansökan"
    assert lines[0]["kind"] == "rejection_letter"
    assert lines[0]["channel"] == "outbox"
    assert set(lines[0]) == {
        "key",
        "kind",
        "to",
        "subject",
        "body",
        "role_id",
        "candidate_id",
        "channel",
        "sent_at",
    }
    assert lines[0]["sent_at"].endswith("+00:00")
    assert outbox.has("role-backend-dev/letter/anna")
    assert not outbox.has("role-backend-dev/letter/bert")


def test_read_filters_by_recipient_and_kind(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.jsonl")
    outbox.append(_letter("k1", to="anna@example.se"), "outbox")
    outbox.append(_letter("k2", to="bert@example.se"), "outbox")
    outbox.append(
        _letter("k3", to="recruiter@example.se", kind=NotificationKind.CALL_TASK), "outbox"
    )

    assert [r["key"] for r in outbox.read()] == ["k1", "k2", "k3"]
    assert [r["key"] for r in outbox.read(to="ANNA@Example.se")] == ["k1"]
    assert [r["key"] for r in outbox.read(kind="call_task")] == ["k3"]
    assert [r["key"] for r in outbox.read(kind=NotificationKind.REJECTION_LETTER)] == ["k1", "k2"]
    assert outbox.read(to="bert@example.se", kind="call_task") == []


def test_read_of_missing_file_is_empty(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "nothing-yet" / "outbox.jsonl")
    assert outbox.read() == []
    assert not outbox.has("k1")


def test_two_instances_on_one_file_still_dedupe(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    first, second = Outbox(path), Outbox(path)

    # Both have read the (empty) file before either writes, as two workers would.
    assert not first.has("k1") and not second.has("k1")
    assert first.append(_letter("k1"), "outbox") is True
    assert second.append(_letter("k1"), "outbox") is False
    assert second.append(_letter("k2"), "outbox") is True
    assert first.append(_letter("k2"), "outbox") is False
    assert first.has("k2")

    assert [r["key"] for r in _lines(path)] == ["k1", "k2"]


def test_torn_last_line_does_not_swallow_the_next(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    path.write_bytes(b'{"key": "k0", "kind": "call_task"}\n{"key": "k1", "ki')
    outbox = Outbox(path)

    assert outbox.append(_letter("k2"), "outbox") is True

    assert [r["key"] for r in outbox.read()] == ["k0", "k2"]


async def test_outbox_channel_receipt_marks_duplicates(tmp_path: Path) -> None:
    notifier = NotificationActivities(tmp_path)

    first = await notifier.deliver_notification(_letter("k1"))
    again = await notifier.deliver_notification(_letter("k1"))

    assert (first.delivered, first.duplicate, first.channel) == (True, False, "outbox")
    assert (again.delivered, again.duplicate) == (True, True)
    assert len(_lines(tmp_path / "outbox.jsonl")) == 1


def test_unknown_channel_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="channel"):
        NotificationActivities(tmp_path, channel="pigeon")
