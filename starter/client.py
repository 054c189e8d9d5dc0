"""How the client side reaches Temporal: one `connect()` that every command, the demo and the tests use.

The address, namespace, API key, TLS and profiles come from Temporal's own environment config
(`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, ...), so a recruiter's shell set up for the `temporal` CLI
works unchanged. The pydantic data converter is not optional: the workflows speak pydantic models.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.envconfig import ClientConfig
from temporalio.runtime import Runtime

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"
DEFAULT_DATA_DIR = ".winwin"
CONNECT_TIMEOUT_SECONDS = 5.0


class TemporalUnreachable(Exception):
    """Temporal did not answer at the address we were given."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(f"cannot reach Temporal at {address}: {reason}")
        self.address = address
        self.reason = reason


def data_dir() -> Path:
    """Where the outbox, the notes archive and the embedded server's database live."""
    return Path(os.environ.get("RECRUIT_DATA_DIR") or DEFAULT_DATA_DIR)


def connect_options(address: str | None = None, namespace: str | None = None) -> dict[str, Any]:
    """`Client.connect` keyword arguments from env config, with explicit arguments winning."""
    options: dict[str, Any] = dict(ClientConfig.load_client_connect_config())
    if address:
        options["target_host"] = address
    if namespace:
        options["namespace"] = namespace
    options.setdefault("target_host", DEFAULT_ADDRESS)
    options.setdefault("namespace", DEFAULT_NAMESPACE)
    return options


def short_reason(err: BaseException) -> str:
    """The part of a connection error a person can act on, without the transport's internals."""
    text = str(err) or type(err).__name__
    lowered = text.lower()
    if "connection refused" in lowered:
        return "connection refused (is `recruit dev` or a Temporal server running?)"
    if "dns error" in lowered or "failed to lookup address" in lowered:
        return "unknown host"
    if "timed out" in lowered or isinstance(err, TimeoutError):
        return "no answer (timed out)"
    text = re.sub(r"^Failed client connect:\s*", "", text)
    return text.splitlines()[0][:200] if text else type(err).__name__


async def connect(
    address: str | None = None,
    namespace: str | None = None,
    *,
    timeout: float = CONNECT_TIMEOUT_SECONDS,
    runtime: Runtime | None = None,
) -> Client:
    """A client with the pydantic converter, or `TemporalUnreachable` within `timeout` seconds."""
    try:
        options = connect_options(address, namespace)
    except Exception as err:  # a broken config file or profile is also "cannot reach"
        raise TemporalUnreachable(address or DEFAULT_ADDRESS, f"bad client config: {err}") from err
    target = str(options["target_host"])
    try:
        return await asyncio.wait_for(
            Client.connect(**options, data_converter=pydantic_data_converter, runtime=runtime),
            timeout=timeout,
        )
    except TimeoutError as err:
        raise TemporalUnreachable(target, f"no answer within {timeout:g}s") from err
    except Exception as err:
        raise TemporalUnreachable(target, short_reason(err)) from err
