"""S3 -> Lambda end to end: a bucket notification configuration, a write through boto3, and the function's
asynchronous invocation with the event AWS sends (reference C1; recorded in
s3__test_s3_notifications_lambda.snapshot.json and, for the other event types, the SQS snapshot whose records
are the same). Every delivered event is checked against fixtures/schemas/s3_event.schema.json.

Deliveries are waited for with `mocklambda.wait_idle()`, never by sleeping.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests import reference
from tests.e2e.helpers import ACCOUNT, REGION, recorded_events, recorder_source

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "fixtures/schemas/s3_event.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
MARKER = "S3EVENT "
# Prints every event it receives on one line, for the test to read from the function's logs.
RECORDER = recorder_source(MARKER)
# Reads the object it was notified about and writes a result beside it, through boto3 (AWS_ENDPOINT_URL).
PROCESSOR = """
import json
import urllib.parse

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        s3.put_object(Bucket=bucket, Key=f"results/{key}.json",
                      Body=json.dumps({"key": key, "upper": body.upper(), "words": len(body.split())}))
"""

_names = itertools.count(1)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"s3-to-lambda-{os.getpid()}-{next(_names)}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def notify(s3: Any, bucket: str, deploy: Callable[..., str], awslambda: Any) -> Callable[..., str]:
    """notify(events, prefix=None, suffix=None, source=RECORDER, configuration_id=...) -> function name: a
    function that S3 may invoke (AddPermission for s3.amazonaws.com, as AWS requires) configured on `bucket`."""

    def configure(events: list[str] | None = None, prefix: str | None = None, suffix: str | None = None,
                  source: str = RECORDER, configuration_id: str = "orders-created") -> str:
        name = deploy(source, Timeout=10)
        arn = awslambda.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        awslambda.add_permission(FunctionName=name, StatementId="s3-invoke", Action="lambda:InvokeFunction",
                                 Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}",
                                 SourceAccount=ACCOUNT)
        configuration: dict[str, Any] = {"Id": configuration_id, "LambdaFunctionArn": arn,
                                         "Events": events or ["s3:ObjectCreated:*"]}
        rules = [{"Name": n, "Value": v} for n, v in (("prefix", prefix), ("suffix", suffix)) if v is not None]
        if rules:
            configuration["Filter"] = {"Key": {"FilterRules": rules}}
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [configuration]}
        )
        return name

    return configure


def received(mocklambda: Any, function: str) -> list[dict[str, Any]]:
    """Every event the recorder function received, once all deliveries have drained; each schema-checked."""
    return recorded_events(mocklambda, function, MARKER, VALIDATOR)


def records(mocklambda: Any, function: str) -> list[dict[str, Any]]:
    events = received(mocklambda, function)
    assert all(len(event["Records"]) == 1 for event in events)
    return [event["Records"][0] for event in events]


def from_dynamodb(value: dict[str, Any]) -> Any:
    """The lambda snapshot stored the event in DynamoDB's typed JSON: back to plain JSON."""
    (kind, inner), = value.items()
    if kind == "M":
        return {key: from_dynamodb(item) for key, item in inner.items()}
    if kind == "N":
        return int(inner)
    return inner


def masked(record: dict[str, Any]) -> dict[str, Any]:
    """Our record with the values the snapshot masks replaced by its placeholders."""
    copy = json.loads(json.dumps(record))
    copy["awsRegion"] = "<region>"
    copy["eventTime"] = "date"
    copy["userIdentity"]["principalId"] = "<principal-id:2>"
    copy["requestParameters"]["sourceIPAddress"] = "<ip-address:1>"
    copy["responseElements"] = {"x-amz-id-2": "amz-id", "x-amz-request-id": "amz-request-id"}
    s3 = copy["s3"]
    s3["configurationId"] = "<config-id:1>"
    s3["bucket"] = {"arn": "arn:<partition>:s3:::<bucket-name:1>", "name": "<bucket-name:1>",
                    "ownerIdentity": {"principalId": "<principal-id:1>"}}
    s3["object"]["key"] = "<object-key:1>"
    s3["object"]["sequencer"] = "sequencer"
    return copy


# Leaves whose values differ between runs (or were masked in the recording); everything else must be equal.
_VARIABLE = {"awsRegion", "eventTime", "principalId", "sourceIPAddress", "x-amz-request-id", "x-amz-id-2",
             "configurationId", "name", "arn", "key", "size", "eTag", "versionId", "sequencer"}


def shape(value: Any, name: str = "") -> Any:
    """A record with its run-specific values blanked: which fields exist, and the constant ones' values."""
    if isinstance(value, dict):
        return {key: shape(item, key) for key, item in value.items()}
    return "*" if name in _VARIABLE else value


