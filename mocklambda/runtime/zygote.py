"""ZygoteLauncher: starts python3.x execution environments by forking a pre-initialised interpreter.

A fresh interpreter that imports boto3 and creates a client takes about 350 ms; a child forked from the zygote
(bootstraps/python/zygote.py: boto3, botocore's loaded models and the Python bootstrap already in memory) does the
same in about 20 ms. This module runs the runtime side: it starts the zygote lazily with the mock's own
interpreter, sends it spawn requests over a Unix SOCK_SEQPACKET socketpair (environment and working directory
as JSON, stdout/stderr descriptors as SCM_RIGHTS), and one reader thread dispatches the zygote's answers: spawn
replies and exit notices (the zygote is the children's parent and reaps them). Exit callbacks run on a separate
thread, so a callback may launch again.

If the zygote dies, launch() raises OSError from then on (the runtime falls back to SubprocessLauncher) and the
on_exit callbacks of its children fire with -9 once they are killed. stop() ends the zygote and its children;
the next launch() starts a new zygote. Must not: import services, protocol or gateway, or run function code
in the mock's process.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mocklambda.runtime.launch import LaunchedProcess, LaunchRequest

logger = logging.getLogger(__name__)

_BOOTSTRAPS = Path(__file__).parent / "bootstraps" / "python"
ZYGOTE_PROGRAM = _BOOTSTRAPS / "zygote.py"
PYTHON_BOOTSTRAP = _BOOTSTRAPS / "bootstrap.py"
# Clients and resources created once in the zygote. Creating any one client loads what every client needs
# (endpoints, partitions, the service list, botocore's lazy imports): boto3.client("s3") in a child drops from
# ~70 ms to ~18 ms. Each further model saves its own client ~5 ms (a resource ~13 ms) and costs ~1.5 MB of
# memory shared by all children; all of these together add ~0.5 ms to a fork.
PRELOAD_SERVICES = ("s3", "dynamodb", "sqs", "sns", "lambda", "events", "logs", "secretsmanager", "ssm",
                    "kinesis", "sts")
PRELOAD_RESOURCES = ("dynamodb", "s3")
_MAX_MESSAGE = 256 * 1024
_GONE_WAIT_S = 2.0  # how long the death of the zygote waits for its killed children to be gone


class ZygoteProcess:
    """A process forked by the zygote; implements launch.LaunchedProcess."""

    def __init__(self, launcher: ZygoteLauncher) -> None:
        self._launcher = launcher
        self._pid = 0
        self._returncode: int | None = None
        self._callbacks: list[Callable[[int], None]] = []
        self._answered = threading.Event()
        self._error: OSError | None = None

    @property
    def pid(self) -> int:
        return self._pid

    def kill(self) -> None:
        self._launcher._kill(self)

    def on_exit(self, callback: Callable[[int], None]) -> None:
        with self._launcher._lock:
            returncode = self._returncode
            if returncode is None:
                self._callbacks.append(callback)
                return
        callback(returncode)

    def __repr__(self) -> str:
        return f"<ZygoteProcess pid={self._pid} returncode={self._returncode}>"


class ZygoteLauncher:
    """launch.Launcher for python3.x runtimes that run on the mock's own interpreter.

    `bootstrap` is the runtime client the children run (its main() reads everything from os.environ);
    `preload_services`/`preload_resources` are the boto3 clients/resources warmed in the zygote."""

    def __init__(self, bootstrap: Path = PYTHON_BOOTSTRAP, *, preload_services: Sequence[str] = PRELOAD_SERVICES,
                 preload_resources: Sequence[str] = PRELOAD_RESOURCES, spawn_timeout: float = 10.0,
                 boot_timeout: float = 60.0) -> None:
        self.bootstrap = Path(bootstrap)
        self.preload_services = tuple(preload_services)
        self.preload_resources = tuple(preload_resources)
        self.spawn_timeout = spawn_timeout
        self.boot_timeout = boot_timeout
        self._lock = threading.Lock()  # processes, pending spawns, state
        self._start_lock = threading.Lock()  # start() and stop()
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._state = "idle"  # idle -> running -> (stopping -> idle | dead)
        self._death = ""
        self._popen: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()
        self._pending: dict[int, ZygoteProcess] = {}
        self._abandoned: set[int] = set()
        self._live: dict[int, ZygoteProcess] = {}
        self._callbacks: queue.SimpleQueue[tuple[ZygoteProcess, int] | None] = queue.SimpleQueue()
        self.zygote_pid: int | None = None
        self.preloaded: list[str] = []  # third-party packages the zygote holds (from its "ready")

    # ------------------------------------------------------------------------------------------- Launcher
    def launch(self, request: LaunchRequest) -> LaunchedProcess:
        self.start()
        process = ZygoteProcess(self)
        with self._lock:
            if self._state != "running":
                raise OSError(f"the Python zygote is not running: {self._death or self._state}")
            spawn_id = next(self._ids)
            self._pending[spawn_id] = process
        argv = list(request.argv)
        message = {"op": "spawn", "id": spawn_id, "env": request.env, "cwd": str(request.cwd), "argv": argv,
                   # the zygote is one interpreter: anything else is exec'd by the forked child
                   "exec": bool(argv) and os.path.abspath(argv[0]) != os.path.abspath(sys.executable)}
        try:
            self._send(message, [request.stdout_fd, request.stderr_fd])
        except OSError:
            with self._lock:
                self._pending.pop(spawn_id, None)
            raise
        if not process._answered.wait(self.spawn_timeout):
            with self._lock:
                if self._pending.pop(spawn_id, None) is process:
                    self._abandoned.add(spawn_id)  # killed when the late answer comes
                    raise OSError(f"the Python zygote did not answer a spawn within {self.spawn_timeout} s")
            process._answered.wait(self.spawn_timeout)  # answered just now: the answer is being delivered
        if process._error is not None:
            raise process._error
        return process

    def start(self) -> None:
        """Start the zygote if it is not running (launch() does this itself; call it to boot eagerly)."""
        if self._state == "running":
            return
        with self._start_lock:
            if self._state == "running":
                return
            if self._state == "dead":
                raise OSError(f"the Python zygote died: {self._death}")
            self._boot()

    def stop(self) -> None:
        """End the zygote and every process it started; a later launch() starts a new zygote."""
        with self._start_lock:
            popen, reader = self._popen, self._reader
            if popen is None or reader is None:
                return
            with self._lock:
                if self._state == "running":
                    self._state = "stopping"
            with contextlib.suppress(OSError):
                self._send({"op": "stop"})
            try:
                popen.wait(timeout=self.spawn_timeout)
            except subprocess.TimeoutExpired:
                popen.kill()
            reader.join(timeout=self.spawn_timeout + _GONE_WAIT_S)
            with self._lock:
                self._state, self._popen, self._reader = "idle", None, None  # a dead zygote is forgiven too

    # -------------------------------------------------------------------------------------------- Zygote
    def _boot(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        config = {"fd": theirs.fileno(), "bootstrap": str(self.bootstrap),
                  "services": list(self.preload_services), "resources": list(self.preload_resources)}
        try:
            popen = subprocess.Popen(
                [sys.executable, str(ZYGOTE_PROGRAM), json.dumps(config)],
                env=_zygote_environment(), cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, pass_fds=(theirs.fileno(),), start_new_session=True,
            )
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.settimeout(self.spawn_timeout)  # bounds every send; the reader polls before it receives
        self._popen, self._sock, self._death = popen, ours, ""
        self._ready.clear()
        self._state = "booting"
        self._reader = threading.Thread(target=self._read, args=(popen, ours), name="mocklambda-zygote-reader",
                                        daemon=True)
        self._reader.start()
        threading.Thread(target=self._run_callbacks, name="mocklambda-zygote-exits", daemon=True).start()
        if not self._ready.wait(self.boot_timeout):
            popen.kill()
            self._reader.join(timeout=self.spawn_timeout)
            raise OSError(f"the Python zygote was not ready within {self.boot_timeout} s")
        if self._state != "running":
            raise OSError(f"the Python zygote did not start: {self._death}")

    def _send(self, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
        data = json.dumps(message).encode()
        if len(data) > _MAX_MESSAGE:
            raise OSError(f"spawn request too large for the zygote ({len(data)} bytes)")
        sock = self._sock
        if sock is None:
            raise OSError("the Python zygote is not running")
        with self._send_lock:
            socket.send_fds(sock, [data], list(fds))

    def _kill(self, process: ZygoteProcess) -> None:
        with self._lock:
            if process._returncode is not None or not process._pid:
                return
            alive = self._state in ("running", "stopping")
        if alive:
            # The zygote signals only unreaped children: a recycled pid is never hit.
            with contextlib.suppress(OSError):
                self._send({"op": "kill", "pid": process._pid})
                return
        _kill_orphan_group(process._pid)

    # ------------------------------------------------------------------------------------- Reader thread
    def _read(self, popen: subprocess.Popen[bytes], sock: socket.socket) -> None:
        stderr = popen.stderr
        assert stderr is not None
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        poller.register(stderr, select.POLLIN)
        errors: list[str] = []  # the zygote's stderr: warnings while it runs, the reason when it dies
        try:
            while True:
                for fd, events in poller.poll():
                    if fd == stderr.fileno():
                        chunk = os.read(fd, 65536)
                        if chunk:
                            text = chunk.decode(errors="replace").rstrip()
                            logger.warning("%s", text)
                            errors = (errors + [text])[-20:]
                        else:
                            poller.unregister(fd)
                        continue
                    data = sock.recv(_MAX_MESSAGE) if events & select.POLLIN else b""
                    if not data:
                        return
                    self._dispatch(json.loads(data))
        except Exception as error:  # a broken socket or message: treat the zygote as gone
            errors.append(repr(error))
        finally:
            self._zygote_gone(popen, sock, "\n".join(errors))

    def _dispatch(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == "exit":
            with self._lock:
                process = self._live.pop(message["pid"], None)
                if process is not None:
                    process._returncode = message["returncode"]
            if process is not None:
                self._callbacks.put((process, message["returncode"]))
        elif op == "spawned":
            with self._lock:
                process = self._pending.pop(message["id"], None)
                if process is not None:
                    process._pid = message["pid"]
                    self._live[message["pid"]] = process
                    process._answered.set()
                abandoned = process is None and message["id"] in self._abandoned
                self._abandoned.discard(message["id"])
            if abandoned:
                with contextlib.suppress(OSError):
                    self._send({"op": "kill", "pid": message["pid"]})
        elif op == "failed":
            with self._lock:
                process = self._pending.pop(message["id"], None)
                self._abandoned.discard(message["id"])
            if process is not None:
                process._error = OSError(message.get("errno") or 0, f"zygote spawn failed: {message['error']}")
                process._answered.set()
        elif op == "ready":
            self.zygote_pid, self.preloaded = message["pid"], message.get("preloaded", [])
            logger.info("Python zygote %d ready in %s ms (preloaded: %s)", message["pid"], message.get("boot_ms"),
                        ", ".join(self.preloaded) or "nothing")
            with self._lock:
                self._state = "running"
            self._ready.set()

    def _zygote_gone(self, popen: subprocess.Popen[bytes], sock: socket.socket, errors: str) -> None:
        """The zygote exited (stop() or death): fail waiting spawns, kill and report what it left behind."""
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # a zygote still running sees the hang-up: it kills all and exits
        try:
            popen.wait(timeout=self.spawn_timeout)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()
        errors = (errors + "\n" + _read_rest(popen)).strip()[-2000:]  # e.g. its traceback, if it crashed
        with self._lock:
            expected = self._state == "stopping"
            if not expected:
                self._death = f"exit status {popen.returncode}" + (f": {errors}" if errors else "")
                self._state = "dead"
            pending, self._pending = self._pending, {}
            self._abandoned.clear()
            orphans, self._live = self._live, {}
        if not expected:
            logger.error("the Python zygote died (%s); python functions now start as plain processes", self._death)
        for process in pending.values():
            process._error = OSError(f"the Python zygote exited: {self._death or 'stopped'}")
            process._answered.set()
        if orphans:
            _kill_and_wait(list(orphans))
        with self._lock:
            for process in orphans.values():
                process._returncode = -signal.SIGKILL
        for process in orphans.values():
            self._callbacks.put((process, -signal.SIGKILL))
        self._callbacks.put(None)  # ends this zygote's callback thread
        with self._send_lock:  # never close a descriptor another thread is about to send on
            sock.close()
            if self._sock is sock:
                self._sock = None
        if popen.stderr is not None:
            popen.stderr.close()
        self._ready.set()

    def _run_callbacks(self) -> None:
        while (item := self._callbacks.get()) is not None:
            process, returncode = item
            with self._lock:
                callbacks, process._callbacks = process._callbacks, []
            for callback in callbacks:
                try:
                    callback(returncode)
                except Exception:  # one failing callback must not keep the others from running
                    logger.exception("exit callback of process %d failed", process.pid)


def _zygote_environment() -> dict[str, str]:
    """The zygote's own environment: just enough to start an interpreter. Children replace it entirely; no
    PYTHON* variable and no HOME, so its sys.path and botocore's defaults are those of a function's process."""
    env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8",
           "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
           "AWS_EC2_METADATA_DISABLED": "true"}
    if os.environ.get("LD_LIBRARY_PATH"):  # the interpreter itself may need it
        env["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    return env


def _read_rest(popen: subprocess.Popen[bytes]) -> str:
    """What the exited zygote wrote to stderr that the reader had not read yet."""
    if popen.stderr is None or popen.stderr.closed:
        return ""
    fd, chunks = popen.stderr.fileno(), []
    os.set_blocking(fd, False)
    with contextlib.suppress(OSError):
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def _kill_orphan_group(pid: int) -> None:
    """Kill the group of a child whose zygote is gone (it cannot be reaped by us any more). Guard against a
    recycled pid: a live process with that pid must still lead its own group."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        if int(fields[2]) != pid:  # field 5, pgrp
            return
    except (OSError, IndexError, ValueError):
        pass  # no such process: only a group it left behind can still have this id
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _kill_and_wait(pids: list[int]) -> None:
    """Kill the children of a dead zygote and wait (bounded) until each is gone: pidfds tell when."""
    deadline = time.monotonic() + _GONE_WAIT_S
    for pid in pids:
        _kill_orphan_group(pid)
    for pid in pids:
        try:
            pidfd = os.pidfd_open(pid)
        except (OSError, AttributeError):
            continue  # gone already (or no pidfd support: SIGKILL was sent, that must do)
        try:
            select.select([pidfd], [], [], max(0.0, deadline - time.monotonic()))
        finally:
            os.close(pidfd)
