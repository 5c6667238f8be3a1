"""S3 -> SNS (-> Lambda) end to end: a bucket notification naming a topic, a write through boto3, and the
message S3 publishes (the S3 record as compact JSON in Message, Subject "Amazon S3 Notification"; recorded in
s3__test_s3_notifications_sns.snapshot.json) arriving at a function subscribed to the topic. Also the
s3:TestEvent S3 sends when the configuration is saved, and the refusal of a topic that does not exist.

Deliveries are waited for with `mocklambda.wait_idle()`, never by sleeping.
"""
from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests import reference
from tests.e2e.helpers import ACCOUNT, REGION
from tests.e2e.test_sns_to_lambda import RECORDER, notifications

_names = itertools.count(1)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"s3-to-sns-{os.getpid()}-{next(_names)}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def topic(sns: Any) -> str:
    arn: str = sns.create_topic(Name=f"s3-to-sns-{os.getpid()}-{next(_names)}")["TopicArn"]
    return arn


@pytest.fixture
def function(sns: Any, topic: str, deploy: Callable[..., str], awslambda: Any) -> str:
    """A recorder function subscribed to `topic`."""
    name = deploy(RECORDER, Timeout=10)
    arn = awslambda.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
    return name


def configure(s3: Any, bucket: str, topic: str, **overrides: Any) -> None:
    configuration = {"Id": "to-topic", "TopicArn": topic, "Events": ["s3:ObjectCreated:*"], **overrides}
    s3.put_bucket_notification_configuration(Bucket=bucket,
                                             NotificationConfiguration={"TopicConfigurations": [configuration]})


def recorded_message(test: str) -> dict[str, Any]:
    snapshot = reference.load("s3__test_s3_notifications_sns.snapshot.json")
    content = next(entry for name, entry in snapshot.items() if name.endswith(f"::{test}"))["recorded-content"]
    found: dict[str, Any] = content["receive_messages"]["messages"][0]
    return found


def shape(value: Any) -> Any:
    """Which fields exist, nested, in order; values blanked."""
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    return "*"


def test_put_object_publishes_record_to_topic_and_function_receives_it(
    mocklambda: Any, s3: Any, bucket: str, topic: str, function: str
) -> None:
    configure(s3, bucket, topic)
    assert mocklambda.wait_idle(10)
    response = s3.put_object(Bucket=bucket, Key="bucket-key", Body=b"hello world")
    notes = [n for n in notifications(mocklambda, function) if "Records" in json.loads(n["Message"])]
    (note,) = notes
    expected = recorded_message("test_object_created_put")
    assert note["Subject"] == expected["Subject"] == "Amazon S3 Notification"
    assert note["TopicArn"] == topic
    message = json.loads(note["Message"])
    (record,) = message["Records"]
    assert shape(message) == shape(expected["Message"])
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["configurationId"] == "to-topic"
    assert record["s3"]["bucket"]["name"] == bucket
    assert record["s3"]["object"]["key"] == "bucket-key"
    assert record["s3"]["object"]["size"] == 11
    assert record["s3"]["object"]["eTag"] == response["ETag"].strip('"')
    assert record["responseElements"]["x-amz-request-id"] == response["ResponseMetadata"]["RequestId"]
    assert ", " not in note["Message"] and ": " not in note["Message"]  # compact JSON, as S3 writes it


def test_put_object_not_matching_filter_publishes_nothing(
    mocklambda: Any, s3: Any, bucket: str, topic: str, function: str
) -> None:
    configure(s3, bucket, topic, Filter={"Key": {"FilterRules": [{"Name": "prefix", "Value": "testupload/"}]}})
    s3.put_object(Bucket=bucket, Key="elsewhere/file.txt", Body=b"x")
    s3.put_object(Bucket=bucket, Key="testupload/dir1/testfile.txt", Body=b"y")
    messages = [json.loads(n["Message"]) for n in notifications(mocklambda, function)]
    keys = [m["Records"][0]["s3"]["object"]["key"] for m in messages if "Records" in m]
    assert keys == ["testupload/dir1/testfile.txt"]


def test_put_bucket_notification_configuration_sends_test_event_to_topic(
    mocklambda: Any, s3: Any, bucket: str, topic: str, function: str
) -> None:
    response = s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]})
    (note,) = notifications(mocklambda, function)
    assert note["Subject"] == "Amazon S3 Notification"
    event = json.loads(note["Message"])
    assert list(event) == ["Service", "Event", "Time", "Bucket", "RequestId", "HostId"]
    assert event["Service"] == "Amazon S3"
    assert event["Event"] == "s3:TestEvent"
    assert event["Bucket"] == bucket
    assert event["RequestId"] == response["ResponseMetadata"]["RequestId"]


def test_put_bucket_notification_configuration_missing_topic_refused(s3: Any, bucket: str) -> None:
    missing = f"arn:aws:sns:{REGION}:{ACCOUNT}:no-such-topic"
    with pytest.raises(ClientError) as raised:
        configure(s3, bucket, missing)
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "Unable to validate the following destination configurations"
    assert error["ArgumentName1"] == missing
    assert error["ArgumentValue1"] == "The destination topic does not exist"
    assert s3.get_bucket_notification_configuration(Bucket=bucket).get("TopicConfigurations") is None


def test_put_bucket_notification_configuration_missing_topic_skip_validation_stored(
    mocklambda: Any, s3: Any, bucket: str
) -> None:
    missing = f"arn:aws:sns:{REGION}:{ACCOUNT}:no-such-topic"
    s3.put_bucket_notification_configuration(
        Bucket=bucket, SkipDestinationValidation=True,
        NotificationConfiguration={"TopicConfigurations": [{"Id": "id123", "TopicArn": missing,
                                                            "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")  # published nowhere: logged and dropped
    assert mocklambda.wait_idle(10)
    assert mocklambda.take_errors() == []
    stored = s3.get_bucket_notification_configuration(Bucket=bucket)["TopicConfigurations"]
    assert stored == [{"Id": "id123", "TopicArn": missing, "Events": ["s3:ObjectCreated:*"]}]
