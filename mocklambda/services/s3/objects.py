"""S3 object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects.

Bodies go to disk once (storage.py) before the store lock is taken; GetObject streams the stored file (whole,
or one byte range) and never holds an object in memory. Conditional requests follow S3's rules: If-Match wins
over If-Unmodified-Since, If-None-Match over If-Modified-Since. Every write or delete that changed something
is published to notifications after it is stored. CopyObject is in copy.py, listings in listing.py.
What it must not do: know about the destinations of notifications, or keep object bytes in the store.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.s3 import errors, preconditions
from mocklambda.services.s3.common import S3OperationsBase, new_version_id, now
from mocklambda.services.s3.models import NULL_VERSION, Bucket, S3Object
from mocklambda.services.s3.storage import SUPPORTED_CHECKSUMS
from mocklambda.services.s3.tagging import tags_from_header

DEFAULT_CONTENT_TYPE = "binary/octet-stream"
SERVER_SIDE_ENCRYPTION = "AES256"  # S3 encrypts every new object with SSE-S3 unless told otherwise
SYSTEM_METADATA = ("CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "Expires")
CHECKSUM_ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
STORAGE_CLASSES = frozenset(
    {
        "STANDARD",
        "REDUCED_REDUNDANCY",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "DEEP_ARCHIVE",
        "OUTPOSTS",
        "GLACIER_IR",
        "SNOW",
        "EXPRESS_ONEZONE",
        "FSX_OPENZFS",
    }
)
MAX_DELETE_KEYS = 1000
MAX_KEY_LENGTH = 1024  # bytes of UTF-8
MAX_METADATA_SIZE = 2048  # bytes of user metadata names and values
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class ObjectOperations(S3OperationsBase):
    # -- PutObject ----------------------------------------------------------------------------------------
    def put_object(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket_name, key = params["Bucket"], params["Key"]
        with self.store.lock:
            self.bucket_for(context, bucket_name)  # before writing the body: a missing bucket costs nothing
        check_key(key)
        metadata = _metadata(params)
        expected_md5 = preconditions.content_md5(params.get("ContentMD5"))
        storage_class = _storage_class(params.get("StorageClass"))
        tags = parse_tagging(params.get("Tagging"))
        claimed = {
            alg: params[f"Checksum{alg}"] for alg in CHECKSUM_ALGORITHMS if params.get(f"Checksum{alg}")
        }
        wanted = set(claimed) | ({params["ChecksumAlgorithm"]} if params.get("ChecksumAlgorithm") else set())
        stored = self.storage.write(params.get("Body") or b"", checksums=wanted)
        try:
            if expected_md5 is not None and expected_md5 != bytes.fromhex(stored.md5_hex):
                raise AwsError(
                    "BadDigest",
                    "The Content-MD5 you specified did not match what we received.",
                    400,
                    fields={
                        "ExpectedDigest": params["ContentMD5"],
                        "CalculatedDigest": base64.b64encode(bytes.fromhex(stored.md5_hex)).decode(),
                    },
                )
            checksums = _checked_checksums(claimed, stored.checksums)
            with self.store.lock:
                bucket = self.bucket_for(context, bucket_name)
                preconditions.check_write_conditions(bucket, key, params)
                obj = S3Object(
                    key=key,
                    version_id=self.version_id_for_write(bucket),
                    last_modified=now(),
                    sequencer=bucket.next_sequencer(),
                    size=stored.size,
                    etag=f'"{stored.md5_hex}"',
                    content_type=params.get("ContentType") or DEFAULT_CONTENT_TYPE,
                    metadata=metadata,
                    system_metadata=system_metadata(params),
                    tags=tags,
                    storage_class=storage_class,
                    body_path=stored.path,
                    checksums=checksums,
                    owner_account_id=context.account_id,
                )
                self.store_version(bucket, obj)
        except AwsError:
            self.storage.delete(stored.path)
            raise
        self.publish(context, bucket, "ObjectCreated:Put", obj)
        return {
            "ETag": obj.etag,
            "VersionId": _version_header(bucket, obj),
            "ServerSideEncryption": SERVER_SIDE_ENCRYPTION,
            **checksum_members(obj),
        }

    # -- GetObject / HeadObject ---------------------------------------------------------------------------
    def get_object(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            obj = self.object_for(bucket, params["Key"], params.get("VersionId"))
            check_read_conditions(obj, params)
            result = object_headers(bucket, obj, params)
            byte_range = _byte_range(params.get("Range"), obj.size)
            assert obj.body_path is not None
            # Opened under the lock: an overwrite or delete after this point cannot take the bytes away.
            if byte_range is None:
                result["Body"] = self.storage.open(obj.body_path)
            else:
                start, end = byte_range
                result["Body"] = self.storage.read_range(obj.body_path, start, end - start + 1)
        if byte_range is not None:
            start, end = byte_range
            result["ContentRange"] = f"bytes {start}-{end}/{obj.size}"
            result["ContentLength"] = end - start + 1
            # A part of the object has no whole-object checksum to validate against.
            for name in [n for n in result if n.startswith("Checksum")]:
                del result[name]
        return result

    def head_object(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            obj = self.object_for(bucket, params["Key"], params.get("VersionId"))
            check_read_conditions(obj, params)
            return object_headers(bucket, obj, params)

    # -- DeleteObject / DeleteObjects ---------------------------------------------------------------------
    def delete_object(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key, version_id = params["Key"], params.get("VersionId")
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            if version_id is not None and version_id != NULL_VERSION and len(version_id) != 32:
                raise errors.invalid_argument("Invalid version id specified", "versionId", version_id)
            outcome = self._delete(context, bucket, key, version_id)
        self._after_delete(context, bucket, outcome)
        return {
            "DeleteMarker": outcome.result.get("DeleteMarker"),
            "VersionId": outcome.result.get("DeleteMarkerVersionId") or outcome.result.get("VersionId"),
        }

    def delete_objects(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        request = params.get("Delete") or {}
        entries = request.get("Objects") or []
        if not entries or len(entries) > MAX_DELETE_KEYS:
            raise errors.malformed_xml()
        deleted: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        outcomes: list[_Deletion] = []
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            for entry in entries:
                key, version_id = entry["Key"], entry.get("VersionId")
                if version_id is not None and version_id != NULL_VERSION and len(version_id) != 32:
                    failed.append(
                        {
                            "Key": key,
                            "VersionId": version_id,
                            "Code": "NoSuchVersion",
                            "Message": "The specified version does not exist.",
                        }
                    )
                    continue
                outcome = self._delete(context, bucket, key, version_id)
                outcomes.append(outcome)
                deleted.append({"Key": key, **outcome.result})
        for outcome in outcomes:
            self._after_delete(context, bucket, outcome)
        return {"Deleted": [] if request.get("Quiet") else deleted, "Errors": failed}

    def _delete(self, context: RequestContext, bucket: Bucket, key: str, version_id: str | None) -> _Deletion:
        """One key's deletion, as DeleteObject and DeleteObjects share it (call under store.lock)."""
        if version_id is not None:
            removed = bucket.remove_version(key, version_id)
            result: dict[str, Any] = {"VersionId": version_id}
            if removed is None:
                return _Deletion(result)
            if removed.delete_marker:
                result.update(DeleteMarker=True, DeleteMarkerVersionId=version_id)
            return _Deletion(result, "ObjectRemoved:Delete", _for_event(bucket, removed), removed.body_path)
        if bucket.versioning is None:
            current = bucket.current(key)
            if current is None:
                return _Deletion({})
            bucket.remove_version(key, None)
            return _Deletion({}, "ObjectRemoved:Delete", _for_event(bucket, current), current.body_path)
        marker = S3Object(
            key=key,
            version_id=new_version_id() if bucket.versioning == "Enabled" else None,
            last_modified=now(),
            sequencer=bucket.next_sequencer(),
            delete_marker=True,
            owner_account_id=context.account_id,
        )
        self.store_version(bucket, marker)
        return _Deletion(
            {"DeleteMarker": True, "DeleteMarkerVersionId": marker.wire_version_id},
            "ObjectRemoved:DeleteMarkerCreated",
            marker,
        )

    def _after_delete(self, context: RequestContext, bucket: Bucket, outcome: _Deletion) -> None:
        self.storage.delete(outcome.body_path)
        if outcome.event_name is not None and outcome.obj is not None:
            self.publish(context, bucket, outcome.event_name, outcome.obj)


