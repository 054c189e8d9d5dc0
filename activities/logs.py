"""One log format for the worker and the `recruit` CLI, with personal data kept out of it.

structlog renders every line, including those from the stdlib `logging` module and the temporalio
SDK, so ops read one format on stderr: `console` for people, `json` for log shippers
(RECRUIT_LOG_FORMAT). Log lines carry role ids, candidate ids, keys and kinds only; the redaction
processor is the safety net for anything that slips through, such as an exception message that
quotes an email address.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import Any

import structlog
import temporalio.activity
import temporalio.workflow
from structlog.typing import EventDict, Processor, WrappedLogger

from recruitment.ops import role_workflow_id

LOG_FORMAT_ENV = "RECRUIT_LOG_FORMAT"
LOG_FORMATS = ("console", "json")
LOGGER_NAME = "winwin"

REDACTED_EMAIL = "[redacted-email]"
PERSONAL_KEYS = frozenset({"name", "email", "candidate_name", "phone", "notes", "body", "summary"})
_EMAIL_LIKE = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+")

# Marks the handler this module installs, so configuring twice replaces it instead of doubling
# every line.
_HANDLER_MARK = "_winwin_handler"


def redact_email_addresses(text: str) -> str:
    return _EMAIL_LIKE.sub(REDACTED_EMAIL, text)


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_email_addresses(value)
    if isinstance(value, Mapping):
        return {k: _redact(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(_redact(v) for v in value)
    return value


def redact_personal_data(
    logger: WrappedLogger, method_name: str, event_dict: EventDict
) -> EventDict:
    """Drops fields that hold personal data and masks email addresses in every string."""
    return {key: _redact(value) for key, value in event_dict.items() if key not in PERSONAL_KEYS}


# Context fields the SDK's workflow and activity loggers put on their records, under our names.
_TEMPORAL_FIELDS = {
    "workflow_id": "workflow_id",
    "run_id": "run_id",
    "workflow_run_id": "run_id",
    "workflow_type": "workflow_type",
    "activity_type": "activity_type",
    "activity_id": "activity_id",
    "task_queue": "task_queue",
    "attempt": "attempt",
}
_DOMAIN_FIELDS = ("role_id", "candidate_id")
ROLE_WORKFLOW_PREFIX = role_workflow_id("")


def add_temporal_context(
    logger: WrappedLogger, method_name: str, event_dict: EventDict
) -> EventDict:
    """Every line logged inside a workflow or an activity names it: workflow id, run id,
    activity type, and the role and candidate ids the code passed as `extra`."""
    record = event_dict.get("_record")
    if record is not None:
        for attribute in ("temporal_workflow", "temporal_activity"):
            info = getattr(record, attribute, None)
            if isinstance(info, Mapping):
                for source, target in _TEMPORAL_FIELDS.items():
                    if source in info:
                        event_dict.setdefault(target, info[source])
        for name in _DOMAIN_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                event_dict.setdefault(name, value)
    if temporalio.activity.in_activity():
        info = temporalio.activity.info()
        event_dict.setdefault("workflow_id", info.workflow_id)
        event_dict.setdefault("run_id", info.workflow_run_id)
        event_dict.setdefault("activity_type", info.activity_type)
    workflow_id = event_dict.get("workflow_id")
    if isinstance(workflow_id, str) and workflow_id.startswith(ROLE_WORKFLOW_PREFIX):
        event_dict.setdefault("role_id", workflow_id.removeprefix(ROLE_WORKFLOW_PREFIX))
    return event_dict


def _shared_processors() -> list[Processor]:
    # Run for structlog's own calls and, as the foreign pre-chain, for stdlib records.
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_temporal_context,
    ]


def _renderer(fmt: str) -> Processor:
    if fmt == "json":
        return structlog.processors.JSONRenderer(ensure_ascii=False, default=str)
    return structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())


def configure_logging(fmt: str | None = None, level: str = "INFO") -> None:
    """Routes structlog and stdlib logging (temporalio included) through one formatter on stderr."""
    chosen = (fmt or os.environ.get(LOG_FORMAT_ENV) or "console").strip().lower()
    if chosen not in LOG_FORMATS:
        raise ValueError(
            f"{LOG_FORMAT_ENV} must be one of {', '.join(LOG_FORMATS)}, not {chosen!r}"
        )
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        raise ValueError(f"unknown log level {level!r}")

    shared = _shared_processors()
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached, so configuring again (tests, CLI flags) applies to loggers already handed out.
        cache_logger_on_first_use=False,
    )

    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Tracebacks become text before redaction, since exception messages can quote
            # an address.
            structlog.processors.format_exc_info,
            redact_personal_data,
            _renderer(chosen),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    setattr(handler, _HANDLER_MARK, True)

    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, _HANDLER_MARK, False):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(numeric_level)
    # The ids travel as fields; the SDK need not repeat its context dict inside the message.
    temporalio.workflow.logger.workflow_info_on_message = False
    temporalio.activity.logger.activity_info_on_message = False


def get_logger(**bound: Any) -> structlog.stdlib.BoundLogger:
    """A lazily configured logger, so module-level loggers pick up `configure_logging` later."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(LOGGER_NAME, **bound)
    return logger
