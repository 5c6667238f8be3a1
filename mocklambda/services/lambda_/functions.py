"""Lambda operations: functions and their code. (Being written.)"""
from __future__ import annotations

from typing import Any

from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_.models import LambdaStore


class FunctionOperations(ServiceProvider[LambdaStore]):
    def list_functions(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        return {"Functions": [store.functions[name].latest.config for name in sorted(store.functions)]}
