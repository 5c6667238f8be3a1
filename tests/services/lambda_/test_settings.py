"""Account settings, reserved and provisioned concurrency through boto3 (tags are in test_tags.py).

Expected messages are AWS's own, as recorded in lambda___test_lambda_api.snapshot.json
(TestLambdaAccountSettings, TestLambdaReservedConcurrency, TestLambdaProvisionedConcurrency).
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import error_of, function_arn, make_zip, snapshot

RESERVED_BELOW_MINIMUM = (
    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below "
    "its minimum value of [100]."
)


@pytest.fixture
def published_name(awslambda, function) -> str:
    """The name of a function with a published version 1 (and no alias: the tests add their own)."""
    awslambda.publish_version(FunctionName=function["FunctionName"])
    return str(function["FunctionName"])


def account_settings(awslambda) -> dict[str, Any]:
    response: dict[str, Any] = awslambda.get_account_settings()
    return response


# -- GetAccountSettings -------------------------------------------------------------------------------------
def test_get_account_settings_limits_are_aws_defaults(awslambda) -> None:
    settings = account_settings(awslambda)

    assert settings["AccountLimit"] == {
        "TotalCodeSize": 80530636800,
        "CodeSizeUnzipped": 262144000,
        "CodeSizeZipped": 52428800,
        "ConcurrentExecutions": 1000,
        "UnreservedConcurrentExecutions": 1000,
    }
    assert settings["AccountUsage"] == {"TotalCodeSize": 0, "FunctionCount": 0}


def test_get_account_settings_has_the_members_aws_returns(awslambda) -> None:
    recorded = snapshot("TestLambdaAccountSettings::test_account_settings")["acc_settings_modded"]

    settings = account_settings(awslambda)

    assert sorted(settings["AccountLimit"]) == recorded["AccountLimit"]
    assert sorted(settings["AccountUsage"]) == recorded["AccountUsage"]


def test_get_account_settings_counts_functions_and_their_code(awslambda, create_function) -> None:
    first = create_function()
    second = create_function(Code={"ZipFile": make_zip({"app.py": "def handler(e, c):\n    return 2\n"})})

    usage = account_settings(awslambda)["AccountUsage"]

    assert usage == {"FunctionCount": 2, "TotalCodeSize": first["CodeSize"] + second["CodeSize"]}


def test_get_account_settings_counts_published_versions_code(awslambda, function) -> None:
    before = account_settings(awslambda)["AccountUsage"]

    awslambda.publish_version(FunctionName=function["FunctionName"])

    after = account_settings(awslambda)["AccountUsage"]
    assert after["TotalCodeSize"] - before["TotalCodeSize"] == function["CodeSize"]
    assert after["FunctionCount"] == before["FunctionCount"] == 1


def test_get_account_settings_counts_layer_versions_code(awslambda) -> None:
    content = make_zip({"python/lib.py": "X = 1\n"})

    awslambda.publish_layer_version(LayerName="layer", Content={"ZipFile": content})
    awslambda.publish_layer_version(LayerName="layer", Content={"ZipFile": content})

    assert account_settings(awslambda)["AccountUsage"]["TotalCodeSize"] == 2 * len(content)


def test_get_account_settings_forgets_deleted_functions(awslambda, function) -> None:
    awslambda.delete_function(FunctionName=function["FunctionName"])

    assert account_settings(awslambda)["AccountUsage"] == {"FunctionCount": 0, "TotalCodeSize": 0}


def test_get_account_settings_unreserved_concurrency_drops_with_reservations(awslambda, create_function) -> None:
    awslambda.put_function_concurrency(FunctionName=create_function()["FunctionName"], ReservedConcurrentExecutions=100)
    awslambda.put_function_concurrency(FunctionName=create_function()["FunctionName"], ReservedConcurrentExecutions=50)

    assert account_settings(awslambda)["AccountLimit"]["UnreservedConcurrentExecutions"] == 850


def test_get_account_settings_unreserved_concurrency_returns_when_reservation_deleted(awslambda, function) -> None:
    name = function["FunctionName"]
    awslambda.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=100)

    awslambda.delete_function_concurrency(FunctionName=name)

    assert account_settings(awslambda)["AccountLimit"]["UnreservedConcurrentExecutions"] == 1000


def test_get_account_settings_unreserved_concurrency_drops_with_provisioned(awslambda, published_name) -> None:
    awslambda.put_provisioned_concurrency_config(FunctionName=published_name, Qualifier="1", ProvisionedConcurrentExecutions=7)

    assert account_settings(awslambda)["AccountLimit"]["UnreservedConcurrentExecutions"] == 993


# -- Put/Get/DeleteFunctionConcurrency ----------------------------------------------------------------------
def test_put_function_concurrency_returns_the_reservation(awslambda, function) -> None:
    response = awslambda.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=1)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["ReservedConcurrentExecutions"] == 1


def test_put_function_concurrency_zero_is_allowed(awslambda, function) -> None:
    response = awslambda.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=0)

    assert response["ReservedConcurrentExecutions"] == 0


def test_get_function_concurrency_returns_the_reservation(awslambda, function) -> None:
    awslambda.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=5)

    response = awslambda.get_function_concurrency(FunctionName=function["FunctionArn"])

    assert response["ReservedConcurrentExecutions"] == 5


def test_get_function_concurrency_without_reservation_is_empty(awslambda, function) -> None:
    response = awslambda.get_function_concurrency(FunctionName=function["FunctionName"])

    assert "ReservedConcurrentExecutions" not in response


def test_get_function_shows_the_reservation(awslambda, function) -> None:
    awslambda.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=5)

    response = awslambda.get_function(FunctionName=function["FunctionName"])

    assert response["Concurrency"] == {"ReservedConcurrentExecutions": 5}


def test_delete_function_concurrency_removes_the_reservation(awslambda, function) -> None:
    name = function["FunctionName"]
    awslambda.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)

    response = awslambda.delete_function_concurrency(FunctionName=name)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in awslambda.get_function_concurrency(FunctionName=name)


def test_put_function_concurrency_unknown_function_is_not_found(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.put_function_concurrency(FunctionName="doesnotexist", ReservedConcurrentExecutions=1)

    assert error_of(excinfo) == (
        "ResourceNotFoundException", 404, f"Function not found: {function_arn('doesnotexist', '$LATEST')}"
    )


def test_put_function_concurrency_unknown_function_is_not_found_before_limits(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.put_function_concurrency(FunctionName="doesnotexist", ReservedConcurrentExecutions=2000)

    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_get_function_concurrency_unknown_function_is_not_found(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_function_concurrency(FunctionName="doesnotexist")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {function_arn('doesnotexist')}")


def test_put_function_concurrency_on_a_qualified_name_is_invalid(awslambda, published_name) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.put_function_concurrency(FunctionName=function_arn(published_name, "1"), ReservedConcurrentExecutions=1)

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. "
        "Please specify either a function name or an unqualified function ARN.",
    )


def test_put_function_concurrency_leaving_less_than_100_unreserved_is_refused(awslambda, function) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=901)

    assert error_of(excinfo) == ("InvalidParameterValueException", 400, RESERVED_BELOW_MINIMUM)


def test_put_function_concurrency_above_the_account_limit_is_refused(awslambda, function) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=1001)

    assert error_of(excinfo) == ("InvalidParameterValueException", 400, RESERVED_BELOW_MINIMUM)


def test_put_function_concurrency_leaving_exactly_100_is_allowed(awslambda, function) -> None:
    response = awslambda.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=900)

    assert response["ReservedConcurrentExecutions"] == 900


def test_put_function_concurrency_counts_other_functions_reservations(awslambda, create_function) -> None:
    awslambda.put_function_concurrency(FunctionName=create_function()["FunctionName"], ReservedConcurrentExecutions=500)

    with pytest.raises(ClientError) as excinfo:
        awslambda.put_function_concurrency(FunctionName=create_function()["FunctionName"], ReservedConcurrentExecutions=401)

    assert error_of(excinfo) == ("InvalidParameterValueException", 400, RESERVED_BELOW_MINIMUM)


def test_put_function_concurrency_replaces_the_functions_own_reservation(awslambda, function) -> None:
    name = function["FunctionName"]
    awslambda.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=800)

    response = awslambda.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=900)

    assert response["ReservedConcurrentExecutions"] == 900


def test_put_function_concurrency_negative_is_validation_error(unvalidated_lambda, function) -> None:
    with pytest.raises(ClientError) as excinfo:
        unvalidated_lambda.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=-1)

    assert error_of(excinfo) == (
        "ValidationException", 400,
        "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: "
        "Member must have value greater than or equal to 0",
    )


# -- provisioned concurrency --------------------------------------------------------------------------------
def put_provisioned(awslambda, name: str, qualifier: str, count: int = 1) -> dict[str, Any]:
    response: dict[str, Any] = awslambda.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier=qualifier, ProvisionedConcurrentExecutions=count
    )
    return response


def test_put_provisioned_concurrency_config_answers_in_progress(awslambda, published_name) -> None:
    recorded = snapshot("TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle")["put_provisioned_on_version"]

    response = put_provisioned(awslambda, published_name, "1")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert {key: value for key, value in response.items() if key not in ("ResponseMetadata", "LastModified")} == {
        key: value for key, value in recorded.items() if key not in ("ResponseMetadata", "LastModified")
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", response["LastModified"])


def test_get_provisioned_concurrency_config_is_ready_at_once(awslambda, published_name) -> None:
    put_provisioned(awslambda, published_name, "1", 3)

    response = awslambda.get_provisioned_concurrency_config(FunctionName=published_name, Qualifier="1")

    assert response["Status"] == "READY"
    assert (
        response["RequestedProvisionedConcurrentExecutions"],
        response["AvailableProvisionedConcurrentExecutions"],
        response["AllocatedProvisionedConcurrentExecutions"],
    ) == (3, 3, 3)


def test_put_provisioned_concurrency_config_on_an_alias(awslambda, published_name) -> None:
    awslambda.create_alias(FunctionName=published_name, Name="live", FunctionVersion="1")

    put_provisioned(awslambda, published_name, "live", 2)

    response = awslambda.get_provisioned_concurrency_config(FunctionName=published_name, Qualifier="live")
    assert response["RequestedProvisionedConcurrentExecutions"] == 2


def test_put_provisioned_concurrency_config_replaces_the_previous_one(awslambda, published_name) -> None:
    put_provisioned(awslambda, published_name, "1", 2)

    put_provisioned(awslambda, published_name, "1", 5)

    response = awslambda.get_provisioned_concurrency_config(FunctionName=published_name, Qualifier="1")
    assert response["RequestedProvisionedConcurrentExecutions"] == 5


def test_put_provisioned_concurrency_config_on_latest_is_invalid(awslambda, published_name) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published_name, "$LATEST")

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
    )


@pytest.mark.parametrize("operation", ["get", "delete"])
def test_provisioned_concurrency_config_of_latest_is_invalid(awslambda, published_name, operation: str) -> None:
    call = getattr(awslambda, f"{operation}_provisioned_concurrency_config")

    with pytest.raises(ClientError) as excinfo:
        call(FunctionName=published_name, Qualifier="$LATEST")

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400, "The function resource provided must be an alias or a published version."
    )


def test_get_provisioned_concurrency_config_not_configured_is_not_found(awslambda, published_name) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_provisioned_concurrency_config(FunctionName=published_name, Qualifier="1")

    assert error_of(excinfo) == (
        "ProvisionedConcurrencyConfigNotFoundException", 404, "No Provisioned Concurrency Config found for this function"
    )


@pytest.mark.parametrize("operation", ["put", "get", "delete"])
def test_provisioned_concurrency_config_of_unknown_alias_is_not_found(awslambda, published_name, operation: str) -> None:
    params: dict[str, Any] = {"FunctionName": published_name, "Qualifier": "noalias"}
    if operation == "put":
        params["ProvisionedConcurrentExecutions"] = 1

    with pytest.raises(ClientError) as excinfo:
        getattr(awslambda, f"{operation}_provisioned_concurrency_config")(**params)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Cannot find alias arn: {function_arn(published_name, 'noalias')}")


@pytest.mark.parametrize("operation", ["put", "get", "delete"])
def test_provisioned_concurrency_config_of_unknown_version_is_not_found(awslambda, published_name, operation: str) -> None:
    params: dict[str, Any] = {"FunctionName": published_name, "Qualifier": "10"}
    if operation == "put":
        params["ProvisionedConcurrentExecutions"] = 1

    with pytest.raises(ClientError) as excinfo:
        getattr(awslambda, f"{operation}_provisioned_concurrency_config")(**params)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {function_arn(published_name, '10')}")


@pytest.mark.parametrize(("qualifier", "message"), [
    ("1", f"Function not found: {function_arn('doesnotexist', '1')}"),
    ("noalias", f"Cannot find alias arn: {function_arn('doesnotexist', 'noalias')}"),
])
def test_put_provisioned_concurrency_config_unknown_function_is_not_found(awslambda, qualifier: str, message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, "doesnotexist", qualifier)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, message)


def test_put_provisioned_concurrency_config_zero_is_validation_error(unvalidated_lambda, published_name) -> None:
    recorded = snapshot("TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions")
    expected = recorded["put_provisioned_invalid_param_0"]["Error"]["Message"]

    with pytest.raises(ClientError) as excinfo:
        put_provisioned(unvalidated_lambda, published_name, "1", 0)

    assert error_of(excinfo) == ("ValidationException", 400, expected)


def test_delete_provisioned_concurrency_config_removes_it(awslambda, published_name) -> None:
    put_provisioned(awslambda, published_name, "1")

    response = awslambda.delete_provisioned_concurrency_config(FunctionName=published_name, Qualifier="1")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_provisioned_concurrency_config(FunctionName=published_name, Qualifier="1")
    assert error_of(excinfo)[0] == "ProvisionedConcurrencyConfigNotFoundException"


def test_delete_provisioned_concurrency_config_not_configured_succeeds(awslambda, published_name) -> None:
    response = awslambda.delete_provisioned_concurrency_config(FunctionName=published_name, Qualifier="1")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_put_provisioned_concurrency_config_on_alias_of_a_provisioned_version_is_a_conflict(awslambda, published_name) -> None:
    awslambda.create_alias(FunctionName=published_name, Name="live", FunctionVersion="1")
    put_provisioned(awslambda, published_name, "1")

    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published_name, "live")

    assert error_of(excinfo) == (
        "ResourceConflictException", 409,
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
    )


def test_put_provisioned_concurrency_config_on_version_of_a_provisioned_alias_is_a_conflict(awslambda, published_name) -> None:
    awslambda.create_alias(FunctionName=published_name, Name="live", FunctionVersion="1")
    put_provisioned(awslambda, published_name, "live")

    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published_name, "1")

    assert error_of(excinfo) == ("ResourceConflictException", 409, "Version is pointed by a Provisioned Concurrency alias")


def test_put_provisioned_concurrency_config_above_the_reservation_is_refused(awslambda, published_name) -> None:
    awslambda.put_function_concurrency(FunctionName=published_name, ReservedConcurrentExecutions=2)

    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published_name, "1", 3)

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function",
    )


def test_put_provisioned_concurrency_config_above_unreserved_is_refused(awslambda, published_name) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published_name, "1", 1001)

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [1000].",
    )


def test_put_provisioned_concurrency_config_leaving_less_than_100_is_refused(awslambda, published_name) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published_name, "1", 901)

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its "
        "minimum value of [100].",
    )


def test_list_provisioned_concurrency_configs_lists_each_qualifier(awslambda, published_name) -> None:
    for alias in ("blue", "green"):
        awslambda.create_alias(FunctionName=published_name, Name=alias, FunctionVersion="1")
    put_provisioned(awslambda, published_name, "blue", 1)
    put_provisioned(awslambda, published_name, "green", 2)

    configs = awslambda.list_provisioned_concurrency_configs(FunctionName=published_name)["ProvisionedConcurrencyConfigs"]

    assert [(c["FunctionArn"], c["RequestedProvisionedConcurrentExecutions"], c["Status"]) for c in configs] == [
        (function_arn(published_name, "blue"), 1, "READY"), (function_arn(published_name, "green"), 2, "READY")
    ]


def test_list_provisioned_concurrency_configs_without_any_is_empty(awslambda, published_name) -> None:
    response = awslambda.list_provisioned_concurrency_configs(FunctionName=published_name)

    assert response["ProvisionedConcurrencyConfigs"] == []


def test_list_provisioned_concurrency_configs_unknown_function_is_not_found(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.list_provisioned_concurrency_configs(FunctionName="doesnotexist")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {function_arn('doesnotexist')}")


def test_list_provisioned_concurrency_configs_leaves_out_deleted_aliases(awslambda, published_name) -> None:
    awslambda.create_alias(FunctionName=published_name, Name="live", FunctionVersion="1")
    put_provisioned(awslambda, published_name, "live")

    awslambda.delete_alias(FunctionName=published_name, Name="live")

    assert awslambda.list_provisioned_concurrency_configs(FunctionName=published_name)["ProvisionedConcurrencyConfigs"] == []


def test_list_provisioned_concurrency_configs_paginator_walks_every_config(awslambda, published_name) -> None:
    for name in ("a", "b", "c"):
        awslambda.create_alias(FunctionName=published_name, Name=name, FunctionVersion="1")
    for name in ("a", "b", "c"):
        put_provisioned(awslambda, published_name, name)

    paginator = awslambda.get_paginator("list_provisioned_concurrency_configs")
    pages = list(paginator.paginate(FunctionName=published_name, PaginationConfig={"PageSize": 2}))

    assert [[c["FunctionArn"].rsplit(":", 1)[1] for c in page["ProvisionedConcurrencyConfigs"]] for page in pages] == [
        ["a", "b"], ["c"]
    ]
