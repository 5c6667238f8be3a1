"""Lambda operations: function URLs (Create/Get/Update/Delete/ListFunctionUrlConfig(s)).

Stores each FunctionUrlConfig as GetFunctionUrlConfig returns it in `Function.url_configs`, keyed by qualifier
(None for the unqualified function; otherwise an alias: AWS refuses `$LATEST` and version numbers). The URL
has AWS's form, `https://<url-id>.lambda-url.<region>.on.aws/`, with a fresh 32-character url-id. This module
only stores the configuration: serving those URLs over HTTP (routing a Host or path to the function, AuthType,
Cors, InvokeMode) is a later issue, which will read it from here.
"""
from __future__ import annotations

import copy
import datetime as dt
import secrets
import string
from typing import Any

from mocklambda.protocol.errors import validation_error
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_.errors import NO_SUCH_RESOURCE, conflict, not_found
from mocklambda.services.lambda_.models import Function, LambdaStore
from mocklambda.services.lambda_.names import FunctionRef, function_arn, function_ref
from mocklambda.services.lambda_.pagination import paginate
from mocklambda.services.lambda_.versions import is_alias_name

URL_ID_ALPHABET = string.ascii_lowercase + string.digits
URL_ID_LENGTH = 32
# AWS's own message for a missing function (create, update, list) and for a missing config (get, delete).
FUNCTION_DOES_NOT_EXIST = "Function does not exist"


def _now() -> str:
    """ISO-8601 with microseconds and 'Z', as AWS answered (e.g. 2022-09-19T02:27:48.356967Z)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_url(context: RequestContext) -> str:
    url_id = "".join(secrets.choice(URL_ID_ALPHABET) for _ in range(URL_ID_LENGTH))
    return f"https://{url_id}.lambda-url.{context.region}.on.aws/"


def _url_ref(context: RequestContext, params: dict[str, Any]) -> FunctionRef:
    """FunctionName and Qualifier; a qualifier derived from the name must name an alias too (the model only
    checks the separate Qualifier member), so `name:1` and `name:$LATEST` get the model's error for it."""
    ref = function_ref(context, params["FunctionName"], params.get("Qualifier"))
    if ref.qualifier is not None and not is_alias_name(ref.qualifier):
        raise validation_error([
            f"Value '{ref.qualifier}' at 'qualifier' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)"
        ])
    return ref


def _exists(store: LambdaStore, ref: FunctionRef) -> Function | None:
    function = store.functions.get(ref.name)
    if function is None or (ref.qualifier is not None and ref.qualifier not in function.aliases):
        return None
    return function


def _existing(store: LambdaStore, ref: FunctionRef) -> Function:
    """The function (and alias) that Create and Update configure, with AWS's answer for a missing one."""
    function = _exists(store, ref)
    if function is None:
        raise not_found(FUNCTION_DOES_NOT_EXIST)
    return function


def _echo(config: dict[str, Any], params: dict[str, Any], *members: str) -> dict[str, Any]:
    """Create and Update answer with the stored config minus what they leave out: LastModifiedTime (create
    only), and InvokeMode unless the request set it (recorded: neither response carried the default)."""
    response = {name: value for name, value in config.items() if name not in members}
    if "InvokeMode" not in params:
        response.pop("InvokeMode", None)
    return copy.deepcopy(response)


class FunctionUrlOperations(ServiceProvider[LambdaStore]):
    def create_function_url_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = _url_ref(context, params)
        store = self.stores[context]
        with store.lock:
            function = _existing(store, ref)
            arn = function_arn(context, ref.name, ref.qualifier)
            if ref.qualifier in function.url_configs:
                raise conflict(
                    f"Failed to create function url config for [functionArn = {arn}]. "
                    "Error message:  FunctionUrlConfig exists for this Lambda function"
                )
            created = _now()
            config: dict[str, Any] = {
                "FunctionUrl": _new_url(context),
                "FunctionArn": arn,
                "AuthType": params["AuthType"],
                "CreationTime": created,
                "LastModifiedTime": created,
                "InvokeMode": params.get("InvokeMode") or "BUFFERED",
            }
            if params.get("Cors") is not None:
                config["Cors"] = copy.deepcopy(params["Cors"])
            function.url_configs[ref.qualifier] = config
            return _echo(config, params, "LastModifiedTime")

    def get_function_url_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = _url_ref(context, params)
        store = self.stores[context]
        with store.lock:
            function = _exists(store, ref)
            config = None if function is None else function.url_configs.get(ref.qualifier)
            if config is None:
                raise not_found(NO_SUCH_RESOURCE)
            return copy.deepcopy(config)

    def update_function_url_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Changes only the members given; Cors is replaced as a whole."""
        ref = _url_ref(context, params)
        store = self.stores[context]
        with store.lock:
            function = _existing(store, ref)
            config = function.url_configs.get(ref.qualifier)
            if config is None:
                raise not_found(NO_SUCH_RESOURCE)
            for name in ("AuthType", "InvokeMode"):
                if params.get(name) is not None:
                    config[name] = params[name]
            if params.get("Cors") is not None:
                config["Cors"] = copy.deepcopy(params["Cors"])
            config["LastModifiedTime"] = _now()
            return _echo(config, params)

    def delete_function_url_config(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Deletes one config: without a Qualifier only the unqualified function's (recorded: an alias's URL
        stays)."""
        ref = _url_ref(context, params)
        store = self.stores[context]
        with store.lock:
            function = _exists(store, ref)
            if function is None or ref.qualifier not in function.url_configs:
                raise not_found(NO_SUCH_RESOURCE)
            del function.url_configs[ref.qualifier]
        return {}

    def list_function_url_configs(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = function_ref(context, params["FunctionName"])
        store = self.stores[context]
        with store.lock:
            function = store.functions.get(ref.name)
            if function is None:
                raise not_found(FUNCTION_DOES_NOT_EXIST)
            configs = [copy.deepcopy(config) for config in function.url_configs.values()]
        page, following = paginate(
            configs, lambda config: str(config["FunctionArn"]), params.get("Marker") or None, params.get("MaxItems") or 50
        )
        return {"FunctionUrlConfigs": page, "NextMarker": following["FunctionArn"] if following else None}
