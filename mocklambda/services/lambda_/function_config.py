"""FunctionConfiguration as Lambda returns it: AWS's checks on the settings, building and updating the stored
config dict, and the views each operation returns of it.

The stored config (`FunctionVersion.config`) is what GetFunctionConfiguration returns for an unqualified
`$LATEST`: State Active, LastUpdateStatus Successful. The responses of CreateFunction and the updates are views
of it that show the transition AWS reports (Pending / InProgress), and ListFunctions / ListVersionsByFunction
show the subset AWS lists. This module checks only what the botocore model cannot express (the model's
constraints were enforced before the provider was called); it must not touch the store or the code store.
"""
from __future__ import annotations

import copy
import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from mocklambda import arns
from mocklambda.protocol import load_service_model
from mocklambda.protocol.errors import validation_error
from mocklambda.services.base import RequestContext
from mocklambda.services.lambda_.errors import invalid
from mocklambda.services.lambda_.models import LATEST, LambdaStore, StoredCode

# The runtimes AWS accepts for new and updated functions, in the order AWS lists them in its error message
# (recorded against AWS: test_create_lambda_exceptions in the reference snapshots).
SUPPORTED_RUNTIMES = (
    "nodejs20.x", "python3.14", "provided.al2023", "python3.12", "python3.13", "nodejs24.x", "nodejs22.x",
    "java25", "python3.10", "python3.11", "java21", "ruby3.3", "ruby3.4", "ruby3.2", "python3.8", "python3.9",
    "java17", "nodejs16.x", "dotnet10", "dotnet8", "java11", "dotnet6", "nodejs18.x", "provided.al2", "java8.al2",
)  # fmt: skip
# In botocore's model but newer than the recording above: accepted, not named in the message.
NEWER_RUNTIMES = ("ruby4.0",)

# Reserved environment variable names (reference A8): Lambda sets them itself. TZ is not among them: AWS
# accepts it (setting TZ is the documented way to change a function's time zone).
RESERVED_ENVIRONMENT_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})  # fmt: skip
MAX_ENVIRONMENT_BYTES = 4096
MAX_TIMEOUT = 900
MAX_MEMORY_SIZE = 10240
MAX_LAYERS = 5

# What ListFunctions and ListVersionsByFunction leave out of each configuration (as AWS does).
NOT_LISTED = ("State", "StateReason", "StateReasonCode", "LastUpdateStatus", "LastUpdateStatusReason",
              "LastUpdateStatusReasonCode", "RuntimeVersionConfig")
CREATING = "The function is being created."


def new_revision_id() -> str:
    return str(uuid.uuid4())


def last_modified() -> str:
    """AWS's LastModified: 2024-05-01T12:00:00.000+0000 (milliseconds, +0000)."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


# -- checks ---------------------------------------------------------------------------------------------------
def check_runtime(runtime: str) -> None:
    if runtime in SUPPORTED_RUNTIMES or runtime in NEWER_RUNTIMES:
        return
    if runtime in _model_runtimes():
        raise invalid(
            f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda "
            "functions. We recommend you use a supported runtime while creating or updating functions."
        )
    raise invalid(
        f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
        f"[{', '.join(SUPPORTED_RUNTIMES)}] or be a valid ARN"
    )


def _model_runtimes() -> list[str]:
    return list(load_service_model("lambda").shape_for("Runtime").enum)


def check_limits(params: dict[str, Any]) -> None:
    """Limits the botocore model leaves open (it has no Timeout maximum, and its MemorySize maximum is that of
    Lambda Managed Instances): AWS's ValidationException for functions, as real AWS words it."""
    messages = []
    if params.get("Timeout") is not None and params["Timeout"] > MAX_TIMEOUT:
        messages.append(f"Value '{params['Timeout']}' at 'timeout' failed to satisfy constraint: "
                        f"Member must have value less than or equal to {MAX_TIMEOUT}")
    if params.get("MemorySize") is not None and params["MemorySize"] > MAX_MEMORY_SIZE:
        messages.append(f"Value '{params['MemorySize']}' at 'memorySize' failed to satisfy constraint: "
                        f"Member must have value less than or equal to {MAX_MEMORY_SIZE}")
    if messages:
        raise validation_error(messages)


def check_environment(variables: dict[str, str]) -> None:
    reserved = [key for key in variables if key in RESERVED_ENVIRONMENT_KEYS]
    if reserved:
        raise invalid(
            "Lambda was unable to configure your environment variables because the environment variables you "
            "have provided contains reserved keys that are currently not supported for modification. "
            f"Reserved keys used in this request: {', '.join(reserved)}"
        )
    measured = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode()) > MAX_ENVIRONMENT_BYTES:
        raise invalid(
            "Lambda was unable to configure your environment variables because the environment variables you "
            f"have provided exceeded the 4KB limit. String measured: {measured}"
        )


