"""Every way an invocation can fail, with the payload and REPORT AWS gives (reference A11; the snapshots)."""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from mocklambda.runtime import FunctionSpec, InvocationResult, Runtime
from tests.runtime.conftest import FAKE_RUNTIME, Sink, alive, invocation, make_spec, wait_for


def run(runtime: Runtime, spec: FunctionSpec, event: dict[str, object]) -> InvocationResult:
    return runtime.invoke(spec, invocation(spec, json.dumps(event).encode(), tail_logs=True))


def report_line(tail: str) -> str:
    return next(line for line in tail.splitlines() if line.startswith("REPORT"))


@pytest.mark.slow
def test_invoke_timeout_returns_on_time_and_the_function_keeps_serving(
        runtime: Runtime, fake_code: Path) -> None:
    spec = make_spec(fake_code, timeout_s=1)
    pid = json.loads(run(runtime, spec, {"action": "pid"}).payload)["pid"]

    started = time.monotonic()
    result = run(runtime, spec, {"action": "sleep", "seconds": 10})
    elapsed = time.monotonic() - started

    assert elapsed < 1.5
    request_id = result.log_tail.split()[2]
    assert json.loads(result.payload) == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after 1.00 seconds",
    }
    assert result.function_error == "Unhandled"
    assert result.error_type == "Sandbox.Timedout"
    assert "\tDuration: 1000.00 ms\t" in report_line(result.log_tail)
    assert report_line(result.log_tail).endswith("\tStatus: timeout")
    assert wait_for(lambda: not alive(pid))
    after = run(runtime, spec, {"action": "pid"})
    assert after.function_error is None
    assert after.init_duration_ms is not None  # the environment was replaced: cold again


@pytest.mark.parametrize(("event", "message"), [
    ({"action": "exit", "code": 3}, "Runtime exited with error: exit status 3"),
    ({"action": "exit", "code": 0}, "Runtime exited without providing a reason"),
    ({"action": "kill"}, "Runtime exited with error: signal: killed"),
])
def test_invoke_process_exit_is_a_runtime_exit_error(runtime: Runtime, fake_spec: FunctionSpec,
                                                     event: dict[str, object], message: str) -> None:
    result = run(runtime, fake_spec, event)

    request_id = result.log_tail.split()[2]
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError", "errorMessage": f"RequestId: {request_id} Error: {message}",
    }
    assert result.function_error == "Unhandled"
    assert report_line(result.log_tail).endswith("\tStatus: error\tError Type: Runtime.ExitError")
    assert run(runtime, fake_spec, {"action": "pid"}).function_error is None


