"""Data-subject requests and the outbox through the `recruit` command, as a subprocess.

`recruit candidate export` and `erase` read the notes archive in RECRUIT_DATA_DIR directly, so no
Temporal is needed (TEMPORAL_ADDRESS points nowhere, to prove it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from activities.notes import NotesArchive
from activities.notifications import Outbox
from recruitment.models import ArchiveEntry, Notification, NotificationKind

RECRUIT = Path(sys.executable).parent / "recruit"
ROLE = "backend-dev"
DECIDED = datetime.now(UTC) - timedelta(days=60)


def recruit(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RECRUIT_", "TEMPORAL_"))},
        "COLUMNS": "200",
        "TEMPORAL_ADDRESS": "127.0.0.1:1",
        "RECRUIT_DATA_DIR": str(data_dir),
        **env,
    }
    return subprocess.run(
        [str(RECRUIT), *args], capture_output=True, text=True, env=environment, timeout=60
    )


def entry(kind: str, candidate_id: str, at: datetime, body: dict[str, Any]) -> ArchiveEntry:
    return ArchiveEntry.model_validate(
        {
            "key": f"role-{ROLE}/{kind}/{candidate_id}/1",
            "role_id": ROLE,
            "candidate_id": candidate_id,
            "kind": kind,
            "at": at,
            "body": body,
        }
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A worker's data dir after a decided role: Åsa was interviewed, called, and consented."""
    archive = NotesArchive(tmp_path / "notes.db")
    notes = {
        "scores": {"Python": 3},
        "strengths": ["Tydlig kommunikation"],
        "improvement_potential": ["Mer vana vid drift i produktion"],
        "summary": "Stark på samarbete.",
    }
    archive.put(entry("interview_notes", "asa-oberg", DECIDED - timedelta(days=5), notes))
    archive.put(entry("interview_notes", "lars-hed", DECIDED - timedelta(days=5), notes))
    archive.put(
        entry(
            "decision",
            "lars-hed",
            DECIDED,
            {
                "rationale": "Starkast i Python enligt intervjuerna.",
                "ranking": [
                    {"rank": 1, "candidate_id": "lars-hed", "weighted_score": 4.0},
                    {"rank": 2, "candidate_id": "asa-oberg", "weighted_score": 3.0},
                ],
            },
        )
    )
    later = DECIDED + timedelta(days=3)
    archive.put(entry("call_brief", "asa-oberg", later, {"candidate_name": "Åsa Öberg"}))
    archive.put(entry("call_outcome", "asa-oberg", later, {"notes": "Glad för samtalet."}))
    archive.put(entry("consent", "asa-oberg", later, {"consent_to_contact": True}))
    archive.close()
    return tmp_path


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_export_prints_everything_held_about_the_person_as_json(data_dir: Path) -> None:
    result = recruit("candidate", "export", "asa-oberg", data_dir=data_dir)

    assert result.returncode == 0, result.stderr
    export = json.loads(result.stdout)
    assert export["candidate_id"] == "asa-oberg"
    assert sorted(e["kind"] for e in export["entries"]) == [
        "call_brief",
        "call_outcome",
        "consent",
        "interview_notes",
    ]
    assert "Åsa Öberg" in result.stdout  # UTF-8, not \\u escapes
    [notes] = [e for e in export["entries"] if e["kind"] == "interview_notes"]
    assert notes["body"]["improvement_potential"] == ["Mer vana vid drift i produktion"]
    assert export["ranked_in"][0]["ranking"] == [
        {"rank": 2, "candidate_id": "asa-oberg", "weighted_score": 3.0}
    ]
    assert "lars-hed" not in json.dumps(export["ranked_in"])  # nobody else's data
    assert export["legal_hold"] == "730d"
    assert export["exported_at"]


