"""Lambda operations: Invoke, the data plane. Resolves what to run, checks the request as AWS does, and hands
the invocation to the runtime (which runs real processes); never starts a process itself.

RequestResponse waits for the result (200, with X-Amz-Function-Error when the function failed); Event queues
the invocation on the event bus (202); DryRun only checks (204). Retries and destinations for Event are the
concurrency issue's; here an asynchronous invocation runs once.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import random
import uuid
from pathlib import Path
from typing import Any

from mocklambda import arns
from mocklambda.protocol import AwsError, AwsRequest
from mocklambda.runtime import FunctionSpec, Invocation, InvocationResult, Throttled
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_ import code, names
from mocklambda.services.lambda_.models import Alias, Function, FunctionVersion, LambdaStore

logger = logging.getLogger(__name__)

SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024  # 6,291,456 bytes
ASYNC_PAYLOAD_LIMIT = 1024 * 1024  # 1 MB since Oct 2025 (botocore's model says so)
CLIENT_CONTEXT_LIMIT = 3583
LOG_TAIL_BYTES = 4096


class InvokeOperations(ServiceProvider[LambdaStore]):
    def invoke(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ref = names.function_ref(context, params["FunctionName"], params.get("Qualifier"))
        invocation_type = params.get("InvocationType", "RequestResponse")
        payload = _checked_payload(params.get("Payload") or b"", invocation_type)
        client_context = _client_context(params.get("ClientContext"))
        store = self.stores[context]
        with store.lock:
            function, version, alias = names.resolve(store, context, ref)
            version = _routed(function, version, alias)
            spec = self._spec(context, function, version)
            reserved = function.reserved_concurrency
        if invocation_type == "DryRun":
            return {"StatusCode": 204}
        invocation = Invocation(
            request_id=context.request_id,
            payload=payload,
            invoked_function_arn=ref.arn(context),
            client_context=client_context,
            tail_logs=params.get("LogType") == "Tail",
        )
        if invocation_type == "Event":
            self.emulator.events.submit(lambda: self._run_async(spec, invocation, reserved))
            return {"StatusCode": 202}
        try:
            result = self.emulator.runtime.invoke(spec, invocation, reserved)
        except Throttled as throttled:
            raise too_many_requests(throttled.reason) from None
        return _sync_response(result, invocation.tail_logs)

    def invoke_for_service(self, account_id: str, region: str, function_arn: str, payload: bytes) -> str:
        """An asynchronous invocation on behalf of another service (S3 notifications, SNS): the emulator's
        FunctionInvoker capability. Returns the request id; LookupError if the function does not exist."""
        request_id = str(uuid.uuid4())
        context = RequestContext(account_id=account_id, region=region, request_id=request_id, service="lambda",
                                 operation="Invoke", endpoint_url="", request=AwsRequest("POST", "/"))
        try:
            self.invoke(context, {"FunctionName": function_arn, "InvocationType": "Event", "Payload": payload})
        except AwsError as error:
            raise LookupError(error.message) from None
        return request_id

    def run_for_service(self, account_id: str, region: str, function_arn: str, payload: bytes) -> str:
        """An asynchronous-style invocation on behalf of another service that runs now, in the caller's thread,
        and returns once the function has finished: the emulator's FunctionRunner capability, for deliveries
        that must reach the function in order (an SNS FIFO message group). A function error or a throttle is
        logged, as for an asynchronous invocation; LookupError if the function does not exist."""
        request_id = str(uuid.uuid4())
        context = RequestContext(account_id=account_id, region=region, request_id=request_id, service="lambda",
                                 operation="Invoke", endpoint_url="", request=AwsRequest("POST", "/"))
        try:
            response = self.invoke(context, {"FunctionName": function_arn, "InvocationType": "RequestResponse",
                                             "Payload": payload})
        except AwsError as error:
            if error.code == "ResourceNotFoundException":
                raise LookupError(error.message) from None
            logger.info("ordered invocation %s of %s not run: %s", request_id, function_arn, error)
            return request_id
        if response.get("FunctionError"):
            logger.info("ordered invocation %s failed: %s", request_id, response["FunctionError"])
        return request_id

    def _run_async(self, spec: FunctionSpec, invocation: Invocation, reserved: int | None) -> None:
        try:
            result = self.emulator.runtime.invoke(spec, invocation, reserved)
        except Throttled as throttled:
            logger.info("asynchronous invocation %s throttled (%s)", invocation.request_id, throttled.reason)
            return
        if result.function_error:
            logger.info("asynchronous invocation %s failed: %s", invocation.request_id, result.error_type)

    def _spec(self, context: RequestContext, function: Function, version: FunctionVersion) -> FunctionSpec:
        """What the runtime needs to run this version: its settings, its code and its layers' code."""
        config = version.config
        if version.code is None:
            raise AwsError("InvalidParameterValueException", "The function has no code to run.",
                           fields={"Type": "User"})
        logging_config = config.get("LoggingConfig", {})
        return FunctionSpec(
            function_name=function.name,
            function_arn=function.arn,
            version=version.version,
            runtime=str(config.get("Runtime", "")),
            handler=str(config.get("Handler", "")),
            code_root=version.code.root,
            account_id=context.account_id,
            region=context.region,
            memory_mb=int(config.get("MemorySize", 128)),
            timeout_s=int(config.get("Timeout", 3)),
            environment=dict(config.get("Environment", {}).get("Variables", {})),
            layer_roots=self._layers(context, config.get("Layers", [])),
            log_group=str(logging_config.get("LogGroup", f"/aws/lambda/{function.name}")),
            log_format=str(logging_config.get("LogFormat", "Text")),
            application_log_level=logging_config.get("ApplicationLogLevel"),
            system_log_level=logging_config.get("SystemLogLevel"),
            ephemeral_storage_mb=int(config.get("EphemeralStorage", {}).get("Size", 512)),
            architecture=str((config.get("Architectures") or ["x86_64"])[0]),
        )

    def _layers(self, context: RequestContext, layers: list[dict[str, Any]]) -> tuple[Path, ...]:
        """The function's layers as the runtime sees them: one tree, merged in order, as AWS's /opt."""
        roots = [self._layer_root(context, layer["Arn"]) for layer in layers]
        if len(roots) <= 1:
            return tuple(roots)
        return (code.store_for(self.emulator).merged_layers(roots),)

    def _layer_root(self, context: RequestContext, layer_version_arn: str) -> Path:
        """The unpacked code of a layer version, which may belong to another account (layers are shared)."""
        arn = arns.parse(layer_version_arn)
        _, name, number = arn.resource.split(":")
        store = self.stores.get(arn.account, arn.region)
        layer = store.layers.get(name)
        layer_version = layer.versions.get(int(number)) if layer is not None else None
        if layer_version is None:
            raise AwsError("InvalidParameterValueException", f"Layer version {layer_version_arn} does not exist.",
                           fields={"Type": "User"})
        return layer_version.code.root


