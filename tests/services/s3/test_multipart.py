"""Multipart uploads through boto3: Create/UploadPart/UploadPartCopy/Complete/Abort, ListParts,
ListMultipartUploads, and s3transfer's managed upload of a large object.

Expected messages are S3's own wording.
"""
from __future__ import annotations

import base64
import hashlib
import io
import zlib
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.services.s3.conftest import error_of

BUCKET = "multipart-bucket"
KEY = "big/object.bin"
MIB = 1024 * 1024
NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or "
    "completed."
)
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the "
    "specified entity tag may not match the part's entity tag."
)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # noqa: S324


def multipart_etag(*parts: bytes) -> str:
    joined = b"".join(hashlib.md5(part).digest() for part in parts)  # noqa: S324
    return f'"{md5_hex(joined)}-{len(parts)}"'


@pytest.fixture
def s3(client) -> Any:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


@pytest.fixture
def upload_id(s3) -> str:
    return str(s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"])


def upload(s3: Any, upload_id: str, number: int, body: bytes) -> dict[str, Any]:
    """The part as CompleteMultipartUpload lists it."""
    response = s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=number, Body=body)
    return {"PartNumber": number, "ETag": response["ETag"]}


def complete(s3: Any, upload_id: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return dict(
        s3.complete_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": parts})
    )


# -- CreateMultipartUpload ----------------------------------------------------------------------------------
def test_create_multipart_upload_returns_bucket_key_and_upload_id(s3) -> None:
    response = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)

    assert response["Bucket"] == BUCKET
    assert response["Key"] == KEY
    assert len(response["UploadId"]) >= 32


def test_create_multipart_upload_no_such_bucket(client) -> None:
    with pytest.raises(ClientError) as error:
        client("s3").create_multipart_upload(Bucket="no-such-bucket", Key=KEY)

    assert error_of(error) == ("NoSuchBucket", 404, "The specified bucket does not exist")


def test_create_multipart_upload_refuses_a_repeated_tag_key(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, Tagging="a=1&a=2")

    assert error_of(error)[:2] == ("InvalidArgument", 400)


# -- UploadPart ---------------------------------------------------------------------------------------------
def test_upload_part_returns_the_md5_etag(s3, upload_id) -> None:
    response = s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"hello")

    assert response["ETag"] == f'"{md5_hex(b"hello")}"'


@pytest.mark.parametrize("number", [0, 10001])
def test_upload_part_part_number_out_of_range(s3, upload_id, number) -> None:
    with pytest.raises(ClientError) as error:
        s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=number, Body=b"x")

    assert error_of(error) == ("InvalidArgument", 400, "Part number must be an integer between 1 and 10000, inclusive")
    assert error.value.response["Error"]["ArgumentName"] == "partNumber"


def test_upload_part_no_such_upload(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId="not-an-upload", PartNumber=1, Body=b"x")

    assert error_of(error) == ("NoSuchUpload", 404, NO_SUCH_UPLOAD)
    assert error.value.response["Error"]["UploadId"] == "not-an-upload"


def test_upload_part_upload_of_another_key_is_no_such_upload(s3, upload_id) -> None:
    with pytest.raises(ClientError) as error:
        s3.upload_part(Bucket=BUCKET, Key="other-key", UploadId=upload_id, PartNumber=1, Body=b"x")

    assert error_of(error) == ("NoSuchUpload", 404, NO_SUCH_UPLOAD)


def test_upload_part_content_md5_mismatch(client, s3, upload_id) -> None:
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()  # noqa: S324
    # botocore retries BadDigest (a corrupted transfer); one attempt keeps the test fast.
    s3 = client("s3", config=Config(retries={"total_max_attempts": 1}))

    with pytest.raises(ClientError) as error:
        s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"x", ContentMD5=wrong)

    assert error_of(error) == ("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")


# -- CompleteMultipartUpload --------------------------------------------------------------------------------
def test_complete_multipart_upload_assembles_the_parts_in_order(s3, upload_id) -> None:
    first, second = b"a" * (5 * MIB), b"tail"
    parts = [upload(s3, upload_id, 1, first), upload(s3, upload_id, 2, second)]

    complete(s3, upload_id, parts)

    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == first + second


