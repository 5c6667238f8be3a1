"""How an execution environment's process is started: the interface between the environment and its launchers.

A Launcher starts one process for a LaunchRequest and returns a LaunchedProcess the environment can kill and
watch. SubprocessLauncher (here) execs argv; the zygote launcher (zygote.py) forks a pre-initialised Python
interpreter instead, which is what makes Python cold starts fast. Both give the process exactly `env`, `cwd`
and the stdout/stderr pipes the environment reads its logs from.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaunchRequest:
    argv: tuple[str, ...]  # what to exec (a zygote ignores it: it runs its preloaded bootstrap)
    env: dict[str, str]  # the process's whole environment: nothing else is inherited
    cwd: Path
    stdout_fd: int  # write ends of pipes owned by the caller; the launcher does not close them
    stderr_fd: int


class LaunchedProcess(Protocol):
    @property
    def pid(self) -> int: ...

    def kill(self) -> None:
        """SIGKILL the process (and anything it started in its process group); no-op once it has exited."""

    def on_exit(self, callback: Callable[[int], None]) -> None:
        """Call `callback(returncode)` once, from some thread, when the process has exited (negative
        returncode = killed by that signal, as subprocess reports it); at once if it already has."""


class Launcher(Protocol):
    def launch(self, request: LaunchRequest) -> LaunchedProcess:
        """Start the process; OSError (e.g. interpreter missing) if it cannot be started."""

    def stop(self) -> None:
        """Release the launcher's own resources (a zygote process); started processes are not its concern."""


class SubprocessProcess:
    """A process started by SubprocessLauncher, in its own session (so its process group is its own).

    One waiter thread per process waits for the exit *without reaping* first: while the zombie exists its pid,
    and so its process group id, cannot be reused, so killing the group is never a shot at a stranger. Then it
    kills whatever the process left behind in its group (Lambda ends the whole sandbox with the runtime), reaps,
    and runs the on_exit callbacks.
    """

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self._popen = popen
        self._lock = threading.Lock()
        self._returncode: int | None = None
        self._callbacks: list[Callable[[int], None]] = []
        self._waiter = threading.Thread(target=self._wait, name=f"mocklambda-wait-{popen.pid}", daemon=True)
        self._waiter.start()

    @property
    def pid(self) -> int:
        return self._popen.pid

    def kill(self) -> None:
        with self._lock:
            if self._returncode is None:
                _kill_group(self._popen.pid)

    def on_exit(self, callback: Callable[[int], None]) -> None:
        with self._lock:
            returncode = self._returncode
            if returncode is None:
                self._callbacks.append(callback)
                return
        callback(returncode)

    def _wait(self) -> None:
        if _CAN_WAIT_WITHOUT_REAPING:
            with contextlib.suppress(ChildProcessError, InterruptedError):
                os.waitid(os.P_PID, self._popen.pid, os.WEXITED | os.WNOWAIT)
            with self._lock:
                _kill_group(self._popen.pid)
        returncode = self._popen.wait()
        with self._lock:
            self._returncode = returncode
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback(returncode)
            except Exception:  # a failing callback must not keep the others from running
                logger.exception("exit callback of process %d failed", self._popen.pid)


class SubprocessLauncher:
    """Starts `argv` with exactly the request's environment, working directory and output pipes; stdin is
    /dev/null. Every process gets a new session so that kill() reaches everything it started."""

    def launch(self, request: LaunchRequest) -> LaunchedProcess:
        popen = subprocess.Popen(
            list(request.argv),
            env=request.env,
            cwd=request.cwd,
            stdin=subprocess.DEVNULL,
            stdout=request.stdout_fd,
            stderr=request.stderr_fd,
            close_fds=True,
            start_new_session=True,
        )
        return SubprocessProcess(popen)

    def stop(self) -> None:
        pass


_CAN_WAIT_WITHOUT_REAPING = hasattr(os, "waitid") and hasattr(os, "WNOWAIT")


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
