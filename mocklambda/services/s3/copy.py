"""S3 CopyObject: a new object (or version) from an existing one, with the metadata and tagging directives.

The copy shares no state with its source: its body is a hard link to the source's immutable file (or a copy
of it), so deleting either leaves the other intact. A copy is a single-part object: its ETag is the MD5 of the
bytes, even when the source was a multipart upload.
What it must not do: read a body into memory, or copy across accounts (another account's bucket answers
AccessDenied, as for every other operation).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.s3 import errors
from mocklambda.services.s3.common import S3OperationsBase, now
from mocklambda.services.s3.models import S3Object
from mocklambda.services.s3.objects import (
    DEFAULT_CONTENT_TYPE,
    SERVER_SIDE_ENCRYPTION,
    STORAGE_CLASSES,
    check_key,
    check_read_conditions,
    parse_tagging,
    system_metadata,
)

COPY_TO_ITSELF = (
    "This copy request is illegal because it is trying to copy an object to itself without changing the "
    "object's metadata, storage class, website redirect location or encryption attributes."
)
DIRECTIVES = ("COPY", "REPLACE")


def parse_copy_source(copy_source: str) -> tuple[str, str, str | None]:
    """x-amz-copy-source (`bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=...`) as
    (bucket, key, version id). InvalidArgument when it names no key."""
    source, _, query = copy_source.partition("?")
    version_id = None
    if query.startswith("versionId="):
        version_id = unquote(query[len("versionId=") :])
    bucket, _, key = unquote(source).lstrip("/").partition("/")
    if not bucket or not key:
        raise errors.invalid_argument("Invalid copy source object key", "x-amz-copy-source", copy_source)
    return bucket, key, version_id


class CopyOperations(S3OperationsBase):
    def copy_object(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        target_bucket_name, target_key = params["Bucket"], params["Key"]
        source_bucket_name, source_key, source_version = parse_copy_source(params["CopySource"])
        check_key(target_key)
        metadata_directive = _directive(params.get("MetadataDirective"), "x-amz-metadata-directive")
        tagging_directive = _directive(params.get("TaggingDirective"), "x-amz-tagging-directive")
        storage_class = params.get("StorageClass")
        if storage_class is not None and storage_class not in STORAGE_CLASSES:
            raise AwsError(
                "InvalidStorageClass",
                "The storage class you specified is not valid",
                400,
                fields={"StorageClassRequested": storage_class},
            )
        # Checked before the lock: a refused tag set must not leave a linked body behind.
        replacement_tags = parse_tagging(params.get("Tagging")) if tagging_directive == "REPLACE" else None
        with self.store.lock:
            target = self.bucket_for(context, target_bucket_name)
            source_bucket = self.bucket_for(context, source_bucket_name)
            source = self.object_for(source_bucket, source_key, source_version)
            check_read_conditions(source, params, prefix="CopySource")
            same_object = source_bucket is target and source_key == target_key
            changes_something = (
                metadata_directive == "REPLACE"
                or storage_class is not None
                or params.get("WebsiteRedirectLocation") is not None
                or params.get("ServerSideEncryption") is not None
                or params.get("SSEKMSKeyId") is not None
            )
            if same_object and not changes_something:
                raise errors.invalid_request(COPY_TO_ITSELF)
            assert source.body_path is not None
            source_path = source.body_path
            multipart_source = "-" in source.etag
            source_etag = source.etag
            # Hard-linked under the lock, so the source cannot be deleted between look-up and copy.
            if multipart_source:
                stored = self.storage.concatenate([source_path])
                body_path, etag = stored.path, f'"{stored.md5_hex}"'
            else:
                body_path, etag = self.storage.link(source_path), source_etag
            if metadata_directive == "REPLACE":
                content_type = params.get("ContentType") or DEFAULT_CONTENT_TYPE
                metadata = {k.lower(): v for k, v in (params.get("Metadata") or {}).items()}
                system = system_metadata(params)
            else:
                content_type, metadata, system = (
                    source.content_type,
                    dict(source.metadata),
                    dict(source.system_metadata),
                )
            tags = dict(source.tags) if replacement_tags is None else replacement_tags
            obj = S3Object(
                key=target_key,
                version_id=self.version_id_for_write(target),
                last_modified=now(),
                sequencer=target.next_sequencer(),
                size=source.size,
                etag=etag,
                content_type=content_type,
                metadata=metadata,
                system_metadata=system,
                tags=tags,
                storage_class=storage_class or source.storage_class,
                body_path=body_path,
                # A multipart source's composite checksums do not describe the single-part copy.
                checksums={} if multipart_source else dict(source.checksums),
                owner_account_id=context.account_id,
            )
            self.store_version(target, obj)
            source_version_header = source.wire_version_id if source_bucket.versioning is not None else None
        self.publish(context, target, "ObjectCreated:Copy", obj)
        result_body: dict[str, Any] = {"ETag": obj.etag, "LastModified": obj.last_modified}
        result_body.update({f"Checksum{alg}": value for alg, value in obj.checksums.items()})
        return {
            "CopyObjectResult": result_body,
            "CopySourceVersionId": source_version_header,
            "VersionId": obj.wire_version_id if target.versioning is not None else None,
            "ServerSideEncryption": SERVER_SIDE_ENCRYPTION,
        }


def _directive(value: str | None, header: str) -> str:
    if value is None:
        return "COPY"
    if value not in DIRECTIVES:
        raise errors.invalid_argument(f"Unknown {header.split('-')[2]} directive.", header, value)
    return value
