"""The HTTP edge: the WSGI app, which service a request is for, internal routes, the error boundary."""
from __future__ import annotations

from mocklambda.gateway.app import Gateway

__all__ = ["Gateway"]
