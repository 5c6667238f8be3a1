"""Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s) through boto3, against AWS's recorded answers
(TestLambdaEventInvokeConfig in lambda___test_lambda_api.snapshot.json)."""
from __future__ import annotations

import datetime

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import assert_error, body, snapshot

RECORDED = "TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions"


def test_put_function_event_invoke_config_returns_config_of_latest(awslambda, function):
    response = awslambda.put_function_event_invoke_config(FunctionName=function["FunctionName"], MaximumRetryAttempts=0)

    recorded = snapshot("TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_lifecycle")
    assert body(response).keys() == body(recorded["put_invokeconfig_retries_0"]).keys()
    assert response["FunctionArn"] == f"{function['FunctionArn']}:$LATEST"
    assert response["MaximumRetryAttempts"] == 0
    assert response["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_put_function_event_invoke_config_last_modified_is_a_timestamp(awslambda, function):
    response = awslambda.put_function_event_invoke_config(FunctionName=function["FunctionName"], MaximumRetryAttempts=1)

    assert isinstance(response["LastModified"], datetime.datetime)
    assert abs(response["LastModified"].timestamp() - datetime.datetime.now().timestamp()) < 60


def test_put_function_event_invoke_config_replaces_existing_settings(awslambda, function):
    name = function["FunctionName"]
    awslambda.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60)

    response = awslambda.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)

    assert response["MaximumRetryAttempts"] == 0
    assert "MaximumEventAgeInSeconds" not in awslambda.get_function_event_invoke_config(FunctionName=name)


def test_put_function_event_invoke_config_accepts_the_limits(awslambda, function):
    response = awslambda.put_function_event_invoke_config(
        FunctionName=function["FunctionName"], MaximumRetryAttempts=2, MaximumEventAgeInSeconds=21600
    )

    assert (response["MaximumRetryAttempts"], response["MaximumEventAgeInSeconds"]) == (2, 21600)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("MaximumRetryAttempts", 3, "Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: "
         "Member must have value less than or equal to 2"),
        ("MaximumEventAgeInSeconds", 59, "Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: "
         "Member must have value greater than or equal to 60"),
        ("MaximumEventAgeInSeconds", 21601, "Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy "
         "constraint: Member must have value less than or equal to 21600"),
    ],
)
def test_put_function_event_invoke_config_setting_out_of_range(unvalidated_lambda, function, setting, value, message):
    with pytest.raises(ClientError) as error:
        unvalidated_lambda.put_function_event_invoke_config(FunctionName=function["FunctionName"], **{setting: value})

    assert_error(error, "ValidationException", 400, f"1 validation error detected: {message}")


def test_put_function_event_invoke_config_without_settings(unvalidated_lambda):
    with pytest.raises(ClientError) as error:
        unvalidated_lambda.put_function_event_invoke_config(FunctionName="doesnotexist")

    expected = snapshot(RECORDED)["put_functionname_nootherargs"]["Error"]
    assert_error(error, "InvalidParameterValueException", 400, expected["Message"])


@pytest.mark.parametrize("form", ["name", "arn"])
def test_put_function_event_invoke_config_unknown_function(awslambda, function, form):
    name = "doesnotexist" if form == "name" else function["FunctionArn"].replace(function["FunctionName"], "doesnotexist")

    with pytest.raises(ClientError) as error:
        awslambda.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)

    assert_error(error, "ResourceNotFoundException", 404, "The function doesn't exist.")


def test_put_function_event_invoke_config_unknown_alias(awslambda, published):
    with pytest.raises(ClientError) as error:
        awslambda.put_function_event_invoke_config(
            FunctionName=published["FunctionName"], Qualifier="livedoesnotexist", MaximumRetryAttempts=1
        )

    assert_error(error, "ResourceNotFoundException", 404, "The function doesn't exist.")


@pytest.mark.parametrize(
    ("function_name", "qualifier", "suffix"),
    [
        ("{name}", "$LATEST", "$LATEST"),
        ("{name}", "1", "1"),
        ("{name}", "live", "live"),
        ("{arn}:live", None, "live"),
        ("{arn}:live", "live", "live"),
        ("{name}:live", None, "live"),
        ("{name}:live", "live", "live"),
        ("{name}:1", None, "1"),
        ("{name}:$LATEST", "$LATEST", "$LATEST"),
    ],
)
def test_put_function_event_invoke_config_function_name_forms(awslambda, published, function_name, qualifier, suffix):
    params = {"FunctionName": function_name.format(name=published["FunctionName"], arn=published["FunctionArn"])}
    if qualifier:
        params["Qualifier"] = qualifier

    response = awslambda.put_function_event_invoke_config(**params, MaximumRetryAttempts=1)

    assert response["FunctionArn"] == f"{published['FunctionArn']}:{suffix}"


