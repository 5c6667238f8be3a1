"""The Python zygote: a pre-initialised interpreter that forks execution environments for python3.x functions.

Started once by mocklambda's ZygoteLauncher (mocklambda/runtime/zygote.py) with the mock's own interpreter, it
imports boto3 and botocore, warms botocore's loaders into a cache that survives the fork, imports the Python
bootstrap, freezes the heap, says "ready", then serves spawn requests over a Unix SOCK_SEQPACKET socket. A child
becomes exactly what `python bootstrap.py` with the request's environment would be: its own session, the given
stdout/stderr, /dev/null on stdin, no other descriptor, only the request's environment, the request's working
directory, a fresh sys.path and stdio, default signal handling; then bootstrap.main() runs. The zygote is the
children's parent: it reaps them and reports each exit. When the socket closes, it kills every child's process
group and exits, so nothing outlives the mock.

Wire protocol (one JSON object per datagram):
  mock -> zygote  {"op": "spawn", "id": N, "env": {...}, "cwd": "...", "argv": [...], "exec": bool}
                  + SCM_RIGHTS [stdout fd, stderr fd];   {"op": "kill", "pid": P};   {"op": "stop"}
  zygote -> mock  {"op": "ready", "pid": P, "preloaded": [...], "boot_ms": F};  {"op": "spawned", "id": N,
                  "pid": P};  {"op": "failed", "id": N, "errno": E, "error": "..."};  {"op": "exit", "pid": P,
                  "returncode": R} (R < 0: killed by signal -R, as subprocess reports it)

Must not: import mocklambda (it is a standalone program; stdlib plus boto3/botocore only), run any function code
in the zygote itself, keep anything of one spawn request when it forks the next (no function may see another's
environment), or use threads (it forks).
"""
from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import select
import signal
import socket
import sys
import time
import traceback
from types import ModuleType
from typing import Any

_MAX_MESSAGE = 256 * 1024
_BOOTSTRAP_MODULE = "_mocklambda_bootstrap"
# The only PYTHON* variables a forked child honours (the bootstrap or the child applies them); any other one acts
# at interpreter start-up only, so a child given one execs a fresh interpreter instead.
_EMULATED_PYTHON_VARIABLES = frozenset(("PYTHONPATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"))
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_REAP_DEADLINE_S = 2.0


