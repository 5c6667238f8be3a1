"""Sections 3 and 4: the standalone server, `python -m mocklambda serve --port 0`, as a subprocess.

3. time from spawning it to its ready line, median of a few fresh processes;
4. its resident memory (VmRSS from /proc/PID/status) once ready and after a burst of list_tables calls.
Every process started here is terminated (then killed if it lingers) in a finally block.
"""
from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from bench.operations import make_client
from bench.report import INFO, Row, ms, verdict
from bench.stats import Deadline, summarise, time_calls

READY_LINE = re.compile(r"^mocklambda ready on (http://\S+)$")
SERVE_STARTS = 5
READY_TIMEOUT_S = 15.0
READY_TARGET_S = 1.5
MEMORY_CALLS = 200
STOP_TIMEOUT_S = 5.0


class ServeProcess:
    """`python -m mocklambda serve --port 0` in a subprocess; `start()` returns once it printed its ready
    line."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.endpoint_url = ""

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def start(self, timeout_s: float) -> float:
        """Spawn the server and wait for its ready line; returns the seconds that took."""
        command = [sys.executable, "-m", "mocklambda", "serve", "--host", "127.0.0.1", "--port", "0"]
        start = time.perf_counter()
        self._process = subprocess.Popen(
            command, cwd=self._root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr
        )
        line = self._read_line(timeout_s)
        elapsed = time.perf_counter() - start
        match = READY_LINE.match(line)
        if match is None:
            raise RuntimeError(f"unexpected first line {line!r}; stderr: {self._stderr_tail()}")
        self.endpoint_url = match.group(1)
        return elapsed

    def _read_line(self, timeout_s: float) -> str:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        deadline = time.perf_counter() + timeout_s
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or not selector.select(remaining):
                    stderr = self._stderr_tail()
                    raise TimeoutError(f"no ready line within {timeout_s:.1f} s; stderr: {stderr}")
                chunk = os.read(stdout.fileno(), 4096)
                if not chunk:
                    raise RuntimeError(f"server exited before its ready line; stderr: {self._stderr_tail()}")
                buffer += chunk
        return buffer.split(b"\n", 1)[0].decode(errors="replace").rstrip("\r")

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace").strip()[-500:]

    def rss_kib(self) -> int:
        """VmRSS of the server process, in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS in /proc/{self.pid}/status")

    def stop(self) -> None:
        process, self._process = self._process, None
        try:
            if process is not None:
                _terminate(process)
        finally:
            self._stderr.close()

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the server's clean stop), then SIGKILL if it has not exited in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)
    if process.stdout is not None:
        process.stdout.close()


def measure_ready(root: Path, deadline: Deadline) -> list[Row]:
    durations: list[float] = []
    for _ in range(SERVE_STARTS):
        if durations and deadline.remaining() < READY_TIMEOUT_S:
            break
        with ServeProcess(root) as server:
            durations.append(server.start(READY_TIMEOUT_S))
    summary = summarise(durations, truncated=len(durations) < SERVE_STARTS)
    note = f"  (only {summary.n} starts: time limit)" if summary.truncated else ""
    text = (
        f"median {summary.median_ms / 1000:.2f} s  min {summary.min_ms / 1000:.2f} s"
        f"  max {summary.max_ms / 1000:.2f} s  n={summary.n} (target <= {READY_TARGET_S} s){note}"
    )
    data = {"target_s": READY_TARGET_S, "summary": summary.as_dict()}
    return [
        Row("startup.serve", "startup `mocklambda serve --port 0` -> ready", text,
            verdict(summary.median_ms / 1000, READY_TARGET_S), data)
    ]


def measure_memory(root: Path, deadline: Deadline) -> list[Row]:
    """RSS after startup and after MEMORY_CALLS list_tables calls; those calls' latency, for context (this
    is the only figure where client and server are separate processes)."""
    with ServeProcess(root) as server:
        server.start(READY_TIMEOUT_S)
        idle_kib = server.rss_kib()
        client = make_client("dynamodb", server.endpoint_url)
        calls = time_calls(client.list_tables, MEMORY_CALLS, warmup=0, time_limit_s=deadline.limit(20.0))
        after_kib = server.rss_kib()
    memory_text = (
        f"after start {idle_kib / 1024:.1f} MiB, after {calls.n} list_tables {after_kib / 1024:.1f} MiB"
        f" ({(after_kib - idle_kib) / 1024:+.1f} MiB)"
    )
    latency_text = (
        f"median {ms(calls.median_ms)}  p90 {ms(calls.p90_ms)}  over {calls.n} calls, no warm-up"
        " (client and server in separate processes)"
    )
    return [
        Row("memory.serve", "memory `mocklambda serve` VmRSS", memory_text, INFO,
            {"rss_after_start_kib": idle_kib, "rss_after_calls_kib": after_kib, "calls": calls.n}),
        Row("context.serve.dynamodb.ListTables", "context serve subprocess dynamodb.ListTables", latency_text,
            INFO, {"summary": calls.as_dict()}),
    ]
