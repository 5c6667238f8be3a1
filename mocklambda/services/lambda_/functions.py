"""Lambda operations on functions and their code: CreateFunction, GetFunction, GetFunctionConfiguration,
ListFunctions, UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction.

Lifecycle, as mocklambda reports it: a function is ready as soon as CreateFunction returns. The CreateFunction
response says `State: Pending` (with AWS's StateReason), and an update's response says `LastUpdateStatus:
InProgress`, exactly as AWS answers them; every read afterwards (GetFunction, GetFunctionConfiguration, the
waiters function_exists, function_active_v2, function_updated_v2) already sees `Active` / `Successful`, so
boto3's waiters pass on their first poll. The RevisionId in those responses is the one stored.

Deployment packages go through the code store (code.py); configurations are built and checked in
function_config.py. This module owns the function entries of LambdaStore and must not execute anything.
"""
from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_ import function_config as cfg
from mocklambda.services.lambda_ import names
from mocklambda.services.lambda_.code import CodeStore, location, store_content, store_for
from mocklambda.services.lambda_.errors import NOT_A_FUNCTION, check_revision_id, conflict, invalid
from mocklambda.services.lambda_.models import LATEST, Function, FunctionVersion, LambdaStore, StoredCode
from mocklambda.services.lambda_.pagination import paginate
from mocklambda.services.lambda_.settings import check_tag_count
from mocklambda.services.lambda_.versions import is_alias_name, publish_latest

if TYPE_CHECKING:
    from mocklambda.emulator import Emulator

MAX_PAGE_SIZE = 50


