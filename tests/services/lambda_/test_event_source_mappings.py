"""Create/Get/Update/Delete/ListEventSourceMapping(s) through boto3, against AWS's recorded answers
(TestLambdaEventSourceMappings in lambda___test_lambda_api.snapshot.json and the SQS / DynamoDB Streams
integration snapshots). The sources are not looked up (their services are not implemented yet): any
well-formed ARN is accepted. Delivering records is a later issue."""
from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests import reference
from tests.services.lambda_.conftest import assert_error, body, snapshot

API = "TestLambdaEventSourceMappings::"
FILTER = {"Filters": [{"Pattern": json.dumps({"body": {"testItem": ["test24"]}})}]}
NULL_STARTING_POSITION = (
    "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
    "Member must not be null."
)


def recorded(file: str, test: str) -> dict[str, Any]:
    """A recording from another snapshot file than the API one."""
    data = reference.load(file)
    return next(value["recorded-content"] for key, value in data.items() if key.endswith(test))


class Sources:
    """Source ARNs in the test's account and region."""

    def __init__(self, function_arn: str) -> None:
        self.region, self.account = function_arn.split(":")[3:5]

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"

    def queue(self, name: str = "queue-1") -> str:
        return self.arn("sqs", name)

    def table_stream(self, table: str = "orders") -> str:
        return self.arn("dynamodb", f"table/{table}/stream/2024-05-01T12:00:00.000")

    def kinesis(self, name: str = "stream-1") -> str:
        return self.arn("kinesis", f"stream/{name}")


@pytest.fixture
def sources(function) -> Sources:
    return Sources(function["FunctionArn"])


@pytest.fixture
def sqs_mapping(awslambda, function, sources) -> dict[str, Any]:
    return awslambda.create_event_source_mapping(FunctionName=function["FunctionName"], EventSourceArn=sources.queue())


# -- create: shapes --------------------------------------------------------------------------------------------
def test_create_event_source_mapping_sqs_answers_as_aws(awslambda, function, sources):
    response = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.queue()
    )

    expected = snapshot(API + "test_function_name_variations")["name_only_create_esm"]
    assert body(response).keys() == body(expected).keys()
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert {key: response[key] for key in ("BatchSize", "MaximumBatchingWindowInSeconds", "FunctionResponseTypes",
                                           "State", "StateTransitionReason")} == {
        "BatchSize": 10, "MaximumBatchingWindowInSeconds": 0, "FunctionResponseTypes": [], "State": "Creating",
        "StateTransitionReason": "USER_INITIATED"}
    assert (response["EventSourceArn"], response["FunctionArn"]) == (sources.queue(), function["FunctionArn"])


def test_create_event_source_mapping_has_uuid_arn_and_timestamp(awslambda, sqs_mapping, sources):
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", sqs_mapping["UUID"])
    assert sqs_mapping["EventSourceMappingArn"] == sources.arn("lambda", f"event-source-mapping:{sqs_mapping['UUID']}")
    assert isinstance(sqs_mapping["LastModified"], datetime.datetime)


def test_create_event_source_mapping_dynamodb_stream_answers_as_aws(awslambda, function, sources):
    destination = sources.queue("failures")

    response = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.table_stream(),
        DestinationConfig={"OnFailure": {"Destination": destination}}, BatchSize=1, StartingPosition="TRIM_HORIZON",
        MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1,
    )

    expected = body(snapshot(API + "test_event_source_mapping_lifecycle")["create_response"])
    assert body(response).keys() == expected.keys()
    unchanging = {key: value for key, value in expected.items()
                  if key not in ("DestinationConfig", "EventSourceArn", "EventSourceMappingArn", "FunctionArn",
                                 "LastModified", "UUID")}
    assert {key: response[key] for key in unchanging} == unchanging
    assert response["DestinationConfig"] == {"OnFailure": {"Destination": destination}}


