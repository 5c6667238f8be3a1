"""Fixtures and helpers shared by the S3 tests: path-style clients, buckets made per test, AWS error
checks."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "111122223333"  # a 12-digit access key id acts in that account
REGION = "us-east-1"
PATH_STYLE = Config(s3={"addressing_style": "path"})

_names = itertools.count(1)


def unique_bucket_name(stem: str = "bucket") -> str:
    return f"{stem}-{next(_names)}"


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    """An AWS error as (Code, HTTP status, Message)."""
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def assert_error(excinfo: pytest.ExceptionInfo[ClientError], code: str, status: int, message: str) -> None:
    assert error_of(excinfo) == (code, status, message)


def error_fields(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    """The elements of S3's <Error> document (Code, Message, BucketName, Key, ...)."""
    fields: dict[str, Any] = excinfo.value.response["Error"]
    return fields


@pytest.fixture
def s3_client(client) -> Callable[..., Any]:
    """s3_client(region=..., account=...): a path-style S3 client; `account` signs with a 12-digit key id."""

    def make(region: str = REGION, account: str | None = None, **kwargs: Any) -> Any:
        if account is not None:
            kwargs.update(aws_access_key_id=account, aws_secret_access_key="secret")
        kwargs.setdefault("config", PATH_STYLE)
        return client("s3", region=region, **kwargs)

    return make


@pytest.fixture
def s3(s3_client) -> Any:
    return s3_client()


@pytest.fixture
def other_account_s3(s3_client) -> Any:
    return s3_client(account=OTHER_ACCOUNT)


@pytest.fixture
def bucket(s3) -> str:
    """A new bucket in us-east-1 (the state is reset after each test)."""
    name = unique_bucket_name()
    s3.create_bucket(Bucket=name)
    return name
