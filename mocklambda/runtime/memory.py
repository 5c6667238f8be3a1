"""Memory of function processes, as Lambda measures it for "Max Memory Used" and enforces MemorySize.

Reads /proc (Linux). `ProcessStatus.peak_kb()` is the process's own high-water mark (VmHWM), cheap enough for
the end of every invocation; `group_memory_kb()` adds the resident memory of every descendant (a shell
bootstrap that runs an interpreter). The MemoryMonitor thread samples environments only while they run an invocation, every
SAMPLE_INTERVAL, and reports those over their limit. Without /proc every reading is 0 and nothing is enforced.
Must not kill anything itself: the environment decides.
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from typing import Protocol

logger = logging.getLogger(__name__)

SAMPLE_INTERVAL = 0.05
_PROC = "/proc"


def _field_kb(status: bytes, name: bytes) -> int:
    at = status.find(name)
    if at < 0:
        return 0
    try:
        return int(status[at + len(name):status.index(b"kB", at)])
    except ValueError:
        return 0


def _read_status(pid: int) -> bytes:
    try:
        with open(f"{_PROC}/{pid}/status", "rb") as status:
            return status.read()
    except OSError:
        return b""


class ProcessStatus:
    """/proc/PID/status of one process, opened once (reading it again costs a few microseconds, opening it
    again several times that: this is read at the end of every invocation). Thread-safe; close() it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._lock = threading.Lock()
        try:
            self._fd = os.open(f"{_PROC}/{pid}/status", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            self._fd = -1

    def read(self) -> bytes:
        with self._lock:
            if self._fd < 0:
                return b""
            try:
                return os.pread(self._fd, 8192, 0)
            except OSError:  # the process is gone
                return b""

    def peak_kb(self) -> int:
        """The process's peak resident memory so far (VmHWM), in KiB; 0 when unknown."""
        return _field_kb(self.read(), b"VmHWM:")

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


def _children(pid: int) -> list[int]:
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"{_PROC}/{pid}/task"):
            with contextlib.suppress(OSError, ValueError), open(f"{_PROC}/{pid}/task/{task}/children") as listing:
                children.extend(int(child) for child in listing.read().split())
    return children


def group_memory_kb(status: ProcessStatus) -> int:
    """The most the process's group is known to use: its own peak, or the resident memory of it and all its
    descendants now (a shell bootstrap running an interpreter), whichever is more; in KiB."""
    own = status.read()
    total = _field_kb(own, b"VmRSS:")
    pending = _children(status.pid)
    seen = {status.pid}
    while pending:
        child = pending.pop()
        if child in seen:
            continue
        seen.add(child)
        total += _field_kb(_read_status(child), b"VmRSS:")
        pending.extend(_children(child))
    return max(total, _field_kb(own, b"VmHWM:"))


class Measured(Protocol):
    """What the monitor watches: an environment while it runs an invocation."""

    def memory_status(self) -> ProcessStatus | None: ...

    def record_memory(self, used_kb: int) -> None:
        """The latest measurement (the environment keeps the maximum and enforces its limit)."""


class MemoryMonitor:
    """One thread for all environments. It sleeps on its condition while nothing runs, and samples every
    SAMPLE_INTERVAL while something does (a deadline-bounded wait, not a poll of idle state)."""

    def __init__(self, measure: Callable[[ProcessStatus], int] = group_memory_kb) -> None:
        self._measure = measure
        self._condition = threading.Condition()
        self._running: set[Measured] = set()
        self._stopped = False
        self._idle = False  # the thread waits for work (not for its next sample): only then does add() wake it
        self._thread = threading.Thread(target=self._run, name="mocklambda-memory", daemon=True)
        self._thread.start()

    def add(self, environment: Measured) -> None:
        with self._condition:
            self._running.add(environment)
            # Waking the thread while it waits for its next sample would make it sample at once: on every
            # invocation of a steady stream (each one adds and discards), competing with it for the GIL.
            if self._idle:
                self._condition.notify()

    def discard(self, environment: Measured) -> None:
        with self._condition:
            self._running.discard(environment)

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._running and not self._stopped:
                    self._idle = True
                    self._condition.wait()
                    self._idle = False
                if self._stopped:
                    return
                # The first sample comes one interval after work started: a short invocation is measured by
                # its environment at the end (VmHWM), without waking this thread's work.
                self._condition.wait(SAMPLE_INTERVAL)
                if self._stopped:
                    return
                running = list(self._running)
            for environment in running:
                status = environment.memory_status()
                if status is None:
                    continue
                try:
                    environment.record_memory(self._measure(status))
                except Exception:
                    logger.exception("memory sample of process %d failed", status.pid)
