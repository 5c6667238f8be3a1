"""Object tagging through boto3: GetObjectTagging, PutObjectTagging, DeleteObjectTagging, by version too, and
S3's tag limits with the errors AWS answers."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.services.s3.conftest import error_of

BUCKET = "tagging-bucket"
KEY = "tagged.txt"


def tag_set(**tags: str) -> dict[str, Any]:
    return {"TagSet": [{"Key": key, "Value": value} for key, value in tags.items()]}


@pytest.fixture
def s3(client) -> Any:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"data")
    return s3


def put_tags(s3: Any, tags: list[dict[str, str]]) -> None:
    s3.put_object_tagging(Bucket=BUCKET, Key=KEY, Tagging={"TagSet": tags})


# -- GetObjectTagging ---------------------------------------------------------------------------------------
def test_get_object_tagging_of_an_untagged_object_is_empty(s3) -> None:
    response = s3.get_object_tagging(Bucket=BUCKET, Key=KEY)

    assert response["TagSet"] == []
    assert "VersionId" not in response


def test_get_object_tagging_returns_the_tags_set_by_put_object(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="with-header", Body=b"x", Tagging="team=data&empty=")

    response = s3.get_object_tagging(Bucket=BUCKET, Key="with-header")

    assert response["TagSet"] == [{"Key": "team", "Value": "data"}, {"Key": "empty", "Value": ""}]


def test_get_object_tagging_no_such_key(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.get_object_tagging(Bucket=BUCKET, Key="missing")

    assert error_of(error) == ("NoSuchKey", 404, "The specified key does not exist.")


def test_get_object_tagging_no_such_bucket(client) -> None:
    with pytest.raises(ClientError) as error:
        client("s3").get_object_tagging(Bucket="no-such-bucket", Key=KEY)

    assert error_of(error) == ("NoSuchBucket", 404, "The specified bucket does not exist")


# -- PutObjectTagging ---------------------------------------------------------------------------------------
def test_put_object_tagging_replaces_the_tag_set(s3) -> None:
    s3.put_object_tagging(Bucket=BUCKET, Key=KEY, Tagging=tag_set(a="1", b="2"))

    s3.put_object_tagging(Bucket=BUCKET, Key=KEY, Tagging=tag_set(c="3"))

    assert s3.get_object_tagging(Bucket=BUCKET, Key=KEY)["TagSet"] == [{"Key": "c", "Value": "3"}]


def test_put_object_tagging_shows_in_head_object_tag_count(s3) -> None:
    s3.put_object_tagging(Bucket=BUCKET, Key=KEY, Tagging=tag_set(a="1", b="2"))

    assert s3.get_object(Bucket=BUCKET, Key=KEY)["TagCount"] == 2


def test_put_object_tagging_accepts_10_tags_at_the_length_limits(s3) -> None:
    tags = [{"Key": f"{index}" + "k" * 127, "Value": "v" * 256} for index in range(10)]

    put_tags(s3, tags)

    assert s3.get_object_tagging(Bucket=BUCKET, Key=KEY)["TagSet"] == tags


def test_put_object_tagging_more_than_10_tags_is_bad_request(s3) -> None:
    with pytest.raises(ClientError) as error:
        put_tags(s3, [{"Key": f"k{index}", "Value": "v"} for index in range(11)])

    assert error_of(error) == ("BadRequest", 400, "Object tags cannot be greater than 10")


def test_put_object_tagging_key_over_128_characters_is_invalid_tag(s3) -> None:
    with pytest.raises(ClientError) as error:
        put_tags(s3, [{"Key": "k" * 129, "Value": "v"}])

    assert error_of(error) == ("InvalidTag", 400, "The TagKey you have provided is invalid")


def test_put_object_tagging_empty_key_is_invalid_tag(client, s3) -> None:
    # botocore refuses an empty key itself; without its validation the server answers.
    unvalidated = client("s3", config=Config(parameter_validation=False))

    with pytest.raises(ClientError) as error:
        put_tags(unvalidated, [{"Key": "", "Value": "v"}])

    assert error_of(error) == ("InvalidTag", 400, "The TagKey you have provided is invalid")


def test_put_object_tagging_value_over_256_characters_is_invalid_tag(s3) -> None:
    with pytest.raises(ClientError) as error:
        put_tags(s3, [{"Key": "k", "Value": "v" * 257}])

    assert error_of(error) == ("InvalidTag", 400, "The TagValue you have provided is invalid")
    assert error.value.response["Error"]["TagKey"] == "k"


def test_put_object_tagging_value_with_a_forbidden_character_is_invalid_tag(s3) -> None:
    with pytest.raises(ClientError) as error:
        put_tags(s3, [{"Key": "k", "Value": "a&b"}])

    assert error_of(error) == ("InvalidTag", 400, "The TagValue you have provided is invalid")


def test_put_object_tagging_repeated_key_is_invalid_tag(s3) -> None:
    with pytest.raises(ClientError) as error:
        put_tags(s3, [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])

    assert error_of(error) == ("InvalidTag", 400, "Cannot provide multiple Tags with the same key")


def test_put_object_tagging_no_such_key(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_object_tagging(Bucket=BUCKET, Key="missing", Tagging=tag_set(a="1"))

    assert error_of(error) == ("NoSuchKey", 404, "The specified key does not exist.")


# -- DeleteObjectTagging ------------------------------------------------------------------------------------
def test_delete_object_tagging_removes_every_tag(s3) -> None:
    s3.put_object_tagging(Bucket=BUCKET, Key=KEY, Tagging=tag_set(a="1"))

    response = s3.delete_object_tagging(Bucket=BUCKET, Key=KEY)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_object_tagging(Bucket=BUCKET, Key=KEY)["TagSet"] == []


def test_delete_object_tagging_no_such_key(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.delete_object_tagging(Bucket=BUCKET, Key="missing")

    assert error_of(error) == ("NoSuchKey", 404, "The specified key does not exist.")


# -- versions -----------------------------------------------------------------------------------------------
def test_put_object_tagging_with_version_id_tags_only_that_version(s3) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=BUCKET, Key="doc", Body=b"1")["VersionId"]
    second = s3.put_object(Bucket=BUCKET, Key="doc", Body=b"2")["VersionId"]

    response = s3.put_object_tagging(Bucket=BUCKET, Key="doc", VersionId=first, Tagging=tag_set(old="yes"))

    assert response["VersionId"] == first
    assert s3.get_object_tagging(Bucket=BUCKET, Key="doc", VersionId=first)["TagSet"] == [
        {"Key": "old", "Value": "yes"}
    ]
    latest = s3.get_object_tagging(Bucket=BUCKET, Key="doc")
    assert (latest["VersionId"], latest["TagSet"]) == (second, [])


def test_get_object_tagging_no_such_version(s3) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    version_id = s3.put_object(Bucket=BUCKET, Key="doc", Body=b"1")["VersionId"]
    s3.delete_object(Bucket=BUCKET, Key="doc", VersionId=version_id)

    with pytest.raises(ClientError) as error:
        s3.get_object_tagging(Bucket=BUCKET, Key="doc", VersionId=version_id)

    assert error_of(error) == ("NoSuchVersion", 404, "The specified version does not exist.")


def test_delete_object_tagging_with_version_id_returns_it(s3) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    version_id = s3.put_object(Bucket=BUCKET, Key="doc", Body=b"1", Tagging="a=1")["VersionId"]

    response = s3.delete_object_tagging(Bucket=BUCKET, Key="doc", VersionId=version_id)

    assert response["VersionId"] == version_id
    assert s3.get_object_tagging(Bucket=BUCKET, Key="doc", VersionId=version_id)["TagSet"] == []


def test_get_object_tagging_of_a_deleted_key_is_no_such_key(s3) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=BUCKET, Key="doc", Body=b"1")
    s3.delete_object(Bucket=BUCKET, Key="doc")

    with pytest.raises(ClientError) as error:
        s3.get_object_tagging(Bucket=BUCKET, Key="doc")

    assert error_of(error) == ("NoSuchKey", 404, "The specified key does not exist.")


# -- x-amz-tagging on PutObject and CopyObject: the same rules and errors as PutObjectTagging ---------------
def test_put_object_tagging_header_more_than_10_tags_is_bad_request(s3) -> None:
    header = "&".join(f"k{index}=v" for index in range(11))

    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=BUCKET, Key="too-many", Body=b"x", Tagging=header)

    assert error_of(error) == ("BadRequest", 400, "Object tags cannot be greater than 10")


def test_put_object_tagging_header_key_over_128_characters_is_invalid_tag(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=BUCKET, Key="long-key", Body=b"x", Tagging=f"{'k' * 129}=v")

    assert error_of(error) == ("InvalidTag", 400, "The TagKey you have provided is invalid")


def test_put_object_tagging_header_value_with_a_forbidden_character_is_invalid_tag(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=BUCKET, Key="bad-value", Body=b"x", Tagging="k=a%26b")  # the value is "a&b"

    assert error_of(error) == ("InvalidTag", 400, "The TagValue you have provided is invalid")
    assert error.value.response["Error"]["TagKey"] == "k"


def test_put_object_tagging_header_repeated_key_is_invalid_argument(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=BUCKET, Key="repeated", Body=b"x", Tagging="a=1&a=2")

    assert error_of(error) == (
        "InvalidArgument",
        400,
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag "
        "name duplicates.",
    )
    assert error.value.response["Error"]["ArgumentName"] == "x-amz-tagging"


def test_put_object_tagging_header_refused_stores_nothing(s3) -> None:
    with pytest.raises(ClientError):
        s3.put_object(Bucket=BUCKET, Key="refused", Body=b"x", Tagging="k=a%26b")

    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=BUCKET, Key="refused")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_copy_object_tagging_header_more_than_10_tags_is_bad_request(s3) -> None:
    header = "&".join(f"k{index}=v" for index in range(11))

    with pytest.raises(ClientError) as error:
        s3.copy_object(
            Bucket=BUCKET, Key="copy", CopySource={"Bucket": BUCKET, "Key": KEY}, TaggingDirective="REPLACE",
            Tagging=header,
        )

    assert error_of(error) == ("BadRequest", 400, "Object tags cannot be greater than 10")
