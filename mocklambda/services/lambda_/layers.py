"""Lambda operations: layers (PublishLayerVersion, GetLayerVersion[ByArn], ListLayers, ListLayerVersions,
DeleteLayerVersion) and layer version policies (Add/RemoveLayerVersionPermission, GetLayerVersionPolicy).

Layer content goes through the same code store as function code (validated and unpacked once, content
addressed) and is downloaded through the same /_mocklambda/code/ route. Version numbers count up per layer
name and are never reused, even after every version is deleted, as AWS does. Layer version policies are
stored and returned as AWS formats them; they are not enforced (every account may read every layer).

This module must not touch functions: which layers a function uses is the functions module's business.
"""
from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from mocklambda import arns
from mocklambda.services.base import AccountRegionStores, RequestContext, ServiceProvider
from mocklambda.services.lambda_ import code
from mocklambda.services.lambda_.errors import (
    NO_SUCH_RESOURCE,
    check_revision_id,
    invalid,
    not_found,
    statement_exists,
    statement_not_found,
)
from mocklambda.services.lambda_.function_config import last_modified
from mocklambda.services.lambda_.models import LambdaStore, Layer, LayerVersion
from mocklambda.services.lambda_.pagination import paginate

DEFAULT_MAX_ITEMS = 50
# Members of a layer version as ListLayerVersions / LatestMatchingVersion show it (no Content, no LayerArn).
LIST_ITEM_MEMBERS = (
    "LayerVersionArn", "Version", "Description", "CreatedDate", "CompatibleRuntimes", "LicenseInfo",
    "CompatibleArchitectures",
)


def layer_name(value: str) -> str:
    """The name in a LayerName parameter, which is a name or a layer ARN (arn:...:layer:NAME)."""
    return value.split(":")[6] if value.startswith("arn:") else value


def layer_arn(context: RequestContext, name: str) -> str:
    return arns.build("lambda", context.region, context.account_id, f"layer:{name}")


def _find_by_arn(stores: AccountRegionStores[LambdaStore], arn: str) -> LayerVersion | None:
    """The layer version a version ARN names, in whichever account and region the ARN says; None if none."""
    parts = arn.split(":")
    if len(parts) != 8 or parts[5] != "layer" or not parts[7].isdigit():
        return None
    store = stores.get(parts[4], parts[3])
    with store.lock:
        layer = store.layers.get(parts[6])
        return layer.versions.get(int(parts[7])) if layer else None


def _check_version_number(number: int) -> None:
    if number < 1:
        raise invalid("Layer Version Cannot be less than 1")


