"""Lambda operations: event source mappings (Create/Get/Update/Delete/ListEventSourceMapping(s)).

Validates a mapping against its source's service as AWS does (SQS, DynamoDB Streams, Kinesis, Amazon MSK,
self-managed Kafka, Amazon MQ, DocumentDB) and stores it in `LambdaStore.event_source_mappings` by UUID, as
the API returns it, with its steady State (Enabled or Disabled). That stored config is the single truth the
pollers in events/ will read; this module must not poll, invoke or deliver anything.

The source itself is not looked up: AWS checks that the queue or stream exists and that the function's role
may read it, but the mock's SQS, DynamoDB Streams and Kinesis do not exist yet, so any well-formed ARN of a
supported service is accepted.
"""
from __future__ import annotations

import copy
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from mocklambda import arns
from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext, ServiceProvider
from mocklambda.services.lambda_.errors import NO_SUCH_RESOURCE, conflict, invalid, not_found
from mocklambda.services.lambda_.models import LATEST, EventSourceMapping, LambdaStore
from mocklambda.services.lambda_.names import function_arn, function_ref, parse_function_name
from mocklambda.services.lambda_.pagination import paginate

# States (the API's enum): a response shows the transition, reads the state it leads to.
CREATING, UPDATING, DELETING, ENABLING, DISABLING = "Creating", "Updating", "Deleting", "Enabling", "Disabling"
ENABLED, DISABLED = "Enabled", "Disabled"
NO_RECORDS = "No records processed"


@dataclass(frozen=True)
class SourceKind:
    """What AWS's answers depend on, per kind of event source."""

    name: str  # as AWS spells it in its messages ("SQS") or our own label
    default_batch_size: int
    max_batch_size: int
    transition_reason: str  # StateTransitionReason (recorded: "User action" for streams, else USER_INITIATED)
    starting_position: str  # "required", "default" (TRIM_HORIZON) or "refused"
    defaults: tuple[tuple[str, Any], ...]  # members every response carries, with their defaults
    optional: frozenset[str]  # members stored only when given


_COMMON = frozenset({"FilterCriteria", "KMSKeyArn", "MetricsConfig", "LoggingConfig", "ProvisionedPollerConfig"})
_STREAM_DEFAULTS: tuple[tuple[str, Any], ...] = (
    ("MaximumBatchingWindowInSeconds", 0),
    ("ParallelizationFactor", 1),
    ("LastProcessingResult", NO_RECORDS),
    ("DestinationConfig", {"OnFailure": {}}),
    ("MaximumRecordAgeInSeconds", -1),
    ("BisectBatchOnFunctionError", False),
    ("MaximumRetryAttempts", -1),
    ("TumblingWindowInSeconds", 0),
    ("FunctionResponseTypes", []),
)
_KAFKA_OPTIONAL = _COMMON | {
    "MaximumBatchingWindowInSeconds", "DestinationConfig", "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError", "MaximumRetryAttempts", "FunctionResponseTypes", "SourceAccessConfigurations",
}
SQS = SourceKind(
    "SQS", 10, 10_000, "USER_INITIATED", "refused",
    (("MaximumBatchingWindowInSeconds", 0), ("FunctionResponseTypes", [])), _COMMON | {"ScalingConfig"},
)
SQS_FIFO = SourceKind("SQS", 10, 10, SQS.transition_reason, "refused", SQS.defaults, SQS.optional)
DYNAMODB = SourceKind("DynamoDB", 100, 10_000, "User action", "required", _STREAM_DEFAULTS, _COMMON)
KINESIS = SourceKind("Kinesis", 100, 10_000, "User action", "required", _STREAM_DEFAULTS, _COMMON)
MSK = SourceKind(
    "MSK", 100, 10_000, "USER_INITIATED", "required", (("LastProcessingResult", NO_RECORDS),),
    _KAFKA_OPTIONAL | {"AmazonManagedKafkaEventSourceConfig"},
)
SELF_MANAGED_KAFKA = SourceKind(
    "Kafka", 100, 10_000, "USER_INITIATED", "default", (("LastProcessingResult", NO_RECORDS),),
    _KAFKA_OPTIONAL | {"SelfManagedKafkaEventSourceConfig"},
)
MQ = SourceKind(
    "MQ", 100, 10_000, "USER_INITIATED", "refused", (("LastProcessingResult", NO_RECORDS),),
    _COMMON | {"MaximumBatchingWindowInSeconds", "SourceAccessConfigurations"},
)
DOCUMENTDB = SourceKind(
    "DocumentDB", 100, 10_000, "USER_INITIATED", "required", (("LastProcessingResult", NO_RECORDS),),
    _COMMON | {"MaximumBatchingWindowInSeconds", "DocumentDBEventSourceConfig"},
)
# Members UpdateEventSourceMapping may change (its input shape, less UUID, FunctionName and Enabled).
UPDATABLE = (
    "BatchSize", "FilterCriteria", "MaximumBatchingWindowInSeconds", "DestinationConfig", "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError", "MaximumRetryAttempts", "ParallelizationFactor", "SourceAccessConfigurations",
    "TumblingWindowInSeconds", "FunctionResponseTypes", "ScalingConfig", "AmazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig", "DocumentDBEventSourceConfig", "KMSKeyArn", "MetricsConfig",
    "LoggingConfig", "ProvisionedPollerConfig",
)


