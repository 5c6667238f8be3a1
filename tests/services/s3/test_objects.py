"""S3 object operations through boto3: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, and
Lambda code read from S3 (the object reader capability). Transfers and presigned URLs: test_transfer.py."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import zlib

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import ROLE, make_zip
from tests.services.s3.conftest import assert_error, error_fields

NO_SUCH_KEY = "The specified key does not exist."
PRECONDITION_FAILED = "At least one of the pre-conditions you specified did not hold"


@pytest.fixture
def no_retry_s3(s3_client):
    """botocore retries BadDigest (as it does against AWS); one attempt keeps the test fast."""
    return s3_client(config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}))


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()  # noqa: S324


# -- PutObject ----------------------------------------------------------------------------------------------


def test_put_object_returns_quoted_md5_etag(s3, bucket):
    response = s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    assert response["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'
    assert "VersionId" not in response


def test_put_object_stores_metadata_and_content_headers(s3, bucket):
    s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"{}",
        ContentType="application/json",
        Metadata={"Owner": "team-a"},
        CacheControl="max-age=60",
        ContentDisposition="attachment",
        ContentEncoding="identity",
        ContentLanguage="en",
    )
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"owner": "team-a"}
    assert (
        head["CacheControl"],
        head["ContentDisposition"],
        head["ContentEncoding"],
        head["ContentLanguage"],
    ) == ("max-age=60", "attachment", "identity", "en")


def test_put_object_default_content_type(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="k")["ContentType"] == "binary/octet-stream"


def test_put_object_empty_body(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty")
    response = s3.get_object(Bucket=bucket, Key="empty")
    assert (response["ContentLength"], response["Body"].read()) == (0, b"")
    assert response["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_put_object_overwrites(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"


def test_put_object_with_content_md5(s3, bucket):
    response = s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5=md5_b64(b"data"))
    assert response["ETag"] == f'"{hashlib.md5(b"data").hexdigest()}"'  # noqa: S324


def test_put_object_content_md5_mismatch(no_retry_s3, bucket):
    s3 = no_retry_s3
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5=md5_b64(b"other"))
    assert_error(error, "BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
    assert error_fields(error)["CalculatedDigest"] == md5_b64(b"data")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_put_object_content_md5_invalid(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5="not-an-md5")
    assert_error(error, "InvalidDigest", 400, "The Content-MD5 you specified was invalid.")


def test_put_object_missing_bucket(s3):
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket="no-such-bucket", Key="k", Body=b"x")
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")
    assert error_fields(error)["BucketName"] == "no-such-bucket"


def test_put_object_other_accounts_bucket(bucket, other_account_s3):
    with pytest.raises(ClientError) as error:
        other_account_s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert_error(error, "AccessDenied", 403, "Access Denied")


def test_put_object_checksum_sha256_is_returned_and_kept(s3, bucket):
    digest = base64.b64encode(hashlib.sha256(b"data").digest()).decode()
    response = s3.put_object(Bucket=bucket, Key="k", Body=b"data", ChecksumAlgorithm="SHA256")
    assert response["ChecksumSHA256"] == digest
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == digest


def test_put_object_checksum_crc32_mismatch(no_retry_s3, bucket):
    s3 = no_retry_s3
    wrong = base64.b64encode((zlib.crc32(b"other")).to_bytes(4, "big")).decode()
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ChecksumCRC32=wrong)
    assert_error(error, "BadDigest", 400, "The CRC32 you specified did not match the calculated checksum.")


def test_put_object_invalid_storage_class(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="COLD")
    assert_error(error, "InvalidStorageClass", 400, "The storage class you specified is not valid")


def test_put_object_if_none_match_existing_key(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"y", IfNoneMatch="*")
    assert_error(error, "PreconditionFailed", 412, PRECONDITION_FAILED)
    assert error_fields(error)["Condition"] == "If-None-Match"


def test_put_object_key_with_spaces_and_unicode(s3, bucket):
    key = "folder with space/ünïcødé + plus?.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"x"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]


# -- GetObject ----------------------------------------------------------------------------------------------


@pytest.fixture
def stored(s3, bucket) -> dict:
    """An object `k` holding b"0123456789"; its PutObject response plus the bucket name."""
    response = s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789", Metadata={"m": "v"})
    return {"Bucket": bucket, "ETag": response["ETag"]}


def test_get_object_returns_body_and_headers(s3, stored):
    response = s3.get_object(Bucket=stored["Bucket"], Key="k")
    assert response["Body"].read() == b"0123456789"
    assert (response["ContentLength"], response["ETag"], response["Metadata"], response["AcceptRanges"]) == (
        10,
        stored["ETag"],
        {"m": "v"},
        "bytes",
    )
    assert isinstance(response["LastModified"], dt.datetime)


def test_get_object_missing_key(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="missing/key")
    assert_error(error, "NoSuchKey", 404, NO_SUCH_KEY)
    assert error_fields(error)["Key"] == "missing/key"


def test_get_object_missing_bucket(s3):
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket="no-such-bucket", Key="k")
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")


def test_get_object_modeled_exception_class(s3, bucket):
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=bucket, Key="missing")


def test_get_object_range(s3, stored):
    response = s3.get_object(Bucket=stored["Bucket"], Key="k", Range="bytes=2-5")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert (response["Body"].read(), response["ContentRange"], response["ContentLength"]) == (
        b"2345",
        "bytes 2-5/10",
        4,
    )


def test_get_object_range_open_ended(s3, stored):
    response = s3.get_object(Bucket=stored["Bucket"], Key="k", Range="bytes=7-")
    assert (response["Body"].read(), response["ContentRange"]) == (b"789", "bytes 7-9/10")


def test_get_object_range_suffix(s3, stored):
    response = s3.get_object(Bucket=stored["Bucket"], Key="k", Range="bytes=-3")
    assert (response["Body"].read(), response["ContentRange"]) == (b"789", "bytes 7-9/10")


def test_get_object_range_end_beyond_size_is_clamped(s3, stored):
    response = s3.get_object(Bucket=stored["Bucket"], Key="k", Range="bytes=8-100")
    assert (response["Body"].read(), response["ContentRange"]) == (b"89", "bytes 8-9/10")


def test_get_object_range_not_satisfiable(s3, stored):
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=stored["Bucket"], Key="k", Range="bytes=10-20")
    assert_error(error, "InvalidRange", 416, "The requested range is not satisfiable")
    assert error_fields(error)["ActualObjectSize"] == "10"
    assert error_fields(error)["RangeRequested"] == "bytes=10-20"


def test_get_object_malformed_range_returns_whole_object(s3, stored):
    response = s3.get_object(Bucket=stored["Bucket"], Key="k", Range="bytes=abc")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["Body"].read() == b"0123456789"


def test_get_object_if_match(s3, stored):
    assert s3.get_object(Bucket=stored["Bucket"], Key="k", IfMatch=stored["ETag"])["Body"].read()


def test_get_object_if_match_fails(s3, stored):
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=stored["Bucket"], Key="k", IfMatch='"0000"')
    assert_error(error, "PreconditionFailed", 412, PRECONDITION_FAILED)
    assert error_fields(error)["Condition"] == "If-Match"


def test_get_object_if_none_match_not_modified(s3, stored):
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=stored["Bucket"], Key="k", IfNoneMatch=stored["ETag"])
    assert_error(error, "304", 304, "Not Modified")
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["etag"] == stored["ETag"]


def test_get_object_if_modified_since_not_modified(s3, stored):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=stored["Bucket"], Key="k", IfModifiedSince=later)
    assert_error(error, "304", 304, "Not Modified")


def test_get_object_if_modified_since_earlier(s3, stored):
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    assert s3.get_object(Bucket=stored["Bucket"], Key="k", IfModifiedSince=earlier)["Body"].read()


def test_get_object_if_unmodified_since_fails(s3, stored):
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=stored["Bucket"], Key="k", IfUnmodifiedSince=earlier)
    assert_error(error, "PreconditionFailed", 412, PRECONDITION_FAILED)
    assert error_fields(error)["Condition"] == "If-Unmodified-Since"


def test_get_object_if_match_overrides_if_unmodified_since(s3, stored):
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    response = s3.get_object(
        Bucket=stored["Bucket"], Key="k", IfMatch=stored["ETag"], IfUnmodifiedSince=earlier
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_get_object_if_none_match_overrides_if_modified_since(s3, stored):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    response = s3.get_object(Bucket=stored["Bucket"], Key="k", IfNoneMatch='"other"', IfModifiedSince=later)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_get_object_response_header_overrides(s3, stored):
    response = s3.get_object(
        Bucket=stored["Bucket"],
        Key="k",
        ResponseContentType="text/plain",
        ResponseContentDisposition="inline",
        ResponseCacheControl="no-cache",
    )
    assert (response["ContentType"], response["ContentDisposition"], response["CacheControl"]) == (
        "text/plain",
        "inline",
        "no-cache",
    )


def test_get_object_checksum_validated_by_botocore(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"checked", ChecksumAlgorithm="CRC32")
    response = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert response["Body"].read() == b"checked"
    assert response["ChecksumCRC32"] == base64.b64encode(zlib.crc32(b"checked").to_bytes(4, "big")).decode()


def test_get_object_body_survives_overwrite_while_streaming(s3, bucket):
    data = os.urandom(2 * 1024 * 1024)  # large enough to be stored in a file
    s3.put_object(Bucket=bucket, Key="k", Body=data)
    response = s3.get_object(Bucket=bucket, Key="k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"b")
    assert response["Body"].read() == data


def test_get_object_range_of_large_object(s3, bucket):
    data = os.urandom(3 * 1024 * 1024)
    s3.put_object(Bucket=bucket, Key="k", Body=data)
    response = s3.get_object(Bucket=bucket, Key="k", Range="bytes=1048570-2097160")
    assert response["Body"].read() == data[1048570:2097161]


def test_get_object_tag_count(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&b=2")
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2


def test_get_object_other_accounts_bucket(stored, other_account_s3):
    with pytest.raises(ClientError) as error:
        other_account_s3.get_object(Bucket=stored["Bucket"], Key="k")
    assert_error(error, "AccessDenied", 403, "Access Denied")


# -- HeadObject ---------------------------------------------------------------------------------------------


def test_head_object_returns_headers_without_body(s3, stored):
    response = s3.head_object(Bucket=stored["Bucket"], Key="k")
    assert (response["ContentLength"], response["ETag"], response["Metadata"]) == (
        10,
        stored["ETag"],
        {"m": "v"},
    )
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-length"] == "10"


def test_head_object_missing_key(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="missing")
    assert_error(error, "404", 404, "Not Found")


def test_head_object_if_none_match_not_modified(s3, stored):
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=stored["Bucket"], Key="k", IfNoneMatch=stored["ETag"])
    assert_error(error, "304", 304, "Not Modified")


def test_head_object_waiter_object_exists(s3, stored):
    s3.get_waiter("object_exists").wait(
        Bucket=stored["Bucket"], Key="k", WaiterConfig={"Delay": 0, "MaxAttempts": 1}
    )


# -- DeleteObject / DeleteObjects ---------------------------------------------------------------------------


def test_delete_object_removes_it(s3, stored):
    response = s3.delete_object(Bucket=stored["Bucket"], Key="k")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=stored["Bucket"], Key="k")


def test_delete_object_missing_key_is_idempotent(s3, bucket):
    assert s3.delete_object(Bucket=bucket, Key="never-there")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_object_missing_bucket(s3):
    with pytest.raises(ClientError) as error:
        s3.delete_object(Bucket="no-such-bucket", Key="k")
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")


def test_delete_objects_reports_deleted_keys(s3, bucket):
    for key in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    response = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "c"}]}
    )
    assert sorted(d["Key"] for d in response["Deleted"]) == ["a", "b", "c"]
    assert "Errors" not in response
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_quiet_reports_nothing(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}], "Quiet": True})
    assert "Deleted" not in response
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_unknown_version_is_a_per_key_error(s3, bucket):
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a", "VersionId": "bad"}]})
    assert response["Errors"] == [
        {
            "Key": "a",
            "VersionId": "bad",
            "Code": "NoSuchVersion",
            "Message": "The specified version does not exist.",
        }
    ]


def test_delete_objects_missing_bucket(s3):
    with pytest.raises(ClientError) as error:
        s3.delete_objects(Bucket="no-such-bucket", Delete={"Objects": [{"Key": "a"}]})
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")


# -- versioned buckets (PutBucketVersioning belongs to versioning.py) ---------------------------------------


@pytest.fixture
def versioned(s3, bucket) -> str:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def test_put_object_versioned_returns_version_id(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="k", Body=b"two")["VersionId"]
    assert first != second
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=first)["Body"].read() == b"one"
    assert s3.get_object(Bucket=versioned, Key="k")["VersionId"] == second


def test_delete_object_versioned_creates_delete_marker(s3, versioned):
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    response = s3.delete_object(Bucket=versioned, Key="k")
    assert response["DeleteMarker"] is True
    assert response["VersionId"] != version
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=versioned, Key="k")
    assert_error(error, "NoSuchKey", 404, NO_SUCH_KEY)
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=version)["Body"].read() == b"one"


def test_delete_object_versioned_with_version_id_removes_that_version(s3, versioned):
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    response = s3.delete_object(Bucket=versioned, Key="k", VersionId=version)
    assert response["VersionId"] == version
    assert "DeleteMarker" not in response
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=versioned, Key="k")


def test_get_object_unknown_version(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"one")
    missing = "A" * 32
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=versioned, Key="k", VersionId=missing)
    assert_error(error, "NoSuchVersion", 404, "The specified version does not exist.")
    assert error_fields(error)["VersionId"] == missing


def test_get_object_delete_marker_by_version_id(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"one")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=versioned, Key="k", VersionId=marker)
    assert_error(error, "MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
    assert error_fields(error)["ResourceType"] == "DeleteMarker"


def test_delete_objects_versioned_reports_delete_markers(s3, versioned):
    s3.put_object(Bucket=versioned, Key="a", Body=b"x")
    deleted = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "a"}]})["Deleted"]
    assert deleted[0]["DeleteMarker"] is True
    assert len(deleted[0]["DeleteMarkerVersionId"]) == 32


# -- the object reader capability ---------------------------------------------------------------------------


def test_create_function_with_code_from_s3_object(s3, bucket, client):
    handler = "def handler(event, context):\n    return {'from': 's3', 'got': event}\n"
    s3.put_object(Bucket=bucket, Key="code/fn.zip", Body=make_zip({"app.py": handler}))
    awslambda = client("lambda")
    awslambda.create_function(
        FunctionName="from-s3",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"S3Bucket": bucket, "S3Key": "code/fn.zip"},
    )
    response = awslambda.invoke(FunctionName="from-s3", Payload=b'{"n": 1}')
    assert json.loads(response["Payload"].read()) == {"from": "s3", "got": {"n": 1}}


def test_create_function_with_code_from_missing_s3_key(s3, bucket, client):
    with pytest.raises(ClientError) as error:
        client("lambda").create_function(
            FunctionName="from-s3",
            Runtime="python3.12",
            Role=ROLE,
            Handler="app.handler",
            Code={"S3Bucket": bucket, "S3Key": "code/missing.zip"},
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "NoSuchKey" in error.value.response["Error"]["Message"]


def test_put_object_key_too_long(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert_error(error, "KeyTooLongError", 400, "Your key is too long")


def test_put_object_metadata_too_large(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"big": "v" * 2048})
    assert_error(
        error, "MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size"
    )


def test_put_object_expires_round_trips(s3, bucket):
    expires = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Expires=expires)
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"
