"""ZygoteLauncher: forked execution environments are isolated, wired to their pipes, reported and cleaned up.

Most tests run a stand-in bootstrap (written below) whose main() reports what the child sees; the last ones run
the real Python bootstrap against a stand-in Runtime API. Every test checks that no process it started is left.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from mocklambda.runtime.launch import LaunchRequest
from mocklambda.runtime.zygote import PYTHON_BOOTSTRAP, ZygoteLauncher, ZygoteProcess

STAND_IN = textwrap.dedent('''
    """Stand-in bootstrap: main() reports what the child sees, or does what STANDIN tells it to."""
    import gc, json, os, signal, subprocess, sys, tempfile, time

    def main():
        action = os.environ.get("STANDIN", "facts")
        if action == "sleep":
            print(os.getpid(), flush=True)
            signal.pause()
        if action in ("group", "escape"):
            child = subprocess.Popen(["sleep", "60"], start_new_session=action == "escape")
            print(child.pid, flush=True)
            signal.pause()
        if action == "signal":
            os.kill(os.getpid(), signal.SIGTERM)
        look_for = os.environ.get("LOOK_FOR", "")
        facts = {
            "env": dict(os.environ), "cwd": os.getcwd(), "path": list(sys.path), "argv": sys.argv,
            "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
            "main": sys.modules["__main__"].__file__, "pid": os.getpid(), "pgid": os.getpgid(0),
            "sid": os.getsid(0), "preloaded_boto3": "boto3" in sys.modules, "fmod_loaded": "fmod" in sys.modules,
            "tmp": tempfile.gettempdir(), "timezone": time.timezone,
            "seen": bool(look_for) and any(look_for in o for o in gc.get_objects() if isinstance(o, dict)),
        }
        task_root = os.environ.get("LAMBDA_TASK_ROOT")
        if task_root:
            sys.path.insert(0, task_root)  # as the real bootstrap does
            import fmod
            facts["fmod"] = fmod.VALUE
            import boto3
            facts["boto3"] = boto3.__file__
        print(json.dumps(facts), flush=True)
        print("this goes to stderr", file=sys.stderr, flush=True)
        sys.exit(int(os.environ.get("STANDIN_EXIT", "0")))

    if __name__ == "__main__":
        main()
''')


def _running(pid: int) -> bool:
    """A process that still runs (zombies re-parented to an init that does not reap them do not count)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False


class Child:
    """One launched process with its two pipes and its exit status."""

    def __init__(self, process: ZygoteProcess, stdout: int, stderr: int) -> None:
        self.process, self._stdout, self._stderr = process, stdout, stderr
        self.exited = threading.Event()
        self.returncode: int | None = None
        process.on_exit(self._exit)

    def _exit(self, returncode: int) -> None:
        self.returncode = returncode
        self.exited.set()

    def line(self) -> str:
        with os.fdopen(os.dup(self._stdout), "r", closefd=True) as stream:
            return stream.readline()

    def facts(self) -> dict[str, Any]:
        facts: dict[str, Any] = json.loads(self.line())
        return facts

    def stderr(self) -> str:
        return os.read(self._stderr, 65536).decode()

    def wait(self, timeout: float = 5.0) -> int:
        assert self.exited.wait(timeout), f"process {self.process.pid} did not exit"
        assert self.returncode is not None
        return self.returncode

    def close(self) -> None:
        os.close(self._stdout)
        os.close(self._stderr)


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bootstrap") / "bootstrap.py"
    path.write_text(STAND_IN)
    return path


@pytest.fixture(scope="module")
def launcher(stand_in: Path) -> Iterator[ZygoteLauncher]:
    zygote = ZygoteLauncher(stand_in)
    yield zygote
    zygote.stop()
    assert zygote.zygote_pid is None or not _running(zygote.zygote_pid)


@pytest.fixture
def spawn(launcher: ZygoteLauncher, tmp_path: Path) -> Iterator[Callable[..., Child]]:
    """spawn(env, cwd=tmp_path, using=launcher): launch with fresh pipes; all are killed and checked after."""
    children: list[Child] = []

    def start(env: dict[str, str], cwd: Path | None = None, using: ZygoteLauncher | None = None,
              argv: tuple[str, ...] = (sys.executable,)) -> Child:
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            process = (using or launcher).launch(LaunchRequest(argv, env, cwd or tmp_path, out_w, err_w))
        except OSError:
            for fd in (out_r, err_r):
                os.close(fd)
            raise
        finally:
            os.close(out_w)
            os.close(err_w)
        assert isinstance(process, ZygoteProcess)
        children.append(Child(process, out_r, err_r))
        return children[-1]

    yield start
    for child in children:
        child.process.kill()
        child.wait()
        child.close()
        assert not _running(child.process.pid)


