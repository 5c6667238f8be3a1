"""Amazon DynamoDB Streams' API (json, signs as `dynamodb`, target prefix DynamoDBStreams_20120810)."""
from __future__ import annotations

from typing import Any

from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.dynamodbstreams.models import StreamsStore


class DynamoDBStreamsProvider(ServiceProvider[StreamsStore]):
    service_name = "dynamodbstreams"
    store_type = StreamsStore

    def list_streams(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        streams = list(self.stores[context].streams.values())
        table = params.get("TableName")
        if table is not None:
            streams = [s for s in streams if s["TableName"] == table]
        return {"Streams": [{k: s[k] for k in ("StreamArn", "TableName", "StreamLabel")} for s in streams]}