def test_complete_multipart_upload_etag_is_md5_of_part_md5s_dash_count(s3, upload_id) -> None:
    first, second = b"a" * (5 * MIB), b"tail"
    parts = [upload(s3, upload_id, 1, first), upload(s3, upload_id, 2, second)]

    response = complete(s3, upload_id, parts)

    assert response["ETag"] == multipart_etag(first, second)
    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ETag"] == multipart_etag(first, second)


def test_complete_multipart_upload_returns_location_bucket_and_key(s3, upload_id) -> None:
    response = complete(s3, upload_id, [upload(s3, upload_id, 1, b"only part")])

    assert response["Bucket"] == BUCKET
    assert response["Key"] == KEY
    assert response["Location"].endswith(f"/{BUCKET}/{KEY}")
    assert "VersionId" not in response


def test_complete_multipart_upload_single_small_part_is_allowed(s3, upload_id) -> None:
    complete(s3, upload_id, [upload(s3, upload_id, 1, b"small")])

    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"small"


def test_complete_multipart_upload_uses_the_last_upload_of_a_part(s3, upload_id) -> None:
    upload(s3, upload_id, 1, b"first try")
    part = upload(s3, upload_id, 1, b"second try")

    complete(s3, upload_id, [part])

    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"second try"


def test_complete_multipart_upload_keeps_content_type_and_metadata(s3) -> None:
    upload_id = s3.create_multipart_upload(
        Bucket=BUCKET, Key=KEY, ContentType="text/csv", Metadata={"Origin": "test"}
    )["UploadId"]

    complete(s3, upload_id, [upload(s3, upload_id, 1, b"a,b\n")])

    head = s3.head_object(Bucket=BUCKET, Key=KEY)
    assert head["ContentType"] == "text/csv"
    assert head["Metadata"] == {"origin": "test"}


def test_complete_multipart_upload_without_content_type_is_binary_octet_stream(s3, upload_id) -> None:
    complete(s3, upload_id, [upload(s3, upload_id, 1, b"x")])

    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ContentType"] == "binary/octet-stream"


def test_complete_multipart_upload_applies_the_tagging_header(s3) -> None:
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, Tagging="team=data&stage=raw")["UploadId"]

    complete(s3, upload_id, [upload(s3, upload_id, 1, b"x")])

    tags = s3.get_object_tagging(Bucket=BUCKET, Key=KEY)["TagSet"]
    assert tags == [{"Key": "team", "Value": "data"}, {"Key": "stage", "Value": "raw"}]


def test_complete_multipart_upload_in_a_versioned_bucket_returns_a_version_id(s3) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]

    response = complete(s3, upload_id, [upload(s3, upload_id, 1, b"x")])

    assert response["VersionId"] not in ("", "null")
    assert s3.head_object(Bucket=BUCKET, Key=KEY)["VersionId"] == response["VersionId"]


def test_complete_multipart_upload_ends_the_upload(s3, upload_id) -> None:
    complete(s3, upload_id, [upload(s3, upload_id, 1, b"x")])

    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_complete_multipart_upload_twice_is_no_such_upload(s3, upload_id) -> None:
    parts = [upload(s3, upload_id, 1, b"x")]
    complete(s3, upload_id, parts)

    with pytest.raises(ClientError) as error:
        complete(s3, upload_id, parts)

    assert error_of(error) == ("NoSuchUpload", 404, NO_SUCH_UPLOAD)


def test_complete_multipart_upload_part_smaller_than_5_mib_is_entity_too_small(s3, upload_id) -> None:
    parts = [upload(s3, upload_id, 1, b"a" * 1024), upload(s3, upload_id, 2, b"b")]

    with pytest.raises(ClientError) as error:
        complete(s3, upload_id, parts)

    assert error_of(error) == ("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size")
    details = error.value.response["Error"]
    assert (details["ProposedSize"], details["MinSizeAllowed"], details["PartNumber"]) == ("1024", "5242880", "1")


