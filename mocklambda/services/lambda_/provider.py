"""AWS Lambda's API (rest-json, 2015-03-31). Owns LambdaStore; executes nothing itself."""
from __future__ import annotations

from typing import Any

from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_.models import LambdaStore


class LambdaProvider(ServiceProvider[LambdaStore]):
    service_name = "lambda"
    store_type = LambdaStore

    def list_functions(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        return {"Functions": [store.functions[name] for name in sorted(store.functions)]}
