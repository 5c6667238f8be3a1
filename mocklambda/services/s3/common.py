"""What every S3 operations mixin shares: the base class `S3OperationsBase` with the global bucket registry,
the object storage, bucket and object look-ups with S3's errors, version ids, timestamps and the
notification hook.

Each operations family (buckets.py, objects.py, multipart.py, tagging.py, versioning.py,
notification_config.py) subclasses `S3OperationsBase`; provider.py composes them. Lives apart from
provider.py so that the mixins can import it without a cycle.
What it must not do: implement an operation, or know another service (notifications go out through
notifications.publish, which uses the emulator's event bus).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.s3 import errors, notifications
from mocklambda.services.s3.models import NULL_VERSION, Bucket, S3Object, S3Store
from mocklambda.services.s3.storage import ObjectStorage

# The registry is global (bucket names are); it lives in the stores under one fixed key.
GLOBAL = ""


def canonical_user_id(account_id: str) -> str:
    """S3's 64-hex canonical user id, stable per account (AWS derives it opaquely; any stable value works)."""
    return hashlib.sha256(f"mocklambda-owner-{account_id}".encode()).hexdigest()


def now() -> dt.datetime:
    """S3 keeps LastModified to the second (listings show .000Z; headers have seconds)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def new_version_id() -> str:
    """A 32-character URL-safe version id, as opaque as S3's."""
    return secrets.token_urlsafe(24)


class S3OperationsBase(ServiceProvider[S3Store]):
    _storage: ObjectStorage | None = None
    _storage_data_dir: Path | None = None  # the data_dir `_storage` was made for

    @property
    def store(self) -> S3Store:
        """The one bucket registry; hold `store.lock` while reading or changing buckets and objects."""
        return self.stores.get(GLOBAL, GLOBAL)

    @property
    def storage(self) -> ObjectStorage:
        """Object bodies on disk; re-made when the emulator's data directory changes (after stop())."""
        data_dir = self.emulator.data_dir
        storage = self._storage
        # Compared by identity: this runs twice per request, and joining paths costs more than the rest.
        if storage is None or self._storage_data_dir is not data_dir:
            storage = self._storage = ObjectStorage(data_dir / "s3")
            self._storage_data_dir = data_dir
        return storage

    def reset(self) -> None:
        super().reset()
        self.storage.clear()

    # -- look-ups -----------------------------------------------------------------------------------------
    def bucket_for(self, context: RequestContext, name: str) -> Bucket:
        """The caller's bucket `name`: NoSuchBucket if nobody has it, AccessDenied if another account does."""
        bucket = self.store.buckets.get(name)
        if bucket is None:
            raise errors.no_such_bucket(name)
        if bucket.account_id != context.account_id:
            raise errors.access_denied()
        return bucket

    def object_for(self, bucket: Bucket, key: str, version_id: str | None = None) -> S3Object:
        """The object version a read (GetObject, HeadObject, CopyObject's source) gets, with S3's errors:
        NoSuchKey (current version missing or a delete marker, with x-amz-delete-marker), NoSuchVersion,
        MethodNotAllowed 405 for a delete marker asked for by version id."""
        if version_id is not None:
            obj = bucket.version(key, version_id)
            if obj is None:
                if version_id != NULL_VERSION and not _looks_like_version_id(version_id):
                    raise errors.invalid_argument("Invalid version id specified", "versionId", version_id)
                raise errors.no_such_version(key, version_id)
            if obj.delete_marker:
                raise AwsError(
                    "MethodNotAllowed",
                    errors.METHOD_NOT_ALLOWED,
                    405,
                    fields={"Method": "GET", "ResourceType": "DeleteMarker"},
                    headers=_delete_marker_headers(obj, bucket),
                )
            return obj
        obj = bucket.current(key)
        if obj is None:
            raise errors.no_such_key(key)
        if obj.delete_marker:
            error = errors.no_such_key(key)
            error.headers.update(_delete_marker_headers(obj, bucket))
            raise error
        return obj

    # -- writes -------------------------------------------------------------------------------------------
    def version_id_for_write(self, bucket: Bucket) -> str | None:
        """A new version id while versioning is Enabled; None (the null version) otherwise."""
        return new_version_id() if bucket.versioning == "Enabled" else None

    def store_version(self, bucket: Bucket, obj: S3Object) -> None:
        """Make `obj` current (call under store.lock); the bodies of versions it replaces are removed."""
        storage = self.storage
        for replaced in bucket.add_version(obj):
            storage.delete(replaced.body_path)

    def publish(self, context: RequestContext, bucket: Bucket, event_name: str, obj: S3Object) -> None:
        """Tell notifications an object was written or removed (`event_name` without the `s3:` prefix).
        Call after the change is stored, outside store.lock."""
        notifications.publish(self, context, bucket, event_name, obj)


def _looks_like_version_id(version_id: str) -> bool:
    # Ours are 32 URL-safe characters; anything else S3 would refuse as malformed.
    return len(version_id) == 32


def _delete_marker_headers(obj: S3Object, bucket: Bucket) -> dict[str, str]:
    headers = {"x-amz-delete-marker": "true"}
    if bucket.versioning is not None:
        headers["x-amz-version-id"] = obj.wire_version_id
    return headers
