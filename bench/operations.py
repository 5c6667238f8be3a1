"""The trivial operations the latency benchmark calls, and how to build the boto3 clients that call them.

Each operation carries the canned HTTP response the floor server answers with: a valid, empty result in
that service's wire protocol (json 1.0, rest-json, query XML), so botocore parses it exactly as it would
mocklambda's answer.
INVOKE is kept apart from OPERATIONS (mocklambda can only answer it once a function exists): bench/invoke.py
creates the function it names and times it against a floor answering Invoke's canned response.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

_SNS_LIST_TOPICS_XML = (
    '<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
    "<ListTopicsResult><Topics/></ListTopicsResult>"
    "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>"
    "</ListTopicsResponse>"
)


@dataclass(frozen=True)
class Operation:
    """One boto3 call with fixed arguments (none by default), and the floor's canned answer to it."""

    service: str  # boto3 client name
    method: str  # boto3 method name
    name: str  # AWS operation name
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()  # further response headers the floor sends
    arguments: tuple[tuple[str, Any], ...] = ()  # keyword arguments of the boto3 call
    streaming: str | None = None  # a streaming response member, read to its end (as a caller would)

    @property
    def label(self) -> str:
        return f"{self.service}.{self.name}"

    def call(self, client: Any) -> Any:
        response = getattr(client, self.method)(**dict(self.arguments))
        if self.streaming is not None:
            response[self.streaming].read()  # also gives the connection back to the pool
        return response


OPERATIONS: tuple[Operation, ...] = (
    Operation("dynamodb", "list_tables", "ListTables", "application/x-amz-json-1.0", b'{"TableNames":[]}'),
    Operation("lambda", "list_functions", "ListFunctions", "application/json", b'{"Functions":[]}'),
    Operation("sns", "list_topics", "ListTopics", "text/xml", _SNS_LIST_TOPICS_XML.encode()),
)

# A synchronous invoke of a function that returns its event: the floor answers 200, `{}` and the
# version header.
INVOKE_FUNCTION_NAME = "bench-trivial"
INVOKE = Operation(
    "lambda", "invoke", "Invoke", "application/json", b"{}",
    headers=(("X-Amz-Executed-Version", "$LATEST"),),
    arguments=(("FunctionName", INVOKE_FUNCTION_NAME), ("Payload", b"{}")),
    streaming="Payload",
)


def make_client(service: str, endpoint_url: str | None) -> Any:
    """A boto3 client with fake credentials and no retries (a failure should show, not be hidden).

    `endpoint_url=None` leaves the endpoint to boto3 (for moto's in-process mock)."""
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10)
    return boto3.client(
        service, endpoint_url=endpoint_url, region_name=REGION, config=config, **FAKE_CREDENTIALS
    )