class LayerOperations(ServiceProvider[LambdaStore]):
    # -- publishing ---------------------------------------------------------------------------------------
    def publish_layer_version(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = layer_name(params["LayerName"])
        # Checked and stored as function code is, with the same errors (including S3's), outside the lock.
        stored = code.store_content(self, context, params["Content"])
        store = self.stores[context]
        with store.lock:
            layer = store.layers.get(name)
            if layer is None:
                layer = store.layers[name] = Layer(name, layer_arn(context, name))
            number = layer.next_version
            layer.next_version += 1
            config: dict[str, Any] = {
                "LayerArn": layer.arn,
                "LayerVersionArn": f"{layer.arn}:{number}",
                "Description": params.get("Description", ""),
                "CreatedDate": last_modified(),  # the same form as a function's LastModified
                "Version": number,
                "Content": {"CodeSha256": stored.sha256, "CodeSize": stored.size},
            }
            # AWS echoes these only when they were given (an empty list stays an empty list).
            for member in ("CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo"):
                if member in params:
                    config[member] = params[member]
            version = layer.versions[number] = LayerVersion(config, stored)
            return self._layer_version_response(context, version)

    def _layer_version_response(self, context: RequestContext, version: LayerVersion) -> dict[str, Any]:
        response = copy.deepcopy(version.config)
        response["Content"]["Location"] = code.location(context, version.code)
        return response

    # -- reading ------------------------------------------------------------------------------------------
    def get_layer_version(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        number = int(params["VersionNumber"])
        _check_version_number(number)
        store, name = self._store_for(context, params["LayerName"])
        with store.lock:
            version = self._find_version(store, name, number)
            if version is None:
                raise not_found(NO_SUCH_RESOURCE)
            return self._layer_version_response(context, version)

    def get_layer_version_by_arn(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # The model's pattern has already refused an ARN without a version number.
        version = _find_by_arn(self.stores, params["Arn"])
        if version is None:
            raise not_found(NO_SUCH_RESOURCE)
        return self._layer_version_response(context, version)

    def list_layers(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        runtime, architecture = params.get("CompatibleRuntime"), params.get("CompatibleArchitecture")
        with store.lock:
            layers: list[dict[str, Any]] = []
            for name in sorted(store.layers):
                layer = store.layers[name]
                latest = next(
                    (layer.versions[n] for n in sorted(layer.versions, reverse=True)
                     if _matches(layer.versions[n], runtime, architecture)),
                    None,
                )
                if latest is not None:
                    layers.append({"LayerName": name, "LayerArn": layer.arn, "LatestMatchingVersion": _list_item(latest)})
        # Marker: the name of the first layer of the next page (names sort ascending).
        page, following = paginate(
            layers, lambda item: str(item["LayerName"]), params.get("Marker") or None, _page_size(params)
        )
        return {"Layers": page, "NextMarker": following["LayerName"] if following else None}

    def list_layer_versions(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store, name = self._store_for(context, params["LayerName"])
        runtime, architecture = params.get("CompatibleRuntime"), params.get("CompatibleArchitecture")
        with store.lock:
            layer = store.layers.get(name)
            # Newest first, as AWS lists them; an unknown layer lists nothing (no error).
            versions = [
                _list_item(layer.versions[n]) for n in sorted(layer.versions, reverse=True)
                if _matches(layer.versions[n], runtime, architecture)
            ] if layer else []
        # Marker: the version number of the first version of the next page (numbers sort descending).
        page, following = paginate(
            versions, lambda item: -int(item["Version"]), _descending_start(params.get("Marker")), _page_size(params)
        )
        return {"LayerVersions": page, "NextMarker": str(following["Version"]) if following else None}

    # -- deleting -----------------------------------------------------------------------------------------
    def delete_layer_version(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        number = int(params["VersionNumber"])
        _check_version_number(number)
        store = self.stores[context]
        with store.lock:
            layer = store.layers.get(layer_name(params["LayerName"]))
            # Deleting what does not exist succeeds, as AWS does. The Layer stays, so numbers are never reused;
            # the code stays in the store, because functions that use this version keep it.
            if layer is not None:
                layer.versions.pop(number, None)
        return {}

    # -- layer version policies ---------------------------------------------------------------------------
    def add_layer_version_permission(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            version = self._policy_target(context, store, params)
            policy = version.policy
            check_revision_id(params.get("RevisionId"), policy.revision_id, read_with="GetLayerPolicy")
            sid = params["StatementId"]
            if any(statement["Sid"] == sid for statement in policy.statements):
                raise statement_exists(sid)
            statement = _statement(context, version, params)
            policy.statements.append(statement)
            policy.revision_id = str(uuid.uuid4())
            return {"Statement": _compact(statement), "RevisionId": policy.revision_id}

    def get_layer_version_policy(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            policy = self._policy_target(context, store, params).policy
            if not policy.statements:
                raise not_found("No policy is associated with the given resource.")
            document = {"Version": "2012-10-17", "Id": "default", "Statement": policy.statements}
            return {"Policy": _compact(document), "RevisionId": policy.revision_id}

    def remove_layer_version_permission(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            policy = self._policy_target(context, store, params).policy
            check_revision_id(params.get("RevisionId"), policy.revision_id, read_with="GetLayerPolicy")
            sid = params["StatementId"]
            remaining = [statement for statement in policy.statements if statement["Sid"] != sid]
            if len(remaining) == len(policy.statements):
                raise statement_not_found(sid)
            policy.statements = remaining
            policy.revision_id = str(uuid.uuid4())
        return {}

    # -- helpers ------------------------------------------------------------------------------------------
    def _store_for(self, context: RequestContext, value: str) -> tuple[LambdaStore, str]:
        """The store a LayerName reads from: the ARN's account and region when it is an ARN (other accounts'
        layers are readable, as public layers are in AWS), else the caller's own."""
        if value.startswith("arn:"):
            parts = value.split(":")
            return self.stores.get(parts[4], parts[3]), parts[6]
        return self.stores[context], value

    @staticmethod
    def _find_version(store: LambdaStore, name: str, number: int) -> LayerVersion | None:
        layer = store.layers.get(name)
        return layer.versions.get(number) if layer else None

    def _policy_target(self, context: RequestContext, store: LambdaStore, params: dict[str, Any]) -> LayerVersion:
        name, number = layer_name(params["LayerName"]), int(params["VersionNumber"])
        _check_version_number(number)
        version = self._find_version(store, name, number)
        if version is None:
            raise not_found(f"Layer version {layer_arn(context, name)}:{number} does not exist.")
        return version


def _matches(version: LayerVersion, runtime: str | None, architecture: str | None) -> bool:
    config = version.config
    if runtime is not None and runtime not in config.get("CompatibleRuntimes", []):
        return False
    return architecture is None or architecture in config.get("CompatibleArchitectures", [])


def _list_item(version: LayerVersion) -> dict[str, Any]:
    return {member: copy.deepcopy(version.config[member]) for member in LIST_ITEM_MEMBERS if member in version.config}


def _descending_start(marker: str | None) -> int | None:
    """Where a ListLayerVersions Marker (a version number) starts, as a position in newest-first order."""
    if not marker:
        return None
    try:
        return -int(marker)
    except ValueError:
        raise invalid(f"Invalid marker: {marker}") from None


def _page_size(params: dict[str, Any]) -> int:
    return int(params.get("MaxItems") or DEFAULT_MAX_ITEMS)


def _statement(context: RequestContext, version: LayerVersion, params: dict[str, Any]) -> dict[str, Any]:
    """A statement as AWS writes it: an account id becomes its root ARN; an organization, a condition."""
    principal: Any = params["Principal"]
    if principal.isdigit():
        principal = {"AWS": f"arn:{arns.partition_for(context.region)}:iam::{principal}:root"}
    elif principal != "*":
        principal = {"AWS": principal}
    statement: dict[str, Any] = {
        "Sid": params["StatementId"],
        "Effect": "Allow",
        "Principal": principal,
        "Action": params["Action"],
        "Resource": version.config["LayerVersionArn"],
    }
    if params.get("OrganizationId"):
        statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": params["OrganizationId"]}}
    return statement


def _compact(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))