def recorded_sqs_record(test: str, key: str, index: int) -> dict[str, Any]:
    """A record S3 sent to a queue (the same record it sends a function), from the SQS snapshot."""
    snapshot = reference.load("s3__test_s3_notifications_sqs.snapshot.json")
    content = next(entry for name, entry in snapshot.items() if name.endswith(f"::{test}"))["recorded-content"]
    messages = content[key]
    found: dict[str, Any] = (messages if isinstance(messages, list) else messages["messages"])[index]
    return found


def assert_as_recorded(record: dict[str, Any], test: str, key: str = "receive_messages", index: int = 0) -> None:
    assert shape(record) == shape(recorded_sqs_record(test, key, index))


# -- the event ----------------------------------------------------------------------------------------------
def test_put_object_invokes_function_once_with_recorded_event(mocklambda: Any, s3: Any, bucket: str,
                                                              notify: Callable[..., str]) -> None:
    function = notify(["s3:ObjectCreated:*"])
    body = b"hello world"  # 11 bytes, as recorded
    response = s3.put_object(Bucket=bucket, Key="incoming/order.json", Body=body)
    (record,) = records(mocklambda, function)

    snapshot = reference.load("s3__test_s3_notifications_lambda.snapshot.json")
    expected = from_dynamodb(next(entry for name, entry in snapshot.items()
                                  if name.endswith("::test_create_object_put_via_dynamodb"))
                             ["recorded-content"]["table_content"])
    expected["s3"]["object"]["eTag"] = hashlib.md5(body).hexdigest()  # the recorded body is not known
    assert masked(record) == expected

    assert record["awsRegion"] == REGION
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["eventTime"])
    assert record["userIdentity"]["principalId"].startswith("AWS:")
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert record["responseElements"] == {"x-amz-request-id": headers["x-amz-request-id"],
                                          "x-amz-id-2": headers["x-amz-id-2"]}
    assert record["s3"]["configurationId"] == "orders-created"
    assert record["s3"]["bucket"]["name"] == bucket
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert record["s3"]["object"]["key"] == "incoming/order.json"
    assert record["s3"]["object"]["eTag"] == response["ETag"].strip('"')
    assert re.fullmatch(r"[0-9A-F]+", record["s3"]["object"]["sequencer"])


def test_put_object_record_field_order_as_aws(mocklambda: Any, s3: Any, bucket: str,
                                              notify: Callable[..., str]) -> None:
    function = notify()
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    (record,) = records(mocklambda, function)
    assert list(record) == ["eventVersion", "eventSource", "awsRegion", "eventTime", "eventName", "userIdentity",
                            "requestParameters", "responseElements", "s3"]
    assert list(record["s3"]["object"]) == ["key", "size", "eTag", "sequencer"]


def test_put_object_sequencer_increases_per_key(mocklambda: Any, s3: Any, bucket: str,
                                                notify: Callable[..., str]) -> None:
    function = notify()
    for content in (b"1", b"22", b"333"):
        s3.put_object(Bucket=bucket, Key="same", Body=content)
    ordered = sorted(records(mocklambda, function), key=lambda r: r["s3"]["object"]["size"])
    sequencers = [r["s3"]["object"]["sequencer"] for r in ordered]
    width = max(map(len, sequencers))
    assert [s.rjust(width, "0") for s in sequencers] == sorted(s.rjust(width, "0") for s in sequencers)
    assert len(set(sequencers)) == 3


def test_put_object_versioned_bucket_event_has_version_id(mocklambda: Any, s3: Any, bucket: str,
                                                          notify: Callable[..., str]) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    function = notify()
    response = s3.put_object(Bucket=bucket, Key="v", Body=b"data")
    (record,) = records(mocklambda, function)
    assert record["s3"]["object"]["versionId"] == response["VersionId"]
    assert_as_recorded(record, "test_object_created_put_versioned", "message-versioning-active", 0)


# -- filters ------------------------------------------------------------------------------------------------
def test_put_object_prefix_filter_skips_other_keys(mocklambda: Any, s3: Any, bucket: str,
                                                   notify: Callable[..., str]) -> None:
    function = notify(prefix="incoming/")
    s3.put_object(Bucket=bucket, Key="outgoing/a.txt", Body=b"no")
    s3.put_object(Bucket=bucket, Key="incoming/a.txt", Body=b"yes")
    assert [r["s3"]["object"]["key"] for r in records(mocklambda, function)] == ["incoming/a.txt"]


