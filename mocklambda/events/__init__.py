"""Delivery between services, in-process: notifications, pollers, the async invocation queue, wait_idle()."""
from __future__ import annotations

from mocklambda.events.bus import EventBus

__all__ = ["EventBus"]