def resolve_layers(
    layer_arns: list[str], context: RequestContext, store_for: Any
) -> list[dict[str, Any]]:
    """The config's Layers ([{Arn, CodeSize}]) for these layer version ARNs; `store_for(account, region)` gives
    the LambdaStore that owns a layer (layers of other accounts can be shared with a layer version policy)."""
    if len(layer_arns) > MAX_LAYERS:
        raise invalid(f"Cannot reference more than {MAX_LAYERS} layers.")
    seen: dict[str, str] = {}
    result = []
    for layer_arn in layer_arns:
        parsed = arns.parse(layer_arn)
        name, _, version = parsed.resource.removeprefix("layer:").rpartition(":")
        if parsed.region != context.region:
            raise invalid(
                f"Layers are not in the same region as the function. Layers are expected to be in region "
                f"{context.region}."
            )
        unversioned = layer_arn.rpartition(":")[0]
        if unversioned in seen:
            raise invalid(
                "Two different versions of the same layer are not allowed to be referenced in the same function. "
                f"{seen[unversioned]} and {layer_arn} are versions of the same layer."
            )
        seen[unversioned] = layer_arn
        store: LambdaStore = store_for(parsed.account, parsed.region)
        with store.lock:
            layer = store.layers.get(name)
            layer_version = layer.versions.get(int(version)) if layer is not None else None
            if layer_version is None:
                raise invalid(f"Layer version {layer_arn} does not exist.")
            result.append({"Arn": layer_arn, "CodeSize": layer_version.code.size})
    return result


# -- building -------------------------------------------------------------------------------------------------
def runtime_version_arn(context: RequestContext, runtime: str) -> str:
    """A stable runtime version ARN per runtime (AWS's has no account and a 64-hex id)."""
    digest = hashlib.sha256(runtime.encode()).hexdigest()
    return f"arn:{arns.partition_for(context.region)}:lambda:{context.region}::runtime:{digest}"


