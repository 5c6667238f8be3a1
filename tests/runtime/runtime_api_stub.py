"""A stand-in Lambda Runtime API for testing runtime clients (our Node bootstrap, awslambdaric, shell bootstraps)
on their own, without mocklambda's runtime, and a starter for the runtime processes under test.

RuntimeApiStub serves events the test queues on GET /next (long poll), records every POST (response, error,
init error) for the test to wait on, and answers as AWS's Runtime API does (202 {"status":"OK"}). Closing it
makes /next answer 500, which tells a well-behaved runtime client to exit. RuntimeProcesses starts processes
with exactly the environment given, their output in a file, and at the end closes the API, waits for them
(killing only on a deadline) and checks none is left. Not a test module (no test_ prefix): shared by
tests/runtime/test_*.py.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mocklambda.httpserver import HttpServer

PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"


@dataclass
class Event:
    payload: bytes
    request_id: str
    headers: dict[str, str]
    served_at: float | None = None  # time.monotonic() when /next handed it out


@dataclass
class Post:
    kind: str  # "response", "error" or "init_error"
    request_id: str | None
    headers: dict[str, str]  # lower-case names
    body: bytes
    received_at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return json.loads(self.body)


class _Closed:
    """Put on the event queue when the stub closes: every /next from then on answers 500."""


class RuntimeApiStub:
    def __init__(self) -> None:
        self._events: queue.Queue[Event | _Closed] = queue.Queue()
        self._posts: queue.Queue[Post] = queue.Queue()
        self.served: dict[str, Event] = {}
        self.request_headers: list[dict[str, str]] = []  # of every request, in order
        self._closed = False
        self._server = HttpServer("127.0.0.1", 0, self._app)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def push(self, payload: Any = None, *, raw: bytes | None = None, request_id: str | None = None,
             deadline_ms: int | None = None, headers: Mapping[str, str] | None = None) -> str:
        """Queue an invocation; payload is JSON-encoded unless raw bytes are given. Returns its request id."""
        request_id = request_id or str(uuid.uuid4())
        body = raw if raw is not None else json.dumps(payload if payload is not None else {}).encode()
        all_headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(deadline_ms or int(time.time() * 1000) + 3000),
            "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
            "Content-Type": "application/json",
        }
        all_headers.update(headers or {})
        self._events.put(Event(body, request_id, all_headers))
        return request_id

    def next_post(self, timeout: float = 5.0) -> Post:
        try:
            return self._posts.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the runtime posted nothing within {timeout} s") from None

    def no_post_within(self, seconds: float) -> bool:
        try:
            post = self._posts.get(timeout=seconds)
        except queue.Empty:
            return True
        self._posts.put(post)
        return False

    def close(self) -> None:
        """Make /next answer 500 from now on and stop serving; a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        self._events.put(_Closed())
        self._server.stop()
        self._thread.join(timeout=5)

    # -- WSGI ---------------------------------------------------------------------------------------------

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        if "CONTENT_TYPE" in environ:
            headers["content-type"] = environ["CONTENT_TYPE"]
        self.request_headers.append(headers)
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        body = environ["wsgi.input"].read()
        if method == "GET" and path == f"{PREFIX}/invocation/next":
            return self._next(start_response)
        if method == "POST" and path == f"{PREFIX}/init/error":
            return self._record(Post("init_error", None, headers, body), start_response)
        parts = path[len(PREFIX) + 1:].split("/") if path.startswith(PREFIX + "/") else []
        if method == "POST" and len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            return self._record(Post(parts[2], parts[1], headers, body), start_response)
        return self._json(start_response, "404 Not Found", {"errorMessage": "Not found", "errorType": "NotFound"})

    def _next(self, start_response: Callable[..., Any]) -> Iterable[bytes]:
        event = self._events.get()
        if isinstance(event, _Closed):
            self._events.put(event)
            return self._json(start_response, "500 Internal Server Error",
                              {"errorMessage": "environment is shutting down", "errorType": "Runtime.Closed"})
        event.served_at = time.monotonic()
        self.served[event.request_id] = event
        start_response("200 OK", [*event.headers.items(), ("Content-Length", str(len(event.payload)))])
        return [event.payload]

    def _record(self, post: Post, start_response: Callable[..., Any]) -> Iterable[bytes]:
        self._posts.put(post)
        return self._json(start_response, "202 Accepted", {"status": "OK"})

    @staticmethod
    def _json(start_response: Callable[..., Any], status: str, document: Any) -> Iterable[bytes]:
        data = json.dumps(document).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


class RuntimeProcess:
    def __init__(self, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.process = process
        self._log_path = log_path

    def log(self) -> str:
        # Output goes to a file, which processes write synchronously: whatever a runtime logged before it
        # posted is there when the post arrives. Not read_text(): universal newlines would turn \r into \n.
        return self._log_path.read_bytes().decode()

    def lines(self) -> list[str]:
        # Only \n ends a log line: runtimes turn newlines inside a message into \r (splitlines would split).
        return self.log().split("\n")[:-1]

    def exit_code(self, timeout: float = 5.0) -> int:
        return self.process.wait(timeout=timeout)


class RuntimeProcesses:
    """Starts runtime processes for one test, each with exactly `env` (plus PATH) and its output in a file."""

    def __init__(self, api: RuntimeApiStub, log_dir: Path) -> None:
        self.api = api
        self._log_dir = log_dir
        self._started: list[subprocess.Popen[bytes]] = []

    def start(self, argv: list[str], cwd: Path, env: Mapping[str, str]) -> RuntimeProcess:
        log_path = self._log_dir / f"runtime-{len(self._started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(argv, cwd=cwd, env={"PATH": os.environ["PATH"], **env}, stdout=log,
                                       stderr=subprocess.STDOUT)
        self._started.append(process)
        return RuntimeProcess(process, log_path)

    def close(self) -> None:
        """Close the API (runtimes exit by themselves on the 500), reap every process, check none is left."""
        self.api.close()
        for process in self._started:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        left = [process.pid for process in self._started if Path(f"/proc/{process.pid}").exists()]
        assert not left, f"runtime processes left behind: {left}"
