"""Which parser and serializer speak each protocol; one instance per service model, cached."""
from __future__ import annotations

import functools

from mocklambda.protocol.base import RequestParser, ResponseSerializer
from mocklambda.protocol.json_rpc import JsonParser, JsonSerializer
from mocklambda.protocol.models import load_service_model
from mocklambda.protocol.query import QueryParser, QuerySerializer
from mocklambda.protocol.rest_json import RestJsonParser, RestJsonSerializer
from mocklambda.protocol.rest_xml import RestXmlParser, RestXmlSerializer

CODECS: dict[str, tuple[type[RequestParser], type[ResponseSerializer]]] = {
    "rest-json": (RestJsonParser, RestJsonSerializer),
    "rest-xml": (RestXmlParser, RestXmlSerializer),
    "json": (JsonParser, JsonSerializer),
    "query": (QueryParser, QuerySerializer),
}


def supports(service_name: str) -> bool:
    return load_service_model(service_name).protocol in CODECS


@functools.cache
def parser_for(service_name: str) -> RequestParser:
    model = load_service_model(service_name)
    return CODECS[model.protocol][0](model)


@functools.cache
def serializer_for(service_name: str) -> ResponseSerializer:
    model = load_service_model(service_name)
    return CODECS[model.protocol][1](model)
