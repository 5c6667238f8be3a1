"""Choosing how processes start: registered launchers per runtime prefix, the subprocess fallback, Node.js."""
from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mocklambda.runtime import (
    FunctionSpec,
    LaunchedProcess,
    LaunchRequest,
    Runtime,
    SubprocessLauncher,
    Throttled,
)
from mocklambda.runtime.entrypoint import NODE_BOOTSTRAP, PYTHON_BOOTSTRAP
from tests.runtime.conftest import invocation, make_spec


class CountingLauncher(SubprocessLauncher):
    def __init__(self, fail: bool = False) -> None:
        self.launched: list[tuple[str, ...]] = []
        self.fail = fail
        self.stopped = False

    def launch(self, request: LaunchRequest) -> LaunchedProcess:
        self.launched.append(request.argv)
        if self.fail:
            raise OSError("the zygote is gone")
        return super().launch(request)

    def stop(self) -> None:
        self.stopped = True


def test_registered_launcher_starts_its_runtimes_and_is_stopped_with_the_runtime(
        make_runtime: Callable[..., Runtime], fake_spec: FunctionSpec) -> None:
    runtime = make_runtime()
    general, specific = CountingLauncher(), CountingLauncher()
    runtime.register_launcher("provided", general)
    runtime.register_launcher("provided.al2023", specific)

    assert runtime.invoke(fake_spec, invocation(fake_spec)).function_error is None

    assert (len(general.launched), len(specific.launched)) == (0, 1)
    runtime.stop()
    assert specific.stopped and general.stopped


def test_failing_launcher_falls_back_to_a_subprocess(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    failing = CountingLauncher(fail=True)
    runtime.register_launcher("provided", failing)

    result = runtime.invoke(fake_spec, invocation(fake_spec))

    assert result.function_error is None
    assert len(failing.launched) == 1


@pytest.mark.skipif(not PYTHON_BOOTSTRAP.is_file(), reason="the Python bootstrap is not there yet")
def test_python_interpreter_override_bypasses_the_registered_launcher(
        make_runtime: Callable[..., Runtime], code_dir: Callable[[dict[str, str]], Path], tmp_path: Path) -> None:
    other_python = tmp_path / "bin" / "python3"
    other_python.parent.mkdir()
    other_python.symlink_to(sys.executable)
    runtime = make_runtime(interpreters={"python3.12": str(other_python)})
    zygote = CountingLauncher()
    runtime.register_launcher("python3", zygote)
    spec = make_spec(code_dir({"app.py": "import sys\ndef handler(e, c):\n    return sys.executable\n"}),
                     runtime="python3.12")

    result = runtime.invoke(spec, invocation(spec))

    assert json.loads(result.payload) == str(other_python)
    assert zygote.launched == []


def test_invoke_after_stop_is_refused(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    runtime.stop()

    with pytest.raises(RuntimeError):
        runtime.invoke(fake_spec, invocation(fake_spec))


def test_a_failing_log_sink_does_not_fail_the_invocation(make_runtime: Callable[..., Runtime],
                                                         fake_spec: FunctionSpec) -> None:
    def broken(group: str, stream: str, lines: list[tuple[int, str]]) -> None:
        raise ValueError("sink bug")

    runtime = make_runtime(log_sink=broken)

    assert runtime.invoke(fake_spec, invocation(fake_spec, b'{"ok": 1}')).payload == b'{"ok": 1}'


def test_throttled_is_an_exception_with_the_reason() -> None:
    assert Throttled("ConcurrentInvocationLimitExceeded").reason == "ConcurrentInvocationLimitExceeded"


@pytest.mark.skipif(shutil.which("node") is None or not NODE_BOOTSTRAP.is_file(), reason="needs node")
def test_nodejs_handler_runs_warm(runtime: Runtime, code_dir: Callable[[dict[str, str]], Path]) -> None:
    root = code_dir({"index.mjs": "let n = 0;\nexport const handler = async () => ({n: ++n, pid: process.pid});\n"})
    spec = make_spec(root, runtime="nodejs20.x", handler="index.handler")

    first = json.loads(runtime.invoke(spec, invocation(spec)).payload)
    second = json.loads(runtime.invoke(spec, invocation(spec)).payload)

    assert (first["n"], second["n"]) == (1, 2) and first["pid"] == second["pid"]