def test_create_event_source_mapping_stream_defaults(awslambda, function, sources):
    response = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.table_stream(), StartingPosition="LATEST",
        FilterCriteria={"Filters": []},
    )

    expected = body(snapshot(API + "test_create_event_filter_criteria_validation")["response-with-empty-filters"])
    defaults = {key: value for key, value in expected.items()
                if key not in ("EventSourceArn", "EventSourceMappingArn", "FunctionArn", "LastModified", "UUID")}
    assert body(response).keys() == expected.keys()  # empty Filters are not echoed
    assert {key: response[key] for key in defaults} == defaults


def test_create_event_source_mapping_kinesis_at_timestamp(awslambda, function, sources):
    at = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)

    response = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.kinesis(), StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=at,
    )

    assert (response["StartingPosition"], response["StartingPositionTimestamp"]) == ("AT_TIMESTAMP", at)
    assert (response["BatchSize"], response["ParallelizationFactor"]) == (100, 1)


def test_create_event_source_mapping_echoes_sqs_settings(awslambda, function, sources):
    response = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.queue(), BatchSize=20,
        MaximumBatchingWindowInSeconds=1, ScalingConfig={"MaximumConcurrency": 2}, FilterCriteria=FILTER,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )

    expected = recorded("lambda___event_source_mapping__test_lambda_integration_sqs.snapshot.json",
                        "test_sqs_event_source_mapping_batching_reserved_concurrency")
    assert set(body(expected["create-event-source-mapping-response"])) | {"FilterCriteria"} == set(body(response))
    assert (response["ScalingConfig"], response["FilterCriteria"]) == ({"MaximumConcurrency": 2}, FILTER)
    assert response["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


@pytest.mark.parametrize(
    ("function_name", "suffix"),
    [("{name}", ""), ("{name}:$LATEST", ":$LATEST"), ("{name}:1", ":1"), ("{name}:live", ":live"),
     ("{arn}", ""), ("{arn}:1", ":1"), ("{arn}:live", ":live")],
)
def test_create_event_source_mapping_function_name_forms(awslambda, published, sources, function_name, suffix):
    name = function_name.format(name=published["FunctionName"], arn=published["FunctionArn"])

    response = awslambda.create_event_source_mapping(FunctionName=name, EventSourceArn=sources.queue())

    assert response["FunctionArn"] == published["FunctionArn"] + suffix


def test_create_event_source_mapping_disabled(awslambda, function, sources):
    created = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.queue(), Enabled=False
    )

    assert created["State"] == "Creating"
    assert awslambda.get_event_source_mapping(UUID=created["UUID"])["State"] == "Disabled"


def test_create_event_source_mapping_self_managed_kafka_defaults(awslambda, function, sources):
    secret = sources.arn("secretsmanager", "secret:kafka-1")

    response = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], Topics=["topic"],
        SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka:1000"]}},
        SourceAccessConfigurations=[{"Type": "BASIC_AUTH", "URI": secret}],
    )

    expected = body(snapshot(API + "test_create_event_source_self_managed")["event-source-mapping-default"])
    # The recording predates EventSourceMappingArn, which AWS now returns for every mapping.
    assert body(response).keys() - {"EventSourceMappingArn"} == expected.keys()
    assert response["SelfManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": response["UUID"]}
    assert (response["BatchSize"], response["StartingPosition"]) == (100, "TRIM_HORIZON")


# -- create: errors --------------------------------------------------------------------------------------------
def test_create_event_source_mapping_without_source(awslambda):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(FunctionName="doesnotexist")

    assert_error(error, "InvalidParameterValueException", 400, "Unrecognized event source.")


def test_create_event_source_mapping_unsupported_source(awslambda, function, sources):
    # Not recorded: AWS's answer for a service that is no event source.
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.arn("sns", "topic-1")
        )

    assert_error(error, "InvalidParameterValueException", 400, "Unrecognized event source.")


@pytest.mark.parametrize("function_name", ["doesnotexist", "{name}:2", "{name}:nosuchalias"])
def test_create_event_source_mapping_unknown_function(awslambda, published, sources, function_name):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function_name.format(name=published["FunctionName"]), EventSourceArn=sources.queue()
        )

    assert_error(error, "InvalidParameterValueException", 400, "Function does not exist")


