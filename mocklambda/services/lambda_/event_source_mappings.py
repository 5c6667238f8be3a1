"""Lambda operations: event_source_mappings. (Being written.)"""
from __future__ import annotations

from mocklambda.services.base import ServiceProvider
from mocklambda.services.lambda_.models import LambdaStore


class EventSourceMappingOperations(ServiceProvider[LambdaStore]):
    pass
