"""The Python runtime client (bootstraps/python/bootstrap.py), run as a real process against a Runtime API stub.

The stub here is a plain WSGI app on mocklambda's HttpServer that serves queued events and records what the
function posts: no mocklambda runtime involved, so these tests pin the client side of the protocol alone.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import os
import queue
import re
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import mocklambda.runtime
from mocklambda.httpserver import HttpServer

BOOTSTRAP = Path(mocklambda.runtime.__file__).parent / "bootstraps" / "python" / "bootstrap.py"
WAIT = 5.0  # a deadline for things that happen in milliseconds; never a sleep
NBSP = "\u00a0"


@dataclass
class Posted:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RuntimeApiStub:
    """AWS's Runtime API, client-facing side only: /next hands out queued events, posts are recorded."""

    events: queue.Queue[tuple[bytes, list[tuple[str, str]]] | None] = field(default_factory=queue.Queue)
    posts: queue.Queue[Posted] = field(default_factory=queue.Queue)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if method == "GET" and path == "/2018-06-01/runtime/invocation/next":
            event = self.events.get()
            if event is None:  # the test is over: answer as a container error would
                start_response("500 Internal Server Error", [("Content-Length", "0")])
                return [b""]
            body, headers = event
            start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
            return [body]
        if method == "POST":
            headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                       if key.startswith("HTTP_")}
            if "CONTENT_TYPE" in environ:
                headers["content-type"] = environ["CONTENT_TYPE"]
            self.posts.put(Posted(path, headers, environ["wsgi.input"].read()))
            reply = b'{"status":"OK"}'
            start_response("202 Accepted", [("Content-Type", "application/json"),
                                            ("Content-Length", str(len(reply)))])
            return [reply]
        start_response("404 Not Found", [("Content-Length", "0")])
        return [b""]


class Function:
    """One function process running the bootstrap against its own stub."""

    def __init__(self, root: Path, env: dict[str, str], argv: list[str] | None = None) -> None:
        self.api = RuntimeApiStub()
        self.server = HttpServer("127.0.0.1", 0, self.api)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.root = root
        self.stdout_path, self.stderr_path = root.with_suffix(".stdout"), root.with_suffix(".stderr")
        base = {
            "PATH": os.environ.get("PATH", ""), "LANG": "en_US.UTF-8", "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(root), "_HANDLER": "app.handler",
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{self.server.server_address[1]}",
            "AWS_LAMBDA_FUNCTION_NAME": "fn", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12", "AWS_REGION": "us-east-1",
        }
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(argv or [sys.executable, str(BOOTSTRAP)], cwd=root, env={**base, **env},
                                            stdin=subprocess.DEVNULL, stdout=out, stderr=err)

    def invoke(self, payload: bytes = b"{}", headers: dict[str, str] | None = None,
               content_type: str | None = "application/json") -> tuple[str, Posted]:
        request_id = str(uuid.uuid4())
        sent = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 3000),
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:fn:prod",
            **(headers or {}),
        }
        if content_type:
            sent["Content-Type"] = content_type
        self.api.events.put((payload, list(sent.items())))
        return request_id, self.next_post()

    def next_post(self) -> Posted:
        try:
            return self.api.posts.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail(f"no post from the function; stderr: {self.stderr()}")

    def wait_exit(self) -> int:
        return self.process.wait(timeout=WAIT)

    def stdout(self) -> str:
        return self.stdout_path.read_bytes().decode()  # not read_text: it would turn AWS's \r into \n

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=WAIT)
        self.api.events.put(None)
        self.server.stop()
        self.thread.join(timeout=WAIT)


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Any]:
    """start(code, env=..., files=..., argv=...) -> a running Function whose app.py is `code`."""
    started: list[Function] = []

    def make(code: str, env: dict[str, str] | None = None, files: dict[str, str] | None = None,
             argv: list[str] | None = None) -> Function:
        root = tmp_path / f"task{len(started)}"
        root.mkdir()
        for name, text in {"app.py": code, **(files or {})}.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(textwrap.dedent(text))
        function = Function(root, env or {}, argv)
        started.append(function)
        return function

    yield make
    for function in started:
        function.close()


ECHO = """
def handler(event, context):
    return {"event": event, "type": type(event).__name__}
"""