def _routed(function: Function, version: FunctionVersion, alias: Alias | None) -> FunctionVersion:
    """An alias with a weighted routing configuration sends that share of invocations to its second version."""
    if alias is None:
        return version
    weights = alias.config.get("RoutingConfig", {}).get("AdditionalVersionWeights", {})
    roll = random.random()
    for other, weight in weights.items():
        if roll < float(weight):
            return function.version(str(other)) or version
        roll -= float(weight)
    return version


def _checked_payload(payload: bytes, invocation_type: str) -> bytes:
    limit = ASYNC_PAYLOAD_LIMIT if invocation_type == "Event" else SYNC_PAYLOAD_LIMIT
    if len(payload) > limit:
        raise AwsError(
            # AWS answers with this code, not the model's RequestTooLargeException (reference A10).
            "RequestEntityTooLargeException",
            f"Request must be smaller than {limit} bytes for the InvokeFunction operation",
            413,
            fields={"Type": "User"},
        )
    if not payload.strip():
        return b"{}"
    try:
        json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise AwsError(
            "InvalidRequestContentException",
            f"Could not parse request body into json: Could not parse payload into json: {_json_detail(exc)}",
            fields={"Type": "User"},
        ) from None
    return payload


def _json_detail(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"Invalid UTF-8 start byte 0x{exc.object[exc.start]:02x}"
    return str(exc)


def _client_context(encoded: str | None) -> str | None:
    """X-Amz-Client-Context is base64 of a JSON document, at most 3583 bytes (as encoded)."""
    if encoded is None:
        return None
    if len(encoded) > CLIENT_CONTEXT_LIMIT:
        raise AwsError("InvalidParameterValueException",
                       f"Client context must be a base64-encoded string of at most {CLIENT_CONTEXT_LIMIT} bytes.",
                       fields={"Type": "User"})
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AwsError("InvalidParameterValueException", "Client context must be a valid Base64-encoded JSON object.",
                       fields={"Type": "User"}) from None


def _sync_response(result: InvocationResult, tail_logs: bool) -> dict[str, Any]:
    response: dict[str, Any] = {
        "StatusCode": 200,
        "Payload": result.payload,
        "ExecutedVersion": result.executed_version,
    }
    if result.function_error:
        response["FunctionError"] = result.function_error
    if tail_logs:
        tail = result.log_tail.encode("utf-8")[-LOG_TAIL_BYTES:]
        response["LogResult"] = base64.b64encode(tail).decode("ascii")
    return response


def too_many_requests(reason: str) -> AwsError:
    """AWS's throttling error: 429 with the Reason, and a Retry-After hint for SDKs."""
    return AwsError(
        "TooManyRequestsException",
        "Rate Exceeded.",
        fields={"Type": "User", "Reason": reason},
        headers={"Retry-After": "1"},
    )