def _no_mapping() -> AwsError:
    return not_found(NO_SUCH_RESOURCE)


def _find_mapping(store: LambdaStore, mapping_id: str) -> EventSourceMapping:
    mapping = store.event_source_mappings.get(mapping_id)
    if mapping is None:
        raise _no_mapping()
    return mapping


# -- what the source is --------------------------------------------------------------------------------------
def kind_of_arn(source: str) -> SourceKind | None:
    arn = arns.parse(source)  # the model's pattern has made sure it is an ARN
    if arn.service == "sqs":
        return SQS_FIFO if arn.resource.endswith(".fifo") else SQS
    if arn.service == "dynamodb":
        # A table is not a source, its stream is (arn:...:table/NAME/stream/LABEL).
        return DYNAMODB if "/stream/" in arn.resource else None
    return {"kinesis": KINESIS, "kafka": MSK, "mq": MQ, "rds": DOCUMENTDB}.get(arn.service)


def source_kind(params: dict[str, Any]) -> SourceKind:
    """The kind of source a Create request names, with AWS's errors for a missing or unknown one."""
    source = params.get("EventSourceArn")
    if params.get("SelfManagedEventSource") is not None:
        kind: SourceKind | None = SELF_MANAGED_KAFKA
    elif not source:
        raise invalid("Unrecognized event source.")
    else:
        kind = kind_of_arn(source)
    if kind is None:
        # SNS, S3, a DynamoDB table and the rest are not sources a mapping can read. [AWS's answer for these is
        # not recorded; this is the one it gives when there is no source at all.]
        raise invalid("Unrecognized event source.")
    if kind in (SELF_MANAGED_KAFKA, MQ) and not params.get("SourceAccessConfigurations"):
        raise invalid("Required 'sourceAccessConfigurations' parameter is missing.")
    return kind


def _refuse_on_success(destination: dict[str, Any] | None) -> None:
    """No source has an on-success destination (recorded message; AWS checks this first)."""
    if destination is not None and "OnSuccess" in destination:
        raise invalid("Unsupported DestinationConfig parameter for given event source mapping type.")


def _check_destination(kind: SourceKind, destination: dict[str, Any] | None) -> None:
    """Only failures of stream and Kafka sources have a destination; SQS and MQ get the same answer as
    OnSuccess does [not recorded for them]."""
    _refuse_on_success(destination)
    if destination is not None and kind in (SQS, SQS_FIFO, MQ):
        raise invalid("Unsupported DestinationConfig parameter for given event source mapping type.")


