"""The Node.js bootstrap (mocklambda/runtime/bootstraps/node/bootstrap.js) on its own: a real node process
against a stand-in Runtime API (tests/runtime/runtime_api_stub.py), checking what it posts and what it logs
against the behaviour of AWS's Node.js runtime interface client. Skipped where node is not installed."""
from __future__ import annotations

import json
import re
import shutil
import socket
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

import mocklambda
from tests.runtime.runtime_api_stub import (
    FUNCTION_ARN,
    Post,
    RuntimeApiStub,
    RuntimeProcess,
    RuntimeProcesses,
)

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

BOOTSTRAP = Path(mocklambda.__file__).parent / "runtime" / "bootstraps" / "node" / "bootstrap.js"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "handlers" / "node"
ISO_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
LOG_STREAM = "2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef"
ENVIRONMENT = {
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    "AWS_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "fn",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
    "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
    "AWS_LAMBDA_LOG_STREAM_NAME": LOG_STREAM,
}


class StartNode(Protocol):
    def __call__(self, code: Path | Mapping[str, str], handler: str = ..., env: Mapping[str, str] | None = ...,
                 runtime_api: str | None = ...) -> RuntimeProcess: ...


@pytest.fixture
def start_node(api: RuntimeApiStub, tmp_path: Path) -> Iterator[StartNode]:
    """Starts the bootstrap in a node process for a code directory (or {file name: source}); at teardown the
    stand-in API closes (so the runtime exits by itself) and no process may be left behind."""
    processes = RuntimeProcesses(api, tmp_path)

    def start(code: Path | Mapping[str, str], handler: str = "index.handler",
              env: Mapping[str, str] | None = None, runtime_api: str | None = None) -> RuntimeProcess:
        if isinstance(code, Path):
            root = code
        else:
            root = tmp_path / "code"
            for name, source in code.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_text(source)
        full_env = {**ENVIRONMENT, "_HANDLER": handler, "LAMBDA_TASK_ROOT": str(root),
                    "AWS_LAMBDA_RUNTIME_API": runtime_api or api.address, **(env or {})}
        return processes.start([str(NODE), str(BOOTSTRAP)], root, full_env)

    yield start
    processes.close()


def invoke(api: RuntimeApiStub, payload: Any = None, **kwargs: Any) -> Post:
    request_id = api.push(payload, **kwargs)
    post = api.next_post()
    assert post.request_id in (request_id, None)
    return post


def log_lines_of(node: RuntimeProcess, request_id: str | None) -> list[str]:
    return [line for line in node.lines() if f"\t{request_id}\t" in line]


# ---------------------------------------------------------------------------------------------- results


def test_async_handler_result_is_posted_as_json(api, start_node):
    start_node(FIXTURES / "echo")
    post = invoke(api, {"hello": "world", "n": [1, 2]})
    assert post.kind == "response"
    assert post.json() == {"hello": "world", "n": [1, 2]}
    assert post.headers["content-type"] == "application/json"


def test_undefined_result_is_posted_as_null(api, start_node):
    start_node({"index.js": "exports.handler = async () => undefined;"})
    assert invoke(api).body == b"null"


def test_callback_result_waits_for_the_empty_event_loop(api, start_node):
    node = start_node({"index.js": """
        exports.handler = (event, context, callback) => {
          setTimeout(() => console.log('timer done'), 200);
          callback(null, { ok: true });
        };"""})
    request_id = api.push({})
    post = api.next_post()
    assert post.json() == {"ok": True}
    assert post.received_at - api.served[request_id].served_at >= 0.2
    assert "timer done" in node.log()


def test_callback_result_is_immediate_when_not_waiting_for_the_event_loop(api, start_node):
    node = start_node({"index.js": """
        exports.handler = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = false;
          setTimeout(() => console.log('timer done'), 400);
          callback(null, 'early');
        };"""})
    request_id = api.push({})
    post = api.next_post()
    assert post.json() == "early"
    assert post.received_at - api.served[request_id].served_at < 0.3
    assert "timer done" not in node.log()


def test_async_handler_result_does_not_wait_for_the_event_loop(api, start_node):
    start_node({"index.js": """
        exports.handler = async () => { setTimeout(() => {}, 400); return 'now'; };"""})
    request_id = api.push({})
    post = api.next_post()
    assert post.json() == "now"
    assert post.received_at - api.served[request_id].served_at < 0.3


