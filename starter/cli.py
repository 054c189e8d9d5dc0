"""`recruit`: the recruiter's command line for Winwin.

Every command checks its input before it talks to Temporal, then sends one update, signal or query
to the role's workflow. Errors reach the recruiter as one clear line on stderr, never a traceback:
exit 1 when the workflow refused, 2 on bad usage or input, 3 when Temporal cannot be reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import os
import re
import signal
import sys
import time
import traceback
from collections.abc import Awaitable, Coroutine, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

import typer
import yaml
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowQueryRejectedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from recruitment.models import (
    SLUG_PATTERN,
    CallOutcome,
    CallTask,
    Cancellation,
    Candidate,
    CandidateBatch,
    CandidateRecord,
    ConsentWithdrawal,
    DecisionResult,
    HiringDecision,
    InterviewBooking,
    InterviewNotes,
    NotificationKind,
    OfferAccepted,
    OfferDeclined,
    RankingEntry,
    RecruitmentStatus,
    RoleMatch,
    RoleOpening,
    Stage,
    Withdrawal,
    parse_duration,
)
from recruitment.ops import (
    MEMO_CRITERIA,
    MEMO_TITLE,
    RECRUITMENT_WORKFLOW,
    SA_APPLICANTS,
    SA_CRITERIA,
    SA_OPEN_CALLS,
    SA_RECRUITER,
    SA_ROLE_ID,
    SA_STAGE,
    TASK_QUEUE,
    reengagement_workflow_id,
    role_workflow_id,
)
from starter.client import TemporalUnreachable, connect, connect_options, data_dir, short_reason

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3

QUERY_TIMEOUT = 20.0
UPDATE_TIMEOUT = 60.0
SIGNAL_SETTLE_SECONDS = 10.0

STAGE_KEY = SearchAttributeKey.for_keyword(SA_STAGE)
ROLE_ID_KEY = SearchAttributeKey.for_keyword(SA_ROLE_ID)
RECRUITER_KEY = SearchAttributeKey.for_keyword(SA_RECRUITER)
CRITERIA_KEY = SearchAttributeKey.for_keyword_list(SA_CRITERIA)
APPLICANTS_KEY = SearchAttributeKey.for_int(SA_APPLICANTS)
OPEN_CALLS_KEY = SearchAttributeKey.for_int(SA_OPEN_CALLS)

out = Console(highlight=False)
T = TypeVar("T")


# --- errors ------------------------------------------------------------------------------------


class CliError(Exception):
    """A failure the recruiter should read: a first line, maybe a few indented lines after it."""

    def __init__(self, message: str, code: int = EXIT_REFUSED, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        # Field and row errors (exit 2) are printed flush, one per line, like a compiler's.
        self.details = list(details)


def refused(message: str, details: Sequence[str] = ()) -> NoReturn:
    raise CliError(message, EXIT_REFUSED, details)


def bad_input(message: str, details: Sequence[str] = ()) -> NoReturn:
    raise CliError(message, EXIT_USAGE, details)


def _pydantic_message(error: Any) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "missing"
    if kind == "string_too_short" and error.get("input") == "":
        return "must not be empty"
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == SLUG_PATTERN:
        return (
            f"{error.get('input')!r} is not an id: use 2-63 lowercase letters, digits and dashes, "
            "e.g. anna-berg"
        )
    message = str(error.get("msg", ""))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    return re.sub(r" after validation, not \d+$", "", message)


def _location(loc: Sequence[Any], rename: dict[str, str]) -> str:
    text = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = rename.get(str(part), str(part)) if index == 0 else str(part)
            text += f".{name}" if text else name
    return text


def field_errors(
    err: ValidationError, where: str, rename: dict[str, str] | None = None
) -> list[str]:
    """One `WHERE: FIELD: message` line per problem, in the recruiter's vocabulary."""
    lines = []
    for error in err.errors(include_url=False):
        field = _location(error.get("loc", ()), rename or {})
        message = _pydantic_message(error)
        lines.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")
    return lines


def validate(model: type[T], values: dict[str, Any], where: str, rename: dict[str, str]) -> T:
    try:
        return model.model_validate(values)  # type: ignore[attr-defined,no-any-return]
    except ValidationError as err:
        lines = field_errors(err, where, rename)
        raise CliError(lines[0], EXIT_USAGE, lines[1:]) from None


def _report(message: str, details: Sequence[str] = (), *, flush_details: bool = False) -> None:
    lines = message.splitlines() or [""]
    print(lines[0], file=sys.stderr)
    for line in lines[1:]:
        print(f"  {line}" if line.strip() else "", file=sys.stderr)
    for line in details:
        print(line if flush_details else f"  {line}", file=sys.stderr)


def _update_refusal(err: WorkflowUpdateFailedError) -> CliError:
    cause = err.cause
    message = cause.message if isinstance(cause, ApplicationError) else str(cause)
    return CliError(message.strip() or "the role refused the request", EXIT_REFUSED)


# --- reading files -----------------------------------------------------------------------------


