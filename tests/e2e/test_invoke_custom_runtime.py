"""Invoke through boto3, end to end: custom runtimes (provided.al2023), whose `bootstrap` is the runtime client."""
from __future__ import annotations

import base64
import importlib.util
import itertools
import os
import re
import sys

import pytest

from tests.e2e.conftest import zip_files
from tests.e2e.fixture_zips import fixture_files, zip_fixture

RUNTIME = "provided.al2023"
needs_awslambdaric = pytest.mark.skipif(importlib.util.find_spec("awslambdaric") is None,
                                        reason="awslambdaric is not importable")
_layers = itertools.count(1)


@pytest.fixture
def deploy_shell(deploy):
    """The shell custom runtime of fixtures/handlers/provided/shell (bootstrap 0755 in the zip)."""

    def create(**overrides):
        files, modes = fixture_files("provided/shell")
        return deploy(files, modes=modes, **{"Runtime": RUNTIME, "Handler": "function.handler", **overrides})

    return create


@pytest.fixture
def deploy_ric(deploy):
    """fixtures/handlers/provided/awslambdaric: its bootstrap runs AWS's awslambdaric with this interpreter."""

    def create(**overrides):
        files, modes = fixture_files("provided/awslambdaric")
        environment = {"Variables": {"AWSLAMBDARIC_PYTHON": sys.executable}}
        return deploy(files, modes=modes, **{"Runtime": RUNTIME, "Handler": "app.handler",
                                             "Environment": environment, **overrides})

    return create


@pytest.fixture
def publish_layer(awslambda):
    """publish_layer(zip bytes) -> LayerVersionArn."""

    def publish(content: bytes) -> str:
        name = f"layer-{os.getpid()}-{next(_layers)}"
        return awslambda.publish_layer_version(LayerName=name, Content={"ZipFile": content})["LayerVersionArn"]

    return publish


def test_invoke_shell_bootstrap_returns_result(deploy_shell, invoke):
    name = deploy_shell()
    response, payload = invoke(name, {"n": 1})
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert payload == {"received": {"n": 1}, "runtime": "shell",
                       "request_id": response["ResponseMetadata"]["RequestId"]}


def test_invoke_shell_bootstrap_error_is_unhandled_function_error(deploy_shell, invoke):
    name = deploy_shell()
    response, payload = invoke(name, {"please": "fail"})
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    # The body the bootstrap posted to /invocation/{id}/error, unchanged.
    assert payload == {"errorMessage": "handler exited with status 2", "errorType": "HandlerError"}


def test_invoke_shell_bootstrap_without_curl_returns_result(deploy_shell, invoke):
    name = deploy_shell(Environment={"Variables": {"RUNTIME_HTTP_CLIENT": "python"}})
    response, payload = invoke(name, {"n": 2})
    assert payload == {"received": {"n": 2}, "runtime": "shell",
                       "request_id": response["ResponseMetadata"]["RequestId"]}


def test_invoke_shell_bootstrap_stderr_is_in_tail_log(deploy_shell, invoke):
    name = deploy_shell()
    response, _ = invoke(name, {"n": 3}, LogType="Tail")
    lines = base64.b64decode(response["LogResult"]).decode().splitlines()
    assert 'shell handler got: {"n": 3}' in lines


def test_invoke_provided_runtime_has_no_execution_env(deploy, invoke):
    # Reference A8: AWS_EXECUTION_ENV is not set for OS-only runtimes.
    files, modes = fixture_files("provided/shell", exclude=("function.sh",))
    files["function.sh"] = ("handler() {\n"
                            "    printf '{\"execution_env\": \"%s\", \"handler\": \"%s\"}' \"${AWS_EXECUTION_ENV-unset}\""
                            " \"$_HANDLER\"\n}\n")
    name = deploy(files, modes=modes, Runtime=RUNTIME, Handler="function.handler")
    assert invoke(name, {})[1] == {"execution_env": "unset", "handler": "function.handler"}


