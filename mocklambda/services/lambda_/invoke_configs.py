"""Lambda operations: asynchronous invocation settings (Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s)).

Stores each FunctionEventInvokeConfig as the API returns it in `Function.event_invoke_configs`, keyed by
qualifier (None for the unqualified function and `$LATEST`, which AWS treats as one). It only stores and
validates: the asynchronous invocation queue (events/) reads MaximumRetryAttempts, MaximumEventAgeInSeconds
and DestinationConfig from here and enforces them; this module must not invoke or deliver anything.
"""
from __future__ import annotations

import copy
import time
from typing import Any

from mocklambda import arns
from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_.errors import invalid, not_found
from mocklambda.services.lambda_.models import LATEST, Function, LambdaStore
from mocklambda.services.lambda_.names import FunctionRef, function_arn, function_ref
from mocklambda.services.lambda_.pagination import paginate

# AWS's async destinations (API docs of OnSuccess/OnFailure, and "Capturing records of Lambda asynchronous
# invocations"): SQS queue, SNS topic, Lambda function, EventBridge bus; an S3 bucket for on-failure only.
ON_SUCCESS_SERVICES = frozenset({"sqs", "sns", "lambda", "events"})
ON_FAILURE_SERVICES = ON_SUCCESS_SERVICES | {"s3"}
SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


# -- this family ----------------------------------------------------------------------------------------------
def _config_key(qualifier: str | None) -> str | None:
    """AWS stores the unqualified function's config and $LATEST's as one (FunctionArn `...:$LATEST`)."""
    return None if qualifier in (None, LATEST) else qualifier


def _config_arn(context: RequestContext, name: str, qualifier: str | None) -> str:
    return function_arn(context, name, qualifier or LATEST)


def _no_config(context: RequestContext, ref: FunctionRef) -> AwsError:
    arn = _config_arn(context, ref.name, ref.qualifier)
    return not_found(f"The function {arn} doesn't have an EventInvokeConfig")


def _require_a_setting(params: dict[str, Any]) -> None:
    # Checked before the function is looked up (recorded: a missing function with no settings gets this).
    if all(params.get(name) is None for name in SETTINGS):
        raise invalid("You must specify at least one of error handling or destination setting.")