def test_complete_multipart_upload_wrong_etag_is_invalid_part(s3, upload_id) -> None:
    upload(s3, upload_id, 1, b"x")

    with pytest.raises(ClientError) as error:
        complete(s3, upload_id, [{"PartNumber": 1, "ETag": f'"{md5_hex(b"other")}"'}])

    assert error_of(error) == ("InvalidPart", 400, INVALID_PART)
    assert error.value.response["Error"]["PartNumber"] == "1"


def test_complete_multipart_upload_part_never_uploaded_is_invalid_part(s3, upload_id) -> None:
    part = upload(s3, upload_id, 1, b"x")

    with pytest.raises(ClientError) as error:
        complete(s3, upload_id, [part, {"PartNumber": 2, "ETag": part["ETag"]}])

    assert error_of(error) == ("InvalidPart", 400, INVALID_PART)


def test_complete_multipart_upload_parts_out_of_order_is_invalid_part_order(s3, upload_id) -> None:
    parts = [upload(s3, upload_id, 1, b"a" * (5 * MIB)), upload(s3, upload_id, 2, b"b")]

    with pytest.raises(ClientError) as error:
        complete(s3, upload_id, list(reversed(parts)))

    assert error_of(error) == (
        "InvalidPartOrder",
        400,
        "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
    )


def test_complete_multipart_upload_without_parts_is_invalid_request(s3, upload_id) -> None:
    with pytest.raises(ClientError) as error:
        complete(s3, upload_id, [])

    assert error_of(error) == ("InvalidRequest", 400, "You must specify at least one part")


def test_complete_multipart_upload_without_a_parts_document_is_malformed_xml(s3, upload_id) -> None:
    with pytest.raises(ClientError) as error:
        s3.complete_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId=upload_id)

    assert error_of(error) == (
        "MalformedXML",
        400,
        "The XML you provided was not well-formed or did not validate against our published schema",
    )


def test_complete_multipart_upload_no_such_upload(s3) -> None:
    with pytest.raises(ClientError) as error:
        complete(s3, "not-an-upload", [{"PartNumber": 1, "ETag": '"x"'}])

    assert error_of(error) == ("NoSuchUpload", 404, NO_SUCH_UPLOAD)


# -- AbortMultipartUpload -----------------------------------------------------------------------------------
def test_abort_multipart_upload_ends_the_upload(s3, upload_id) -> None:
    upload(s3, upload_id, 1, b"x")

    response = s3.abort_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId=upload_id)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as error:
        s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id)
    assert error_of(error) == ("NoSuchUpload", 404, NO_SUCH_UPLOAD)


def test_abort_multipart_upload_no_such_upload(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.abort_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId="not-an-upload")

    assert error_of(error) == ("NoSuchUpload", 404, NO_SUCH_UPLOAD)


# -- UploadPartCopy -----------------------------------------------------------------------------------------
def test_upload_part_copy_copies_the_whole_source(s3, upload_id) -> None:
    s3.put_object(Bucket=BUCKET, Key="source", Body=b"0123456789")

    response = s3.upload_part_copy(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, CopySource={"Bucket": BUCKET, "Key": "source"}
    )

    assert response["CopyPartResult"]["ETag"] == f'"{md5_hex(b"0123456789")}"'


def test_upload_part_copy_copies_the_source_range(s3, upload_id) -> None:
    s3.put_object(Bucket=BUCKET, Key="source", Body=b"0123456789")

    response = s3.upload_part_copy(
        Bucket=BUCKET,
        Key=KEY,
        UploadId=upload_id,
        PartNumber=1,
        CopySource=f"{BUCKET}/source",
        CopySourceRange="bytes=2-5",
    )
    complete(s3, upload_id, [{"PartNumber": 1, "ETag": response["CopyPartResult"]["ETag"]}])

    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"2345"


def test_upload_part_copy_of_an_older_version_returns_its_version_id(s3, upload_id) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket=BUCKET, Key="source", Body=b"old")["VersionId"]
    s3.put_object(Bucket=BUCKET, Key="source", Body=b"new")

    response = s3.upload_part_copy(
        Bucket=BUCKET,
        Key=KEY,
        UploadId=upload_id,
        PartNumber=1,
        CopySource={"Bucket": BUCKET, "Key": "source", "VersionId": old},
    )

    assert response["CopySourceVersionId"] == old
    assert response["CopyPartResult"]["ETag"] == f'"{md5_hex(b"old")}"'


