"""Amazon DynamoDB's API (json, 2012-08-10). Owns DynamoDBStore; stream records go out as facts."""
from __future__ import annotations

from typing import Any

from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.dynamodb.models import DynamoDBStore


class DynamoDBProvider(ServiceProvider[DynamoDBStore]):
    service_name = "dynamodb"
    store_type = DynamoDBStore

    def list_tables(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        names = sorted(self.stores[context].tables)
        start = params.get("ExclusiveStartTableName")
        if start is not None:
            names = [name for name in names if name > start]
        limit = params.get("Limit", 100)
        page = names[:limit]
        result: dict[str, Any] = {"TableNames": page}
        if len(names) > limit:
            result["LastEvaluatedTableName"] = page[-1]
        return result