def test_callback_fixture_answers_through_the_callback(api, start_node):
    start_node(FIXTURES / "callback")
    assert invoke(api, {"x": 1}).json() == {"style": "callback", "event": {"x": 1}}


def test_sync_handler_that_never_calls_back_answers_null_once_the_loop_is_empty(api, start_node):
    start_node({"index.js": "exports.handler = () => { setTimeout(() => {}, 50); };"})
    post = invoke(api)
    assert (post.kind, post.body) == ("response", b"null")


def test_async_handler_whose_promise_never_settles_fails_with_nodejs_exit(api, start_node):
    node = start_node({"index.js": "exports.handler = async () => new Promise(() => {});"})
    post = invoke(api)
    assert post.kind == "error"
    body = post.json()
    assert body["errorType"] == "Runtime.NodeJsExit"
    assert "Promise that was never settled" in body["errorMessage"]
    assert any("\tERROR\tInvoke Error \t" in line for line in node.lines())


@pytest.mark.parametrize(("call", "kind", "expected"), [
    ("context.succeed({via: 'succeed'})", "response", {"via": "succeed"}),
    ("context.done(null, 'done-ok')", "response", "done-ok"),
    ("context.fail('nope')", "error", {"errorType": "string", "errorMessage": "nope", "trace": []}),
    ("context.fail()", "error", {"errorType": "string", "errorMessage": "handled", "trace": []}),
    ("callback('failed')", "error", {"errorType": "string", "errorMessage": "failed", "trace": []}),
])
def test_context_methods_and_callback_report_the_invocation(api, start_node, call, kind, expected):
    start_node({"index.js": f"exports.handler = (event, context, callback) => {{ {call}; }};"})
    post = invoke(api)
    assert (post.kind, post.json()) == (kind, expected)


def test_context_done_with_an_error_posts_the_error(api, start_node):
    start_node({"index.js": "exports.handler = (e, context) => { context.done(new RangeError('too far')); };"})
    body = invoke(api).json()
    assert (body["errorType"], body["errorMessage"]) == ("RangeError", "too far")
    assert body["trace"][0] == "RangeError: too far"


def test_only_the_first_report_of_an_invocation_counts(api, start_node):
    start_node({"index.js": """
        exports.handler = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = false;
          callback(null, 1); callback(null, 2); context.succeed(3); context.fail(new Error('late'));
        };"""})
    assert invoke(api).json() == 1
    assert api.no_post_within(0.2)


# ----------------------------------------------------------------------------------------------- errors


def test_thrown_error_is_posted_in_the_node_runtime_shape_and_logged(api, start_node):
    node = start_node(FIXTURES / "throws")
    request_id = api.push({"message": "bad input"})
    post = api.next_post()
    body = post.json()
    assert post.kind == "error"
    assert list(body) == ["errorType", "errorMessage", "trace"]
    assert (body["errorType"], body["errorMessage"]) == ("ValidationError", "bad input")
    assert body["trace"][0] == "ValidationError: bad input"
    assert any("index.js" in frame for frame in body["trace"][1:])
    assert post.headers["lambda-runtime-function-error-type"] == "ValidationError"
    cause = json.loads(post.headers["lambda-runtime-function-xray-error-cause"])
    assert cause["exceptions"][0]["type"] == "ValidationError"
    [line] = log_lines_of(node, request_id)
    match = re.fullmatch(rf"{ISO_TIME}\t{request_id}\tERROR\tInvoke Error \t(.*)", line)
    assert match, line
    logged = json.loads(match.group(1))
    assert (logged["errorType"], logged["errorMessage"]) == ("ValidationError", "bad input")
    assert logged["stack"][0] == "ValidationError: bad input"


def test_synchronous_throw_is_posted(api, start_node):
    start_node({"index.js": "exports.handler = () => { throw new TypeError('not a number'); };"})
    body = invoke(api).json()
    assert (body["errorType"], body["errorMessage"]) == ("TypeError", "not a number")


def test_unserialisable_result_is_an_error(api, start_node):
    start_node({"index.js": "exports.handler = async () => { const a = {}; a.self = a; return a; };"})
    body = invoke(api).json()
    assert (body["errorType"], body["errorMessage"]) == ("Error", "Unable to stringify response body")


