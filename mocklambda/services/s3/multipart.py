"""S3 multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
AbortMultipartUpload, ListParts, ListMultipartUploads.

Each part's body is a file of its own (storage.py), written before the store lock is taken. Completing an
upload streams the listed part files, in order, into one new file (never the whole object in memory) and
makes it the key's current version with S3's multipart ETag: the MD5 of the concatenated binary MD5 digests of
the parts, then "-" and the number of parts. Rules checked as S3 does: part numbers 1..10000, the completion
list in ascending order (InvalidPartOrder), every listed part uploaded with the listed ETag (InvalidPart), every
part but the last at least 5 MiB (EntityTooSmall). Part checksums the client sends (x-amz-checksum-*) are
verified where storage.py can compute them (CRC32, SHA1, SHA256; BadDigest), stored and echoed back; an upload
created with a ChecksumAlgorithm gets S3's COMPOSITE object checksum (the algorithm over the concatenated part
checksums, then -N) when every part carried one.

What it must not do: hold the store lock while reading or writing a body, or keep tag rules of its own
(x-amz-tagging goes through tagging.tags_from_header).
"""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
import zlib
from typing import Any
from urllib.parse import quote

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.s3 import errors, preconditions
from mocklambda.services.s3.common import S3OperationsBase, canonical_user_id, now
from mocklambda.services.s3.copy import parse_copy_source
from mocklambda.services.s3.models import (
    DEFAULT_STORAGE_CLASS,
    Bucket,
    MultipartUpload,
    Part,
    S3Object,
)
from mocklambda.services.s3.objects import DEFAULT_CONTENT_TYPE, check_read_conditions, system_metadata
from mocklambda.services.s3.storage import SUPPORTED_CHECKSUMS, StoredBody
from mocklambda.services.s3.tagging import tags_from_header

MIN_PART_SIZE = 5 * 1024 * 1024  # every part but the last, checked at completion
MAX_PART_NUMBER = 10_000
DEFAULT_MAX_ITEMS = 1000  # ListParts' MaxParts and ListMultipartUploads' MaxUploads, also their ceiling

CHECKSUM_ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")

INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the "
    "specified entity tag may not match the part's entity tag."
)
INVALID_PART_ORDER = (
    "The list of parts was not in ascending order. The parts list must be specified in order by part number."
)
ENTITY_TOO_SMALL = "Your proposed upload is smaller than the minimum allowed size"
PART_NUMBER_RANGE = "Part number must be an integer between 1 and 10000, inclusive"
COPY_RANGE_SYNTAX = (
    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the "
    "zero-based offsets of the first and last bytes to copy"
)
_COPY_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")


def multipart_etag(part_etags: list[str]) -> str:
    """S3's ETag of a multipart object: MD5 of the parts' binary MD5 digests, then -N (quoted)."""
    digest = hashlib.md5()  # noqa: S324 - S3's ETag is an MD5, not a security measure
    for etag in part_etags:
        digest.update(bytes.fromhex(etag.strip('"')))
    return f'"{digest.hexdigest()}-{len(part_etags)}"'


def new_upload_id() -> str:
    """Opaque and URL-safe, as long as S3's."""
    return secrets.token_urlsafe(60)


def _owner(account_id: str) -> dict[str, str]:
    return {"ID": canonical_user_id(account_id)}


def _strip_quotes(etag: str) -> str:
    return etag.strip().strip('"')


def _check_part_number(number: int) -> None:
    if not 1 <= number <= MAX_PART_NUMBER:
        raise errors.invalid_argument(PART_NUMBER_RANGE, "partNumber", str(number))




def _check_part_body(params: dict[str, Any], body: StoredBody, claimed: dict[str, str]) -> None:
    """The stored part against the Content-MD5 and x-amz-checksum-* the client sent (BadDigest)."""
    expected = preconditions.content_md5(params.get("ContentMD5"))
    calculated = bytes.fromhex(body.md5_hex)
    if expected is not None and expected != calculated:
        raise AwsError(
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            400,
            fields={"ExpectedDigest": params["ContentMD5"], "CalculatedDigest": base64.b64encode(calculated).decode()},
        )
    for algorithm, value in claimed.items():
        if algorithm in SUPPORTED_CHECKSUMS and body.checksums.get(algorithm) != value:
            raise AwsError("BadDigest", f"The {algorithm} you specified did not match the calculated checksum.", 400)