def test_put_object_suffix_filter_skips_other_keys(mocklambda: Any, s3: Any, bucket: str,
                                                   notify: Callable[..., str]) -> None:
    function = notify(prefix="images/", suffix=".jpg")
    for key in ("images/a.png", "docs/b.jpg", "images/c.jpg"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert [r["s3"]["object"]["key"] for r in records(mocklambda, function)] == ["images/c.jpg"]


def test_put_object_filter_matches_url_encoded_key(mocklambda: Any, s3: Any, bucket: str,
                                                   notify: Callable[..., str]) -> None:
    # AWS documents that filter values are written URL-encoded (a space as '+'): they match the encoded key.
    function = notify(prefix="my+folder/")
    s3.put_object(Bucket=bucket, Key="my folder/a.txt", Body=b"x")
    assert [r["s3"]["object"]["key"] for r in records(mocklambda, function)] == ["my+folder/a.txt"]


def test_put_object_event_not_configured_no_delivery(mocklambda: Any, s3: Any, bucket: str,
                                                     notify: Callable[..., str]) -> None:
    function = notify(["s3:ObjectRemoved:*"])
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert records(mocklambda, function) == []


def test_put_object_configuration_removed_no_delivery(mocklambda: Any, s3: Any, bucket: str,
                                                      notify: Callable[..., str]) -> None:
    function = notify()
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert records(mocklambda, function) == []


# -- event types --------------------------------------------------------------------------------------------
def test_delete_object_removed_event_without_size_or_etag(mocklambda: Any, s3: Any, bucket: str,
                                                          notify: Callable[..., str]) -> None:
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    function = notify(["s3:ObjectRemoved:*"])
    s3.delete_object(Bucket=bucket, Key="gone")
    (record,) = records(mocklambda, function)
    assert record["eventName"] == "ObjectRemoved:Delete"
    assert set(record["s3"]["object"]) == {"key", "sequencer"}
    assert_as_recorded(record, "test_object_created_and_object_removed", index=2)


def test_delete_object_sequencer_after_put(mocklambda: Any, s3: Any, bucket: str,
                                           notify: Callable[..., str]) -> None:
    function = notify(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="k")
    got = {r["eventName"]: r["s3"]["object"]["sequencer"] for r in records(mocklambda, function)}
    width = max(map(len, got.values()))
    assert got["ObjectRemoved:Delete"].rjust(width, "0") > got["ObjectCreated:Put"].rjust(width, "0")


def test_put_delete_put_sequencers_order_the_events_of_one_key(mocklambda: Any, s3: Any, bucket: str,
                                                               notify: Callable[..., str]) -> None:
    # Deliveries may arrive in any order (concurrent asynchronous invocations, as in AWS): the sequencer,
    # not the arrival order, tells which change came first.
    function = notify(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    s3.delete_object(Bucket=bucket, Key="k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"22")
    got = records(mocklambda, function)
    width = max(len(r["s3"]["object"]["sequencer"]) for r in got)
    ordered = sorted(got, key=lambda r: r["s3"]["object"]["sequencer"].rjust(width, "0"))
    assert [(r["eventName"], r["s3"]["object"].get("size")) for r in ordered] == [
        ("ObjectCreated:Put", 1), ("ObjectRemoved:Delete", None), ("ObjectCreated:Put", 2)]
    assert len({r["s3"]["object"]["sequencer"] for r in got}) == 3


def test_delete_object_versioned_delete_marker_event(mocklambda: Any, s3: Any, bucket: str,
                                                     notify: Callable[..., str]) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    function = notify(["s3:ObjectRemoved:*"])
    response = s3.delete_object(Bucket=bucket, Key="gone")
    (record,) = records(mocklambda, function)
    assert record["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    # Recorded: a delete marker's event carries the empty eTag and the marker's version id, no size.
    assert record["s3"]["object"]["eTag"] == "d41d8cd98f00b204e9800998ecf8427e"
    assert record["s3"]["object"]["versionId"] == response["VersionId"]
    assert "size" not in record["s3"]["object"]
    assert_as_recorded(record, "test_object_created_put_versioned", "message-versioning-active", 3)


def test_delete_objects_one_event_per_key(mocklambda: Any, s3: Any, bucket: str,
                                          notify: Callable[..., str]) -> None:
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    function = notify(["s3:ObjectRemoved:Delete"])
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in ("a", "b", "c")]})
    got = records(mocklambda, function)
    assert sorted(r["s3"]["object"]["key"] for r in got) == ["a", "b", "c"]
    assert {r["eventName"] for r in got} == {"ObjectRemoved:Delete"}
    for record in got:
        assert_as_recorded(record, "test_delete_objects")


def test_copy_object_copy_event(mocklambda: Any, s3: Any, bucket: str, notify: Callable[..., str]) -> None:
    s3.put_object(Bucket=bucket, Key="source", Body=b"copied body")
    function = notify(["s3:ObjectCreated:Copy"])
    s3.copy_object(Bucket=bucket, Key="target", CopySource={"Bucket": bucket, "Key": "source"})
    (record,) = records(mocklambda, function)
    assert record["eventName"] == "ObjectCreated:Copy"
    assert record["s3"]["object"]["key"] == "target"
    assert record["s3"]["object"]["size"] == len(b"copied body")
    assert record["s3"]["object"]["eTag"] == hashlib.md5(b"copied body").hexdigest()
    assert_as_recorded(record, "test_object_created_copy")


def test_complete_multipart_upload_event(mocklambda: Any, s3: Any, bucket: str,
                                         notify: Callable[..., str]) -> None:
    function = notify(["s3:ObjectCreated:CompleteMultipartUpload"])
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"p" * 6144)
    completed = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload,
                                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    (record,) = records(mocklambda, function)
    assert record["eventName"] == "ObjectCreated:CompleteMultipartUpload"
    assert record["s3"]["object"]["size"] == 6144
    assert record["s3"]["object"]["eTag"] == completed["ETag"].strip('"')
    assert record["s3"]["object"]["eTag"].endswith("-1")
    assert_as_recorded(record, "test_object_created_complete_multipart_upload")


