"""Bucket versioning through boto3: Put/GetBucketVersioning, version ids on writes, delete markers, reads by
version, and ListObjectVersions with its markers and paginator."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.services.s3.conftest import error_of

BUCKET = "versioned-bucket"


@pytest.fixture
def s3(client) -> Any:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


@pytest.fixture
def versioned(s3) -> Any:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return s3


# -- PutBucketVersioning / GetBucketVersioning --------------------------------------------------------------
def test_get_bucket_versioning_of_a_new_bucket_is_empty(s3) -> None:
    response = s3.get_bucket_versioning(Bucket=BUCKET)

    assert set(response) == {"ResponseMetadata"}


@pytest.mark.parametrize("status", ["Enabled", "Suspended"])
def test_put_bucket_versioning_sets_the_status(s3, status) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": status})

    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == status


def test_put_bucket_versioning_unknown_status_is_malformed_xml(client, s3) -> None:
    unvalidated = client("s3", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as error:
        unvalidated.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "On"})

    assert error_of(error) == (
        "MalformedXML",
        400,
        "The XML you provided was not well-formed or did not validate against our published schema",
    )


def test_put_bucket_versioning_without_status_is_illegal_versioning_configuration(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={})

    assert error_of(error) == (
        "IllegalVersioningConfigurationException",
        400,
        "The Versioning element must be specified",
    )


def test_put_bucket_versioning_no_such_bucket(client) -> None:
    with pytest.raises(ClientError) as error:
        client("s3").put_bucket_versioning(Bucket="no-such-bucket", VersioningConfiguration={"Status": "Enabled"})

    assert error_of(error) == ("NoSuchBucket", 404, "The specified bucket does not exist")


def test_get_bucket_versioning_no_such_bucket(client) -> None:
    with pytest.raises(ClientError) as error:
        client("s3").get_bucket_versioning(Bucket="no-such-bucket")

    assert error_of(error) == ("NoSuchBucket", 404, "The specified bucket does not exist")


# -- writes and reads by version ----------------------------------------------------------------------------
def test_put_object_in_a_versioned_bucket_returns_a_new_version_id_each_time(versioned) -> None:
    first = versioned.put_object(Bucket=BUCKET, Key="k", Body=b"1")["VersionId"]
    second = versioned.put_object(Bucket=BUCKET, Key="k", Body=b"2")["VersionId"]

    assert first != second
    assert "null" not in (first, second)


def test_get_object_with_version_id_reads_that_version(versioned) -> None:
    first = versioned.put_object(Bucket=BUCKET, Key="k", Body=b"1")["VersionId"]
    versioned.put_object(Bucket=BUCKET, Key="k", Body=b"2")

    response = versioned.get_object(Bucket=BUCKET, Key="k", VersionId=first)

    assert (response["Body"].read(), response["VersionId"]) == (b"1", first)


def test_delete_object_in_a_versioned_bucket_creates_a_delete_marker(versioned) -> None:
    versioned.put_object(Bucket=BUCKET, Key="k", Body=b"1")

    response = versioned.delete_object(Bucket=BUCKET, Key="k")

    assert response["DeleteMarker"] is True
    with pytest.raises(ClientError) as error:
        versioned.get_object(Bucket=BUCKET, Key="k")
    assert error_of(error) == ("NoSuchKey", 404, "The specified key does not exist.")


def test_put_object_in_a_suspended_bucket_writes_the_null_version(s3) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})

    s3.put_object(Bucket=BUCKET, Key="k", Body=b"1")

    assert s3.head_object(Bucket=BUCKET, Key="k")["VersionId"] == "null"


# -- ListObjectVersions -------------------------------------------------------------------------------------
def test_list_object_versions_lists_versions_newest_first_with_is_latest(versioned) -> None:
    first = versioned.put_object(Bucket=BUCKET, Key="k", Body=b"1")["VersionId"]
    second = versioned.put_object(Bucket=BUCKET, Key="k", Body=b"22")["VersionId"]

    response = versioned.list_object_versions(Bucket=BUCKET)

    assert [(v["VersionId"], v["IsLatest"], v["Size"]) for v in response["Versions"]] == [
        (second, True, 2),
        (first, False, 1),
    ]
    assert response["Name"] == BUCKET
    assert response["IsTruncated"] is False
    assert "DeleteMarkers" not in response


def test_list_object_versions_lists_delete_markers(versioned) -> None:
    version_id = versioned.put_object(Bucket=BUCKET, Key="k", Body=b"1")["VersionId"]
    marker_id = versioned.delete_object(Bucket=BUCKET, Key="k")["VersionId"]

    response = versioned.list_object_versions(Bucket=BUCKET)

    assert [(m["Key"], m["VersionId"], m["IsLatest"]) for m in response["DeleteMarkers"]] == [("k", marker_id, True)]
    assert [(v["VersionId"], v["IsLatest"]) for v in response["Versions"]] == [(version_id, False)]


def test_list_object_versions_of_an_unversioned_bucket_shows_null_versions(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"1")

    response = s3.list_object_versions(Bucket=BUCKET)

    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in response["Versions"]] == [("k", "null", True)]


def test_list_object_versions_with_prefix_and_delimiter(versioned) -> None:
    for key in ("logs/a", "logs/b", "top", "other"):
        versioned.put_object(Bucket=BUCKET, Key=key, Body=b"x")

    response = versioned.list_object_versions(Bucket=BUCKET, Delimiter="/")
    assert [v["Key"] for v in response["Versions"]] == ["other", "top"]
    assert response["CommonPrefixes"] == [{"Prefix": "logs/"}]

    response = versioned.list_object_versions(Bucket=BUCKET, Prefix="logs/")
    assert [v["Key"] for v in response["Versions"]] == ["logs/a", "logs/b"]


def test_list_object_versions_decodes_keys_with_special_characters(versioned) -> None:
    key = "dir/a key+with ü"
    versioned.put_object(Bucket=BUCKET, Key=key, Body=b"x")

    response = versioned.list_object_versions(Bucket=BUCKET)

    assert [v["Key"] for v in response["Versions"]] == [key]


def test_list_object_versions_key_marker_starts_after_the_key(versioned) -> None:
    for key in ("a", "b", "c"):
        versioned.put_object(Bucket=BUCKET, Key=key, Body=b"x")

    response = versioned.list_object_versions(Bucket=BUCKET, KeyMarker="a")

    assert [v["Key"] for v in response["Versions"]] == ["b", "c"]


def test_list_object_versions_version_id_marker_continues_within_the_key(versioned) -> None:
    ids = [versioned.put_object(Bucket=BUCKET, Key="k", Body=b"x")["VersionId"] for _ in range(3)]

    response = versioned.list_object_versions(Bucket=BUCKET, KeyMarker="k", VersionIdMarker=ids[2])

    assert [v["VersionId"] for v in response["Versions"]] == [ids[1], ids[0]]


def test_list_object_versions_max_keys_truncates_with_next_markers(versioned) -> None:
    ids = [versioned.put_object(Bucket=BUCKET, Key="k", Body=b"x")["VersionId"] for _ in range(3)]

    response = versioned.list_object_versions(Bucket=BUCKET, MaxKeys=2)

    assert response["IsTruncated"] is True
    assert (response["NextKeyMarker"], response["NextVersionIdMarker"]) == ("k", ids[1])
    assert [v["VersionId"] for v in response["Versions"]] == [ids[2], ids[1]]


def test_list_object_versions_paginator_walks_every_version_and_marker(versioned) -> None:
    written = []
    for key in ("a", "b"):
        for _ in range(2):
            written.append(versioned.put_object(Bucket=BUCKET, Key=key, Body=b"x")["VersionId"])
    written.append(versioned.delete_object(Bucket=BUCKET, Key="a")["VersionId"])

    pages = list(versioned.get_paginator("list_object_versions").paginate(
        Bucket=BUCKET, PaginationConfig={"PageSize": 2}
    ))

    listed = [v["VersionId"] for page in pages for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
    assert len(pages) == 3
    assert sorted(listed) == sorted(written)


def test_list_object_versions_version_id_marker_without_key_marker_is_invalid_argument(versioned) -> None:
    with pytest.raises(ClientError) as error:
        versioned.list_object_versions(Bucket=BUCKET, VersionIdMarker="abc")

    assert error_of(error) == (
        "InvalidArgument",
        400,
        "A version-id marker cannot be specified without a key marker.",
    )


def test_list_object_versions_no_such_bucket(client) -> None:
    with pytest.raises(ClientError) as error:
        client("s3").list_object_versions(Bucket="no-such-bucket")

    assert error_of(error) == ("NoSuchBucket", 404, "The specified bucket does not exist")


def test_list_object_versions_after_suspending_shows_the_null_version_beside_older_ones(versioned) -> None:
    kept = versioned.put_object(Bucket=BUCKET, Key="k", Body=b"1")["VersionId"]
    versioned.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    versioned.put_object(Bucket=BUCKET, Key="k", Body=b"2")
    versioned.put_object(Bucket=BUCKET, Key="k", Body=b"33")

    response = versioned.list_object_versions(Bucket=BUCKET)

    assert [(v["VersionId"], v["IsLatest"], v["Size"]) for v in response["Versions"]] == [
        ("null", True, 2),
        (kept, False, 1),
    ]


def test_list_object_versions_null_version_id_marker_continues_after_the_null_version(versioned) -> None:
    kept = versioned.put_object(Bucket=BUCKET, Key="k", Body=b"1")["VersionId"]
    versioned.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    versioned.put_object(Bucket=BUCKET, Key="k", Body=b"2")

    response = versioned.list_object_versions(Bucket=BUCKET, KeyMarker="k", VersionIdMarker="null")

    assert [v["VersionId"] for v in response["Versions"]] == [kept]
