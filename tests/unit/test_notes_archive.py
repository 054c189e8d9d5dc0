"""The notes archive keeps the recruitment record, answers access requests, and erases on demand."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from activities.notes import SCHEMA_VERSION, NotesActivities, NotesArchive
from recruitment.models import ArchiveEntry, ErasureRequest

AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def _notes(key: str, candidate_id: str = "asa", role_id: str = "backend-dev") -> ArchiveEntry:
    return ArchiveEntry(
        key=key,
        role_id=role_id,
        candidate_id=candidate_id,
        kind="interview_notes",
        at=AT,
        body={
            "scores": {"Python": 3, "Samarbete": 4},
            "strengths": ["tydlig kommunikation"],
            "improvement_potential": ["testdriven utveckling"],
            "summary": "Stark på samarbete, kan växa i testning.",
        },
    )


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[NotesArchive]:
    notes = NotesArchive(tmp_path / "notes.db")
    try:
        yield notes
    finally:
        notes.close()


def test_migration_sets_user_version(tmp_path: Path) -> None:
    NotesArchive(tmp_path / "notes.db").close()

    db = sqlite3.connect(tmp_path / "notes.db")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 1
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [row[1] for row in db.execute("PRAGMA table_info(entries)")]
        indexes = {row[1] for row in db.execute("PRAGMA index_list(entries)")}
    finally:
        db.close()
    assert columns == [
        "key",
        "role_id",
        "candidate_id",
        "kind",
        "at",
        "body",
        "erased_at",
        "hold_until",
    ]
    assert {"entries_candidate", "entries_role"} <= indexes


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "notes.db")
    db.execute("PRAGMA user_version = 99")
    db.close()

    with pytest.raises(RuntimeError, match="schema version 99"):
        NotesArchive(tmp_path / "notes.db")


def test_put_is_idempotent_on_key(archive: NotesArchive) -> None:
    assert archive.put(_notes("role-backend-dev/notes/asa/1")) is True
    assert archive.put(_notes("role-backend-dev/notes/asa/1")) is False

    assert archive.count() == 1
    assert archive.count("backend-dev") == 1
    assert archive.count("other-role") == 0


def test_export_holds_everything_about_the_candidate(archive: NotesArchive) -> None:
    archive.put(_notes("k1"))
    archive.put(_notes("k2", role_id="data-engineer"))
    archive.put(_notes("k3", candidate_id="bert"))

    export = archive.export("asa")

    assert export["candidate_id"] == "asa"
    assert [(e["key"], e["role_id"]) for e in export["entries"]] == [
        ("k1", "backend-dev"),
        ("k2", "data-engineer"),
    ]
    first = export["entries"][0]
    assert first["kind"] == "interview_notes"
    assert first["at"] == "2025-03-04T09:30:00Z"
    assert first["body"]["improvement_potential"] == ["testdriven utveckling"]
    assert first["body"]["summary"] == "Stark på samarbete, kan växa i testning."


def test_erase_removes_the_candidates_rows(archive: NotesArchive) -> None:
    archive.put(_notes("k1"))
    archive.put(_notes("k2", role_id="data-engineer"))
    archive.put(_notes("k3", candidate_id="bert"))

    assert archive.erase("asa", role_id="data-engineer") == 1
    assert [e["key"] for e in archive.export("asa")["entries"]] == ["k1"]
    assert archive.erase("asa") == 1
    assert archive.erase("asa") == 0

    assert archive.export("asa") == {"candidate_id": "asa", "entries": []}
    assert len(archive.export("bert")["entries"]) == 1


def test_reopening_keeps_the_record(tmp_path: Path) -> None:
    first = NotesArchive(tmp_path / "notes.db")
    first.put(_notes("k1"))
    first.close()

    reopened = NotesArchive(tmp_path / "notes.db")
    try:
        assert reopened.count() == 1
        assert reopened.schema_version == SCHEMA_VERSION
        assert reopened.export("asa")["entries"][0]["key"] == "k1"
    finally:
        reopened.close()


async def test_activities_archive_and_erase(archive: NotesArchive) -> None:
    activities = NotesActivities(archive)

    assert await activities.archive_entry(_notes("k1")) is True
    assert await activities.archive_entry(_notes("k1")) is False
    result = await activities.erase_candidate_data(
        ErasureRequest(candidate_id="asa", reason="consent withdrawn")
    )

    assert (result.candidate_id, result.rows_erased) == ("asa", 1)
    assert archive.count() == 0
