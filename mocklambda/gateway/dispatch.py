"""One AWS API request through the protocol layer and the service's provider, and back.

Everything that goes wrong here for a reason AWS would report comes back as that AWS error; bare exceptions
are left to the error boundary in app.py.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel

from mocklambda.config import ACCOUNT_ID_PATTERN
from mocklambda.emulator import Emulator
from mocklambda.gateway.routing import Route, virtual_host_label
from mocklambda.protocol import AwsError, AwsRequest, AwsResponse, NotImplementedOperation, load_service_model
from mocklambda.protocol.codecs import parser_for, serializer_for
from mocklambda.protocol.validation import validate
from mocklambda.services.base import RequestContext

logger = logging.getLogger(__name__)


def dispatch(
    emulator: Emulator, route: Route, request: AwsRequest, request_id: str, endpoint_url: str
) -> AwsResponse:
    assert route.service is not None
    service = route.service
    serializer = serializer_for(service)
    operation: OperationModel | None = None
    try:
        request = _path_style(service, request)
        operation, params = parser_for(service).parse(request)
        provider = emulator.providers.get(service)
        method = getattr(provider, xform_name(operation.name), None) if provider is not None else None
        if method is None:
            raise NotImplementedOperation(service, operation.name)
        validate(load_service_model(service), operation, params)
        context = RequestContext(
            account_id=_account_id(route, emulator),
            region=route.region or emulator.config.region,
            request_id=request_id,
            service=service,
            operation=operation.name,
            endpoint_url=endpoint_url,
            request=request,
        )
        logger.debug("%s.%s %s/%s", service, operation.name, context.account_id, context.region)
        result: dict[str, Any] = method(context, params) or {}
        return serializer.serialize_response(operation, result, request_id)
    except AwsError as error:
        return serializer.serialize_error(error, operation, request_id)


def _account_id(route: Route, emulator: Emulator) -> str:
    """A 12-digit access key id is itself the account (multi-account tests); anything else, the default."""
    key = route.access_key_id
    if key is not None and ACCOUNT_ID_PATTERN.match(key):
        return key
    return emulator.config.account_id


def _path_style(service: str, request: AwsRequest) -> AwsRequest:
    """Virtual-hosted-style requests (bucket in the Host) become path-style, which the models describe."""
    label = virtual_host_label(service, request.host)
    if label is None:
        return request
    return dataclasses.replace(request, path=f"/{label}{request.path}")
