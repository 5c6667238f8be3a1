"""Real Python handlers through the runtime and our Python bootstrap (started as a subprocess here; the zygote
launcher has its own tests)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mocklambda.runtime import FunctionSpec, InvocationResult, Runtime
from mocklambda.runtime.entrypoint import PYTHON_BOOTSTRAP
from tests.runtime.conftest import alive, invocation, make_spec, wait_for

pytestmark = pytest.mark.skipif(not PYTHON_BOOTSTRAP.is_file(), reason="the Python bootstrap is not there yet")

HANDLER = '''
import os, sys, time
CALLS = 0

def handler(event, context):
    global CALLS
    CALLS += 1
    action = event.get("action")
    if action == "sleep":
        time.sleep(event["seconds"])
    elif action == "exit":
        sys.exit(event["code"])
    elif action == "fail":
        raise ValueError("bad value")
    elif action == "alloc":
        hold = b"x" * (event["mb"] * 1024 * 1024)
    elif action == "print":
        print("printed line")
    return {
        "calls": CALLS, "pid": os.getpid(), "env": dict(os.environ), "cwd": os.getcwd(),
        "function_name": context.function_name, "remaining": context.get_remaining_time_in_millis(),
        "request_id": context.aws_request_id, "log_stream": context.log_stream_name,
    }
'''


@pytest.fixture
def python_spec(code_dir: Callable[[dict[str, str]], Path]) -> FunctionSpec:
    return make_spec(code_dir({"app.py": HANDLER}), runtime="python3.12", handler="app.handler")


def run(runtime: Runtime, spec: FunctionSpec, event: dict[str, Any] | None = None) -> InvocationResult:
    return runtime.invoke(spec, invocation(spec, json.dumps(event or {}).encode(), tail_logs=True))


def answer(result: InvocationResult) -> dict[str, Any]:
    assert result.function_error is None, result.payload
    document: dict[str, Any] = json.loads(result.payload)
    return document


def test_python_warm_invoke_keeps_module_state(runtime: Runtime, python_spec: FunctionSpec) -> None:
    first, second = answer(run(runtime, python_spec)), answer(run(runtime, python_spec))

    assert (first["calls"], second["calls"]) == (1, 2)
    assert first["pid"] == second["pid"]
    assert first["function_name"] == python_spec.function_name
    assert 2000 < second["remaining"] <= 3000
    assert first["cwd"] == str(python_spec.code_root)


def test_python_parallel_invokes_run_in_separate_processes(runtime: Runtime, python_spec: FunctionSpec) -> None:
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: answer(run(runtime, python_spec, {"action": "sleep", "seconds": 0.3})),
                                range(3)))

    assert len({result["pid"] for result in results}) == 3


def test_python_configuration_change_gets_a_new_environment(runtime: Runtime, python_spec: FunctionSpec) -> None:
    before = answer(run(runtime, python_spec))

    after = answer(run(runtime, replace(python_spec, environment={"MODE": "new"})))

    assert after["pid"] != before["pid"] and after["calls"] == 1
    assert after["env"]["MODE"] == "new"
    assert wait_for(lambda: not alive(before["pid"]))


def test_python_environment_variables_are_set_and_isolated(
        runtime: Runtime, code_dir: Callable[[dict[str, str]], Path]) -> None:
    one = make_spec(code_dir({"app.py": HANDLER}), runtime="python3.12", environment={"ONLY_ONE": "1"})
    two = make_spec(code_dir({"app.py": HANDLER}), runtime="python3.12")

    env_one, env_two = answer(run(runtime, one))["env"], answer(run(runtime, two))["env"]

    assert env_one["ONLY_ONE"] == "1" and "ONLY_ONE" not in env_two
    assert env_one["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env_one["_HANDLER"] == "app.handler"
    assert env_one["LAMBDA_TASK_ROOT"] == str(one.code_root)
    assert env_one["AWS_LAMBDA_FUNCTION_NAME"] == one.function_name
    assert env_one["TMPDIR"] != env_two["TMPDIR"]


@pytest.mark.slow
def test_python_timeout_on_a_cold_start_counts_from_the_handoff(
        runtime: Runtime, code_dir: Callable[[dict[str, str]], Path]) -> None:
    spec = make_spec(code_dir({"app.py": HANDLER}), runtime="python3.12", timeout_s=1)

    started = time.monotonic()
    result = run(runtime, spec, {"action": "sleep", "seconds": 10})

    assert result.init_duration_ms is not None
    assert time.monotonic() - started - result.init_duration_ms / 1000 < 1.5
    assert json.loads(result.payload)["errorType"] == "Sandbox.Timedout"
    assert json.loads(result.payload)["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert answer(run(runtime, spec))["calls"] == 1  # a new environment serves the next invocation


def test_python_sys_exit_is_a_runtime_exit_error(runtime: Runtime, python_spec: FunctionSpec) -> None:
    result = run(runtime, python_spec, {"action": "exit", "code": 3})

    assert result.error_type == "Runtime.ExitError"
    assert json.loads(result.payload)["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")


def test_python_handler_exception_is_returned_and_the_environment_stays(
        runtime: Runtime, python_spec: FunctionSpec) -> None:
    result = run(runtime, python_spec, {"action": "fail"})

    error = json.loads(result.payload)
    assert (result.function_error, result.error_type) == ("Unhandled", "ValueError")
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "bad value")
    assert answer(run(runtime, python_spec))["calls"] == 2


def test_python_over_memory_size_is_out_of_memory(runtime: Runtime, code_dir: Callable[[dict[str, str]], Path]) -> None:
    spec = make_spec(code_dir({"app.py": HANDLER}), runtime="python3.12", memory_mb=128)

    result = run(runtime, spec, {"action": "alloc", "mb": 300})

    assert result.error_type == "Runtime.OutOfMemory"
    assert json.loads(result.payload)["errorMessage"].endswith("Error: Runtime exited with error: signal: killed")
    assert "\tStatus: error\tError Type: Runtime.OutOfMemory" in result.log_tail


def test_python_import_error_is_an_init_error_and_init_is_retried(
        runtime: Runtime, code_dir: Callable[[dict[str, str]], Path]) -> None:
    spec = make_spec(code_dir({"other.py": "x = 1\n"}), runtime="python3.12", handler="app.handler")

    first, second = run(runtime, spec), run(runtime, spec)

    error = json.loads(first.payload)
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == "Unable to import module 'app': No module named 'app'"
    assert first.function_error == "Unhandled"
    assert second.error_type == "Runtime.ImportModuleError" and second.init_duration_ms is not None


def test_python_logs_framing_and_report(runtime: Runtime, python_spec: FunctionSpec) -> None:
    result = run(runtime, python_spec, {"action": "print"})

    lines = result.log_tail.splitlines()
    request_id = answer(result)["request_id"]
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert "printed line" in lines
    assert lines[-2] == f"END RequestId: {request_id}"
    assert lines[-1].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert "\tMemory Size: 128 MB\tMax Memory Used: " in lines[-1]
    assert "\tInit Duration: " in lines[-1]
    assert answer(result)["log_stream"] == runtime.environments()[0].log_stream


def test_python_reset_leaves_no_process(runtime: Runtime, python_spec: FunctionSpec) -> None:
    pid = answer(run(runtime, python_spec))["pid"]

    runtime.reset()

    assert not alive(pid)
    assert runtime.environments() == []


ORPHAN_MOCK = '''
import json, sys
from pathlib import Path
from mocklambda.runtime import FunctionSpec, Invocation, Runtime, RuntimeConfig

code, data = Path(sys.argv[1]), Path(sys.argv[2])
runtime = Runtime(RuntimeConfig(data_dir=data, interpreters={}), lambda group, stream, lines: None)
arn = "arn:aws:lambda:us-east-1:123456789012:function:orphan"
spec = FunctionSpec("orphan", arn, "$LATEST", "python3.12", "app.handler", code, "123456789012", "us-east-1")
print(json.loads(runtime.invoke(spec, Invocation("r-1", b"{}", arn)).payload)["pid"], flush=True)
sys.stdin.read()
'''


def test_python_process_ends_when_the_mock_is_killed(code_dir: Callable[[dict[str, str]], Path],
                                                     tmp_path: Path) -> None:
    code = code_dir({"app.py": HANDLER})
    mock = subprocess.Popen([sys.executable, "-c", ORPHAN_MOCK, str(code), str(tmp_path / "data")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=Path(__file__).parents[2])
    assert mock.stdin is not None and mock.stdout is not None
    with mock.stdin, mock.stdout:
        try:
            function_pid = int(mock.stdout.readline())
            assert alive(function_pid)
        finally:
            mock.kill()
            mock.wait()

    # Its Runtime API connection fails, and our bootstrap exits on that.
    assert wait_for(lambda: not alive(function_pid), timeout=3)
