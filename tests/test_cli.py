"""`mocklambda serve`: the ready line, serving, clean shutdown on signals, and the AWS CLI against it."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest

READY = re.compile(r"^mocklambda ready on (http://127\.0\.0\.1:(\d+))$")


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "mocklambda", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline().rstrip("\n") if process.stdout else ""
    match = READY.match(line)
    if not match:
        process.kill()
        raise AssertionError(f"no ready line: {line!r} {process.stderr.read() if process.stderr else ''}")
    return process, match.group(1)


@pytest.fixture
def served() -> Iterator[str]:
    process, endpoint = start()
    try:
        yield endpoint
    finally:
        process.kill()
        process.wait(timeout=10)


def test_serve_prints_ready_line_and_answers(served):
    with urllib.request.urlopen(f"{served}/_mocklambda/health", timeout=5) as response:
        assert json.load(response)["status"] == "ok"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_cleanly_on_signal(signum):
    process, _ = start()
    process.send_signal(signum)
    assert process.wait(timeout=10) == 0
    assert process.stdout is not None and process.stdout.read() == ""  # exactly one line was printed


def test_serve_account_id_option():
    process, endpoint = start("--account-id", "000000000000")
    try:
        with urllib.request.urlopen(f"{endpoint}/_mocklambda/health", timeout=5) as response:
            assert json.load(response)["account_id"] == "000000000000"
    finally:
        process.kill()
        process.wait(timeout=10)


def test_serve_port_in_use_fails_with_message(served):
    port = served.rsplit(":", 1)[1]
    result = subprocess.run([sys.executable, "-m", "mocklambda", "serve", "--port", port],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_console_script_help():
    script = shutil.which("mocklambda", path=os.path.dirname(sys.executable))
    assert script is not None
    result = subprocess.run([script, "serve", "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "--port" in result.stdout


def aws_cli(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1"}
    return subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url", endpoint, *args],
                          capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.skipif(shutil.which("aws", path=os.path.dirname(sys.executable)) is None,
                    reason="the AWS CLI is installed with the dev extras")
@pytest.mark.parametrize(("command", "key"), [
    (("lambda", "list-functions"), "Functions"),
    (("dynamodb", "list-tables"), "TableNames"),
    (("sns", "list-topics"), "Topics"),
])
def test_aws_cli_against_server(served, command, key):
    result = aws_cli(served, *command)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[key] == []


@pytest.mark.skipif(shutil.which("aws", path=os.path.dirname(sys.executable)) is None,
                    reason="the AWS CLI is installed with the dev extras")
def test_aws_cli_sees_aws_error(served):
    result = aws_cli(served, "lambda", "list-code-signing-configs")
    assert result.returncode != 0
    assert "NotImplemented" in result.stderr


def test_serve_sigterm_ends_function_processes():
    import io
    import zipfile

    import boto3

    process, endpoint = start()
    try:
        awslambda = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("app.py", "import os\ndef handler(event, context):\n    return os.getpid()\n")
        awslambda.create_function(FunctionName="pid", Runtime="python3.12", Handler="app.handler",
                                  Role="arn:aws:iam::123456789012:role/r", Code={"ZipFile": buffer.getvalue()})
        pid = json.load(awslambda.invoke(FunctionName="pid")["Payload"])
        assert os.path.exists(f"/proc/{pid}")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert not os.path.exists(f"/proc/{pid}")
