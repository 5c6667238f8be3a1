"""The environment variables of an execution environment's process (reference A8), built from scratch.

Order of precedence as in AWS (later wins): the function's own variables, then what the platform sets. The
unreserved variables AWS lets a function extend (PATH, LD_LIBRARY_PATH, PYTHONPATH, NODE_PATH, LANG) keep the
function's value when it sets one.

What leaks in from the mock's own environment, on purpose, and nothing else: PATH and LD_LIBRARY_PATH (after the
layers' directories), so interpreters, shells and tools resolve as they do for the mock. The Python interpreter
also finds its own site-packages without any variable, so boto3 imports as in AWS's runtime. Must not read any
other variable of the mock's environment.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from mocklambda.runtime.spec import FunctionSpec

# Variables whose value from the function's configuration wins over ours (AWS lets functions extend them).
_EXTENSIBLE = frozenset({"PATH", "LD_LIBRARY_PATH", "PYTHONPATH", "NODE_PATH", "LANG"})


def runtime_family(runtime: str) -> str:
    """"python", "nodejs" or "provided" (anything else is reported as an invalid entrypoint)."""
    for family in ("python", "nodejs", "provided"):
        if runtime.startswith(family):
            return family
    return runtime


def build_environment(
    spec: FunctionSpec,
    *,
    runtime_api: str,
    log_group: str,
    log_stream: str,
    tmpdir: Path,
    runtime_dir: Path,
    endpoint_url: str,
    interpreter: str | None = None,
    mock_environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The whole environment of one environment's process. `interpreter` (python or node) goes first on PATH,
    as AWS's /var/lang/bin does, so `python`/`node` in a subprocess of the handler is the same interpreter."""
    host = os.environ if mock_environ is None else mock_environ
    family = runtime_family(spec.runtime)
    platform: dict[str, str] = {
        "LANG": "en_US.UTF-8",
        "PATH": _join([
            os.path.dirname(interpreter) if interpreter else "",
            *_existing(layer / "bin" for layer in reversed(spec.layer_roots)),
            host.get("PATH", ""),
        ]),
        "LD_LIBRARY_PATH": _join([
            *_existing(layer / "lib" for layer in reversed(spec.layer_roots)),
            str(spec.code_root),
            str(spec.code_root / "lib"),
            host.get("LD_LIBRARY_PATH", ""),
        ]),
    }
    if family == "python":
        platform["PYTHONPATH"] = _join(_python_layer_paths(spec))
    elif family == "nodejs":
        platform["NODE_PATH"] = _join(_node_layer_paths(spec))
    reserved: dict[str, str] = {
        "_HANDLER": spec.handler,
        "LAMBDA_TASK_ROOT": str(spec.code_root),
        "LAMBDA_RUNTIME_DIR": str(runtime_dir),
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_LOG_GROUP_NAME": log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_LAMBDA_INITIALIZATION_TYPE": spec.initialization_type,
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "TZ": ":UTC",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        # Fake credentials: a 12-digit access key id makes the mock act in the function's own account.
        "AWS_ACCESS_KEY_ID": spec.account_id,
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        # Not an AWS variable: every tempfile of the function lands in the environment's own directory.
        "TMPDIR": str(tmpdir),
    }
    if family != "provided":
        reserved["AWS_EXECUTION_ENV"] = f"AWS_Lambda_{spec.runtime}"
    if spec.log_format == "JSON":
        reserved["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        reserved["AWS_LAMBDA_LOG_LEVEL"] = (spec.application_log_level or "INFO").upper()
    if endpoint_url:
        reserved["AWS_ENDPOINT_URL"] = endpoint_url
    environment = {name: value for name, value in platform.items() if value}
    for name, value in spec.environment.items():
        if name in _EXTENSIBLE or name not in reserved:
            environment[name] = value
    environment.update(reserved)
    return environment


def _python_layer_paths(spec: FunctionSpec) -> list[str]:
    # AWS merges layers into /opt in order, later layers overwriting earlier ones: so later layers come first.
    # Its own order is /opt/python/lib/python3.X/site-packages, then /opt/python.
    layers = list(reversed(spec.layer_roots))
    version_dir = spec.runtime if spec.runtime.startswith("python3") else "python3"
    return [
        *_existing(layer / "python" / "lib" / version_dir / "site-packages" for layer in layers),
        *_existing(layer / "python" for layer in layers),
    ]


def _node_layer_paths(spec: FunctionSpec) -> list[str]:
    # AWS: /opt/nodejs/node20/node_modules, /opt/nodejs/node_modules, then the runtime's and the task root.
    layers = list(reversed(spec.layer_roots))
    major = "".join(ch for ch in spec.runtime.removeprefix("nodejs").split(".")[0] if ch.isdigit())
    return [
        *_existing(layer / "nodejs" / f"node{major}" / "node_modules" for layer in layers),
        *_existing(layer / "nodejs" / "node_modules" for layer in layers),
        str(spec.code_root),
    ]


def _existing(paths: Iterable[Path]) -> list[str]:
    return [str(path) for path in paths if path.is_dir()]


def _join(parts: Iterable[str]) -> str:
    return os.pathsep.join(part for part in parts if part)
