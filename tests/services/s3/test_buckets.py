"""S3 bucket operations through boto3: CreateBucket, HeadBucket, DeleteBucket, ListBuckets,
GetBucketLocation, and virtual-hosted-style addressing."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.services.s3.conftest import assert_error, error_fields, unique_bucket_name

INCOMPATIBLE = (
    "The {} location constraint is incompatible for the region specific endpoint this request was sent to."
)


# -- CreateBucket ------------------------------------------------------------------------------------------


def test_create_bucket_us_east_1_returns_location(s3):
    response = s3.create_bucket(Bucket="my-first-bucket")
    assert response["Location"] == "/my-first-bucket"


def test_create_bucket_other_region_with_matching_location_constraint(s3_client):
    s3 = s3_client(region="eu-west-1")
    s3.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket="eu-bucket")["LocationConstraint"] == "eu-west-1"


def test_create_bucket_other_region_without_location_constraint(s3_client):
    with pytest.raises(ClientError) as error:
        s3_client(region="eu-west-1").create_bucket(Bucket="eu-bucket")
    assert_error(error, "IllegalLocationConstraintException", 400, INCOMPATIBLE.format("unspecified"))


def test_create_bucket_location_constraint_not_the_endpoints_region(s3_client):
    with pytest.raises(ClientError) as error:
        s3_client(region="eu-west-1").create_bucket(
            Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
    assert_error(error, "IllegalLocationConstraintException", 400, INCOMPATIBLE.format("eu-central-1"))


def test_create_bucket_us_east_1_location_constraint_in_us_east_1(s3):
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket="east-bucket", CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert_error(error, "InvalidLocationConstraint", 400, "The specified location-constraint is not valid")
    assert error_fields(error)["LocationConstraint"] == "us-east-1"


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper-Case",
        "under_score",
        "-leading-dash",
        "trailing-dash-",
        "two..dots",
        "dot.-dash",
        "192.168.10.20",
        "xn--punycode",
        "sthree-bucket",
        "bucket-s3alias",
        "bucket--ol-s3",
    ],
)
def test_create_bucket_invalid_name(s3, name):
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket=name)
    assert_error(error, "InvalidBucketName", 400, "The specified bucket is not valid.")
    assert error_fields(error)["BucketName"] == name


def test_create_bucket_own_existing_bucket_in_us_east_1_succeeds(s3, bucket):
    # us-east-1 answers 200 for a bucket you already own there (backward compatibility).
    assert s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_create_bucket_own_existing_bucket_in_other_region(s3_client):
    s3 = s3_client(region="eu-west-1")
    config = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration=config)
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration=config)
    assert_error(
        error,
        "BucketAlreadyOwnedByYou",
        409,
        "Your previous request to create the named bucket succeeded and you already own it.",
    )
    assert error_fields(error)["BucketName"] == "eu-bucket"


def test_create_bucket_name_taken_by_other_account(bucket, other_account_s3):
    with pytest.raises(ClientError) as error:
        other_account_s3.create_bucket(Bucket=bucket)
    assert_error(
        error,
        "BucketAlreadyExists",
        409,
        "The requested bucket name is not available. The bucket namespace is shared by all users of the "
        "system. Please select a different name and try again.",
    )


def test_create_bucket_name_taken_in_other_region(s3_client, bucket):
    # Names are global: the same account cannot have the name again in another region.
    with pytest.raises(ClientError) as error:
        s3_client(region="eu-west-1").create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
    assert error.value.response["Error"]["Code"] == "BucketAlreadyOwnedByYou"


# -- HeadBucket ---------------------------------------------------------------------------------------------


def test_head_bucket_reports_region(s3_client):
    s3 = s3_client(region="eu-west-1")
    s3.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    response = s3.head_bucket(Bucket="eu-bucket")
    assert response["BucketRegion"] == "eu-west-1"
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"


def test_head_bucket_missing(s3):
    with pytest.raises(ClientError) as error:
        s3.head_bucket(Bucket="no-such-bucket")
    # A HEAD error has no body: botocore reports the status as the code.
    assert_error(error, "404", 404, "Not Found")


def test_head_bucket_other_account(bucket, other_account_s3):
    with pytest.raises(ClientError) as error:
        other_account_s3.head_bucket(Bucket=bucket)
    assert_error(error, "403", 403, "Forbidden")
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"


def test_head_bucket_waiter_bucket_exists(s3, bucket):
    s3.get_waiter("bucket_exists").wait(Bucket=bucket, WaiterConfig={"Delay": 0, "MaxAttempts": 1})


# -- DeleteBucket -------------------------------------------------------------------------------------------


def test_delete_bucket_removes_it(s3, bucket):
    assert s3.delete_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_delete_bucket_not_empty(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=bucket)
    assert_error(error, "BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
    assert error_fields(error)["BucketName"] == bucket


def test_delete_bucket_missing(s3):
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket="no-such-bucket")
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")
    assert error_fields(error)["BucketName"] == "no-such-bucket"


def test_delete_bucket_other_account(bucket, other_account_s3):
    with pytest.raises(ClientError) as error:
        other_account_s3.delete_bucket(Bucket=bucket)
    assert_error(error, "AccessDenied", 403, "Access Denied")


def test_delete_bucket_name_can_be_reused(s3, bucket, other_account_s3):
    s3.delete_bucket(Bucket=bucket)
    other_account_s3.create_bucket(Bucket=bucket)
    assert other_account_s3.head_bucket(Bucket=bucket)["BucketRegion"] == "us-east-1"


# -- ListBuckets --------------------------------------------------------------------------------------------


def test_list_buckets_lists_every_region_of_the_callers_account(s3, s3_client, other_account_s3):
    s3.create_bucket(Bucket="bucket-b")
    s3_client(region="eu-west-1").create_bucket(
        Bucket="bucket-a", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    other_account_s3.create_bucket(Bucket="bucket-c")
    response = s3.list_buckets()
    assert [(b["Name"], b["BucketRegion"]) for b in response["Buckets"]] == [
        ("bucket-a", "eu-west-1"),
        ("bucket-b", "us-east-1"),
    ]
    assert len(response["Owner"]["ID"]) == 64


def test_list_buckets_prefix(s3):
    for name in ("logs-1", "logs-2", "data-1"):
        s3.create_bucket(Bucket=name)
    assert [b["Name"] for b in s3.list_buckets(Prefix="logs-")["Buckets"]] == ["logs-1", "logs-2"]


def test_list_buckets_max_buckets_pages_with_continuation_token(s3):
    for name in ("bucket-1", "bucket-2", "bucket-3"):
        s3.create_bucket(Bucket=name)
    first = s3.list_buckets(MaxBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == ["bucket-1", "bucket-2"]
    second = s3.list_buckets(MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in second["Buckets"]] == ["bucket-3"]
    assert "ContinuationToken" not in second


# -- GetBucketLocation --------------------------------------------------------------------------------------


def test_get_bucket_location_us_east_1_is_none(s3, bucket):
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None


def test_get_bucket_location_missing_bucket(s3):
    with pytest.raises(ClientError) as error:
        s3.get_bucket_location(Bucket="no-such-bucket")
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")


def test_get_bucket_location_other_account(bucket, other_account_s3):
    with pytest.raises(ClientError) as error:
        other_account_s3.get_bucket_location(Bucket=bucket)
    assert_error(error, "AccessDenied", 403, "Access Denied")


# -- addressing ---------------------------------------------------------------------------------------------


def test_create_bucket_virtual_hosted_style(mocklambda, s3):
    # bucket.localhost does not resolve in every environment; a client that addresses AWS itself
    # (bucket.s3.amazonaws.com) reaches the mock through mock_aws()'s redirect, which keeps the Host header.
    virtual = boto3.client(
        "s3",
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "virtual"}, ignore_configured_endpoint_urls=True),
    )
    name = unique_bucket_name("virtual")
    virtual.create_bucket(Bucket=name)
    virtual.put_object(Bucket=name, Key="dir/key.txt", Body=b"virtual")
    assert virtual.get_object(Bucket=name, Key="dir/key.txt")["Body"].read() == b"virtual"
    assert s3.get_object(Bucket=name, Key="dir/key.txt")["Body"].read() == b"virtual"


def test_list_buckets_other_account_sees_none_of_ours(bucket, other_account_s3):
    assert other_account_s3.list_buckets()["Buckets"] == []
