"""S3 object listings: ListObjectsV2 and ListObjects (v1).

Keys are listed in UTF-8 binary order (Python's code point order is the same), current versions only, delete
markers left out. A Delimiter rolls keys up into CommonPrefixes; keys and common prefixes both count towards
MaxKeys. ContinuationToken is opaque (base64 of where the page ended). With EncodingType=url the keys,
prefixes, delimiter and start-after in the response are URL-encoded (botocore asks for it by default and
decodes them again).
What it must not do: change anything, or list another account's bucket.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from mocklambda.services.base import RequestContext
from mocklambda.services.s3 import errors
from mocklambda.services.s3.common import S3OperationsBase, canonical_user_id
from mocklambda.services.s3.models import Bucket, S3Object

DEFAULT_MAX_KEYS = 1000
MAX_KEYS_LIMIT = 2147483647


@dataclass
class _Page:
    objects: list[S3Object]
    common_prefixes: list[str]
    truncated: bool
    last: str | None  # the last key or common prefix on the page


class ListingOperations(S3OperationsBase):
    def list_objects_v2(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        token = params.get("ContinuationToken")
        start_after = params.get("StartAfter")
        marker = _decode_token(token) if token is not None else start_after
        max_keys = _max_keys(params.get("MaxKeys"))
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            page = _page(bucket, params.get("Prefix") or "", params.get("Delimiter"), marker, max_keys)
        encode = _encoder(params.get("EncodingType"))
        owner = {"ID": canonical_user_id(bucket.account_id)} if params.get("FetchOwner") else None
        return {
            "Name": bucket.name,
            "Prefix": encode(params.get("Prefix") or ""),
            "Delimiter": encode(params.get("Delimiter")),
            "MaxKeys": max_keys,
            "EncodingType": params.get("EncodingType"),
            "KeyCount": len(page.objects) + len(page.common_prefixes),
            "IsTruncated": page.truncated,
            "ContinuationToken": token,
            "NextContinuationToken": _encode_token(page.last) if page.truncated and page.last else None,
            "StartAfter": encode(start_after),
            "Contents": [_content(obj, encode, owner) for obj in page.objects] or None,
            "CommonPrefixes": [{"Prefix": encode(prefix)} for prefix in page.common_prefixes] or None,
        }

    def list_objects(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        marker = params.get("Marker")
        max_keys = _max_keys(params.get("MaxKeys"))
        delimiter = params.get("Delimiter")
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            page = _page(bucket, params.get("Prefix") or "", delimiter, marker, max_keys)
        encode = _encoder(params.get("EncodingType"))
        owner = {"ID": canonical_user_id(bucket.account_id)}
        return {
            "Name": bucket.name,
            "Prefix": encode(params.get("Prefix") or ""),
            "Marker": encode(marker or ""),
            "Delimiter": encode(delimiter),
            "MaxKeys": max_keys,
            "EncodingType": params.get("EncodingType"),
            "IsTruncated": page.truncated,
            # S3 returns NextMarker only with a delimiter; without one the client continues from the last key.
            "NextMarker": encode(page.last) if page.truncated and delimiter else None,
            "Contents": [_content(obj, encode, owner) for obj in page.objects] or None,
            "CommonPrefixes": [{"Prefix": encode(prefix)} for prefix in page.common_prefixes] or None,
        }


def _page(bucket: Bucket, prefix: str, delimiter: str | None, marker: str | None, max_keys: int) -> _Page:
    max_keys = min(max_keys, DEFAULT_MAX_KEYS)  # S3 echoes a larger MaxKeys but never returns more than 1000
    keys = sorted(
        key
        for key, versions in bucket.objects.items()
        if versions
        and not versions[-1].delete_marker
        and key.startswith(prefix)
        and (marker is None or key > marker)
    )
    objects: list[S3Object] = []
    prefixes: list[str] = []
    last: str | None = None
    for key in keys:
        common = _common_prefix(key, prefix, delimiter)
        if common is not None and (common == last or (marker is not None and common <= marker)):
            continue  # already rolled up (on this page, or on an earlier one ending with this prefix)
        if len(objects) + len(prefixes) == max_keys:
            return _Page(objects, prefixes, True, last)
        if common is not None:
            prefixes.append(common)
            last = common
        else:
            objects.append(bucket.objects[key][-1])
            last = key
    return _Page(objects, prefixes, False, last)


def _common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    position = key.find(delimiter, len(prefix))
    return None if position < 0 else key[: position + len(delimiter)]


def _content(obj: S3Object, encode: Any, owner: dict[str, str] | None) -> dict[str, Any]:
    content: dict[str, Any] = {
        "Key": encode(obj.key),
        "LastModified": obj.last_modified,
        "ETag": obj.etag,
        "Size": obj.size,
        "StorageClass": obj.storage_class,
        "Owner": owner,
    }
    if obj.checksums:
        content["ChecksumAlgorithm"] = sorted(obj.checksums)
        content["ChecksumType"] = (
            "COMPOSITE" if any("-" in v for v in obj.checksums.values()) else "FULL_OBJECT"
        )
    return content


def _encoder(encoding_type: str | None) -> Any:
    if encoding_type is None:
        return lambda value: value
    if encoding_type != "url":
        raise errors.invalid_argument(
            "Invalid Encoding Method specified in Request", "encoding-type", encoding_type
        )
    # S3's form encoding: spaces become '+', '/' stays; botocore decodes with unquote_plus.
    return lambda value: None if value is None else quote_plus(value, safe="/")


def _max_keys(value: int | None) -> int:
    if value is None:
        return DEFAULT_MAX_KEYS
    if not 0 <= value <= MAX_KEYS_LIMIT:
        raise errors.invalid_argument(
            "Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", str(value)
        )
    return value


def _encode_token(last: str) -> str:
    return base64.urlsafe_b64encode(last.encode("utf-8")).decode("ascii")


def _decode_token(token: str) -> str:
    try:
        last = base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise errors.invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        ) from exc
    if not last:
        raise errors.invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        )
    return last
