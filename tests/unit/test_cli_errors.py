"""What the recruiter sees when the `recruit` command cannot do what was asked. No server needed.

The CLI runs as a subprocess, exactly as a recruiter types it, and the tests read its exit code and
stderr: one clear line, never a traceback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

RECRUIT = Path(sys.executable).parent / "recruit"

COMMAND_GROUPS = [
    "dev",
    "worker",
    "demo",
    "role",
    "candidate",
    "interview",
    "decide",
    "offer",
    "call",
    "consent",
    "outbox",
]


def recruit(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "COLUMNS": "200",
        # Nowhere: a test that reaches Temporal by mistake fails fast instead of hanging.
        "TEMPORAL_ADDRESS": "127.0.0.1:1",
        "RECRUIT_DATA_DIR": str(cwd / "data"),
        **env,
    }
    environment.pop("RECRUIT_DEBUG", None)
    return subprocess.run(
        [str(RECRUIT), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
    )


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


@pytest.fixture(scope="module", autouse=True)
def recruit_installed() -> None:
    if not RECRUIT.exists():
        pytest.fail(f"{RECRUIT} is missing; run: pip install -e '.[dev]'")


@pytest.fixture
def held_port() -> Iterator[int]:
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        yield int(holder.getsockname()[1])
    finally:
        holder.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_help_lists_every_command_group(tmp_path: Path) -> None:
    result = recruit("--help", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    for group in COMMAND_GROUPS:
        assert group in result.stdout, f"`recruit --help` does not mention {group}"


@pytest.mark.parametrize(
    ("group", "commands"),
    [
        ("role", ["open", "list", "status", "merits", "cancel"]),
        ("candidate", ["add", "import", "withdraw"]),
        ("interview", ["schedule", "record"]),
        ("offer", ["accepted", "declined"]),
        ("call", ["list", "brief", "log"]),
        ("consent", ["withdraw"]),
    ],
)
def test_group_help_lists_its_commands(tmp_path: Path, group: str, commands: list[str]) -> None:
    result = recruit(group, "--help", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    for command in commands:
        assert command in result.stdout


def test_role_file_without_criteria_is_bad_input(tmp_path: Path) -> None:
    role_file = tmp_path / "role.yaml"
    role_file.write_text(
        "id: backend-dev\n"
        "title: Backend developer\n"
        "recruiter: {name: Rita Recruiter, email: rita@example.com}\n"
        "criteria: []\n"
    )

    result = recruit("role", "open", role_file.name, cwd=tmp_path)

    assert result.returncode == 2
    assert_no_traceback(result)
    lines = result.stderr.strip().splitlines()
    assert any("criteria" in line and "role.yaml" in line for line in lines), result.stderr
    assert len(lines) == 1, result.stderr


def test_unreadable_role_file_is_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "role.yaml"
    broken.write_text("id: [backend-dev\n")

    missing = recruit("role", "open", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    not_yaml = recruit("role", "open", str(broken), cwd=tmp_path)

    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    assert not_yaml.returncode == 2
    assert "not valid YAML" in not_yaml.stderr
    assert_no_traceback(missing)
    assert_no_traceback(not_yaml)


def test_csv_import_names_every_bad_row_before_talking_to_temporal(tmp_path: Path) -> None:
    csv_file = tmp_path / "candidates.csv"
    csv_file.write_text(
        "id,name,email,phone\n"
        "anna-berg,Anna Berg,anna@example.com,\n"
        "bo-ek,Bo Ek,not-an-email,\n"
        "cia-lind,,cia@example.com,\n"
        "dan-ost,Dan Ost,dan@example.com,+46701234567\n"
        "anna-berg,Anna Again,anna2@example.com,\n"
    )

    result = recruit("candidate", "import", "backend-dev", csv_file.name, cwd=tmp_path)

    # Exit 2, not 3: the file is checked first, so the unreachable Temporal is never asked.
    assert result.returncode == 2, result.stderr
    assert_no_traceback(result)
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("candidates.csv:3: email:") for line in lines), lines
    assert any(line.startswith("candidates.csv:4: name:") for line in lines), lines
    assert any(line.startswith("candidates.csv:6: id:") for line in lines), lines
    assert not any(":2:" in line or ":5:" in line for line in lines), lines
    assert "cannot reach Temporal" not in result.stderr


def test_csv_without_the_email_column_is_bad_input(tmp_path: Path) -> None:
    csv_file = tmp_path / "candidates.csv"
    csv_file.write_text("id,name\nanna-berg,Anna Berg\n")

    result = recruit("candidate", "import", "backend-dev", csv_file.name, cwd=tmp_path)

    assert result.returncode == 2
    assert "email" in result.stderr


def test_unreachable_temporal_exits_3(tmp_path: Path) -> None:
    result = recruit("role", "status", "x-role", cwd=tmp_path, TEMPORAL_ADDRESS="127.0.0.1:1")

    assert result.returncode == 3
    assert "cannot reach Temporal" in result.stderr
    assert "127.0.0.1:1" in result.stderr
    assert_no_traceback(result)
    assert len(result.stderr.strip().splitlines()) == 1


def test_dev_refuses_a_port_in_use(tmp_path: Path, held_port: int) -> None:
    result = recruit(
        "dev",
        "--port",
        str(held_port),
        "--ui-port",
        str(free_port()),
        "--data-dir",
        str(tmp_path / "winwin"),
        cwd=tmp_path,
    )

    assert result.returncode == 3
    assert "already in use" in result.stderr
    assert str(held_port) in result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["call", "log", "backend-dev", "anna-berg"], "--reached"),
        (["call", "log", "backend-dev", "anna-berg", "--reached", "--not-reached"], "--reached"),
        (
            ["interview", "schedule", "backend-dev", "anna-berg"]
            + ["--at", "2026-12-03T10:00", "--interviewer", "ida@example.com"],
            "timezone",
        ),
        (
            ["interview", "record", "backend-dev", "anna-berg", "--interviewer", "Ida"]
            + ["--score", "Python:3", "--strength", "clear", "--improve", "tests"],
            "--score",
        ),
        (
            ["interview", "record", "backend-dev", "anna-berg", "--interviewer", "Ida"]
            + ["--score", "Python=3", "--strength", "clear"],
            "improvement_potential",
        ),
        (
            ["candidate", "add", "backend-dev", "--id", "anna-berg", "--name", "Anna"]
            + ["--email", "anna-at-example"],
            "--email",
        ),
        (["outbox", "--kind", "love_letter"], "rejection_letter"),
        (["demo", "--reengage-after", "soon"], "--reengage-after"),
        (["role", "open"], "Missing argument"),
    ],
)
def test_bad_usage_exits_2_with_one_clear_message(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    result = recruit(*args, cwd=tmp_path)

    assert result.returncode == 2, (result.stdout, result.stderr)
    assert expected in result.stderr
    assert_no_traceback(result)


def test_interview_notes_file_without_improvement_potential_is_bad_input(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text(
        "interviewer: ida@example.com\n"
        "scores: {Python: 3}\n"
        "strengths: [clear reasoning]\n"
        "summary: solid\n"
    )

    result = recruit(
        "interview", "record", "backend-dev", "anna-berg", "--file", str(notes), cwd=tmp_path
    )

    assert result.returncode == 2
    assert "notes.yaml: improvement_potential: missing" in result.stderr
    assert_no_traceback(result)


def test_outbox_without_messages_is_not_an_error(tmp_path: Path) -> None:
    result = recruit("outbox", "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