@dataclass
class _Deletion:
    """What deleting one key did: the DeleteObjects `Deleted` entry, the event to publish, the body to drop."""

    result: dict[str, Any]
    event_name: str | None = None
    obj: S3Object | None = None
    body_path: Path | None = None


def _for_event(bucket: Bucket, removed: S3Object) -> S3Object:
    """The removed version as its removal event describes it: a copy with a new sequencer (the delete orders
    after the write), leaving the object that the write's event may still be reading unchanged."""
    return replace(removed, sequencer=bucket.next_sequencer())


# ---------------------------------------------------------------- shared with copy.py and multipart


def system_metadata(params: dict[str, Any]) -> dict[str, Any]:
    """Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires from a request."""
    return {name: params[name] for name in SYSTEM_METADATA if params.get(name) is not None}


def parse_tagging(tagging: str | None) -> dict[str, str]:
    """The x-amz-tagging header (URL query form, `k1=v1&k2=v2`) as a dict, checked with the same rules (and
    errors) as PutObjectTagging: at most 10 tags, valid keys and values, no key twice."""
    return tags_from_header(tagging) if tagging else {}


def checksum_members(obj: S3Object) -> dict[str, Any]:
    """ChecksumCRC32=... and ChecksumType, as Put/Get/HeadObject return them."""
    if not obj.checksums:
        return {}
    composite = any("-" in value for value in obj.checksums.values())
    return {
        **{f"Checksum{alg}": value for alg, value in obj.checksums.items()},
        "ChecksumType": "COMPOSITE" if composite else "FULL_OBJECT",
    }


