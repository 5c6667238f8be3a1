"""The process environment (reference A8): reserved variables, the function's own, layers, nothing else leaking."""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from mocklambda.runtime import FunctionSpec, Runtime
from mocklambda.runtime.envvars import build_environment
from tests.runtime.conftest import ACCOUNT, invocation, make_spec


def environment_of(runtime: Runtime, spec: FunctionSpec) -> dict[str, str]:
    result = runtime.invoke(spec, invocation(spec, b'{"action": "env"}'))
    assert result.function_error is None, result.payload
    document: dict[str, str] = json.loads(result.payload)
    return document


def test_process_gets_the_reserved_variables(make_runtime: Callable[..., Runtime], fake_code: Path) -> None:
    runtime = make_runtime(endpoint_url="http://127.0.0.1:4566")
    spec = make_spec(fake_code, memory_mb=256, handler="index.main")

    env = environment_of(runtime, spec)

    [environment] = runtime.environments()
    assert env["_HANDLER"] == "index.main"
    assert env["LAMBDA_TASK_ROOT"] == str(fake_code)
    assert env["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == spec.function_name
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == spec.log_group
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == environment.log_stream
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert (env["TZ"], env["LANG"]) == (":UTC", "en_US.UTF-8")
    assert env["AWS_ACCESS_KEY_ID"] == ACCOUNT
    assert env["AWS_SECRET_ACCESS_KEY"] == env["AWS_SESSION_TOKEN"] == "testing"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert env["TMPDIR"] == str(environment.tmpdir)
    assert "AWS_EXECUTION_ENV" not in env  # provided runtimes have none
    assert os.getcwd() != str(fake_code)


def test_process_gets_nothing_else_from_the_mock(runtime: Runtime, fake_spec: FunctionSpec,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_ONLY_SECRET", "leak")
    monkeypatch.setenv("AWS_PROFILE", "someone")

    env = environment_of(runtime, fake_spec)

    assert "MOCK_ONLY_SECRET" not in env and "AWS_PROFILE" not in env
    assert "HOME" not in env
    assert env["PATH"].endswith(os.environ["PATH"])


def test_two_functions_see_only_their_own_variables(runtime: Runtime, fake_code: Path) -> None:
    first = make_spec(fake_code, environment={"ONLY_FIRST": "1", "SHARED": "a"})
    second = make_spec(fake_code, environment={"SHARED": "b"})

    env_first, env_second = environment_of(runtime, first), environment_of(runtime, second)

    assert (env_first["SHARED"], env_second["SHARED"]) == ("a", "b")
    assert "ONLY_FIRST" not in env_second
    assert env_first["AWS_LAMBDA_FUNCTION_NAME"] != env_second["AWS_LAMBDA_FUNCTION_NAME"]


def test_function_variables_cannot_override_reserved_ones_but_extend_path(runtime: Runtime,
                                                                         fake_spec: FunctionSpec) -> None:
    spec = replace(fake_spec, environment={"AWS_REGION": "eu-west-1", "PATH": "/custom/bin:/usr/bin:/bin",
                                           "LANG": "C.UTF-8"})

    env = environment_of(runtime, spec)

    assert env["AWS_REGION"] == "us-east-1"
    assert env["PATH"] == "/custom/bin:/usr/bin:/bin"
    assert env["LANG"] == "C.UTF-8"


def test_python_environment_has_layer_paths_later_layers_first(tmp_path: Path) -> None:
    layers = []
    for name in ("one", "two"):
        root = tmp_path / name
        (root / "python" / "lib" / "python3.12" / "site-packages").mkdir(parents=True)
        (root / "bin").mkdir()
        (root / "lib").mkdir()
        layers.append(root)
    spec = make_spec(tmp_path, runtime="python3.12", layer_roots=tuple(layers))

    env = build_environment(spec, runtime_api="127.0.0.1:1", log_group="g", log_stream="s", tmpdir=tmp_path,
                            runtime_dir=tmp_path, endpoint_url="", interpreter="/opt/py/bin/python3",
                            mock_environ={"PATH": "/usr/bin", "LD_LIBRARY_PATH": "/usr/lib", "SECRET": "x"})

    one, two = layers
    assert env["PYTHONPATH"].split(":") == [
        f"{two}/python/lib/python3.12/site-packages", f"{one}/python/lib/python3.12/site-packages",
        f"{two}/python", f"{one}/python",
    ]
    assert env["PATH"].split(":") == ["/opt/py/bin", f"{two}/bin", f"{one}/bin", "/usr/bin"]
    assert env["LD_LIBRARY_PATH"].split(":") == [f"{two}/lib", f"{one}/lib", str(tmp_path), f"{tmp_path}/lib",
                                                 "/usr/lib"]
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert "SECRET" not in env and "AWS_ENDPOINT_URL" not in env


def test_node_environment_has_node_path(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    (layer / "nodejs" / "node20" / "node_modules").mkdir(parents=True)
    (layer / "nodejs" / "node_modules").mkdir(parents=True)
    spec = make_spec(tmp_path / "code", runtime="nodejs20.x", layer_roots=(layer,), log_format="JSON",
                     application_log_level="debug")

    env = build_environment(spec, runtime_api="127.0.0.1:1", log_group="g", log_stream="s", tmpdir=tmp_path,
                            runtime_dir=tmp_path, endpoint_url="", mock_environ={})

    assert env["NODE_PATH"].split(":") == [
        f"{layer}/nodejs/node20/node_modules", f"{layer}/nodejs/node_modules", f"{tmp_path}/code"]
    assert (env["AWS_LAMBDA_LOG_FORMAT"], env["AWS_LAMBDA_LOG_LEVEL"]) == ("JSON", "DEBUG")
    assert "PYTHONPATH" not in env