@pytest.mark.parametrize(
    ("function_name", "qualifier"),
    [("{arn}:live", "livedoesnotexist"), ("{name}:live", "livedoesnotexist"), ("{name}:1", "$LATEST"),
     ("{name}:$LATEST", "1"), ("{name}:1", "live")],
)
def test_put_function_event_invoke_config_qualifier_mismatch(awslambda, published, function_name, qualifier):
    name = function_name.format(name=published["FunctionName"], arn=published["FunctionArn"])

    with pytest.raises(ClientError) as error:
        awslambda.put_function_event_invoke_config(FunctionName=name, Qualifier=qualifier, MaximumRetryAttempts=1)

    message = snapshot(RECORDED)["put_shorthand_qualifier_mismatch_1"]["Error"]["Message"]
    assert_error(error, "InvalidParameterValueException", 400, message)


def test_put_function_event_invoke_config_destination_function_missing(awslambda, function):
    missing = function["FunctionArn"].replace(function["FunctionName"], "doesnotexist")

    with pytest.raises(ClientError) as error:
        awslambda.put_function_event_invoke_config(
            FunctionName=function["FunctionName"], DestinationConfig={"OnSuccess": {"Destination": missing}}
        )

    assert_error(error, "InvalidParameterValueException", 400, f"The destination ARN {missing} is invalid.")


@pytest.mark.parametrize("suffix", ["", ":$LATEST"])
def test_put_function_event_invoke_config_destination_itself(awslambda, function, suffix):
    with pytest.raises(ClientError) as error:
        awslambda.put_function_event_invoke_config(
            FunctionName=function["FunctionName"],
            DestinationConfig={"OnSuccess": {"Destination": function["FunctionArn"] + suffix}},
        )

    assert_error(
        error, "InvalidParameterValueException", 400, "You can't specify the function as a destination for itself."
    )


def test_put_function_event_invoke_config_destination_other_function(awslambda, create_function):
    source, target = create_function(), create_function()

    response = awslambda.put_function_event_invoke_config(
        FunctionName=source["FunctionName"], DestinationConfig={"OnSuccess": {"Destination": target["FunctionArn"]}}
    )

    assert response["DestinationConfig"] == {"OnSuccess": {"Destination": target["FunctionArn"]}, "OnFailure": {}}


def test_put_function_event_invoke_config_destination_unsupported_service(awslambda, function):
    iam_arn = function["FunctionArn"].replace(":lambda:", ":iam:")

    with pytest.raises(ClientError) as error:
        awslambda.put_function_event_invoke_config(
            FunctionName=function["FunctionName"], DestinationConfig={"OnSuccess": {"Destination": iam_arn}}
        )

    assert_error(
        error, "InvalidParameterValueException", 400,
        f"The provided destination config DestinationConfig(onSuccess=OnSuccess(destination={iam_arn}), "
        "onFailure=null) is invalid.",
    )


def test_put_function_event_invoke_config_destination_s3_is_for_failures_only(awslambda, function):
    # AWS documents S3 buckets as on-failure destinations only; the on-success answer follows the recorded one.
    bucket = "arn:aws:s3:::failed-events"
    queue = function["FunctionArn"].replace(":lambda:", ":sqs:").replace(f":function:{function['FunctionName']}", ":q")
    accepted = awslambda.put_function_event_invoke_config(
        FunctionName=function["FunctionName"], DestinationConfig={"OnFailure": {"Destination": bucket}}
    )

    with pytest.raises(ClientError) as error:
        awslambda.put_function_event_invoke_config(
            FunctionName=function["FunctionName"],
            DestinationConfig={"OnSuccess": {"Destination": bucket}, "OnFailure": {"Destination": queue}},
        )

    assert accepted["DestinationConfig"]["OnFailure"] == {"Destination": bucket}
    assert_error(
        error, "InvalidParameterValueException", 400,
        f"The provided destination config DestinationConfig(onSuccess=OnSuccess(destination={bucket}), "
        f"onFailure=OnFailure(destination={queue})) is invalid.",
    )


