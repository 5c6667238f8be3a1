"""Lambda operations: policy. (Being written.)"""
from __future__ import annotations

from mocklambda.services.base import ServiceProvider
from mocklambda.services.lambda_.models import LambdaStore


class PolicyOperations(ServiceProvider[LambdaStore]):
    pass