def test_upload_part_copy_range_beyond_the_source_is_invalid_argument(s3, upload_id) -> None:
    s3.put_object(Bucket=BUCKET, Key="source", Body=b"0123456789")

    with pytest.raises(ClientError) as error:
        s3.upload_part_copy(
            Bucket=BUCKET,
            Key=KEY,
            UploadId=upload_id,
            PartNumber=1,
            CopySource=f"{BUCKET}/source",
            CopySourceRange="bytes=5-10",
        )

    assert error_of(error) == ("InvalidArgument", 400, "Range specified is not valid for source object of size: 10")


def test_upload_part_copy_missing_source_is_no_such_key(s3, upload_id) -> None:
    with pytest.raises(ClientError) as error:
        s3.upload_part_copy(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, CopySource=f"{BUCKET}/missing"
        )

    assert error_of(error) == ("NoSuchKey", 404, "The specified key does not exist.")


def test_upload_part_copy_no_such_upload(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="source", Body=b"x")

    with pytest.raises(ClientError) as error:
        s3.upload_part_copy(
            Bucket=BUCKET, Key=KEY, UploadId="not-an-upload", PartNumber=1, CopySource=f"{BUCKET}/source"
        )

    assert error_of(error) == ("NoSuchUpload", 404, NO_SUCH_UPLOAD)


# -- ListParts ----------------------------------------------------------------------------------------------
def test_list_parts_lists_the_uploaded_parts(s3, upload_id) -> None:
    upload(s3, upload_id, 2, b"bb")
    upload(s3, upload_id, 1, b"a")

    response = s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id)

    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in response["Parts"]] == [
        (1, 1, f'"{md5_hex(b"a")}"'),
        (2, 2, f'"{md5_hex(b"bb")}"'),
    ]
    assert response["IsTruncated"] is False
    assert response["UploadId"] == upload_id
    assert response["StorageClass"] == "STANDARD"


def test_list_parts_paginator_walks_every_part(s3, upload_id) -> None:
    for number in range(1, 6):
        upload(s3, upload_id, number, b"x")

    pages = list(
        s3.get_paginator("list_parts").paginate(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PaginationConfig={"PageSize": 2}
        )
    )

    assert [[part["PartNumber"] for part in page["Parts"]] for page in pages] == [[1, 2], [3, 4], [5]]


def test_list_parts_no_such_upload(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.list_parts(Bucket=BUCKET, Key=KEY, UploadId="not-an-upload")

    assert error_of(error) == ("NoSuchUpload", 404, NO_SUCH_UPLOAD)


# -- ListMultipartUploads -----------------------------------------------------------------------------------
def test_list_multipart_uploads_lists_uploads_in_progress(s3, upload_id) -> None:
    response = s3.list_multipart_uploads(Bucket=BUCKET)

    assert [(u["Key"], u["UploadId"]) for u in response["Uploads"]] == [(KEY, upload_id)]
    assert response["IsTruncated"] is False


def test_list_multipart_uploads_groups_common_prefixes(s3) -> None:
    for key in ("logs/a", "logs/b", "top"):
        s3.create_multipart_upload(Bucket=BUCKET, Key=key)

    response = s3.list_multipart_uploads(Bucket=BUCKET, Delimiter="/")

    assert [u["Key"] for u in response["Uploads"]] == ["top"]
    assert response["CommonPrefixes"] == [{"Prefix": "logs/"}]


def test_list_multipart_uploads_paginator_walks_every_upload(s3) -> None:
    created = [(key, s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]) for key in ("a", "b", "b", "c")]

    pages = list(s3.get_paginator("list_multipart_uploads").paginate(Bucket=BUCKET, PaginationConfig={"PageSize": 2}))

    listed = [(u["Key"], u["UploadId"]) for page in pages for u in page.get("Uploads", [])]
    assert len(pages) == 2
    assert sorted(listed) == sorted(created)


