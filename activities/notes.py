"""The notes archive: the recruitment record that outlives Temporal's history retention.

Interview notes, decisions with their rationale, call briefs, call outcomes and consent events are
kept in SQLite at `{data_dir}/notes.db`, so a candidate's access request (export) and erasure can be
answered long after the role's workflow has been dropped from history.

The legal hold: an applicant who was not hired can bring a discrimination claim, so the notes a
decision rested on and the decision itself (`LEGAL_HOLD_KINDS`) are kept until the hold has run
out, 24 months after the role's decision by default (`RECRUIT_LEGAL_HOLD`). An erasure request
deletes everything else about the candidate at once and marks the held rows with `hold_until`.
The retention sweep deletes marked rows once that time has passed, and the whole record of a role
once its hold has run out, erasure request or not.

Times are stored as fixed-width UTC text (`2025-03-04T09:30:00.000Z`), so SQL compares them as
times. A deleted row leaves only a digest of its key behind, so a retried write cannot bring it
back.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio import activity

from activities.logs import get_logger
from recruitment.models import (
    DEFAULT_LEGAL_HOLD,
    LEGAL_HOLD_KINDS,
    ArchiveEntry,
    ErasureRequest,
    ErasureResult,
    SweepRequest,
    SweepResult,
    format_duration,
    parse_duration,
)

NOTES_FILE = "notes.db"
LEGAL_HOLD_ENV = "RECRUIT_LEGAL_HOLD"

_log = get_logger(component="notes")

_STAMP_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', {column})"

# Each migration moves the schema from version N to N+1 (PRAGMA user_version). Append only:
# an archive already on disk has run the earlier ones.
MIGRATIONS: Sequence[Sequence[str]] = (
    # 1: the entries, keyed for idempotent writes.
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
    # 2: the legal hold. Every row names its candidate; times become sortable UTC text; an
    # erasure marks held rows, is logged while anything it held remains, and leaves digests of
    # deleted keys so that a retried write cannot resurrect a row.
    (
        """
        CREATE TABLE entries_v2 (
            key TEXT PRIMARY KEY,
            role_id TEXT NOT NULL,
            candidate_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            body TEXT NOT NULL,
            hold_until TEXT,
            erasure_requested_at TEXT
        )
        """,
        f"""
        INSERT INTO entries_v2
            (key, role_id, candidate_id, kind, at, body, hold_until, erasure_requested_at)
        SELECT key, role_id, COALESCE(candidate_id, ''), kind,
               COALESCE({_STAMP_SQL.format(column="at")}, at), body,
               {_STAMP_SQL.format(column="hold_until")}, {_STAMP_SQL.format(column="erased_at")}
        FROM entries
        """,
        "DROP TABLE entries",
        "ALTER TABLE entries_v2 RENAME TO entries",
        "CREATE INDEX entries_candidate ON entries (candidate_id)",
        "CREATE INDEX entries_role ON entries (role_id)",
        "CREATE INDEX entries_hold ON entries (hold_until) WHERE hold_until IS NOT NULL",
        """
        CREATE TABLE erasure_requests (
            id INTEGER PRIMARY KEY,
            candidate_id TEXT NOT NULL,
            role_id TEXT,
            reason TEXT NOT NULL,
            requested_at TEXT NOT NULL,
            rows_erased INTEGER NOT NULL,
            rows_held INTEGER NOT NULL,
            hold_until TEXT NOT NULL
        )
        """,
        # One row per request, however often a retried activity repeats it.
        "CREATE UNIQUE INDEX erasure_requests_once ON erasure_requests"
        " (candidate_id, COALESCE(role_id, ''), requested_at)",
        """
        CREATE TABLE erased_keys (
            key_digest TEXT PRIMARY KEY,
            erased_at TEXT NOT NULL
        )
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def legal_hold_from_env(environ: Mapping[str, str] | None = None) -> timedelta:
    """RECRUIT_LEGAL_HOLD as a duration (`730d`, `P730D`), or 24 months when unset."""
    env = os.environ if environ is None else environ
    raw = env.get(LEGAL_HOLD_ENV, "").strip()
    if not raw:
        return DEFAULT_LEGAL_HOLD
    try:
        hold = parse_duration(raw)
    except ValueError:
        raise ValueError(
            f"{LEGAL_HOLD_ENV} must be a duration such as 730d or P730D, not {raw!r}"
        ) from None
    if hold <= timedelta(0):
        raise ValueError(f"{LEGAL_HOLD_ENV} must be longer than zero, not {raw!r}")
    return hold


