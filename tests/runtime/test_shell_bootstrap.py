"""The provided/shell fixture: a custom runtime written in POSIX shell against a stand-in Runtime API, with curl
(where installed) and with its python3 fallback for machines without curl (Debian's base image has neither)."""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runtime.runtime_api_stub import RuntimeApiStub, RuntimeProcess, RuntimeProcesses

ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "handlers" / "provided" / "shell"
CLIENTS = [
    pytest.param("curl", marks=pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")),
    pytest.param("python", marks=pytest.mark.skipif(shutil.which("python3") is None, reason="no python3")),
]


@pytest.fixture(params=CLIENTS)
def shell_runtime(request: pytest.FixtureRequest, api: RuntimeApiStub, tmp_path: Path) -> Iterator[RuntimeProcess]:
    processes = RuntimeProcesses(api, tmp_path)
    yield processes.start([str(ROOT / "bootstrap")], ROOT, {
        # This interpreter's directory first: python3 there starts faster than a version manager's shim.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "_HANDLER": "function.handler", "LAMBDA_TASK_ROOT": str(ROOT), "AWS_LAMBDA_RUNTIME_API": api.address,
        "TMPDIR": str(tmp_path), "RUNTIME_HTTP_CLIENT": request.param})
    processes.close()


def test_shell_bootstrap_answers_from_the_handler_function(api, shell_runtime):
    request_id = api.push({"n": 1}, headers={"Lambda-Runtime-Trace-Id": "Root=1-abc"})
    post = api.next_post()
    assert (post.kind, post.request_id) == ("response", request_id)
    assert post.json() == {"received": {"n": 1}, "runtime": "shell", "request_id": request_id}
    assert 'shell handler got: {"n": 1}' in shell_runtime.lines()


def test_shell_bootstrap_posts_a_failing_handler_as_an_error(api, shell_runtime):
    api.push({"fail": True})
    post = api.next_post()
    assert post.kind == "error"
    assert post.headers["lambda-runtime-function-error-type"] == "HandlerError"
    assert post.json() == {"errorMessage": "handler exited with status 2", "errorType": "HandlerError"}


def test_shell_bootstrap_serves_invocations_in_turn_and_exits_with_the_api(api, shell_runtime):
    for n in range(2):
        api.push({"n": n})
        assert api.next_post().json()["received"] == {"n": n}
    api.close()
    assert shell_runtime.exit_code() != 0