def _check_starting_position(kind: SourceKind, params: dict[str, Any]) -> str | None:
    position = params.get("StartingPosition")
    if kind.starting_position == "refused":
        if position is not None:
            # Recorded from AWS for SQS; for MQ the same rule, with the source's name.
            raise invalid(f"StartingPosition is not valid for {kind.name} event sources.")
        return None
    if position is None:
        if kind.starting_position == "default":
            return "TRIM_HORIZON"
        raise invalid(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
            "Member must not be null."
        )
    if position == "AT_TIMESTAMP":
        if kind is DYNAMODB:
            raise invalid(f"Unsupported starting position for arn type: {params['EventSourceArn']}")
        if params.get("StartingPositionTimestamp") is None:
            raise invalid("Need to specify a timestamp")
    return str(position)


def _check_batching(kind: SourceKind, batch_size: int, window: int | None) -> None:
    """Batch size within the source's limit; SQS needs a batching window above 10 (recorded message)."""
    if kind is SQS_FIFO:
        if batch_size > kind.max_batch_size:
            raise invalid("Maximum batch size must be between 1 and 10 inclusive")
        if window:
            raise invalid("Batching window is not supported for FIFO queues")
    if kind is SQS and batch_size > 10 and not window:
        raise invalid("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")


def _check_filter_criteria(criteria: dict[str, Any] | None) -> None:
    """Each Pattern must be a JSON object whose leaves are non-empty lists of values or operators (AWS's
    answer for anything else is recorded). Matching events against them is the event matcher's job."""
    for filter_ in (criteria or {}).get("Filters") or []:
        try:
            pattern = json.loads(filter_.get("Pattern") or "")
        except ValueError:
            pattern = None
        if not isinstance(pattern, dict) or not pattern or not _valid_pattern(pattern):
            raise invalid("Invalid filter pattern definition.")


def _valid_pattern(node: dict[str, Any]) -> bool:
    for value in node.values():
        if isinstance(value, dict):
            if not value or not _valid_pattern(value):
                return False
        elif not isinstance(value, list) or not value:
            return False
    return True


# -- the function it invokes ---------------------------------------------------------------------------------
def _function_arn(store: LambdaStore, context: RequestContext, value: str) -> str:
    """FunctionArn as AWS records it: as qualified as the FunctionName given (recorded: `name` -> unqualified,
    `name:$LATEST` -> `...:$LATEST`, versions and aliases kept). The function and qualifier must exist here.

    Not names.function_ref: here FunctionName is not the resource the request acts on but the mapping's
    target, a parameter value, and AWS answers a target it cannot use with InvalidParameterValueException
    "Function does not exist" (recorded: create_unknown_params). This family gives an ARN of another region
    or account that answer too [not recorded], rather than function_ref's ResourceNotFoundException."""
    ref = parse_function_name(value)
    foreign = value.startswith("arn:") and value.split(":")[3:5] != [context.region, context.account_id]
    function = store.functions.get(ref.name)
    qualifier = ref.qualifier
    if foreign or function is None or (
        qualifier not in (None, LATEST) and qualifier not in function.versions and qualifier not in function.aliases
    ):
        raise invalid("Function does not exist")
    return function_arn(context, ref.name, qualifier)


def _function_name(arn: str) -> str:
    return arn.split(":")[6]


# -- duplicates ------------------------------------------------------------------------------------------------
def _bootstrap_servers(config: dict[str, Any]) -> list[str]:
    return list((config.get("SelfManagedEventSource") or {}).get("Endpoints", {}).get("KAFKA_BOOTSTRAP_SERVERS", []))


