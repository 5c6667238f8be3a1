"""S3 bucket notification configuration: PutBucketNotificationConfiguration and
GetBucketNotificationConfiguration, with AWS's validation (reference C2 and the recorded
s3__test_s3_notifications_* snapshots).

The configuration is stored on the bucket in GetBucketNotificationConfiguration's shape: Ids generated where
absent, filter rule names capitalised (`Prefix`/`Suffix`) as AWS returns them. A Put replaces the whole
configuration atomically; nothing is saved when any check fails.

Destinations: a Lambda function must exist (checked through the emulator's function_exists capability, unless
x-amz-skip-destination-validation), and so must a topic (the emulator's topic_exists); once a configuration
naming topics is saved, each topic is sent s3:TestEvent. Queues are stored with their ARN checked for form
only: SQS does not exist in mocklambda yet, so nothing is delivered to them. EventBridgeConfiguration is stored and returned, and delivers nothing. Whether the function's resource
policy lets s3.amazonaws.com invoke it for this bucket (AWS's check on save) is verified only in strict-
permissions mode (Config.strict_permissions, MOCKLAMBDA_STRICT_PERMISSIONS, off by default, through the
emulator's function_allows capability); a refusal is the same error as a missing function. The deprecated GetBucketNotification/PutBucketNotification send the same HTTP request
(`?notification`, with the same XML element names), so these two methods serve them as well.

What matches an event at delivery time lives in notifications.py; this module only checks and stores.
"""
from __future__ import annotations

import base64
import uuid
from typing import Any

from mocklambda import arns
from mocklambda.services.base import RequestContext
from mocklambda.services.s3 import errors
from mocklambda.services.s3.common import S3OperationsBase
from mocklambda.services.s3.notifications import (
    DESTINATION_ARN,
    event_matches,
    filter_rules,
    publish_test_events,
)

# Every event a configuration may name (the model's Event enum, which boto3 does not enforce).
SUPPORTED_EVENTS = frozenset({
    "s3:ReducedRedundancyLostObject",
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
    "s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectAcl:Put",
    "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
})
# The XML element naming each destination's ARN: what AWS reports as ArgumentName for an unparsable ARN.
ARGUMENT_NAME = {
    "LambdaFunctionConfigurations": "CloudFunction",
    "TopicConfigurations": "Topic",
    "QueueConfigurations": "Queue",
}
ARN_SERVICE = {"LambdaFunctionConfigurations": "lambda", "TopicConfigurations": "sns", "QueueConfigurations": "sqs"}
S3_PRINCIPAL = "s3.amazonaws.com"  # whom a function's policy must allow (strict-permissions mode)
MAX_ID_LENGTH = 255
MAX_FILTER_VALUE_BYTES = 1024
# Only the recorded errors carry ArgumentName/ArgumentValue; the others' extra elements are unknown, so none.

UNPARSABLE_ARN = "The ARN could not be parsed"
UNSUPPORTED_EVENT = "The event is not supported for notifications"
UNVALIDATED_DESTINATIONS = "Unable to validate the following destination configurations"
# Not recorded for topics: the recorded queue wording ("The destination queue does not exist") for a topic.
MISSING_TOPIC = "The destination topic does not exist"
OVERLAP = "Configurations overlap. Configurations on the same bucket cannot share a common event type."
AMBIGUOUS = (
    "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are "
    "overlapping for the same event type."
)


def generated_id() -> str:
    """An Id for a configuration saved without one: AWS's are base64 text of a random UUID."""
    return base64.b64encode(str(uuid.uuid4()).encode()).decode("ascii")


def _arn_parses(arn: str, service: str) -> bool:
    try:
        parsed = arns.parse(arn)
    except ValueError:
        return False
    if parsed.service != service or not parsed.region or not parsed.account.isdigit() or not parsed.resource:
        return False
    return not (service == "lambda" and not parsed.resource.startswith("function:"))


def _normalised_filter(configuration: dict[str, Any]) -> dict[str, Any] | None:
    """The filter with its rules checked and their names capitalised; None when there are no rules."""
    rules = configuration.get("Filter", {}).get("Key", {}).get("FilterRules", [])
    if not rules:
        return None
    seen: set[str] = set()
    normalised = []
    for rule in rules:
        name = str(rule.get("Name", "")).lower()
        value = str(rule.get("Value", ""))
        if name not in ("prefix", "suffix"):
            raise errors.invalid_argument("filter rule name must be either prefix or suffix")
        if name in seen:
            raise errors.invalid_argument(f"Cannot specify more than one {name} rule in a filter.")
        if len(value.encode()) > MAX_FILTER_VALUE_BYTES:
            raise errors.invalid_argument(
                "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation"
            )
        seen.add(name)
        normalised.append({"Name": name.capitalize(), "Value": value})
    return {"Key": {"FilterRules": normalised}}