def test_put_object_tagging_event(mocklambda: Any, s3: Any, bucket: str, notify: Callable[..., str]) -> None:
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x")
    function = notify(["s3:ObjectTagging:*"])
    s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    (record,) = records(mocklambda, function)
    # Recorded: tagging events are eventVersion 2.3 and carry neither size nor sequencer.
    assert (record["eventName"], record["eventVersion"]) == ("ObjectTagging:Put", "2.3")
    assert set(record["s3"]["object"]) == {"key", "eTag"}
    assert_as_recorded(record, "test_object_tagging_put_event")


def test_delete_object_tagging_event(mocklambda: Any, s3: Any, bucket: str, notify: Callable[..., str]) -> None:
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="k=v")
    function = notify(["s3:ObjectTagging:Delete"])
    s3.delete_object_tagging(Bucket=bucket, Key="tagged")
    (record,) = records(mocklambda, function)
    assert_as_recorded(record, "test_object_tagging_delete_event")


def test_put_object_each_configuration_delivers_to_its_function(mocklambda: Any, s3: Any, bucket: str,
                                                               deploy: Callable[..., str], awslambda: Any) -> None:
    functions = {prefix: deploy(RECORDER) for prefix in ("images/", "videos/")}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [
            {"Id": f"{prefix}config", "Events": ["s3:ObjectCreated:*"],
             "LambdaFunctionArn": awslambda.get_function(FunctionName=name)["Configuration"]["FunctionArn"],
             "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}}}
            for prefix, name in functions.items()
        ]})
    s3.put_object(Bucket=bucket, Key="videos/v.mp4", Body=b"x")
    s3.put_object(Bucket=bucket, Key="images/i.png", Body=b"x")
    for prefix, name in functions.items():
        (record,) = records(mocklambda, name)
        assert record["s3"]["configurationId"] == f"{prefix}config"
        assert record["s3"]["object"]["key"].startswith(prefix)


# -- keys ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "encoded"), [
    ("a@b", "a%40b"),  # recorded (test_key_encoding)
    ("my folder/red flower (1).jpg", "my+folder/red+flower+%281%29.jpg"),
    ("prices/a+b=c.csv", "prices/a%2Bb%3Dc.csv"),
    ("données/日本.txt", "donn%C3%A9es/%E6%97%A5%E6%9C%AC.txt"),
], ids=["at-sign", "spaces", "plus-equals", "unicode"])
def test_put_object_key_url_encoded(mocklambda: Any, s3: Any, bucket: str, notify: Callable[..., str],
                                    key: str, encoded: str) -> None:
    function = notify()
    s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    (record,) = records(mocklambda, function)
    assert record["s3"]["object"]["key"] == encoded


# -- the handler's side -------------------------------------------------------------------------------------
def test_put_object_handler_reads_object_and_writes_result(mocklambda: Any, s3: Any, bucket: str,
                                                           notify: Callable[..., str]) -> None:
    notify(prefix="incoming/", source=PROCESSOR)
    s3.put_object(Bucket=bucket, Key="incoming/note one.txt", Body=b"hello from s3")
    assert mocklambda.wait_idle(10)
    result = json.loads(s3.get_object(Bucket=bucket, Key="results/incoming/note one.txt.json")["Body"].read())
    assert result == {"key": "incoming/note one.txt", "upper": "HELLO FROM S3", "words": 3}


def test_put_object_function_deleted_delivery_dropped(mocklambda: Any, s3: Any, bucket: str, awslambda: Any,
                                                      notify: Callable[..., str]) -> None:
    function = notify()
    awslambda.delete_function(FunctionName=function)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert mocklambda.wait_idle(10)
    assert mocklambda.emulator.take_errors() == []
