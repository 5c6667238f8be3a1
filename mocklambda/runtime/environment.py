"""One execution environment: one process, its private Runtime API server, its log and its TMPDIR, serving one
invocation at a time.

Life: STARTING (launched, has not asked for an event yet) -> IDLE/BUSY (warm) -> DEAD. Init ends when the
process first calls /next (Init Duration = launch to that moment) or posts /init/error. An invocation is
assigned by the pool (`invoke()`), handed to the process when it calls /next (its deadline starts there), and
ends with a response, a posted error, the deadline, the process's exit, memory over MemorySize, or an
oversized response. Everything that can happen concurrently (Runtime API threads, the process's exit, the
memory monitor, the invoker's deadline) meets under one Condition; the invoker alone turns it into a result.
Must not choose environments or count concurrency (pool.py does), nor import services, protocol or gateway.
"""
from __future__ import annotations

import contextlib
import logging
import math
import os
import secrets
import shutil
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mocklambda.httpserver import HttpServer
from mocklambda.runtime import api
from mocklambda.runtime.capture import LogCapture, LogPump
from mocklambda.runtime.entrypoint import Entrypoint, InvalidEntrypoint, launch_error
from mocklambda.runtime.envvars import build_environment
from mocklambda.runtime.launch import LaunchedProcess, Launcher, LaunchRequest
from mocklambda.runtime.logs import EnvironmentLog, Report
from mocklambda.runtime.memory import MemoryMonitor, ProcessStatus
from mocklambda.runtime.results import FATAL, Ending, Outcome, error_payload, report_status
from mocklambda.runtime.spec import FunctionSpec, Invocation, InvocationResult

logger = logging.getLogger(__name__)

STARTING, IDLE, BUSY, DEAD = "STARTING", "IDLE", "BUSY", "DEAD"


@dataclass
class _Turn:
    """One invocation inside this environment."""

    invocation: Invocation
    assigned_at: float
    handed_off_at: float | None = None
    deadline: float | None = None
    waiting_until: float = 0.0  # when the invoker wakes up next by itself
    finished_at: float | None = None
    outcome: Outcome | None = None
    # Set when the process posted its response or error: its peak memory (KiB, None when unknown) and its
    # output read up to that moment, both taken by the Runtime API's thread (see _answer).
    answered_peak_kb: int | None = None
    answered_drained: bool = False


@dataclass
class Launch:
    """How to start the process: the launcher and what it runs (or why it cannot run)."""

    launcher: Launcher
    entrypoint: Entrypoint | None
    error: InvalidEntrypoint | None = None
    endpoint_url: str = ""
    init_timeout_s: float = 10.0
    tmp_root: Path = field(default_factory=Path)
    fallback: Launcher | None = None  # when `launcher` (a zygote) cannot start processes any more