def _warn(message: str) -> None:
    sys.stderr.write(f"mocklambda zygote: {message}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------------------------- Preloading
def _install_shared_loader_cache(loaders: Any, static_paths: set[str]) -> None:
    """Make botocore's Loader results shared by every Loader of this process (and of every forked child).

    botocore caches per Loader instance, and every Session has its own Loader, so a handler's
    `boto3.client("s3")` would re-read and re-parse endpoints, partitions and the service model (about 50 ms)
    although the zygote already did. Results are shared only while every search path that is not one of the
    installed packages' data directories is absent, so ~/.aws/models or AWS_DATA_PATH models are never masked.
    botocore already shares these dicts between all clients of a session and never mutates them."""
    missing = loaders.DataNotFoundError
    shared: dict[tuple[Any, ...], Any] = {}

    def shared_method(name: str) -> None:
        original = getattr(loaders.Loader, name)

        def cached(self: Any, *args: Any, **kwargs: Any) -> Any:
            static = []
            for path in self.search_paths:
                if path in static_paths:
                    static.append(path)
                elif os.path.isdir(path):
                    return original(self, *args, **kwargs)
            key = (name, tuple(static), tuple(self.extras_types), type(self.file_loader), *args,
                   *sorted(kwargs.items()))
            try:
                value = shared[key]
            except KeyError:
                try:
                    value = original(self, *args, **kwargs)
                except missing as error:
                    shared[key] = error
                    raise
                shared[key] = value
                return value
            if isinstance(value, missing):
                raise type(value)(**value.kwargs)
            return value

        cached.__name__ = cached.__qualname__ = name
        cached.__doc__ = original.__doc__
        setattr(loaders.Loader, name, cached)

    for method in ("list_available_services", "determine_latest_version", "list_api_versions",
                   "load_service_model", "load_data_with_path"):
        shared_method(method)


def _preload_boto3(services: list[str], resources: list[str]) -> None:
    """Import boto3/botocore and create the clients and resources handlers use most, so that their modules are
    imported and their data loaded once, here. Explicit fake credentials and region: nothing is looked up."""
    try:
        import boto3
        import botocore
        import botocore.loaders
    except ImportError as error:
        _warn(f"boto3 not preloaded ({error}); functions import it themselves")
        return
    _install_shared_loader_cache(botocore.loaders, {
        os.path.join(os.path.dirname(botocore.__file__), "data"),
        os.path.join(os.path.dirname(boto3.__file__), "data"),
    })
    session = boto3.session.Session(aws_access_key_id="AKIAZYGOTEPRELOAD", aws_secret_access_key="preload",
                                    aws_session_token="preload", region_name="us-east-1")
    for service in services:
        try:
            session.client(service)
        except Exception as error:  # an unknown or broken model only loses its warm-up
            _warn(f"service {service} not preloaded: {error!r}")
    for service in resources:
        try:
            session.resource(service)
        except Exception as error:
            _warn(f"resource {service} not preloaded: {error!r}")


def _load_bootstrap(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(_BOOTSTRAP_MODULE, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the bootstrap {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_BOOTSTRAP_MODULE] = module  # dataclasses and pickle look classes up by module name
    spec.loader.exec_module(module)
    if not callable(getattr(module, "main", None)):
        raise ImportError(f"the bootstrap {path} has no main()")
    return module


def _libc_prctl() -> Any:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return None


# --------------------------------------------------------------------------------------------- The zygote
class Zygote:
    def __init__(self, control: socket.socket, bootstrap_path: str, services: list[str],
                 resources: list[str]) -> None:
        started = time.perf_counter()
        self.control = control
        self.bootstrap_path = os.path.abspath(bootstrap_path)
        before = set(sys.modules)
        _preload_boto3(services, resources)
        self.bootstrap = _load_bootstrap(self.bootstrap_path)
        # Third-party top-level packages now in memory: a function that bundles its own copy of any of them
        # must get its own copies of all of them (boto3 pinned to a bundled botocore must not see ours).
        self.preloaded = sorted({
            name.split(".")[0] for name in set(sys.modules) - before
            if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith("_")
        })
        # sys.path of `python bootstrap.py`: the script's directory first, then the interpreter's own paths.
        self.base_path = [os.path.dirname(self.bootstrap_path), *sys.path[1:]]
        self.own_library_path = set(filter(None, os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep)))
        self.prctl = _libc_prctl()
        if self.prctl is not None:
            # What a function's process leaves behind is re-parented to us, not to an init that may never reap
            # it: we reap it, and kill it when we end.
            self.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        self.pid = os.getpid()
        self.children: set[int] = set()
        self.wake_r, self.wake_w = os.pipe()
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)
        self.default_sigchld = signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        # Everything imported so far is read-only from here on: keep the collector off those pages, so forked
        # children share them instead of copying them (about 13 MB per child).
        gc.collect()
        gc.freeze()
        self.send({"op": "ready", "pid": self.pid, "preloaded": self.preloaded,
                   "boot_ms": round((time.perf_counter() - started) * 1000, 1)})

    def send(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # the mock is gone: the poll loop sees the hang-up and ends all
            self.control.send(json.dumps(message).encode())

    def serve(self) -> None:
        poller = select.poll()
        poller.register(self.control, select.POLLIN)
        poller.register(self.wake_r, select.POLLIN)
        while True:
            for fd, events in poller.poll():
                if fd == self.wake_r:
                    self.drain_wakeups()
                    self.reap()
                elif not self.handle_message(events):
                    self.shutdown()
                    return

    def handle_message(self, events: int) -> bool:
        """Serve one request; False when the mock hung up or asked to stop."""
        if not events & select.POLLIN:
            return False
        try:
            data, fds, flags, _ = socket.recv_fds(self.control, _MAX_MESSAGE, 2)
        except OSError:
            return False
        if not data:
            return False
        # The request lives in this frame only: nothing of one function's request is reachable in the next child.
        request: dict[str, Any] = {}
        try:
            request = json.loads(data)
            if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
                self.send({"op": "failed", "id": request.get("id"), "errno": 90, "error": "message too long"})
            elif request.get("op") == "spawn":
                self.spawn(request, fds)
            elif request.get("op") == "kill":
                self.kill(int(request["pid"]))
            elif request.get("op") == "stop":
                return False
        except Exception as error:  # a malformed request must not take the zygote (and every child) down
            self.send({"op": "failed", "id": request.get("id"), "errno": 22, "error": repr(error)})
        finally:
            for fd in fds:
                os.close(fd)
        return True

    def spawn(self, request: dict[str, Any], fds: list[int]) -> None:
        problem = _check_spawn(request, fds)
        if problem is not None:
            self.send({"op": "failed", "id": request.get("id"), "errno": problem[0], "error": problem[1]})
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as error:
            self.send({"op": "failed", "id": request["id"], "errno": error.errno, "error": str(error)})
            return
        if pid == 0:
            self.become_child(request, fds)  # never returns
        self.children.add(pid)
        self.send({"op": "spawned", "id": request["id"], "pid": pid})

    def kill(self, pid: int) -> None:
        if pid in self.children:  # an unreaped child: its pid (and group id) cannot belong to anyone else
            _kill_group(pid)

    def drain_wakeups(self) -> None:
        try:
            while os.read(self.wake_r, 512):
                pass
        except BlockingIOError:
            pass

    def reap(self) -> None:
        """Reap every exited child (ours, and orphans re-parented to us); report ours."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.children:
                self.children.discard(pid)
                self.send({"op": "exit", "pid": pid, "returncode": os.waitstatus_to_exitcode(status)})

    def shutdown(self) -> None:
        """Kill every child's process group, then whatever they left to us (a dying process's orphans are
        re-parented before it can be reaped, so once ours are reaped all of theirs are ours); report the exits
        reaped in time, and let main() exit."""
        deadline = time.monotonic() + _REAP_DEADLINE_S
        for pid in list(self.children):
            _kill_group(pid)
        while True:
            self.reap()
            if not self.children:
                adopted = _current_children(self.pid)
                if not adopted:
                    return
                for pid in adopted:
                    _kill_group(pid)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            select.select([self.wake_r], [], [], remaining)  # until the next SIGCHLD
            self.drain_wakeups()

    # --------------------------------------------------------------------------------- in the child
    def become_child(self, request: dict[str, Any], fds: list[int]) -> None:
        status = 127
        try:
            self.isolate(request, fds)
            if request.get("exec"):  # another interpreter (or a wrapper) than ours: what the mock asked for
                _exec(request["argv"], request["env"])
            if self.needs_fresh_interpreter(request["env"]):
                _exec([sys.executable, self.bootstrap_path], request["env"])
            self.adopt_environment(request["env"])
            status = self.run_bootstrap()
        except BaseException:  # the child must never return into the zygote's loop
            try:
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(status)
        os._exit(status)

    def isolate(self, request: dict[str, Any], fds: list[int]) -> None:
        """Own session, own descriptors, nothing of the zygote's: the first thing a child does."""
        os.setsid()
        if self.prctl is not None:
            self.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # the zygote's death kills us
            if os.getppid() != self.pid:
                os._exit(1)  # it died before we asked
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, self.default_sigchld)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        self.control.close()
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.closerange(3, _max_fd())
        self.children.clear()
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])

    def needs_fresh_interpreter(self, env: dict[str, str]) -> bool:
        """Settings that only act when an interpreter starts: honour them by exec'ing one (slow but exact)."""
        if any(name.startswith("PYTHON") and name not in _EMULATED_PYTHON_VARIABLES for name in env):
            return True
        if env.get("LD_PRELOAD"):
            return True
        # The dynamic loader read LD_LIBRARY_PATH when the zygote started: a layer's or the code's native
        # libraries are only found by a new process.
        for directory in filter(None, env.get("LD_LIBRARY_PATH", "").split(os.pathsep)):
            if directory not in self.own_library_path and _has_shared_objects(directory):
                return True
        return False

    def adopt_environment(self, env: dict[str, str]) -> None:
        """Redo what interpreter start-up derives from the environment and the descriptors."""
        import locale

        with contextlib.suppress(locale.Error):
            locale.setlocale(locale.LC_CTYPE, "")
        time.tzset()
        sys.path[:] = self.base_path
        sys.argv[:] = [self.bootstrap_path]
        sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
        _reopen_stdio(unbuffered=bool(env.get("PYTHONUNBUFFERED")))
        tempfile: Any = sys.modules.get("tempfile")
        if tempfile is not None:
            tempfile.tempdir = None  # recomputed from this TMPDIR on first use
        loaders: Any = sys.modules.get("botocore.loaders")
        if loaders is not None:  # computed from HOME when botocore was imported
            loaders.Loader.CUSTOMER_DATA_PATH = os.path.join(os.path.expanduser("~"), ".aws", "models")
        roots = [env.get("LAMBDA_TASK_ROOT") or os.getcwd(), *env.get("PYTHONPATH", "").split(os.pathsep)]
        if _bundles_any(roots, self.preloaded):
            # AWS puts the code root first on sys.path, so a bundled boto3 wins: forget ours, all of it.
            preloaded = set(self.preloaded)
            for name in [name for name in sys.modules if name.split(".")[0] in preloaded]:
                del sys.modules[name]
        sys.modules["__main__"] = self.bootstrap
        if "__mp_main__" in sys.modules:
            sys.modules["__mp_main__"] = self.bootstrap

    def run_bootstrap(self) -> int:
        """Run bootstrap.main() and end as an interpreter would: its exit status, atexit handlers, flushed."""
        try:
            self.bootstrap.main()
            status = 0
        except SystemExit as exit_:
            status = _exit_status(exit_.code)
        except BaseException:
            traceback.print_exc()
            status = 1
        try:
            import threading

            threading._shutdown()  # type: ignore[attr-defined]  # join non-daemon threads, as at exit
            import atexit

            atexit._run_exitfuncs()
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
        return status