def test_invoke_json_event_and_result(start):
    function = start(ECHO)
    request_id, posted = function.invoke(b'{"a": [1, 2.5, null], "text": "\xc3\xa9"}')
    assert posted.path == f"/2018-06-01/runtime/invocation/{request_id}/response"
    assert posted.headers["content-type"] == "application/json"
    assert posted.json == {"event": {"a": [1, 2.5, None], "text": "é"}, "type": "dict"}
    assert "é".encode() in posted.body  # python3.12+: non-ASCII kept, as awslambdaric writes it
    _, again = function.invoke(b'"warm"')  # the same process serves the next invocation
    assert again.json == {"event": "warm", "type": "str"}


def test_invoke_non_ascii_escaped_before_python312(start):
    function = start(ECHO, env={"AWS_EXECUTION_ENV": "AWS_Lambda_python3.11"})
    _, posted = function.invoke(b'"\xc3\xa9"')
    assert b'"\\u00e9"' in posted.body


def test_invoke_bytes_result_posted_as_is(start):
    function = start("def handler(event, context):\n    return b'\\x00raw\\xff'\n")
    _, posted = function.invoke()
    assert posted.body == b"\x00raw\xff"
    assert posted.headers["content-type"] == "application/unknown"


def test_invoke_non_json_content_type_passes_raw_bytes(start):
    function = start(ECHO.replace('"event": event', '"event": event.decode()'))
    _, posted = function.invoke(b"not json", content_type="application/octet-stream")
    assert posted.json == {"event": "not json", "type": "bytes"}


def test_invoke_decimal_and_nan_results(start):
    function = start("""
        from decimal import Decimal
        def handler(event, context):
            return {"price": Decimal("1.10"), "big": Decimal("1E+2"), "n": Decimal("NaN"), "f": float("nan")}
        """)
    _, posted = function.invoke()
    assert posted.body == b'{"price": 1.10, "big": 1E+2, "n": NaN, "f": NaN}'


