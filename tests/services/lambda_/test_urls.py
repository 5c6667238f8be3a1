"""Create/Get/Update/Delete/ListFunctionUrlConfig(s) through boto3, against AWS's recorded answers (TestLambdaUrl
in lambda___test_lambda_api.snapshot.json). Serving the URLs over HTTP is a later issue."""
from __future__ import annotations

import datetime
import re

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import assert_error, body, snapshot

RECORDED = "TestLambdaUrl::test_url_config_exceptions"
FUNCTION_DOES_NOT_EXIST = "Function does not exist"
RESOURCE_DOES_NOT_EXIST = "The resource you requested does not exist."
CORS = {"AllowOrigins": ["https://example.com"], "AllowMethods": ["GET"], "MaxAge": 60}


def test_create_function_url_config_answers_as_aws(awslambda, function):
    response = awslambda.create_function_url_config(FunctionName=function["FunctionName"], AuthType="NONE")

    recorded = snapshot("TestLambdaUrl::test_url_config_lifecycle")["url_creation"]
    assert body(response).keys() == body(recorded).keys()  # no InvokeMode, no LastModifiedTime
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (response["FunctionArn"], response["AuthType"]) == (function["FunctionArn"], "NONE")


def test_create_function_url_config_url_has_the_aws_form(awslambda, function):
    response = awslambda.create_function_url_config(FunctionName=function["FunctionName"], AuthType="NONE")

    assert re.fullmatch(r"https://[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws/", response["FunctionUrl"])


def test_create_function_url_config_each_url_is_new(awslambda, published):
    name = published["FunctionName"]

    urls = {
        awslambda.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"],
        awslambda.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE")["FunctionUrl"],
    }

    assert len(urls) == 2


def test_create_function_url_config_creation_time_is_iso8601(awslambda, function):
    response = awslambda.create_function_url_config(FunctionName=function["FunctionName"], AuthType="NONE")

    # AWS: 2022-09-19T02:27:48.356967Z
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", response["CreationTime"])
    created = datetime.datetime.fromisoformat(response["CreationTime"].replace("Z", "+00:00"))
    assert abs((datetime.datetime.now(datetime.UTC) - created).total_seconds()) < 60


def test_create_function_url_config_echoes_cors_and_invoke_mode(awslambda, function):
    response = awslambda.create_function_url_config(
        FunctionName=function["FunctionName"], AuthType="AWS_IAM", Cors=CORS, InvokeMode="RESPONSE_STREAM"
    )

    assert (response["Cors"], response["InvokeMode"], response["AuthType"]) == (CORS, "RESPONSE_STREAM", "AWS_IAM")


def test_create_function_url_config_twice(awslambda, function):
    awslambda.create_function_url_config(FunctionName=function["FunctionName"], AuthType="NONE")

    with pytest.raises(ClientError) as error:
        awslambda.create_function_url_config(FunctionName=function["FunctionName"], AuthType="NONE")

    assert_error(
        error, "ResourceConflictException", 409,
        f"Failed to create function url config for [functionArn = {function['FunctionArn']}]. "
        "Error message:  FunctionUrlConfig exists for this Lambda function",
    )


@pytest.mark.parametrize(("function_name", "qualifier"), [("{name}", "live"), ("{name}:live", None),
                                                          ("{name}:live", "live"), ("{arn}:live", None)])
def test_create_function_url_config_for_an_alias(awslambda, published, function_name, qualifier):
    params = {"FunctionName": function_name.format(name=published["FunctionName"], arn=published["FunctionArn"])}
    params |= {"Qualifier": qualifier} if qualifier else {}

    response = awslambda.create_function_url_config(**params, AuthType="NONE")

    assert response["FunctionArn"] == f"{published['FunctionArn']}:live"


@pytest.mark.parametrize("form", ["name", "arn"])
def test_create_function_url_config_unknown_function(awslambda, function, form):
    name = "doesnotexist" if form == "name" else function["FunctionArn"].replace(function["FunctionName"], "doesnotexist")

    with pytest.raises(ClientError) as error:
        awslambda.create_function_url_config(FunctionName=name, AuthType="NONE")

    assert_error(error, "ResourceNotFoundException", 404, FUNCTION_DOES_NOT_EXIST)


def test_create_function_url_config_unknown_alias(awslambda, published):
    with pytest.raises(ClientError) as error:
        awslambda.create_function_url_config(FunctionName=published["FunctionName"], Qualifier="v1", AuthType="NONE")

    assert_error(error, "ResourceNotFoundException", 404, FUNCTION_DOES_NOT_EXIST)


