"""Amazon SNS's API (query, 2010-03-31). Owns SnsStore; deliveries go out through the event bus."""
from __future__ import annotations

from typing import Any

from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.sns.models import SnsStore


class SnsProvider(ServiceProvider[SnsStore]):
    service_name = "sns"
    store_type = SnsStore

    def list_topics(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"Topics": [{"TopicArn": arn} for arn in sorted(self.stores[context].topics)]}