class EventInvokeConfigOperations(ServiceProvider[LambdaStore]):
    def put_function_event_invoke_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Replace the whole config: settings left out are removed (AWS: 'If you exclude any settings, they are
        removed')."""
        _require_a_setting(params)
        store = self.stores[context]
        with store.lock:
            function, ref = self._existing_target(store, context, params)
            destinations = self._destination_config(context, function, params.get("DestinationConfig"))
            config: dict[str, Any] = {
                "FunctionArn": _config_arn(context, ref.name, ref.qualifier),
                "DestinationConfig": destinations,
                "LastModified": time.time(),
            }
            for name in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
                if params.get(name) is not None:
                    config[name] = params[name]
            function.event_invoke_configs[_config_key(ref.qualifier)] = config
            return copy.deepcopy(config)

    def update_function_event_invoke_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Change only the settings given, keeping the others (AWS: 'To set one option without affecting
        existing settings for other options, use UpdateFunctionEventInvokeConfig')."""
        _require_a_setting(params)
        store = self.stores[context]
        with store.lock:
            function, ref = self._existing_target(store, context, params)
            config = function.event_invoke_configs.get(_config_key(ref.qualifier))
            if config is None:
                raise _no_config(context, ref)
            if params.get("DestinationConfig") is not None:
                config["DestinationConfig"] = self._destination_config(context, function, params["DestinationConfig"])
            for name in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
                if params.get(name) is not None:
                    config[name] = params[name]
            config["LastModified"] = time.time()
            return copy.deepcopy(config)

    def get_function_event_invoke_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = function_ref(context, params["FunctionName"], params.get("Qualifier"))
        store = self.stores[context]
        with store.lock:
            # AWS answers a missing function, version or alias with the same "doesn't have" message (recorded).
            config = self._stored(store, ref)
            if config is None:
                raise _no_config(context, ref)
            return copy.deepcopy(config)

    def delete_function_event_invoke_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = function_ref(context, params["FunctionName"], params.get("Qualifier"))
        store = self.stores[context]
        with store.lock:
            if self._stored(store, ref) is None:
                raise _no_config(context, ref)
            del store.functions[ref.name].event_invoke_configs[_config_key(ref.qualifier)]
        return {}

    def list_function_event_invoke_configs(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = function_ref(context, params["FunctionName"])
        store = self.stores[context]
        with store.lock:
            function = store.functions.get(ref.name)
            if function is None:
                raise not_found("The function doesn't exist.")
            configs = [copy.deepcopy(config) for config in function.event_invoke_configs.values()]
        page, following = paginate(
            configs, lambda config: str(config["FunctionArn"]), params.get("Marker") or None, params.get("MaxItems") or 50
        )
        return {"FunctionEventInvokeConfigs": page, "NextMarker": following["FunctionArn"] if following else None}

    # -- helpers ------------------------------------------------------------------------------------------------
    @staticmethod
    def _stored(store: LambdaStore, ref: FunctionRef) -> dict[str, Any] | None:
        function = store.functions.get(ref.name)
        return None if function is None else function.event_invoke_configs.get(_config_key(ref.qualifier))

    @staticmethod
    def _existing_target(
        store: LambdaStore, context: RequestContext, params: dict[str, Any]
    ) -> tuple[Function, FunctionRef]:
        """The function and the version or alias that Put/Update configure; AWS answers a missing one of
        either with "The function doesn't exist." (recorded)."""
        ref = function_ref(context, params["FunctionName"], params.get("Qualifier"))
        function = store.functions.get(ref.name)
        qualifier = ref.qualifier
        if function is None or (
            qualifier not in (None, LATEST) and qualifier not in function.versions and qualifier not in function.aliases
        ):
            raise not_found("The function doesn't exist.")
        return function, ref

    def _destination_config(
        self, context: RequestContext, function: Function, given: dict[str, Any] | None
    ) -> dict[str, Any]:
        """DestinationConfig as AWS returns it: both members always present, `{}` where no destination is set."""
        given = given or {}
        on_success = (given.get("OnSuccess") or {}).get("Destination") or None
        on_failure = (given.get("OnFailure") or {}).get("Destination") or None
        unsupported = False
        for destination, services in ((on_failure, ON_FAILURE_SERVICES), (on_success, ON_SUCCESS_SERVICES)):
            if destination is None:
                continue
            service = destination.split(":")[2] if destination.startswith("arn:") else ""
            if service not in services:
                unsupported = True
            elif service == "lambda":
                self._check_function_destination(context, function, destination)
        if unsupported:
            success_part = f"OnSuccess(destination={on_success})" if on_success else "null"
            failure_part = f"OnFailure(destination={on_failure})" if on_failure else "null"
            raise invalid(
                f"The provided destination config DestinationConfig(onSuccess={success_part}, "
                f"onFailure={failure_part}) is invalid."
            )
        return {
            "OnSuccess": {"Destination": on_success} if on_success else {},
            "OnFailure": {"Destination": on_failure} if on_failure else {},
        }

    def _check_function_destination(self, context: RequestContext, function: Function, destination: str) -> None:
        """A function destination must exist (looked up in its own account and region) and must not be the
        function itself, in any of its versions or aliases (recorded messages)."""
        try:
            arn = arns.parse(destination)
        except ValueError:
            arn = None
        parts = arn.resource.split(":") if arn else []
        if arn is None or len(parts) < 2 or parts[0] != "function":
            raise invalid(f"The destination ARN {destination} is invalid.")
        target_store = self.stores.get(arn.account or context.account_id, arn.region or context.region)
        # Our own store's lock is held already; another store's is not taken (two requests taking two locks in
        # opposite orders could deadlock), and one dict lookup is atomic.
        if parts[1] not in target_store.functions:
            raise invalid(f"The destination ARN {destination} is invalid.")
        if target_store is self.stores[context] and parts[1] == function.name:
            raise invalid("You can't specify the function as a destination for itself.")