@pytest.mark.parametrize("qualifier", ["1", "2", "$LATEST"])
def test_create_function_url_config_qualifier_is_not_an_alias(awslambda, published, qualifier):
    with pytest.raises(ClientError) as error:
        awslambda.create_function_url_config(
            FunctionName=published["FunctionName"], Qualifier=qualifier, AuthType="NONE"
        )

    expected = snapshot(RECORDED)["create_function_url_config_qualifier_latest"]["Error"]["Message"]
    assert_error(error, "ValidationException", 400, expected.replace("'$LATEST'", f"'{qualifier}'"))


@pytest.mark.parametrize("qualifier", ["1", "$LATEST"])
def test_create_function_url_config_version_in_function_name(awslambda, published, qualifier):
    # Not recorded: AWS's pattern for the Qualifier member, applied to the qualifier inside FunctionName.
    with pytest.raises(ClientError) as error:
        awslambda.create_function_url_config(FunctionName=f"{published['FunctionName']}:{qualifier}", AuthType="NONE")

    expected = snapshot(RECORDED)["create_function_url_config_qualifier_latest"]["Error"]["Message"]
    assert_error(error, "ValidationException", 400, expected.replace("'$LATEST'", f"'{qualifier}'"))


def test_create_function_url_config_qualifier_mismatch(awslambda, published):
    with pytest.raises(ClientError) as error:
        awslambda.create_function_url_config(
            FunctionName=f"{published['FunctionName']}:live-doesnotmatch", Qualifier="live", AuthType="NONE"
        )

    expected = snapshot(RECORDED)["create_function_url_config_qualifier_alias_doesnotmatch_arn"]["Error"]["Message"]
    assert_error(error, "InvalidParameterValueException", 400, expected)


def test_get_function_url_config_answers_as_aws(awslambda, function):
    created = awslambda.create_function_url_config(FunctionName=function["FunctionName"], AuthType="NONE")

    response = awslambda.get_function_url_config(FunctionName=function["FunctionName"])

    recorded = snapshot("TestLambdaUrl::test_url_config_lifecycle")["get_url_config"]
    assert body(response).keys() == body(recorded).keys()
    assert response["InvokeMode"] == "BUFFERED"
    assert response["LastModifiedTime"] == response["CreationTime"] == created["CreationTime"]
    assert response["FunctionUrl"] == created["FunctionUrl"]


def test_get_function_url_config_of_an_alias(awslambda, published):
    created = awslambda.create_function_url_config(
        FunctionName=published["FunctionName"], Qualifier="live", AuthType="NONE", Cors=CORS
    )

    response = awslambda.get_function_url_config(FunctionName=f"{published['FunctionName']}:live")

    assert body(response) == body(created) | {"InvokeMode": "BUFFERED", "LastModifiedTime": created["CreationTime"]}


@pytest.mark.parametrize(("function_name", "qualifier"), [("doesnotexist", None), ("{name}", None), ("{name}", "v1")])
def test_get_function_url_config_missing(awslambda, published, function_name, qualifier):
    params = {"FunctionName": function_name.format(name=published["FunctionName"])}
    params |= {"Qualifier": qualifier} if qualifier else {}

    with pytest.raises(ClientError) as error:
        awslambda.get_function_url_config(**params)

    assert_error(error, "ResourceNotFoundException", 404, RESOURCE_DOES_NOT_EXIST)


def test_get_function_url_config_other_region(awslambda, function):
    with pytest.raises(ClientError) as error:
        awslambda.get_function_url_config(FunctionName=function["FunctionArn"].replace(":us-east-1:", ":eu-central-1:"))

    assert_error(
        error, "ResourceNotFoundException", 404,
        "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')",
    )


def test_update_function_url_config_answers_as_aws(awslambda, function):
    name = function["FunctionName"]
    created = awslambda.create_function_url_config(FunctionName=name, AuthType="NONE")

    response = awslambda.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")

    recorded = snapshot("TestLambdaUrl::test_url_config_lifecycle")["updated_url_config"]
    assert body(response).keys() == body(recorded).keys()  # InvokeMode only when the update sets it
    assert (response["AuthType"], response["FunctionUrl"]) == ("AWS_IAM", created["FunctionUrl"])
    assert response["LastModifiedTime"] >= response["CreationTime"] == created["CreationTime"]


def test_update_function_url_config_keeps_what_is_not_given(awslambda, function):
    name = function["FunctionName"]
    awslambda.create_function_url_config(FunctionName=name, AuthType="NONE", Cors=CORS)

    awslambda.update_function_url_config(FunctionName=name, InvokeMode="RESPONSE_STREAM")

    stored = awslambda.get_function_url_config(FunctionName=name)
    assert (stored["AuthType"], stored["Cors"], stored["InvokeMode"]) == ("NONE", CORS, "RESPONSE_STREAM")