def test_event_that_is_not_json_is_an_error(api, start_node):
    start_node(FIXTURES / "echo")
    body = invoke(api, raw=b"not json").json()
    assert body["errorType"] == "SyntaxError"


def test_uncaught_exception_during_an_invocation_is_posted_and_ends_the_process(api, start_node):
    node = start_node({"index.js": """
        exports.handler = (event, context, callback) => { setTimeout(() => { throw new Error('from a timer'); }, 10); };
    """})
    request_id = api.push({})
    post = api.next_post()
    assert (post.kind, post.request_id) == ("error", request_id)
    assert post.json()["errorMessage"] == "from a timer"
    assert node.exit_code() == 129
    assert any("\tERROR\tUncaught Exception \t" in line for line in log_lines_of(node, request_id))


def test_exception_after_the_response_is_reported_on_its_own_connection_and_ends_the_process(api, start_node):
    # AWS would freeze the process after the response; here the timer fires while /next holds the connection.
    node = start_node({"index.js": """
        exports.handler = async () => { setTimeout(() => { throw new Error('afterwards'); }, 50); return 'ok'; };"""})
    request_id = api.push({})
    assert api.next_post().json() == "ok"
    late = api.next_post()
    assert (late.kind, late.request_id, late.json()["errorMessage"]) == ("error", request_id, "afterwards")
    assert node.exit_code() == 129


def test_error_type_that_is_not_ascii_is_posted_intact(api, start_node):
    start_node({"index.js": """
        exports.handler = async () => { const e = new Error('x'); e.name = 'Fehlér✓'; throw e; };"""})
    post = invoke(api)
    assert post.json()["errorType"] == "Fehlér✓"
    assert post.headers["lambda-runtime-function-error-type"] == "Fehl?r?"


def test_unhandled_rejection_is_posted_and_ends_the_process(api, start_node):
    node = start_node({"index.js": """
        exports.handler = (event, context, callback) => { Promise.reject(new Error('later')); };"""})
    body = invoke(api).json()
    assert (body["errorType"], body["errorMessage"]) == ("Runtime.UnhandledPromiseRejection", "Error: later")
    assert node.exit_code() == 128
    assert any("\tERROR\tUnhandled Promise Rejection \t" in line for line in node.lines())


# --------------------------------------------------------------------------------------------- context


def test_context_carries_environment_and_invocation_data(api, start_node):
    start_node(FIXTURES / "context_dump")
    deadline = int(time.time() * 1000) + 2000
    client_context = {"client": {"app_title": "t"}, "custom": {"k": "v"}, "env": {"platform": "x"}}
    identity = {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}
    request_id = api.push({}, deadline_ms=deadline, headers={
        "Lambda-Runtime-Client-Context": json.dumps(client_context),
        "Lambda-Runtime-Cognito-Identity": json.dumps(identity),
        "Lambda-Runtime-Trace-Id": "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
    })
    context = api.next_post().json()
    assert 0 < context.pop("remainingTimeInMillis") <= 2000
    assert context == {
        "functionName": "fn",
        "functionVersion": "$LATEST",
        "invokedFunctionArn": FUNCTION_ARN,
        "memoryLimitInMB": "256",
        "awsRequestId": request_id,
        "logGroupName": "/aws/lambda/fn",
        "logStreamName": LOG_STREAM,
        "identity": identity,
        "clientContext": client_context,
        "callbackWaitsForEmptyEventLoop": True,
        "traceId": "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
    }


def test_trace_id_is_set_per_invocation_and_removed_without_one(api, start_node):
    start_node(FIXTURES / "context_dump")
    assert invoke(api, headers={"Lambda-Runtime-Trace-Id": "Root=1-a"}).json()["traceId"] == "Root=1-a"
    second = invoke(api).json()
    assert (second["traceId"], second["identity"], second["clientContext"]) == (None, None, None)


def test_client_context_that_is_not_json_fails_the_invocation(api, start_node):
    start_node(FIXTURES / "context_dump")
    body = invoke(api, headers={"Lambda-Runtime-Client-Context": "{not json"}).json()
    assert body["errorType"] == "Error"
    assert body["errorMessage"].startswith("Cannot parse ClientContext as json: SyntaxError: ")