def test_list_multipart_uploads_no_such_bucket(client) -> None:
    with pytest.raises(ClientError) as error:
        client("s3").list_multipart_uploads(Bucket="no-such-bucket")

    assert error_of(error) == ("NoSuchBucket", 404, "The specified bucket does not exist")


def test_list_multipart_uploads_with_prefix(s3) -> None:
    for key in ("logs/a", "data/b"):
        s3.create_multipart_upload(Bucket=BUCKET, Key=key)

    response = s3.list_multipart_uploads(Bucket=BUCKET, Prefix="logs/")

    assert [u["Key"] for u in response["Uploads"]] == ["logs/a"]
    assert response["Prefix"] == "logs/"


def test_list_multipart_uploads_url_encodes_keys_when_asked(s3) -> None:
    s3.create_multipart_upload(Bucket=BUCKET, Key="a key+1")

    response = s3.list_multipart_uploads(Bucket=BUCKET, EncodingType="url")

    assert [u["Key"] for u in response["Uploads"]] == ["a%20key%2B1"]
    assert response["EncodingType"] == "url"


# -- s3transfer ---------------------------------------------------------------------------------------------
def test_upload_fileobj_of_20_mb_reassembles_exactly_with_the_multipart_etag(s3) -> None:
    data = bytes(range(256)) * (20 * 1000 * 1000 // 256)
    config = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB)

    s3.upload_fileobj(io.BytesIO(data), BUCKET, KEY, Config=config)

    chunks = [data[offset : offset + 8 * MIB] for offset in range(0, len(data), 8 * MIB)]
    response = s3.get_object(Bucket=BUCKET, Key=KEY)
    assert response["ETag"] == multipart_etag(*chunks)
    assert response["Body"].read() == data


# -- checksums ----------------------------------------------------------------------------------------------
def crc32_base64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def test_upload_part_returns_the_checksum_it_was_sent(s3) -> None:
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, ChecksumAlgorithm="CRC32")["UploadId"]

    response = s3.upload_part(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"abc", ChecksumAlgorithm="CRC32"
    )

    assert response["ChecksumCRC32"] == crc32_base64(b"abc")


def test_upload_part_wrong_crc32_is_bad_digest(client, s3, upload_id) -> None:
    s3 = client("s3", config=Config(retries={"total_max_attempts": 1}))

    with pytest.raises(ClientError) as error:
        s3.upload_part(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"abc", ChecksumCRC32=crc32_base64(b"x")
        )

    assert error_of(error) == ("BadDigest", 400, "The CRC32 you specified did not match the calculated checksum.")


def test_complete_multipart_upload_with_crc32_parts_returns_the_composite_checksum(s3) -> None:
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY, ChecksumAlgorithm="CRC32")["UploadId"]
    bodies = [b"a" * (5 * MIB), b"tail"]
    parts = []
    for number, body in enumerate(bodies, start=1):
        response = s3.upload_part(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=number, Body=body, ChecksumAlgorithm="CRC32"
        )
        parts.append({"PartNumber": number, "ETag": response["ETag"], "ChecksumCRC32": response["ChecksumCRC32"]})

    response = complete(s3, upload_id, parts)

    joined = b"".join(zlib.crc32(body).to_bytes(4, "big") for body in bodies)
    assert response["ChecksumCRC32"] == f"{crc32_base64(joined)}-2"
    assert response["ChecksumType"] == "COMPOSITE"


# -- conditional completion ---------------------------------------------------------------------------------
def test_complete_multipart_upload_if_none_match_over_an_existing_key_is_precondition_failed(s3, upload_id) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"existing")
    parts = [upload(s3, upload_id, 1, b"new")]

    with pytest.raises(ClientError) as error:
        s3.complete_multipart_upload(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": parts}, IfNoneMatch="*"
        )

    assert error_of(error) == ("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"existing"


def test_complete_multipart_upload_if_match_the_current_etag_replaces_the_object(s3, upload_id) -> None:
    etag = s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"existing")["ETag"]
    parts = [upload(s3, upload_id, 1, b"new")]

    s3.complete_multipart_upload(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": parts}, IfMatch=etag
    )

    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"new"