@pytest.mark.parametrize("stream", ["table_stream", "kinesis"])
def test_create_event_source_mapping_stream_without_starting_position(awslambda, function, sources, stream):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=getattr(sources, stream)()
        )

    assert_error(error, "InvalidParameterValueException", 400, NULL_STARTING_POSITION)


def test_create_event_source_mapping_invalid_starting_position(awslambda, function, sources):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.kinesis(), StartingPosition="invalid"
        )

    expected = snapshot(API + "test_create_event_source_validation_kinesis")["invalid_starting_position"]
    assert_error(error, "ValidationException", 400, expected["Error"]["Message"])


def test_create_event_source_mapping_dynamodb_at_timestamp(awslambda, function, sources):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.table_stream(),
            StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=datetime.datetime(2024, 5, 1),
        )

    assert_error(
        error, "InvalidParameterValueException", 400,
        f"Unsupported starting position for arn type: {sources.table_stream()}",
    )


def test_create_event_source_mapping_sqs_refuses_starting_position(awslambda, function, sources):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.queue(), StartingPosition="LATEST"
        )

    # AWS's answer, as quoted in boto/boto3#1613.
    assert_error(error, "InvalidParameterValueException", 400, "StartingPosition is not valid for SQS event sources.")


def test_create_event_source_mapping_sqs_large_batch_needs_window(awslambda, function, sources):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.queue(), BatchSize=11
        )

    expected = recorded("lambda___event_source_mapping__test_lambda_integration_sqs.snapshot.json",
                        "test_event_source_mapping_default_batch_size")["invalid-create-event-source-mapping"]
    assert_error(error, "InvalidParameterValueException", 400, expected["Error"]["Message"])


def test_create_event_source_mapping_fifo_batch_size_limit(awslambda, function, sources):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.queue("jobs.fifo"), BatchSize=11,
            MaximumBatchingWindowInSeconds=1,
        )

    # AWS documents a maximum of 10 for FIFO queues; the message is the one AWS gave when SQS's maximum was 10.
    assert_error(error, "InvalidParameterValueException", 400, "Maximum batch size must be between 1 and 10 inclusive")


def test_create_event_source_mapping_batch_size_above_model_limit(awslambda, function, sources):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.queue(), BatchSize=10001,
            MaximumBatchingWindowInSeconds=1,
        )

    assert_error(
        error, "ValidationException", 400,
        "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000",
    )


@pytest.mark.parametrize("source", ["queue", "table_stream"])
def test_create_event_source_mapping_on_success_destination(awslambda, function, sources, source):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=getattr(sources, source)(),
            StartingPosition="LATEST", DestinationConfig={"OnSuccess": {"Destination": sources.queue("done")}},
        )

    expected = snapshot(API + "test_event_source_mapping_exceptions")["destination_config_failure"]
    assert_error(error, "InvalidParameterValueException", 400, expected["Error"]["Message"])


@pytest.mark.parametrize(
    "pattern", ["null", "simple string", '{"eventSource": "aws:sqs"}', '{"eventSource": []}',
                '[{"eventName": ["INSERT"=123}]', ""],
)
def test_create_event_source_mapping_invalid_filter_pattern(awslambda, function, sources, pattern):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.queue(), MaximumBatchingWindowInSeconds=1,
            FilterCriteria={"Filters": [{"Pattern": pattern}]},
        )

    assert_error(error, "InvalidParameterValueException", 400, "Invalid filter pattern definition.")


def test_create_event_source_mapping_sqs_twice(awslambda, function, sources, sqs_mapping):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(FunctionName=function["FunctionName"], EventSourceArn=sources.queue())

    assert_error(
        error, "ResourceConflictException", 409,
        f'An event source mapping with SQS arn (" {sources.queue()} ") and function (" {function["FunctionName"]} ") '
        f"already exists. Please update or delete the existing mapping with UUID {sqs_mapping['UUID']}",
    )


