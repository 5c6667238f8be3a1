"""Amazon SQS's API (json today, query for older clients). Owns SqsStore."""
from __future__ import annotations

from typing import Any

from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.sqs.models import SqsStore


class SqsProvider(ServiceProvider[SqsStore]):
    service_name = "sqs"
    store_type = SqsStore

    def list_queues(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("QueueNamePrefix", "")
        names = sorted(name for name in self.stores[context].queues if name.startswith(prefix))
        urls = [f"{context.endpoint_url}/{context.account_id}/{name}" for name in names]
        # AWS omits QueueUrls entirely when there are none.
        return {"QueueUrls": urls} if urls else {}
