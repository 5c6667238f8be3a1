"""Invoke through boto3, end to end: real Python handlers in real processes via the Runtime API."""
from __future__ import annotations

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config

from tests.e2e.conftest import alive

ECHO = "def handler(event, context):\n    return event\n"


def test_invoke_returns_handler_result(deploy, invoke):
    name = deploy(ECHO)
    response, payload = invoke(name, {"hello": "world"})
    assert response["StatusCode"] == 200
    assert payload == {"hello": "world"}
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response


def test_invoke_request_id_is_the_function_request_id(deploy, invoke):
    name = deploy("def handler(event, context):\n    return context.aws_request_id\n")
    response, payload = invoke(name, {})
    assert payload == response["ResponseMetadata"]["RequestId"]


def test_invoke_empty_payload_is_empty_object(deploy, awslambda):
    name = deploy(ECHO)
    assert json.loads(awslambda.invoke(FunctionName=name)["Payload"].read()) == {}


def test_invoke_none_result_is_null(deploy, invoke):
    # Recorded: test_invocation_type_no_return_payload[python-RequestResponse] -> Payload "null".
    name = deploy("def handler(event, context):\n    return None\n")
    response = invoke(name, {})[0]
    assert response["StatusCode"] == 200


def test_invoke_context_members(deploy, invoke):
    name = deploy(
        "def handler(event, context):\n"
        "    return {k: getattr(context, k) for k in ('function_name', 'function_version', 'invoked_function_arn',"
        " 'memory_limit_in_mb', 'log_group_name', 'log_stream_name', 'aws_request_id')} | "
        "{'remaining': context.get_remaining_time_in_millis()}\n",
        MemorySize=256, Timeout=5,
    )
    _, payload = invoke(name, {})
    assert payload["function_name"] == name
    assert payload["function_version"] == "$LATEST"
    assert payload["invoked_function_arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    assert payload["memory_limit_in_mb"] == "256"
    assert payload["log_group_name"] == f"/aws/lambda/{name}"
    assert payload["log_stream_name"].split("]")[0].endswith("[$LATEST")
    assert 3000 < payload["remaining"] <= 5000


def test_invoke_invoked_function_arn_keeps_qualifier(deploy, invoke, awslambda):
    name = deploy("def handler(event, context):\n    return context.invoked_function_arn\n")
    awslambda.publish_version(FunctionName=name)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    response, payload = invoke(name, {}, Qualifier="live")
    assert payload.endswith(f":function:{name}:live")
    assert response["ExecutedVersion"] == "1"


def test_invoke_environment_variables(deploy, invoke):
    name = deploy(
        "import os\ndef handler(event, context):\n"
        "    return {k: os.environ.get(k) for k in event}\n",
        Environment={"Variables": {"GREETING": "hi"}},
    )
    keys = ["GREETING", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER",
            "AWS_EXECUTION_ENV", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_ACCESS_KEY_ID", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_RUNTIME_API", "AWS_ENDPOINT_URL"]
    _, env = invoke(name, keys)
    assert env["GREETING"] == "hi"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_ACCESS_KEY_ID"] == "123456789012"
    assert env["LAMBDA_TASK_ROOT"] and env["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")


def test_invoke_functions_do_not_share_environment(deploy, invoke):
    reader = "import os\ndef handler(event, context):\n    return os.environ.get('SECRET')\n"
    first = deploy(reader, Environment={"Variables": {"SECRET": "one"}})
    second = deploy(reader)
    assert invoke(first, {})[1] == "one"
    assert invoke(second, {})[1] is None


def test_invoke_boto3_inside_handler_reaches_the_mock(deploy, invoke):
    name = deploy("import boto3\ndef handler(event, context):\n"
                  "    return boto3.client('lambda').list_functions()['Functions'][0]['FunctionName']\n")
    assert invoke(name, {})[1] == name


def test_invoke_warm_environment_keeps_module_state(deploy, invoke):
    name = deploy("import os\ncount = 0\ndef handler(event, context):\n"
                  "    global count\n    count += 1\n    return [count, os.getpid()]\n")
    first = invoke(name, {})[1]
    second = invoke(name, {})[1]
    assert second == [2, first[1]]


def test_invoke_after_configuration_change_uses_new_environment(deploy, invoke, awslambda):
    name = deploy("import os\ndef handler(event, context):\n    return [os.getpid(), os.environ.get('VALUE')]\n")
    old_pid, _ = invoke(name, {})[1]
    awslambda.update_function_configuration(FunctionName=name, Environment={"Variables": {"VALUE": "2"}})
    new_pid, value = invoke(name, {})[1]
    assert value == "2" and new_pid != old_pid
    assert not alive(old_pid)


def test_invoke_parallel_invocations_run_in_separate_processes(deploy, invoke):
    name = deploy("import os, time\ndef handler(event, context):\n    time.sleep(0.3)\n    return os.getpid()\n")
    with ThreadPoolExecutor(3) as pool:
        pids = set(pool.map(lambda _: invoke(name, {})[1], range(3)))
    assert len(pids) == 3


def test_invoke_handler_exception_is_unhandled_function_error(deploy, invoke):
    name = deploy("def handler(event, context):\n    raise KeyError('action')\n")
    response, payload = invoke(name, {})
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "KeyError"
    assert payload["errorMessage"] == "'action'"
    assert payload["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert any("raise KeyError('action')" in line for line in payload["stackTrace"])


def test_invoke_import_error(deploy, invoke):
    name = deploy(ECHO, Handler="missing.handler")
    response, payload = invoke(name, {})
    assert response["FunctionError"] == "Unhandled"
    assert payload == {"errorMessage": "Unable to import module 'missing': No module named 'missing'",
                       "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}


def test_invoke_handler_not_found(deploy, invoke):
    name = deploy(ECHO, Handler="app.nope")
    payload = invoke(name, {})[1]
    assert payload["errorType"] == "Runtime.HandlerNotFound"
    assert payload["errorMessage"] == "Handler 'nope' missing on module 'app'"


def test_invoke_syntax_error(deploy, invoke):
    name = deploy("def handler(event, context)\n    return 1\n")
    payload = invoke(name, {})[1]
    assert payload["errorType"] == "Runtime.UserCodeSyntaxError"
    assert payload["errorMessage"].startswith("Syntax error in module 'app'")


def test_invoke_init_error_is_retried_on_next_invoke(deploy, invoke):
    name = deploy("raise RuntimeError('no config')\ndef handler(event, context):\n    return 1\n")
    for _ in range(2):
        response, payload = invoke(name, {})
        assert response["FunctionError"] == "Unhandled"
        assert (payload["errorType"], payload["errorMessage"]) == ("RuntimeError", "no config")


@pytest.mark.slow
def test_invoke_timeout_returns_on_time_and_function_keeps_serving(deploy, invoke):
    name = deploy("import time\ndef handler(event, context):\n"
                  "    if event.get('sleep'):\n        time.sleep(10)\n    return 'ok'\n", Timeout=1)
    started = time.monotonic()
    response, payload = invoke(name, {"sleep": True})
    elapsed = time.monotonic() - started
    assert elapsed < 1.9
    assert response["FunctionError"] == "Unhandled"
    request_id = response["ResponseMetadata"]["RequestId"]
    assert payload == {"errorType": "Sandbox.Timedout",
                       "errorMessage": f"RequestId: {request_id} Error: Task timed out after 1.00 seconds"}
    assert invoke(name, {})[1] == "ok"


def test_invoke_process_exit_is_runtime_exit_error(deploy, invoke):
    name = deploy("import os\ndef handler(event, context):\n    os._exit(3)\n")
    response, payload = invoke(name, {})
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["FunctionError"] == "Unhandled"
    assert payload == {"errorType": "Runtime.ExitError",
                       "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: exit status 3"}


def test_invoke_memory_over_limit_is_out_of_memory(deploy, invoke):
    name = deploy("import time\ndef handler(event, context):\n"
                  "    blocks = []\n    for _ in range(400):\n        blocks.append(bytearray(1024 * 1024))\n"
                  "        time.sleep(0.002)\n    return len(blocks)\n", MemorySize=128)
    response, payload = invoke(name, {})
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.OutOfMemory"


def test_invoke_log_type_tail(deploy, invoke):
    name = deploy("def handler(event, context):\n    print('hello from the handler')\n    return 1\n")
    response, _ = invoke(name, {}, LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode()
    request_id = response["ResponseMetadata"]["RequestId"]
    assert f"START RequestId: {request_id} Version: $LATEST" in log
    assert "hello from the handler" in log
    assert f"END RequestId: {request_id}" in log
    report = next(line for line in log.splitlines() if line.startswith("REPORT"))
    fields = report.split("\t")
    assert fields[0] == f"REPORT RequestId: {request_id}"
    assert fields[1].startswith("Duration: ") and fields[1].endswith(" ms")
    assert fields[2].startswith("Billed Duration: ")
    assert fields[3] == "Memory Size: 128 MB"
    assert fields[4].startswith("Max Memory Used: ")
    assert fields[5].startswith("Init Duration: ")  # first invocation: a cold start


def test_invoke_logs_are_kept_per_function(deploy, invoke, mocklambda):
    name = deploy("def handler(event, context):\n    print('kept line')\n    return 1\n")
    invoke(name, {})
    events = mocklambda.emulator.function_logs.events(f"/aws/lambda/{name}")
    assert any(event.message.rstrip("\n") == "kept line" for event in events)


def test_invoke_event_is_202_and_runs(deploy, awslambda, mocklambda):
    name = deploy("def handler(event, context):\n    print('async ran', event['n'])\n")
    response = awslambda.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 7}')
    assert response["StatusCode"] == 202
    assert mocklambda.wait_idle(10)
    messages = [event.message for event in mocklambda.emulator.function_logs.events(f"/aws/lambda/{name}")]
    assert any("async ran 7" in message for message in messages)


def test_invoke_dry_run_is_204(deploy, awslambda):
    name = deploy(ECHO)
    assert awslambda.invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204


def test_invoke_unknown_function_is_404(awslambda):
    with pytest.raises(awslambda.exceptions.ResourceNotFoundException) as caught:
        awslambda.invoke(FunctionName="nope")
    assert caught.value.response["Error"]["Message"] == (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope")


def test_invoke_payload_not_json_is_invalid_request_content(deploy, awslambda):
    name = deploy(ECHO)
    with pytest.raises(awslambda.exceptions.InvalidRequestContentException) as caught:
        awslambda.invoke(FunctionName=name, Payload=b"\x87not json")
    assert caught.value.response["Error"]["Message"].startswith(
        "Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte 0x87")


def test_invoke_payload_over_6_mb_is_too_large(deploy, awslambda):
    name = deploy(ECHO)
    with pytest.raises(awslambda.exceptions.ClientError) as caught:
        awslambda.invoke(FunctionName=name, Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error["Error"]["Code"] == "RequestEntityTooLargeException"
    assert error["Error"]["Message"] == "Request must be smaller than 6291456 bytes for the InvokeFunction operation"


def test_invoke_response_over_6_mb_is_function_error(deploy, invoke):
    # Recorded: test_lambda_too_large_response.
    name = deploy("def handler(event, context):\n    return 'x' * (6 * 1024 * 1024 + 200)\n")
    response, payload = invoke(name, {})
    assert response["FunctionError"] == "Unhandled"
    assert payload == {"errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
                       "errorType": "Function.ResponseSizeTooLarge"}


def test_invoke_reserved_concurrency_zero_throttles(deploy, awslambda):
    name = deploy(ECHO)
    awslambda.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    no_retries = boto3.client("lambda", config=Config(retries={"total_max_attempts": 1}))
    with pytest.raises(no_retries.exceptions.TooManyRequestsException) as caught:
        no_retries.invoke(FunctionName=name, Payload=b"{}")
    assert caught.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_reset_ends_function_processes(deploy, invoke, mocklambda):
    name = deploy("import os\ndef handler(event, context):\n    return os.getpid()\n")
    pid = invoke(name, {})[1]
    assert alive(pid)
    mocklambda.reset()
    assert not alive(pid)


def test_delete_function_ends_its_environments(deploy, invoke, awslambda):
    name = deploy("import os\ndef handler(event, context):\n    return os.getpid()\n")
    pid = invoke(name, {})[1]
    awslambda.delete_function(FunctionName=name)
    assert not alive(pid)


def test_invoke_warm_start_has_no_init_duration(deploy, invoke):
    name = deploy(ECHO)
    invoke(name, {})
    response, _ = invoke(name, {}, LogType="Tail")
    report = next(line for line in base64.b64decode(response["LogResult"]).decode().splitlines()
                  if line.startswith("REPORT"))
    assert "Init Duration" not in report


def test_invoke_client_context_reaches_the_handler(deploy, invoke):
    name = deploy("def handler(event, context):\n"
                  "    c = context.client_context\n    return [c.custom, c.env, c.client.app_title]\n")
    document = {"custom": {"tenant": "a"}, "env": {"locale": "en"}, "client": {"app_title": "shop"}}
    encoded = base64.b64encode(json.dumps(document).encode()).decode()
    assert invoke(name, {}, ClientContext=encoded)[1] == [{"tenant": "a"}, {"locale": "en"}, "shop"]


def test_invoke_client_context_not_base64_is_refused(deploy, awslambda):
    name = deploy(ECHO)
    with pytest.raises(awslambda.exceptions.InvalidParameterValueException):
        awslambda.invoke(FunctionName=name, ClientContext="not base64!", Payload=b"{}")
