"""S3 event notifications: building the record AWS sends, and delivering it to a Lambda function or an SNS topic.

What S3 decided (which configuration matched which write) arrives here as plain facts (`S3EventFacts`);
this module turns them into the exact JSON record of reference C1 and hands `{"Records": [record]}` to an
asynchronous (`Event`) invocation through the emulator's FunctionInvoker capability, or publishes it (as
compact JSON, subject "Amazon S3 Notification", as recorded) through the emulator's topic publisher. It runs
on the event bus, after the write that caused it has returned.

It must not import the gateway or any provider, and it decides nothing about matching: which configuration
applies to which key and event lives with the configuration, in services/s3/notifications.py.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from mocklambda import arns

logger = logging.getLogger(__name__)

EVENT_SOURCE = "aws:s3"
S3_SCHEMA_VERSION = "1.0"
# The eTag S3 reports for a delete marker: the MD5 of no bytes.
EMPTY_ETAG = "d41d8cd98f00b204e9800998ecf8427e"
# Event families AWS sends with eventVersion 2.3 (reference C1); everything else we emit is 2.1.
_VERSION_2_3_FAMILIES = ("ObjectTagging:", "ObjectAcl:", "LifecycleExpiration:", "LifecycleTransition",
                         "IntelligentTiering", "ObjectRestore:Delete")

# Invokes a function asynchronously: (account_id, region, function_arn, payload) -> request id; LookupError
# when the function does not exist (the emulator's invoke_function_async).
FunctionInvoker = Callable[[str, str, str, bytes], str]
# Publishes to an SNS topic: (account_id, region, topic_arn, message, subject) -> message id; LookupError when
# the topic does not exist (the emulator's publish_to_topic).
TopicPublisher = Callable[[str, str, str, str, "str | None"], str]
# The Subject of every message S3 publishes to a topic (recorded, s3__test_s3_notifications_sns).
TOPIC_SUBJECT = "Amazon S3 Notification"


@dataclass(frozen=True)
class S3EventFacts:
    """What happened, as S3 knows it right after the write: everything a record is built from."""

    event_name: str  # with the "s3:" prefix, as configurations name it: "s3:ObjectCreated:Put"
    region: str  # the bucket's region
    event_time: dt.datetime  # when S3 finished the request (UTC)
    requester: str  # userIdentity.principalId
    source_ip: str
    request_id: str  # x-amz-request-id of the triggering request
    host_id: str  # x-amz-id-2 of the triggering request
    bucket_name: str
    bucket_owner: str  # ownerIdentity.principalId
    key: str  # the object key, decoded (encoded here)
    size: int | None
    etag: str | None  # unquoted hex
    version_id: str | None  # only for versioned writes (None for the null version)
    sequencer: str | None


def encode_key(key: str) -> str:
    """The key as S3 writes it in events: form-encoded (space -> '+', '+' -> '%2B'), '/' left as is."""
    return quote_plus(key, safe="/")


def event_time_text(moment: dt.datetime) -> str:
    """ISO-8601 with milliseconds and Z, as S3's eventTime."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def event_version(event_name: str) -> str:
    name = event_name.removeprefix("s3:")
    return "2.3" if name.startswith(_VERSION_2_3_FAMILIES) else "2.1"


def _object_entry(facts: S3EventFacts, name: str) -> dict[str, Any]:
    # Which object fields appear depends on the event, as recorded (s3__test_s3_notifications_sqs): removals
    # carry no size or eTag (a delete marker carries the empty eTag), tagging and ACL events carry no size and
    # no sequencer.
    entry: dict[str, Any] = {"key": encode_key(facts.key)}
    removed = name.startswith("ObjectRemoved:")
    metadata_only = name.startswith(("ObjectTagging:", "ObjectAcl:"))
    if not removed and not metadata_only and facts.size is not None:
        entry["size"] = facts.size
    if name == "ObjectRemoved:DeleteMarkerCreated":
        entry["eTag"] = EMPTY_ETAG
    elif not removed and facts.etag is not None:
        entry["eTag"] = facts.etag
    if facts.version_id is not None:
        entry["versionId"] = facts.version_id
    if not metadata_only and facts.sequencer is not None:
        entry["sequencer"] = facts.sequencer
    return entry


def build_record(facts: S3EventFacts, configuration_id: str) -> dict[str, Any]:
    """One record of the `Records` array, field for field (and in the order) AWS sends it."""
    name = facts.event_name.removeprefix("s3:")
    return {
        "eventVersion": event_version(name),
        "eventSource": EVENT_SOURCE,
        "awsRegion": facts.region,
        "eventTime": event_time_text(facts.event_time),
        "eventName": name,
        "userIdentity": {"principalId": facts.requester},
        "requestParameters": {"sourceIPAddress": facts.source_ip},
        "responseElements": {"x-amz-request-id": facts.request_id, "x-amz-id-2": facts.host_id},
        "s3": {
            "s3SchemaVersion": S3_SCHEMA_VERSION,
            "configurationId": configuration_id,
            "bucket": {
                "name": facts.bucket_name,
                "ownerIdentity": {"principalId": facts.bucket_owner},
                "arn": f"arn:{arns.partition_for(facts.region)}:s3:::{facts.bucket_name}",
            },
            "object": _object_entry(facts, name),
        },
    }


def deliver_to_function(invoke: FunctionInvoker, function_arn: str, record: dict[str, Any]) -> None:
    """Invoke the function asynchronously with one record, in the function's own account and region (taken
    from its ARN). A function that no longer exists is logged and dropped, as AWS drops a delivery it cannot
    make (it does not retry to a deleted function)."""
    parsed = arns.parse(function_arn)
    payload = json.dumps({"Records": [record]}).encode()
    try:
        invoke(parsed.account, parsed.region, function_arn, payload)
    except LookupError as missing:
        logger.warning("S3 notification %s for %s dropped: %s", record["eventName"], function_arn, missing)


def compact_json(document: dict[str, Any]) -> str:
    """JSON as S3 writes a topic's message: no spaces after separators."""
    return json.dumps(document, separators=(",", ":"))


def s3_test_event(bucket_name: str, moment: dt.datetime, request_id: str, host_id: str) -> dict[str, Any]:
    """The s3:TestEvent S3 publishes to a topic when a configuration naming it is saved (reference C1)."""
    return {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": event_time_text(moment),
            "Bucket": bucket_name, "RequestId": request_id, "HostId": host_id}


def deliver_to_topic(publish: TopicPublisher, topic_arn: str, document: dict[str, Any]) -> None:
    """Publish `document` (`{"Records": [record]}` or a test event) to the topic, in the topic's own account
    and region. A topic deleted since the configuration was saved is logged and dropped, as AWS drops it."""
    parsed = arns.parse(topic_arn)
    try:
        publish(parsed.account, parsed.region, topic_arn, compact_json(document), TOPIC_SUBJECT)
    except LookupError as missing:
        logger.warning("S3 notification to %s dropped: %s", topic_arn, missing)