def test_erase_keeps_only_what_the_legal_hold_needs(data_dir: Path) -> None:
    erased = recruit("candidate", "erase", "asa-oberg", data_dir=data_dir)

    assert erased.returncode == 0, erased.stderr
    assert "Erased 3 record(s) about asa-oberg." in erased.stdout
    assert "Kept under the legal hold: 1 record(s)" in erased.stdout
    export = json.loads(recruit("candidate", "export", "asa-oberg", data_dir=data_dir).stdout)
    [held] = export["entries"]
    assert held["kind"] == "interview_notes"
    hold_until = datetime.fromisoformat(held["hold_until"])
    assert abs(hold_until - (DECIDED + timedelta(days=730))) < timedelta(seconds=1)
    assert export["erasure_requests"][0]["reason"] == "erasure requested by the candidate"
    assert "Åsa Öberg" not in json.dumps(export, ensure_ascii=False)
    # The hire's record is untouched.
    lars = json.loads(recruit("candidate", "export", "lars-hed", data_dir=data_dir).stdout)
    assert sorted(e["kind"] for e in lars["entries"]) == ["decision", "interview_notes"]


def test_erase_after_a_short_legal_hold_leaves_nothing(data_dir: Path) -> None:
    erased = recruit(
        "candidate",
        "erase",
        "asa-oberg",
        "--reason",
        "begäran per e-post",
        "--json",
        data_dir=data_dir,
        RECRUIT_LEGAL_HOLD="30d",
    )

    assert erased.returncode == 0, erased.stderr
    result = json.loads(erased.stdout)
    assert (result["rows_erased"], result["rows_held"], result["hold_until"]) == (4, 0, None)
    again = recruit("candidate", "erase", "asa-oberg", data_dir=data_dir)
    assert again.stdout.strip() == "Nothing is held about asa-oberg."


@pytest.mark.parametrize("command", ["export", "erase"])
def test_a_bad_candidate_id_exits_2_with_one_line(data_dir: Path, command: str) -> None:
    result = recruit("candidate", command, "Åsa Öberg", data_dir=data_dir)

    assert result.returncode == 2
    assert one_clear_line(result).startswith("CANDIDATE_ID 'Åsa Öberg' is not an id")
    assert result.stdout == ""


def test_a_missing_archive_or_a_bad_legal_hold_exits_2(tmp_path: Path, data_dir: Path) -> None:
    missing = recruit("candidate", "export", "asa-oberg", data_dir=tmp_path / "nowhere")
    bad_hold = recruit(
        "candidate", "erase", "asa-oberg", data_dir=data_dir, RECRUIT_LEGAL_HOLD="two years"
    )

    assert missing.returncode == 2
    assert one_clear_line(missing).startswith("no notes archive at ")
    assert not (tmp_path / "nowhere").exists()
    assert bad_hold.returncode == 2
    assert "RECRUIT_LEGAL_HOLD must be a duration" in one_clear_line(bad_hold)


def test_outbox_filters_by_recipient_and_kind(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.jsonl")
    for key, kind, to in [
        ("role-a/rejection_letter/asa", NotificationKind.REJECTION_LETTER, "asa@example.se"),
        ("role-a/rejection_letter/bo", NotificationKind.REJECTION_LETTER, "bo@example.se"),
        ("role-a/delivery_failed/bo/x", NotificationKind.DELIVERY_FAILED, "rita@example.se"),
    ]:
        outbox.append(
            Notification(key=key, kind=kind, to=to, subject="Ämne", body="Hej!"), "outbox"
        )

    letters = recruit(
        "outbox",
        "--to",
        "ASA@example.se",
        "--kind",
        "rejection_letter",
        "--json",
        data_dir=tmp_path,
    )
    notices = recruit("outbox", "--kind", "delivery_failed", "--json", data_dir=tmp_path)

    assert [m["key"] for m in json.loads(letters.stdout)] == ["role-a/rejection_letter/asa"]
    assert [m["to"] for m in json.loads(notices.stdout)] == ["rita@example.se"]


def test_help_lists_the_new_commands(tmp_path: Path) -> None:
    candidate = recruit("candidate", "--help", data_dir=tmp_path)
    retention = recruit("retention", "--help", data_dir=tmp_path)
    top = recruit("--help", data_dir=tmp_path)

    assert "export" in candidate.stdout and "erase" in candidate.stdout
    assert "schedule" in retention.stdout
    assert "retention" in top.stdout