def test_context_members_and_remaining_time(start):
    function = start("""
        def handler(event, context):
            members = ["aws_request_id", "invoked_function_arn", "function_name", "function_version",
                       "memory_limit_in_mb", "log_group_name", "log_stream_name", "client_context"]
            result = {name: getattr(context, name) for name in members}
            result["identity"] = [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id]
            result["remaining"] = context.get_remaining_time_in_millis()
            context.log("via context.log\\n")
            return result
        """)
    request_id, posted = function.invoke()
    result = posted.json
    assert 2500 < result.pop("remaining") <= 3000
    assert result == {
        "aws_request_id": request_id,
        "invoked_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:fn:prod",
        "function_name": "fn", "function_version": "$LATEST", "memory_limit_in_mb": "128",
        "log_group_name": "/aws/lambda/fn",
        "log_stream_name": "2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef",
        "client_context": None, "identity": [None, None],
    }
    assert "via context.log\n" in function.stdout()
    _, posted = function.invoke(headers={"Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) - 10),
                                         "Lambda-Runtime-Cognito-Identity": json.dumps(
                                             {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"})})
    assert posted.json["remaining"] == 0
    assert posted.json["identity"] == ["id-1", "pool-1"]


def test_context_client_context(start):
    function = start("""
        def handler(event, context):
            cc = context.client_context
            return {"installation_id": cc.client.installation_id, "app_title": cc.client.app_title,
                    "custom": cc.custom, "env": cc.env}
        """)
    client_context = {"client": {"installation_id": "inst", "app_title": "App"}, "custom": {"k": "v"},
                      "env": {"platform": "linux"}}
    _, posted = function.invoke(headers={"Lambda-Runtime-Client-Context": json.dumps(client_context)})
    assert posted.json == {"installation_id": "inst", "app_title": "App", "custom": {"k": "v"},
                           "env": {"platform": "linux"}}


def test_context_bad_client_context_json(start):
    function = start(ECHO)
    request_id, posted = function.invoke(headers={"Lambda-Runtime-Client-Context": "{nope"})
    assert posted.path.endswith(f"/{request_id}/error")
    assert posted.json == {
        "errorMessage": "Unable to parse Client Context JSON: Expecting property name enclosed in double quotes: "
                        "line 1 column 2 (char 1)",
        "errorType": "Runtime.LambdaContextUnmarshalError", "requestId": request_id, "stackTrace": [],
    }


def test_trace_id_env_var_set_and_removed(start):
    function = start("import os\ndef handler(event, context):\n    return os.environ.get('_X_AMZN_TRACE_ID')\n")
    trace = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
    _, posted = function.invoke(headers={"Lambda-Runtime-Trace-Id": trace})
    assert posted.json == trace
    _, posted = function.invoke()
    assert posted.json is None


INIT_ERRORS = [
    ("app", ECHO, "Runtime.MalformedHandlerName", "Bad handler 'app': not enough values to unpack (expected 2, got 1)"),
    ("sys.handler", ECHO, "Runtime.BuiltInModuleConflict", "Cannot use built-in module sys as a handler module"),
    ("missing.handler", ECHO, "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"),
    ("app.handler", "import not_installed\n", "Runtime.ImportModuleError",
     "Unable to import module 'app': No module named 'not_installed'"),
    ("app.nothere", ECHO, "Runtime.HandlerNotFound", "Handler 'nothere' missing on module 'app'"),
]


@pytest.mark.parametrize(("handler", "code", "error_type", "message"), INIT_ERRORS, ids=[e[2] + ":" + e[0] for e in INIT_ERRORS])
def test_init_error_posted_and_process_exits(start, handler, code, error_type, message):
    function = start(code, env={"_HANDLER": handler})
    posted = function.next_post()
    assert posted.path == "/2018-06-01/runtime/init/error"
    assert posted.headers["lambda-runtime-function-error-type"] == error_type
    assert posted.json == {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": []}
    assert function.wait_exit() == 1
    out = function.stdout()
    assert re.match(r"\[WARNING\]\t\S+Z\t\tLAMBDA_WARNING: Unhandled exception\. The most likely cause .*"
                    r"runtimes-update\.html\r\n", out)
    assert f"[ERROR] {error_type}: {message}\rTraceback (most recent call last):\n" in out


def test_init_error_syntax_error(start):
    function = start("def handler(event, context):\n    return (\n")
    posted = function.next_post()
    error = posted.json
    assert error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert error["errorMessage"].startswith("Syntax error in module 'app': ")
    assert error["stackTrace"][0].startswith(f'  File "{function.root / "app.py"}" Line 2\n    ')
    assert function.wait_exit() == 1


def test_init_error_exception_at_import(start):
    function = start("x = 1\nraise RuntimeError('no config')\n", env={"_HANDLER": "pkg/app.handler"},
                     files={"pkg/__init__.py": "", "pkg/app.py": "raise ValueError('bad config')\n"})
    error = function.next_post().json
    assert (error["errorType"], error["errorMessage"], error["requestId"]) == ("ValueError", "bad config", "")
    # AWS's trace starts at importlib (the runtime's own frames are dropped) and ends in the user's module.
    assert "importlib" in error["stackTrace"][0] and "bootstrap.py" not in "".join(error["stackTrace"])
    assert error["stackTrace"][-1] == (f'  File "{function.root / "pkg" / "app.py"}", line 1, in <module>\n'
                                       "    raise ValueError('bad config')\n")
    assert function.wait_exit() == 1


def test_handler_exception_payload_and_log_line(start):
    function = start("""
        def helper(event):
            raise KeyError(event["action"])

        def handler(event, context):
            print("before")
            return helper(event)
        """)
    request_id, posted = function.invoke(b'{"action": "x"}')
    app = function.root / "app.py"
    assert posted.path == f"/2018-06-01/runtime/invocation/{request_id}/error"
    assert posted.headers["content-type"] == "application/json"
    assert posted.headers["lambda-runtime-function-error-type"] == "KeyError"
    assert json.loads(posted.headers["lambda-runtime-function-xray-error-cause"])["exceptions"][0]["type"] == "KeyError"
    assert posted.body == json.dumps({
        "errorMessage": "'x'", "errorType": "KeyError", "requestId": request_id,
        "stackTrace": [f'  File "{app}", line 7, in handler\n    return helper(event)\n',
                       f'  File "{app}", line 3, in helper\n    raise KeyError(event["action"])\n'],
    }).encode()
    log_line = (f"[ERROR] KeyError: 'x'\rTraceback (most recent call last):\r"
                f'{NBSP * 2}File "{app}", line 7, in handler\r{NBSP * 4}return helper(event)\r'
                f'{NBSP * 2}File "{app}", line 3, in helper\r{NBSP * 4}raise KeyError(event["action"])\n')
    assert function.stdout() == "before\n" + log_line
    _, posted = function.invoke(b'{"action": "y"}')  # the environment keeps serving
    assert posted.json["errorMessage"] == "'y'"


def test_unmarshal_error(start):
    function = start(ECHO)
    request_id, posted = function.invoke(b"{not json")
    assert posted.json == {
        "errorMessage": "Unable to unmarshal input: Expecting property name enclosed in double quotes: "
                        "line 1 column 2 (char 1)",
        "errorType": "Runtime.UnmarshalError", "requestId": request_id, "stackTrace": [],
    }


def test_marshal_error(start):
    function = start("def handler(event, context):\n    return {1, 2}\n")
    request_id, posted = function.invoke()
    assert posted.json == {"errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
                           "errorType": "Runtime.MarshalError", "requestId": request_id, "stackTrace": []}


def test_text_logging_format_and_unbuffered_print(start):
    function = start("""
        import logging
        logging.getLogger().setLevel(logging.INFO)
        def handler(event, context):
            print("partial", end="")
            logging.getLogger("mine").info("hello %s", "world")
            return 1
        """)
    request_id, _ = function.invoke()
    partial, record = function.stdout().split("[INFO]\t", 1)
    assert partial == "partial"  # written before the response, though no newline ended it
    stamp, rid, message = record.split("\t")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp)
    assert (rid, message) == (request_id, "hello world\n")


def test_json_logging_format_and_level(start):
    function = start("""
        import logging
        log = logging.getLogger("mine")
        def handler(event, context):
            log.debug("dropped")
            log.info("kept", extra={"order": 7})
            try:
                1 / 0
            except ZeroDivisionError:
                log.exception("failed")
            raise ValueError("boom")
        """, env={"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"})
    request_id, posted = function.invoke()
    info, exception, error = (json.loads(line) for line in function.stdout().splitlines())
    assert info.pop("timestamp").endswith("Z")
    assert info == {"level": "INFO", "message": "kept", "logger": "mine", "requestId": request_id, "order": 7}
    assert (exception["level"], exception["errorType"], exception["errorMessage"]) == (
        "ERROR", "ZeroDivisionError", "division by zero")
    assert exception["location"].endswith("app.py:handler:10") and exception["stackTrace"]
    assert error.pop("timestamp")
    assert error == {"level": "ERROR", **posted.json}
    assert posted.json["errorType"] == "ValueError"


def test_layers_on_pythonpath_after_task_root(start, tmp_path):
    layer = tmp_path / "layer" / "python"
    layer.mkdir(parents=True)
    (layer / "shared.py").write_text("WHERE = 'layer'\n")
    (layer / "only_in_layer.py").write_text("WHERE = 'layer'\n")
    function = start("""
        import shared, only_in_layer, sys
        def handler(event, context):
            return [shared.WHERE, only_in_layer.WHERE, sys.path[:2]]
        """, env={"PYTHONPATH": str(layer)}, files={"shared.py": "WHERE = 'task'\n"})
    _, posted = function.invoke()
    assert posted.json == ["task", "layer", [str(function.root), str(layer)]]


def test_exits_when_runtime_api_disappears(start):
    function = start(ECHO)
    function.invoke()  # the function is now long-polling /next on a kept-alive connection
    function.api.events.put(None)
    function.server.stop()
    assert function.wait_exit() == 1
    assert "Lambda Runtime API at 127.0.0.1:" in function.stderr()


def test_exits_when_runtime_api_never_answers(tmp_path):
    (tmp_path / "app.py").write_text(ECHO)
    result = subprocess.run([sys.executable, str(BOOTSTRAP)], cwd=tmp_path, capture_output=True, timeout=WAIT,
                            env={"LAMBDA_TASK_ROOT": str(tmp_path), "_HANDLER": "app.handler",
                                 "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:1"})
    assert result.returncode == 1
    assert b"Lambda Runtime API at 127.0.0.1:1 failed" in result.stderr


def test_main_reads_environment_at_call_time(start, tmp_path):
    """The zygote contract: import the module (no side effects), then set os.environ, then call main()."""
    late = tmp_path / "late"
    late.mkdir()
    (late / "late_app.py").write_text("import sys\ndef go(event, context):\n    return [context.function_name, sys.path[0]]\n")
    driver = textwrap.dedent(f"""
        import importlib.util, logging, os, sys
        spec = importlib.util.spec_from_file_location("bootstrap", {str(BOOTSTRAP)!r})
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert not logging.getLogger().handlers and {str(late)!r} not in sys.path, "import had side effects"
        os.environ.update(_HANDLER="late_app.go", LAMBDA_TASK_ROOT={str(late)!r}, AWS_LAMBDA_FUNCTION_NAME="late-fn")
        module.main()
        """)
    function = start(ECHO, argv=[sys.executable, "-c", driver])
    _, posted = function.invoke()
    assert posted.json == ["late-fn", str(late)]


def test_bootstrap_is_python39_syntax_and_stdlib_only():
    tree = ast.parse(BOOTSTRAP.read_text(), feature_version=(3, 9))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


# The same function under AWS's own client (awslambdaric, from the dev extras) and under ours: what each posts and
# prints must match, request ids, paths and timestamps aside. Known differences are not exercised here: awslambdaric
# decodes events with simplejson (other wording in some Runtime.UnmarshalError messages) and writes namedtuples as
# JSON objects; ours sends Lambda-Runtime-Function-Error-Type and Content-Type on every error post.
SAME_AS_AWSLAMBDARIC = {
    "result": ("import logging\nlogging.getLogger().setLevel(logging.INFO)\n"
               "def handler(event, context):\n    print('out', end='')\n    logging.info('%s!', 'info')\n"
               "    return {'event': event, 'text': '\u00e9', 'memory': context.memory_limit_in_mb}\n", {}, "app.handler"),
    "decimal": ("from decimal import Decimal\ndef handler(event, context):\n"
                "    return [Decimal('1.10'), Decimal('1E+2'), Decimal('NaN'), float('inf'), None]\n", {}, "app.handler"),
    "exception": ("def inner():\n    raise ValueError('boom')\ndef handler(event, context):\n    inner()\n", {},
                  "app.handler"),
    "json_logs": ("import logging\nlog = logging.getLogger('mine')\ndef handler(event, context):\n"
                  "    log.info('kept', extra={'k': 1})\n    try:\n        {}['x']\n    except KeyError:\n"
                  "        log.exception('failed')\n    raise TypeError('t')\n",
                  {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}, "app.handler"),
    "init_exception": ("import json\nraise RuntimeError('no config')\n", {}, "app.handler"),
    "init_syntax": ("def handler(event, context):\n    return (\n", {}, "app.handler"),
    "init_missing_handler": ("", {}, "app.handler"),
}


@pytest.mark.skipif(importlib.util.find_spec("awslambdaric") is None, reason="awslambdaric is not installed")
@pytest.mark.parametrize("case", sorted(SAME_AS_AWSLAMBDARIC))
def test_same_as_awslambdaric(start, case):
    code, env, handler = SAME_AS_AWSLAMBDARIC[case]

    def run(argv: list[str] | None) -> tuple[str, str, str]:
        function = start(code, env={**env, "_HANDLER": handler}, argv=argv)
        if case.startswith("init_"):
            request_id, posted = "", function.next_post()
            function.wait_exit()
        else:
            request_id, posted = function.invoke(b'{"k": [1, "\xc3\xa9"]}')
        out = function.stdout()
        if not case.startswith("init_"):
            out = out.replace(request_id, "<id>")
        # Frames of each runtime's own files are dropped by both; timestamps and the code root differ per run.
        text = f"{posted.path}\n{posted.body.decode()}\n{out}".replace(request_id or "\0", "<id>")
        text = text.replace(str(function.root), "<root>")
        return tuple(re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z?", "<time>", part)
                     for part in text.split("\n", 2))  # type: ignore[return-value]

    assert run(None) == run([sys.executable, "-m", "awslambdaric", handler])
