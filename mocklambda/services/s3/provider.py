"""Amazon S3's API (rest-xml, 2006-03-01): the provider, composed of one mixin per operation family.

Owns the one global bucket registry (models.S3Store; bucket names are global in AWS) and the object bodies on
disk (storage.py). The families: buckets.py (Create/Head/Delete/ListBuckets, GetBucketLocation), objects.py
(Put/Get/Head/Delete/DeleteObjects), copy.py (CopyObject), listing.py (ListObjects v1/v2), multipart.py
(multipart uploads), tagging.py (object and bucket tags), versioning.py (bucket versioning,
ListObjectVersions), notification_config.py (Put/GetBucketNotificationConfiguration). What they share is in
common.py; events go out through notifications.py. Offers the emulator's object-reader capability (Lambda's
Code.S3Bucket).
Must not import another service: S3 does not know Lambda, SNS or SQS exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mocklambda.services.s3.buckets import BucketOperations
from mocklambda.services.s3.common import S3OperationsBase
from mocklambda.services.s3.copy import CopyOperations
from mocklambda.services.s3.listing import ListingOperations
from mocklambda.services.s3.models import S3Store
from mocklambda.services.s3.multipart import MultipartOperations
from mocklambda.services.s3.notification_config import NotificationOperations
from mocklambda.services.s3.objects import ObjectOperations
from mocklambda.services.s3.tagging import TaggingOperations
from mocklambda.services.s3.versioning import VersioningOperations

if TYPE_CHECKING:
    from mocklambda.emulator import Emulator


class S3Provider(
    BucketOperations,
    ObjectOperations,
    CopyOperations,
    ListingOperations,
    MultipartOperations,
    TaggingOperations,
    VersioningOperations,
    NotificationOperations,
    S3OperationsBase,
):
    service_name = "s3"
    store_type = S3Store

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        emulator.register_object_reader(self.read_object)

    def read_object(
        self, account_id: str, region: str, bucket: str, key: str, version_id: str | None
    ) -> bytes:
        """The emulator's ObjectReader: an object's bytes for another service (Lambda's code from S3).
        Raises LookupError(code, message) with S3's error code and message."""
        with self.store.lock:
            found = self.store.buckets.get(bucket)
            if found is None:
                raise LookupError("NoSuchBucket", "The specified bucket does not exist")
            if found.account_id != account_id:
                raise LookupError("AccessDenied", "Access Denied")
            obj = found.version(key, version_id) if version_id else found.current(key)
            if obj is None or obj.delete_marker or obj.body_path is None:
                if version_id:
                    raise LookupError("NoSuchVersion", "The specified version does not exist.")
                raise LookupError("NoSuchKey", "The specified key does not exist.")
            path = obj.body_path
        return self.storage.read_bytes(path)
