"""Lambda operations: published versions and aliases.

PublishVersion freezes `$LATEST` into the next numbered version (or returns the latest published version when
nothing changed since it was published, as AWS does); ListVersionsByFunction lists `$LATEST` and the versions;
Create/Get/Update/Delete/ListAliases manage named pointers to a version, optionally weighted towards a second
version (RoutingConfig). Shapes, messages and the order of checks follow AWS's recorded responses.

This module never changes `$LATEST`'s code or configuration (only its RevisionId, which AWS renews on every
publish) and never runs code: routing an invocation through an alias is the runtime's business.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_ import function_config as cfg
from mocklambda.services.lambda_ import names
from mocklambda.services.lambda_.errors import check_revision_id, conflict, invalid, not_found
from mocklambda.services.lambda_.models import LATEST, Alias, Function, FunctionVersion, LambdaStore
from mocklambda.services.lambda_.names import FunctionRef
from mocklambda.services.lambda_.pagination import paginate

# Members of a FunctionConfiguration that describe the state of a version, not what it is: two versions that
# differ only in these hold the same code and configuration.
_STATE_MEMBERS = frozenset(
    {
        "FunctionArn",
        "Version",
        "RevisionId",
        "LastModified",
        "State",
        "StateReason",
        "StateReasonCode",
        "LastUpdateStatus",
        "LastUpdateStatusReason",
        "LastUpdateStatusReasonCode",
        "RuntimeVersionConfig",
        "SnapStart",  # its ApplyOn is compared on its own; OptimizationStatus differs by version kind
    }
)

# ListVersionsByFunction "returns a maximum of 50 items in each response, even if you set the number higher"
# (API reference). ListAliases documents no cap; the same page size is used when MaxItems is not given.
MAX_VERSIONS_PER_PAGE = 50
DEFAULT_ALIASES_PER_PAGE = 50

_ALIAS_NAME = re.compile(r"(?!^[0-9]+$)[a-zA-Z0-9-_]+")


def is_alias_name(qualifier: str) -> bool:
    """An alias name, as opposed to a version number or `$LATEST` (alias names are never all digits)."""
    return _ALIAS_NAME.fullmatch(qualifier) is not None


# --- versions ---------------------------------------------------------------------------------------------


def version_fingerprint(config: dict[str, Any]) -> dict[str, Any]:
    """What makes a version what it is: its configuration and code, without state, ARN and revision."""
    fingerprint = {key: value for key, value in config.items() if key not in _STATE_MEMBERS}
    fingerprint["SnapStart.ApplyOn"] = (config.get("SnapStart") or {}).get("ApplyOn")
    return fingerprint


def latest_published(function: Function) -> FunctionVersion | None:
    if not function.versions:
        return None
    return function.versions[max(function.versions, key=int)]


def unchanged_since_publish(function: Function) -> FunctionVersion | None:
    """The latest published version when `$LATEST` has not changed since it was published, else None."""
    version = latest_published(function)
    if version is None:
        return None
    # Versions published by PublishVersion remember the $LATEST they came from (their Description may differ
    # from it); versions published on create/update carry $LATEST's description, so their own config serves.
    published_from = version.published_from or version_fingerprint(version.config)
    return version if version_fingerprint(function.latest.config) == published_from else None


def publish_latest(function: Function, description: str | None = None) -> tuple[FunctionVersion, bool]:
    """Publish `$LATEST` as the next version; (the version, True), or (the existing latest version, False)
    when nothing changed since it was published. The caller holds the store's lock and has checked the
    preconditions."""
    existing = unchanged_since_publish(function)
    if existing is not None:
        return existing, False
    number = str(function.next_version)
    config = cfg.published(function.latest.config, number)
    if description is not None:
        config["Description"] = description
    # A published version is ready as soon as it exists: boto3's published_version_active waiter passes at once.
    config["State"] = "Active"
    config["LastUpdateStatus"] = "Successful"
    snap_start = config.get("SnapStart")
    if isinstance(snap_start, dict) and snap_start.get("ApplyOn") == "PublishedVersions":
        config["SnapStart"] = {**snap_start, "OptimizationStatus": "On"}
    published_from = version_fingerprint(function.latest.config)
    version = FunctionVersion(config, function.latest.code, published_from=published_from)
    function.versions[number] = version
    function.next_version += 1
    # AWS renews $LATEST's RevisionId on every publish (recorded: TestLambdaRevisions).
    function.latest.config["RevisionId"] = cfg.new_revision_id()
    return version, True


def check_publish_preconditions(function: Function, params: dict[str, Any]) -> None:
    latest = function.latest.config
    check_revision_id(params.get("RevisionId"), latest.get("RevisionId"))
    code_sha256 = params.get("CodeSha256")
    if code_sha256 is not None and code_sha256 != latest.get("CodeSha256"):
        raise invalid(
            f"CodeSHA256 ({code_sha256}) is different from current CodeSHA256 in $LATEST "
            f"({latest.get('CodeSha256')}). Please try again with the CodeSHA256 in $LATEST."
        )


def listed_version(version: FunctionVersion) -> dict[str, Any]:
    """A FunctionConfiguration as the list operations show it: qualified ARN, no state members (recorded)."""
    return cfg.listed_view(version.config, qualify_latest=True)


# --- listing ----------------------------------------------------------------------------------------------


def version_position(version: str) -> float:
    """$LATEST first, then versions by number; a marker that is neither lies past the end."""
    if version == LATEST:
        return -1
    return int(version) if version.isdigit() else float("inf")


# --- aliases ----------------------------------------------------------------------------------------------


def alias_arn(context: RequestContext, function: Function, name: str) -> str:
    return names.function_arn(context, function.name, name)


def function_name_ref(context: RequestContext, params: dict[str, Any]) -> FunctionRef:
    """The FunctionName of a version or alias operation, with AWS's 64-character limit on the name."""
    ref = names.function_ref(context, params["FunctionName"])
    names.check_name_length(ref)
    return ref