def load_mapping(path: Path) -> dict[str, Any]:
    """A YAML or JSON file of fields, or a CliError saying what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        bad_input(f"{path}: no such file")
    except IsADirectoryError:
        bad_input(f"{path}: is a directory, not a file")
    except (OSError, UnicodeDecodeError) as err:
        bad_input(f"{path}: cannot read it: {getattr(err, 'strerror', None) or err}")
    if path.suffix.lower() == ".json":
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as err:
            bad_input(f"{path}:{err.lineno}: not valid JSON: {err.msg}")
    else:
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            problem = getattr(err, "problem", None) or str(err).splitlines()[0]
            line = f":{mark.line + 1}" if mark is not None else ""
            bad_input(f"{path}{line}: not valid YAML: {problem}")
    if not isinstance(loaded, dict):
        bad_input(
            f"{path}: expected a mapping of fields (e.g. `title: ...`), found {_kind(loaded)}"
        )
    return loaded


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


CSV_COLUMNS = ("id", "name", "email", "phone")
CSV_REQUIRED = ("id", "name", "email")


def read_candidates_csv(path: Path) -> list[Candidate]:
    """Every row as a Candidate, or a CliError listing every bad row: all or nothing."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        bad_input(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as err:
        bad_input(f"{path}: cannot read it: {getattr(err, 'strerror', None) or err}")
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows, None)
    except csv.Error as err:
        bad_input(f"{path}:1: {err}")
    if header is None or not any(cell.strip() for cell in header):
        bad_input(f"{path}: empty; the first line must be the header id,name,email[,phone]")
    columns = [cell.strip().lower() for cell in header]
    columns = ["id" if c == "candidate_id" else c for c in columns]
    missing = [c for c in CSV_REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if missing or unknown:
        header_problems = []
        if missing:
            header_problems.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            header_problems.append(f"unknown column(s) {', '.join(unknown)}")
        bad_input(f"{path}:1: {'; '.join(header_problems)}; expected id,name,email[,phone]")

    candidates: list[Candidate] = []
    problems: list[str] = []
    first_line_of_id: dict[str, int] = {}
    first_line_of_email: dict[str, int] = {}
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append(f"{path}:{rows.line_num}: {err}")
            break
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            problems.append(
                f"{path}:{line}: {len(row)} fields, but the header has {len(columns)} "
                "(a comma inside a name needs quotes)"
            )
            continue
        values = {column: row[i] if i < len(row) else "" for i, column in enumerate(columns)}
        fields = {
            "id": values["id"],
            "name": values["name"],
            "email": values["email"],
            "phone": values.get("phone", "").strip() or None,
        }
        try:
            candidate = Candidate.model_validate(fields)
        except ValidationError as err:
            problems += field_errors(err, f"{path}:{line}", {"candidate_id": "id"})
            continue
        seen_at = first_line_of_id.get(candidate.candidate_id)
        if seen_at is not None:
            problems.append(
                f"{path}:{line}: id: {candidate.candidate_id!r} is already used on line {seen_at}"
            )
            continue
        email_key = candidate.email.casefold()
        seen_at = first_line_of_email.get(email_key)
        if seen_at is not None:
            problems.append(f"{path}:{line}: email: already used on line {seen_at}")
            continue
        first_line_of_id[candidate.candidate_id] = line
        first_line_of_email[email_key] = line
        candidates.append(candidate)
    if problems:
        raise CliError(problems[0], EXIT_USAGE, problems[1:])
    if not candidates:
        bad_input(f"{path}: no candidates under the header")
    return candidates


def parse_scores(pairs: Sequence[str]) -> dict[str, int]:
    scores: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = pair.rpartition("=")
        name = name.strip()
        if not sep or not name:
            bad_input(f"--score {pair!r}: use NAME=N, e.g. --score 'System design=3'")
        try:
            scores[name] = int(value.strip())
        except ValueError:
            bad_input(f"--score {pair!r}: the score must be a whole number from 1 to 4")
    return scores


def parse_interview_time(value: str) -> datetime:
    example = "e.g. 2026-12-03T10:00+01:00"
    try:
        at = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        bad_input(f"--at {value!r}: not an ISO 8601 date and time, {example}")
    if at.tzinfo is None or at.utcoffset() is None:
        bad_input(f"--at needs a timezone, {example}")
    return at


# --- output ------------------------------------------------------------------------------------


def print_json(value: Any) -> None:
    def plain(item: Any) -> Any:
        if isinstance(item, BaseModel):
            return item.model_dump(mode="json")
        if isinstance(item, list | tuple):
            return [plain(i) for i in item]
        if isinstance(item, dict):
            return {k: plain(v) for k, v in item.items()}
        return item

    print(json.dumps(plain(value), indent=2, ensure_ascii=False, default=str))


def say(message: str) -> None:
    print(message)


def cell(value: Any) -> Text:
    if value is None or value == "":
        return Text("-", style="dim")
    return Text(str(value))


def heading(text: str) -> None:
    out.print()
    out.print(Text(text, style="bold"))


def when(moment: datetime | None, timezone: str = "UTC") -> str:
    if moment is None:
        return "-"
    try:
        zone = ZoneInfo(timezone)
    except Exception:
        zone = ZoneInfo("UTC")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")


def as_text(value: Any) -> str:
    """A brief or summary as text: briefs carry theirs in `.text`, summaries are plain strings."""
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return text
    if isinstance(value, BaseModel):
        dumped = value.model_dump(mode="json")
        return str(yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True))
    return str(value)


def names_of(status: RecruitmentStatus) -> dict[str, str]:
    return {r.candidate.candidate_id: r.candidate.name for r in status.candidates}


def ranking_table(
    ranking: Sequence[RankingEntry], names: dict[str, str], hired: str | None
) -> Table:
    criteria: list[str] = []
    for entry in ranking:
        criteria += [c for c in entry.scores if c not in criteria]
    table = Table(show_edge=False)
    table.add_column("#", justify="right")
    table.add_column("candidate")
    table.add_column("name")
    table.add_column("weighted", justify="right")
    for criterion in criteria:
        table.add_column(criterion, justify="right")
    for entry in ranking:
        marker = " (chosen)" if entry.candidate_id == hired else ""
        table.add_row(
            cell(entry.rank),
            cell(entry.candidate_id + marker),
            cell(names.get(entry.candidate_id)),
            cell(f"{entry.weighted_score:.2f}"),
            *[cell(entry.scores.get(c)) for c in criteria],
        )
    return table


# --- talking to Temporal -----------------------------------------------------------------------


class Roles:
    """The role workflows as the CLI sees them: by role id, with errors in recruiter terms."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def handle(self, role_id: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(role_workflow_id(role_id))

    @contextlib.contextmanager
    def _about(self, role_id: str) -> Iterator[None]:
        try:
            yield
        except WorkflowUpdateFailedError as err:
            raise _update_refusal(err) from None
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                if "completed" in err.message.lower():
                    refused(f"role {role_id} is closed and takes no more changes")
                refused(f"no role named {role_id}")
            raise

    async def status(self, role_id: str) -> RecruitmentStatus:
        with self._about(role_id):
            return await _within(
                QUERY_TIMEOUT,
                self.handle(role_id).query("status", result_type=RecruitmentStatus),
            )

    async def update(self, role_id: str, name: str, arg: BaseModel, result_type: type[T]) -> T:
        with self._about(role_id):
            return await _within(
                UPDATE_TIMEOUT,
                self.handle(role_id).execute_update(name, arg, result_type=result_type),
            )

    async def signal(self, role_id: str, name: str, arg: BaseModel) -> None:
        with self._about(role_id):
            await _within(QUERY_TIMEOUT, self.handle(role_id).signal(name, arg))


async def _within(seconds: float, call: Awaitable[T]) -> T:
    try:
        return await asyncio.wait_for(call, timeout=seconds)
    except TimeoutError:
        raise CliError(
            f"Temporal did not answer within {seconds:g}s; is a worker running? "
            "Start one with `recruit dev` or `recruit worker`",
            EXIT_UNREACHABLE,
        ) from None


_address_in_use = "localhost:7233"


async def reach_roles() -> Roles:
    """Connects as the environment says; remembers the address for error messages."""
    global _address_in_use
    with contextlib.suppress(Exception):
        _address_in_use = str(connect_options()["target_host"])
    client = await connect()
    return Roles(client)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def find_candidate(status: RecruitmentStatus, candidate_id: str) -> CandidateRecord:
    for record in status.candidates:
        if record.candidate.candidate_id == candidate_id:
            return record
    refused(f"role {status.role_id} has no candidate {candidate_id}")


def visibility_literal(value: str) -> str:
    """A visibility-query string literal; a quote inside is doubled, as in SQL."""
    return "'" + value.replace("'", "''") + "'"


async def other_open_roles(
    client: Client, status: RecruitmentStatus, scores: dict[str, int]
) -> list[RoleMatch]:
    """Open roles the candidate's strong criteria fit, for the brief. Best effort: [] on trouble."""
    from activities.roles import criteria_from_memo, open_roles_query, role_id_of
    from recruitment.matching import match_roles, strong_criteria
    from recruitment.models import OpenRole

    strong = strong_criteria(scores)
    if not strong:
        return []
    try:
        found: dict[str, OpenRole] = {}
        async for execution in client.list_workflows(open_roles_query(strong)):
            role_id = role_id_of(execution)
            if role_id == status.role_id or role_id in found:
                continue
            memo = await execution.memo()
            title = memo.get(MEMO_TITLE)
            found[role_id] = OpenRole(
                role_id=role_id,
                title=title if isinstance(title, str) and title else role_id,
                criteria=criteria_from_memo(memo.get(MEMO_CRITERIA)),
            )
        return list(match_roles(strong, list(found.values()), [status.role_id]))
    except Exception:
        return []


