"""SubprocessLauncher: exactly the given environment, a process group of its own, exit callbacks."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from mocklambda.runtime import LaunchedProcess, LaunchRequest, SubprocessLauncher
from tests.runtime.conftest import alive, wait_for


def launch(tmp_path: Path, code: str, env: dict[str, str] | None = None) -> tuple[LaunchedProcess, int]:
    read_fd, write_fd = os.pipe()
    try:
        process = SubprocessLauncher().launch(
            LaunchRequest((sys.executable, "-S", "-c", code), env or {"ONLY": "this"}, tmp_path, write_fd, write_fd))
    finally:
        os.close(write_fd)
    return process, read_fd


def exit_code(process: LaunchedProcess) -> int:
    done = threading.Event()
    codes: list[int] = []

    def exited(code: int) -> None:
        codes.append(code)
        done.set()

    process.on_exit(exited)
    assert done.wait(5)
    return codes[0]


def test_launch_gives_exactly_the_environment_and_directory(tmp_path: Path) -> None:
    process, read_fd = launch(tmp_path, "import os; print(sorted(os.environ), os.getcwd())")

    assert exit_code(process) == 0
    with os.fdopen(read_fd) as output:
        assert output.read().strip() in (f"['ONLY'] {tmp_path}", f"['LC_CTYPE', 'ONLY'] {tmp_path}")


def test_kill_ends_the_whole_process_group(tmp_path: Path) -> None:
    code = ("import subprocess, sys, time; child = subprocess.Popen([sys.executable, '-S', '-c', "
            "'import time; time.sleep(30)']); print(child.pid, flush=True); time.sleep(30)")
    process, read_fd = launch(tmp_path, code)
    with os.fdopen(read_fd) as output:
        child = int(output.readline())

        process.kill()

        assert exit_code(process) == -9
    assert wait_for(lambda: not alive(child))


def test_process_left_behind_by_an_exiting_runtime_is_ended(tmp_path: Path) -> None:
    code = ("import subprocess, sys; child = subprocess.Popen([sys.executable, '-S', '-c', "
            "'import time; time.sleep(30)']); print(child.pid, flush=True)")
    process, read_fd = launch(tmp_path, code)
    with os.fdopen(read_fd) as output:
        child = int(output.readline())

    assert exit_code(process) == 0
    assert wait_for(lambda: not alive(child))


def test_on_exit_after_the_exit_is_called_at_once(tmp_path: Path) -> None:
    process, read_fd = launch(tmp_path, "raise SystemExit(4)")
    os.close(read_fd)
    assert exit_code(process) == 4

    called: list[int] = []
    process.on_exit(called.append)

    assert called == [4]
    process.kill()  # no-op once it has exited
