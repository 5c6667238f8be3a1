"""Lambda operations: tags (TagResource, UntagResource, ListTags), account settings (GetAccountSettings),
reserved concurrency (Put/Get/DeleteFunctionConcurrency) and provisioned concurrency
(Put/Get/Delete/ListProvisionedConcurrencyConfig[s]).

Only stores what later issues enforce: the runtime reads `Function.reserved_concurrency` and
`Function.provisioned_concurrency` to throttle and to start environments ahead of time; nothing here starts
or counts executions. Provisioned concurrency is reported READY as soon as it is configured (the Put itself
answers IN_PROGRESS, as AWS does).
"""
from __future__ import annotations

import datetime
from typing import Any

from mocklambda import arns
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_.errors import NOT_A_FUNCTION, conflict, invalid, not_found, user_error
from mocklambda.services.lambda_.models import LATEST, Function, LambdaStore
from mocklambda.services.lambda_.names import FunctionRef, find_function, function_arn, function_ref
from mocklambda.services.lambda_.pagination import paginate

MAX_TAGS = 50
ACCOUNT_CONCURRENCY_LIMIT = 1000  # AWS's default per account and region
MINIMUM_UNRESERVED_CONCURRENCY = 100  # reservations must leave at least this much to other functions
CODE_SIZE_UNZIPPED = 262144000
CODE_SIZE_ZIPPED = 52428800
TOTAL_CODE_SIZE = 80530636800
DEFAULT_MAX_ITEMS = 50


