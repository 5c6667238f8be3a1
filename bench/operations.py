"""The trivial operations the latency benchmark calls, and how to build the boto3 clients that call them.

Each operation carries the canned HTTP response the floor server answers with: a valid, empty result in
that service's wire protocol (json 1.0, rest-json, query XML), so botocore parses it exactly as it would
mocklambda's answer.
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
    """One boto3 call with no arguments, and the floor's canned answer to it."""

    service: str  # boto3 client name
    method: str  # boto3 method name
    name: str  # AWS operation name
    content_type: str
    body: bytes

    @property
    def label(self) -> str:
        return f"{self.service}.{self.name}"

    def call(self, client: Any) -> Any:
        return getattr(client, self.method)()


OPERATIONS: tuple[Operation, ...] = (
    Operation("dynamodb", "list_tables", "ListTables", "application/x-amz-json-1.0", b'{"TableNames":[]}'),
    Operation("lambda", "list_functions", "ListFunctions", "application/json", b'{"Functions":[]}'),
    Operation("sns", "list_topics", "ListTopics", "text/xml", _SNS_LIST_TOPICS_XML.encode()),
)


def make_client(service: str, endpoint_url: str | None) -> Any:
    """A boto3 client with fake credentials and no retries (a failure should show, not be hidden).

    `endpoint_url=None` leaves the endpoint to boto3 (for moto's in-process mock)."""
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10)
    return boto3.client(
        service, endpoint_url=endpoint_url, region_name=REGION, config=config, **FAKE_CREDENTIALS
    )