@pytest.mark.parametrize(("function_name", "qualifier"), [("doesnotexist", None), ("{name}", "v1")])
def test_update_function_url_config_unknown_function(awslambda, published, function_name, qualifier):
    params = {"FunctionName": function_name.format(name=published["FunctionName"])}
    params |= {"Qualifier": qualifier} if qualifier else {}

    with pytest.raises(ClientError) as error:
        awslambda.update_function_url_config(**params, AuthType="AWS_IAM")

    assert_error(error, "ResourceNotFoundException", 404, FUNCTION_DOES_NOT_EXIST)


def test_update_function_url_config_without_config(awslambda, function):
    with pytest.raises(ClientError) as error:
        awslambda.update_function_url_config(FunctionName=function["FunctionName"], AuthType="AWS_IAM")

    assert_error(error, "ResourceNotFoundException", 404, RESOURCE_DOES_NOT_EXIST)


def test_delete_function_url_config_without_qualifier_keeps_the_alias_url(awslambda, published):
    name = published["FunctionName"]
    awslambda.create_function_url_config(FunctionName=name, AuthType="NONE")
    alias_url = awslambda.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE")

    response = awslambda.delete_function_url_config(FunctionName=name)

    with pytest.raises(ClientError) as error:
        awslambda.get_function_url_config(FunctionName=name)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert_error(error, "ResourceNotFoundException", 404, RESOURCE_DOES_NOT_EXIST)
    assert awslambda.get_function_url_config(FunctionName=name, Qualifier="live")["FunctionUrl"] == alias_url[
        "FunctionUrl"
    ]


@pytest.mark.parametrize(("function_name", "qualifier"), [("doesnotexist", None), ("{name}", None), ("{name}", "v1")])
def test_delete_function_url_config_missing(awslambda, published, function_name, qualifier):
    params = {"FunctionName": function_name.format(name=published["FunctionName"])}
    params |= {"Qualifier": qualifier} if qualifier else {}

    with pytest.raises(ClientError) as error:
        awslambda.delete_function_url_config(**params)

    assert_error(error, "ResourceNotFoundException", 404, RESOURCE_DOES_NOT_EXIST)


def test_list_function_url_configs_unknown_function(awslambda):
    with pytest.raises(ClientError) as error:
        awslambda.list_function_url_configs(FunctionName="doesnotexist")

    assert_error(error, "ResourceNotFoundException", 404, FUNCTION_DOES_NOT_EXIST)


def test_list_function_url_configs_empty(awslambda, function):
    response = awslambda.list_function_url_configs(FunctionName=function["FunctionName"])

    assert response["FunctionUrlConfigs"] == [] and "NextMarker" not in response


def test_list_function_url_configs_lists_function_and_aliases(awslambda, published):
    name = published["FunctionName"]
    awslambda.create_function_url_config(FunctionName=name, AuthType="NONE")
    awslambda.create_function_url_config(FunctionName=f"{name}:live", Qualifier="live", AuthType="NONE")

    configs = awslambda.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]

    recorded = snapshot("TestLambdaUrl::test_url_config_list_paging")["list_all"]["FunctionUrlConfigs"]
    assert [config.keys() for config in configs] == [entry.keys() for entry in recorded]
    assert sorted(config["FunctionArn"] for config in configs) == [published["FunctionArn"], f"{published['FunctionArn']}:live"]


def test_list_function_url_configs_pages_with_marker(awslambda, published):
    name = published["FunctionName"]
    created = {awslambda.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"],
               awslambda.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE")["FunctionUrl"]}

    first = awslambda.list_function_url_configs(FunctionName=name, MaxItems=1)
    second = awslambda.list_function_url_configs(FunctionName=name, MaxItems=1, Marker=first["NextMarker"])

    assert {first["FunctionUrlConfigs"][0]["FunctionUrl"], second["FunctionUrlConfigs"][0]["FunctionUrl"]} == created
    assert "NextMarker" not in second


def test_list_function_url_configs_paginator(awslambda, published):
    name = published["FunctionName"]
    awslambda.create_function_url_config(FunctionName=name, AuthType="NONE")
    awslambda.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE")

    pages = list(awslambda.get_paginator("list_function_url_configs").paginate(
        FunctionName=name, PaginationConfig={"PageSize": 1}
    ))

    assert [len(page["FunctionUrlConfigs"]) for page in pages] == [1, 1]
