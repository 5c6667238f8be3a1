"""The hook every object operation calls after a write: which of the bucket's notification configurations match
the event and the key, and the facts handed to events/ for delivery.

`publish(provider, context, bucket, event_name, obj)` is called once per event (DeleteObjects: once per key)
right after the store changed; it only decides and queues: the record is built now (its eventTime is when
the request finished) and delivered on the event bus, after the response has gone back. It never raises for
a destination that cannot be reached.

Lambda and SNS destinations deliver: functions through the emulator's asynchronous invoke capability, topics
through its topic publisher (the s3:TestEvent sent when a topic configuration is saved is
`publish_test_events`). SQS does not exist in mocklambda yet: a QueueConfiguration is stored and returned by
GetBucketNotificationConfiguration but nothing is sent to it; EventBridgeConfiguration likewise. This module
must not import another provider.

Order: deliveries are NOT guaranteed to arrive in the order of the writes, even for one bucket and key, as in
AWS. Each delivery is its own task on the event bus, which runs up to 4 worker threads, and each is an
asynchronous invocation, so two events (say ObjectTagging:Put then ObjectTagging:Delete) may reach the
function, or its logs, in either order. Consumers order the events of one key by `s3.object.sequencer`
(left-pad the shorter with zeros, compare as strings); tests must do the same, or compare sets. The sequencer
is therefore taken by the operation under `store.lock` in the same step as the change it describes (a new
object's own sequencer; for ObjectRemoved:Delete a copy of the removed version with a fresh one, objects.py
`_for_event`), never here: taking it after the lock is released would let a concurrent write on the key get
an earlier sequencer than the change it follows. Tagging events carry no sequencer (as recorded from AWS).
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from mocklambda.events.s3_notifications import (
    S3EventFacts,
    build_record,
    deliver_to_function,
    deliver_to_topic,
    encode_key,
    s3_test_event,
)
from mocklambda.services.base import RequestContext
from mocklambda.services.s3.models import Bucket, S3Object

if TYPE_CHECKING:
    from mocklambda.emulator import Emulator

# Where each destination type keeps its ARN in a configuration (GetBucketNotificationConfiguration's shape).
DESTINATION_ARN = {
    "LambdaFunctionConfigurations": "LambdaFunctionArn",
    "TopicConfigurations": "TopicArn",
    "QueueConfigurations": "QueueArn",
}
# All requests reach the mock over loopback; the gateway does not pass the client's address on.
SOURCE_IP = "127.0.0.1"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


class _Provider(Protocol):
    """What publish needs of the S3 provider (typed structurally: common.py imports this module)."""

    emulator: Emulator


def event_matches(configured: list[str], event_name: str) -> bool:
    """A configuration listing the exact event, or its family's wildcard (`s3:ObjectCreated:*`), matches."""
    family = event_name.rsplit(":", 1)[0] + ":*"
    return event_name in configured or family in configured


def filter_rules(configuration: dict[str, Any]) -> tuple[str, str]:
    """(prefix, suffix) of a configuration's key filter; '' when absent (matches every key)."""
    prefix = suffix = ""
    for rule in configuration.get("Filter", {}).get("Key", {}).get("FilterRules", []):
        if rule["Name"].lower() == "prefix":
            prefix = rule["Value"]
        else:
            suffix = rule["Value"]
    return prefix, suffix


def key_matches(configuration: dict[str, Any], key: str) -> bool:
    """Plain startswith/endswith, no wildcards, against the key in its URL-encoded form: AWS documents that
    filter values naming special characters (a space as '+') are written encoded (reference C2)."""
    prefix, suffix = filter_rules(configuration)
    encoded = encode_key(key)
    return encoded.startswith(prefix) and encoded.endswith(suffix)


def matching_functions(bucket: Bucket, event_name: str, key: str) -> Iterator[tuple[str, str]]:
    """(configuration Id, function ARN) of every Lambda configuration the event and key match."""
    for configuration in bucket.notification_configuration.get("LambdaFunctionConfigurations", []):
        if event_matches(configuration["Events"], event_name) and key_matches(configuration, key):
            yield configuration["Id"], configuration["LambdaFunctionArn"]