def test_create_event_source_mapping_stream_twice(awslambda, function, sources):
    params = {"FunctionName": function["FunctionName"], "EventSourceArn": sources.table_stream(),
              "StartingPosition": "TRIM_HORIZON"}
    first = awslambda.create_event_source_mapping(**params)

    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(**params)

    assert_error(
        error, "ResourceConflictException", 409,
        f'The event source arn (" {sources.table_stream()} ") and function (" {function["FunctionName"]} ") '
        f"provided mapping already exists. Please update or delete the existing mapping with UUID {first['UUID']}",
    )


def test_create_event_source_mapping_same_source_other_qualifier(awslambda, published, sources, sqs_mapping):
    response = awslambda.create_event_source_mapping(
        FunctionName=f"{published['FunctionName']}:live", EventSourceArn=sources.queue()
    )

    assert response["UUID"] != sqs_mapping["UUID"]


def test_create_event_source_mapping_self_managed_kafka_without_access(awslambda, function):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], Topics=["topic"],
            SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka:1000"]}},
        )

    assert_error(
        error, "InvalidParameterValueException", 400, "Required 'sourceAccessConfigurations' parameter is missing."
    )


def test_create_event_source_mapping_self_managed_kafka_twice(awslambda, function, sources):
    access = [{"Type": "BASIC_AUTH", "URI": sources.arn("secretsmanager", "secret:kafka-1")}]
    first = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], Topics=["topic"], SourceAccessConfigurations=access,
        SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka:1000"]}},
    )

    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], Topics=["topic"], SourceAccessConfigurations=access,
            SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka:1000", "kafka:2000"]}},
        )

    assert_error(
        error, "ResourceConflictException", 409,
        f'An event source mapping with event source ("kafka:1000,kafka:2000"), function ("{function["FunctionArn"]}"), '
        f'topics ("topic") already exists. Please update or delete the existing mapping with UUID {first["UUID"]}',
    )


# -- get -------------------------------------------------------------------------------------------------------
def test_get_event_source_mapping_is_enabled_after_create(awslambda, sqs_mapping):
    response = awslambda.get_event_source_mapping(UUID=sqs_mapping["UUID"])

    assert response["State"] == "Enabled"
    assert body(response) == body(sqs_mapping) | {"State": "Enabled"}


@pytest.mark.parametrize("operation", ["get_event_source_mapping", "delete_event_source_mapping"])
def test_get_event_source_mapping_unknown_uuid(awslambda, operation):
    with pytest.raises(ClientError) as error:
        getattr(awslambda, operation)(UUID="3c6b3c7c-7a07-4d5b-9d57-0a6e4c1d2f3a")

    assert_error(error, "ResourceNotFoundException", 404, "The resource you requested does not exist.")


# -- update ----------------------------------------------------------------------------------------------------
def test_update_event_source_mapping_answers_updating(awslambda, sqs_mapping):
    response = awslambda.update_event_source_mapping(UUID=sqs_mapping["UUID"], BatchSize=5)

    assert (response["State"], response["BatchSize"]) == ("Updating", 5)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    stored = awslambda.get_event_source_mapping(UUID=sqs_mapping["UUID"])
    assert (stored["State"], stored["BatchSize"]) == ("Enabled", 5)


def test_update_event_source_mapping_disable_and_enable(awslambda, sqs_mapping):
    disabling = awslambda.update_event_source_mapping(UUID=sqs_mapping["UUID"], Enabled=False)
    disabled = awslambda.get_event_source_mapping(UUID=sqs_mapping["UUID"])["State"]
    enabling = awslambda.update_event_source_mapping(UUID=sqs_mapping["UUID"], Enabled=True)

    assert (disabling["State"], disabled, enabling["State"]) == ("Disabling", "Disabled", "Enabling")
    assert awslambda.get_event_source_mapping(UUID=sqs_mapping["UUID"])["State"] == "Enabled"


def test_update_event_source_mapping_keeps_what_is_not_given(awslambda, function, sources):
    created = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.kinesis(), StartingPosition="LATEST",
        MaximumRetryAttempts=3, FilterCriteria=FILTER,
    )

    response = awslambda.update_event_source_mapping(UUID=created["UUID"], ParallelizationFactor=4)

    assert (response["ParallelizationFactor"], response["MaximumRetryAttempts"]) == (4, 3)
    assert (response["FilterCriteria"], response["StartingPosition"]) == (FILTER, "LATEST")


