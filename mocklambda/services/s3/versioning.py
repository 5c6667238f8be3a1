"""S3 bucket versioning: PutBucketVersioning, GetBucketVersioning, ListObjectVersions.

The versioning state lives on the bucket (`Bucket.versioning`: None until first configured, then "Enabled" or
"Suspended"; S3 never returns a bucket to unversioned). The version lists themselves are the model's
(`Bucket.objects`, oldest first, delete markers as S3Object with delete_marker=True): the object operations
write them (a new version id while Enabled, the null version otherwise, see common.version_id_for_write);
this module only reads them for ListObjectVersions, which lists keys in order and each key's versions newest
first, with S3's KeyMarker / VersionIdMarker pagination, Prefix, Delimiter and EncodingType=url.

What it must not do: create or remove versions (objects.py and multipart.py write them), or keep state of its
own.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.s3 import errors
from mocklambda.services.s3.common import S3OperationsBase, canonical_user_id
from mocklambda.services.s3.models import NULL_VERSION, Bucket, S3Object

VERSIONING_STATES = ("Enabled", "Suspended")
DEFAULT_MAX_KEYS = 1000
VERSION_MARKER_WITHOUT_KEY = "A version-id marker cannot be specified without a key marker."


class VersioningOperations(S3OperationsBase):
    def put_bucket_versioning(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        configuration = params.get("VersioningConfiguration")
        if configuration is None:
            raise errors.malformed_xml()
        status = configuration.get("Status")
        if status is None:
            raise AwsError(
                "IllegalVersioningConfigurationException", "The Versioning element must be specified", 400
            )
        if status not in VERSIONING_STATES:
            raise errors.malformed_xml()
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            bucket.versioning = status
        return {}

    def get_bucket_versioning(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            status = bucket.versioning
        # A bucket that was never configured answers an empty VersioningConfiguration.
        return {"Status": status} if status is not None else {}

    def list_object_versions(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key_marker = params.get("KeyMarker") or ""
        version_marker = params.get("VersionIdMarker") or ""
        if version_marker and not key_marker:
            raise errors.invalid_argument(VERSION_MARKER_WITHOUT_KEY, "version-id-marker", version_marker)
        max_keys = min(params.get("MaxKeys", DEFAULT_MAX_KEYS), DEFAULT_MAX_KEYS)
        prefix = params.get("Prefix") or ""
        delimiter = params.get("Delimiter") or ""
        encode = params.get("EncodingType") == "url"
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            listing = _listing(bucket, prefix, delimiter, key_marker, version_marker)
        page, truncated = listing[:max_keys], len(listing) > max_keys
        text = (lambda value: quote(value, safe="/")) if encode else (lambda value: value)
        result: dict[str, Any] = {
            "Name": bucket.name,
            "Prefix": text(prefix),
            "KeyMarker": text(key_marker),
            "VersionIdMarker": version_marker,
            "MaxKeys": max_keys,
            "IsTruncated": truncated,
            "Versions": [
                _version_entry(bucket, obj, latest, text) for _, obj, latest in page if obj and not obj.delete_marker
            ],
            "DeleteMarkers": [
                _marker_entry(bucket, obj, latest, text) for _, obj, latest in page if obj and obj.delete_marker
            ],
            "CommonPrefixes": [{"Prefix": text(name)} for name, obj, _ in page if obj is None],
        }
        if delimiter:
            result["Delimiter"] = text(delimiter)
        if encode:
            result["EncodingType"] = "url"
        if truncated and page:
            name, obj, _ = page[-1]
            result["NextKeyMarker"] = text(name)
            if obj is not None:
                result["NextVersionIdMarker"] = obj.wire_version_id
        return result


def _listing(
    bucket: Bucket, prefix: str, delimiter: str, key_marker: str, version_marker: str
) -> list[tuple[str, S3Object | None, bool]]:
    """Every entry after the markers, in S3's order: (key, version, is latest) or (common prefix, None, False)."""
    entries: list[tuple[str, S3Object | None, bool]] = []
    seen_prefixes: set[str] = set()
    for key in sorted(bucket.objects):
        if not key.startswith(prefix):
            continue
        if delimiter:
            rest = key[len(prefix):]
            if delimiter in rest:
                common = prefix + rest[: rest.index(delimiter) + len(delimiter)]
                if common not in seen_prefixes and common > key_marker:
                    seen_prefixes.add(common)
                    entries.append((common, None, False))
                continue
        if key < key_marker or (key == key_marker and not version_marker):
            continue
        versions = list(reversed(bucket.objects[key]))  # newest first
        if key == key_marker:
            wanted = None if version_marker == NULL_VERSION else version_marker
            positions = [index for index, obj in enumerate(versions) if obj.version_id == wanted]
            # Continue after the marker version; a marker naming no version of the key skips the key.
            # The versions after the marker are older than it, so none of them is the latest.
            entries.extend((key, obj, False) for obj in (versions[positions[0] + 1 :] if positions else []))
            continue
        entries.extend((key, obj, index == 0) for index, obj in enumerate(versions))
    return entries


def _owner(bucket: Bucket, obj: S3Object) -> dict[str, str]:
    return {"ID": canonical_user_id(obj.owner_account_id or bucket.account_id)}


def _version_entry(bucket: Bucket, obj: S3Object, latest: bool, text: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ETag": obj.etag,
        "Size": obj.size,
        "StorageClass": obj.storage_class,
        "Key": text(obj.key),
        "VersionId": obj.wire_version_id,
        "IsLatest": latest,
        "LastModified": obj.last_modified,
        "Owner": _owner(bucket, obj),
    }
    if obj.checksums:
        entry["ChecksumAlgorithm"] = list(obj.checksums)
    return entry


def _marker_entry(bucket: Bucket, obj: S3Object, latest: bool, text: Any) -> dict[str, Any]:
    return {
        "Owner": _owner(bucket, obj),
        "Key": text(obj.key),
        "VersionId": obj.wire_version_id,
        "IsLatest": latest,
        "LastModified": obj.last_modified,
    }