def matching_topics(bucket: Bucket, event_name: str, key: str) -> Iterator[tuple[str, str]]:
    """(configuration Id, topic ARN) of every topic configuration the event and key match."""
    for configuration in bucket.notification_configuration.get("TopicConfigurations", []):
        if event_matches(configuration["Events"], event_name) and key_matches(configuration, key):
            yield configuration["Id"], configuration["TopicArn"]


def requester(context: RequestContext) -> str:
    """userIdentity.principalId: "AWS:" and the caller's access key id (the SigV4 credential, from the
    Authorization header or a presigned URL's query), the account id when the request was not signed."""
    request = context.request
    match = _CREDENTIAL.search(request.headers.get("Authorization", ""))
    if match is not None:
        return f"AWS:{match.group(1)}"
    for name, value in request.query_items():
        if name == "X-Amz-Credential" and value:
            return f"AWS:{value.split('/', 1)[0]}"
    return f"AWS:{context.account_id}"


def owner_principal_id(account_id: str) -> str:
    """The bucket owner's short id, like AWS's "A3I5XTEXAMAI3E": stable per account, opaque."""
    digest = hashlib.sha256(f"mocklambda-owner-{account_id}".encode()).digest()
    return "A" + base64.b32encode(digest).decode("ascii")[:13]


def host_id(request_id: str) -> str:
    """x-amz-id-2 exactly as the rest-xml serializer writes it on the triggering response, so the event's
    responseElements name the response the client received."""
    return base64.b64encode(f"mocklambda/{request_id}".encode()).decode("ascii")


def publish(provider: _Provider, context: RequestContext, bucket: Bucket, event_name: str, obj: S3Object) -> None:
    """Queue the delivery of `event_name` (e.g. "s3:ObjectCreated:Put", the "s3:" prefix optional) about `obj`
    to every Lambda and topic configuration of `bucket` that matches it. Called right after the write, in the
    request."""
    if not bucket.notification_configuration:
        return
    name = event_name if event_name.startswith("s3:") else f"s3:{event_name}"
    targets = list(matching_functions(bucket, name, obj.key))
    topics = list(matching_topics(bucket, name, obj.key))
    if not targets and not topics:
        return
    facts = S3EventFacts(
        event_name=name,
        region=bucket.region,
        event_time=dt.datetime.now(dt.UTC),
        requester=requester(context),
        source_ip=SOURCE_IP,
        request_id=context.request_id,
        host_id=host_id(context.request_id),
        bucket_name=bucket.name,
        bucket_owner=owner_principal_id(bucket.account_id),
        key=obj.key,
        size=obj.size,
        etag=obj.etag.strip('"') if obj.etag else None,
        version_id=obj.version_id,
        sequencer=obj.sequencer,
    )
    emulator = provider.emulator
    for configuration_id, function_arn in targets:
        record = build_record(facts, configuration_id)
        emulator.events.submit(
            functools.partial(deliver_to_function, emulator.invoke_function_async, function_arn, record)
        )
    for configuration_id, topic_arn in topics:
        document = {"Records": [build_record(facts, configuration_id)]}
        emulator.events.submit(functools.partial(deliver_to_topic, emulator.publish_to_topic, topic_arn, document))


def publish_test_events(provider: _Provider, context: RequestContext, bucket_name: str,
                        configuration: dict[str, Any]) -> None:
    """Queue s3:TestEvent to each topic a just-saved configuration names (once per topic), as AWS does on
    save; functions get none."""
    emulator = provider.emulator
    moment = dt.datetime.now(dt.UTC)
    document = s3_test_event(bucket_name, moment, context.request_id, host_id(context.request_id))
    for topic_arn in dict.fromkeys(item["TopicArn"] for item in configuration.get("TopicConfigurations", [])):
        emulator.events.submit(functools.partial(deliver_to_topic, emulator.publish_to_topic, topic_arn, document))
