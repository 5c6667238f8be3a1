"""An execution environment's log: its stream name, the platform lines Lambda writes around the function's own
output (reference A9, Text and JSON formats), and the hand-over of every line to the LogSink.

Lines between START and REPORT belong to that invocation: they are kept (for LogType=Tail) and handed to the
sink together when the invocation ends; lines written outside an invocation (init, background threads) go to
the sink at once. Must not read pipes or know about processes (capture.py does), nor format AWS API responses.
"""
from __future__ import annotations

import collections
import datetime
import hashlib
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass

from mocklambda import arns
from mocklambda.runtime.spec import LogSink

logger = logging.getLogger(__name__)

# Lines of the init phase kept for the tail of an invocation whose init fails (the tail is cut to 4 KB anyway).
_INIT_LINES_KEPT = 500
# Lines of an invocation kept for its tail (LogType=Tail shows the last 4 KB).
_INVOCATION_LINES_KEPT = 5000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def log_stream_name(version: str, hex_id: str | None = None) -> str:
    """AWS's stream name for one environment: `YYYY/MM/DD/[VERSION]<32 hex>` (UTC date)."""
    day = datetime.datetime.now(datetime.UTC).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{hex_id or secrets.token_hex(16)}"


def runtime_version(runtime: str) -> str:
    """What INIT_START names as the runtime version: AWS's `python:3.12.v27` form, with our own suffix."""
    for family in ("python", "nodejs", "provided", "java", "dotnet", "ruby"):
        if runtime.startswith(family):
            rest = runtime[len(family):].lstrip(".").removesuffix(".x")
            return f"{family}:{rest}.mocklambda" if rest else f"{family}:mocklambda"
    return f"{runtime}:mocklambda"


@dataclass(frozen=True)
class Report:
    """The numbers and outcome of one invocation, as its REPORT line states them."""

    request_id: str
    duration_ms: float
    billed_duration_ms: int
    memory_size_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None = None
    status: str | None = None  # None (success), "timeout" or "error"
    error_type: str | None = None  # with status "error"


class PlatformLines:
    """The lines Lambda itself writes, in the function's LoggingConfig.LogFormat ("Text" or "JSON")."""

    def __init__(self, log_format: str, runtime: str, region: str, function_name: str, version: str) -> None:
        self.json = log_format == "JSON"
        self.runtime = runtime
        self.region = region
        self.function_name = function_name
        self.version = version

    def init_start(self, initialization_type: str) -> str:
        runtime_version_arn = (
            f"arn:{arns.partition_for(self.region)}:lambda:{self.region}::runtime:"
            f"{hashlib.sha256(self.runtime.encode()).hexdigest()}"
        )
        if self.json:
            return self._json("platform.initStart", {
                "initializationType": initialization_type, "phase": "init",
                "runtimeVersion": runtime_version(self.runtime), "runtimeVersionArn": runtime_version_arn,
                "functionName": self.function_name, "functionVersion": self.version,
            })
        return f"INIT_START Runtime Version: {runtime_version(self.runtime)}\tRuntime Version ARN: {runtime_version_arn}"

    def init_report(self, init_duration_ms: float, status: str, error_type: str | None) -> str:
        if self.json:
            record: dict[str, object] = {
                "initializationType": "on-demand", "phase": "init", "status": status,
                "metrics": {"durationMs": round(init_duration_ms, 3)},
            }
            if error_type:
                record["errorType"] = error_type
            return self._json("platform.initReport", record)
        line = f"INIT_REPORT Init Duration: {init_duration_ms:.2f} ms\tPhase: init\tStatus: {status}"
        return f"{line}\tError Type: {error_type}" if error_type else line

    def start(self, request_id: str) -> str:
        if self.json:
            return self._json("platform.start", {"requestId": request_id, "version": self.version})
        return f"START RequestId: {request_id} Version: {self.version}"

    def end(self, request_id: str) -> str | None:
        # JSON format has no END line: platform.report closes the invocation.
        return None if self.json else f"END RequestId: {request_id}"

    def report(self, report: Report) -> str:
        if self.json:
            metrics: dict[str, object] = {
                "durationMs": round(report.duration_ms, 3),
                "billedDurationMs": report.billed_duration_ms,
                "memorySizeMB": report.memory_size_mb,
                "maxMemoryUsedMB": report.max_memory_used_mb,
            }
            if report.init_duration_ms is not None:
                metrics["initDurationMs"] = round(report.init_duration_ms, 3)
            record: dict[str, object] = {
                "requestId": report.request_id, "metrics": metrics, "status": report.status or "success",
            }
            if report.error_type:
                record["errorType"] = report.error_type
            return self._json("platform.report", record)
        fields = [
            f"REPORT RequestId: {report.request_id}",
            f"Duration: {report.duration_ms:.2f} ms",
            f"Billed Duration: {report.billed_duration_ms} ms",
            f"Memory Size: {report.memory_size_mb} MB",
            f"Max Memory Used: {report.max_memory_used_mb} MB",
        ]
        if report.init_duration_ms is not None:
            fields.append(f"Init Duration: {report.init_duration_ms:.2f} ms")
        line = "\t".join(fields) + "\t"  # AWS ends the REPORT fields with a TAB
        if report.status:
            line += f"Status: {report.status}"
            if report.error_type:
                line += f"\tError Type: {report.error_type}"
        return line

    @staticmethod
    def _json(kind: str, record: dict[str, object]) -> str:
        stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")
        return json.dumps({"time": stamp.replace("+00:00", "Z"), "type": kind, "record": record})


