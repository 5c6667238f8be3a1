"""Fixtures for the runtime core: a Runtime on a temporary data directory (stopped after the test, with a check
that no process it started is left), and functions written to temporary code directories.

`fake_runtime` functions are `provided.al2023` functions whose `bootstrap` is a small stdlib Runtime API client
(FAKE_RUNTIME below) that acts on its event's "action": it lets the tests drive every way an invocation can
end without depending on the real bootstraps.
"""
from __future__ import annotations

import itertools
import os
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mocklambda.runtime import FunctionSpec, Invocation, LogSink, Runtime, RuntimeConfig
from tests.runtime.runtime_api_stub import RuntimeApiStub

ACCOUNT = "123456789012"
REGION = "us-east-1"
_numbers = itertools.count(1)

FAKE_RUNTIME = r'''
import http.client, json, os, signal, sys, time

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
conn = http.client.HTTPConnection(host, int(port))
COUNT = 0

def call(method, path, body=None, headers=None):
    conn.request(method, "/2018-06-01/runtime" + path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read(), dict(response.getheaders())

mode = os.environ.get("INIT_MODE", "")
if mode == "print":
    print("init line", flush=True)
elif mode == "error":
    print("init failing", flush=True)
    call("POST", "/init/error", json.dumps({"errorMessage": "boom", "errorType": "InitBoom"}),
         {"Lambda-Runtime-Function-Error-Type": "Runtime.Whatever"})
    sys.exit(1)
elif mode == "exit":
    sys.exit(2)
elif mode == "sleep":
    time.sleep(30)

while True:
    try:
        status, body, headers = call("GET", "/invocation/next")
    except OSError:
        sys.exit(0)
    if status != 200:
        sys.exit(0)
    request_id = headers["Lambda-Runtime-Aws-Request-Id"]
    event = json.loads(body)
    action = event.get("action", "echo")
    result = event
    if action == "pid":
        result = {"pid": os.getpid()}
    elif action == "count":
        COUNT += 1
        result = {"count": COUNT, "pid": os.getpid()}
    elif action == "env":
        result = dict(os.environ)
    elif action == "headers":
        result = headers
    elif action == "sleep":
        time.sleep(event["seconds"])
        result = {"slept": event["seconds"], "pid": os.getpid()}
    elif action == "print":
        for line in event["lines"]:
            print(line, flush=True)
        sys.stderr.write("to stderr\n")
        sys.stderr.flush()
    elif action == "partial":
        sys.stdout.write("no newline")
        sys.stdout.flush()
    elif action == "exit":
        print("exiting", flush=True)
        os._exit(event["code"])
    elif action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "alloc":
        hold = bytearray(event["mb"] * 1024 * 1024)
        for i in range(0, len(hold), 4096):
            hold[i] = 1
        time.sleep(event.get("hold", 0))
        result = {"allocated": event["mb"]}
    elif action == "error":
        status, answer, _ = call("POST", f"/invocation/{request_id}/error", event.get("body", ""),
                                 event.get("headers", {}))
        continue
    elif action == "big":
        status, answer, _ = call("POST", f"/invocation/{request_id}/response", b"x" * event["size"])
        call("POST", f"/invocation/{request_id}/response", b"{}")  # already answered: 400
        continue
    elif action == "api":
        results = {
            "wrong_id": call("POST", "/invocation/not-the-id/response", b"{}")[:2],
            "init_error_late": call("POST", "/init/error", b"{}")[:2],
            "next_again": call("GET", "/invocation/next")[:2],
            "unknown": call("GET", "/nowhere")[:1],
        }
        result = {key: [value[0], value[1].decode()] if len(value) > 1 else [value[0]]
                  for key, value in results.items()}
    elif action == "respond_then_exit":
        call("POST", f"/invocation/{request_id}/response", json.dumps({"pid": os.getpid()}))
        sys.exit(0)
    elif action == "tmp":
        path = os.path.join(os.environ["TMPDIR"], "marker")
        existed = os.path.exists(path)
        open(path, "w").close()
        result = {"existed": existed, "tmpdir": os.environ["TMPDIR"]}
    call("POST", f"/invocation/{request_id}/response", json.dumps(result))
'''


