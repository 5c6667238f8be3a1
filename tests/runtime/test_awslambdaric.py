"""AWS's own Python runtime interface client (awslambdaric, unmodified) against a stand-in Runtime API: the
provided/awslambdaric fixture's `bootstrap` starts and serves invocations, and the python/ fixture handlers
behave under AWS's client as the reference says (so end-to-end tests can expect the same from our bootstrap).
Skipped where awslambdaric is not installed (it is in the dev extras)."""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

from mocklambda import MockServer
from tests.runtime.runtime_api_stub import FUNCTION_ARN, RuntimeApiStub, RuntimeProcess, RuntimeProcesses

pytestmark = pytest.mark.skipif(importlib.util.find_spec("awslambdaric") is None,
                                reason="awslambdaric is not installed")

HANDLERS = Path(__file__).resolve().parents[2] / "fixtures" / "handlers"
LOG_STREAM = "2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef"
ENVIRONMENT = {
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "fn",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
    "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
    "AWS_LAMBDA_LOG_STREAM_NAME": LOG_STREAM,
    "_HANDLER": "app.handler",
    # The fixtures live in the repository: no __pycache__ next to them.
    "PYTHONDONTWRITEBYTECODE": "1",
}


class StartRuntime(Protocol):
    def __call__(self, code_root: Path, argv: list[str] | None = ...,
                 env: Mapping[str, str] | None = ...) -> RuntimeProcess: ...


@pytest.fixture
def start_runtime(api: RuntimeApiStub, tmp_path: Path) -> Iterator[StartRuntime]:
    """Runs `python -m awslambdaric app.handler` (or `argv`) in code_root, as a provided runtime would."""
    processes = RuntimeProcesses(api, tmp_path)

    def start(code_root: Path, argv: list[str] | None = None,
              env: Mapping[str, str] | None = None) -> RuntimeProcess:
        full_env = {**ENVIRONMENT, "LAMBDA_TASK_ROOT": str(code_root), "PYTHONPATH": str(code_root),
                    "AWS_LAMBDA_RUNTIME_API": api.address, "TMPDIR": str(tmp_path), **(env or {})}
        return processes.start(argv or [sys.executable, "-m", "awslambdaric", "app.handler"], code_root, full_env)

    yield start
    processes.close()


def invoke(api: RuntimeApiStub, payload: Any = None, **kwargs: Any) -> tuple[str, Any, str]:
    request_id = api.push(payload, **kwargs)
    post = api.next_post()
    assert post.request_id == request_id
    return post.kind, post.json(), request_id


# ------------------------------------------------------------------------ the provided/awslambdaric fixture


def test_provided_bootstrap_runs_awslambdaric(api, start_runtime):
    root = HANDLERS / "provided" / "awslambdaric"
    runtime = start_runtime(root, [str(root / "bootstrap")], env={"AWSLAMBDARIC_PYTHON": sys.executable})
    kind, body, request_id = invoke(api, {"hello": "world"})
    assert (kind, body) == ("response", {"runtime": "awslambdaric", "event": {"hello": "world"},
                                         "request_id": request_id, "function_name": "fn"})
    assert "awslambdaric handler got {'hello': 'world'}" in runtime.lines()
    assert any(re.fullmatch(rf"\[INFO\]\t\S+Z\t{request_id}\thandling {request_id}", line) for line in runtime.lines())


def test_provided_bootstrap_reports_handler_errors_in_awslambdaric_shape(api, start_runtime):
    root = HANDLERS / "provided" / "awslambdaric"
    start_runtime(root, [str(root / "bootstrap")], env={"AWSLAMBDARIC_PYTHON": sys.executable})
    request_id = api.push({"fail": "it broke"})
    post = api.next_post()
    assert post.kind == "error"
    body = post.json()
    assert list(body) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (body["errorType"], body["errorMessage"], body["requestId"]) == ("RuntimeError", "it broke", request_id)
    assert "app.py" in body["stackTrace"][0]
    # awslambdaric names the type only in the body, not in Lambda-Runtime-Function-Error-Type.
    assert "lambda-runtime-function-error-type" not in post.headers


