"""The notes archive keeps the recruitment record, answers access requests, erases what it may,
holds the rest for the legal hold, and sweeps what has passed its hold."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio import activity
from temporalio.testing import ActivityEnvironment

from activities.notes import (
    MIGRATIONS,
    SCHEMA_VERSION,
    NotesActivities,
    NotesArchive,
    legal_hold_from_env,
    stamp,
)
from recruitment.models import ArchiveEntry, ErasureRequest, SweepRequest

AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
DECIDED = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
HOLD = timedelta(days=730)
ROLE = "backend-dev"


def _notes(key: str, candidate_id: str = "asa", role_id: str = ROLE) -> ArchiveEntry:
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


def _entry(
    kind: str,
    candidate_id: str,
    at: datetime = AT,
    role_id: str = ROLE,
    body: dict[str, Any] | None = None,
) -> ArchiveEntry:
    return ArchiveEntry.model_validate(
        {
            "key": f"role-{role_id}/{kind}/{candidate_id}/{at.isoformat()}",
            "role_id": role_id,
            "candidate_id": candidate_id,
            "kind": kind,
            "at": at,
            "body": body or {"note": f"{kind} of {candidate_id}"},
        }
    )


def _decision(hired: str, role_id: str = ROLE, at: datetime = DECIDED) -> ArchiveEntry:
    return _entry(
        "decision",
        hired,
        at=at,
        role_id=role_id,
        body={
            "candidate_id": hired,
            "rationale": "Starkast i Python och systemdesign enligt anteckningarna.",
            "override_reason": None,
            "ranking": [
                {"rank": 1, "candidate_id": hired, "weighted_score": 3.6, "scores": {"Python": 4}},
                {"rank": 2, "candidate_id": "asa", "weighted_score": 3.1, "scores": {"Python": 3}},
                {"rank": 3, "candidate_id": "bo", "weighted_score": 2.2, "scores": {"Python": 2}},
            ],
        },
    )


def seed_role(archive: NotesArchive, role_id: str = ROLE, decided: datetime = DECIDED) -> None:
    """A decided role: Åsa was interviewed and not hired, called, and consented; Bo was not."""
    for candidate_id in ("asa", "bo", "cia"):
        notes = _notes("", candidate_id=candidate_id)
        archive.put(_entry("interview_notes", candidate_id, role_id=role_id, body=notes.body))
    archive.put(_decision("cia", role_id=role_id, at=decided))
    later = decided + timedelta(days=3)
    archive.put(
        _entry("call_brief", "asa", at=later, role_id=role_id, body={"candidate_name": "Åsa Öberg"})
    )
    archive.put(_entry("call_outcome", "asa", at=later, role_id=role_id))
    archive.put(_entry("consent", "asa", at=later, role_id=role_id))


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[NotesArchive]:
    notes = NotesArchive(tmp_path / "notes.db")
    try:
        yield notes
    finally:
        notes.close()


def kinds(export: dict[str, Any]) -> list[str]:
    return sorted(entry["kind"] for entry in export["entries"])


# -- schema -----------------------------------------------------------------------------------


def test_migration_sets_user_version(tmp_path: Path) -> None:
    NotesArchive(tmp_path / "notes.db").close()

    db = sqlite3.connect(tmp_path / "notes.db")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = {row[1]: row[3] for row in db.execute("PRAGMA table_info(entries)")}
        indexes = {row[1] for row in db.execute("PRAGMA index_list(entries)")}
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()
    assert list(columns) == [
        "key",
        "role_id",
        "candidate_id",
        "kind",
        "at",
        "body",
        "hold_until",
        "erasure_requested_at",
    ]
    # Every row carries role id, candidate id and time.
    assert columns["role_id"] == columns["candidate_id"] == columns["at"] == 1
    assert {"entries_candidate", "entries_role", "entries_hold"} <= indexes
    assert {"entries", "erasure_requests", "erased_keys"} <= tables


def test_a_version_1_archive_is_migrated_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO entries (key, role_id, candidate_id, kind, at, body) VALUES (?,?,?,?,?,?)",
        ("k1", ROLE, "asa", "interview_notes", "2025-03-04T10:30:00+01:00", '{"a": 1}'),
    )
    db.commit()
    db.close()

    archive = NotesArchive(path)
    try:
        assert archive.schema_version == 2
        [entry] = archive.export("asa")["entries"]
        assert (entry["key"], entry["at"], entry["body"]) == (
            "k1",
            "2025-03-04T09:30:00Z",
            {"a": 1},
        )
        assert archive.put(_notes("k1")) is False  # the key survived the table rebuild
    finally:
        archive.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "notes.db")
    db.execute("PRAGMA user_version = 99")
    db.close()

    with pytest.raises(RuntimeError, match="schema version 99"):
        NotesArchive(tmp_path / "notes.db")


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


def test_times_are_stored_so_that_they_sort() -> None:
    assert stamp(datetime(2025, 3, 4, 10, 30, 0, 123456, tzinfo=UTC)) == "2025-03-04T10:30:00.123Z"
    plus_one = datetime.fromisoformat("2025-03-04T10:30:00+01:00")
    assert stamp(plus_one) == "2025-03-04T09:30:00.000Z"
    with pytest.raises(ValueError, match="timezone"):
        stamp(datetime(2025, 3, 4))


# -- writes -----------------------------------------------------------------------------------


def test_put_is_idempotent_on_key(archive: NotesArchive) -> None:
    assert archive.put(_notes("role-backend-dev/notes/asa/1")) is True
    assert archive.put(_notes("role-backend-dev/notes/asa/1")) is False

    assert archive.count() == 1
    assert archive.count("backend-dev") == 1
    assert archive.count("other-role") == 0


async def test_archiving_twice_through_the_activity_leaves_one_row(archive: NotesArchive) -> None:
    activities = NotesActivities(archive)

    assert await activities.archive_entry(_notes("k1")) is True
    assert await activities.archive_entry(_notes("k1")) is False
    assert archive.count() == 1


async def test_a_retry_after_a_crash_between_write_and_completion_leaves_one_row(
    archive: NotesArchive,
) -> None:
    """The row is written, then the worker dies before reporting; Temporal runs attempt 2."""
    real = NotesActivities(archive)

    @activity.defn(name="archive_entry")
    async def crashes_after_writing_once(entry: ArchiveEntry) -> bool:
        written = await real.archive_entry(entry)
        if activity.info().attempt == 1:
            raise RuntimeError("worker lost after the write")
        return written

    first = ActivityEnvironment()
    first.info = dataclasses.replace(first.info, attempt=1)
    with pytest.raises(RuntimeError, match="worker lost"):
        await first.run(crashes_after_writing_once, _notes("k1"))
    retry = ActivityEnvironment()
    retry.info = dataclasses.replace(retry.info, attempt=2)

    assert await retry.run(crashes_after_writing_once, _notes("k1")) is False
    assert archive.count() == 1


# -- access requests --------------------------------------------------------------------------


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
    assert first["hold_until"] is None
    assert first["body"]["improvement_potential"] == ["testdriven utveckling"]
    assert first["body"]["summary"] == "Stark på samarbete, kan växa i testning."
    assert export["legal_hold"] == "730d"


def test_export_shows_a_candidate_only_their_own_place_in_a_ranking(
    archive: NotesArchive,
) -> None:
    seed_role(archive)

    asa = archive.export("asa")
    cia = archive.export("cia")

    assert kinds(asa) == ["call_brief", "call_outcome", "consent", "interview_notes"]
    assert asa["ranked_in"] == [
        {
            "role_id": ROLE,
            "decided_at": "2025-03-10T14:00:00Z",
            "chosen": False,
            "ranking": [
                {"rank": 2, "candidate_id": "asa", "weighted_score": 3.1, "scores": {"Python": 3}}
            ],
        }
    ]
    [decision] = [e for e in cia["entries"] if e["kind"] == "decision"]
    assert [place["candidate_id"] for place in decision["body"]["ranking"]] == ["cia"]
    assert "Starkast i Python" in decision["body"]["rationale"]
    assert archive.export("nobody")["entries"] == []


# -- erasure and the legal hold -----------------------------------------------------------------


def test_erase_deletes_what_may_go_and_holds_the_rest(archive: NotesArchive) -> None:
    seed_role(archive)
    asked = DECIDED + timedelta(days=30)

    result = archive.erase("asa", reason="the candidate asked", now=asked)

    assert (result.rows_erased, result.rows_held) == (3, 1)
    assert result.hold_until == DECIDED + HOLD
    export = archive.export("asa")
    [held] = export["entries"]
    assert held["kind"] == "interview_notes"
    assert held["hold_until"] == "2027-03-10T14:00:00Z"
    assert held["erasure_requested_at"] == "2025-04-09T14:00:00Z"
    assert held["body"]["improvement_potential"]  # kept whole: it is what a defence rests on
    assert export["erasure_requests"] == [
        {
            "role_id": None,
            "reason": "the candidate asked",
            "requested_at": "2025-04-09T14:00:00Z",
            "rows_erased": 3,
            "rows_held": 1,
            "hold_until": "2027-03-10T14:00:00Z",
        }
    ]
    assert "Åsa Öberg" not in str(export)
    # Nobody else's record changed.
    assert kinds(archive.export("bo")) == ["interview_notes"]
    assert kinds(archive.export("cia")) == ["decision", "interview_notes"]


def test_erasing_the_hire_holds_the_decision_too(archive: NotesArchive) -> None:
    seed_role(archive)

    result = archive.erase("cia", now=DECIDED + timedelta(days=1))

    assert (result.rows_erased, result.rows_held) == (0, 2)
    assert all(e["hold_until"] for e in archive.export("cia")["entries"])


def test_erasing_after_the_hold_has_run_out_deletes_everything(archive: NotesArchive) -> None:
    seed_role(archive)

    result = archive.erase("asa", now=DECIDED + HOLD + timedelta(seconds=1))

    assert (result.rows_erased, result.rows_held, result.hold_until) == (4, 0, None)
    assert archive.export("asa")["entries"] == []
    assert archive.export("asa")["erasure_requests"] == []


def test_before_a_decision_the_hold_runs_from_the_request(archive: NotesArchive) -> None:
    archive.put(_notes("k1"))
    asked = datetime(2025, 6, 1, tzinfo=UTC)

    result = archive.erase("asa", now=asked)

    assert (result.rows_erased, result.rows_held) == (0, 1)
    assert result.hold_until == asked + HOLD


def test_erase_for_one_role_leaves_the_other_roles(archive: NotesArchive) -> None:
    seed_role(archive)
    seed_role(archive, role_id="data-engineer")

    result = archive.erase("asa", role_id="data-engineer", now=DECIDED + timedelta(days=30))

    assert (result.rows_erased, result.rows_held) == (3, 1)
    by_role: dict[str, list[str]] = {}
    for entry in archive.export("asa")["entries"]:
        by_role.setdefault(entry["role_id"], []).append(entry["kind"])
    assert sorted(by_role[ROLE]) == ["call_brief", "call_outcome", "consent", "interview_notes"]
    assert by_role["data-engineer"] == ["interview_notes"]


def test_an_erased_row_is_not_brought_back_by_a_retried_write(archive: NotesArchive) -> None:
    outcome = _entry("call_outcome", "asa", at=DECIDED)
    archive.put(outcome)
    archive.erase("asa", now=DECIDED)

    assert archive.put(outcome) is False
    assert archive.export("asa")["entries"] == []


def test_a_repeated_erasure_request_is_logged_once(archive: NotesArchive) -> None:
    seed_role(archive)
    asked = DECIDED + timedelta(days=30)

    archive.erase("asa", role_id=ROLE, now=asked)
    again = archive.erase("asa", role_id=ROLE, now=asked)

    assert (again.rows_erased, again.rows_held) == (0, 1)
    assert len(archive.export("asa")["erasure_requests"]) == 1


async def test_the_erase_activity_applies_the_same_rule(archive: NotesArchive) -> None:
    seed_role(archive)
    activities = NotesActivities(archive)

    result = await activities.erase_candidate_data(
        ErasureRequest(
            candidate_id="asa",
            role_id=ROLE,
            reason="consent_withdrawn",
            requested_at=DECIDED + timedelta(days=40),
        )
    )

    assert (result.candidate_id, result.rows_erased, result.rows_held) == ("asa", 3, 1)
    assert kinds(archive.export("asa")) == ["interview_notes"]


# -- the retention sweep ----------------------------------------------------------------------


def test_sweep_deletes_only_what_is_past_its_hold(archive: NotesArchive) -> None:
    seed_role(archive)  # decided 2025-03-10
    recent = DECIDED + timedelta(days=400)
    seed_role(archive, role_id="data-engineer", decided=recent)
    archive.erase("asa", role_id=ROLE, now=DECIDED + timedelta(days=30))
    archive.erase("asa", role_id="data-engineer", now=recent + timedelta(days=1))

    # A day before the first role's hold ends, nothing goes.
    before = archive.sweep(DECIDED + HOLD - timedelta(days=1))
    assert before.rows_deleted == 0
    assert before.rows_remaining == archive.count() == 2 * 4
    assert before.rows_held_after_erasure == 2

    after = archive.sweep(DECIDED + HOLD)

    # All of the first role goes: Åsa's held notes, and the others' record with it.
    assert after.rows_deleted == 4
    assert after.rows_deleted_by_kind == {"decision": 1, "interview_notes": 3}
    assert after.roles_cleared == 1
    assert after.erasure_requests_closed == 1
    assert archive.count(ROLE) == 0
    # The second role was decided later; its record, and Åsa's held notes in it, stay.
    assert archive.count("data-engineer") == 4
    assert kinds(archive.export("asa")) == ["interview_notes"]
    assert archive.export("asa")["entries"][0]["role_id"] == "data-engineer"
    assert len(archive.export("asa")["erasure_requests"]) == 1

    # Sweeping again at the same time changes nothing; a swept row cannot be written back.
    assert archive.sweep(DECIDED + HOLD).rows_deleted == 0
    assert archive.put(_decision("cia")) is False


def test_sweep_follows_the_configured_hold(tmp_path: Path) -> None:
    short = NotesArchive(tmp_path / "notes.db", legal_hold=timedelta(days=30))
    try:
        seed_role(short)
        assert short.sweep(DECIDED + timedelta(days=29)).rows_deleted == 0
        assert short.sweep(DECIDED + timedelta(days=30)).rows_deleted == 7
    finally:
        short.close()


async def test_the_sweep_activity_returns_counts(archive: NotesArchive) -> None:
    seed_role(archive)

    result = await NotesActivities(archive).sweep_notes_archive(
        SweepRequest(now=DECIDED + HOLD + timedelta(days=1))
    )

    assert (result.rows_deleted, result.roles_cleared, result.rows_remaining) == (7, 1, 0)


def test_legal_hold_from_env() -> None:
    assert legal_hold_from_env({}) == timedelta(days=730)
    assert legal_hold_from_env({"RECRUIT_LEGAL_HOLD": "365d"}) == timedelta(days=365)
    assert legal_hold_from_env({"RECRUIT_LEGAL_HOLD": "P30D"}) == timedelta(days=30)
    with pytest.raises(ValueError, match="RECRUIT_LEGAL_HOLD must be a duration"):
        legal_hold_from_env({"RECRUIT_LEGAL_HOLD": "two years"})
    with pytest.raises(ValueError, match="longer than zero"):
        legal_hold_from_env({"RECRUIT_LEGAL_HOLD": "0d"})
