"""Large objects through s3transfer (upload_fileobj / download_fileobj) and presigned URLs used by a plain
HTTP client (requests)."""

from __future__ import annotations

import hashlib
import io
import os

import requests
from boto3.s3.transfer import TransferConfig


def test_upload_fileobj_and_download_fileobj_20_mb(s3, bucket):
    data = os.urandom(20 * 1024 * 1024)
    # 8 MB parts: s3transfer uploads in three parts (multipart.py) and downloads in ranged GETs.
    config = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
    s3.upload_fileobj(io.BytesIO(data), bucket, "big.bin", Config=config)
    assert s3.head_object(Bucket=bucket, Key="big.bin")["ETag"].endswith('-3"')
    out = io.BytesIO()
    s3.download_fileobj(bucket, "big.bin", out, Config=config)
    assert hashlib.sha256(out.getvalue()).digest() == hashlib.sha256(data).digest()


def test_presigned_get_with_plain_http(s3, bucket):
    s3.put_object(Bucket=bucket, Key="dir/report.txt", Body=b"presigned")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/report.txt"})
    response = requests.get(url, timeout=5)
    assert (response.status_code, response.content) == (200, b"presigned")


def test_presigned_get_missing_key_answers_xml_error(s3, bucket):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "missing"})
    response = requests.get(url, timeout=5)
    assert response.status_code == 404
    assert b"<Code>NoSuchKey</Code>" in response.content


def test_presigned_put_with_plain_http(s3, bucket):
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "upload.txt"})
    assert requests.put(url, data=b"uploaded", timeout=5).status_code == 200
    assert s3.get_object(Bucket=bucket, Key="upload.txt")["Body"].read() == b"uploaded"
