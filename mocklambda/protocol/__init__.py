"""Wire protocols of AWS, driven only by botocore's service models.

Parses an HTTP request into (operation, params) and serializes results and errors back, for the protocols
rest-json, rest-xml, json and query. Knows no service by name: where a service deviates from its protocol,
the deviation is a named rule in `quirks.py`. Must not import services, gateway, runtime or events.
"""
from __future__ import annotations

from mocklambda.protocol.errors import AwsError, NotImplementedOperation
from mocklambda.protocol.http import AwsRequest, AwsResponse
from mocklambda.protocol.models import load_service_model

__all__ = ["AwsError", "AwsRequest", "AwsResponse", "NotImplementedOperation", "load_service_model"]