class FunctionOperations(ServiceProvider[LambdaStore]):
    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        # The unpacked trees are read-only: we remove them before the emulator removes its data directory.
        emulator.register(_CodeStoreJanitor(self))

    # -- the code store (functions' and layers' packages) -------------------------------------------------
    @property
    def code_store(self) -> CodeStore:
        return store_for(self.emulator)

    def code_package(self, hex_digest: str) -> Path | None:
        """The stored zip with this SHA-256 (hex), for the code download route; None if there is none."""
        return self.code_store.zip_file(hex_digest)

    def reset(self) -> None:
        super().reset()
        self.code_store.clear()

    # -- operations ---------------------------------------------------------------------------------------
    def create_function(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = names.function_ref(context, params["FunctionName"])
        _check_own_account(context, params["FunctionName"])
        cfg.check_limits(params)
        check_tag_count(len(params.get("Tags") or {}))
        names.check_name_length(ref)
        _refuse_images(params.get("PackageType"), params.get("Code", {}).get("ImageUri"))
        if not params.get("Runtime") or not params.get("Handler"):
            raise invalid(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages."
            )
        cfg.check_runtime(params["Runtime"])
        cfg.check_environment(params.get("Environment", {}).get("Variables") or {})
        layers = cfg.resolve_layers(params.get("Layers") or [], context, self.stores.get)
        store = self.stores[context]
        with store.lock:
            _check_absent(store, ref.name)
        code = store_content(self, context, params.get("Code", {}))
        config = cfg.new_config(context, ref.name, params, code, layers)
        function = Function(
            name=ref.name,
            arn=names.function_arn(context, ref.name),
            latest=FunctionVersion(config, code),
            tags=dict(params.get("Tags") or {}),
        )
        with store.lock:
            _check_absent(store, ref.name)  # again: another request may have created it meanwhile
            store.functions[ref.name] = function
            version = publish_latest(function)[0].version if params.get("Publish") else LATEST
            # Publish=True answers with $LATEST's configuration under the new version number (recorded).
            return {**cfg.creating_view(function.latest.config), "Version": version}

    def get_function(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = names.function_ref(context, params["FunctionName"], params.get("Qualifier"))
        store = self.stores[context]
        with store.lock:
            function, version, _ = names.resolve(store, context, ref)
            result: dict[str, Any] = {
                "Configuration": cfg.qualified_view(version.config, function.arn, ref.qualifier),
                "Code": _code_location(context, version.code),
            }
            if function.tags:
                result["Tags"] = dict(function.tags)
            if function.reserved_concurrency is not None:
                result["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved_concurrency}
        return result

    def get_function_configuration(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = names.function_ref(context, params["FunctionName"], params.get("Qualifier"))
        store = self.stores[context]
        with store.lock:
            function, version, _ = names.resolve(store, context, ref)
            return cfg.qualified_view(version.config, function.arn, ref.qualifier)

    def list_functions(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # MasterRegion only concerns Lambda@Edge replicas, which do not exist here.
        every_version = params.get("FunctionVersion") == "ALL"
        store = self.stores[context]
        with store.lock:
            entries = [
                ((name, _version_order(config["Version"])), cfg.listed_view(config, qualify_latest=every_version))
                for name in sorted(store.functions)
                for config in _listed_configs(store.functions[name], every_version)
            ]
        # "ListFunctions returns a maximum of 50 items in each response, even if you set the number higher."
        size = min(params.get("MaxItems") or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
        page, following = paginate(entries, lambda entry: entry[0], _marker_position(params.get("Marker")), size)
        result: dict[str, Any] = {"Functions": [view for _, view in page]}
        if following is not None:
            result["NextMarker"] = _marker(following[0])
        return result

    def update_function_code(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = names.function_ref(context, params["FunctionName"])
        _refuse_qualifier(ref)
        store = self.stores[context]
        with store.lock:
            function = names.find_function(store, context, ref)
            check_revision_id(params.get("RevisionId"), function.latest.config["RevisionId"])
            if params.get("ImageUri"):
                raise invalid("Please don't provide ImageUri when updating a function with packageType Zip.")
        source: dict[str, Any] = {key: params[key] for key in ("ZipFile", "S3Bucket", "S3Key", "S3ObjectVersion")
                                  if key in params}
        code = store_content(self, context, source)
        with store.lock:
            function = names.find_function(store, context, ref)
            check_revision_id(params.get("RevisionId"), function.latest.config["RevisionId"])
            if params.get("DryRun"):
                # Checked and stored in the code store, but the function is left as it was.
                return cfg.updating_view(function.latest.config)
            config = cfg.with_code(function.latest.config, code, params.get("Architectures"))
            function.latest = FunctionVersion(config, code)
            version = publish_latest(function)[0].version if params.get("Publish") else LATEST
            return {**cfg.updating_view(function.latest.config), "Version": version}

    def update_function_configuration(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = names.function_ref(context, params["FunctionName"])
        _refuse_qualifier(ref)
        cfg.check_limits(params)
        if params.get("Runtime"):
            cfg.check_runtime(params["Runtime"])
        if "Environment" in params:
            cfg.check_environment(params["Environment"].get("Variables") or {})
        layers = None
        if "Layers" in params:
            layers = cfg.resolve_layers(params["Layers"] or [], context, self.stores.get)
        store = self.stores[context]
        with store.lock:
            function = names.find_function(store, context, ref)
            check_revision_id(params.get("RevisionId"), function.latest.config["RevisionId"])
            config = cfg.update_config(context, function.latest.config, params, layers)
            function.latest = FunctionVersion(config, function.latest.code)
            return cfg.updating_view(config)

    def delete_function(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = names.function_ref(context, params["FunctionName"], params.get("Qualifier"))
        qualifier = ref.qualifier
        # AWS answers these before it looks the function up (recorded against AWS).
        if qualifier == LATEST:
            raise invalid("$LATEST version cannot be deleted without deleting the function.")
        if qualifier is not None and is_alias_name(qualifier):
            raise invalid("Deletion of aliases is not currently supported.")
        store = self.stores[context]
        with store.lock:
            function = store.functions.get(ref.name)
            if function is None:
                raise names.function_not_found(context, names.FunctionRef(ref.name))
            if qualifier is None:
                del store.functions[ref.name]
            elif qualifier.isdigit():
                _delete_version(function, qualifier)
            else:
                raise names.function_not_found(context, ref)
        # Its warm environments go with it (outside the store lock: ending processes takes a moment).
        self.emulator.runtime.retire(function.arn, qualifier)
        return {"StatusCode": 204}


class _CodeStoreJanitor:
    """A component of the emulator, so the read-only trees are removed before the emulator's data directory."""

    def __init__(self, operations: FunctionOperations) -> None:
        self._operations = operations

    def reset(self) -> None:
        """Nothing here: the provider's reset clears the code store, after every process has ended."""

    def stop(self) -> None:
        self._operations.code_store.clear()


def _refuse_images(package_type: str | None, image_uri: str | None) -> None:
    if package_type == "Image" or image_uri:
        raise invalid(
            "mocklambda does not support container image functions (PackageType Image, Code.ImageUri): it runs "
            "functions as local processes, without Docker. Deploy a .zip package instead (Code.ZipFile, or "
            "Code.S3Bucket and Code.S3Key)."
        )


def _check_own_account(context: RequestContext, value: str) -> None:
    """A function can only be created in the caller's own account (AWS: AccessDeniedException, no message)."""
    parts = value.split(":")
    account = parts[4] if value.startswith("arn:") else parts[0] if len(parts) >= 3 else None
    if account is not None and account != context.account_id:
        raise AwsError("AccessDeniedException", "", 403)


def _refuse_qualifier(ref: names.FunctionRef) -> None:
    """Updates change $LATEST only; a version or alias in the name is refused."""
    if ref.qualifier not in (None, LATEST):
        raise invalid(NOT_A_FUNCTION)


def _check_absent(store: LambdaStore, name: str) -> None:
    if name in store.functions:
        raise conflict(f"Function already exist: {name}")


def _code_location(context: RequestContext, code: StoredCode | None) -> dict[str, Any]:
    result: dict[str, Any] = {"RepositoryType": "S3"}
    if code is not None:
        result["Location"] = location(context, code)
    return result


def _delete_version(function: Function, number: str) -> None:
    """Deleting a version that does not exist succeeds (AWS is idempotent here); one an alias uses does not."""
    referencing = [
        alias.config["Name"]
        for name, alias in sorted(function.aliases.items())
        if str(alias.config.get("FunctionVersion")) == number
        or number in (alias.config.get("RoutingConfig") or {}).get("AdditionalVersionWeights", {})
    ]
    if referencing:
        raise conflict(
            f"Unable to delete version because the following aliases reference it: [{', '.join(referencing)}]"
        )
    if function.versions.pop(number, None) is not None:
        for settings in (function.policies, function.event_invoke_configs, function.provisioned_concurrency):
            settings.pop(number, None)


def _listed_configs(function: Function, every_version: bool) -> list[dict[str, Any]]:
    configs = [function.latest.config]
    if every_version:
        configs += [function.versions[number].config for number in sorted(function.versions, key=int)]
    return configs


def _version_order(version: str) -> int:
    return -1 if version == LATEST else int(version)


def _marker(key: tuple[str, int]) -> str:
    """An opaque NextMarker: where the next page starts (a function name and version)."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _marker_position(marker: str | None) -> tuple[str, int] | None:
    """The (function name, version) a Marker starts at; None without one."""
    if not marker:
        return None
    try:
        name, order = json.loads(base64.urlsafe_b64decode(marker.encode()))
        return str(name), int(order)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise invalid(f"Invalid marker: {marker}") from exc