class EnvironmentLog:
    """The log stream of one environment: orders its lines and hands them to the sink.

    Thread-safe: output lines arrive from the capture (pump thread or an invoker draining the pipe), platform
    lines from the Runtime API and the invoker; one lock keeps the stream in the order things happened.
    """

    def __init__(self, sink: LogSink, group: str, stream: str, platform: PlatformLines) -> None:
        self.group = group
        self.stream = stream
        self.platform = platform
        self._sink = sink
        self._lock = threading.Lock()
        self._pending: list[tuple[int, str]] = []
        # The current invocation's lines, START first; bounded, as only its last 4 KB are ever shown.
        self._invocation: collections.deque[str] | None = None
        # Everything before the first START (the init phase): part of the tail when init fails, as in AWS,
        # where the failed init is run again inside the invocation.
        self._init: collections.deque[str] | None = collections.deque(maxlen=_INIT_LINES_KEPT)

    def output(self, lines: list[str]) -> None:
        """Lines the process wrote."""
        stamp = now_ms()
        with self._lock:
            self._pending.extend((stamp, line) for line in lines)
            if self._invocation is None:
                self._deliver()
                if self._init is not None:
                    self._init.extend(lines)
            else:
                self._invocation.extend(lines)

    def write(self, line: str | None) -> None:
        """A platform line outside an invocation (INIT_START, INIT_REPORT)."""
        if line is None:
            return
        with self._lock:
            self._pending.append((now_ms(), line))
            if self._invocation is None:
                self._deliver()
                if self._init is not None:
                    self._init.append(line)
            else:
                self._invocation.append(line)

    def start_invocation(self, request_id: str) -> None:
        line = self.platform.start(request_id)
        with self._lock:
            self._pending.append((now_ms(), line))
            self._invocation = collections.deque((line,), maxlen=_INVOCATION_LINES_KEPT)

    def end_invocation(self, report: Report, with_init: bool = False) -> str:
        """Write END and REPORT, hand the invocation's lines to the sink; returns the invocation's log text
        (preceded by the init phase's lines when `with_init`: the invocation failed in init)."""
        end = self.platform.end(report.request_id)
        final = [end] if end is not None else []
        final.append(self.platform.report(report))
        with self._lock:
            stamp = now_ms()
            self._pending.extend((stamp, line) for line in final)
            lines = [*(self._init or () if with_init else ()), *(self._invocation or ()), *final]
            self._invocation = None
            self._init = None
            self._deliver()
        return "".join(f"{line}\n" for line in lines)

    def flush(self) -> None:
        with self._lock:
            self._deliver()

    def _deliver(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        try:
            self._sink(self.group, self.stream, batch)
        except Exception:  # the sink's bug must not break the invocation; it is logged for the developer
            logger.exception("log sink failed for %s %s", self.group, self.stream)
