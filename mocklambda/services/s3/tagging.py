"""S3 object tagging: GetObjectTagging, PutObjectTagging, DeleteObjectTagging (any version, by versionId), and
the tag rules every writer of object tags shares (`validate_tags`, `tags_from_header` for x-amz-tagging on
PutObject, CopyObject and CreateMultipartUpload).

S3's limits and its answers when they are broken (as AWS answers, which is not always InvalidTag): more than
10 tags is BadRequest "Object tags cannot be greater than 10"; an empty key, a key over 128 characters or with
characters outside S3's tag repertoire (letters, digits, spaces, `_ . : / = + - @`) is InvalidTag "The TagKey
you have provided is invalid"; a value over 256 characters or outside the repertoire is InvalidTag "The TagValue
you have provided is invalid" (with TagKey and TagValue); a key given twice is InvalidTag "Cannot provide
multiple Tags with the same key" (with TagKey); in the x-amz-tagging header, a repeated key is InvalidArgument.
Tags live on the object version (S3Object.tags); PutObjectTagging and DeleteObjectTagging send the
ObjectTagging:Put / ObjectTagging:Delete notifications.

What it must not do: touch bucket tags' storage rules or object bodies.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.s3 import errors
from mocklambda.services.s3.common import S3OperationsBase
from mocklambda.services.s3.models import Bucket, S3Object

MAX_TAGS = 10
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
HEADER_DUPLICATES = (
    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name "
    "duplicates."
)


def _allowed(text: str) -> bool:
    # S3's tag repertoire: Unicode letters, digits and spaces, plus a few punctuation marks.
    return all(ch.isalnum() or ch.isspace() or ch in _TAG_PUNCTUATION for ch in text)


def validate_tags(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The tag set as a dict, or S3's error for the first rule it breaks."""
    if len(pairs) > MAX_TAGS:
        raise AwsError("BadRequest", "Object tags cannot be greater than 10", 400)
    tags: dict[str, str] = {}
    for key, value in pairs:
        if not key or len(key) > MAX_KEY_LENGTH or not _allowed(key):
            raise AwsError("InvalidTag", "The TagKey you have provided is invalid", 400)
        if len(value) > MAX_VALUE_LENGTH or not _allowed(value):
            raise AwsError(
                "InvalidTag", "The TagValue you have provided is invalid", 400, fields={"TagKey": key, "TagValue": value}
            )
        if key in tags:
            raise AwsError("InvalidTag", "Cannot provide multiple Tags with the same key", 400, fields={"TagKey": key})
        tags[key] = value
    return tags


def tags_from_header(header: str) -> dict[str, str]:
    """The tags of an x-amz-tagging header ("k1=v1&k2=v2", URL-encoded), checked as S3 checks them."""
    pairs = parse_qsl(header, keep_blank_values=True)
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise errors.invalid_argument(HEADER_DUPLICATES, "x-amz-tagging", header)
    return validate_tags(pairs)


def tag_set(tags: dict[str, str]) -> list[dict[str, str]]:
    """A TagSet as S3 returns it (in the order the tags were set)."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]


class TaggingOperations(S3OperationsBase):
    def get_object_tagging(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            bucket, obj = self._tagged_object(context, params)
            result: dict[str, Any] = {"TagSet": tag_set(obj.tags)}
            if bucket.versioning is not None:
                result["VersionId"] = obj.wire_version_id
        return result

    def put_object_tagging(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        tagging = params.get("Tagging")
        if tagging is None:
            raise errors.malformed_xml()
        pairs = [(tag.get("Key", ""), tag.get("Value", "")) for tag in tagging.get("TagSet") or []]
        tags = validate_tags(pairs)
        with self.store.lock:
            bucket, obj = self._tagged_object(context, params)
            obj.tags = tags
        self.publish(context, bucket, "ObjectTagging:Put", obj)
        return self._version_result(bucket, obj)

    def delete_object_tagging(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            bucket, obj = self._tagged_object(context, params)
            obj.tags = {}
        self.publish(context, bucket, "ObjectTagging:Delete", obj)
        return self._version_result(bucket, obj)

    def _tagged_object(self, context: RequestContext, params: dict[str, Any]) -> tuple[Bucket, S3Object]:
        """The bucket and the object version the request names (call under store.lock)."""
        bucket = self.bucket_for(context, params["Bucket"])
        return bucket, self.object_for(bucket, params["Key"], params.get("VersionId"))

    @staticmethod
    def _version_result(bucket: Bucket, obj: S3Object) -> dict[str, Any]:
        return {"VersionId": obj.wire_version_id} if bucket.versioning is not None else {}