def find_alias_function(store: LambdaStore, context: RequestContext, params: dict[str, Any]) -> Function:
    return names.find_function(store, context, FunctionRef(function_name_ref(context, params).name))


def version_not_found(context: RequestContext, function: Function, version: str) -> AwsError:
    return names.function_not_found(context, FunctionRef(function.name, version))


def check_target(context: RequestContext, function: Function, version: str) -> None:
    if function.version(version) is None:
        raise version_not_found(context, function, version)


def check_routing(
    context: RequestContext, function: Function, target: str, weights: dict[str, float]
) -> None:
    """AdditionalVersionWeights as AWS allows them: one other published version, when the alias points at a
    published version. Weights and key patterns were already checked against the model."""
    if len(weights) > 1:
        raise invalid("Number of items in AdditionalVersionWeights cannot be greater than 1")
    for version in weights:
        if version == target:
            raise invalid(
                f"Invalid function version {target}. Function version {target} is already included in routing "
                "configuration."
            )
        if target == LATEST:
            raise invalid("$LATEST is not supported for an alias pointing to more than 1 version")
        check_target(context, function, version)


def routing_weights(params: dict[str, Any]) -> dict[str, float] | None:
    """The requested AdditionalVersionWeights; None when RoutingConfig was not given at all."""
    routing = params.get("RoutingConfig")
    if routing is None:
        return None
    return dict(routing.get("AdditionalVersionWeights") or {})


def alias_view(alias: Alias) -> dict[str, Any]:
    return copy.deepcopy(alias.config)


def remove_alias(function: Function, name: str) -> None:
    """Delete an alias and what exists only under its ARN (policy, function URL, settings)."""
    function.aliases.pop(name, None)
    function.policies.pop(name, None)
    function.provisioned_concurrency.pop(name, None)
    function.url_configs.pop(name, None)
    function.event_invoke_configs.pop(name, None)


def aliases_of(function: Function, version: str | None) -> Iterable[Alias]:
    for name in sorted(function.aliases):
        alias = function.aliases[name]
        if version is None or alias.config["FunctionVersion"] == version:
            yield alias