def stamp(moment: datetime) -> str:
    """Fixed-width UTC text that sorts as time does; what every time column holds."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the archive keeps times with a timezone, not {moment!r}")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _moment(stamped: str) -> datetime:
    return datetime.fromisoformat(stamped)


def _shown(stamped: str | None) -> str | None:
    """A stored time as people read it in an export: ISO 8601 in UTC."""
    if stamped is None:
        return None
    try:
        moment = _moment(stamped)
    except ValueError:
        return stamped
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class NotesArchive:
    """SQLite-backed archive of what was recorded about candidates, keyed for idempotent writes."""

    def __init__(self, path: Path, legal_hold: timedelta = DEFAULT_LEGAL_HOLD) -> None:
        if legal_hold <= timedelta(0):
            raise ValueError("the legal hold must be longer than zero")
        self.path = Path(path)
        self.legal_hold = legal_hold
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

    @classmethod
    def from_env(cls, path: Path, environ: Mapping[str, str] | None = None) -> NotesArchive:
        return cls(path, legal_hold=legal_hold_from_env(environ))

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

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading, so what is read is what gets changed."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- writing -----------------------------------------------------------------------------

    def put(self, entry: ArchiveEntry) -> bool:
        """Stores the entry unless its key is held or was erased. True if a row was written."""
        dumped = entry.model_dump(mode="json")
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO entries (key, role_id, candidate_id, kind, at, body)"
                " SELECT ?, ?, ?, ?, ?, ?"
                " WHERE NOT EXISTS (SELECT 1 FROM erased_keys WHERE key_digest = ?)",
                (
                    entry.key,
                    entry.role_id,
                    entry.candidate_id,
                    entry.kind,
                    stamp(entry.at),
                    json.dumps(dumped["body"], ensure_ascii=False, sort_keys=True),
                    key_digest(entry.key),
                ),
            )
            return cursor.rowcount == 1

    def _delete(self, db: sqlite3.Connection, keys: Sequence[str], now: datetime) -> None:
        erased_at = stamp(now)
        db.executemany("DELETE FROM entries WHERE key = ?", [(key,) for key in keys])
        db.executemany(
            "INSERT OR IGNORE INTO erased_keys (key_digest, erased_at) VALUES (?, ?)",
            [(key_digest(key), erased_at) for key in keys],
        )

    def _hold_ends(self, db: sqlite3.Connection, role_id: str, now: datetime) -> datetime:
        """When the role's legal hold ends: the hold after its latest decision, or after now
        if no decision has been recorded yet."""
        row = db.execute(
            "SELECT MAX(at) FROM entries WHERE role_id = ? AND kind = 'decision'", (role_id,)
        ).fetchone()
        decided = _moment(row[0]) if row[0] else now
        return decided + self.legal_hold

    # -- data-subject requests ---------------------------------------------------------------

    def erase(
        self,
        candidate_id: str,
        role_id: str | None = None,
        reason: str = "erasure requested",
        now: datetime | None = None,
    ) -> ErasureResult:
        """Erases what the law does not require us to keep about the candidate, for one role or
        all of them, and marks the rest for deletion when the legal hold ends."""
        now = now or datetime.now(UTC)
        sql = "SELECT key, role_id, kind FROM entries WHERE candidate_id = ?"
        params: tuple[str, ...] = (candidate_id,)
        if role_id is not None:
            sql += " AND role_id = ?"
            params += (role_id,)
        with self._transaction() as db:
            rows = db.execute(sql, params).fetchall()
            hold_ends = {r["role_id"]: self._hold_ends(db, r["role_id"], now) for r in rows}
            held = [
                (stamp(hold_ends[r["role_id"]]), stamp(now), r["key"])
                for r in rows
                if r["kind"] in LEGAL_HOLD_KINDS and hold_ends[r["role_id"]] > now
            ]
            held_keys = {key for _, _, key in held}
            erased = [r["key"] for r in rows if r["key"] not in held_keys]
            self._delete(db, erased, now)
            db.executemany(
                "UPDATE entries SET hold_until = ?,"
                " erasure_requested_at = COALESCE(erasure_requested_at, ?) WHERE key = ?",
                held,
            )
            hold_until = max((_moment(until) for until, _, _ in held), default=None)
            if hold_until is not None:
                db.execute(
                    "INSERT OR IGNORE INTO erasure_requests (candidate_id, role_id, reason, requested_at,"
                    " rows_erased, rows_held, hold_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        candidate_id,
                        role_id,
                        reason,
                        stamp(now),
                        len(erased),
                        len(held),
                        stamp(hold_until),
                    ),
                )
        return ErasureResult(
            candidate_id=candidate_id,
            rows_erased=len(erased),
            rows_held=len(held),
            hold_until=hold_until,
        )

    def export(self, candidate_id: str) -> dict[str, Any]:
        """Everything held about one candidate, for an access request.

        Other people's data stays out: a decision lists only this candidate's place in the
        ranking, and a decision about someone else appears as `ranked_in`, their place alone.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT key, role_id, kind, at, body, hold_until, erasure_requested_at"
                " FROM entries WHERE candidate_id = ? ORDER BY at, key",
                (candidate_id,),
            ).fetchall()
            others = self._db.execute(
                "SELECT key, role_id, at, body FROM entries"
                " WHERE kind = 'decision' AND candidate_id != ? AND EXISTS ("
                "  SELECT 1 FROM json_each(entries.body, '$.ranking')"
                "  WHERE json_extract(json_each.value, '$.candidate_id') = ?)"
                " ORDER BY at, key",
                (candidate_id, candidate_id),
            ).fetchall()
            requests = self._db.execute(
                "SELECT role_id, reason, requested_at, rows_erased, rows_held, hold_until"
                " FROM erasure_requests WHERE candidate_id = ? ORDER BY requested_at, id",
                (candidate_id,),
            ).fetchall()
        entries = []
        for row in rows:
            body = json.loads(row["body"])
            if row["kind"] == "decision":
                body["ranking"] = _own_places(body.get("ranking"), candidate_id)
            entries.append(
                {
                    "key": row["key"],
                    "role_id": row["role_id"],
                    "kind": row["kind"],
                    "at": _shown(row["at"]),
                    "body": body,
                    "hold_until": _shown(row["hold_until"]),
                    "erasure_requested_at": _shown(row["erasure_requested_at"]),
                }
            )
        ranked_in = [
            {
                "role_id": row["role_id"],
                "decided_at": _shown(row["at"]),
                "chosen": False,
                "ranking": _own_places(json.loads(row["body"]).get("ranking"), candidate_id),
            }
            for row in others
        ]
        return {
            "candidate_id": candidate_id,
            "entries": entries,
            "ranked_in": ranked_in,
            "erasure_requests": [
                {
                    "role_id": row["role_id"],
                    "reason": row["reason"],
                    "requested_at": _shown(row["requested_at"]),
                    "rows_erased": row["rows_erased"],
                    "rows_held": row["rows_held"],
                    "hold_until": _shown(row["hold_until"]),
                }
                for row in requests
            ],
            "legal_hold": format_duration(self.legal_hold),
        }

    # -- retention -----------------------------------------------------------------------------

    def sweep(self, now: datetime) -> SweepResult:
        """Deletes every row past its legal hold as of `now`: rows an erasure marked, once their
        `hold_until` has come, and the whole record of a role whose hold has run out."""
        now_stamp = stamp(now)
        with self._transaction() as db:
            roles_before = {r[0] for r in db.execute("SELECT DISTINCT role_id FROM entries")}
            marked = db.execute(
                "SELECT key, kind FROM entries WHERE hold_until IS NOT NULL AND hold_until <= ?",
                (now_stamp,),
            ).fetchall()
            references = db.execute(
                "SELECT role_id, COALESCE(MAX(CASE WHEN kind = 'decision' THEN at END), MAX(at))"
                " FROM entries GROUP BY role_id"
            ).fetchall()
            expired_roles = [
                role
                for role, reference in references
                if _moment(reference) + self.legal_hold <= now
            ]
            expired: list[sqlite3.Row] = []
            for role in expired_roles:
                expired += db.execute(
                    "SELECT key, kind FROM entries WHERE role_id = ? AND hold_until IS NULL",
                    (role,),
                ).fetchall()
            doomed = marked + expired
            self._delete(db, [row["key"] for row in doomed], now)
            by_kind: dict[str, int] = {}
            for row in doomed:
                by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + 1
            closed = db.execute(
                "DELETE FROM erasure_requests WHERE hold_until <= ?", (now_stamp,)
            ).rowcount
            roles_after = {r[0] for r in db.execute("SELECT DISTINCT role_id FROM entries")}
            remaining = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            held = db.execute(
                "SELECT COUNT(*) FROM entries WHERE hold_until IS NOT NULL"
            ).fetchone()[0]
        return SweepResult(
            swept_at=now,
            rows_deleted=len(doomed),
            rows_deleted_by_kind=dict(sorted(by_kind.items())),
            roles_cleared=len(roles_before - roles_after),
            erasure_requests_closed=closed,
            rows_remaining=remaining,
            rows_held_after_erasure=held,
        )

    # -- small things --------------------------------------------------------------------------

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


def _own_places(ranking: Any, candidate_id: str) -> list[Any]:
    if not isinstance(ranking, list):
        return []
    return [
        place
        for place in ranking
        if isinstance(place, dict) and place.get("candidate_id") == candidate_id
    ]


class NotesActivities:
    """Activities that write to, erase from and sweep the notes archive."""

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
        result = await asyncio.to_thread(
            self.archive.erase,
            request.candidate_id,
            request.role_id,
            request.reason,
            request.requested_at,
        )
        _log.info(
            "candidate data erased",
            role_id=request.role_id,
            candidate_id=request.candidate_id,
            rows_erased=result.rows_erased,
            rows_held=result.rows_held,
            hold_until=result.hold_until.isoformat() if result.hold_until else None,
        )
        return result

    @activity.defn(name="sweep_notes_archive")
    async def sweep_notes_archive(self, request: SweepRequest) -> SweepResult:
        result = await asyncio.to_thread(self.archive.sweep, request.now)
        _log.info(
            "notes archive swept",
            rows_deleted=result.rows_deleted,
            rows_deleted_by_kind=result.rows_deleted_by_kind,
            roles_cleared=result.roles_cleared,
            rows_remaining=result.rows_remaining,
        )
        return result
