"""PutBucketNotificationConfiguration / GetBucketNotificationConfiguration through boto3: round trips in the
shape AWS returns, and every refusal with the code, status and message recorded from AWS
(s3__test_s3_notifications_{lambda,sns,sqs}.snapshot.json) or quoted in reference C2."""
from __future__ import annotations

import io
import itertools
import json
import os
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests import reference

REGION = "us-east-1"
OTHER_ACCOUNT = "111111111111"  # the account of the recorded destination ARNs
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{OTHER_ACCOUNT}:my-queue"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{OTHER_ACCOUNT}:my-topic"
MISSING_FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:my-lambda"
CREATED = ["s3:ObjectCreated:*"]

_names = itertools.count(1)


def recorded(file_name: str, test: str, key: str) -> Any:
    """A recorded AWS response with the snapshot's placeholders filled in as our requests spell them."""
    for name, entry in reference.load(file_name).items():
        if name.endswith(f"::{test}"):
            text = json.dumps(entry["recorded-content"][key])
            text = text.replace("<partition>", "aws").replace("<region>", REGION)
            return json.loads(text)
    raise KeyError(test)


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def assert_error(raised: pytest.ExceptionInfo[ClientError], expected: dict[str, Any]) -> None:
    """The whole Error element (Code, Message and the extra elements) and the status, as recorded."""
    response = raised.value.response
    assert response["Error"] == expected["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == expected["ResponseMetadata"]["HTTPStatusCode"]


def assert_invalid_argument(raised: pytest.ExceptionInfo[ClientError], message: str) -> None:
    response = raised.value.response
    assert response["Error"]["Code"] == "InvalidArgument"
    assert response["Error"]["Message"] == message
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3", REGION)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"notif-config-{os.getpid()}-{next(_names)}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def function_arn(client: Callable[..., Any]) -> str:
    """An existing function in the caller's account (destination validation only needs it to exist)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    response = client("lambda", REGION).create_function(
        FunctionName=f"notif-target-{os.getpid()}-{next(_names)}", Runtime="python3.12",
        Role="arn:aws:iam::123456789012:role/lambda-role", Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
    )
    return str(response["FunctionArn"])


def queue(events: list[str] = CREATED, prefix: str | None = None, suffix: str | None = None,
          **extra: Any) -> dict[str, Any]:
    configuration: dict[str, Any] = {"QueueArn": QUEUE_ARN, "Events": events, **extra}
    rules = [{"Name": name, "Value": value} for name, value in (("prefix", prefix), ("suffix", suffix))
             if value is not None]
    if rules:
        configuration["Filter"] = {"Key": {"FilterRules": rules}}
    return configuration


def put(s3: Any, bucket: str, skip: bool = False, **configuration: Any) -> None:
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration=configuration, SkipDestinationValidation=skip
    )


# -- round trips --------------------------------------------------------------------------------------------
def test_get_bucket_notification_configuration_empty_by_default(s3: Any, bucket: str) -> None:
    expected = recorded("s3__test_s3_notifications_sqs.snapshot.json", "test_notifications_with_filter",
                        "config_empty")
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert without_metadata(response) == without_metadata(expected) == {}


def test_put_bucket_notification_configuration_filter_rules_returned_capitalised(s3: Any, bucket: str) -> None:
    put(s3, bucket, QueueConfigurations=[
        queue(["s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"], "testupload/", "testfile.txt", Id="id0001"),
        queue(["s3:ObjectTagging:*"], "testupload/", "testfile.txt", Id="id0002"),
    ])
    expected = recorded("s3__test_s3_notifications_sqs.snapshot.json", "test_notifications_with_filter", "config")
    for configuration in expected["QueueConfigurations"]:
        configuration["QueueArn"] = QUEUE_ARN
    expected["QueueConfigurations"][0]["Id"] = "id0001"
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert without_metadata(response) == without_metadata(expected)


def test_put_bucket_notification_configuration_filter_rule_names_case_insensitive(s3: Any, bucket: str) -> None:
    configuration = queue(Id="id1")
    configuration["Filter"] = {"Key": {"FilterRules": [{"Name": "PREFIX", "Value": "notif-"},
                                                       {"Name": "SuFfIx", "Value": ".txt"}]}}
    put(s3, bucket, QueueConfigurations=[configuration])
    expected = recorded("s3__test_s3_notifications_sqs.snapshot.json", "test_filter_rules_case_insensitive",
                        "bucket_notification_configuration")
    rules = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"][0]["Filter"]
    assert rules == expected["QueueConfigurations"][0]["Filter"]


def test_put_bucket_notification_configuration_empty_filter_value_kept(s3: Any, bucket: str) -> None:
    put(s3, bucket, QueueConfigurations=[queue(suffix="")])
    expected = recorded("s3__test_s3_notifications_sqs.snapshot.json", "test_filter_rules_empty_value",
                        "bucket_notification_configuration")
    rules = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"][0]["Filter"]
    assert rules == expected["QueueConfigurations"][0]["Filter"]


def test_put_bucket_notification_configuration_generates_id_when_absent(s3: Any, bucket: str) -> None:
    put(s3, bucket, QueueConfigurations=[queue()])
    generated = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"][0]["Id"]
    assert re.fullmatch(r"[A-Za-z0-9+/=]{20,255}", generated)


def test_put_bucket_notification_configuration_replaces_whole_configuration(s3: Any, bucket: str) -> None:
    # The recorded topic is in another account: not validated (SNS now checks that a topic exists).
    put(s3, bucket, skip=True, QueueConfigurations=[queue(prefix="testupload/", Id="id123456")],
        TopicConfigurations=[{"TopicArn": TOPIC_ARN, "Events": ["s3:ObjectRemoved:*"], "Id": "t"}])
    put(s3, bucket, QueueConfigurations=[queue(Id="id123456")])
    expected = recorded("s3__test_s3_notifications_sqs.snapshot.json", "test_notifications_with_filter",
                        "config_updated")
    expected["QueueConfigurations"][0]["QueueArn"] = QUEUE_ARN
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert without_metadata(response) == without_metadata(expected)


def test_put_bucket_notification_configuration_empty_removes_all(s3: Any, bucket: str) -> None:
    put(s3, bucket, QueueConfigurations=[queue()])
    put(s3, bucket)
    assert without_metadata(s3.get_bucket_notification_configuration(Bucket=bucket)) == {}


def test_put_bucket_notification_configuration_lambda_function_round_trip(
    s3: Any, bucket: str, function_arn: str
) -> None:
    configuration = {"Id": "orders-created", "LambdaFunctionArn": function_arn, "Events": CREATED,
                     "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "incoming/"},
                                                        {"Name": "Suffix", "Value": ".jpg"}]}}}
    put(s3, bucket, LambdaFunctionConfigurations=[configuration])
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert without_metadata(response) == {"LambdaFunctionConfigurations": [configuration]}


def test_put_bucket_notification_configuration_topic_skip_validation_stored(s3: Any, bucket: str) -> None:
    # As recorded: a topic that does not exist is stored when validation is skipped (the missing-topic refusal
    # and delivery are tested end to end in tests/e2e/test_s3_to_sns.py).
    put(s3, bucket, skip=True, TopicConfigurations=[{"TopicArn": TOPIC_ARN, "Events": CREATED, "Id": "id123"}])
    expected = recorded("s3__test_s3_notifications_sns.snapshot.json", "test_invalid_topic_arn",
                        "skip_destination_validation")
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert without_metadata(response) == without_metadata(expected)


def test_put_bucket_notification_configuration_event_bridge_stored(s3: Any, bucket: str) -> None:
    put(s3, bucket, EventBridgeConfiguration={})
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert without_metadata(response) == {"EventBridgeConfiguration": {}}


def test_put_bucket_notification_configuration_skip_destination_validation(s3: Any, bucket: str) -> None:
    put(s3, bucket, skip=True, LambdaFunctionConfigurations=[
        {"LambdaFunctionArn": MISSING_FUNCTION_ARN, "Events": CREATED, "Id": "id123"}])
    expected = recorded("s3__test_s3_notifications_lambda.snapshot.json", "test_invalid_lambda_arn",
                        "skip_destination_validation")
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert without_metadata(response) == without_metadata(expected)


def test_put_bucket_notification_configuration_disjoint_prefixes_accepted(s3: Any, bucket: str) -> None:
    put(s3, bucket, QueueConfigurations=[queue(prefix="images/"), queue(prefix="videos/")])
    assert len(s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]) == 2


def test_put_bucket_notification_configuration_different_events_accepted(s3: Any, bucket: str) -> None:
    put(s3, bucket, QueueConfigurations=[queue(["s3:ObjectCreated:*"]), queue(["s3:ObjectRemoved:*"])])
    assert len(s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]) == 2


# -- refusals -----------------------------------------------------------------------------------------------
def test_put_bucket_notification_configuration_missing_function(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, LambdaFunctionConfigurations=[{"LambdaFunctionArn": MISSING_FUNCTION_ARN,
                                                       "Events": CREATED}])
    assert_error(raised, recorded("s3__test_s3_notifications_lambda.snapshot.json", "test_invalid_lambda_arn",
                                  "lambda-does-not-exist"))
    assert without_metadata(s3.get_bucket_notification_configuration(Bucket=bucket)) == {}


def test_put_bucket_notification_configuration_missing_functions_numbered(s3: Any, bucket: str) -> None:
    second = MISSING_FUNCTION_ARN + "-2"
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, LambdaFunctionConfigurations=[
            {"LambdaFunctionArn": MISSING_FUNCTION_ARN, "Events": ["s3:ObjectCreated:*"]},
            {"LambdaFunctionArn": second, "Events": ["s3:ObjectRemoved:*"]},
        ])
    error = raised.value.response["Error"]
    assert error["ArgumentName2"] == f"{second}, null"
    assert error["ArgumentValue2"] == f"Not authorized to invoke function [{second}]"


@pytest.mark.parametrize("skip", [False, True], ids=["validated", "skip_validation"])
def test_put_bucket_notification_configuration_unparsable_function_arn(s3: Any, bucket: str, skip: bool) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, skip=skip, LambdaFunctionConfigurations=[{"LambdaFunctionArn": "invalid-queue",
                                                                  "Events": CREATED}])
    key = "invalid_skip" if skip else "invalid_not_skip"
    assert_error(raised, recorded("s3__test_s3_notifications_lambda.snapshot.json", "test_invalid_lambda_arn",
                                  key))


def test_put_bucket_notification_configuration_unparsable_topic_arn(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, TopicConfigurations=[{"TopicArn": "invalid-topic", "Events": CREATED}])
    assert_error(raised, recorded("s3__test_s3_notifications_sns.snapshot.json", "test_invalid_topic_arn",
                                  "invalid_not_skip"))


def test_put_bucket_notification_configuration_unparsable_queue_arn(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, QueueConfigurations=[{"QueueArn": "invalid_arn", "Events": CREATED},
                                             {"QueueArn": "invalid_arn_2", "Events": CREATED}])
    assert_error(raised, recorded("s3__test_s3_notifications_sqs.snapshot.json", "test_multiple_invalid_sqs_arns",
                                  "two-queue-arns-invalid"))


def test_put_bucket_notification_configuration_unsupported_event(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, QueueConfigurations=[queue(["s3:ObjectCreated:Upload"])])
    assert_invalid_argument(raised, "The event is not supported for notifications")


def test_put_bucket_notification_configuration_invalid_filter_rule_name(s3: Any, bucket: str) -> None:
    configuration = queue()
    configuration["Filter"] = {"Key": {"FilterRules": [{"Name": "infix", "Value": "x"}]}}
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, QueueConfigurations=[configuration])
    assert_invalid_argument(raised, "filter rule name must be either prefix or suffix")


def test_put_bucket_notification_configuration_two_prefix_rules(s3: Any, bucket: str) -> None:
    configuration = queue()
    configuration["Filter"] = {"Key": {"FilterRules": [{"Name": "prefix", "Value": "a"},
                                                       {"Name": "Prefix", "Value": "b"}]}}
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, QueueConfigurations=[configuration])
    assert_invalid_argument(raised, "Cannot specify more than one prefix rule in a filter.")


def test_put_bucket_notification_configuration_filter_value_too_long(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, QueueConfigurations=[queue(suffix="é" * 513)])
    assert_invalid_argument(raised, "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation")


def test_put_bucket_notification_configuration_id_too_long(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, QueueConfigurations=[queue(Id="i" * 256)])
    assert_invalid_argument(raised, "ID length exceeded allowed limit of 255")


def test_put_bucket_notification_configuration_same_event_overlaps(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, QueueConfigurations=[queue(["s3:ObjectCreated:*"])],
            TopicConfigurations=[{"TopicArn": TOPIC_ARN, "Events": ["s3:ObjectCreated:Put"]}])
    assert_invalid_argument(
        raised, "Configurations overlap. Configurations on the same bucket cannot share a common event type."
    )


def test_put_bucket_notification_configuration_overlapping_prefixes_ambiguous(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, QueueConfigurations=[queue(prefix="images/"), queue(prefix="images/2024/", suffix=".jpg")])
    assert_invalid_argument(
        raised,
        "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are "
        "overlapping for the same event type.",
    )


def test_put_bucket_notification_configuration_no_such_bucket(s3: Any) -> None:
    name = f"notif-missing-{os.getpid()}-{next(_names)}"
    with pytest.raises(ClientError) as raised:
        put(s3, name, QueueConfigurations=[queue()])
    expected = recorded("s3__test_s3_notifications_sns.snapshot.json", "test_bucket_not_exist", "bucket_not_exists")
    expected["Error"]["BucketName"] = name
    assert_error(raised, expected)


def test_get_bucket_notification_configuration_no_such_bucket(s3: Any) -> None:
    name = f"notif-missing-{os.getpid()}-{next(_names)}"
    with pytest.raises(ClientError) as raised:
        s3.get_bucket_notification_configuration(Bucket=name)
    expected = recorded("s3__test_s3_notifications_sns.snapshot.json", "test_bucket_not_exist", "bucket_not_exists")
    expected["Error"]["BucketName"] = name
    assert_error(raised, expected)


# -- the deprecated operations (the same `?notification` request on the wire) --------------------------------
def test_get_bucket_notification_deprecated_reads_configuration(s3: Any, bucket: str) -> None:
    put(s3, bucket, QueueConfigurations=[queue(Id="q")])
    response = s3.get_bucket_notification(Bucket=bucket)
    assert without_metadata(response) == {
        "QueueConfiguration": {"Id": "q", "Event": CREATED[0], "Events": CREATED, "Queue": QUEUE_ARN}
    }


def test_put_bucket_notification_deprecated_replaces_configuration(s3: Any, bucket: str) -> None:
    s3.put_bucket_notification(Bucket=bucket, NotificationConfiguration={
        "QueueConfiguration": {"Id": "old", "Queue": QUEUE_ARN, "Events": ["s3:ObjectRemoved:*"]}})
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert without_metadata(response) == {
        "QueueConfigurations": [{"Id": "old", "QueueArn": QUEUE_ARN, "Events": ["s3:ObjectRemoved:*"]}]
    }


def test_put_bucket_notification_configuration_missing_function_version(
    s3: Any, bucket: str, function_arn: str
) -> None:
    missing = f"{function_arn}:7"
    with pytest.raises(ClientError) as raised:
        put(s3, bucket, LambdaFunctionConfigurations=[{"LambdaFunctionArn": missing, "Events": CREATED}])
    assert raised.value.response["Error"]["ArgumentValue1"] == f"Not authorized to invoke function [{missing}]"