@pytest.mark.parametrize("member", ["OnSuccess", "OnFailure"])
def test_put_function_event_invoke_config_destination_without_arn(awslambda, function, member):
    response = awslambda.put_function_event_invoke_config(
        FunctionName=function["FunctionName"], DestinationConfig={member: {}}
    )

    assert response["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}


def test_put_function_event_invoke_config_destination_not_an_arn(unvalidated_lambda, function):
    broken = function["FunctionArn"].replace(":lambda:", ":_-/!lambda:")

    with pytest.raises(ClientError) as error:
        unvalidated_lambda.put_function_event_invoke_config(
            FunctionName=function["FunctionName"], DestinationConfig={"OnFailure": {"Destination": broken}}
        )

    # AWS's wording (recorded); the pattern quoted is the installed model's, the recording's is a newer one.
    pattern = unvalidated_lambda.meta.service_model.shape_for("DestinationArn").metadata["pattern"]
    assert_error(
        error, "ValidationException", 400,
        f"1 validation error detected: Value '{broken}' at 'destinationConfig.onFailure.destination' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {pattern}",
    )


def test_update_function_event_invoke_config_keeps_other_settings(awslambda, function):
    name = function["FunctionName"]
    awslambda.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60)

    response = awslambda.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)

    assert (response["MaximumRetryAttempts"], response["MaximumEventAgeInSeconds"]) == (0, 60)
    assert body(awslambda.get_function_event_invoke_config(FunctionName=name)) == body(response)


def test_update_function_event_invoke_config_replaces_destinations(awslambda, create_function):
    source, target = create_function(), create_function()
    name = source["FunctionName"]
    awslambda.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)

    response = awslambda.update_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": target["FunctionArn"]}}
    )

    assert response["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": target["FunctionArn"]}}
    assert response["MaximumRetryAttempts"] == 1


def test_update_function_event_invoke_config_without_config(awslambda, function):
    with pytest.raises(ClientError) as error:
        awslambda.update_function_event_invoke_config(FunctionName=function["FunctionArn"], MaximumRetryAttempts=0)

    assert_error(
        error, "ResourceNotFoundException", 404,
        f"The function {function['FunctionArn']}:$LATEST doesn't have an EventInvokeConfig",
    )


def test_update_function_event_invoke_config_unknown_function(awslambda):
    with pytest.raises(ClientError) as error:
        awslambda.update_function_event_invoke_config(FunctionName="doesnotexist", MaximumRetryAttempts=0)

    assert_error(error, "ResourceNotFoundException", 404, "The function doesn't exist.")


def test_get_function_event_invoke_config_unqualified_and_latest_are_one(awslambda, function):
    name = function["FunctionName"]
    put = awslambda.put_function_event_invoke_config(FunctionName=name, Qualifier="$LATEST", MaximumRetryAttempts=1)

    unqualified = awslambda.get_function_event_invoke_config(FunctionName=name)
    latest = awslambda.get_function_event_invoke_config(FunctionName=f"{name}:$LATEST")

    assert body(unqualified) == body(latest) == body(put)


def test_get_function_event_invoke_config_of_a_version_is_its_own(awslambda, published):
    name = published["FunctionName"]
    awslambda.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)

    with pytest.raises(ClientError) as error:
        awslambda.get_function_event_invoke_config(FunctionName=name, Qualifier="1")

    assert_error(
        error, "ResourceNotFoundException", 404,
        f"The function {published['FunctionArn']}:1 doesn't have an EventInvokeConfig",
    )


@pytest.mark.parametrize(("function_name", "qualifier", "suffix"), [
    ("doesnotexist", None, "$LATEST"), ("{name}", "1221", "1221"), ("{name}", "doesnotexist", "doesnotexist"),
])
def test_get_function_event_invoke_config_missing(awslambda, function, function_name, qualifier, suffix):
    name = function_name.format(name=function["FunctionName"])
    params = {"FunctionName": name} | ({"Qualifier": qualifier} if qualifier else {})

    with pytest.raises(ClientError) as error:
        awslambda.get_function_event_invoke_config(**params)

    arn = function["FunctionArn"].replace(f":function:{function['FunctionName']}", f":function:{name}")
    assert_error(error, "ResourceNotFoundException", 404, f"The function {arn}:{suffix} doesn't have an EventInvokeConfig")


def test_get_function_event_invoke_config_other_region(awslambda, function):
    arn = function["FunctionArn"].replace(":us-east-1:", ":eu-central-1:")

    with pytest.raises(ClientError) as error:
        awslambda.get_function_event_invoke_config(FunctionName=arn)

    assert_error(
        error, "ResourceNotFoundException", 404,
        "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')",
    )