def new_config(
    context: RequestContext, name: str, params: dict[str, Any], code: StoredCode, layers: list[dict[str, Any]]
) -> dict[str, Any]:
    """$LATEST's configuration for a CreateFunction request, with AWS's defaults."""
    config: dict[str, Any] = {
        "FunctionName": name,
        "FunctionArn": arns.build("lambda", context.region, context.account_id, f"function:{name}"),
        "Runtime": params["Runtime"],
        "Role": params["Role"],
        "Handler": params["Handler"],
        "CodeSize": code.size,
        "Description": params.get("Description", ""),
        "Timeout": params.get("Timeout", 3),
        "MemorySize": params.get("MemorySize", 128),
        "LastModified": last_modified(),
        "CodeSha256": code.sha256,
        "Version": LATEST,
        "TracingConfig": {"Mode": params.get("TracingConfig", {}).get("Mode", "PassThrough")},
        "RevisionId": new_revision_id(),
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": list(params.get("Architectures") or ["x86_64"]),
        "EphemeralStorage": {"Size": params.get("EphemeralStorage", {}).get("Size", 512)},
        "SnapStart": {"ApplyOn": params.get("SnapStart", {}).get("ApplyOn", "None"), "OptimizationStatus": "Off"},
        "RuntimeVersionConfig": {"RuntimeVersionArn": runtime_version_arn(context, params["Runtime"])},
        "LoggingConfig": logging_config({"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
                                        params.get("LoggingConfig", {})),
    }
    if layers:
        config["Layers"] = layers
    apply_optional_settings(config, params)
    return config


def apply_optional_settings(config: dict[str, Any], params: dict[str, Any]) -> None:
    """Settings that appear in the config only once given (Create and UpdateFunctionConfiguration alike)."""
    if "Environment" in params:
        config["Environment"] = {"Variables": dict(params["Environment"].get("Variables") or {})}
    if "VpcConfig" in params:
        config["VpcConfig"] = vpc_config(params["VpcConfig"])
    for key in ("DeadLetterConfig", "KMSKeyArn"):
        if key in params:
            _set_or_clear(config, key, params[key])
    if "FileSystemConfigs" in params:
        _set_or_clear(config, "FileSystemConfigs", list(params["FileSystemConfigs"]))


def _set_or_clear(config: dict[str, Any], key: str, value: Any) -> None:
    """An empty value removes the setting, as AWS does for an empty DeadLetterConfig or KMSKeyArn."""
    empty = not value or (isinstance(value, dict) and not any(value.values()))
    if empty:
        config.pop(key, None)
    else:
        config[key] = copy.deepcopy(value)


def vpc_config(given: dict[str, Any]) -> dict[str, Any]:
    """VpcConfigResponse; there is no EC2 here, so any subnet is accepted and the VPC id is derived from it."""
    subnets = list(given.get("SubnetIds") or [])
    groups = list(given.get("SecurityGroupIds") or [])
    vpc_id = "vpc-" + hashlib.sha256(subnets[0].encode()).hexdigest()[:17] if subnets else ""
    return {
        "SubnetIds": subnets,
        "SecurityGroupIds": groups,
        "VpcId": vpc_id,
        "Ipv6AllowedForDualStack": bool(given.get("Ipv6AllowedForDualStack", False)),
    }


def logging_config(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Merge a (partial) LoggingConfig: levels exist only with the JSON format, and default to INFO there."""
    merged = {**current, **given}
    if merged.get("LogFormat") == "JSON":
        merged.setdefault("ApplicationLogLevel", "INFO")
        merged.setdefault("SystemLogLevel", "INFO")
    else:
        merged.pop("ApplicationLogLevel", None)
        merged.pop("SystemLogLevel", None)
    return dict(sorted(merged.items()))


def update_config(
    context: RequestContext, config: dict[str, Any], params: dict[str, Any], layers: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """A copy of `config` with an UpdateFunctionConfiguration request applied (RevisionId and time renewed)."""
    updated = copy.deepcopy(config)
    for key in ("Role", "Handler", "Description", "Timeout", "MemorySize"):
        if key in params:
            updated[key] = params[key]
    if "Runtime" in params:
        updated["Runtime"] = params["Runtime"]
        updated["RuntimeVersionConfig"] = {"RuntimeVersionArn": runtime_version_arn(context, params["Runtime"])}
    if "TracingConfig" in params:
        updated["TracingConfig"] = {"Mode": params["TracingConfig"].get("Mode", "PassThrough")}
    if "EphemeralStorage" in params:
        updated["EphemeralStorage"] = {"Size": params["EphemeralStorage"]["Size"]}
    if "SnapStart" in params:
        updated["SnapStart"] = {"ApplyOn": params["SnapStart"].get("ApplyOn", "None"), "OptimizationStatus": "Off"}
    if "LoggingConfig" in params:
        updated["LoggingConfig"] = logging_config(updated.get("LoggingConfig", {}), params["LoggingConfig"])
    if layers is not None:
        _set_or_clear(updated, "Layers", layers)
    apply_optional_settings(updated, params)
    return touched(updated)


def with_code(config: dict[str, Any], code: StoredCode, architectures: list[str] | None) -> dict[str, Any]:
    updated = copy.deepcopy(config)
    updated["CodeSha256"] = code.sha256
    updated["CodeSize"] = code.size
    if architectures:
        updated["Architectures"] = list(architectures)
    return touched(updated)


def touched(config: dict[str, Any]) -> dict[str, Any]:
    """Every change gives a new RevisionId and LastModified."""
    config["RevisionId"] = new_revision_id()
    config["LastModified"] = last_modified()
    return config


def published(config: dict[str, Any], version: str) -> dict[str, Any]:
    """The configuration of a version published from `config` ($LATEST): qualified ARN, its own RevisionId.
    (versions.py adds what PublishVersion changes beyond this.)"""
    frozen = copy.deepcopy(config)
    frozen["Version"] = version
    frozen["FunctionArn"] = f"{config['FunctionArn']}:{version}"
    frozen["RevisionId"] = new_revision_id()
    return frozen


# -- views ----------------------------------------------------------------------------------------------------
def creating_view(config: dict[str, Any]) -> dict[str, Any]:
    """CreateFunction's response: AWS reports the function as Pending while it is being created."""
    view = copy.deepcopy(config)
    for key in ("LastUpdateStatus", "LastUpdateStatusReason", "LastUpdateStatusReasonCode"):
        view.pop(key, None)
    view.update(State="Pending", StateReason=CREATING, StateReasonCode="Creating")
    return view


def updating_view(config: dict[str, Any]) -> dict[str, Any]:
    """The response of an update: AWS reports LastUpdateStatus InProgress (with this reason, as recorded)."""
    view = copy.deepcopy(config)
    view.update(LastUpdateStatus="InProgress", LastUpdateStatusReason=CREATING,
                LastUpdateStatusReasonCode="Creating")
    return view


def listed_view(config: dict[str, Any], qualify_latest: bool = False) -> dict[str, Any]:
    """One entry of ListFunctions / ListVersionsByFunction; `$LATEST`'s ARN is qualified when versions are
    listed alongside it."""
    view = {key: copy.deepcopy(value) for key, value in config.items() if key not in NOT_LISTED}
    if qualify_latest and view.get("Version") == LATEST:
        view["FunctionArn"] = f"{view['FunctionArn']}:{LATEST}"
    return view


def qualified_view(config: dict[str, Any], function_arn: str, qualifier: str | None) -> dict[str, Any]:
    """GetFunction(Configuration)'s view: the ARN names what was asked for (the function, `$LATEST`, a version
    or an alias: AWS answers an alias with its version's configuration under the alias's ARN)."""
    view = copy.deepcopy(config)
    if qualifier is not None:
        view["FunctionArn"] = f"{function_arn}:{qualifier}"
    return view