def object_headers(bucket: Bucket, obj: S3Object, params: dict[str, Any]) -> dict[str, Any]:
    """The members GetObject and HeadObject share: everything about the object but its body."""
    result: dict[str, Any] = {
        "AcceptRanges": "bytes",
        "LastModified": obj.last_modified,
        "ContentLength": obj.size,
        "ETag": obj.etag,
        "ContentType": obj.content_type,
        "Metadata": dict(obj.metadata),
        "VersionId": _version_header(bucket, obj),
        "ServerSideEncryption": SERVER_SIDE_ENCRYPTION,
        # S3 leaves x-amz-storage-class out for STANDARD objects.
        "StorageClass": None if obj.storage_class == "STANDARD" else obj.storage_class,
        "TagCount": len(obj.tags) or None,
        **obj.system_metadata,
    }
    if params.get("PartNumber") is not None:
        result["PartsCount"] = obj.parts_count
    if params.get("ChecksumMode") == "ENABLED":
        result.update(checksum_members(obj))
    # response-* query parameters override the stored headers (used by presigned URLs).
    for name in (
        "CacheControl",
        "ContentDisposition",
        "ContentEncoding",
        "ContentLanguage",
        "ContentType",
        "Expires",
    ):
        override = params.get(f"Response{name}")
        if override is not None:
            result[name] = override
    return result


