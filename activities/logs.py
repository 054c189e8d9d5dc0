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
from structlog.typing import EventDict, Processor, WrappedLogger

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


def _shared_processors() -> list[Processor]:
    # Run for structlog's own calls and, as the foreign pre-chain, for stdlib records.
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
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


def get_logger(**bound: Any) -> structlog.stdlib.BoundLogger:
    """A lazily configured logger, so module-level loggers pick up `configure_logging` later."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(LOGGER_NAME, **bound)
    return logger
