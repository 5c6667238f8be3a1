"""Fixtures shared by the SNS tests: a boto3 client on the session server and a standard topic."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def sns(client: Callable[..., Any]) -> Any:
    return client("sns")


@pytest.fixture
def topic(sns: Any) -> str:
    arn: str = sns.create_topic(Name="t")["TopicArn"]
    return arn