def test_env_dump_fixture_sees_the_process_environment_and_task_root(api, start_node):
    start_node(FIXTURES / "env_dump", env={"MY_SETTING": "on"})
    result = invoke(api).json()
    assert result["env"]["MY_SETTING"] == "on"
    assert result["env"]["AWS_LAMBDA_FUNCTION_NAME"] == "fn"
    assert result["cwd"] == str(FIXTURES / "env_dump")


def test_warm_invocations_share_module_state(api, start_node):
    start_node({"index.js": "let count = 0; exports.handler = async () => ({ count: ++count, pid: process.pid });"})
    first, second = invoke(api).json(), invoke(api).json()
    assert (first["count"], second["count"]) == (1, 2)
    assert first["pid"] == second["pid"]


# ------------------------------------------------------------------------------------------------ logs


def test_console_writes_text_log_lines_with_the_request_id(api, start_node):
    node = start_node({"index.js": """
        console.log('loading');
        exports.handler = async () => {
          console.log('hello %s', 'world');
          console.info({ a: 1 });
          console.warn('careful');
          console.error('two\\nlines');
          console.debug('details');
          return null;
        };"""})
    request_id = api.push({})
    api.next_post()
    assert re.fullmatch(rf"{ISO_TIME}\tundefined\tINFO\tloading", node.lines()[0])
    lines = log_lines_of(node, request_id)
    assert [line.split("\t", 1)[1] for line in lines] == [
        f"{request_id}\tINFO\thello world",
        f"{request_id}\tINFO\t{{ a: 1 }}",
        f"{request_id}\tWARN\tcareful",
        f"{request_id}\tERROR\ttwo\rlines",
        f"{request_id}\tDEBUG\tdetails",
    ]
    assert all(re.match(ISO_TIME, line) for line in lines)


def test_console_writes_json_log_records_when_the_log_format_is_json(api, start_node):
    node = start_node({"index.js": """
        exports.handler = async () => {
          console.log('hello');
          console.warn('n=%d', 5);
          console.error(new TypeError('bad'));
          throw new Error('boom');
        };"""}, env={"AWS_LAMBDA_LOG_FORMAT": "JSON"})
    request_id = api.push({})
    api.next_post()
    records = [json.loads(line) for line in node.lines() if line.startswith("{")]
    assert [(r["level"], r["requestId"]) for r in records] == [
        ("INFO", request_id), ("WARN", request_id), ("ERROR", request_id), ("ERROR", request_id)]
    assert list(records[0]) == ["timestamp", "level", "requestId", "message"]
    assert re.fullmatch(ISO_TIME, records[0]["timestamp"])
    assert (records[0]["message"], records[1]["message"]) == ("hello", "n=5")
    assert records[2]["message"]["errorType"] == "TypeError"
    assert records[2]["message"]["errorMessage"] == "bad"
    assert records[3]["message"]["errorMessage"] == "boom"  # the Invoke Error record


