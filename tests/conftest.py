"""Shared fixtures for mocklambda's own tests."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from mocklambda import MockServer


@pytest.fixture
def server() -> MockServer:
    """A fresh, private server for tests that look at server-level behaviour."""
    with MockServer() as running:
        yield running


@pytest.fixture
def client(mocklambda: MockServer) -> Callable[..., Any]:
    """boto3 client factory bound to the per-test mock: client('lambda')."""

    def make(service: str, region: str = "us-east-1", **kwargs: Any) -> Any:
        return boto3.client(service, region_name=region, **kwargs)

    return make
