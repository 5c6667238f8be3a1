"""Fixtures for Lambda tests: zips made in memory, and a factory that creates functions through boto3."""
from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SNAPSHOTS = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "aws-snapshots"
ROLE = "arn:aws:iam::123456789012:role/lambda-role"
HANDLER_SOURCE = "def handler(event, context):\n    return event\n"

_names = itertools.count(1)


def make_zip(files: dict[str, str | bytes] | None = None) -> bytes:
    """A deployment package in memory; by default one Python module app.py with app.handler."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (files or {"app.py": HANDLER_SOURCE}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def snapshot(test_name: str) -> dict[str, Any]:
    """The recorded AWS responses of one test in lambda___test_lambda_api.snapshot.json, by key suffix."""
    data = json.loads((SNAPSHOTS / "lambda___test_lambda_api.snapshot.json").read_text())
    matches = [value["recorded-content"] for key, value in data.items() if key.endswith(test_name)]
    assert matches, f"no snapshot ends with {test_name}"
    return matches[0]


@pytest.fixture
def awslambda(client) -> Any:
    return client("lambda")


@pytest.fixture
def create_function(awslambda) -> Callable[..., dict[str, Any]]:
    """create_function(**overrides) -> CreateFunction's response; a fresh name each call unless given."""

    def create(**overrides: Any) -> dict[str, Any]:
        params: dict[str, Any] = {
            "FunctionName": f"fn-{next(_names)}",
            "Runtime": "python3.12",
            "Role": ROLE,
            "Handler": "app.handler",
            "Code": {"ZipFile": make_zip()},
        }
        params.update(overrides)
        return awslambda.create_function(**params)

    return create