def test_invoke_exit_keeps_the_last_output_before_end(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    result = run(runtime, fake_spec, {"action": "exit", "code": 1})

    lines = result.log_tail.splitlines()
    assert lines[1] == "exiting"
    assert lines[2].startswith("END RequestId:")


def test_invoke_posted_error_is_the_payload_and_the_environment_stays(
        runtime: Runtime, fake_spec: FunctionSpec) -> None:
    body = json.dumps({"errorMessage": "bad", "errorType": "ValueError", "requestId": "x", "stackTrace": []})
    pid = json.loads(run(runtime, fake_spec, {"action": "pid"}).payload)["pid"]

    result = run(runtime, fake_spec, {"action": "error", "body": body})

    assert result.payload == body.encode()
    assert (result.function_error, result.error_type) == ("Unhandled", "ValueError")
    assert "Status:" not in report_line(result.log_tail)
    assert json.loads(run(runtime, fake_spec, {"action": "pid"}).payload)["pid"] == pid


def test_invoke_posted_error_type_falls_back_to_the_header(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    result = run(runtime, fake_spec, {"action": "error", "body": "not json",
                                      "headers": {"Lambda-Runtime-Function-Error-Type": "Function.Custom"}})

    assert result.payload == b"not json"
    assert result.error_type == "Function.Custom"


def test_invoke_posted_error_without_body_is_built_from_the_header(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    result = run(runtime, fake_spec, {"action": "error", "body": "",
                                      "headers": {"Lambda-Runtime-Function-Error-Type": "Runtime.Custom"}})

    assert json.loads(result.payload) == {"errorType": "Runtime.Custom", "errorMessage": ""}


def test_invoke_response_over_6_mb_is_function_response_size_too_large(
        runtime: Runtime, fake_spec: FunctionSpec) -> None:
    result = run(runtime, fake_spec, {"action": "big", "size": 6291557})

    assert json.loads(result.payload) == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    assert result.function_error == "Unhandled"
    assert run(runtime, fake_spec, {"action": "pid"}).function_error is None


def test_invoke_response_of_exactly_the_limit_is_returned(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    result = run(runtime, fake_spec, {"action": "big", "size": 6291556})

    assert result.function_error is None
    assert len(result.payload) == 6291556


def test_invoke_over_memory_size_is_out_of_memory(runtime: Runtime, fake_code: Path) -> None:
    spec = make_spec(fake_code, memory_mb=128)

    result = run(runtime, spec, {"action": "alloc", "mb": 200, "hold": 0.5})

    request_id = result.log_tail.split()[2]
    assert json.loads(result.payload) == {
        "errorType": "Runtime.OutOfMemory",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: signal: killed",
    }
    assert result.function_error == "Unhandled"
    assert report_line(result.log_tail).endswith("\tStatus: error\tError Type: Runtime.OutOfMemory")
    assert result.max_memory_used_mb > 128
    assert run(runtime, spec, {"action": "pid"}).function_error is None


def test_invoke_under_memory_size_reports_max_memory_used(runtime: Runtime, fake_code: Path) -> None:
    spec = make_spec(fake_code, memory_mb=256)

    result = run(runtime, spec, {"action": "alloc", "mb": 64})

    assert result.function_error is None
    assert 64 < result.max_memory_used_mb < 256
    assert f"\tMax Memory Used: {result.max_memory_used_mb} MB\t" in report_line(result.log_tail)


def test_invoke_init_error_is_returned_and_init_runs_again(runtime: Runtime, fake_code: Path, sink: Sink) -> None:
    spec = make_spec(fake_code, environment={"INIT_MODE": "error"})

    first = run(runtime, spec, {})
    second = run(runtime, spec, {})

    assert json.loads(first.payload) == {"errorMessage": "boom", "errorType": "InitBoom"}
    assert (first.function_error, first.error_type) == ("Unhandled", "InitBoom")
    assert first.init_duration_ms is not None and second.init_duration_ms is not None
    assert first.log_tail.splitlines()[1] == "init failing"  # INIT_START, the init's output, INIT_REPORT, START
    assert report_line(first.log_tail).endswith("\tStatus: error\tError Type: InitBoom")
    assert any(line.startswith("INIT_REPORT Init Duration: ") and line.endswith(
        "\tPhase: init\tStatus: error\tError Type: InitBoom") for line in sink.lines())


def test_invoke_exit_during_init_is_a_runtime_exit_error(runtime: Runtime, fake_code: Path) -> None:
    spec = make_spec(fake_code, environment={"INIT_MODE": "exit"})

    result = run(runtime, spec, {})

    assert json.loads(result.payload)["errorType"] == "Runtime.ExitError"
    assert json.loads(result.payload)["errorMessage"].endswith("Error: Runtime exited with error: exit status 2")


def test_invoke_init_over_the_init_limit_times_out(make_runtime: Callable[..., Runtime], fake_code: Path) -> None:
    runtime = make_runtime(init_timeout_s=0.3)
    spec = make_spec(fake_code, environment={"INIT_MODE": "sleep"})

    started = time.monotonic()
    result = run(runtime, spec, {})

    assert time.monotonic() - started < 0.8
    assert json.loads(result.payload)["errorType"] == "Sandbox.Timedout"
    assert report_line(result.log_tail).endswith("\tStatus: timeout")


def test_invoke_provided_without_bootstrap_is_an_invalid_entrypoint(
        runtime: Runtime, code_dir: Callable[[dict[str, str]], Path]) -> None:
    root = code_dir({"app.py": "x = 1\n"})
    spec = make_spec(root)

    result = run(runtime, spec, {})

    request_id = result.log_tail.split()[2]
    assert json.loads(result.payload) == {
        "errorType": "Runtime.InvalidEntrypoint",
        "errorMessage": f"RequestId: {request_id} Error: Couldn't find valid bootstrap(s): [{root}/bootstrap]",
    }
    assert result.function_error == "Unhandled"
    assert runtime.environments() == []


def test_invoke_bootstrap_that_cannot_be_executed_is_an_invalid_entrypoint(
        runtime: Runtime, code_dir: Callable[[dict[str, str]], Path]) -> None:
    root = code_dir({"bootstrap": "#!/nonexistent/interpreter\n"})

    result = run(runtime, make_spec(root), {})

    assert json.loads(result.payload)["errorType"] == "Runtime.InvalidEntrypoint"
    assert "fork/exec " in json.loads(result.payload)["errorMessage"]


def test_invoke_missing_interpreter_is_an_invalid_entrypoint(make_runtime: Callable[..., Runtime],
                                                              fake_code: Path) -> None:
    runtime = make_runtime(interpreters={"python3.12": "/nonexistent/python3.12", "nodejs": "/nonexistent/node"})

    for spec_runtime, interpreter in (("python3.12", "/nonexistent/python3.12"), ("nodejs20.x", "/nonexistent/node")):
        result = run(runtime, make_spec(fake_code, runtime=spec_runtime), {})
        assert json.loads(result.payload)["errorType"] == "Runtime.InvalidEntrypoint"
        assert json.loads(result.payload)["errorMessage"].endswith(
            f"Error: fork/exec {interpreter}: no such file or directory")


def test_invoke_provided_bootstrap_from_a_layer(runtime: Runtime, code_dir: Callable[[dict[str, str]], Path]) -> None:
    layer = code_dir({"bootstrap": f"#!{sys.executable} -S\n{FAKE_RUNTIME}"})
    spec = make_spec(code_dir({"data.txt": "x"}), layer_roots=(layer,))

    result = run(runtime, spec, {"action": "pid"})

    assert result.function_error is None


def test_invoke_after_timeout_kill_leaves_no_output_of_the_old_process(
        make_runtime: Callable[..., Runtime], fake_code: Path) -> None:
    runtime = make_runtime()
    spec = replace(make_spec(fake_code), timeout_s=1)

    result = run(runtime, spec, {"action": "print", "lines": ["one", "two"]})

    assert result.log_tail.splitlines()[1:4] == ["one", "two", "to stderr"]