def _normalised(kind: str, configuration: dict[str, Any]) -> dict[str, Any]:
    """One configuration checked on its own (ARN form, Id, events, filter) and in its stored shape."""
    arn_member = DESTINATION_ARN[kind]
    arn = str(configuration.get(arn_member, ""))
    if not _arn_parses(arn, ARN_SERVICE[kind]):
        raise errors.invalid_argument(UNPARSABLE_ARN, ARGUMENT_NAME[kind], arn)
    configuration_id = configuration.get("Id") or generated_id()
    if len(configuration_id) > MAX_ID_LENGTH:
        raise errors.invalid_argument("ID length exceeded allowed limit of 255")
    events = list(configuration.get("Events", []))
    if any(event not in SUPPORTED_EVENTS for event in events):
        raise errors.invalid_argument(UNSUPPORTED_EVENT)
    stored: dict[str, Any] = {"Id": configuration_id, arn_member: arn, "Events": events}
    key_filter = _normalised_filter(configuration)
    if key_filter is not None:
        stored["Filter"] = key_filter
    return stored


def _events_overlap(first: list[str], second: list[str]) -> bool:
    # Either side's wildcard covers the other's specific event (`s3:ObjectCreated:*` and `...:Put`).
    return any(event_matches(first, event) or event_matches(second, other)
               for event in second for other in first)


def _check_overlaps(configurations: list[dict[str, Any]]) -> None:
    """AWS refuses two configurations (of any destination type) that could both fire for one event on one
    key: common events, one prefix a prefix of the other and one suffix a suffix of the other."""
    for index, first in enumerate(configurations):
        for second in configurations[index + 1:]:
            if not _events_overlap(first["Events"], second["Events"]):
                continue
            prefix_a, suffix_a = filter_rules(first)
            prefix_b, suffix_b = filter_rules(second)
            prefixes = prefix_a.startswith(prefix_b) or prefix_b.startswith(prefix_a)
            suffixes = suffix_a.endswith(suffix_b) or suffix_b.endswith(suffix_a)
            if prefixes and suffixes:
                unfiltered = "Filter" not in first and "Filter" not in second
                raise errors.invalid_argument(OVERLAP if unfiltered else AMBIGUOUS)


class NotificationOperations(S3OperationsBase):
    def put_bucket_notification_configuration(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Bucket"]
        with self.store.lock:
            owner = self.bucket_for(context, name).account_id
        requested = params.get("NotificationConfiguration") or {}
        stored: dict[str, Any] = {}
        for kind in DESTINATION_ARN:
            if requested.get(kind):
                stored[kind] = [_normalised(kind, configuration) for configuration in requested[kind]]
        if "EventBridgeConfiguration" in requested:
            stored["EventBridgeConfiguration"] = {}
        _check_overlaps([configuration for kind in DESTINATION_ARN for configuration in stored.get(kind, [])])
        if not params.get("SkipDestinationValidation"):
            self._validate_destinations(stored, name, owner)
        with self.store.lock:
            # Looked up again: the bucket may have been deleted while the destinations were checked.
            self.bucket_for(context, name).notification_configuration = stored
        publish_test_events(self, context, name, stored)
        return {}

    def get_bucket_notification_configuration(
        self, context: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        with self.store.lock:
            configuration = self.bucket_for(context, params["Bucket"]).notification_configuration
        return dict(configuration)

    def _validate_destinations(self, stored: dict[str, Any], bucket_name: str, owner: str) -> None:
        """Lambda functions must exist (in the account and region of their ARN) and, in strict-permissions
        mode, let s3.amazonaws.com invoke them for this bucket (its ARN, the owner's account); topics must
        exist (their policy is not checked). AWS names each
        failure in numbered ArgumentNameN/ArgumentValueN elements; for a function, "<arn>, null" and the same
        "Not authorized" wording whether it is missing or its policy refuses S3."""
        emulator = self.emulator
        strict = emulator.config.strict_permissions
        bucket_arn = f"arn:aws:s3:::{bucket_name}"
        fields: dict[str, Any] = {}
        for configuration in stored.get("LambdaFunctionConfigurations", []):
            arn = configuration["LambdaFunctionArn"]
            parsed = arns.parse(arn)
            if strict:
                usable = emulator.function_allows(parsed.account, parsed.region, arn, S3_PRINCIPAL, bucket_arn, owner)
            else:
                usable = emulator.function_exists(parsed.account, parsed.region, arn)
            if not usable:
                number = len(fields) // 2 + 1
                fields[f"ArgumentName{number}"] = f"{arn}, null"
                fields[f"ArgumentValue{number}"] = f"Not authorized to invoke function [{arn}]"
        for configuration in stored.get("TopicConfigurations", []):
            arn = configuration["TopicArn"]
            parsed = arns.parse(arn)
            if not emulator.topic_exists(parsed.account, parsed.region, arn):
                number = len(fields) // 2 + 1
                fields[f"ArgumentName{number}"] = arn
                fields[f"ArgumentValue{number}"] = MISSING_TOPIC
        if fields:
            error = errors.invalid_argument(UNVALIDATED_DESTINATIONS)
            error.fields.update(fields)
            raise error
