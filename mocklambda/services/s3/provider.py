"""Amazon S3's API (rest-xml, 2006-03-01). Owns S3Store; notifications go out through the event bus."""
from __future__ import annotations

import hashlib
from typing import Any

from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.s3.models import S3Store


def canonical_user_id(account_id: str) -> str:
    """S3's 64-hex canonical user id, stable per account (AWS derives it opaquely; any stable value works)."""
    return hashlib.sha256(f"mocklambda-owner-{account_id}".encode()).hexdigest()


class S3Provider(ServiceProvider[S3Store]):
    service_name = "s3"
    store_type = S3Store

    def list_buckets(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # Buckets are global per account in the listing: AWS lists every region's buckets.
        buckets = [
            bucket
            for (account, _), store in self.stores
            if account == context.account_id
            for bucket in store.buckets.values()
        ]
        return {
            "Buckets": [
                {"Name": b.name, "CreationDate": b.created, "BucketRegion": b.region}
                for b in sorted(buckets, key=lambda b: b.name)
            ],
            "Owner": {"ID": canonical_user_id(context.account_id)},
        }
