"""Which service a request is for, which region, and which access key signed it.

Decided from the SigV4 credential scope (Authorization header or presigned query), X-Amz-Target, the Host
name and the path; never from the body's meaning. Names no service in code: it reads the models of the
services the emulator implements and the rules in protocol.quirks.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from mocklambda.protocol import AwsRequest, load_service_model, quirks

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_AWS_HOST = re.compile(r"^([a-z0-9-]+)\.(?:([a-z]{2}(?:-[a-z]+)+-\d+)\.)?amazonaws\.com(?:\.cn)?$")
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Route:
    """`service` is None when the request is for a service mocklambda does not serve (`signing_name` says
    which, when known)."""

    service: str | None
    region: str | None
    access_key_id: str | None
    signing_name: str | None = None


@dataclass(frozen=True)
class ServiceIndex:
    """Lookup tables built once from the implemented services' models."""

    by_signing_name: dict[str, tuple[str, ...]]
    by_target_prefix: dict[str, str]
    by_endpoint_prefix: dict[str, str]
    by_path_prefix: dict[str, str]
    query_actions: dict[str, str]
    fallback: str


@functools.lru_cache(maxsize=8)
def build_index(services: tuple[str, ...]) -> ServiceIndex:
    by_signing: dict[str, list[str]] = {}
    by_target: dict[str, str] = {}
    by_endpoint: dict[str, str] = {}
    path_prefixes: dict[str, set[str]] = {}
    query_actions: dict[str, str] = {}
    for name in services:
        model = load_service_model(name)
        by_signing.setdefault(model.signing_name or name, []).append(name)
        prefix = model.metadata.get("targetPrefix")
        if prefix:
            by_target[prefix] = name
        by_endpoint.setdefault(model.endpoint_prefix, name)
        if model.protocol == "query":
            for operation in model.operation_names:
                query_actions.setdefault(operation, name)
        if model.protocol.startswith("rest"):
            for operation in model.operation_names:
                first = model.operation_model(operation).http.get("requestUri", "/").split("/")[1:2]
                if first and first[0] and "{" not in first[0]:
                    path_prefixes.setdefault(first[0].split("?")[0], set()).add(name)
    # Services that share a signing name: the one named first in quirks is the default.
    for signing_name, names in quirks.SIGNING_NAME_ALIASES.items():
        if signing_name in by_signing:
            by_signing[signing_name].sort(key=lambda n: names.index(n) if n in names else len(names))
    unambiguous = {p: next(iter(s)) for p, s in path_prefixes.items() if len(s) == 1}
    # Unsigned requests that match nothing else are S3's (browser uploads, presigned SigV2 URLs, curl).
    fallback = next((n for n in services if n in quirks.VIRTUAL_HOST_PATTERNS), services[0])
    return ServiceIndex(
        {k: tuple(v) for k, v in by_signing.items()}, by_target, by_endpoint, unambiguous, query_actions,
        fallback,
    )


def credential_scope(request: AwsRequest) -> tuple[str, str, str] | None:
    """(access key id, region, signing name) from a SigV4 header or presigned URL."""
    authorization = request.headers.get("Authorization", "")
    match = _CREDENTIAL.search(authorization)
    if match is None and "X-Amz-Credential" in request.query:
        credential = dict(request.query_items()).get("X-Amz-Credential", "")
        match = _CREDENTIAL.search("Credential=" + credential)
    return (match.group(1), match.group(2), match.group(3)) if match else None


def identify(request: AwsRequest, index: ServiceIndex) -> Route:
    target_service = _service_from_target(request, index)
    scope = credential_scope(request)
    host = request.host.split(":")[0].lower()
    host_match = _AWS_HOST.match(host)
    host_region = host_match.group(2) if host_match else None
    if scope is not None:
        signed_key, region, signing_name = scope
        candidates = index.by_signing_name.get(signing_name, ())
        if not candidates:
            return Route(None, region, signed_key, signing_name)
        service = target_service if target_service in candidates else candidates[0]
        return Route(service, region, signed_key, signing_name)
    unsigned_key = _sigv2_access_key(request)
    if target_service is not None:
        return Route(target_service, host_region, unsigned_key)
    if host_match and host_match.group(1) in index.by_endpoint_prefix:
        return Route(index.by_endpoint_prefix[host_match.group(1)], host_region, unsigned_key)
    first_segment = request.path.split("/")[1:2]
    if first_segment and first_segment[0] in index.by_path_prefix:
        return Route(index.by_path_prefix[first_segment[0]], None, unsigned_key)
    action = _query_action(request)
    if action is not None and action in index.query_actions:
        return Route(index.query_actions[action], None, unsigned_key)
    return Route(index.fallback, host_region, unsigned_key)


def _service_from_target(request: AwsRequest, index: ServiceIndex) -> str | None:
    target = request.headers.get("X-Amz-Target")
    if not target:
        return None
    return index.by_target_prefix.get(target.split(".", 1)[0])


def _sigv2_access_key(request: AwsRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("AWS ") and ":" in authorization:
        return authorization[4:].split(":", 1)[0]
    if "AWSAccessKeyId" in request.query:
        return dict(request.query_items()).get("AWSAccessKeyId")
    return None


def _query_action(request: AwsRequest) -> str | None:
    if "Action=" in request.query:
        return dict(request.query_items()).get("Action")
    if request.headers.get("Content-Type", "").startswith(_FORM):
        return dict(parse_qsl(request.body.decode("utf-8", "replace"))).get("Action")
    return None


def virtual_host_label(service: str, host: str) -> str | None:
    """The bucket named by a virtual-hosted-style Host header, if the service allows that addressing."""
    bare = host.split(":")[0].lower()
    for pattern in quirks.VIRTUAL_HOST_PATTERNS.get(service, ()):
        match = re.match(pattern, bare)
        if match:
            return match.group("label")
    return None