@dataclass
class Sink:
    """A LogSink that keeps everything: {(group, stream): [(ms, line)]}."""

    streams: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, group: str, stream: str, lines: list[tuple[int, str]]) -> None:
        with self.lock:
            self.streams.setdefault((group, stream), []).extend(lines)

    def lines(self, group: str | None = None) -> list[str]:
        with self.lock:
            return [line for (g, _), lines in self.streams.items() if group in (None, g) for _, line in lines]


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as listing:
                    children = [int(child) for child in listing.read().split()]
            except OSError:
                continue
            for child in children:
                if child not in found:
                    found.add(child)
                    pending.append(child)
    return found


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Test-side bounded wait for something the runtime does in the background."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def api() -> Iterator[RuntimeApiStub]:
    """A stand-in Runtime API for a runtime process under test; closed afterwards."""
    stub = RuntimeApiStub()
    yield stub
    stub.close()


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def make_runtime(tmp_path: Path, sink: Sink) -> Iterator[Callable[..., Runtime]]:
    """make_runtime(log_sink=None, **RuntimeConfig fields) -> a Runtime, stopped after the test; then no process it started
    (or any descendant of this process) may be left."""
    made: list[Runtime] = []
    seen_pids: set[int] = set()
    before = _descendants(os.getpid())

    def make(log_sink: LogSink | None = None, **overrides: Any) -> Runtime:
        overrides.setdefault("interpreters", {})  # not the MOCKLAMBDA_RUNTIME_* of the environment running tests
        config = RuntimeConfig(data_dir=tmp_path / f"data{len(made)}", **overrides)
        runtime = Runtime(config, log_sink or sink)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        seen_pids.update(env.pid for env in runtime.environments() if env.pid)
        runtime.stop()
    left = {pid for pid in (_descendants(os.getpid()) - before) | seen_pids if alive(pid)}
    assert not left, f"processes left behind: {sorted(left)}"
    for runtime in made:
        assert not runtime.tmp_root.exists() or not any(runtime.tmp_root.iterdir())


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    return make_runtime()


@pytest.fixture
def code_dir(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """code_dir({name: content}) -> a fresh code root with those files (`bootstrap` made executable)."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / f"code{next(_numbers)}"
        root.mkdir()
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content))
            if name == "bootstrap":
                path.chmod(0o755)
        return root

    return write


@pytest.fixture
def fake_code(code_dir: Callable[[dict[str, str]], Path]) -> Path:
    return code_dir({"bootstrap": f"#!{sys.executable} -S\n{FAKE_RUNTIME}"})


def make_spec(code_root: Path, name: str | None = None, **overrides: Any) -> FunctionSpec:
    name = name or f"fn{next(_numbers)}"
    fields: dict[str, Any] = {
        "function_name": name,
        "function_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
        "version": "$LATEST",
        "runtime": "provided.al2023",
        "handler": "app.handler",
        "code_root": code_root,
        "account_id": ACCOUNT,
        "region": REGION,
        "log_group": f"/aws/lambda/{name}",
    }
    fields.update(overrides)
    return FunctionSpec(**fields)


@pytest.fixture
def fake_spec(fake_code: Path) -> FunctionSpec:
    return make_spec(fake_code)


def invocation(spec: FunctionSpec, payload: bytes = b"{}", **overrides: Any) -> Invocation:
    fields: dict[str, Any] = {
        "request_id": f"req-{next(_numbers):06d}-0000-4000-8000-000000000000",
        "payload": payload,
        "invoked_function_arn": spec.function_arn,
    }
    fields.update(overrides)
    return Invocation(**fields)