def test_launch_environment_is_exactly_the_requested_one(spawn: Callable[..., Child]) -> None:
    first = spawn({"ONLY_IN_FIRST": "secret-1", "SHARED": "a"}).facts()
    second = spawn({"ONLY_IN_SECOND": "2", "SHARED": "b", "LOOK_FOR": "ONLY_IN_FIRST"}).facts()
    assert first["env"] == {"ONLY_IN_FIRST": "secret-1", "SHARED": "a"}
    assert second["env"] == {"ONLY_IN_SECOND": "2", "SHARED": "b", "LOOK_FOR": "ONLY_IN_FIRST"}
    assert second["seen"] is False  # not even a stale dict of the first request in the second child's heap


def test_launch_child_has_its_own_session_cwd_and_only_three_descriptors(
        spawn: Callable[..., Child], tmp_path: Path, stand_in: Path) -> None:
    facts = spawn({}, cwd=tmp_path).facts()
    assert facts["cwd"] == str(tmp_path)
    assert facts["pid"] == facts["pgid"] == facts["sid"]
    assert facts["fds"] == [0, 1, 2, 3]  # 3 is the listing's own
    assert facts["argv"] == [str(stand_in)]
    assert facts["main"] == str(stand_in)
    assert facts["path"][0] == str(stand_in.parent)  # as `python bootstrap.py` has it


def test_launch_child_uses_its_own_tmpdir_and_timezone(spawn: Callable[..., Child], tmp_path: Path) -> None:
    facts = spawn({"TMPDIR": str(tmp_path), "TZ": "EST+5"}).facts()
    assert facts["tmp"] == str(tmp_path)
    assert facts["timezone"] == 5 * 3600


def test_launch_output_arrives_on_the_given_pipes(spawn: Callable[..., Child]) -> None:
    child = spawn({})
    assert child.facts()["env"] == {}
    assert child.wait() == 0
    assert child.stderr() == "this goes to stderr\n"


def test_launch_reports_exit_status(spawn: Callable[..., Child]) -> None:
    assert spawn({"STANDIN_EXIT": "3"}).wait() == 3


def test_launch_reports_death_by_signal_as_negative(spawn: Callable[..., Child]) -> None:
    assert spawn({"STANDIN": "signal"}).wait() == -signal.SIGTERM


def test_kill_ends_the_whole_process_group(spawn: Callable[..., Child]) -> None:
    child = spawn({"STANDIN": "group", "PATH": os.environ["PATH"]})
    grandchild = int(child.line())
    assert _running(grandchild)
    child.process.kill()
    assert child.wait() == -signal.SIGKILL
    deadline = time.monotonic() + 5
    while os.path.exists(f"/proc/{grandchild}") and time.monotonic() < deadline:
        time.sleep(0.01)  # SIGKILL is delivered asynchronously to a process we are not the parent of
    assert not os.path.exists(f"/proc/{grandchild}")  # not even a zombie: the zygote adopted and reaped it


def test_kill_after_exit_is_a_no_op(spawn: Callable[..., Child]) -> None:
    child = spawn({})
    assert child.wait() == 0
    child.process.kill()
    calls: list[int] = []
    child.process.on_exit(calls.append)  # called at once with the status it had
    assert calls == [0]


def test_launch_functions_see_only_their_own_modules(spawn: Callable[..., Child], tmp_path: Path) -> None:
    roots = [tmp_path / "a", tmp_path / "b"]
    for root, value in zip(roots, ("A", "B"), strict=True):
        root.mkdir()
        (root / "fmod.py").write_text(f"VALUE = {value!r}\n")
    first = spawn({"LAMBDA_TASK_ROOT": str(roots[0])}, cwd=roots[0]).facts()
    second = spawn({"LAMBDA_TASK_ROOT": str(roots[1])}, cwd=roots[1]).facts()
    assert (first["fmod"], second["fmod"]) == ("A", "B")
    assert not first["fmod_loaded"] and not second["fmod_loaded"]
    assert first["preloaded_boto3"] and "site-packages" in first["boto3"]