class VersionOperations(ServiceProvider[LambdaStore]):
    # --- versions ---

    def publish_version(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = function_name_ref(context, params)
        with store.lock:
            function = names.find_function(store, context, FunctionRef(ref.name))
            check_publish_preconditions(function, params)
            version, _ = publish_latest(function, params.get("Description"))
            return copy.deepcopy(version.config)

    def list_versions_by_function(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = function_name_ref(context, params)
        with store.lock:
            function = names.find_function(store, context, FunctionRef(ref.name))
            ordered = [function.latest] + [function.versions[n] for n in sorted(function.versions, key=int)]
            items = [listed_version(version) for version in ordered]
        page_size = min(params.get("MaxItems") or MAX_VERSIONS_PER_PAGE, MAX_VERSIONS_PER_PAGE)
        marker = params.get("Marker")
        page, following = paginate(
            items,
            lambda item: version_position(str(item["Version"])),
            None if marker is None else version_position(marker),
            page_size,
        )
        return {"Versions": page, "NextMarker": str(following["Version"]) if following else None}

    # --- aliases ---

    def create_alias(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = function_name_ref(context, params)
        target = params["FunctionVersion"]
        name = params["Name"]
        with store.lock:
            # AWS names the missing function with the requested version (recorded: "...:function:unknown:1").
            function = names.find_function(store, context, FunctionRef(ref.name, target))
            check_target(context, function, target)
            if name in function.aliases:
                raise conflict(f"Alias already exists: {alias_arn(context, function, name)}")
            weights = routing_weights(params)
            if weights:
                check_routing(context, function, target, weights)
            config: dict[str, Any] = {
                "AliasArn": alias_arn(context, function, name),
                "Name": name,
                "FunctionVersion": target,
                "Description": params.get("Description") or "",
                "RevisionId": cfg.new_revision_id(),
            }
            if weights:
                config["RoutingConfig"] = {"AdditionalVersionWeights": weights}
            alias = function.aliases[name] = Alias(config)
            return alias_view(alias)

    def get_alias(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            function = find_alias_function(store, context, params)
            alias = function.aliases.get(params["Name"])
            if alias is None:
                raise not_found(f"Cannot find alias arn: {alias_arn(context, function, params['Name'])}")
            return alias_view(alias)

    def update_alias(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            function = find_alias_function(store, context, params)
            name = params["Name"]
            alias = function.aliases.get(name)
            if alias is None:
                # UpdateAlias words this differently from GetAlias (both recorded).
                raise not_found(f"Alias not found: {alias_arn(context, function, name)}")
            check_revision_id(params.get("RevisionId"), alias.config["RevisionId"])
            config = copy.deepcopy(alias.config)
            if params.get("FunctionVersion") is not None:
                check_target(context, function, params["FunctionVersion"])
                config["FunctionVersion"] = params["FunctionVersion"]
            if params.get("Description") is not None:
                config["Description"] = params["Description"]
            weights = routing_weights(params)
            if weights is not None:
                config.pop("RoutingConfig", None)
                if weights:
                    config["RoutingConfig"] = {"AdditionalVersionWeights": weights}
            current = (config.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
            if current:
                check_routing(context, function, config["FunctionVersion"], current)
            # Every UpdateAlias renews the RevisionId, even one that changes nothing (recorded).
            config["RevisionId"] = cfg.new_revision_id()
            alias.config = config
            return alias_view(alias)

    def delete_alias(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        ref = function_name_ref(context, params)
        with store.lock:
            # Deleting an alias that does not exist succeeds (recorded: 204); the model gives DeleteAlias no
            # ResourceNotFoundException at all, so a missing function is no error either.
            function = store.functions.get(ref.name)
            if function is not None:
                remove_alias(function, params["Name"])
        return {}

    def list_aliases(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            function = find_alias_function(store, context, params)
            items = [alias_view(alias) for alias in aliases_of(function, params.get("FunctionVersion"))]
        page_size = params.get("MaxItems") or DEFAULT_ALIASES_PER_PAGE
        page, following = paginate(items, lambda item: str(item["Name"]), params.get("Marker"), page_size)
        return {"Aliases": page, "NextMarker": following["Name"] if following else None}
