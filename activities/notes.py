"""The notes archive: the recruitment record that outlives Temporal's history retention.

Interview notes, decisions with their rationale, call briefs, call outcomes and consent events are
kept in SQLite at `{data_dir}/notes.db`, so a candidate's access request (export) and erasure can be
answered long after the role's workflow has been dropped from history.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from temporalio import activity

from activities.logs import get_logger
from recruitment.models import ArchiveEntry, ErasureRequest, ErasureResult

NOTES_FILE = "notes.db"

_log = get_logger(component="notes")

# Each migration moves the schema from version N to N+1 (PRAGMA user_version). Append only:
# an archive already on disk has run the earlier ones.
MIGRATIONS: Sequence[Sequence[str]] = (
    (
        """
        CREATE TABLE entries (
            key TEXT PRIMARY KEY,
            role_id TEXT NOT NULL,
            candidate_id TEXT,
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            body TEXT NOT NULL,
            erased_at TEXT,
            hold_until TEXT
        )
        """,
        "CREATE INDEX entries_candidate ON entries (candidate_id)",
        "CREATE INDEX entries_role ON entries (role_id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class NotesArchive:
    """SQLite-backed archive of what was recorded about candidates, keyed for idempotent writes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Autocommit mode: transactions are opened explicitly where more than one statement
        # has to land together.
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=10.0
        )
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._migrate()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._user_version()

    def _user_version(self) -> int:
        version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return version

    def _migrate(self) -> None:
        # BEGIN IMMEDIATE takes the write lock first, so two processes opening a fresh archive
        # do not both run migration 1.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            current = self._user_version()
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has schema version {current}, newer than this code "
                    f"({SCHEMA_VERSION}); upgrade winwin"
                )
            for version in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[version]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        if current < SCHEMA_VERSION:
            _log.info("notes archive migrated", from_version=current, to_version=SCHEMA_VERSION)

    def put(self, entry: ArchiveEntry) -> bool:
        """Stores the entry unless its key is already held. True if a row was written."""
        dumped = entry.model_dump(mode="json")
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO entries (key, role_id, candidate_id, kind, at, body)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    entry.key,
                    entry.role_id,
                    entry.candidate_id,
                    entry.kind,
                    dumped["at"],
                    json.dumps(dumped["body"], ensure_ascii=False, sort_keys=True),
                ),
            )
            return cursor.rowcount == 1

    def export(self, candidate_id: str) -> dict[str, Any]:
        """Everything held about one candidate, for an access request. Erased bodies are gone."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key, role_id, kind, at, body, erased_at FROM entries"
                " WHERE candidate_id = ? ORDER BY at, key",
                (candidate_id,),
            ).fetchall()
        entries = [
            {
                "key": row["key"],
                "role_id": row["role_id"],
                "kind": row["kind"],
                "at": row["at"],
                "body": None if row["erased_at"] else json.loads(row["body"]),
                "erased_at": row["erased_at"],
            }
            for row in rows
        ]
        return {"candidate_id": candidate_id, "entries": entries}

    def erase(self, candidate_id: str, role_id: str | None = None) -> int:
        """Deletes the candidate's rows, for one role or all of them. Returns rows removed."""
        sql = "DELETE FROM entries WHERE candidate_id = ?"
        params: tuple[str, ...] = (candidate_id,)
        if role_id is not None:
            sql += " AND role_id = ?"
            params += (role_id,)
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def count(self, role_id: str | None = None) -> int:
        with self._lock:
            if role_id is None:
                row = self._db.execute("SELECT COUNT(*) FROM entries").fetchone()
            else:
                row = self._db.execute(
                    "SELECT COUNT(*) FROM entries WHERE role_id = ?", (role_id,)
                ).fetchone()
        total: int = row[0]
        return total

    def close(self) -> None:
        with self._lock:
            self._db.close()


class NotesActivities:
    """Activities that write to, and erase from, the notes archive."""

    def __init__(self, archive: NotesArchive) -> None:
        self.archive = archive

    @activity.defn(name="archive_entry")
    async def archive_entry(self, entry: ArchiveEntry) -> bool:
        written = await asyncio.to_thread(self.archive.put, entry)
        _log.info(
            "notes archived",
            key=entry.key,
            kind=entry.kind,
            role_id=entry.role_id,
            candidate_id=entry.candidate_id,
            duplicate=not written,
        )
        return written

    @activity.defn(name="erase_candidate_data")
    async def erase_candidate_data(self, request: ErasureRequest) -> ErasureResult:
        rows = await asyncio.to_thread(self.archive.erase, request.candidate_id, request.role_id)
        _log.info(
            "candidate data erased",
            role_id=request.role_id,
            candidate_id=request.candidate_id,
            rows_erased=rows,
        )
        return ErasureResult(candidate_id=request.candidate_id, rows_erased=rows)