def test_launch_bundled_boto3_wins_over_the_preloaded_one(spawn: Callable[..., Child], tmp_path: Path) -> None:
    (tmp_path / "fmod.py").write_text("VALUE = 'bundled'\n")
    (tmp_path / "boto3").mkdir()
    (tmp_path / "boto3" / "__init__.py").write_text("BUNDLED = True\n")
    facts = spawn({"LAMBDA_TASK_ROOT": str(tmp_path)}).facts()
    assert facts["preloaded_boto3"] is False
    assert facts["boto3"] == str(tmp_path / "boto3" / "__init__.py")


def test_launch_bundled_dependency_in_a_layer_drops_the_preload(
        spawn: Callable[..., Child], tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "fmod.py").write_text("VALUE = 1\n")
    (tmp_path / "layer").mkdir()
    (tmp_path / "layer" / "six.py").write_text("")
    facts = spawn({"LAMBDA_TASK_ROOT": str(tmp_path / "code"), "PYTHONPATH": str(tmp_path / "layer")}).facts()
    assert facts["preloaded_boto3"] is False


@pytest.mark.parametrize("env", [{"PYTHONHASHSEED": "0"}, {"LD_LIBRARY_PATH": "{lib}"}])
def test_launch_settings_only_a_new_interpreter_honours_exec_one(
        spawn: Callable[..., Child], tmp_path: Path, stand_in: Path, env: dict[str, str]) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "libnative.so").write_bytes(b"")
    # LANG set: an interpreter started without it adds LC_CTYPE to its environment (PEP 538)
    env = {"LANG": "C.UTF-8", **{key: value.format(lib=tmp_path / "lib") for key, value in env.items()}}
    facts = spawn(env).facts()
    assert facts["preloaded_boto3"] is False  # a fresh interpreter ran the bootstrap as a script
    assert facts["main"] == str(stand_in)
    assert facts["env"] == env


def test_launch_other_interpreter_is_exec_d(spawn: Callable[..., Child], stand_in: Path) -> None:
    other = os.path.realpath(sys.executable)  # the same binary under another name: still "another" interpreter
    if other == os.path.abspath(sys.executable):
        pytest.skip("the interpreter has no second name here")
    facts = spawn({}, argv=(other, str(stand_in))).facts()
    assert facts["preloaded_boto3"] is False


def test_launch_missing_directory_is_an_oserror(spawn: Callable[..., Child], tmp_path: Path) -> None:
    with pytest.raises(OSError, match="No such directory"):
        spawn({}, cwd=tmp_path / "missing")


def test_launch_many_threads_at_once(spawn: Callable[..., Child]) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        children = list(pool.map(lambda n: spawn({"STANDIN_EXIT": str(n)}), range(16)))
    assert len({child.process.pid for child in children}) == 16
    assert [child.wait() for child in children] == list(range(16))


def test_stop_ends_the_zygote_and_its_children(stand_in: Path, spawn: Callable[..., Child]) -> None:
    zygote = ZygoteLauncher(stand_in, preload_services=(), preload_resources=())
    children = [spawn({"STANDIN": "sleep"}, using=zygote),
                spawn({"STANDIN": "escape", "PATH": os.environ["PATH"]}, using=zygote)]  # a grandchild in its own session
    pids = [child.process.pid for child in children] + [int(child.line()) for child in children]
    zygote.stop()
    assert [child.wait() for child in children] == [-signal.SIGKILL] * 2
    assert zygote.zygote_pid is not None
    assert not any(_running(pid) for pid in [zygote.zygote_pid, *pids])
    restarted = spawn({}, using=zygote)  # a stopped launcher starts a new zygote on demand
    assert restarted.wait() == 0
    zygote.stop()