def test_delete_function_event_invoke_config_removes_only_that_qualifier(awslambda, published):
    name = published["FunctionName"]
    for qualifier in ("$LATEST", "1", "live"):
        awslambda.put_function_event_invoke_config(FunctionName=name, Qualifier=qualifier, MaximumRetryAttempts=1)

    response = awslambda.delete_function_event_invoke_config(FunctionName=name, Qualifier="1")

    remaining = awslambda.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert sorted(config["FunctionArn"].rsplit(":", 1)[1] for config in remaining) == ["$LATEST", "live"]


@pytest.mark.parametrize("function_name", ["{name}", "doesnotexist"])
def test_delete_function_event_invoke_config_missing(awslambda, function, function_name):
    name = function_name.format(name=function["FunctionName"])

    with pytest.raises(ClientError) as error:
        awslambda.delete_function_event_invoke_config(FunctionName=name)

    arn = function["FunctionArn"].replace(f":function:{function['FunctionName']}", f":function:{name}")
    assert_error(error, "ResourceNotFoundException", 404, f"The function {arn}:$LATEST doesn't have an EventInvokeConfig")


def test_list_function_event_invoke_configs_lists_every_qualifier(awslambda, published):
    name = published["FunctionName"]
    for qualifier in ("$LATEST", "1", "live"):
        awslambda.put_function_event_invoke_config(FunctionName=name, Qualifier=qualifier, MaximumRetryAttempts=1)

    configs = awslambda.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]

    recorded = snapshot(RECORDED)["list_configs"]["FunctionEventInvokeConfigs"][1]
    assert [config.keys() for config in configs] == [recorded.keys()] * 3
    assert {config["FunctionArn"] for config in configs} == {
        f"{published['FunctionArn']}:{qualifier}" for qualifier in ("$LATEST", "1", "live")
    }


def test_list_function_event_invoke_configs_empty(awslambda, function):
    response = awslambda.list_function_event_invoke_configs(FunctionName=function["FunctionName"])

    assert response["FunctionEventInvokeConfigs"] == []
    assert "NextMarker" not in response


def test_list_function_event_invoke_configs_unknown_function(awslambda):
    with pytest.raises(ClientError) as error:
        awslambda.list_function_event_invoke_configs(FunctionName="doesnotexist")

    assert_error(error, "ResourceNotFoundException", 404, "The function doesn't exist.")


def test_list_function_event_invoke_configs_pages_with_marker(awslambda, published):
    name = published["FunctionName"]
    for qualifier in ("$LATEST", "1", "live"):
        awslambda.put_function_event_invoke_config(FunctionName=name, Qualifier=qualifier, MaximumRetryAttempts=1)

    first = awslambda.list_function_event_invoke_configs(FunctionName=name, MaxItems=2)
    rest = awslambda.list_function_event_invoke_configs(FunctionName=name, MaxItems=2, Marker=first["NextMarker"])

    arns = [c["FunctionArn"] for c in first["FunctionEventInvokeConfigs"] + rest["FunctionEventInvokeConfigs"]]
    assert len(first["FunctionEventInvokeConfigs"]) == 2 and "NextMarker" not in rest
    assert sorted(arns) == sorted(f"{published['FunctionArn']}:{q}" for q in ("$LATEST", "1", "live"))


def test_list_function_event_invoke_configs_marker_survives_deleting_the_next_config(awslambda, published):
    name = published["FunctionName"]
    for qualifier in ("$LATEST", "1", "live"):
        awslambda.put_function_event_invoke_config(FunctionName=name, Qualifier=qualifier, MaximumRetryAttempts=1)
    first = awslambda.list_function_event_invoke_configs(FunctionName=name, MaxItems=1)
    awslambda.delete_function_event_invoke_config(FunctionName=name, Qualifier="1")

    rest = awslambda.list_function_event_invoke_configs(FunctionName=name, Marker=first["NextMarker"])

    listed = [c["FunctionArn"] for c in first["FunctionEventInvokeConfigs"] + rest["FunctionEventInvokeConfigs"]]
    assert listed == [f"{published['FunctionArn']}:$LATEST", f"{published['FunctionArn']}:live"]


def test_list_function_event_invoke_configs_paginator(awslambda, published):
    name = published["FunctionName"]
    for qualifier in ("$LATEST", "1", "live"):
        awslambda.put_function_event_invoke_config(FunctionName=name, Qualifier=qualifier, MaximumRetryAttempts=1)

    pages = list(
        awslambda.get_paginator("list_function_event_invoke_configs").paginate(
            FunctionName=name, PaginationConfig={"PageSize": 1}
        )
    )

    assert [len(page["FunctionEventInvokeConfigs"]) for page in pages] == [1, 1, 1]
