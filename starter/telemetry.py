"""The Temporal runtime a worker runs on: its logs in our format, its metrics for Prometheus.

The SDK core's own log lines are forwarded into Python logging, so they go through the same
structlog processors (and redaction) as everything else. When RECRUIT_METRICS_PORT is set, the
runtime serves Prometheus metrics there: the SDK's worker metrics (task latencies, slots, polls)
and Winwin's counters (letters, calls, re-engagements), which workflows and activities record
through Temporal's metric meter.
"""

from __future__ import annotations

import logging
import os

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

METRICS_PORT_ENV = "RECRUIT_METRICS_PORT"
METRICS_HOST_ENV = "RECRUIT_METRICS_HOST"


def metrics_address() -> str | None:
    port = os.environ.get(METRICS_PORT_ENV, "").strip()
    if not port:
        return None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{METRICS_PORT_ENV} must be a port number, not {port!r}")
    host = os.environ.get(METRICS_HOST_ENV, "127.0.0.1").strip() or "127.0.0.1"
    return f"{host}:{port}"


def runtime_from_env() -> Runtime:
    """A runtime that forwards core logs to Python logging and, if asked, serves metrics."""
    address = metrics_address()
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
            ),
            metrics=PrometheusConfig(bind_address=address) if address else None,
        )
    )