def test_provided_bootstrap_init_error_is_posted_and_the_runtime_exits(api, start_runtime, tmp_path):
    root = tmp_path / "task"
    root.mkdir()
    shutil.copy(HANDLERS / "provided" / "awslambdaric" / "bootstrap", root / "bootstrap")
    (root / "app.py").write_text("def other(event, context):\n    return 1\n")
    runtime = start_runtime(root, [str(root / "bootstrap")], env={"AWSLAMBDARIC_PYTHON": sys.executable})
    post = api.next_post()
    assert post.kind == "init_error"
    assert post.headers["lambda-runtime-function-error-type"] == "Runtime.HandlerNotFound"
    assert post.json() == {"errorMessage": "Handler 'handler' missing on module 'app'",
                           "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []}
    assert runtime.exit_code() == 1


# ------------------------------------------------------------------- the python/ fixtures under awslambdaric


def test_echo_fixture(api, start_runtime):
    start_runtime(HANDLERS / "python" / "echo")
    assert invoke(api, {"a": [1, "two"]})[:2] == ("response", {"a": [1, "two"]})


def test_raises_fixture_is_aws_key_error_example(api, start_runtime):
    start_runtime(HANDLERS / "python" / "raises")
    kind, body, request_id = invoke(api, {"action": "cube", "number": 3})
    assert kind == "error"
    assert (body["errorType"], body["errorMessage"], body["requestId"]) == ("KeyError", "'cube'", request_id)
    assert 'return ACTIONS[event["action"]]' in body["stackTrace"][0]


def test_raises_fixture_value_error(api, start_runtime):
    start_runtime(HANDLERS / "python" / "raises")
    kind, body, _ = invoke(api, {"message": "bad value"})
    assert (kind, body["errorType"], body["errorMessage"]) == ("error", "ValueError", "bad value")


def init_error(api: RuntimeApiStub, runtime: RuntimeProcess) -> dict[str, Any]:
    post = api.next_post()
    assert post.kind == "init_error"
    assert runtime.exit_code() == 1
    body: dict[str, Any] = post.json()
    return body


def test_import_error_fixture(api, start_runtime):
    body = init_error(api, start_runtime(HANDLERS / "python" / "import_error"))
    assert body == {"errorMessage": "Unable to import module 'app': No module named 'module_that_does_not_exist'",
                    "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}


def test_syntax_error_fixture(api, start_runtime):
    body = init_error(api, start_runtime(HANDLERS / "python" / "syntax_error"))
    assert body["errorType"] == "Runtime.UserCodeSyntaxError"
    assert body["errorMessage"].startswith("Syntax error in module 'app': ")


def test_handler_missing_fixture(api, start_runtime):
    body = init_error(api, start_runtime(HANDLERS / "python" / "handler_missing"))
    assert (body["errorType"], body["errorMessage"]) == (
        "Runtime.HandlerNotFound", "Handler 'handler' missing on module 'app'")


def test_counter_fixture_keeps_module_state_while_warm(api, start_runtime):
    start_runtime(HANDLERS / "python" / "counter")
    first, second = invoke(api)[1], invoke(api)[1]
    assert (first["count"], second["count"]) == (1, 2)
    assert first["pid"] == second["pid"]


def test_context_dump_fixture(api, start_runtime):
    start_runtime(HANDLERS / "python" / "context_dump")
    deadline = int(time.time() * 1000) + 2000
    client_context = {"client": {"installation_id": "i-1", "app_title": "t"}, "custom": {"k": "v"},
                      "env": {"platform": "x"}}
    identity = {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}
    _, context, request_id = invoke(api, deadline_ms=deadline, headers={
        "Lambda-Runtime-Client-Context": json.dumps(client_context),
        "Lambda-Runtime-Cognito-Identity": json.dumps(identity),
        "Lambda-Runtime-Trace-Id": "Root=1-abc",
    })
    assert 0 < context.pop("remaining_time_in_millis") <= 2000
    assert context == {
        "function_name": "fn",
        "function_version": "$LATEST",
        "invoked_function_arn": FUNCTION_ARN,
        "memory_limit_in_mb": "256",
        "aws_request_id": request_id,
        "log_group_name": "/aws/lambda/fn",
        "log_stream_name": LOG_STREAM,
        "identity": {"cognito_identity_id": "id-1", "cognito_identity_pool_id": "pool-1"},
        "client_context": {
            "client": {"installation_id": "i-1", "app_title": "t", "app_version_name": None,
                       "app_version_code": None, "app_package_name": None},
            "custom": {"k": "v"},
            "env": {"platform": "x"},
        },
        "trace_id": "Root=1-abc",
    }


def test_env_dump_fixture(api, start_runtime):
    root = HANDLERS / "python" / "env_dump"
    start_runtime(root, env={"MY_SETTING": "on"})
    result = invoke(api)[1]
    assert (result["env"]["MY_SETTING"], result["cwd"]) == ("on", str(root))


def test_timeout_and_memory_hog_fixtures_complete_when_given_little_to_do(api, start_runtime):
    start_runtime(HANDLERS / "python" / "timeout")
    assert invoke(api, {"seconds": 0.01})[1] == {"slept": 0.01}
    api.close()
    memory = RuntimeApiStub()
    try:
        start_runtime(HANDLERS / "python" / "memory_hog", env={"AWS_LAMBDA_RUNTIME_API": memory.address})
        assert invoke(memory, {"mb": 4, "hold_seconds": 0})[1] == {"allocated_mb": 4}
    finally:
        memory.close()


def test_exit_code_fixture_ends_the_process_with_status_3(api, start_runtime):
    runtime = start_runtime(HANDLERS / "python" / "exit_code")
    api.push({})
    assert runtime.exit_code() == 3
    assert api.no_post_within(0.05)
    assert "exiting" in runtime.lines()


def test_boto3_fixture_reaches_the_mock_through_aws_endpoint_url(api, start_runtime, server: MockServer):
    start_runtime(HANDLERS / "python" / "boto3_s3", env={
        "AWS_ENDPOINT_URL": server.endpoint_url, "AWS_ACCESS_KEY_ID": "123456789012",
        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"})
    kind, body, _ = invoke(api)
    assert (kind, body) == ("response", {"buckets": [], "endpoint_url": server.endpoint_url})
