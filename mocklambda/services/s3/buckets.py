"""S3 bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.

Bucket names are global (one namespace across accounts and regions): the registry is shared, each bucket keeps
its owner account and region. Another account's bucket answers AccessDenied; a missing one NoSuchBucket.
What it must not do: touch objects beyond checking that a bucket is empty (object operations are objects.py).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from typing import Any

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.s3 import errors
from mocklambda.services.s3.common import S3OperationsBase, canonical_user_id, now
from mocklambda.services.s3.models import Bucket

US_EAST_1 = "us-east-1"
# Legacy LocationConstraint values and the region each stands for.
LOCATION_ALIASES = {"EU": "eu-west-1"}
MAX_BUCKETS_PAGE = 10000

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

BUCKET_ALREADY_EXISTS = (
    "The requested bucket name is not available. The bucket namespace is shared by all users of the system. "
    "Please select a different name and try again."
)
BUCKET_ALREADY_OWNED_BY_YOU = (
    "Your previous request to create the named bucket succeeded and you already own it."
)
LOCATION_INCOMPATIBLE = (
    "The {} location constraint is incompatible for the region specific endpoint this request was sent to."
)


def is_valid_bucket_name(name: str) -> bool:
    """S3's general purpose bucket naming rules."""
    if not _BUCKET_NAME.match(name) or ".." in name or ".-" in name or "-." in name:
        return False
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False  # formatted as an IP address


class BucketOperations(S3OperationsBase):
    def create_bucket(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Bucket"]
        if not is_valid_bucket_name(name):
            raise AwsError(
                "InvalidBucketName", "The specified bucket is not valid.", 400, fields={"BucketName": name}
            )
        _check_location_constraint(context.region, (params.get("CreateBucketConfiguration") or {}))
        with self.store.lock:
            existing = self.store.buckets.get(name)
            if existing is not None:
                if existing.account_id != context.account_id:
                    raise AwsError(
                        "BucketAlreadyExists", BUCKET_ALREADY_EXISTS, 409, fields={"BucketName": name}
                    )
                # us-east-1 answers 200 for a bucket you already own there, for backward compatibility.
                if not (context.region == US_EAST_1 and existing.region == US_EAST_1):
                    raise AwsError(
                        "BucketAlreadyOwnedByYou",
                        BUCKET_ALREADY_OWNED_BY_YOU,
                        409,
                        fields={"BucketName": name},
                    )
            else:
                self.store.buckets[name] = Bucket(name, context.account_id, context.region, now())
        location = f"/{name}" if context.region == US_EAST_1 else f"http://{name}.s3.amazonaws.com/"
        return {"Location": location, "BucketArn": f"arn:aws:s3:::{name}"}

    def head_bucket(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Bucket"]
        with self.store.lock:
            bucket = self.store.buckets.get(name)
            if bucket is None:
                raise errors.no_such_bucket(name)
            if bucket.account_id != context.account_id:
                # S3 still tells a caller without access where the bucket lives.
                error = errors.access_denied()
                error.headers["x-amz-bucket-region"] = bucket.region
                raise error
            return {"BucketRegion": bucket.region, "AccessPointAlias": False, "BucketArn": bucket.arn}

    def delete_bucket(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Bucket"]
        with self.store.lock:
            bucket = self.bucket_for(context, name)
            if not bucket.is_empty():
                raise AwsError(
                    "BucketNotEmpty",
                    "The bucket you tried to delete is not empty",
                    409,
                    fields={"BucketName": name},
                )
            del self.store.buckets[name]
            part_files = [
                part.body_path
                for upload in bucket.multipart_uploads.values()
                for part in upload.parts.values()
            ]
        storage = self.storage
        for path in part_files:
            storage.delete(path)
        return {}

    def list_buckets(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("Prefix")
        region = params.get("BucketRegion")
        max_buckets = params.get("MaxBuckets")
        if max_buckets is not None and not 1 <= max_buckets <= MAX_BUCKETS_PAGE:
            raise errors.invalid_argument(
                "Argument max-buckets must be an integer between 1 and 10000", "max-buckets", str(max_buckets)
            )
        after = _decode_token(params["ContinuationToken"]) if params.get("ContinuationToken") else None
        with self.store.lock:
            buckets = sorted(
                (b for b in self.store.buckets.values() if b.account_id == context.account_id),
                key=lambda b: b.name,
            )
        selected = [
            b
            for b in buckets
            if (prefix is None or b.name.startswith(prefix))
            and (region is None or b.region == region)
            and (after is None or b.name > after)
        ]
        result: dict[str, Any] = {"Owner": {"ID": canonical_user_id(context.account_id)}, "Prefix": prefix}
        if max_buckets is not None and len(selected) > max_buckets:
            selected = selected[:max_buckets]
            result["ContinuationToken"] = _encode_token(selected[-1].name)
        result["Buckets"] = [
            {"Name": b.name, "CreationDate": b.created, "BucketRegion": b.region, "BucketArn": b.arn}
            for b in selected
        ]
        return result

    def get_bucket_location(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            bucket = self.bucket_for(context, params["Bucket"])
        # us-east-1 is reported as an empty LocationConstraint (botocore returns None).
        return {"LocationConstraint": None if bucket.region == US_EAST_1 else bucket.region}


def _check_location_constraint(region: str, configuration: dict[str, Any]) -> None:
    constraint = configuration.get("LocationConstraint")
    if region == US_EAST_1:
        if constraint == US_EAST_1:
            raise AwsError(
                "InvalidLocationConstraint",
                "The specified location-constraint is not valid",
                400,
                fields={"LocationConstraint": constraint},
            )
        if constraint:
            raise AwsError(
                "IllegalLocationConstraintException", LOCATION_INCOMPATIBLE.format(constraint), 400
            )
        return
    if not constraint:
        raise AwsError("IllegalLocationConstraintException", LOCATION_INCOMPATIBLE.format("unspecified"), 400)
    if LOCATION_ALIASES.get(constraint, constraint) != region:
        raise AwsError("IllegalLocationConstraintException", LOCATION_INCOMPATIBLE.format(constraint), 400)


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        name = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise errors.invalid_argument("The continuation token provided is incorrect") from exc
    if not name:
        raise errors.invalid_argument("The continuation token provided is incorrect")
    return name
