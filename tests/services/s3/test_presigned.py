"""Presigned URLs made by boto3's generate_presigned_url, used with a plain HTTP client (requests), as browsers
and other services use them. The mock routes them to S3 by the X-Amz-Credential in the query string; it does
not check signatures or expiry (any well-formed presigned URL works)."""
from __future__ import annotations

import hashlib
from typing import Any

import pytest
import requests

BUCKET = "presigned-bucket"
KEY = "docs/report 2024.txt"


@pytest.fixture
def s3(client) -> Any:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


def presign(s3: Any, operation: str, **params: Any) -> str:
    return str(s3.generate_presigned_url(operation, Params={"Bucket": BUCKET, "Key": KEY, **params}, ExpiresIn=300))


def test_get_object_presigned_url_downloads_the_object(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"hello", ContentType="text/plain")

    response = requests.get(presign(s3, "get_object"), timeout=5)

    assert response.status_code == 200
    assert response.content == b"hello"
    assert response.headers["Content-Type"] == "text/plain"
    assert response.headers["ETag"] == f'"{hashlib.md5(b"hello").hexdigest()}"'  # noqa: S324


def test_get_object_presigned_url_applies_response_content_disposition(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"hello")

    url = presign(s3, "get_object", ResponseContentDisposition='attachment; filename="r.txt"')
    response = requests.get(url, timeout=5)

    assert response.headers["Content-Disposition"] == 'attachment; filename="r.txt"'


def test_get_object_presigned_url_missing_key_is_no_such_key(s3) -> None:
    response = requests.get(presign(s3, "get_object"), timeout=5)

    assert response.status_code == 404
    assert b"<Code>NoSuchKey</Code>" in response.content


def test_put_object_presigned_url_uploads_the_body(s3) -> None:
    response = requests.put(presign(s3, "put_object"), data=b"uploaded by url", timeout=5)

    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{hashlib.md5(b"uploaded by url").hexdigest()}"'  # noqa: S324
    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"uploaded by url"


def test_put_object_presigned_url_keeps_the_signed_content_type(s3) -> None:
    url = presign(s3, "put_object", ContentType="application/json")

    requests.put(url, data=b"{}", headers={"Content-Type": "application/json"}, timeout=5)

    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ContentType"] == "application/json"


def test_put_object_presigned_url_in_a_versioned_bucket_returns_the_version_id(s3) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})

    response = requests.put(presign(s3, "put_object"), data=b"v1", timeout=5)

    assert response.headers["x-amz-version-id"] == s3.head_object(Bucket=BUCKET, Key=KEY)["VersionId"]


def test_upload_part_presigned_url_uploads_a_part(s3) -> None:
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    url = presign(s3, "upload_part", UploadId=upload_id, PartNumber=1)

    etag = requests.put(url, data=b"part one", timeout=5).headers["ETag"]
    s3.complete_multipart_upload(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]}
    )

    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"part one"
