"""S3's state: ONE registry of buckets for the whole emulator, because bucket names are global in AWS
(one namespace across every account and region). Each bucket records its owner account and its region.

Layout (what the operation families share; read this before touching a bucket):
- `S3Store` (one per emulator, `provider.store`): `buckets` by name, and `lock`, an RLock that guards every
  read and write of any bucket, object, upload, tag set or configuration. Hold it only for dict/list work:
  object bodies are stored (storage.py) BEFORE taking it, never under it.
- `Bucket`: name, owner `account_id`, `region`, `created`, `versioning` (None = never enabled, "Enabled",
  "Suspended"), `objects` (key -> list of `S3Object` versions, OLDEST FIRST; the last one is the current
  version, which may be a delete marker), `multipart_uploads` (upload id -> `MultipartUpload`), `tags`
  (bucket tags), `notification_configuration` (the dict in GetBucketNotificationConfiguration's shape:
  LambdaFunctionConfigurations / TopicConfigurations / QueueConfigurations / EventBridgeConfiguration).
  Use `bucket.current(key)`, `bucket.version(key, version_id)`, `bucket.add_version(obj)`,
  `bucket.next_sequencer()`; never append to `objects` by hand (the null-version rule lives in add_version).
- `S3Object`: one version of an object, or a delete marker (`delete_marker=True`, no body). `version_id` None
  is S3's "null" version (written while versioning was never enabled, or while Suspended); versioned
  responses report it as "null". `etag` is quoted ("\"<md5 hex>\"" or "\"<md5-of-md5s>-N\"" for multipart).
  `system_metadata` holds ContentEncoding / ContentDisposition / CacheControl / ContentLanguage / Expires
  (as the API's member names; Expires a datetime). `checksums` maps algorithm names (CRC32, CRC32C,
  CRC64NVME, SHA1, SHA256) to base64 values (composite ones end in "-N"). `body_path` names the bytes in storage.py (small
  bodies live in memory under that name): read, copy and remove them only through `provider.storage`
  (open / read_range / read_bytes / link / concatenate / delete), never with open() or Path methods.
  `sequencer` is a per-bucket increasing upper-case hex string (what notifications carry).
- `MultipartUpload` and `Part`: an upload in progress; parts' bodies are in storage.py too.

Where the shared helpers are: common.py (`S3OperationsBase`, the base every operations mixin subclasses:
`self.store`, `self.storage`, `self.bucket_for(context, name)`, `self.object_for(bucket, key, version_id)`,
`self.publish(context, bucket, event_name, obj)`, `new_version_id()`), errors.py (S3's error constructors).

This module holds data only: no HTTP, no errors, no files.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NULL_VERSION = "null"  # how S3 spells the null version on the wire (VersionId=null)
DEFAULT_STORAGE_CLASS = "STANDARD"


@dataclass
class S3Object:
    """One version of an object (or a delete marker)."""

    key: str
    version_id: str | None  # None: the null version
    last_modified: dt.datetime
    sequencer: str
    size: int = 0
    etag: str = ""  # quoted
    content_type: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # x-amz-meta-* (names lower-case, without prefix)
    system_metadata: dict[str, Any] = field(
        default_factory=dict
    )  # ContentEncoding, CacheControl, Expires, ...
    tags: dict[str, str] = field(default_factory=dict)
    storage_class: str = DEFAULT_STORAGE_CLASS
    delete_marker: bool = False
    body_path: Path | None = None
    parts_count: int | None = None  # set for objects made by CompleteMultipartUpload
    checksums: dict[str, str] = field(default_factory=dict)  # CRC32 -> base64, ...
    owner_account_id: str = ""

    @property
    def wire_version_id(self) -> str:
        """VersionId as S3 reports it in versioned responses ("null" for the null version)."""
        return self.version_id or NULL_VERSION


@dataclass
class Part:
    part_number: int
    etag: str  # quoted MD5 hex of the part's bytes
    size: int
    last_modified: dt.datetime
    body_path: Path
    checksums: dict[str, str] = field(default_factory=dict)


@dataclass
class MultipartUpload:
    upload_id: str
    key: str
    initiated: dt.datetime
    owner_account_id: str
    content_type: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    system_metadata: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    storage_class: str = DEFAULT_STORAGE_CLASS
    checksum_algorithm: str | None = None
    parts: dict[int, Part] = field(default_factory=dict)


@dataclass
class Bucket:
    name: str
    account_id: str  # the owner
    region: str
    created: dt.datetime
    versioning: str | None = None  # None (never enabled), "Enabled", "Suspended"
    objects: dict[str, list[S3Object]] = field(default_factory=dict)  # key -> versions, oldest first
    multipart_uploads: dict[str, MultipartUpload] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    notification_configuration: dict[str, Any] = field(default_factory=dict)
    _sequence: int = 0

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"

    def current(self, key: str) -> S3Object | None:
        """The current version of `key` (possibly a delete marker), or None."""
        versions = self.objects.get(key)
        return versions[-1] if versions else None

    def version(self, key: str, version_id: str | None) -> S3Object | None:
        """A specific version; `version_id` "null" or None selects the null version."""
        wanted = None if version_id in (None, NULL_VERSION) else version_id
        for obj in reversed(self.objects.get(key, ())):
            if obj.version_id == wanted:
                return obj
        return None

    def add_version(self, obj: S3Object) -> list[S3Object]:
        """Make `obj` the current version of its key. A null-version write (unversioned or Suspended bucket)
        replaces the existing null version, as S3 does. Returns the versions removed (their bodies can go)."""
        versions = self.objects.setdefault(obj.key, [])
        removed: list[S3Object] = []
        if obj.version_id is None:
            removed = [v for v in versions if v.version_id is None]
            versions[:] = [v for v in versions if v.version_id is not None]
        versions.append(obj)
        return removed

    def remove_version(self, key: str, version_id: str | None) -> S3Object | None:
        """Remove one version permanently (DeleteObject with VersionId); returns it, or None if absent."""
        versions = self.objects.get(key, [])
        obj = self.version(key, version_id)
        if obj is None:
            return None
        versions.remove(obj)
        if not versions:
            del self.objects[key]
        return obj

    def next_sequencer(self) -> str:
        """An increasing hex string per bucket (S3's sequencer orders events for one key; ours for all keys).
        Fixed width so that string order is numeric order, as consumers compare them as strings."""
        self._sequence += 1
        return f"{self._sequence:016X}"

    def is_empty(self) -> bool:
        return not self.objects


@dataclass
class S3Store:
    """The bucket registry (global). `account_id`/`region` are only the factory's signature (see provider)."""

    account_id: str = ""
    region: str = ""
    buckets: dict[str, Bucket] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