def _check_duplicate(store: LambdaStore, kind: SourceKind, config: dict[str, Any]) -> None:
    """One mapping per source and function ARN (and, for Kafka, per topic), with AWS's recorded messages."""
    for existing in store.event_source_mappings.values():
        other = existing.config
        if other["FunctionArn"] != config["FunctionArn"]:
            continue
        name = _function_name(config["FunctionArn"])
        if kind is SELF_MANAGED_KAFKA:
            servers = _bootstrap_servers(config)
            if set(servers) & set(_bootstrap_servers(other)) and set(config["Topics"]) & set(other.get("Topics", [])):
                raise conflict(
                    f'An event source mapping with event source ("{",".join(servers)}"), '
                    f'function ("{config["FunctionArn"]}"), topics ("{",".join(config["Topics"])}") already exists. '
                    f"Please update or delete the existing mapping with UUID {other['UUID']}"
                )
        elif other.get("EventSourceArn") == config.get("EventSourceArn"):
            source = config["EventSourceArn"]
            if kind in (SQS, SQS_FIFO):
                message = f'An event source mapping with SQS arn (" {source} ") and function (" {name} ") already exists.'
            else:
                message = f'The event source arn (" {source} ") and function (" {name} ") provided mapping already exists.'
            raise conflict(f"{message} Please update or delete the existing mapping with UUID {other['UUID']}")


# -- building and answering ----------------------------------------------------------------------------------
def _settings(kind: SourceKind, params: dict[str, Any]) -> dict[str, Any]:
    """The source's defaults, overridden by what was given; members the source does not have are dropped."""
    settings: dict[str, Any] = {}
    for name, default in kind.defaults:
        settings[name] = copy.deepcopy(params[name]) if params.get(name) is not None else copy.deepcopy(default)
    for name in kind.optional:
        if params.get(name) is not None:
            settings[name] = copy.deepcopy(params[name])
    if "DestinationConfig" in settings:
        settings["DestinationConfig"].pop("OnSuccess", None)
        settings["DestinationConfig"].setdefault("OnFailure", {})
    if not (settings.get("FilterCriteria") or {}).get("Filters"):
        settings.pop("FilterCriteria", None)  # recorded: empty Filters are not echoed
    return settings


def _kind_of(config: dict[str, Any]) -> SourceKind:
    """The kind of a stored mapping (validated when it was created)."""
    kind = SELF_MANAGED_KAFKA if "SelfManagedEventSource" in config else kind_of_arn(config["EventSourceArn"])
    assert kind is not None
    return kind


def _answer(config: dict[str, Any], state: str | None = None) -> dict[str, Any]:
    response = copy.deepcopy(config)
    if state is not None:
        response["State"] = state
    return response


