"""S3 CopyObject through boto3: metadata and tagging directives, versions, conditions and errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.services.s3.conftest import assert_error, error_fields

COPY_TO_ITSELF = (
    "This copy request is illegal because it is trying to copy an object to itself without changing the "
    "object's metadata, storage class, website redirect location or encryption attributes."
)


@pytest.fixture
def source(s3, bucket) -> dict:
    response = s3.put_object(
        Bucket=bucket,
        Key="src key",
        Body=b"payload",
        ContentType="text/plain",
        Metadata={"a": "1"},
        Tagging="team=blue",
    )
    return {"Bucket": bucket, "ETag": response["ETag"]}


def test_copy_object_copies_body_and_metadata(s3, source):
    response = s3.copy_object(
        Bucket=source["Bucket"], Key="dst", CopySource={"Bucket": source["Bucket"], "Key": "src key"}
    )
    assert response["CopyObjectResult"]["ETag"] == source["ETag"]
    copied = s3.get_object(Bucket=source["Bucket"], Key="dst")
    assert (copied["Body"].read(), copied["ContentType"], copied["Metadata"]) == (
        b"payload",
        "text/plain",
        {"a": "1"},
    )
    assert s3.get_object_tagging(Bucket=source["Bucket"], Key="dst")["TagSet"] == [
        {"Key": "team", "Value": "blue"}
    ]


def test_copy_object_metadata_directive_replace(s3, source):
    s3.copy_object(
        Bucket=source["Bucket"],
        Key="dst",
        CopySource=f"{source['Bucket']}/src key",
        MetadataDirective="REPLACE",
        Metadata={"b": "2"},
    )
    head = s3.head_object(Bucket=source["Bucket"], Key="dst")
    assert (head["Metadata"], head["ContentType"]) == ({"b": "2"}, "binary/octet-stream")


def test_copy_object_to_another_bucket(s3, source):
    s3.create_bucket(Bucket="target-bucket")
    s3.copy_object(
        Bucket="target-bucket", Key="dst", CopySource={"Bucket": source["Bucket"], "Key": "src key"}
    )
    assert s3.get_object(Bucket="target-bucket", Key="dst")["Body"].read() == b"payload"


def test_copy_object_survives_deleting_the_source(s3, source):
    s3.copy_object(
        Bucket=source["Bucket"], Key="dst", CopySource={"Bucket": source["Bucket"], "Key": "src key"}
    )
    s3.delete_object(Bucket=source["Bucket"], Key="src key")
    assert s3.get_object(Bucket=source["Bucket"], Key="dst")["Body"].read() == b"payload"


def test_copy_object_to_itself_without_changes(s3, source):
    with pytest.raises(ClientError) as error:
        s3.copy_object(
            Bucket=source["Bucket"], Key="src key", CopySource={"Bucket": source["Bucket"], "Key": "src key"}
        )
    assert_error(error, "InvalidRequest", 400, COPY_TO_ITSELF)


def test_copy_object_to_itself_replacing_metadata(s3, source):
    s3.copy_object(
        Bucket=source["Bucket"],
        Key="src key",
        CopySource={"Bucket": source["Bucket"], "Key": "src key"},
        MetadataDirective="REPLACE",
        Metadata={"new": "yes"},
    )
    assert s3.head_object(Bucket=source["Bucket"], Key="src key")["Metadata"] == {"new": "yes"}


def test_copy_object_missing_source_key(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "missing"})
    assert_error(error, "NoSuchKey", 404, "The specified key does not exist.")
    assert error_fields(error)["Key"] == "missing"


def test_copy_object_missing_source_bucket(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": "no-such-bucket", "Key": "k"})
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")


def test_copy_object_source_if_match_fails(s3, source):
    with pytest.raises(ClientError) as error:
        s3.copy_object(
            Bucket=source["Bucket"],
            Key="dst",
            CopySource={"Bucket": source["Bucket"], "Key": "src key"},
            CopySourceIfMatch='"0000"',
        )
    assert_error(
        error, "PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"
    )
    assert error_fields(error)["Condition"] == "x-amz-copy-source-If-Match"


def test_copy_object_source_version(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket=bucket, Key="k", Body=b"old")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    response = s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "k", "VersionId": old}
    )
    assert response["CopySourceVersionId"] == old
    assert len(response["VersionId"]) == 32
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"old"


def test_copy_object_unknown_metadata_directive(s3, source):
    with pytest.raises(ClientError) as error:
        s3.copy_object(
            Bucket=source["Bucket"],
            Key="dst",
            CopySource={"Bucket": source["Bucket"], "Key": "src key"},
            MetadataDirective="MERGE",
        )
    assert_error(error, "InvalidArgument", 400, "Unknown metadata directive.")