def test_update_event_source_mapping_empty_filters_clear_them(awslambda, function, sources):
    created = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.queue(), FilterCriteria=FILTER
    )

    response = awslambda.update_event_source_mapping(UUID=created["UUID"], FilterCriteria={"Filters": []})

    assert "FilterCriteria" not in response
    assert "FilterCriteria" not in awslambda.get_event_source_mapping(UUID=created["UUID"])


def test_update_event_source_mapping_sqs_large_batch_needs_window(awslambda, sqs_mapping):
    with pytest.raises(ClientError) as error:
        awslambda.update_event_source_mapping(UUID=sqs_mapping["UUID"], BatchSize=20)

    expected = recorded("lambda___event_source_mapping__test_lambda_integration_sqs.snapshot.json",
                        "test_event_source_mapping_default_batch_size")["invalid-update-event-source-mapping"]
    assert_error(error, "InvalidParameterValueException", 400, expected["Error"]["Message"])


def test_update_event_source_mapping_function_name(awslambda, published, sqs_mapping):
    response = awslambda.update_event_source_mapping(
        UUID=sqs_mapping["UUID"], FunctionName=f"{published['FunctionName']}:live"
    )

    assert response["FunctionArn"] == f"{published['FunctionArn']}:live"


def test_update_event_source_mapping_unknown_function(awslambda, sqs_mapping):
    with pytest.raises(ClientError) as error:
        awslambda.update_event_source_mapping(UUID=sqs_mapping["UUID"], FunctionName="doesnotexist")

    assert_error(error, "InvalidParameterValueException", 400, "Function does not exist")


def test_update_event_source_mapping_on_success_destination(awslambda, function, sources):
    created = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.table_stream(), StartingPosition="LATEST"
    )

    with pytest.raises(ClientError) as error:
        awslambda.update_event_source_mapping(
            UUID=created["UUID"], DestinationConfig={"OnSuccess": {"Destination": sources.queue()}}
        )

    assert_error(
        error, "InvalidParameterValueException", 400,
        "Unsupported DestinationConfig parameter for given event source mapping type.",
    )


def test_update_event_source_mapping_unknown_uuid(awslambda):
    with pytest.raises(ClientError) as error:
        awslambda.update_event_source_mapping(UUID="3c6b3c7c-7a07-4d5b-9d57-0a6e4c1d2f3a", Enabled=False)

    assert_error(error, "ResourceNotFoundException", 404, "The resource you requested does not exist.")


# -- delete ----------------------------------------------------------------------------------------------------
def test_delete_event_source_mapping_answers_deleting_then_is_gone(awslambda, sqs_mapping):
    response = awslambda.delete_event_source_mapping(UUID=sqs_mapping["UUID"])

    assert (response["State"], response["ResponseMetadata"]["HTTPStatusCode"]) == ("Deleting", 202)
    assert body(response) == body(sqs_mapping) | {"State": "Deleting"}
    with pytest.raises(ClientError) as error:
        awslambda.get_event_source_mapping(UUID=sqs_mapping["UUID"])
    assert_error(error, "ResourceNotFoundException", 404, "The resource you requested does not exist.")


def test_delete_event_source_mapping_outlives_its_function(awslambda, function, sqs_mapping):
    # Recorded: deleting the function leaves the mapping in place.
    awslambda.delete_function(FunctionName=function["FunctionName"])

    assert awslambda.get_event_source_mapping(UUID=sqs_mapping["UUID"])["State"] == "Enabled"


# -- list ------------------------------------------------------------------------------------------------------
@pytest.fixture
def three_mappings(awslambda, published, sources) -> list[dict[str, Any]]:
    name = published["FunctionName"]
    return [
        awslambda.create_event_source_mapping(FunctionName=name, EventSourceArn=sources.queue("a")),
        awslambda.create_event_source_mapping(FunctionName=f"{name}:live", EventSourceArn=sources.queue("a")),
        awslambda.create_event_source_mapping(FunctionName=name, EventSourceArn=sources.queue("b")),
    ]


