"""Loading botocore's service models once per process (they are immutable data, not state)."""
from __future__ import annotations

import functools

import botocore.session
from botocore.model import ServiceModel


@functools.lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.Session()


@functools.cache
def load_service_model(service_name: str) -> ServiceModel:
    """The botocore ServiceModel for `service_name` (e.g. 'lambda', 'dynamodbstreams')."""
    return _session().get_service_model(service_name)


def available_services() -> list[str]:
    return _session().get_available_services()
