"""End-to-end fixtures: functions created through boto3 from handler source given inline."""
from __future__ import annotations

import io
import itertools
import json
import os
import zipfile
from collections.abc import Callable
from typing import Any

import boto3
import pytest

pytest.register_assert_rewrite("tests.e2e.helpers")

from tests.e2e.helpers import REGION  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/lambda-role"
_names = itertools.count(1)


def zip_files(files: dict[str, str | bytes], modes: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644) | 0o100000) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


@pytest.fixture
def awslambda(mocklambda: Any) -> Any:
    return boto3.client("lambda", region_name="us-east-1")


@pytest.fixture
def s3(mocklambda: Any) -> Any:
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def sns(mocklambda: Any) -> Any:
    return boto3.client("sns", region_name=REGION)


@pytest.fixture
def deploy(awslambda: Any) -> Callable[..., str]:
    """deploy(source or {files}, **CreateFunction overrides) -> function name; python3.12 app.handler."""

    def create(code: str | dict[str, str | bytes], **overrides: Any) -> str:
        files = {"app.py": code} if isinstance(code, str) else code
        modes = overrides.pop("modes", None)
        name = overrides.pop("FunctionName", f"fn-{os.getpid()}-{next(_names)}")
        params: dict[str, Any] = {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": ROLE,
            "Handler": "app.handler",
            "Code": {"ZipFile": zip_files(files, modes)},
            "Timeout": 3,
        }
        params.update(overrides)
        awslambda.create_function(**params)
        return name

    return create


@pytest.fixture
def invoke(awslambda: Any) -> Callable[..., tuple[dict[str, Any], Any]]:
    """invoke(name, event=None, **Invoke params) -> (response, decoded payload)."""

    def call(name: str, event: Any = None, **params: Any) -> tuple[dict[str, Any], Any]:
        if event is not None:
            params["Payload"] = json.dumps(event)
        response = awslambda.invoke(FunctionName=name, **params)
        raw = response["Payload"].read()
        try:
            return response, json.loads(raw) if raw else None
        except ValueError:
            return response, raw

    return call


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