# --------------------------------------------------------------------------------------------- Helpers
def _check_spawn(request: dict[str, Any], fds: list[int]) -> tuple[int, str] | None:
    """What Popen would refuse before starting anything, checked before the fork so the mock gets an OSError."""
    if len(fds) != 2:
        return 22, f"a spawn needs 2 descriptors (stdout, stderr), got {len(fds)}"
    env = request.get("env")
    if not isinstance(env, dict) or any("\0" in k or "=" in k or "\0" in v for k, v in env.items()):
        return 22, "invalid environment"
    cwd = request.get("cwd", "")
    if not os.path.isdir(cwd):
        return 2, f"No such directory: {cwd!r}"
    if request.get("exec"):
        import shutil

        argv = request.get("argv") or [""]
        if not argv[0] or shutil.which(argv[0], path=env.get("PATH", os.defpath)) is None:
            return 2, f"No such executable: {argv[0]!r}"
    return None


def _exec(argv: list[str], env: dict[str, str]) -> None:
    for signum in (signal.SIGPIPE, signal.SIGXFSZ):  # Python ignores these; a new program must not inherit that
        signal.signal(signum, signal.SIG_DFL)
    os.execvpe(argv[0], argv, env)


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):  # the group; and the child itself if it has not reached setsid() yet
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)


