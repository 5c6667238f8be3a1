"""S3's write preconditions, shared by PutObject, CopyObject and the multipart operations: the Content-MD5
header and the conditional-write headers (If-None-Match: *, If-Match: <etag>), with S3's errors."""
from __future__ import annotations

import base64
import binascii
from typing import Any

from mocklambda.protocol import AwsError
from mocklambda.services.s3 import errors
from mocklambda.services.s3.models import Bucket

PRECONDITION_FAILED = "At least one of the pre-conditions you specified did not hold"


def content_md5(value: str | None) -> bytes | None:
    if value is None:
        return None
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 16:
        raise AwsError(
            "InvalidDigest", "The Content-MD5 you specified was invalid.", 400, fields={"Content-MD5": value}
        )
    return digest


def precondition_failed(condition: str) -> AwsError:
    return AwsError("PreconditionFailed", PRECONDITION_FAILED, 412, fields={"Condition": condition})


def etag_matches(condition: str, etag: str) -> bool:
    wanted = {value.strip().strip('"') for value in condition.split(",")}
    return "*" in wanted or etag.strip('"') in wanted


def check_write_conditions(bucket: Bucket, key: str, params: dict[str, Any]) -> None:
    """PutObject's conditional writes: If-None-Match: * (create only) and If-Match: <etag>."""
    current = bucket.current(key)
    exists = current is not None and not current.delete_marker
    if params.get("IfNoneMatch") is not None and exists:
        raise precondition_failed("If-None-Match")
    if_match = params.get("IfMatch")
    if if_match is not None:
        if not exists or current is None:
            raise errors.no_such_key(key)
        if not etag_matches(if_match, current.etag):
            raise precondition_failed("If-Match")