# --- the app -----------------------------------------------------------------------------------

app = typer.Typer(
    name="recruit",
    help="Winwin: hire the best person for each role, and give every other candidate a real answer.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    epilog=(
        "Every command: dev, worker, demo; "
        "role open|list|status|merits|cancel; candidate add|import|withdraw|export|erase; "
        "interview schedule|record; decide; offer accepted|declined; call list|brief|log; "
        "consent withdraw; retention schedule; outbox. "
        "Exit codes: 1 the role refused, 2 bad usage or input, 3 Temporal unreachable."
    ),
)
role_app = typer.Typer(help="Open roles, follow them, close them.", no_args_is_help=True)
candidate_app = typer.Typer(
    help="Add, import and withdraw applicants; export or erase what is held about a person.",
    no_args_is_help=True,
)
interview_app = typer.Typer(help="Book interviews and record their notes.", no_args_is_help=True)
offer_app = typer.Typer(help="Log the candidate's answer to the offer.", no_args_is_help=True)
call_app = typer.Typer(
    help="Rejection calls: the list, the brief, the outcome.", no_args_is_help=True
)
consent_app = typer.Typer(
    help="A candidate's consent to be contacted about other roles.", no_args_is_help=True
)
retention_app = typer.Typer(
    help="The retention sweep that deletes notes past their legal hold.", no_args_is_help=True
)
app.add_typer(role_app, name="role")
app.add_typer(candidate_app, name="candidate")
app.add_typer(interview_app, name="interview")
app.add_typer(offer_app, name="offer")
app.add_typer(call_app, name="call")
app.add_typer(consent_app, name="consent")
app.add_typer(retention_app, name="retention")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
RoleArg = Annotated[str, typer.Argument(metavar="ROLE_ID", help="The role's id, e.g. backend-dev.")]
CandidateArg = Annotated[str, typer.Argument(metavar="CANDIDATE_ID", help="The candidate's id.")]


# --- recruit dev / worker / demo ---------------------------------------------------------------


async def _run_worker_until_stopped(worker: Any) -> None:
    """Runs the worker until Ctrl-C or SIGTERM, then lets it finish what it holds."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        running = asyncio.create_task(worker.run())
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if running in done:
            stopping.cancel()
            running.result()
            return
        say("Stopping...")
        await worker.shutdown()
        await running
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


@app.command()
def dev(
    data_dir_option: Annotated[
        Path,
        typer.Option(
            "--data-dir",
            envvar="RECRUIT_DATA_DIR",
            help="Where Temporal's database, the notes and the outbox live.",
        ),
    ] = Path(".winwin"),
    port: Annotated[int, typer.Option("--port", help="Temporal's gRPC port.")] = 7233,
    ui_port: Annotated[int, typer.Option("--ui-port", help="The Temporal UI's port.")] = 8233,
) -> None:
    """Run an embedded Temporal server, its UI and a worker, until Ctrl-C."""
    from starter.devserver import EmbeddedTemporal

    async def serve() -> None:
        from activities.logs import configure_logging
        from recruitment.ops import RETENTION_SCHEDULE_ID
        from starter.schedules import ensure_retention_schedule
        from starter.telemetry import runtime_from_env
        from worker import create_worker

        configure_logging()
        os.environ["RECRUIT_DATA_DIR"] = str(data_dir_option)
        async with EmbeddedTemporal(data_dir_option, port=port, ui_port=ui_port) as server:
            client = await connect(server.address, "default", runtime=runtime_from_env())
            worker = create_worker(client, task_queue=TASK_QUEUE, data_dir=data_dir_option)
            await ensure_retention_schedule(client)
            say(f"Temporal UI:      {server.ui_url}")
            say(f"Temporal server:  {server.address} (namespace default)")
            say(f"Data dir:         {data_dir_option.resolve()}")
            say(f"Worker:           task queue {TASK_QUEUE}")
            say(f"Retention sweep:  schedule {RETENTION_SCHEDULE_ID}, daily")
            if port != 7233:
                say(f"In other terminals, first: export TEMPORAL_ADDRESS={server.address}")
            say("Ready. Open a role with: recruit role open role.yaml   (Ctrl-C stops everything)")
            sys.stdout.flush()
            await _run_worker_until_stopped(worker)
        say("Stopped.")

    run(serve())


@app.command("worker")
def worker_command() -> None:
    """Run a worker only, against the Temporal that TEMPORAL_ADDRESS points at."""

    async def serve() -> None:
        from activities.logs import configure_logging
        from starter.telemetry import runtime_from_env
        from worker import create_worker

        configure_logging()
        global _address_in_use
        _address_in_use = str(connect_options()["target_host"])
        client = await connect(runtime=runtime_from_env())
        worker = create_worker(client, task_queue=TASK_QUEUE, data_dir=data_dir())
        say(
            f"Worker running on task queue {TASK_QUEUE} against {_address_in_use}. Ctrl-C stops it."
        )
        sys.stdout.flush()
        await _run_worker_until_stopped(worker)
        say("Stopped.")

    run(serve())


@app.command()
def demo(
    exit_when_done: Annotated[
        bool, typer.Option("--exit", help="Stop once the story is told.")
    ] = False,
    reengage_after: Annotated[
        str,
        typer.Option("--reengage-after", help="How long the re-engagement check waits, e.g. 20s."),
    ] = "20s",
) -> None:
    """Tell the whole story end to end: a role, interviews, a hire, letters, calls, re-engagement."""
    try:
        parse_duration(reengage_after)
    except ValueError as err:
        bad_input(f"--reengage-after: {err}")
    from starter import demo as demo_module

    run(demo_module.run_demo(exit_when_done=exit_when_done, reengage_after=reengage_after))


# --- recruit role ... --------------------------------------------------------------------------


def _role_from_file(path: Path) -> RoleOpening:
    return validate(RoleOpening, load_mapping(path), str(path), {})


@role_app.command("open")
def role_open(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.yaml|FILE.json", help="The role: id, title, recruiter, criteria, ..."
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Open a role from a YAML or JSON file."""
    role = _role_from_file(file)

    async def start() -> None:
        roles = await reach_roles()
        workflow_id = role_workflow_id(role.role_id)
        try:
            handle = await roles.client.start_workflow(
                RECRUITMENT_WORKFLOW,
                role,
                id=workflow_id,
                task_queue=TASK_QUEUE,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                memo={
                    MEMO_TITLE: role.title,
                    MEMO_CRITERIA: [c.model_dump(mode="json") for c in role.criteria],
                },
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(STAGE_KEY, Stage.INTERVIEWING.value),
                        SearchAttributePair(ROLE_ID_KEY, role.role_id),
                        SearchAttributePair(RECRUITER_KEY, role.recruiter.email),
                        SearchAttributePair(CRITERIA_KEY, [c.name for c in role.criteria]),
                        SearchAttributePair(APPLICANTS_KEY, 0),
                        SearchAttributePair(OPEN_CALLS_KEY, 0),
                    ]
                ),
                static_summary=f"{role.title} ({role.role_id})",
            )
        except WorkflowAlreadyStartedError:
            description = await roles.handle(role.role_id).describe()
            if description.status == WorkflowExecutionStatus.RUNNING:
                refused(f"role {role.role_id} is already open")
            refused(f"role {role.role_id} was opened before and has closed; choose a new role id")
        if as_json:
            print_json(
                {
                    "role_id": role.role_id,
                    "workflow_id": workflow_id,
                    "run_id": handle.result_run_id,
                }
            )
            return
        say(f"Role {role.role_id} ({role.title}) is open.")
        say(
            f"Add candidates with: recruit candidate add {role.role_id} --id ID --name NAME --email EMAIL"
        )
        say(f"             or: recruit candidate import {role.role_id} candidates.csv")

    run(start())