def _current_children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except OSError:
        return []


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 65536


def _has_shared_objects(directory: str) -> bool:
    try:
        return any(".so" in name for name in os.listdir(directory))
    except OSError:
        return False


def _bundles_any(roots: list[str], names: list[str]) -> bool:
    """Does any root hold one of these top-level modules (package directory, .py, .pyc or extension)?"""
    wanted = set(names)
    for root in filter(None, roots):
        try:
            entries = os.listdir(root)
        except OSError:
            continue
        if any(entry.split(".")[0] in wanted for entry in entries if not entry.endswith((".dist-info", ".pth"))):
            return True
    return False


def _reopen_stdio(unbuffered: bool) -> None:
    """New sys.stdin/stdout/stderr on descriptors 0-2, configured as a fresh interpreter configures them for
    pipes (the zygote's were made for whatever it started with)."""
    import io

    encoding = sys.stdout.encoding or "utf-8"
    stdout_buffer: Any = io.FileIO(1, "wb", closefd=False)
    if not unbuffered:
        stdout_buffer = io.BufferedWriter(stdout_buffer)
    streams: Any = sys  # the __std*__ originals are typed Final, but start-up is what we are redoing
    streams.stdout = streams.__stdout__ = io.TextIOWrapper(
        stdout_buffer, encoding=encoding, errors="strict", newline="\n", write_through=unbuffered)
    streams.stderr = streams.__stderr__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "wb", closefd=False)), encoding=encoding, errors="backslashreplace",
        newline="\n", line_buffering=True, write_through=unbuffered)
    streams.stdin = streams.__stdin__ = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(0, "rb", closefd=False)), encoding=encoding, errors="strict")


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(f"{code}\n")
    return 1


def main() -> None:
    config = json.loads(sys.argv[1])
    control = socket.socket(fileno=config["fd"])
    os.set_inheritable(control.fileno(), False)
    zygote = Zygote(control, config["bootstrap"], config.get("services", []), config.get("resources", []))
    zygote.serve()
    os._exit(0)


if __name__ == "__main__":
    main()
