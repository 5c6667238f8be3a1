"""What every service provider shares: the request context, per-(account, region) stores, the base class.

A provider owns its stores and nothing else: it never imports another provider, the gateway or runtime
internals; cross-service effects go through the emulator's event bus.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from mocklambda.protocol.http import AwsRequest

if TYPE_CHECKING:
    from mocklambda.emulator import Emulator

StoreT = TypeVar("StoreT")


@dataclass(frozen=True)
class RequestContext:
    """Who is asking, where, and through which endpoint: everything ARNs and URLs are built from."""

    account_id: str
    region: str
    request_id: str
    service: str
    operation: str
    endpoint_url: str
    request: AwsRequest


class AccountRegionStores(Generic[StoreT]):
    """One store per (account, region), created on first use; thread-safe."""

    def __init__(self, factory: Callable[[str, str], StoreT]) -> None:
        self._factory = factory
        self._stores: dict[tuple[str, str], StoreT] = {}
        self._lock = threading.Lock()

    def get(self, account_id: str, region: str) -> StoreT:
        key = (account_id, region)
        store = self._stores.get(key)
        if store is None:
            with self._lock:
                store = self._stores.get(key)
                if store is None:
                    store = self._stores[key] = self._factory(account_id, region)
        return store

    def __getitem__(self, context: RequestContext) -> StoreT:
        return self.get(context.account_id, context.region)

    def __iter__(self) -> Iterator[tuple[tuple[str, str], StoreT]]:
        with self._lock:
            return iter(list(self._stores.items()))

    def clear(self) -> None:
        with self._lock:
            self._stores.clear()


class ServiceProvider(Generic[StoreT]):
    """Base of every provider: one method per implemented operation, named botocore.xform_name(operation),
    taking (context, params) and returning the output dict (or raising AwsError).

    `store_type` is called with (account_id, region) to make each account's and region's store."""

    service_name: ClassVar[str]
    store_type: Callable[[str, str], StoreT]

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.stores: AccountRegionStores[StoreT] = AccountRegionStores(type(self).store_type)

    def reset(self) -> None:
        """Forget all state. Subclasses that own more than their stores extend this."""
        self.stores.clear()