def test_log_level_drops_lower_levels(api, start_node):
    node = start_node({"index.js": """
        exports.handler = async () => { console.debug('d'); console.info('i'); console.warn('w'); return 1; };"""},
        env={"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "WARN"})
    invoke(api)
    assert [json.loads(line)["message"] for line in node.lines()] == ["w"]


# ------------------------------------------------------------------------------------ handler loading


def test_js_file_is_an_es_module_under_package_type_module(api, start_node):
    start_node({"package.json": '{"type": "module"}',
                "index.js": "export const handler = async () => import.meta.url.endsWith('index.js');"})
    assert invoke(api).json() is True


def test_cjs_handler(api, start_node):
    start_node({"app.cjs": "module.exports.main = async () => 'cjs';"}, handler="app.main")
    assert invoke(api).json() == "cjs"


def test_handler_in_a_subdirectory_with_a_nested_export(api, start_node):
    start_node({"src/lib/app.js": "exports.handlers = { main: async () => 'nested' };"},
               handler="src/lib/app.handlers.main")
    assert invoke(api).json() == "nested"


def test_handler_module_resolved_from_node_modules(api, start_node):
    start_node({"node_modules/pkg/index.js": "exports.handler = async () => 'from package';"},
               handler="pkg.handler")
    assert invoke(api).json() == "from package"


def init_failure(api: RuntimeApiStub, node: RuntimeProcess) -> dict[str, Any]:
    post = api.next_post()
    assert post.kind == "init_error"
    body = post.json()
    assert post.headers["lambda-runtime-function-error-type"] == body["errorType"]
    assert node.exit_code() == 129
    assert any(re.match(rf"{ISO_TIME}\tundefined\tERROR\tUncaught Exception \t", line) for line in node.lines())
    return body


def test_missing_module_is_an_import_module_error(api, start_node):
    node = start_node(FIXTURES / "echo", handler="missing.handler")
    body = init_failure(api, node)
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"] == "Error: Cannot find module 'missing'\nRequire stack:\n- /var/runtime/index.mjs"


def test_missing_dependency_names_the_requiring_file(api, start_node, tmp_path):
    node = start_node({"index.js": "require('left-pad-nope'); exports.handler = async () => 1;"})
    body = init_failure(api, node)
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"] == (f"Error: Cannot find module 'left-pad-nope'\nRequire stack:\n"
                                    f"- {tmp_path / 'code' / 'index.js'}\n- /var/runtime/index.mjs")


def test_missing_export_is_handler_not_found(api, start_node):
    node = start_node(FIXTURES / "echo", handler="index.nothing")
    body = init_failure(api, node)
    assert (body["errorType"], body["errorMessage"]) == (
        "Runtime.HandlerNotFound", "index.nothing is undefined or not exported")


def test_export_that_is_not_a_function_is_handler_not_found(api, start_node):
    node = start_node({"index.js": "exports.handler = 42;"})
    body = init_failure(api, node)
    assert (body["errorType"], body["errorMessage"]) == ("Runtime.HandlerNotFound", "index.handler is not a function")


@pytest.mark.parametrize(("handler", "message"), [
    ("index", "Bad handler"),
    ("../up.handler", "'../up.handler' is not a valid handler name. Use absolute paths when specifying root "
                      "directories in handler names."),
])
def test_malformed_handler_name(api, start_node, handler, message):
    node = start_node(FIXTURES / "echo", handler=handler)
    body = init_failure(api, node)
    assert (body["errorType"], body["errorMessage"]) == ("Runtime.MalformedHandlerName", message)


def test_syntax_error_is_a_user_code_syntax_error(api, start_node):
    node = start_node({"index.js": "exports.handler = async () => { return 1;; "})
    body = init_failure(api, node)
    assert body["errorType"] == "Runtime.UserCodeSyntaxError"
    assert body["errorMessage"].startswith("SyntaxError: ")
    assert body["trace"][0].startswith("Runtime.UserCodeSyntaxError: SyntaxError: ")


def test_error_thrown_while_loading_keeps_its_own_type(api, start_node):
    node = start_node({"index.mjs": "throw new RangeError('init boom');\nexport const handler = () => 1;"})
    body = init_failure(api, node)
    assert (body["errorType"], body["errorMessage"]) == ("RangeError", "init boom")


# ------------------------------------------------------------------------------------ the Runtime API


def test_requests_use_one_kept_alive_connection(api, start_node):
    start_node(FIXTURES / "echo")
    invoke(api, {"a": 1})
    invoke(api, {"a": 2})
    assert len(api.request_headers) >= 4  # next, response, next, response (and the pending next)
    assert all(headers.get("connection") == "keep-alive" for headers in api.request_headers)


def test_runtime_exits_when_next_fails(api, start_node):
    node = start_node(FIXTURES / "echo")
    invoke(api)
    api.close()
    assert node.exit_code() == 1


def test_runtime_exits_when_the_runtime_api_is_unreachable(start_node):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    node = start_node(FIXTURES / "echo", runtime_api=address)
    assert node.exit_code() == 1
    assert "Runtime API unavailable" in node.log()


def test_streamified_handler_posts_the_buffered_stream(api, start_node):
    start_node({"index.mjs": """
        export const handler = awslambda.streamifyResponse(async (event, stream) => {
          stream.setContentType('text/plain');
          stream.write('hello ');
          stream.end('stream');
        });"""})
    post = invoke(api)
    assert (post.kind, post.body, post.headers["content-type"]) == ("response", b"hello stream", "text/plain")
