"""Invoke through boto3, end to end: Node.js handlers (nodejs20.x) in real `node` processes via the Runtime API."""
from __future__ import annotations

import base64
import re
import shutil

import pytest

from tests.e2e.fixture_zips import fixture_files

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")

RUNTIME = "nodejs20.x"


@pytest.fixture
def deploy_node(deploy):
    """deploy_node(fixture directory under fixtures/handlers/node, or {files}, **CreateFunction overrides)."""

    def create(code, **overrides):
        if isinstance(code, str):
            files, modes = fixture_files(f"node/{code}")
        else:
            files, modes = code, None
        return deploy(files, modes=modes, **{"Runtime": RUNTIME, "Handler": "index.handler", **overrides})

    return create


def test_invoke_async_handler_returns_result(deploy_node, invoke):
    name = deploy_node("echo")
    response, payload = invoke(name, {"hello": "world", "n": [1, 2]})
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert payload == {"hello": "world", "n": [1, 2]}


def test_invoke_async_handler_returning_undefined_is_null(deploy_node, awslambda):
    # Recorded: test_invocation_type_no_return_payload[nodejs-RequestResponse] -> Payload "null".
    name = deploy_node({"index.js": "exports.handler = async () => undefined;\n"})
    response = awslambda.invoke(FunctionName=name, Payload=b"{}")
    assert response["StatusCode"] == 200
    assert response["Payload"].read() == b"null"


def test_invoke_callback_handler_returns_result(deploy_node, invoke):
    name = deploy_node("callback")
    response, payload = invoke(name, {"k": "v"})
    assert "FunctionError" not in response
    assert payload == {"style": "callback", "event": {"k": "v"}}


def test_invoke_thrown_error_is_unhandled_function_error(deploy_node, invoke):
    name = deploy_node("throws")
    response, payload = invoke(name, {"message": "amount is negative"})
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    # AWS's Node runtime posts {errorType, errorMessage, trace}; trace is the stack, one line per item.
    assert list(payload) == ["errorType", "errorMessage", "trace"]
    assert (payload["errorType"], payload["errorMessage"]) == ("ValidationError", "amount is negative")
    assert payload["trace"][0] == "ValidationError: amount is negative"
    assert re.search(r"^    at .*/index\.js:\d+:\d+\)?$", payload["trace"][1])


def test_invoke_thrown_plain_error_has_error_type_error(deploy_node, invoke):
    name = deploy_node("throws")
    payload = invoke(name, {"plain": True})[1]
    assert (payload["errorType"], payload["errorMessage"]) == ("Error", "something went wrong")


def test_invoke_context_members(deploy_node, invoke):
    name = deploy_node("context_dump", MemorySize=256)
    response, context = invoke(name, {})
    assert context["functionName"] == name
    assert context["functionVersion"] == "$LATEST"
    assert context["awsRequestId"] == response["ResponseMetadata"]["RequestId"]
    assert context["invokedFunctionArn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    assert context["memoryLimitInMB"] == "256"  # a string, as recorded in test_lambda_with_context
    assert context["logGroupName"] == f"/aws/lambda/{name}"
    assert context["logStreamName"].split("]")[0].endswith("[$LATEST")
    assert context["callbackWaitsForEmptyEventLoop"] is True
    assert (context["identity"], context["clientContext"]) == (None, None)
    assert 0 < context["remainingTimeInMillis"] <= 3000


def test_invoke_environment_variables(deploy_node, invoke):
    name = deploy_node("env_dump", Environment={"Variables": {"GREETING": "hi"}})
    payload = invoke(name, {})[1]
    env = payload["env"]
    assert env["GREETING"] == "hi"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs20.x"
    assert env["_HANDLER"] == "index.handler"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{name}"
    assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    assert payload["cwd"] == env["LAMBDA_TASK_ROOT"]


def test_invoke_console_log_in_tail_has_node_text_format(deploy_node, invoke):
    # Recorded: test_invocation_with_logs[nodejs16.x] logs "date\t<request-id>\tINFO\t{}\n" for console.log(event).
    name = deploy_node({"index.js": "exports.handler = async (event) => { console.log(event); return 1; };\n"})
    response, _ = invoke(name, {}, LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    lines = base64.b64decode(response["LogResult"]).decode().splitlines()
    start = lines.index(f"START RequestId: {request_id} Version: $LATEST")
    assert re.fullmatch(
        rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{request_id}\tINFO\t\{{\}}", lines[start + 1])
    assert lines[start + 2] == f"END RequestId: {request_id}"


def test_invoke_warm_environment_keeps_module_state(deploy_node, invoke):
    # Recorded: test_lambda_cache_local[nodejs] -> counter 0, then 1.
    name = deploy_node({"index.js": "let counter = 0;\n"
                        "exports.handler = async () => ({ counter: counter++, pid: process.pid });\n"})
    first = invoke(name, {})[1]
    second = invoke(name, {})[1]
    assert (first["counter"], second["counter"]) == (0, 1)
    assert second["pid"] == first["pid"]


def test_invoke_missing_module_is_import_module_error(deploy_node, invoke):
    name = deploy_node("echo", Handler="missing.handler")
    response, payload = invoke(name, {})
    assert response["FunctionError"] == "Unhandled"
    # AWS's nodejs20.x: the require stack names its own runtime entry point.
    message = "Error: Cannot find module 'missing'\nRequire stack:\n- /var/runtime/index.mjs"
    assert payload["errorType"] == "Runtime.ImportModuleError"
    assert payload["errorMessage"] == message
    assert payload["trace"][:3] == [f"Runtime.ImportModuleError: {message.splitlines()[0]}",
                                    "Require stack:", "- /var/runtime/index.mjs"]