class EventSourceMappingOperations(ServiceProvider[LambdaStore]):
    def create_event_source_mapping(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _refuse_on_success(params.get("DestinationConfig"))
        kind = source_kind(params)
        _check_destination(kind, params.get("DestinationConfig"))
        batch_size = params.get("BatchSize") or kind.default_batch_size
        position = _check_starting_position(kind, params)
        _check_batching(kind, batch_size, params.get("MaximumBatchingWindowInSeconds"))
        # [Not recorded: the message follows the recorded one for sourceAccessConfigurations.]
        if kind in (SELF_MANAGED_KAFKA, MSK) and not params.get("Topics"):
            raise invalid("Required 'topics' parameter is missing.")
        if kind is MQ and not params.get("Queues"):
            raise invalid("Required 'queues' parameter is missing.")
        _check_filter_criteria(params.get("FilterCriteria"))
        store = self.stores[context]
        with store.lock:
            mapping_id = str(uuid.uuid4())
            config = self._new_config(context, store, kind, params, mapping_id, batch_size, position)
            _check_duplicate(store, kind, config)
            store.event_source_mappings[mapping_id] = EventSourceMapping(config, dict(params.get("Tags") or {}))
            return _answer(config, CREATING)

    def get_event_source_mapping(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            return _answer(_find_mapping(store, params["UUID"]).config)

    def update_event_source_mapping(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        store = self.stores[context]
        with store.lock:
            mapping = _find_mapping(store, params["UUID"])
            config = mapping.config
            kind = _kind_of(config)
            _check_destination(kind, params.get("DestinationConfig"))
            _check_filter_criteria(params.get("FilterCriteria"))
            batch_size = params.get("BatchSize") or config["BatchSize"]
            window = params.get("MaximumBatchingWindowInSeconds", config.get("MaximumBatchingWindowInSeconds"))
            _check_batching(kind, batch_size, window)
            function = _function_arn(store, context, params["FunctionName"]) if params.get("FunctionName") else None
            changes = _settings(kind, {name: params.get(name) for name in UPDATABLE})
            updated = {**config, **{name: value for name, value in changes.items() if params.get(name) is not None}}
            updated["BatchSize"] = batch_size
            if params.get("FilterCriteria") is not None and "FilterCriteria" not in changes:
                updated.pop("FilterCriteria", None)  # empty Filters clear them
            if function is not None:
                updated["FunctionArn"] = function
            transition = UPDATING
            if params.get("Enabled") is not None and (config["State"] == ENABLED) != params["Enabled"]:
                transition = ENABLING if params["Enabled"] else DISABLING
                updated["State"] = ENABLED if params["Enabled"] else DISABLED
            updated["LastModified"] = time.time()
            mapping.config = updated
            return _answer(updated, transition)

    def delete_event_source_mapping(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Answers with the mapping in state Deleting; it is gone at once (AWS takes a few seconds)."""
        store = self.stores[context]
        with store.lock:
            mapping = store.event_source_mappings.pop(params["UUID"], None)
            if mapping is None:
                raise _no_mapping()
            return _answer(mapping.config, DELETING)

    def list_event_source_mappings(self, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Filters need not name anything that exists (recorded); an unqualified FunctionName matches the
        function's mappings whatever their qualifier, a qualified one only that version or alias."""
        source = params.get("EventSourceArn")
        ref = function_ref(context, params["FunctionName"]) if params.get("FunctionName") else None
        store = self.stores[context]
        with store.lock:
            configs = [copy.deepcopy(mapping.config) for mapping in store.event_source_mappings.values()]
        if source is not None:
            configs = [config for config in configs if config.get("EventSourceArn") == source]
        if ref is not None:
            wanted = function_arn(context, ref.name, ref.qualifier)
            configs = [
                config for config in configs
                if (config["FunctionArn"] == wanted if ref.qualifier else _function_name(config["FunctionArn"]) == ref.name)
            ]
        page, following = paginate(
            configs, lambda config: str(config["UUID"]), params.get("Marker") or None, params.get("MaxItems") or 100
        )
        return {"EventSourceMappings": page, "NextMarker": following["UUID"] if following else None}

    # -- helpers ------------------------------------------------------------------------------------------------
    @staticmethod
    def _new_config(
        context: RequestContext,
        store: LambdaStore,
        kind: SourceKind,
        params: dict[str, Any],
        mapping_id: str,
        batch_size: int,
        position: str | None,
    ) -> dict[str, Any]:
        config: dict[str, Any] = {"UUID": mapping_id, "BatchSize": batch_size}
        if params.get("EventSourceArn"):
            config["EventSourceArn"] = params["EventSourceArn"]
        config["FunctionArn"] = _function_arn(store, context, params["FunctionName"])
        config["LastModified"] = time.time()
        config["State"] = DISABLED if params.get("Enabled") is False else ENABLED
        config["StateTransitionReason"] = kind.transition_reason
        config["EventSourceMappingArn"] = arns.build(
            "lambda", context.region, context.account_id, f"event-source-mapping:{mapping_id}"
        )
        if position is not None:
            config["StartingPosition"] = position
            if params.get("StartingPositionTimestamp") is not None:
                config["StartingPositionTimestamp"] = params["StartingPositionTimestamp"]
        for name in ("Topics", "Queues", "SelfManagedEventSource"):
            if params.get(name) is not None:
                config[name] = copy.deepcopy(params[name])
        config.update(_settings(kind, params))
        if kind in (SELF_MANAGED_KAFKA, MSK):
            # Recorded: without one, the consumer group is named after the mapping.
            member = "SelfManagedKafkaEventSourceConfig" if kind is SELF_MANAGED_KAFKA else "AmazonManagedKafkaEventSourceConfig"
            config.setdefault(member, {}).setdefault("ConsumerGroupId", mapping_id)
        return config
