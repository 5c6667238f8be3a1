"""S3's state per (account, region). Filled in by the S3 issue."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Bucket:
    name: str
    region: str
    created: dt.datetime


@dataclass
class S3Store:
    account_id: str
    region: str
    buckets: dict[str, Bucket] = field(default_factory=dict)