@role_app.command("list")
def role_list(
    stage: Annotated[
        Stage | None, typer.Option("--stage", help="Only roles in this stage.")
    ] = None,
    recruiter: Annotated[
        str | None, typer.Option("--recruiter", help="Only this recruiter's roles (email).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List roles and where they stand."""

    async def listing() -> None:
        roles = await reach_roles()
        query = f"WorkflowType={visibility_literal(RECRUITMENT_WORKFLOW)}"
        query += " AND ExecutionStatus != 'ContinuedAsNew'"
        if stage is not None:
            query += f" AND {SA_STAGE}={visibility_literal(stage.value)}"
        if recruiter:
            query += f" AND {SA_RECRUITER}={visibility_literal(recruiter.strip())}"
        rows: dict[str, dict[str, Any]] = {}
        async for execution in roles.client.list_workflows(query):
            attributes = execution.typed_search_attributes
            role_id = attributes.get(ROLE_ID_KEY) or execution.id.removeprefix("role-")
            title = await execution.memo_value(MEMO_TITLE, "")
            previous = rows.get(execution.id)
            if previous and previous["_started"] >= execution.start_time:
                continue
            rows[execution.id] = {
                "role_id": role_id,
                "title": title or "",
                "stage": attributes.get(STAGE_KEY),
                "recruiter": attributes.get(RECRUITER_KEY),
                "applicants": attributes.get(APPLICANTS_KEY),
                "open_calls": attributes.get(OPEN_CALLS_KEY),
                "running": execution.status == WorkflowExecutionStatus.RUNNING,
                "opened_at": execution.start_time.isoformat(),
                "workflow_id": execution.id,
                "_started": execution.start_time,
            }
        listed = sorted(rows.values(), key=lambda r: r["_started"])
        for row in listed:
            del row["_started"]
        if as_json:
            print_json(listed)
            return
        if not listed:
            say("No roles found.")
            return
        table = Table(show_edge=False)
        for column in ("role", "title", "stage", "applicants", "open calls", "recruiter"):
            table.add_column(column)
        for row in listed:
            table.add_row(
                cell(row["role_id"]),
                cell(row["title"]),
                cell(row["stage"]),
                cell(row["applicants"]),
                cell(row["open_calls"]),
                cell(row["recruiter"]),
            )
        out.print(table)

    run(listing())


@role_app.command("status")
def role_status(role_id: RoleArg, as_json: JsonFlag = False) -> None:
    """Show a role: stage, candidates, ranking, calls and recent events."""

    async def show() -> None:
        roles = await reach_roles()
        status = await roles.status(role_id)
        if as_json:
            print_json(status)
            return
        print_status(status)

    run(show())


def print_status(status: RecruitmentStatus) -> None:
    timezone = status.role.timezone
    names = names_of(status)
    scores = {entry.candidate_id: entry.weighted_score for entry in status.ranking}
    out.print(Text(f"Role {status.role_id}: {status.title}", style="bold"))
    say(f"Stage:      {status.stage.value}")
    say(f"Recruiter:  {status.recruiter.name} <{status.recruiter.email}>")
    if status.offered_to and status.stage == Stage.OFFER_OUT:
        say(f"Offer out:  {names.get(status.offered_to, '')} ({status.offered_to})")
    if status.hired:
        say(f"Hired:      {names.get(status.hired, '')} ({status.hired})")

    heading(f"Candidates ({len(status.candidates)})")
    if status.candidates:
        table = Table(show_edge=False)
        for column in ("candidate", "name", "status", "weighted score", "interview"):
            table.add_column(column)
        for record in status.candidates:
            score = scores.get(record.candidate.candidate_id)
            booking = record.booking
            table.add_row(
                cell(record.candidate.candidate_id),
                cell(record.candidate.name),
                cell(record.status.value),
                cell(f"{score:.2f}" if score is not None else None),
                cell(when(booking.at, timezone) if booking else None),
            )
        out.print(table)
    else:
        say("None yet.")

    if status.ranking:
        heading("Ranking")
        out.print(ranking_table(status.ranking, names, status.offered_to or status.hired))

    pending = [call for call in status.calls_pending if not call.done]
    if pending or status.calls_done or status.fallback_letters_sent:
        say(
            f"Calls:      {len(pending)} outstanding, {status.calls_overdue} overdue, "
            f"{status.calls_done} done, {status.fallback_letters_sent} replaced by a letter"
        )
    if pending:
        heading(f"Calls pending ({len(pending)})")
        now = datetime.now(UTC)
        table = Table(show_edge=False)
        for column in ("candidate", "name", "due", "attempts", ""):
            table.add_column(column)
        for call in sorted(pending, key=lambda c: c.due):
            table.add_row(
                cell(call.candidate_id),
                cell(names.get(call.candidate_id)),
                cell(when(call.due, timezone)),
                cell(call.attempts),
                Text("OVERDUE", style="bold red") if call.due < now else Text(""),
            )
        out.print(table)

    if status.timeline:
        heading("Recent events")
        table = Table(show_edge=False)
        for column in ("when", "event", "candidate", "detail"):
            table.add_column(column)
        for event in status.timeline[-10:]:
            table.add_row(
                cell(when(event.at, timezone)),
                cell(event.kind),
                cell(event.candidate_id),
                cell(event.detail),
            )
        out.print(table)
    if status.ignored_signals:
        heading("Ignored signals")
        for line in status.ignored_signals:
            say(f"  {line}")


@role_app.command("merits")
def role_merits(role_id: RoleArg, as_json: JsonFlag = False) -> None:
    """The hired person's merits, criterion by criterion, as an applicant may ask for in writing."""

    async def show() -> None:
        from recruitment.scoring import merits_summary

        roles = await reach_roles()
        status = await roles.status(role_id)
        if not status.hired:
            refused(
                f"nobody has been hired for role {role_id} yet, so there are no merits to describe"
            )
        hired = find_candidate(status, status.hired)
        if hired.notes is None:
            refused(
                f"there are no interview notes for {status.hired}, the person hired for {role_id}"
            )
        summary = merits_summary(status.role, hired.notes)
        if as_json:
            body = (
                summary.model_dump(mode="json")
                if isinstance(summary, BaseModel)
                else as_text(summary)
            )
            print_json({"role_id": role_id, "hired": status.hired, "merits": body})
            return
        say(as_text(summary))

    run(show())


@role_app.command("cancel")
def role_cancel(
    role_id: RoleArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the role is cancelled.")],
    as_json: JsonFlag = False,
) -> None:
    """Cancel a role. Everyone who applied still gets an answer."""
    cancellation = validate(Cancellation, {"reason": reason}, "role cancel", {"reason": "--reason"})

    async def cancel() -> None:
        roles = await reach_roles()
        status = await roles.update(role_id, "cancel", cancellation, RecruitmentStatus)
        if as_json:
            print_json(status)
            return
        pending = [c for c in status.calls_pending if not c.done]
        say(f"Role {role_id} is cancelled (stage: {status.stage.value}).")
        if pending:
            say(f"{len(pending)} rejection call(s) to make; see: recruit call list")

    run(cancel())


# --- recruit candidate ... ---------------------------------------------------------------------

CANDIDATE_FLAGS = {
    "candidate_id": "--id",
    "id": "--id",
    "name": "--name",
    "email": "--email",
    "phone": "--phone",
}


@candidate_app.command("add")
def candidate_add(
    role_id: RoleArg,
    candidate_id: Annotated[str, typer.Option("--id", help="A short id, e.g. anna-berg.")],
    name: Annotated[str, typer.Option("--name", help="The candidate's name.")],
    email: Annotated[str, typer.Option("--email", help="The candidate's email address.")],
    phone: Annotated[
        str | None, typer.Option("--phone", help="Phone number, for the call.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add one applicant to a role."""
    candidate = validate(
        Candidate,
        {"candidate_id": candidate_id, "name": name, "email": email, "phone": phone or None},
        "candidate add",
        CANDIDATE_FLAGS,
    )

    async def add() -> None:
        roles = await reach_roles()
        record = await roles.update(role_id, "add_candidate", candidate, CandidateRecord)
        if as_json:
            print_json(record)
            return
        say(f"Added {record.candidate.name} ({record.candidate.candidate_id}) to role {role_id}.")
        say(
            f"Book an interview with: recruit interview schedule {role_id} "
            f"{record.candidate.candidate_id} --at YYYY-MM-DDTHH:MM+01:00 --interviewer EMAIL"
        )

    run(add())


@candidate_app.command("import")
def candidate_import(
    role_id: RoleArg,
    file: Annotated[
        Path, typer.Argument(metavar="FILE.csv", help="Columns id,name,email[,phone].")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Add every applicant in a CSV file, or none of them if any row is wrong."""
    candidates = read_candidates_csv(file)

    async def add_all() -> None:
        roles = await reach_roles()
        batch = CandidateBatch(candidates=candidates)
        status = await roles.update(role_id, "add_candidates", batch, RecruitmentStatus)
        if as_json:
            print_json(status)
            return
        say(
            f"Imported {len(candidates)} candidate(s) into role {role_id}; "
            f"{len(status.candidates)} applicant(s) in total."
        )

    run(add_all())


@candidate_app.command("withdraw")
def candidate_withdraw(
    role_id: RoleArg,
    candidate_id: CandidateArg,
    reason: Annotated[str, typer.Option("--reason", help="What the candidate said.")],
    as_json: JsonFlag = False,
) -> None:
    """Record that a candidate withdrew. They said no themselves, so no letter or call follows."""
    withdrawal = validate(
        Withdrawal,
        {"candidate_id": candidate_id, "reason": reason},
        "candidate withdraw",
        {"candidate_id": "CANDIDATE_ID", "reason": "--reason"},
    )

    async def withdraw() -> None:
        roles = await reach_roles()
        record = await roles.update(role_id, "withdraw_candidate", withdrawal, CandidateRecord)
        if as_json:
            print_json(record)
            return
        say(f"{record.candidate.name} ({candidate_id}) has withdrawn from role {role_id}.")

    run(withdraw())


# --- recruit candidate export / erase: data-subject requests --------------------------------------


def _candidate_id(value: str) -> str:
    if not re.match(SLUG_PATTERN, value):
        bad_input(
            f"CANDIDATE_ID {value!r} is not an id: use 2-63 lowercase letters, digits and dashes, "
            "e.g. anna-berg"
        )
    return value


@contextlib.contextmanager
def _notes_archive() -> Iterator[Any]:
    """The notes archive in the data dir, opened (and migrated) directly; no Temporal needed."""
    import sqlite3

    from activities.logs import configure_logging
    from activities.notes import NOTES_FILE, NotesArchive, legal_hold_from_env

    # Log lines (a migration, say) go to stderr, so stdout stays the JSON a script reads.
    configure_logging(level="WARNING")
    path = data_dir() / NOTES_FILE
    if not path.is_file():
        bad_input(f"no notes archive at {path}; set RECRUIT_DATA_DIR to the worker's data dir")
    try:
        hold = legal_hold_from_env()
    except ValueError as err:
        bad_input(str(err))
    try:
        archive = NotesArchive(path, legal_hold=hold)
    except RuntimeError as err:
        refused(str(err))
    except sqlite3.DatabaseError as err:
        bad_input(f"{path}: not a notes archive ({err})")
    try:
        yield archive
    except sqlite3.Error as err:
        refused(f"{path}: {err}")
    finally:
        archive.close()


@candidate_app.command("export")
def candidate_export(candidate_id: CandidateArg, as_json: JsonFlag = False) -> None:
    """Print everything the notes archive holds about a person, as JSON (an access request)."""
    # Always JSON; --json is accepted as on every other command that prints data.
    candidate_id = _candidate_id(candidate_id)
    with _notes_archive() as archive:
        record = archive.export(candidate_id)
    print_json({**record, "exported_at": datetime.now(UTC).isoformat(timespec="seconds")})


@candidate_app.command("erase")
def candidate_erase(
    candidate_id: CandidateArg,
    role_id: Annotated[
        str | None, typer.Option("--role", help="Only this role's record (default: every role).")
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why, for the erasure log (no personal data).")
    ] = "erasure requested by the candidate",
    as_json: JsonFlag = False,
) -> None:
    """Erase what is held about a person, apart from what the legal hold keeps.

    Call briefs, call outcomes and consent events go at once.

    Interview notes and the decision are kept for a discrimination claim until the legal hold ends, RECRUIT_LEGAL_HOLD (default 730d) after the role's decision; the retention sweep deletes them then.
    """
    candidate_id = _candidate_id(candidate_id)
    if role_id is not None and not re.match(SLUG_PATTERN, role_id):
        bad_input(f"--role {role_id!r} is not a role id")
    if not reason.strip():
        bad_input("--reason must not be empty")
    with _notes_archive() as archive:
        result = archive.erase(candidate_id, role_id=role_id, reason=reason.strip())
    if as_json:
        print_json(result)
        return
    where = f" in role {role_id}" if role_id else ""
    if result.rows_erased == 0 and result.rows_held == 0:
        say(f"Nothing is held about {candidate_id}{where}.")
        return
    say(f"Erased {result.rows_erased} record(s) about {candidate_id}{where}.")
    if result.hold_until is not None:
        say(
            f"Kept under the legal hold: {result.rows_held} record(s) (interview notes and the "
            f"decision), deleted by the retention sweep after {when(result.hold_until)}."
        )
    say(
        "If they agreed to hear about other roles, also run: "
        f"recruit consent withdraw ROLE_ID {candidate_id}"
    )


# --- recruit interview ... ---------------------------------------------------------------------


@interview_app.command("schedule")
def interview_schedule(
    role_id: RoleArg,
    candidate_id: CandidateArg,
    at: Annotated[
        str, typer.Option("--at", help="ISO 8601 with a timezone, e.g. 2026-12-03T10:00+01:00.")
    ],
    interviewers: Annotated[
        list[str], typer.Option("--interviewer", help="Interviewer email; repeat for more.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Book an interview. The interviewers get the interview kit."""
    booking = validate(
        InterviewBooking,
        {
            "candidate_id": candidate_id,
            "at": parse_interview_time(at),
            "interviewers": interviewers,
        },
        "interview schedule",
        {"candidate_id": "CANDIDATE_ID", "at": "--at", "interviewers": "--interviewer"},
    )

    async def schedule() -> None:
        roles = await reach_roles()
        record = await roles.update(role_id, "schedule_interview", booking, CandidateRecord)
        if as_json:
            print_json(record)
            return
        say(
            f"Interview with {record.candidate.name} ({candidate_id}) booked for "
            f"{booking.at.isoformat(timespec='minutes')}."
        )
        say(f"The interview kit goes to {', '.join(booking.interviewers)}.")
        say(f"Afterwards: recruit interview record {role_id} {candidate_id} --file notes.yaml")

    run(schedule())


NOTES_FLAGS = {
    "candidate_id": "CANDIDATE_ID",
    "interviewer": "--interviewer",
    "scores": "--score",
    "strengths": "--strength",
    "improvement_potential": "--improve (improvement_potential)",
    "summary": "--summary",
}


@interview_app.command("record")
def interview_record(
    role_id: RoleArg,
    candidate_id: CandidateArg,
    file: Annotated[Path | None, typer.Option("--file", help="Notes as YAML or JSON.")] = None,
    interviewer: Annotated[
        str | None, typer.Option("--interviewer", help="Who interviewed.")
    ] = None,
    score: Annotated[
        list[str] | None, typer.Option("--score", help="NAME=N (1-4), once per criterion.")
    ] = None,
    strength: Annotated[
        list[str] | None, typer.Option("--strength", help="A strength; repeat for more.")
    ] = None,
    improve: Annotated[
        list[str] | None, typer.Option("--improve", help="Improvement potential; repeat for more.")
    ] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="A short summary.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record interview notes, from a file or from flags. Improvement potential is required."""
    flags_used = any(v for v in (interviewer, score, strength, improve, summary))
    if file is not None and flags_used:
        bad_input("give the notes either with --file or with flags, not both")
    if file is not None:
        values = load_mapping(file)
        named = values.get("candidate_id")
        if named is not None and str(named).strip() != candidate_id:
            bad_input(
                f"{file}: candidate_id: the file is about {named!r}, but the command names {candidate_id!r}"
            )
        values["candidate_id"] = candidate_id
        notes = validate(InterviewNotes, values, str(file), {})
    else:
        if not flags_used:
            bad_input(
                "give the notes with --file NOTES.yaml, or with --interviewer, --score NAME=N, "
                "--strength, --improve and --summary"
            )
        values = {
            "candidate_id": candidate_id,
            "interviewer": interviewer or "",
            "scores": parse_scores(score or []),
            "strengths": strength or [],
            "improvement_potential": improve or [],
            "summary": summary or "",
        }
        notes = validate(InterviewNotes, values, "interview record", NOTES_FLAGS)

    async def record_notes() -> None:
        roles = await reach_roles()
        record = await roles.update(role_id, "record_interview", notes, CandidateRecord)
        if as_json:
            print_json(record)
            return
        version = f" (version {record.notes_versions})" if record.notes_versions > 1 else ""
        say(f"Notes for {record.candidate.name} ({candidate_id}) recorded{version}.")

    run(record_notes())


# --- recruit decide ----------------------------------------------------------------------------


@app.command()
def decide(
    role_id: RoleArg,
    candidate_id: CandidateArg,
    rationale: Annotated[
        str, typer.Option("--rationale", help="Why this candidate, in at least 20 characters.")
    ],
    override_reason: Annotated[
        str | None,
        typer.Option(
            "--override-reason", help="Why not the top-ranked candidate, if they are not."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Choose whom to offer the role. The rule: interviewed, everyone has notes, a real rationale."""
    decision = validate(
        HiringDecision,
        {"candidate_id": candidate_id, "rationale": rationale, "override_reason": override_reason},
        "decide",
        {
            "candidate_id": "CANDIDATE_ID",
            "rationale": "--rationale",
            "override_reason": "--override-reason",
        },
    )

    async def apply() -> None:
        roles = await reach_roles()
        result = await roles.update(role_id, "decide", decision, DecisionResult)
        if as_json:
            print_json(result)
            return
        names: dict[str, str] = {}
        with contextlib.suppress(CliError):
            names = names_of(await roles.status(role_id))
        chosen = names.get(result.hired_candidate_id, result.hired_candidate_id)
        say(
            f"Decision recorded: the offer for role {role_id} goes to {chosen} ({result.hired_candidate_id})."
        )
        out.print(ranking_table(result.ranking, names, result.hired_candidate_id))
        say("Nobody hears no until the offer is accepted. When it is:")
        say(f"  recruit offer accepted {role_id} {result.hired_candidate_id}")

    run(apply())


# --- recruit offer ... -------------------------------------------------------------------------


def _check_offer_is_out(status: RecruitmentStatus, candidate_id: str) -> None:
    if status.stage != Stage.OFFER_OUT or not status.offered_to:
        refused(
            f"role {status.role_id} has no offer out (stage: {status.stage.value}); nothing sent"
        )
    if status.offered_to != candidate_id:
        refused(
            f"the offer for role {status.role_id} is out to {status.offered_to}, "
            f"not {candidate_id}; nothing sent"
        )


async def _settle(roles: Roles, role_id: str, away_from: Stage) -> RecruitmentStatus:
    """The role's status once it has left `away_from`, or as it is after a short wait."""
    deadline = time.monotonic() + SIGNAL_SETTLE_SECONDS
    while True:
        status = await roles.status(role_id)
        if status.stage != away_from or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.3)


@offer_app.command("accepted")
def offer_accepted(
    role_id: RoleArg,
    candidate_id: CandidateArg,
    start_date: Annotated[str | None, typer.Option("--start-date", help="YYYY-MM-DD")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The candidate accepted. Letters and rejection calls start now."""
    accepted = validate(
        OfferAccepted,
        {"candidate_id": candidate_id, "start_date": start_date},
        "offer accepted",
        {"candidate_id": "CANDIDATE_ID", "start_date": "--start-date"},
    )

    async def accept() -> None:
        roles = await reach_roles()
        _check_offer_is_out(await roles.status(role_id), candidate_id)
        await roles.signal(role_id, "offer_accepted", accepted)
        status = await _settle(roles, role_id, Stage.OFFER_OUT)
        if as_json:
            print_json(status)
            return
        name = names_of(status).get(candidate_id, candidate_id)
        say(f"{name} accepted the offer for {status.title}.")
        if status.stage == Stage.OFFER_OUT:
            say("The role has not picked it up yet; check with: recruit role status " + role_id)
            return
        pending = [c for c in status.calls_pending if not c.done]
        say("Applicants who were not interviewed get a rejection letter.")
        if pending:
            say(f"{len(pending)} rejection call(s) are yours to make; see: recruit call list")

    run(accept())


@offer_app.command("declined")
def offer_declined(
    role_id: RoleArg,
    candidate_id: CandidateArg,
    reason: Annotated[str, typer.Option("--reason", help="What the candidate said.")],
    as_json: JsonFlag = False,
) -> None:
    """The candidate declined. The role goes back to interviewing; nobody has been rejected yet."""
    declined = validate(
        OfferDeclined,
        {"candidate_id": candidate_id, "reason": reason},
        "offer declined",
        {"candidate_id": "CANDIDATE_ID", "reason": "--reason"},
    )

    async def decline() -> None:
        roles = await reach_roles()
        _check_offer_is_out(await roles.status(role_id), candidate_id)
        await roles.signal(role_id, "offer_declined", declined)
        status = await _settle(roles, role_id, Stage.OFFER_OUT)
        if as_json:
            print_json(status)
            return
        name = names_of(status).get(candidate_id, candidate_id)
        say(
            f"{name} declined the offer for {status.title}. The role is back to {status.stage.value}."
        )
        say(f"Choose again with: recruit decide {role_id} CANDIDATE_ID --rationale TEXT")

    run(decline())


# --- recruit call ... --------------------------------------------------------------------------


@call_app.command("list")
def call_list(
    recruiter: Annotated[
        str | None, typer.Option("--recruiter", help="Only this recruiter's calls (email).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every rejection call still to make, across roles, soonest due first."""

    async def listing() -> None:
        roles = await reach_roles()
        query = (
            f"WorkflowType={visibility_literal(RECRUITMENT_WORKFLOW)} "
            f"AND {SA_OPEN_CALLS} > 0 AND ExecutionStatus = 'Running'"
        )
        if recruiter:
            query += f" AND {SA_RECRUITER}={visibility_literal(recruiter.strip())}"
        role_ids: list[str] = []
        async for execution in roles.client.list_workflows(query):
            role_id = execution.typed_search_attributes.get(
                ROLE_ID_KEY
            ) or execution.id.removeprefix("role-")
            if role_id not in role_ids:
                role_ids.append(role_id)
        statuses = await asyncio.gather(*(roles.status(r) for r in role_ids))
        now = datetime.now(UTC)
        calls: list[dict[str, Any]] = []
        for status in statuses:
            names = names_of(status)
            for call in status.calls_pending:
                if call.done:
                    continue
                calls.append(
                    {
                        "due": call.due,
                        "role_id": status.role_id,
                        "role_title": status.title,
                        "candidate_id": call.candidate_id,
                        "candidate_name": names.get(call.candidate_id, ""),
                        "attempts": call.attempts,
                        "overdue": call.due < now,
                        "fallback_at": call.fallback_at,
                        "timezone": status.role.timezone,
                    }
                )
        calls.sort(key=lambda c: c["due"])
        if as_json:
            print_json(
                [
                    {
                        **{k: v for k, v in c.items() if k != "timezone"},
                        "due": c["due"].isoformat(),
                        "fallback_at": c["fallback_at"].isoformat(),
                    }
                    for c in calls
                ]
            )
            return
        if not calls:
            say("No calls to make.")
            return
        table = Table(show_edge=False)
        for column in ("due", "role", "candidate", "name", "attempts", ""):
            table.add_column(column)
        for c in calls:
            table.add_row(
                cell(when(c["due"], c["timezone"])),
                cell(c["role_id"]),
                cell(c["candidate_id"]),
                cell(c["candidate_name"]),
                cell(c["attempts"]),
                Text("OVERDUE", style="bold red") if c["overdue"] else Text(""),
            )
        out.print(table)
        say("Before each call: recruit call brief ROLE_ID CANDIDATE_ID")

    run(listing())


@call_app.command("brief")
def call_brief_command(
    role_id: RoleArg, candidate_id: CandidateArg, as_json: JsonFlag = False
) -> None:
    """The prepared brief for a rejection call: scores, strengths, improvement potential, advice."""

    async def show() -> None:
        from recruitment.briefs import call_brief

        roles = await reach_roles()
        status = await roles.status(role_id)
        record = find_candidate(status, candidate_id)
        if status.hired == candidate_id or status.offered_to == candidate_id:
            refused(
                f"{candidate_id} is the candidate chosen for role {role_id}; there is no rejection call"
            )
        if record.notes is None:
            refused(
                f"{candidate_id} was not interviewed, so there is no call brief; "
                "they get a rejection letter instead"
            )
        hired_notes = None
        if status.hired:
            hired_notes = find_candidate(status, status.hired).notes
        others = await _within(
            QUERY_TIMEOUT, other_open_roles(roles.client, status, record.notes.scores)
        )
        brief = call_brief(status.role, record.candidate, record.notes, hired_notes, others)
        if as_json:
            body = brief.model_dump(mode="json") if isinstance(brief, BaseModel) else as_text(brief)
            print_json({"role_id": role_id, "candidate_id": candidate_id, "brief": body})
            return
        say(as_text(brief))

    run(show())


@call_app.command("log")
def call_log(
    role_id: RoleArg,
    candidate_id: CandidateArg,
    reached: Annotated[
        bool, typer.Option("--reached", help="You spoke with the candidate.")
    ] = False,
    not_reached: Annotated[
        bool, typer.Option("--not-reached", help="You tried but did not get through.")
    ] = False,
    notes: Annotated[str, typer.Option("--notes", help="How the call went.")] = "",
    consent: Annotated[
        bool, typer.Option("--consent", help="They agreed to be contacted about other roles.")
    ] = False,
    open_to_other_roles: Annotated[
        bool, typer.Option("--open-to-other-roles", help="They are open to other roles.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Log a call attempt, or the call itself."""
    if reached == not_reached:
        bad_input("say how the call went with exactly one of --reached or --not-reached")
    outcome = validate(
        CallOutcome,
        {
            "candidate_id": candidate_id,
            "reached": reached,
            "notes": notes,
            "consent_to_contact": consent,
            "open_to_other_roles": open_to_other_roles,
        },
        "call log",
        {
            "candidate_id": "CANDIDATE_ID",
            "notes": "--notes",
            "consent_to_contact": "--consent",
            "open_to_other_roles": "--open-to-other-roles",
        },
    )

    async def log() -> None:
        roles = await reach_roles()
        task = await roles.update(role_id, "log_call", outcome, CallTask)
        if as_json:
            print_json(task)
            return
        if task.done:
            say(f"Call with {candidate_id} for role {role_id} logged. Thank you for making it.")
            if outcome.consent_to_contact and outcome.open_to_other_roles:
                say("They agreed to hear about other roles; a re-engagement check is set up.")
        else:
            say(
                f"Attempt {task.attempts} logged for {candidate_id}. The call stays on your list "
                f"(due {when(task.due)})."
            )

    run(log())


# --- recruit consent ... -----------------------------------------------------------------------


@consent_app.command("withdraw")
def consent_withdraw(
    role_id: RoleArg,
    candidate_id: CandidateArg,
    reason: Annotated[str, typer.Option("--reason", help="What the candidate said.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """The candidate no longer wants to hear about other roles. Their data is erased."""
    withdrawal = validate(
        ConsentWithdrawal, {"reason": reason}, "consent withdraw", {"reason": "--reason"}
    )

    async def withdraw() -> None:
        roles = await reach_roles()
        workflow_id = reengagement_workflow_id(role_id, candidate_id)
        handle = roles.client.get_workflow_handle(workflow_id)
        try:
            await _within(QUERY_TIMEOUT, handle.signal("withdraw_consent", withdrawal))
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
            if "completed" in err.message.lower():
                refused(
                    f"the re-engagement check for {candidate_id} in role {role_id} has already ended"
                )
            refused(f"no re-engagement check for {candidate_id} in role {role_id}")
        if as_json:
            print_json(
                {"role_id": role_id, "candidate_id": candidate_id, "workflow_id": workflow_id}
            )
            return
        say(
            f"Consent withdrawn for {candidate_id} (role {role_id}). The re-engagement check ends "
            "and their personal data is erased from the notes archive."
        )

    run(withdraw())


# --- recruit retention ... ---------------------------------------------------------------------


@retention_app.command("schedule")
def retention_schedule_command(
    every: Annotated[
        str, typer.Option("--every", help="How often the sweep runs, e.g. 1d or 12h.")
    ] = "1d",
    as_json: JsonFlag = False,
) -> None:
    """Create the retention-sweep schedule, or bring it up to date. Safe to run again."""
    try:
        interval = parse_duration(every)
    except ValueError as err:
        bad_input(f"--every: {err}")
    if interval < timedelta(minutes=1):
        bad_input("--every: at least 1m")

    async def ensure() -> None:
        from recruitment.ops import RETENTION_SCHEDULE_ID
        from starter.schedules import ensure_retention_schedule

        roles = await reach_roles()
        outcome = await _within(
            QUERY_TIMEOUT, ensure_retention_schedule(roles.client, every=interval)
        )
        if as_json:
            print_json({"schedule_id": RETENTION_SCHEDULE_ID, "every": every, "result": outcome})
            return
        say(f"Retention sweep schedule {RETENTION_SCHEDULE_ID} {outcome}: runs every {every}.")

    run(ensure())


# --- recruit outbox ----------------------------------------------------------------------------


@app.command()
def outbox(
    to: Annotated[str | None, typer.Option("--to", help="Only messages to this address.")] = None,
    kind: Annotated[
        NotificationKind | None, typer.Option("--kind", help="Only this kind of message.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The letters and notifications sent so far (the outbox channel)."""
    from activities.notifications import Outbox

    path = data_dir() / "outbox.jsonl"
    if not path.exists():
        messages: list[dict[str, Any]] = []
    else:
        try:
            messages = Outbox(path).read(to=to, kind=kind.value if kind else None)
        except OSError as err:
            bad_input(f"{path}: cannot read it: {err.strerror or err}")
    if as_json:
        print_json(messages)
        return
    if not messages:
        say(f"No messages in {path}.")
        return
    table = Table(show_edge=False)
    for column in ("sent", "kind", "to", "subject"):
        table.add_column(column)
    for message in messages:
        table.add_row(
            cell(message.get("sent_at")),
            cell(message.get("kind")),
            cell(message.get("to")),
            cell(message.get("subject")),
        )
    out.print(table)


# --- entry point -------------------------------------------------------------------------------


def _exit_for(err: BaseException) -> tuple[int, str, list[str]]:
    """The exit code and the words for an error that reached the top."""
    from starter.devserver import BinaryMissing, DevServerFailed, PortTaken

    if isinstance(err, CliError):
        return err.code, err.message, err.details
    if isinstance(err, TemporalUnreachable | PortTaken | BinaryMissing | DevServerFailed):
        return EXIT_UNREACHABLE, str(err), []
    if isinstance(err, WorkflowUpdateFailedError):
        refusal = _update_refusal(err)
        return refusal.code, refusal.message, []
    if isinstance(err, WorkflowQueryFailedError | WorkflowQueryRejectedError):
        return EXIT_REFUSED, f"the role could not answer: {err}", []
    if isinstance(err, RPCTimeoutOrCancelledError):
        return (
            EXIT_UNREACHABLE,
            f"Temporal at {_address_in_use} did not answer in time; is a worker running "
            "(`recruit dev` or `recruit worker`)? If one is, its log says what is wrong",
            [],
        )
    if isinstance(err, RPCError):
        if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            return (
                EXIT_UNREACHABLE,
                f"cannot reach Temporal at {_address_in_use}: {short_reason(err)}",
                [],
            )
        if err.status == RPCStatusCode.INVALID_ARGUMENT:
            return EXIT_REFUSED, f"Temporal refused the request: {err.message}", []
        return EXIT_REFUSED, f"Temporal said: {err.message}", []
    if isinstance(err, ValidationError):
        lines = field_errors(err, "input")
        return EXIT_USAGE, lines[0], lines[1:]
    if isinstance(err, ImportError):
        return EXIT_REFUSED, f"part of Winwin is missing: {err}", []
    return (
        EXIT_REFUSED,
        f"unexpected error ({type(err).__name__}): {err}",
        ["set RECRUIT_DEBUG=1 to see the traceback"],
    )


def run_app(argv: Sequence[str] | None = None) -> int:
    """Runs the app and turns every failure into one readable line. Returns the exit code."""
    try:
        result = app(args=list(argv) if argv is not None else None, standalone_mode=False)
    except typer.TyperException as err:  # usage errors: missing option, bad choice, ...
        context = getattr(err, "ctx", None)
        hint = [f"see: {context.command_path} --help"] if context is not None else []
        message = err.format_message().replace("Value error, ", "")
        if message:  # empty when a bare group was run and its help already printed
            _report(f"error: {message}", hint)
        return int(getattr(err, "exit_code", EXIT_USAGE) or EXIT_USAGE)
    except typer.Abort:
        _report("aborted")
        return EXIT_REFUSED
    except KeyboardInterrupt:
        _report("interrupted")
        return 130
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException as err:
        if os.environ.get("RECRUIT_DEBUG"):
            traceback.print_exc()
        code, message, details = _exit_for(err)
        if code == EXIT_USAGE:
            _report(message, details, flush_details=True)
        else:
            _report(f"error: {message}", details)
        return code
    return result if isinstance(result, int) else 0


def main() -> None:
    """The `recruit` console script."""
    code = run_app()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    # Straight out, skipping interpreter finalisation: the Temporal client's native threads can
    # abort a finalising interpreter ("PyGILState_Release"), which would turn exit 1 into 134.
    os._exit(code)


if __name__ == "__main__":
    main()