@needs_awslambdaric
def test_invoke_awslambdaric_bootstrap_returns_result(deploy_ric, invoke):
    name = deploy_ric()
    response, payload = invoke(name, {"n": 1})
    assert "FunctionError" not in response
    assert payload["runtime"] == "awslambdaric"
    assert payload["event"] == {"n": 1}


@needs_awslambdaric
def test_invoke_awslambdaric_context_members(deploy_ric, invoke):
    name = deploy_ric()
    response, payload = invoke(name, {})
    assert payload["request_id"] == response["ResponseMetadata"]["RequestId"]
    assert payload["function_name"] == name


@needs_awslambdaric
def test_invoke_awslambdaric_handler_exception_is_unhandled_function_error(deploy_ric, invoke):
    name = deploy_ric()
    response, payload = invoke(name, {"fail": "out of stock"})
    assert response["FunctionError"] == "Unhandled"
    # awslambdaric's own error body (reference A4), key order included.
    assert list(payload) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (payload["errorMessage"], payload["errorType"]) == ("out of stock", "RuntimeError")
    assert payload["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert re.fullmatch(r'  File ".*/app\.py", line \d+, in handler\n    raise RuntimeError\(event\["fail"\]\)\n',
                        payload["stackTrace"][-1])


@needs_awslambdaric
def test_invoke_awslambdaric_logging_line_in_tail_log(deploy_ric, invoke):
    name = deploy_ric()
    response, _ = invoke(name, {}, LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    lines = base64.b64decode(response["LogResult"]).decode().splitlines()
    assert any(re.fullmatch(rf"\[INFO\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{request_id}\thandling {request_id}",
                            line) for line in lines)


def test_invoke_bootstrap_from_layer(deploy, invoke, publish_layer):
    layer = publish_layer(zip_fixture("provided/shell", exclude=("function.sh",)))
    files, modes = fixture_files("provided/shell", exclude=("bootstrap",))
    name = deploy(files, modes=modes, Runtime=RUNTIME, Handler="function.handler", Layers=[layer])
    response, payload = invoke(name, {"from": "layer"})
    assert "FunctionError" not in response
    assert payload == {"received": {"from": "layer"}, "runtime": "shell",
                       "request_id": response["ResponseMetadata"]["RequestId"]}


def test_invoke_code_bootstrap_wins_over_layer_bootstrap(deploy_shell, invoke, publish_layer):
    # AWS looks for /var/task/bootstrap before /opt/bootstrap.
    layer = publish_layer(zip_files({"bootstrap": "#!/bin/sh\nexit 7\n"}, {"bootstrap": 0o755}))
    name = deploy_shell(Layers=[layer])
    response, payload = invoke(name, {"n": 4})
    assert "FunctionError" not in response
    assert payload["received"] == {"n": 4}


def test_invoke_missing_bootstrap_is_invalid_entrypoint(deploy, invoke):
    files, modes = fixture_files("provided/shell", exclude=("bootstrap",))
    name = deploy(files, modes=modes, Runtime=RUNTIME, Handler="function.handler")
    response, payload = invoke(name, {})
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert list(payload) == ["errorType", "errorMessage"]
    assert payload["errorType"] == "Runtime.InvalidEntrypoint"
    # AWS: "RequestId: <id> Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]".
    assert payload["errorMessage"].startswith(f"RequestId: {request_id} Error: Couldn't find valid bootstrap(s): [")
    assert payload["errorMessage"].endswith("/bootstrap]")


def test_invoke_bootstrap_not_executable_is_invalid_entrypoint(deploy, invoke):
    files, modes = fixture_files("provided/shell")
    name = deploy(files, modes={**modes, "bootstrap": 0o644}, Runtime=RUNTIME, Handler="function.handler")
    response, payload = invoke(name, {})
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.InvalidEntrypoint"
    # AWS: "RequestId: <id> Error: fork/exec /var/task/bootstrap: permission denied".
    assert re.fullmatch(rf"RequestId: {request_id} Error: fork/exec \S*/bootstrap: permission denied",
                        payload["errorMessage"])