class MultipartOperations(S3OperationsBase):
    # -- starting and ending ------------------------------------------------------------------------------
    def create_multipart_upload(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        tags = tags_from_header(params["Tagging"]) if params.get("Tagging") else {}
        upload = MultipartUpload(
            upload_id=new_upload_id(),
            key=params["Key"],
            initiated=now(),
            owner_account_id=context.account_id,
            content_type=params.get("ContentType") or DEFAULT_CONTENT_TYPE,
            # S3 keeps user metadata names in lower case, as PutObject does.
            metadata={name.lower(): value for name, value in (params.get("Metadata") or {}).items()},
            system_metadata=system_metadata(params),
            tags=tags,
            storage_class=params.get("StorageClass") or DEFAULT_STORAGE_CLASS,
            checksum_algorithm=params.get("ChecksumAlgorithm"),
        )
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            bucket.multipart_uploads[upload.upload_id] = upload
        result: dict[str, Any] = {"Bucket": bucket.name, "Key": upload.key, "UploadId": upload.upload_id}
        if upload.checksum_algorithm:
            result["ChecksumAlgorithm"] = upload.checksum_algorithm
            result["ChecksumType"] = params.get("ChecksumType") or "COMPOSITE"
        return result

    def abort_multipart_upload(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            upload = self._upload(bucket, params["Key"], params["UploadId"])
            del bucket.multipart_uploads[upload.upload_id]
        self._delete_parts(upload.parts.values())
        return {}

    def complete_multipart_upload(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        upload_id = params["UploadId"]
        if "MultipartUpload" not in params:
            raise errors.malformed_xml()
        listed = params["MultipartUpload"].get("Parts") or []
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            upload = self._upload(bucket, params["Key"], upload_id)
            if not listed:
                raise errors.invalid_request("You must specify at least one part")
            chosen = _chosen_parts(upload, listed)
        # Outside the lock: the parts stream into one new file.
        try:
            body = self.storage.concatenate(part.body_path for part in chosen)
        except FileNotFoundError:
            # A part was replaced by a concurrent UploadPart while we were reading it.
            raise _invalid_part(upload_id, chosen[0]) from None
        etag = multipart_etag([part.etag for part in chosen])
        with self.store.lock:
            current = bucket.multipart_uploads.get(upload_id)
            try:
                if current is not upload:
                    raise errors.no_such_upload(upload_id)
                if any(upload.parts.get(part.part_number) is not part for part in chosen):
                    raise _invalid_part(upload_id, chosen[0])
                preconditions.check_write_conditions(bucket, upload.key, params)
            except AwsError:
                self.storage.delete(body.path)
                raise
            del bucket.multipart_uploads[upload_id]
            obj = S3Object(
                key=upload.key,
                version_id=self.version_id_for_write(bucket),
                last_modified=now(),
                sequencer=bucket.next_sequencer(),
                size=body.size,
                etag=etag,
                content_type=upload.content_type,
                metadata=dict(upload.metadata),
                system_metadata=dict(upload.system_metadata),
                tags=dict(upload.tags),
                storage_class=upload.storage_class,
                body_path=body.path,
                parts_count=len(chosen),
                checksums=_composite_checksums(upload, chosen),
                owner_account_id=upload.owner_account_id,
            )
            self.store_version(bucket, obj)
        self._delete_parts(upload.parts.values())
        self.publish(context, bucket, "ObjectCreated:CompleteMultipartUpload", obj)
        result: dict[str, Any] = {
            "Location": f"{context.endpoint_url.rstrip('/')}/{bucket.name}/{quote(obj.key, safe='/')}",
            "Bucket": bucket.name,
            "Key": obj.key,
            "ETag": etag,
            **{f"Checksum{algorithm}": value for algorithm, value in obj.checksums.items()},
        }
        if obj.checksums:
            result["ChecksumType"] = "COMPOSITE"
        if bucket.versioning is not None:
            result["VersionId"] = obj.wire_version_id
        return result

    # -- parts --------------------------------------------------------------------------------------------
    def upload_part(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        number = params["PartNumber"]
        _check_part_number(number)
        data = params.get("Body") or b""
        if isinstance(data, str):
            data = data.encode()
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            self._upload(bucket, params["Key"], params["UploadId"])
        preconditions.content_md5(params.get("ContentMD5"))  # a malformed header fails before the body is stored
        claimed = {alg: params[f"Checksum{alg}"] for alg in CHECKSUM_ALGORITHMS if params.get(f"Checksum{alg}")}
        body = self.storage.write(data, checksums=claimed)
        try:
            _check_part_body(params, body, claimed)
        except AwsError:
            self.storage.delete(body.path)
            raise
        part = Part(number, f'"{body.md5_hex}"', body.size, now(), body.path, claimed)
        self._add_part(bucket, params["Key"], params["UploadId"], part)
        return {"ETag": part.etag, **{f"Checksum{alg}": value for alg, value in claimed.items()}}

    def upload_part_copy(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        number = params["PartNumber"]
        _check_part_number(number)
        source_bucket_name, source_key, source_version = parse_copy_source(params["CopySource"])
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            self._upload(bucket, params["Key"], params["UploadId"])
            source_bucket = self.bucket_for(context, source_bucket_name)
            source = self.object_for(source_bucket, source_key, source_version)
            source_versioned = source_bucket.versioning is not None
            check_read_conditions(source, params, prefix="CopySource")
            start, length = _copy_range(params.get("CopySourceRange"), source.size)
            assert source.body_path is not None  # an object version that is not a delete marker has a body
            # Opened under the lock: a concurrent overwrite or delete of the source cannot take the bytes away.
            chunks = self.storage.read_range(source.body_path, start, length)
        body = self.storage.write(chunks)
        part = Part(number, f'"{body.md5_hex}"', body.size, now(), body.path)
        self._add_part(bucket, params["Key"], params["UploadId"], part)
        result: dict[str, Any] = {"CopyPartResult": {"ETag": part.etag, "LastModified": part.last_modified}}
        if source_versioned:
            result["CopySourceVersionId"] = source.wire_version_id
        return result

    def list_parts(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        max_parts = min(params.get("MaxParts", DEFAULT_MAX_ITEMS), DEFAULT_MAX_ITEMS)
        marker = params.get("PartNumberMarker") or 0
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            upload = self._upload(bucket, params["Key"], params["UploadId"])
            numbers = sorted(number for number in upload.parts if number > marker)
            page = [upload.parts[number] for number in numbers[:max_parts]]
        result: dict[str, Any] = {
            "Bucket": bucket.name,
            "Key": upload.key,
            "UploadId": upload.upload_id,
            "PartNumberMarker": marker,
            "NextPartNumberMarker": page[-1].part_number if page else 0,
            "MaxParts": max_parts,
            "IsTruncated": len(numbers) > max_parts,
            "Parts": [_part_entry(part) for part in page],
            "Initiator": _owner(upload.owner_account_id),
            "Owner": _owner(upload.owner_account_id),
            "StorageClass": upload.storage_class,
        }
        if upload.checksum_algorithm:
            result["ChecksumAlgorithm"] = upload.checksum_algorithm
        return result

    def list_multipart_uploads(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        max_uploads = min(params.get("MaxUploads", DEFAULT_MAX_ITEMS), DEFAULT_MAX_ITEMS)
        prefix = params.get("Prefix") or ""
        delimiter = params.get("Delimiter") or ""
        key_marker = params.get("KeyMarker") or ""
        upload_id_marker = params.get("UploadIdMarker") or ""
        encode = params.get("EncodingType") == "url"
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
            # S3 lists by key, then by initiation time within a key.
            uploads = sorted(bucket.multipart_uploads.values(), key=lambda u: (u.key, u.initiated))
        entries: list[tuple[str, MultipartUpload | None]] = []  # (key or common prefix, upload or None)
        seen_prefixes: set[str] = set()
        passed_marker = not upload_id_marker
        for upload in uploads:
            if not upload.key.startswith(prefix):
                continue
            if key_marker:
                if upload.key < key_marker:
                    continue
                if upload.key == key_marker:
                    # With an upload id marker, the marker's key continues after that upload; without one,
                    # the marker key is done.
                    if not upload_id_marker:
                        continue
                    if not passed_marker:
                        passed_marker = upload.upload_id == upload_id_marker
                        continue
            if delimiter:
                rest = upload.key[len(prefix):]
                if delimiter in rest:
                    common = prefix + rest[: rest.index(delimiter) + len(delimiter)]
                    if common not in seen_prefixes and common > key_marker:
                        seen_prefixes.add(common)
                        entries.append((common, None))
                    continue
            entries.append((upload.key, upload))
        page = entries[:max_uploads]
        truncated = len(entries) > max_uploads
        text = (lambda value: quote(value, safe="/")) if encode else (lambda value: value)
        result: dict[str, Any] = {
            "Bucket": bucket.name,
            "KeyMarker": text(key_marker),
            "UploadIdMarker": upload_id_marker,
            "MaxUploads": max_uploads,
            "IsTruncated": truncated,
            "Uploads": [_upload_entry(upload, text) for _, upload in page if upload is not None],
            "CommonPrefixes": [{"Prefix": text(name)} for name, upload in page if upload is None],
        }
        if prefix:
            result["Prefix"] = text(prefix)
        if delimiter:
            result["Delimiter"] = text(delimiter)
        if encode:
            result["EncodingType"] = "url"
        if truncated and page:
            last_name, last_upload = page[-1]
            result["NextKeyMarker"] = text(last_name)
            result["NextUploadIdMarker"] = last_upload.upload_id if last_upload is not None else ""
        return result

    # -- helpers ------------------------------------------------------------------------------------------
    def _upload(self, bucket: Bucket, key: str, upload_id: str) -> MultipartUpload:
        """The upload in progress (call under store.lock); NoSuchUpload if absent or for another key."""
        upload = bucket.multipart_uploads.get(upload_id)
        if upload is None or upload.key != key:
            raise errors.no_such_upload(upload_id)
        return upload

    def _add_part(self, bucket: Bucket, key: str, upload_id: str, part: Part) -> None:
        """Store a part whose body is already written; a part uploaded again replaces the earlier one."""
        with self.store.lock:
            try:
                upload = self._upload(bucket, key, upload_id)
            except AwsError:
                # Aborted or completed while the body was being written.
                self.storage.delete(part.body_path)
                raise
            replaced = upload.parts.get(part.part_number)
            upload.parts[part.part_number] = part
        if replaced is not None:
            self.storage.delete(replaced.body_path)

    def _delete_parts(self, parts: Any) -> None:
        storage = self.storage
        for part in list(parts):
            storage.delete(part.body_path)


def _chosen_parts(upload: MultipartUpload, listed: list[dict[str, Any]]) -> list[Part]:
    """The uploaded parts a completion lists, checked in S3's order: ascending numbers, each uploaded with the
    listed ETag, each but the last at least 5 MiB."""
    numbers = [entry.get("PartNumber", 0) for entry in listed]
    if any(later <= earlier for earlier, later in zip(numbers, numbers[1:], strict=False)):
        raise AwsError("InvalidPartOrder", INVALID_PART_ORDER, 400, fields={"UploadId": upload.upload_id})
    chosen: list[Part] = []
    for entry in listed:
        part = upload.parts.get(entry.get("PartNumber", 0))
        etag = _strip_quotes(entry.get("ETag") or "")
        if part is None or _strip_quotes(part.etag) != etag:
            raise AwsError(
                "InvalidPart",
                INVALID_PART,
                400,
                fields={"UploadId": upload.upload_id, "PartNumber": entry.get("PartNumber", 0), "ETag": etag},
            )
        chosen.append(part)
    for part in chosen[:-1]:
        if part.size < MIN_PART_SIZE:
            raise AwsError(
                "EntityTooSmall",
                ENTITY_TOO_SMALL,
                400,
                fields={
                    "ProposedSize": part.size,
                    "MinSizeAllowed": MIN_PART_SIZE,
                    "PartNumber": part.part_number,
                    "ETag": _strip_quotes(part.etag),
                },
            )
    return chosen


def _invalid_part(upload_id: str, part: Part) -> AwsError:
    return AwsError(
        "InvalidPart",
        INVALID_PART,
        400,
        fields={"UploadId": upload_id, "PartNumber": part.part_number, "ETag": _strip_quotes(part.etag)},
    )


def _composite_checksums(upload: MultipartUpload, parts: list[Part]) -> dict[str, str]:
    """The object's COMPOSITE checksum (algorithm -> value, as S3Object.checksums) when the upload chose an
    algorithm and every part carried it: the algorithm over the concatenated binary part checksums, then -N.
    CRC32C and CRC64NVME need a native library: no object checksum for them."""
    algorithm = (upload.checksum_algorithm or "").upper()
    if algorithm not in SUPPORTED_CHECKSUMS or not all(algorithm in part.checksums for part in parts):
        return {}
    joined = b"".join(base64.b64decode(part.checksums[algorithm]) for part in parts)
    if algorithm == "CRC32":
        digest = zlib.crc32(joined).to_bytes(4, "big")
    else:
        digest = hashlib.new(algorithm.lower(), joined).digest()
    return {algorithm: f"{base64.b64encode(digest).decode()}-{len(parts)}"}




def _copy_range(value: str | None, size: int) -> tuple[int, int]:
    """(start, length) of an UploadPartCopy: the whole source, or x-amz-copy-source-range within it."""
    if value is None:
        return 0, size
    match = _COPY_RANGE.match(value.strip())
    if match is None:
        raise errors.invalid_argument(COPY_RANGE_SYNTAX, "x-amz-copy-source-range", value)
    first, last = int(match.group(1)), int(match.group(2))
    if first > last or last >= size:
        raise errors.invalid_argument(
            f"Range specified is not valid for source object of size: {size}", "x-amz-copy-source-range", value
        )
    return first, last - first + 1


def _part_entry(part: Part) -> dict[str, Any]:
    return {
        "PartNumber": part.part_number,
        "LastModified": part.last_modified,
        "ETag": part.etag,
        "Size": part.size,
        **{f"Checksum{algorithm}": value for algorithm, value in part.checksums.items()},
    }


def _upload_entry(upload: MultipartUpload, text: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "UploadId": upload.upload_id,
        "Key": text(upload.key),
        "Initiated": upload.initiated,
        "StorageClass": upload.storage_class,
        "Owner": _owner(upload.owner_account_id),
        "Initiator": _owner(upload.owner_account_id),
    }
    if upload.checksum_algorithm:
        entry["ChecksumAlgorithm"] = upload.checksum_algorithm
    return entry