def test_list_event_source_mappings_all(awslambda, three_mappings):
    mappings = awslambda.list_event_source_mappings()["EventSourceMappings"]

    assert sorted(m["UUID"] for m in mappings) == sorted(m["UUID"] for m in three_mappings)
    assert all(mapping["State"] == "Enabled" for mapping in mappings)


def test_list_event_source_mappings_by_source(awslambda, sources, three_mappings):
    mappings = awslambda.list_event_source_mappings(EventSourceArn=sources.queue("a"))["EventSourceMappings"]

    assert sorted(m["UUID"] for m in mappings) == sorted(m["UUID"] for m in three_mappings[:2])


def test_list_event_source_mappings_by_function(awslambda, published, three_mappings):
    by_name = awslambda.list_event_source_mappings(FunctionName=published["FunctionName"])["EventSourceMappings"]
    by_alias = awslambda.list_event_source_mappings(FunctionName=f"{published['FunctionArn']}:live")[
        "EventSourceMappings"
    ]

    assert sorted(m["UUID"] for m in by_name) == sorted(m["UUID"] for m in three_mappings)
    assert [m["UUID"] for m in by_alias] == [three_mappings[1]["UUID"]]


def test_list_event_source_mappings_filters_need_not_exist(awslambda, sources, three_mappings):
    # Recorded: listing by a function or source that does not exist is no error.
    assert awslambda.list_event_source_mappings(FunctionName="doesnotexist")["EventSourceMappings"] == []
    assert awslambda.list_event_source_mappings(EventSourceArn=sources.queue("c"))["EventSourceMappings"] == []


def test_list_event_source_mappings_pages_with_marker(awslambda, three_mappings):
    first = awslambda.list_event_source_mappings(MaxItems=2)
    rest = awslambda.list_event_source_mappings(MaxItems=2, Marker=first["NextMarker"])

    uuids = [m["UUID"] for m in first["EventSourceMappings"] + rest["EventSourceMappings"]]
    assert sorted(uuids) == sorted(m["UUID"] for m in three_mappings)
    assert "NextMarker" not in rest


def test_list_event_source_mappings_paginator(awslambda, three_mappings):
    pages = list(awslambda.get_paginator("list_event_source_mappings").paginate(PaginationConfig={"PageSize": 1}))

    assert [len(page["EventSourceMappings"]) for page in pages] == [1, 1, 1]


def test_create_event_source_mapping_tags_are_the_mappings(awslambda, function, sources):
    created = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.queue(), Tags={"testtag": "value"}
    )

    tags = awslambda.list_tags(Resource=created["EventSourceMappingArn"])["Tags"]

    assert tags == {"testtag": "value"}


def test_create_event_source_mapping_msk_consumer_group_defaults_to_uuid(awslambda, function, sources):
    response = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=sources.arn("kafka", "cluster/orders/1a2b3c"),
        Topics=["orders"], StartingPosition="LATEST",
    )

    assert response["AmazonManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": response["UUID"]}
    assert (response["Topics"], response["BatchSize"], response["StateTransitionReason"]) == (
        ["orders"], 100, "USER_INITIATED")


def test_create_event_source_mapping_msk_without_starting_position(awslambda, function, sources):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.arn("kafka", "cluster/orders/1a2b3c"),
            Topics=["orders"],
        )

    assert_error(error, "InvalidParameterValueException", 400, NULL_STARTING_POSITION)


def test_create_event_source_mapping_mq_without_access(awslambda, function, sources):
    with pytest.raises(ClientError) as error:
        awslambda.create_event_source_mapping(
            FunctionName=function["FunctionName"], EventSourceArn=sources.arn("mq", "broker:orders:b-1234"),
            Queues=["orders"],
        )

    # Recorded for self-managed Kafka; MQ needs its credentials the same way.
    assert_error(
        error, "InvalidParameterValueException", 400, "Required 'sourceAccessConfigurations' parameter is missing."
    )
