"""Log lines carry ids, never names, emails or note text."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from activities.logs import configure_logging, get_logger, redact_personal_data


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()


def test_personal_fields_are_dropped() -> None:
    event = redact_personal_data(
        None,
        "info",
        {
            "event": "call logged",
            "role_id": "backend-dev",
            "candidate_id": "asa",
            "name": "Åsa Lind",
            "candidate_name": "Åsa Lind",
            "email": "asa@example.se",
            "phone": "+46 70 123 45 67",
            "notes": "nervös i början",
            "body": "Hej Åsa",
            "summary": "stark kandidat",
        },
    )
    assert event == {"event": "call logged", "role_id": "backend-dev", "candidate_id": "asa"}


def test_email_addresses_are_masked_anywhere() -> None:
    event = redact_personal_data(
        None,
        "warning",
        {
            "event": "could not reach åsa.lind@exempel.se",
            "error": "550 <bert+jobs@mail.example.com> refused",
            "details": {"to": "c@d.se", "name": "Bert", "key": "role-a/letter/b"},
            "recipients": ["e@f.org", "ok"],
            "attempt": 2,
        },
    )
    assert event == {
        "event": "could not reach [redacted-email]",
        "error": "550 <[redacted-email]> refused",
        "details": {"to": "[redacted-email]", "key": "role-a/letter/b"},
        "recipients": ["[redacted-email]", "ok"],
        "attempt": 2,
    }


def test_json_lines_from_structlog_and_stdlib_are_redacted(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "INFO")

    get_logger(role_id="backend-dev").info("letter sent", candidate_id="asa", email="asa@x.se")
    logging.getLogger("temporalio.activity").warning("failed for %s", "asa@example.se")
    get_logger().debug("below the level")

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["event"] for line in lines] == ["letter sent", "failed for [redacted-email]"]
    assert lines[0]["role_id"] == "backend-dev" and lines[0]["candidate_id"] == "asa"
    assert "email" not in lines[0]
    assert lines[1]["logger"] == "temporalio.activity"
    assert {line["level"] for line in lines} == {"info", "warning"}


def test_exceptions_are_redacted_too(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("console")
    try:
        raise ValueError("not an email address: 'asa@example.se'")
    except ValueError:
        get_logger().exception("import failed", role_id="backend-dev")

    err = capsys.readouterr().err
    assert "import failed" in err and "ValueError" in err
    assert "asa@example.se" not in err


def test_configuring_twice_does_not_double_lines(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json")
    configure_logging("json")
    get_logger().info("once")
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_unknown_format_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECRUIT_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="RECRUIT_LOG_FORMAT"):
        configure_logging()
