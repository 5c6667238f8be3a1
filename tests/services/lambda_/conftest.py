"""Fixtures and helpers shared by the Lambda tests: zips made in memory, recorded AWS responses, a factory that
creates functions through boto3, a function with a published version and alias, and AWS error checks."""
from __future__ import annotations

import base64
import hashlib
import io
import itertools
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests import reference

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
ALIAS = "live"  # the alias of the `published` fixture
HANDLER_SOURCE = "def handler(event, context):\n    return event\n"

_names = itertools.count(1)


def make_zip(files: dict[str, str | bytes] | None = None) -> bytes:
    """A deployment package in memory; by default one Python module app.py with app.handler."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (files or {"app.py": HANDLER_SOURCE}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def code_sha256(package: bytes) -> str:
    """CodeSha256 as Lambda reports it: base64 of the SHA-256 digest of the zip."""
    return base64.b64encode(hashlib.sha256(package).digest()).decode()


def snapshot(test_name: str) -> dict[str, Any]:
    """The recorded AWS responses of one test in lambda___test_lambda_api.snapshot.json, by key suffix."""
    data = reference.load("lambda___test_lambda_api.snapshot.json")
    matches = [value["recorded-content"] for key, value in data.items() if key.endswith(test_name)]
    assert matches, f"no snapshot ends with {test_name}"
    return matches[0]


def function_arn(name: str, qualifier: str | None = None) -> str:
    """A function's ARN in the tests' account and region."""
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}" + (f":{qualifier}" if qualifier else "")


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    """An AWS error as (Code, HTTP status, Message)."""
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def assert_error(error: pytest.ExceptionInfo[ClientError], code: str, status: int, message: str) -> None:
    assert error_of(error) == (code, status, message)


def members(response: dict[str, Any]) -> set[str]:
    """The members of a response, without boto3's ResponseMetadata."""
    return set(response) - {"ResponseMetadata"}


def body(response: dict[str, Any]) -> dict[str, Any]:
    """A response without boto3's ResponseMetadata."""
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


@pytest.fixture
def awslambda(client) -> Any:
    return client("lambda")


@pytest.fixture
def unvalidated_lambda(client) -> Any:
    """A Lambda client that sends what botocore would refuse itself, so the server's own validation answers."""
    return client("lambda", config=Config(parameter_validation=False))


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


@pytest.fixture
def function(create_function) -> dict[str, Any]:
    """A new function's CreateFunction response."""
    return create_function()


@pytest.fixture
def published(awslambda, function) -> dict[str, Any]:
    """The function with version 1 and alias `live` (ALIAS) pointing to it."""
    awslambda.publish_version(FunctionName=function["FunctionName"])
    awslambda.create_alias(FunctionName=function["FunctionName"], Name=ALIAS, FunctionVersion="1")
    return function