def test_zygote_death_kills_and_reports_its_children(stand_in: Path, spawn: Callable[..., Child]) -> None:
    zygote = ZygoteLauncher(stand_in, preload_services=(), preload_resources=())
    child = spawn({"STANDIN": "sleep"}, using=zygote)
    pid = int(child.line())
    assert zygote.zygote_pid is not None
    os.kill(zygote.zygote_pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    assert not _running(pid)
    with pytest.raises(OSError, match="zygote"):
        spawn({}, using=zygote)
    zygote.stop()


def test_mock_killed_leaves_no_zygote_and_no_function_process(stand_in: Path) -> None:
    script = textwrap.dedent("""
        import os, signal, sys
        from pathlib import Path
        from mocklambda.runtime.launch import LaunchRequest
        from mocklambda.runtime.zygote import ZygoteLauncher
        zygote = ZygoteLauncher(Path(sys.argv[1]), preload_services=(), preload_resources=())
        r, w = os.pipe()
        process = zygote.launch(LaunchRequest((sys.executable,), {"STANDIN": "sleep"}, Path("/"), w, w))
        os.read(r, 100)
        print(zygote.zygote_pid, process.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    mock = subprocess.run([sys.executable, "-c", script, str(stand_in)], capture_output=True, text=True, timeout=30)
    assert mock.returncode == -signal.SIGKILL, mock.stderr
    pids = [int(pid) for pid in mock.stdout.split()]
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.01)  # the zygote sees the hang-up, kills its children and exits: nobody tells us when
    assert not any(_running(pid) for pid in pids)


def test_launch_zygote_that_cannot_start_is_an_oserror_with_its_reason(spawn: Callable[..., Child],
                                                                       tmp_path: Path) -> None:
    zygote = ZygoteLauncher(tmp_path / "no-bootstrap.py", preload_services=(), preload_resources=())
    with pytest.raises(OSError, match="no-bootstrap.py"):
        spawn({}, using=zygote)
    assert zygote.zygote_pid is None
    zygote.stop()


def test_launch_unanswered_spawn_times_out_and_the_late_child_is_killed(
        stand_in: Path, tmp_path: Path) -> None:
    zygote = ZygoteLauncher(stand_in, preload_services=(), preload_resources=(), spawn_timeout=0.3)
    zygote.start()
    assert zygote.zygote_pid is not None
    out_r, out_w = os.pipe()
    try:
        os.kill(zygote.zygote_pid, signal.SIGSTOP)
        with pytest.raises(OSError, match="did not answer"):
            zygote.launch(LaunchRequest((sys.executable,), {"STANDIN": "sleep"}, tmp_path, out_w, out_w))
        os.close(out_w)
        os.kill(zygote.zygote_pid, signal.SIGCONT)
        # The zygote forks the child after all; the launcher kills it when the late answer comes: the pipe
        # reaches end-of-file and the zygote has no child left.
        with os.fdopen(out_r) as stream:
            stream.read()
        children = Path(f"/proc/{zygote.zygote_pid}/task/{zygote.zygote_pid}/children")
        deadline = time.monotonic() + 5
        while children.read_text().strip() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert children.read_text().strip() == ""
    finally:
        os.kill(zygote.zygote_pid, signal.SIGCONT)
        zygote.stop()


# --------------------------------------------------------------------------- with the real Python bootstrap
@pytest.fixture(scope="module")
def real_launcher() -> Iterator[ZygoteLauncher]:
    if not PYTHON_BOOTSTRAP.exists():
        pytest.skip("the Python bootstrap is not there yet")
    zygote = ZygoteLauncher()
    yield zygote
    zygote.stop()


def test_launch_real_bootstrap_serves_a_handler_that_creates_a_boto3_client(
        real_launcher: ZygoteLauncher, spawn: Callable[..., Child], tmp_path: Path) -> None:
    from tests.runtime.runtime_api_stub import RuntimeApiStub

    (tmp_path / "app.py").write_text(textwrap.dedent("""
        import boto3
        s3 = boto3.client("s3")
        def handler(event, context):
            return {"region": s3.meta.region_name, "boto3": boto3.__file__, "got": event}
    """))
    stub = RuntimeApiStub()
    try:
        stub.push({"n": 1})
        spawn({"_HANDLER": "app.handler", "LAMBDA_TASK_ROOT": str(tmp_path), "AWS_LAMBDA_RUNTIME_API": stub.address,
               "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "123456789012",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"},
              using=real_launcher, argv=(sys.executable, str(PYTHON_BOOTSTRAP)))
        post = stub.next_post()
        assert post.kind == "response"
        answer = post.json()
        assert answer["region"] == "eu-west-1" and answer["got"] == {"n": 1}
        assert "site-packages" in answer["boto3"]
    finally:
        stub.close()
