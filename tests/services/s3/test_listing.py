"""S3 listings through boto3: ListObjectsV2 (Prefix, Delimiter, MaxKeys, ContinuationToken, StartAfter,
EncodingType, the paginator) and ListObjects v1 (Marker / NextMarker)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.services.s3.conftest import assert_error

KEYS = ["a.txt", "logs/2024/01.log", "logs/2024/02.log", "logs/2025/01.log", "photos/cat.jpg", "z.txt"]


@pytest.fixture
def filled(s3, bucket) -> str:
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def keys_of(response) -> list[str]:
    return [item["Key"] for item in response.get("Contents", [])]


def prefixes_of(response) -> list[str]:
    return [item["Prefix"] for item in response.get("CommonPrefixes", [])]


# -- ListObjectsV2 ------------------------------------------------------------------------------------------


def test_list_objects_v2_lists_keys_in_order(s3, filled):
    response = s3.list_objects_v2(Bucket=filled)
    assert keys_of(response) == KEYS
    assert (response["KeyCount"], response["IsTruncated"], response["MaxKeys"], response["Name"]) == (
        6,
        False,
        1000,
        filled,
    )
    first = response["Contents"][0]
    assert (first["Size"], first["StorageClass"], first["ETag"].startswith('"')) == (5, "STANDARD", True)
    assert "Owner" not in first


def test_list_objects_v2_empty_bucket(s3, bucket):
    response = s3.list_objects_v2(Bucket=bucket)
    assert (response["KeyCount"], "Contents" in response) == (0, False)


def test_list_objects_v2_prefix(s3, filled):
    assert keys_of(s3.list_objects_v2(Bucket=filled, Prefix="logs/2024/")) == [
        "logs/2024/01.log",
        "logs/2024/02.log",
    ]


def test_list_objects_v2_delimiter_rolls_up_common_prefixes(s3, filled):
    response = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert keys_of(response) == ["a.txt", "z.txt"]
    assert prefixes_of(response) == ["logs/", "photos/"]
    assert response["KeyCount"] == 4


def test_list_objects_v2_prefix_and_delimiter(s3, filled):
    response = s3.list_objects_v2(Bucket=filled, Prefix="logs/", Delimiter="/")
    assert (keys_of(response), prefixes_of(response)) == ([], ["logs/2024/", "logs/2025/"])


def test_list_objects_v2_max_keys_and_continuation_token(s3, filled):
    first = s3.list_objects_v2(Bucket=filled, MaxKeys=4)
    assert (keys_of(first), first["IsTruncated"], first["KeyCount"]) == (KEYS[:4], True, 4)
    second = s3.list_objects_v2(Bucket=filled, MaxKeys=4, ContinuationToken=first["NextContinuationToken"])
    assert (keys_of(second), second["IsTruncated"]) == (KEYS[4:], False)
    assert second["ContinuationToken"] == first["NextContinuationToken"]
    assert "NextContinuationToken" not in second


def test_list_objects_v2_common_prefixes_count_towards_max_keys(s3, filled):
    first = s3.list_objects_v2(Bucket=filled, Delimiter="/", MaxKeys=2)
    assert (keys_of(first), prefixes_of(first), first["IsTruncated"]) == (["a.txt"], ["logs/"], True)
    second = s3.list_objects_v2(
        Bucket=filled, Delimiter="/", MaxKeys=2, ContinuationToken=first["NextContinuationToken"]
    )
    assert (keys_of(second), prefixes_of(second), second["IsTruncated"]) == (["z.txt"], ["photos/"], False)


def test_list_objects_v2_start_after(s3, filled):
    response = s3.list_objects_v2(Bucket=filled, StartAfter="logs/2025/01.log")
    assert keys_of(response) == ["photos/cat.jpg", "z.txt"]
    assert response["StartAfter"] == "logs/2025/01.log"


def test_list_objects_v2_fetch_owner(s3, filled):
    response = s3.list_objects_v2(Bucket=filled, FetchOwner=True, MaxKeys=1)
    assert len(response["Contents"][0]["Owner"]["ID"]) == 64


def test_list_objects_v2_invalid_continuation_token(s3, filled):
    with pytest.raises(ClientError) as error:
        s3.list_objects_v2(Bucket=filled, ContinuationToken="%%%")
    assert_error(error, "InvalidArgument", 400, "The continuation token provided is incorrect")


def test_list_objects_v2_missing_bucket(s3):
    with pytest.raises(ClientError) as error:
        s3.list_objects_v2(Bucket="no-such-bucket")
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")


def test_list_objects_v2_url_encoding_round_trips_special_keys(s3, bucket):
    # botocore asks for EncodingType=url and decodes: keys with spaces, '+', unicode and XML-hostile
    # characters come back exactly as written.
    keys = ["a b/c+d.txt", "ünï/çødé.txt", "x&y<z>.txt"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    response = s3.list_objects_v2(Bucket=bucket)
    assert keys_of(response) == sorted(keys)
    assert prefixes_of(s3.list_objects_v2(Bucket=bucket, Delimiter="/")) == ["a b/", "ünï/"]


def test_list_objects_v2_url_encoding_on_the_wire(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a b+c", Body=b"x")
    raw = {}

    def keep(response_dict, **kwargs):
        raw["body"] = response_dict["body"]

    s3.meta.events.register("before-parse.s3.ListObjectsV2", keep)
    s3.list_objects_v2(Bucket=bucket)
    assert b"<Key>a+b%2Bc</Key>" in raw["body"]


def test_list_objects_v2_paginator(s3, bucket):
    keys = [f"key-{index:03}" for index in range(25)]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    pages = list(
        s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 10})
    )
    assert [page["KeyCount"] for page in pages] == [10, 10, 5]
    assert [key for page in pages for key in keys_of(page)] == keys


def test_list_objects_v2_hides_delete_markers(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    s3.put_object(Bucket=bucket, Key="kept", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="gone")
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == ["kept"]


# -- ListObjects (v1) ---------------------------------------------------------------------------------------


def test_list_objects_lists_keys_with_owner(s3, filled):
    response = s3.list_objects(Bucket=filled)
    assert keys_of(response) == KEYS
    assert (response["IsTruncated"], response["Marker"]) == (False, "")
    assert len(response["Contents"][0]["Owner"]["ID"]) == 64


def test_list_objects_marker(s3, filled):
    response = s3.list_objects(Bucket=filled, Marker="logs/2024/02.log", MaxKeys=2)
    assert (keys_of(response), response["IsTruncated"]) == (["logs/2025/01.log", "photos/cat.jpg"], True)
    assert "NextMarker" not in response  # only given with a delimiter


def test_list_objects_next_marker_with_delimiter(s3, filled):
    first = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=2)
    assert (keys_of(first), prefixes_of(first), first["NextMarker"]) == (["a.txt"], ["logs/"], "logs/")
    second = s3.list_objects(Bucket=filled, Delimiter="/", Marker=first["NextMarker"])
    assert (keys_of(second), prefixes_of(second)) == (["z.txt"], ["photos/"])


def test_list_objects_paginator(s3, filled):
    pages = list(s3.get_paginator("list_objects").paginate(Bucket=filled, PaginationConfig={"PageSize": 4}))
    assert [key for page in pages for key in keys_of(page)] == KEYS


def test_list_objects_missing_bucket(s3):
    with pytest.raises(ClientError) as error:
        s3.list_objects(Bucket="no-such-bucket")
    assert_error(error, "NoSuchBucket", 404, "The specified bucket does not exist")