def _last_modified() -> str:
    """Provisioned concurrency's LastModified, as AWS writes it: 2019-12-31T20:28:49+0000 (no fraction)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _committed(function: Function) -> int:
    """Concurrency the function takes from the account: its reservation, else its provisioned concurrency
    (which comes out of the unreserved pool)."""
    if function.reserved_concurrency is not None:
        return function.reserved_concurrency
    return sum(config["RequestedProvisionedConcurrentExecutions"] for config in function.provisioned_concurrency.values())


def check_tag_count(count: int) -> None:
    """A resource has at most 50 tags, however they come (recorded for TagResource and for CreateFunction's
    Tags: TestLambdaTags::test_tag_limits)."""
    if count > MAX_TAGS:
        raise invalid("Number of tags exceeds resource tag limit.")


def unreserved_concurrency(store: LambdaStore, excluding: Function | None = None) -> int:
    """UnreservedConcurrentExecutions: the account limit minus what functions have taken out of it."""
    taken = sum(_committed(function) for function in store.functions.values() if function is not excluding)
    return ACCOUNT_CONCURRENCY_LIMIT - taken


class SettingsOperations(ServiceProvider[LambdaStore]):
    # -- tags -----------------------------------------------------------------------------------------------
    def tag_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            tags = self._tags_of(context, store, params["Resource"])
            if not params["Tags"]:
                raise invalid("An error occurred and the request cannot be processed.")
            check_tag_count(len(tags.keys() | params["Tags"].keys()))
            tags.update(params["Tags"])
        return {}

    def untag_resource(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            tags = self._tags_of(context, store, params["Resource"])
            for key in params["TagKeys"]:  # keys that are not there are ignored, as AWS does
                tags.pop(key, None)
        return {}

    def list_tags(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            return {"Tags": dict(self._tags_of(context, store, params["Resource"]))}

    def _tags_of(self, context: RequestContext, store: LambdaStore, resource: str) -> dict[str, str]:
        """The live tag map of the resource an ARN names (the model's pattern has already checked its form)."""
        arn = arns.parse(resource)
        kind, _, rest = arn.resource.partition(":")
        if kind == "function":
            name, _, qualifier = rest.partition(":")
            if qualifier:
                raise invalid("Tags on function aliases and versions are not supported. Please specify a function ARN.")
            if (arn.account, arn.region) != (context.account_id, context.region):
                raise not_found(f"Function not found: {resource}")  # not one of this store's functions
            return find_function(store, context, FunctionRef(name)).tags
        if kind == "event-source-mapping":
            mapping = store.event_source_mappings.get(rest)
            if mapping is None:
                raise not_found(f"Event source mapping not found: {resource}")
            return mapping.tags
        # Neither code signing configs nor capacity providers exist in mocklambda, so none is ever found.
        # AWS's capacity provider wording is recorded; the code signing one follows the same form.
        label = "Capacity provider" if kind == "capacity-provider" else "Code signing config"
        raise not_found(f"{label} not found: {resource}")

    # -- account settings -----------------------------------------------------------------------------------
    def get_account_settings(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            return {
                "AccountLimit": {
                    "TotalCodeSize": TOTAL_CODE_SIZE,
                    "CodeSizeUnzipped": CODE_SIZE_UNZIPPED,
                    "CodeSizeZipped": CODE_SIZE_ZIPPED,
                    "ConcurrentExecutions": ACCOUNT_CONCURRENCY_LIMIT,
                    "UnreservedConcurrentExecutions": unreserved_concurrency(store),
                },
                "AccountUsage": {"TotalCodeSize": _total_code_size(store), "FunctionCount": len(store.functions)},
            }

    # -- reserved concurrency -------------------------------------------------------------------------------
    def put_function_concurrency(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        reserved = params["ReservedConcurrentExecutions"]
        store = self.stores[context]
        with store.lock:
            function = self._unqualified_function(context, store, params["FunctionName"])
            if unreserved_concurrency(store, excluding=function) - reserved < MINIMUM_UNRESERVED_CONCURRENCY:
                raise invalid(
                    "Specified ReservedConcurrentExecutions for function decreases account's "
                    f"UnreservedConcurrentExecution below its minimum value of [{MINIMUM_UNRESERVED_CONCURRENCY}]."
                )
            function.reserved_concurrency = reserved
        return {"ReservedConcurrentExecutions": reserved}

    def get_function_concurrency(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            ref = function_ref(context, params["FunctionName"])
            # AWS names the unqualified function here (but `:$LATEST` for Put).
            function = find_function(store, context, FunctionRef(ref.name))
            return {"ReservedConcurrentExecutions": function.reserved_concurrency}

    def delete_function_concurrency(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            self._unqualified_function(context, store, params["FunctionName"]).reserved_concurrency = None
        return {}

    def _unqualified_function(self, context: RequestContext, store: LambdaStore, value: str) -> Function:
        ref = function_ref(context, value)
        if ref.qualifier is not None:
            raise invalid(NOT_A_FUNCTION)
        function = store.functions.get(ref.name)
        if function is None:
            # Recorded from AWS for PutFunctionConcurrency; DeleteFunctionConcurrency (same API version) is
            # assumed to name the function the same way.
            raise not_found(f"Function not found: {function_arn(context, ref.name, LATEST)}")
        return function

    # -- provisioned concurrency ----------------------------------------------------------------------------
    def put_provisioned_concurrency_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = function_ref(context, params["FunctionName"], params["Qualifier"])
        if ref.qualifier == LATEST:
            raise invalid("Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
        requested = params["ProvisionedConcurrentExecutions"]
        store = self.stores[context]
        with store.lock:
            function, version = _provisioned_target(context, store, ref)
            qualifier = str(ref.qualifier)
            _check_provisioned_conflict(function, qualifier, version)
            _check_provisioned_limits(store, function, qualifier, requested)
            last_modified = _last_modified()
            function.provisioned_concurrency[qualifier] = {
                "FunctionArn": function_arn(context, function.name, qualifier),
                "RequestedProvisionedConcurrentExecutions": requested,
                "AvailableProvisionedConcurrentExecutions": requested,
                "AllocatedProvisionedConcurrentExecutions": requested,
                "Status": "READY",
                "LastModified": last_modified,
            }
        # AWS answers while it is still allocating; a Get right after sees READY here.
        return {
            "RequestedProvisionedConcurrentExecutions": requested,
            "AvailableProvisionedConcurrentExecutions": 0,
            "AllocatedProvisionedConcurrentExecutions": 0,
            "Status": "IN_PROGRESS",
            "LastModified": last_modified,
        }

    def get_provisioned_concurrency_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = _published_ref(context, params)
        store = self.stores[context]
        with store.lock:
            function, _ = _provisioned_target(context, store, ref)
            config = function.provisioned_concurrency.get(str(ref.qualifier))
            if config is None:
                raise user_error(
                    "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function"
                )
            return {key: value for key, value in config.items() if key != "FunctionArn"}

    def delete_provisioned_concurrency_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = _published_ref(context, params)
        store = self.stores[context]
        with store.lock:
            function, _ = _provisioned_target(context, store, ref)
            # Deleting a configuration that is not there succeeds, as AWS does.
            function.provisioned_concurrency.pop(str(ref.qualifier), None)
        return {}

    def list_provisioned_concurrency_configs(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = function_ref(context, params["FunctionName"])
        store = self.stores[context]
        with store.lock:
            function = find_function(store, context, FunctionRef(ref.name))
            configs = [(qualifier, dict(config)) for qualifier, config in function.provisioned_concurrency.items()]
        # Marker: the qualifier of the first configuration of the next page (qualifiers sort ascending).
        page, following = paginate(
            configs, lambda entry: entry[0], params.get("Marker") or None, params.get("MaxItems") or DEFAULT_MAX_ITEMS
        )
        return {
            "ProvisionedConcurrencyConfigs": [config for _, config in page],
            "NextMarker": following[0] if following else None,
        }


def _total_code_size(store: LambdaStore) -> int:
    """Bytes of every stored package: each function's $LATEST and published versions, and every layer version."""
    total = 0
    for function in store.functions.values():
        for version in (function.latest, *function.versions.values()):
            total += version.code.size if version.code else int(version.config.get("CodeSize", 0))
    for layer in store.layers.values():
        total += sum(version.code.size for version in layer.versions.values())
    return total


def _published_ref(context: RequestContext, params: dict[str, Any]) -> FunctionRef:
    ref = function_ref(context, params["FunctionName"], params["Qualifier"])
    if ref.qualifier == LATEST:
        raise invalid("The function resource provided must be an alias or a published version.")
    return ref


def _provisioned_target(context: RequestContext, store: LambdaStore, ref: FunctionRef) -> tuple[Function, str]:
    """The function and the published version a qualifier names (a version number or an alias), with AWS's
    two not-found messages: versions are 'Function not found', aliases 'Cannot find alias arn'."""
    qualifier = str(ref.qualifier)
    arn = function_arn(context, ref.name, qualifier)
    is_version = qualifier.isdigit()  # alias names may not be all digits
    function = store.functions.get(ref.name)
    if function is not None:
        if is_version and qualifier in function.versions:
            return function, qualifier
        alias = function.aliases.get(qualifier)
        if not is_version and alias is not None:
            return function, str(alias.config["FunctionVersion"])
    raise not_found(f"Function not found: {arn}" if is_version else f"Cannot find alias arn: {arn}")


def _check_provisioned_conflict(function: Function, qualifier: str, version: str) -> None:
    """A version is provisioned either directly or through an alias that points at it, never both."""
    if qualifier in function.aliases:
        if version in function.provisioned_concurrency:
            raise conflict("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
        return
    for name, alias in function.aliases.items():
        if str(alias.config["FunctionVersion"]) == version and name in function.provisioned_concurrency:
            raise conflict("Version is pointed by a Provisioned Concurrency alias")


def _check_provisioned_limits(store: LambdaStore, function: Function, qualifier: str, requested: int) -> None:
    """Provisioned concurrency fits in the function's reservation if it has one, else in the unreserved pool
    without taking it below its minimum."""
    others = sum(
        config["RequestedProvisionedConcurrentExecutions"]
        for name, config in function.provisioned_concurrency.items()
        if name != qualifier
    )
    if function.reserved_concurrency is not None:
        if others + requested > function.reserved_concurrency:
            raise invalid(
                "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution "
                "for function"
            )
        return
    available = unreserved_concurrency(store, excluding=function) - others
    if requested > available:
        raise invalid(f"Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [{available}].")
    if available - requested < MINIMUM_UNRESERVED_CONCURRENCY:
        raise invalid(
            "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
            f"below its minimum value of [{MINIMUM_UNRESERVED_CONCURRENCY}]."
        )