class ExecutionEnvironment:
    def __init__(self, env_id: str, spec: FunctionSpec, log: EnvironmentLog, launch: Launch, pump: LogPump,
                 monitor: MemoryMonitor, on_dead: Callable[[ExecutionEnvironment], None]) -> None:
        self.id = env_id
        self.spec = spec
        self.key = spec.key  # computed once: the pool compares it on every invocation
        self.log = log
        self._launch = launch
        self._pump = pump
        self._monitor = monitor
        self._on_dead = on_dead
        self._cond = threading.Condition()
        self.state = STARTING
        self.invocations = 0
        self.idle_since = 0.0  # monotonic; kept by the pool
        self.tmpdir = launch.tmp_root / env_id
        self.init_duration_ms: float | None = None
        self._process: LaunchedProcess | None = None
        self._status: ProcessStatus | None = None
        self._server: HttpServer | None = None
        self._capture: LogCapture | None = None
        self._launched_at = 0.0
        self._initialized = False
        # The first invocation given to this environment is its cold start, even when the process finished
        # its init (called /next) before that invocation arrived: fast inits (a fork) can win that race.
        self._first_turn_given = False
        self._init_error: Outcome | None = None
        self._launch_failure: str | None = None
        self._returncode: int | None = None
        self._closing = False
        self._launching = False
        self._released = False
        self._out_of_memory = False
        self._peak_kb = 0
        self._turn: _Turn | None = None
        self._exited = threading.Event()

    # -- lifecycle ----------------------------------------------------------------------------------------
    def start(self) -> None:
        """Launch the process. Never raises: a process that cannot start makes the first invocation fail."""
        launch = self._launch
        if launch.error is not None or launch.entrypoint is None:
            self._fail_launch(str(launch.error))
            return
        with self._cond:
            if self._closing:  # ended (reset) before it started: close() has released it already
                return
            self._launching = True
        read_fd, write_fd = os.pipe()
        self._capture = LogCapture(read_fd, self.log.output)
        process: LaunchedProcess | None = None
        failure = ""
        try:
            process = self._launch_process(launch.entrypoint, write_fd)
        except (OSError, ValueError) as exc:  # ValueError: Popen refuses e.g. a NUL in the environment
            failure = str(launch_error(launch.entrypoint.argv, exc) if isinstance(exc, OSError) else exc)
        finally:
            os.close(write_fd)  # the process holds the only write end now: end of file when its group ends
        with self._cond:
            self._launching = False
            self._process = process
            closing = self._closing
        if process is None:
            self._fail_launch(failure)
            return
        self._status = ProcessStatus(process.pid)
        self._pump.watch(self._capture)
        logger.info("environment %s started for %s:%s (pid %d)", self.id, self.spec.function_name,
                    self.spec.version, process.pid)
        process.on_exit(self._exited_with)
        if closing:  # close() came while it was launching and left the kill to us
            process.kill()

    def _launch_process(self, entrypoint: Entrypoint, write_fd: int) -> LaunchedProcess:
        launch = self._launch
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        self._server = HttpServer("127.0.0.1", 0, api.RuntimeApi(self))
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 5.0},
                         name=f"mocklambda-rapi-{self.id[:8]}", daemon=True).start()
        environment = build_environment(
            self.spec, runtime_api=f"127.0.0.1:{self._server.server_address[1]}", log_group=self.log.group,
            log_stream=self.log.stream, tmpdir=self.tmpdir, runtime_dir=entrypoint.runtime_dir,
            endpoint_url=launch.endpoint_url, interpreter=entrypoint.interpreter,
        )
        self.log.write(self.log.platform.init_start(self.spec.initialization_type))
        self._launched_at = time.monotonic()
        request = LaunchRequest(entrypoint.argv, environment, self.spec.code_root, write_fd, write_fd)
        try:
            return launch.launcher.launch(request)
        except OSError:
            if launch.fallback is None:
                raise
            logger.warning("launcher %r failed: starting %s with the fallback", launch.launcher, self.id)
            return launch.fallback.launch(request)

    def close(self, wait: bool = False) -> None:
        """End the environment: kill its process; the rest is released when the process has exited."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            process, launching = self._process, self._launching
        if process is not None:
            process.kill()
        elif not launching:
            self._exited_with(None)
        if wait and not self._exited.wait(timeout=10):
            logger.warning("environment %s: process %s did not exit after SIGKILL", self.id, self.pid)

    @property
    def alive(self) -> bool:
        return self.state != DEAD and not self._closing

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def phase(self) -> str:
        """STARTING until init completes, then IDLE or BUSY, finally DEAD."""
        if self.state == DEAD or self._closing:
            return DEAD
        return self.state if self._initialized else STARTING

    def _fail_launch(self, detail: str) -> None:
        with self._cond:
            self._launch_failure = detail
        self._exited_with(None)

    def _exited_with(self, returncode: int | None) -> None:
        """The process has exited (or never started): wake everyone, then release what the environment held."""
        if self._capture is not None:
            self._capture.drain(flush_partial=True)  # its last words go into the log before END
        with self._cond:
            if self._released:
                return
            self._released = True
            self._returncode = returncode
            self.state = DEAD
            self._closing = True
            self._cond.notify_all()
        self._monitor.discard(self)
        self._on_dead(self)
        if self._capture is not None:
            self._capture.close()
            self._pump.release(self._capture)
        if self._server is not None:
            self._server.stop()
        if self._status is not None:
            self._status.close()
        remove_tree(self.tmpdir)
        self.log.flush()
        self._exited.set()
        logger.info("environment %s ended (%s)", self.id, "not started" if returncode is None else returncode)

    # -- invocation -----------------------------------------------------------------------------------------
    def invoke(self, invocation: Invocation) -> InvocationResult | None:
        """Run one invocation here; None when this (warm) environment ended before it took the event, so the
        caller runs it elsewhere. Returns when it ended, at the latest at its deadline."""
        turn = _Turn(invocation, time.monotonic())
        with self._cond:
            cold = not self._first_turn_given
            self._first_turn_given = True
            if (self.state == DEAD or self._closing) and not cold:
                return None
            self._turn = turn
            if self.state != DEAD:
                self.state = BUSY
            self._cond.notify_all()
            while turn.outcome is None:
                turn.outcome = self._ending_now(turn, cold)
                if turn.outcome is None:
                    turn.waiting_until = self._wait_limit(turn)
                    self._cond.wait(turn.waiting_until - time.monotonic())
            if turn.finished_at is None:
                turn.finished_at = time.monotonic()
            self._turn = None
            if self.state == BUSY and turn.outcome.ending not in FATAL:
                self.state = IDLE
        self._monitor.discard(self)
        outcome = turn.outcome
        if outcome.ending is Ending.LOST:
            return None
        if outcome.ending in (Ending.RESPONSE, Ending.FUNCTION_ERROR, Ending.RESPONSE_TOO_LARGE):
            outcome = self._check_memory(outcome, turn.answered_peak_kb)
        if outcome.ending in FATAL:
            self.close()
        return self._result(turn, outcome, cold)

    def _ending_now(self, turn: _Turn, cold: bool) -> Outcome | None:
        """Under the lock: how the turn ends, if it has ended (a response sets turn.outcome directly)."""
        if self._launch_failure is not None:
            return Outcome(Ending.INVALID_ENTRYPOINT, detail=self._launch_failure)
        if self._out_of_memory:
            return Outcome(Ending.OUT_OF_MEMORY)
        if turn.handed_off_at is None and self._init_error is not None:
            return self._init_error
        if self.state == DEAD:
            if turn.handed_off_at is None and not cold:
                return Outcome(Ending.LOST)
            return Outcome(Ending.EXIT, returncode=self._returncode)
        if time.monotonic() >= self._wait_limit(turn):
            if turn.handed_off_at is None and not self._initialized:
                return Outcome(Ending.INIT_TIMEOUT)
            return Outcome(Ending.TIMEOUT)
        return None

    def _wait_limit(self, turn: _Turn) -> float:
        if turn.deadline is not None:
            return turn.deadline
        if not self._initialized:
            return self._launched_at + self._launch.init_timeout_s
        # Warm but the runtime has not asked for the event yet: it gets the function's timeout to do so.
        return turn.assigned_at + self.spec.timeout_s

    def _check_memory(self, outcome: Outcome, peak_kb: int | None) -> Outcome:
        if peak_kb is None and self._status is not None:
            peak_kb = self._status.peak_kb()
        if peak_kb is not None:
            self.record_memory(peak_kb)
        with self._cond:
            over = self._out_of_memory
        return Outcome(Ending.OUT_OF_MEMORY) if over else outcome

    def _result(self, turn: _Turn, outcome: Outcome, cold: bool) -> InvocationResult:
        spec = self.spec
        request_id = turn.invocation.request_id
        finished = turn.finished_at or time.monotonic()
        if outcome.ending is Ending.TIMEOUT:
            duration_ms = spec.timeout_s * 1000.0
        elif turn.handed_off_at is not None:
            duration_ms = (finished - turn.handed_off_at) * 1000.0
        else:
            duration_ms = 0.0
        init_ms: float | None = None
        if cold:
            init_ms = self.init_duration_ms
            if init_ms is None:  # init never completed: it lasted until it failed
                init_ms = max(finished - self._launched_at, 0.0) * 1000.0 if self._launched_at else 0.0
        if outcome.ending is Ending.RESPONSE:
            payload, error_type = outcome.body, None
        else:
            seconds = self._launch.init_timeout_s if outcome.ending is Ending.INIT_TIMEOUT else spec.timeout_s
            payload, error_type = error_payload(outcome, request_id, seconds)
        status, status_error = report_status(outcome.ending, error_type)
        if self._capture is not None and not turn.answered_drained:
            self._capture.drain(flush_partial=True)
        if turn.handed_off_at is None:  # failed before the event was handed over: frame it all the same
            if cold and outcome.ending is not Ending.INVALID_ENTRYPOINT:
                self.log.write(self.log.platform.init_report(init_ms or 0.0, status or "error", status_error))
            self.log.start_invocation(request_id)
        used_mb = math.ceil(self._peak_kb / 1024)
        report = Report(
            request_id=request_id, duration_ms=duration_ms,
            billed_duration_ms=math.ceil(duration_ms + (init_ms or 0.0)) or 1,
            memory_size_mb=spec.memory_mb, max_memory_used_mb=used_mb, init_duration_ms=init_ms,
            status=status, error_type=status_error,
        )
        tail = self.log.end_invocation(report, with_init=cold and turn.handed_off_at is None)
        self.invocations += 1
        return InvocationResult(
            payload=payload, executed_version=spec.version,
            function_error=None if outcome.ending is Ending.RESPONSE else "Unhandled",
            error_type=error_type, log_tail=tail if turn.invocation.tail_logs else "",
            duration_ms=round(duration_ms, 2), billed_duration_ms=report.billed_duration_ms,
            init_duration_ms=None if init_ms is None else round(init_ms, 2), max_memory_used_mb=used_mb,
        )

    # -- memory (the monitor's Measured protocol) ---------------------------------------------------------
    def memory_status(self) -> ProcessStatus | None:
        return self._status if self.state != DEAD else None

    def record_memory(self, used_kb: int) -> None:
        with self._cond:
            self._peak_kb = max(self._peak_kb, used_kb)
            if used_kb <= self.spec.memory_mb * 1024 or self._out_of_memory or self.state == DEAD:
                return
            self._out_of_memory = True
            self._cond.notify_all()
            process = self._process
        logger.info("environment %s over its memory (%d KiB > %d MB): killed", self.id, used_kb, self.spec.memory_mb)
        if process is not None:
            process.kill()

    # -- the Runtime API backend --------------------------------------------------------------------------
    def next_invocation(self) -> api.Event | api.Answer:
        with self._cond:
            if not self._initialized:
                self._initialized = True
                self.init_duration_ms = (time.monotonic() - self._launched_at) * 1000.0
                if self._turn is None:
                    self.state = IDLE
            turn = self._turn
            if turn is not None and turn.handed_off_at is not None and turn.outcome is None:
                return api.invalid_state("Running", "Ready")  # asked for the next event without answering
            while not self._closing and not (
                self._turn is not None and self._turn.handed_off_at is None and self._turn.outcome is None
            ):
                self._cond.wait()
            if self._closing:
                return api.Answer(500, {"errorMessage": "The execution environment is shutting down",
                                        "errorType": "Runtime.ExitError"})
            turn = self._turn
            assert turn is not None
            now = time.monotonic()
            turn.handed_off_at = now
            turn.deadline = now + self.spec.timeout_s
            if turn.waiting_until > turn.deadline:  # the invoker waits on the init limit: give it the deadline
                self._cond.notify_all()
            deadline_ms = time.time_ns() // 1_000_000 + self.spec.timeout_s * 1000
            # Whatever the process wrote before asking belongs before START.
            if self._capture is not None:
                self._capture.drain()
            self.log.start_invocation(turn.invocation.request_id)
            self._monitor.add(self)
        return api.Event(turn.invocation.payload, _event_headers(turn.invocation, deadline_ms))

    def post_response(self, request_id: str, body: bytes, too_large: bool) -> api.Answer:
        outcome = Outcome(Ending.RESPONSE_TOO_LARGE) if too_large else Outcome(Ending.RESPONSE, body)
        answer = self._answer(request_id, outcome)
        return api.TOO_LARGE if too_large and answer is api.ACCEPTED else answer

    def post_error(self, request_id: str, body: bytes, error_type: str | None) -> api.Answer:
        return self._answer(request_id, Outcome(Ending.FUNCTION_ERROR, body, error_type))

    def post_init_error(self, body: bytes, error_type: str | None) -> api.Answer:
        with self._cond:
            if self._initialized:
                return api.invalid_state("Ready", "InitError")
            self._init_error = Outcome(Ending.INIT_ERROR, body, error_type)
            self._cond.notify_all()
        return api.ACCEPTED

    def _answer(self, request_id: str, outcome: Outcome) -> api.Answer:
        # The invoker used to read the peak memory and drain the output pipe after waking up. Both are system
        # calls, which release the GIL: this thread, reading the process's next /next meanwhile, took it and
        # delayed the result by tens of microseconds. The process waits for this answer, so taking both here,
        # before the invoker is woken, measures the same and leaves the invoker no system call before its reply.
        answered_at = time.monotonic()  # the turn's end, for its Duration: before the readings below
        peak_kb = self._status.peak_kb() if self._status is not None else None
        drained = self._capture is not None
        if self._capture is not None:
            self._capture.drain(flush_partial=True)
        with self._cond:
            turn = self._turn
            if (turn is None or turn.handed_off_at is None or turn.outcome is not None
                    or turn.invocation.request_id != request_id):
                return api.INVALID_REQUEST_ID
            turn.outcome = outcome
            turn.finished_at = answered_at
            turn.answered_peak_kb = peak_kb
            turn.answered_drained = drained
            self._cond.notify_all()
        return api.ACCEPTED


def _event_headers(invocation: Invocation, deadline_ms: int) -> list[tuple[str, str]]:
    headers = [
        ("Content-Type", "application/json"),
        ("Lambda-Runtime-Aws-Request-Id", invocation.request_id),
        ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
        ("Lambda-Runtime-Invoked-Function-Arn", invocation.invoked_function_arn),
        ("Lambda-Runtime-Trace-Id", invocation.trace_id or trace_header()),
    ]
    if invocation.client_context:
        headers.append(("Lambda-Runtime-Client-Context", invocation.client_context))
    if invocation.cognito_identity:
        headers.append(("Lambda-Runtime-Cognito-Identity", invocation.cognito_identity))
    return headers


def trace_header() -> str:
    """An X-Ray trace header, as Lambda passes one to every invocation (sampled out)."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=0"


def remove_tree(path: Path) -> None:
    """Remove a TMPDIR even where the function made files or directories read-only."""

    def make_writable(function: object, name: str, exc: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, stat.S_IRWXU)
                shutil.rmtree(name, ignore_errors=True)
            else:
                os.unlink(name)

    if not path.exists():
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=make_writable)
    else:
        shutil.rmtree(path, onerror=make_writable)