def check_read_conditions(obj: S3Object, params: dict[str, Any], prefix: str = "") -> None:
    """If-Match / If-Unmodified-Since (412) and If-None-Match / If-Modified-Since (304), with S3's
    precedence: a matching If-Match makes If-Unmodified-Since irrelevant, and a non-matching If-None-Match
    makes If-Modified-Since irrelevant. `prefix` "CopySource" reads CopyObject's x-amz-copy-source-if-*,
    which answer 412 for every failed condition."""
    if_match = params.get(f"{prefix}IfMatch")
    if_unmodified = params.get(f"{prefix}IfUnmodifiedSince")
    if_none_match = params.get(f"{prefix}IfNoneMatch")
    if_modified = params.get(f"{prefix}IfModifiedSince")
    header = "x-amz-copy-source-" if prefix else ""
    if if_match is not None:
        if not preconditions.etag_matches(if_match, obj.etag):
            raise preconditions.precondition_failed(f"{header}If-Match")
    elif if_unmodified is not None and obj.last_modified > _aware(if_unmodified):
        raise preconditions.precondition_failed(f"{header}If-Unmodified-Since")
    not_modified: str | None = None
    if if_none_match is not None:
        if preconditions.etag_matches(if_none_match, obj.etag):
            not_modified = "If-None-Match"
    elif if_modified is not None and obj.last_modified <= _aware(if_modified):
        not_modified = "If-Modified-Since"
    if not_modified is None:
        return
    if prefix:
        raise preconditions.precondition_failed(f"{header}{not_modified}")
    raise AwsError(
        "NotModified",
        "Not Modified",
        304,
        headers={"ETag": obj.etag, "Last-Modified": obj.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")},
    )


# ---------------------------------------------------------------- helpers






def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _version_header(bucket: Bucket, obj: S3Object) -> str | None:
    """x-amz-version-id: only once the bucket has had versioning configured ("null" for null versions)."""
    return obj.wire_version_id if bucket.versioning is not None else None


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    """User metadata (x-amz-meta-*), names in lower case as S3 stores them (HTTP header names are
    case-insensitive); MetadataTooLarge beyond S3's 2 KB (names and values, UTF-8)."""
    metadata = {name.lower(): value for name, value in (params.get("Metadata") or {}).items()}
    size = sum(len(name.encode()) + len(value.encode()) for name, value in metadata.items())
    if size > MAX_METADATA_SIZE:
        raise AwsError(
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size",
            400,
            fields={"Size": str(size), "MaxSizeAllowed": str(MAX_METADATA_SIZE)},
        )
    return metadata


def check_key(key: str) -> None:
    """KeyTooLongError for keys over S3's 1024 bytes (UTF-8)."""
    size = len(key.encode("utf-8"))
    if size > MAX_KEY_LENGTH:
        raise AwsError(
            "KeyTooLongError",
            "Your key is too long",
            400,
            fields={"Size": str(size), "MaxSizeAllowed": str(MAX_KEY_LENGTH)},
        )




def _storage_class(value: str | None) -> str:
    if value is None:
        return "STANDARD"
    if value not in STORAGE_CLASSES:
        raise AwsError(
            "InvalidStorageClass",
            "The storage class you specified is not valid",
            400,
            fields={"StorageClassRequested": value},
        )
    return value


def _checked_checksums(claimed: dict[str, str], computed: dict[str, str]) -> dict[str, str]:
    """The checksums to store: what the client sent, verified where we can compute it, plus what it asked
    us to compute (ChecksumAlgorithm without a value)."""
    for algorithm, value in claimed.items():
        if algorithm in SUPPORTED_CHECKSUMS and computed.get(algorithm) != value:
            raise AwsError(
                "BadDigest", f"The {algorithm} you specified did not match the calculated checksum.", 400
            )
    return {**computed, **claimed}




def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `bytes=` range, clamped to the object; None for no range or one S3
    ignores (malformed, or several ranges). InvalidRange 416 when it starts beyond the object."""
    if header is None:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise _invalid_range(header, size)
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise _invalid_range(header, size)
    return start, min(end, size - 1)


def _invalid_range(header: str, size: int) -> AwsError:
    return AwsError(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        fields={"RangeRequested": header, "ActualObjectSize": str(size)},
        headers={"Content-Range": f"bytes */{size}"},
    )
