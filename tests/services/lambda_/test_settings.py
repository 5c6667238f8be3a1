"""Tags, account settings, reserved and provisioned concurrency through boto3.

Expected messages are AWS's own, as recorded in lambda___test_lambda_api.snapshot.json (TestLambdaTag,
TestLambdaTags, TestLambdaAccountSettings, TestLambdaReservedConcurrency, TestLambdaProvisionedConcurrency).
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import make_zip, snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NOT_A_FUNCTION_ARN = "Tags on function aliases and versions are not supported. Please specify a function ARN."
TAG_LIMIT = "Number of tags exceeds resource tag limit."
RESERVED_BELOW_MINIMUM = (
    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below "
    "its minimum value of [100]."
)


def function_arn(name: str, qualifier: str | None = None) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}" + (f":{qualifier}" if qualifier else "")


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


@pytest.fixture
def function(create_function) -> dict[str, Any]:
    """A function's CreateFunction response."""
    return create_function()


@pytest.fixture
def published(awslambda, function) -> str:
    """The name of a function with a published version 1."""
    awslambda.publish_version(FunctionName=function["FunctionName"])
    return str(function["FunctionName"])


@pytest.fixture
def unchecked(client) -> Any:
    """A Lambda client that sends what boto3 would refuse itself, so the server's validation answers."""
    return client("lambda", config=Config(parameter_validation=False))


def account_settings(awslambda) -> dict[str, Any]:
    response: dict[str, Any] = awslambda.get_account_settings()
    return response


# -- TagResource / UntagResource / ListTags -----------------------------------------------------------------
def test_tag_resource_then_list_tags_shows_them(awslambda, function) -> None:
    response = awslambda.tag_resource(Resource=function["FunctionArn"], Tags={"A": "tag-a", "B": "tag-b"})

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert awslambda.list_tags(Resource=function["FunctionArn"])["Tags"] == {"A": "tag-a", "B": "tag-b"}


def test_tag_resource_overwrites_keys_it_repeats(awslambda, function) -> None:
    recorded = snapshot("TestLambdaTag::test_tag_lifecycle[lambda_function]")["tag_overlap_response_listtags"]
    arn = function["FunctionArn"]
    awslambda.tag_resource(Resource=arn, Tags={"A": "tag-a", "B": "tag-b", "C": "tag-c"})

    awslambda.tag_resource(Resource=arn, Tags={"C": "tag-c-newsuffix", "D": "tag-d"})

    assert awslambda.list_tags(Resource=arn)["Tags"] == recorded["Tags"]


def test_untag_resource_removes_the_keys(awslambda, function) -> None:
    arn = function["FunctionArn"]
    awslambda.tag_resource(Resource=arn, Tags={"A": "tag-a", "B": "tag-b", "C": "tag-c"})

    response = awslambda.untag_resource(Resource=arn, TagKeys=["A", "C"])

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert awslambda.list_tags(Resource=arn)["Tags"] == {"B": "tag-b"}


def test_untag_resource_ignores_keys_that_are_not_there(awslambda, function) -> None:
    arn = function["FunctionArn"]
    awslambda.tag_resource(Resource=arn, Tags={"D": "tag-d"})

    awslambda.untag_resource(Resource=arn, TagKeys=["doesnotexist", "D"])

    assert awslambda.list_tags(Resource=arn)["Tags"] == {}


def test_list_tags_of_an_untagged_function_is_empty(awslambda, function) -> None:
    assert awslambda.list_tags(Resource=function["FunctionArn"])["Tags"] == {}


def test_list_tags_shows_tags_given_on_create(awslambda, create_function) -> None:
    created = create_function(Tags={"testtag": "value"})

    assert awslambda.list_tags(Resource=created["FunctionArn"])["Tags"] == {"testtag": "value"}


def test_get_function_shows_tags_added_later(awslambda, function) -> None:
    awslambda.tag_resource(Resource=function["FunctionArn"], Tags={"A": "tag-a"})

    assert awslambda.get_function(FunctionName=function["FunctionName"])["Tags"] == {"A": "tag-a"}


@pytest.mark.parametrize("operation", ["tag", "untag", "list"])
def test_tags_of_unknown_function_are_not_found(awslambda, operation: str) -> None:
    arn = function_arn("doesnotexist")
    calls = {
        "tag": lambda: awslambda.tag_resource(Resource=arn, Tags={"A": "a"}),
        "untag": lambda: awslambda.untag_resource(Resource=arn, TagKeys=["A"]),
        "list": lambda: awslambda.list_tags(Resource=arn),
    }

    with pytest.raises(ClientError) as excinfo:
        calls[operation]()

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn}")


def test_list_tags_of_another_accounts_function_is_not_found(awslambda, client, function) -> None:
    other = client("lambda", aws_access_key_id="210987654321", aws_secret_access_key="secret")
    arn = function["FunctionArn"].replace(ACCOUNT, "210987654321")

    with pytest.raises(ClientError) as excinfo:
        other.list_tags(Resource=function["FunctionArn"])
    with pytest.raises(ClientError) as mine:
        awslambda.list_tags(Resource=arn)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {function['FunctionArn']}")
    assert error_of(mine) == ("ResourceNotFoundException", 404, f"Function not found: {arn}")


def test_list_tags_of_deleted_function_is_not_found(awslambda, function) -> None:
    awslambda.tag_resource(Resource=function["FunctionArn"], Tags={"A": "tag-a"})
    awslambda.delete_function(FunctionName=function["FunctionName"])

    with pytest.raises(ClientError) as excinfo:
        awslambda.list_tags(Resource=function["FunctionArn"])

    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize("qualifier", ["$LATEST", "1", "alias"])
def test_tag_resource_on_a_qualified_arn_is_invalid(awslambda, function, qualifier: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.tag_resource(Resource=function_arn(function["FunctionName"], qualifier), Tags={"A": "a"})

    assert error_of(excinfo) == ("InvalidParameterValueException", 400, NOT_A_FUNCTION_ARN)


def test_tag_resource_more_than_50_tags_is_refused(awslambda, function) -> None:
    tags = {f"{i}_key": f"{i}_value" for i in range(51)}

    with pytest.raises(ClientError) as excinfo:
        awslambda.tag_resource(Resource=function["FunctionArn"], Tags=tags)

    assert error_of(excinfo) == ("InvalidParameterValueException", 400, TAG_LIMIT)


def test_tag_resource_50_tags_is_allowed(awslambda, function) -> None:
    tags = {f"{i}_key": f"{i}_value" for i in range(50)}

    awslambda.tag_resource(Resource=function["FunctionArn"], Tags=tags)

    assert awslambda.list_tags(Resource=function["FunctionArn"])["Tags"] == tags


def test_tag_resource_beyond_50_in_total_is_refused(awslambda, function) -> None:
    awslambda.tag_resource(Resource=function["FunctionArn"], Tags={f"{i}_key": f"{i}_value" for i in range(50)})

    with pytest.raises(ClientError) as excinfo:
        awslambda.tag_resource(Resource=function["FunctionArn"], Tags={"50_key": "50_value"})

    assert error_of(excinfo) == ("InvalidParameterValueException", 400, TAG_LIMIT)


def test_tag_resource_without_tags_is_invalid(awslambda, function) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.tag_resource(Resource=function["FunctionArn"], Tags={})

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400, "An error occurred and the request cannot be processed."
    )


def test_untag_resource_without_keys_is_validation_error(awslambda, function) -> None:
    recorded = snapshot("TestLambdaTags::test_tag_exceptions")["untag_empty_keys"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.untag_resource(Resource=function["FunctionArn"], TagKeys=[])

    assert error_of(excinfo) == ("ValidationException", 400, recorded["Error"]["Message"])


def test_tag_resource_on_something_else_than_lambda_is_validation_error(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.tag_resource(Resource=f"arn:aws:lambda:{REGION}:{ACCOUNT}:foobar:name", Tags={"A": "a"})

    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(
        f"1 validation error detected: Value 'arn:aws:lambda:{REGION}:{ACCOUNT}:foobar:name' at 'resource' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
    )


def test_tag_resource_unknown_event_source_mapping_is_not_found(awslambda) -> None:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:0b1d5e4c-6b7a-4d1e-9a3b-2c4d5e6f7a8b"

    with pytest.raises(ClientError) as excinfo:
        awslambda.tag_resource(Resource=arn, Tags={"A": "a"})

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Event source mapping not found: {arn}")


def test_tag_resource_on_an_event_source_mapping(awslambda, function) -> None:
    mapping = awslambda.create_event_source_mapping(
        FunctionName=function["FunctionName"], EventSourceArn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue", Tags={"A": "a"}
    )

    awslambda.tag_resource(Resource=mapping["EventSourceMappingArn"], Tags={"B": "b"})
    awslambda.untag_resource(Resource=mapping["EventSourceMappingArn"], TagKeys=["A"])

    assert awslambda.list_tags(Resource=mapping["EventSourceMappingArn"])["Tags"] == {"B": "b"}


def test_tag_resource_unknown_capacity_provider_is_not_found(awslambda) -> None:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:capacity-provider:doesnotexist"

    with pytest.raises(ClientError) as excinfo:
        awslambda.list_tags(Resource=arn)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Capacity provider not found: {arn}")


def test_tag_resource_unknown_code_signing_config_is_not_found(awslambda) -> None:
    # Not recorded from AWS: the wording follows its event source mapping and capacity provider messages.
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:code-signing-config:csc-0123456789abcdefg"

    with pytest.raises(ClientError) as excinfo:
        awslambda.tag_resource(Resource=arn, Tags={"A": "a"})

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Code signing config not found: {arn}")


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


def test_get_account_settings_unreserved_concurrency_drops_with_provisioned(awslambda, published) -> None:
    awslambda.put_provisioned_concurrency_config(FunctionName=published, Qualifier="1", ProvisionedConcurrentExecutions=7)

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


def test_put_function_concurrency_on_a_qualified_name_is_invalid(awslambda, published) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.put_function_concurrency(FunctionName=function_arn(published, "1"), ReservedConcurrentExecutions=1)

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


def test_put_function_concurrency_negative_is_validation_error(unchecked, function) -> None:
    with pytest.raises(ClientError) as excinfo:
        unchecked.put_function_concurrency(FunctionName=function["FunctionName"], ReservedConcurrentExecutions=-1)

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


def test_put_provisioned_concurrency_config_answers_in_progress(awslambda, published) -> None:
    recorded = snapshot("TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle")["put_provisioned_on_version"]

    response = put_provisioned(awslambda, published, "1")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert {key: value for key, value in response.items() if key not in ("ResponseMetadata", "LastModified")} == {
        key: value for key, value in recorded.items() if key not in ("ResponseMetadata", "LastModified")
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", response["LastModified"])


def test_get_provisioned_concurrency_config_is_ready_at_once(awslambda, published) -> None:
    put_provisioned(awslambda, published, "1", 3)

    response = awslambda.get_provisioned_concurrency_config(FunctionName=published, Qualifier="1")

    assert response["Status"] == "READY"
    assert (
        response["RequestedProvisionedConcurrentExecutions"],
        response["AvailableProvisionedConcurrentExecutions"],
        response["AllocatedProvisionedConcurrentExecutions"],
    ) == (3, 3, 3)


def test_put_provisioned_concurrency_config_on_an_alias(awslambda, published) -> None:
    awslambda.create_alias(FunctionName=published, Name="live", FunctionVersion="1")

    put_provisioned(awslambda, published, "live", 2)

    response = awslambda.get_provisioned_concurrency_config(FunctionName=published, Qualifier="live")
    assert response["RequestedProvisionedConcurrentExecutions"] == 2


def test_put_provisioned_concurrency_config_replaces_the_previous_one(awslambda, published) -> None:
    put_provisioned(awslambda, published, "1", 2)

    put_provisioned(awslambda, published, "1", 5)

    response = awslambda.get_provisioned_concurrency_config(FunctionName=published, Qualifier="1")
    assert response["RequestedProvisionedConcurrentExecutions"] == 5


def test_put_provisioned_concurrency_config_on_latest_is_invalid(awslambda, published) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published, "$LATEST")

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
    )


@pytest.mark.parametrize("operation", ["get", "delete"])
def test_provisioned_concurrency_config_of_latest_is_invalid(awslambda, published, operation: str) -> None:
    call = getattr(awslambda, f"{operation}_provisioned_concurrency_config")

    with pytest.raises(ClientError) as excinfo:
        call(FunctionName=published, Qualifier="$LATEST")

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400, "The function resource provided must be an alias or a published version."
    )


def test_get_provisioned_concurrency_config_not_configured_is_not_found(awslambda, published) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_provisioned_concurrency_config(FunctionName=published, Qualifier="1")

    assert error_of(excinfo) == (
        "ProvisionedConcurrencyConfigNotFoundException", 404, "No Provisioned Concurrency Config found for this function"
    )


@pytest.mark.parametrize("operation", ["put", "get", "delete"])
def test_provisioned_concurrency_config_of_unknown_alias_is_not_found(awslambda, published, operation: str) -> None:
    params: dict[str, Any] = {"FunctionName": published, "Qualifier": "noalias"}
    if operation == "put":
        params["ProvisionedConcurrentExecutions"] = 1

    with pytest.raises(ClientError) as excinfo:
        getattr(awslambda, f"{operation}_provisioned_concurrency_config")(**params)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Cannot find alias arn: {function_arn(published, 'noalias')}")


@pytest.mark.parametrize("operation", ["put", "get", "delete"])
def test_provisioned_concurrency_config_of_unknown_version_is_not_found(awslambda, published, operation: str) -> None:
    params: dict[str, Any] = {"FunctionName": published, "Qualifier": "10"}
    if operation == "put":
        params["ProvisionedConcurrentExecutions"] = 1

    with pytest.raises(ClientError) as excinfo:
        getattr(awslambda, f"{operation}_provisioned_concurrency_config")(**params)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {function_arn(published, '10')}")


@pytest.mark.parametrize(("qualifier", "message"), [
    ("1", f"Function not found: {function_arn('doesnotexist', '1')}"),
    ("noalias", f"Cannot find alias arn: {function_arn('doesnotexist', 'noalias')}"),
])
def test_put_provisioned_concurrency_config_unknown_function_is_not_found(awslambda, qualifier: str, message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, "doesnotexist", qualifier)

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, message)


def test_put_provisioned_concurrency_config_zero_is_validation_error(unchecked, published) -> None:
    recorded = snapshot("TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions")
    expected = recorded["put_provisioned_invalid_param_0"]["Error"]["Message"]

    with pytest.raises(ClientError) as excinfo:
        put_provisioned(unchecked, published, "1", 0)

    assert error_of(excinfo) == ("ValidationException", 400, expected)


def test_delete_provisioned_concurrency_config_removes_it(awslambda, published) -> None:
    put_provisioned(awslambda, published, "1")

    response = awslambda.delete_provisioned_concurrency_config(FunctionName=published, Qualifier="1")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_provisioned_concurrency_config(FunctionName=published, Qualifier="1")
    assert error_of(excinfo)[0] == "ProvisionedConcurrencyConfigNotFoundException"


def test_delete_provisioned_concurrency_config_not_configured_succeeds(awslambda, published) -> None:
    response = awslambda.delete_provisioned_concurrency_config(FunctionName=published, Qualifier="1")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_put_provisioned_concurrency_config_on_alias_of_a_provisioned_version_is_a_conflict(awslambda, published) -> None:
    awslambda.create_alias(FunctionName=published, Name="live", FunctionVersion="1")
    put_provisioned(awslambda, published, "1")

    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published, "live")

    assert error_of(excinfo) == (
        "ResourceConflictException", 409,
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
    )


def test_put_provisioned_concurrency_config_on_version_of_a_provisioned_alias_is_a_conflict(awslambda, published) -> None:
    awslambda.create_alias(FunctionName=published, Name="live", FunctionVersion="1")
    put_provisioned(awslambda, published, "live")

    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published, "1")

    assert error_of(excinfo) == ("ResourceConflictException", 409, "Version is pointed by a Provisioned Concurrency alias")


def test_put_provisioned_concurrency_config_above_the_reservation_is_refused(awslambda, published) -> None:
    awslambda.put_function_concurrency(FunctionName=published, ReservedConcurrentExecutions=2)

    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published, "1", 3)

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function",
    )


def test_put_provisioned_concurrency_config_above_unreserved_is_refused(awslambda, published) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published, "1", 1001)

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [1000].",
    )


def test_put_provisioned_concurrency_config_leaving_less_than_100_is_refused(awslambda, published) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_provisioned(awslambda, published, "1", 901)

    assert error_of(excinfo) == (
        "InvalidParameterValueException", 400,
        "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its "
        "minimum value of [100].",
    )


def test_list_provisioned_concurrency_configs_lists_each_qualifier(awslambda, published) -> None:
    for alias in ("blue", "green"):
        awslambda.create_alias(FunctionName=published, Name=alias, FunctionVersion="1")
    put_provisioned(awslambda, published, "blue", 1)
    put_provisioned(awslambda, published, "green", 2)

    configs = awslambda.list_provisioned_concurrency_configs(FunctionName=published)["ProvisionedConcurrencyConfigs"]

    assert [(c["FunctionArn"], c["RequestedProvisionedConcurrentExecutions"], c["Status"]) for c in configs] == [
        (function_arn(published, "blue"), 1, "READY"), (function_arn(published, "green"), 2, "READY")
    ]


def test_list_provisioned_concurrency_configs_without_any_is_empty(awslambda, published) -> None:
    response = awslambda.list_provisioned_concurrency_configs(FunctionName=published)

    assert response["ProvisionedConcurrencyConfigs"] == []


def test_list_provisioned_concurrency_configs_unknown_function_is_not_found(awslambda) -> None:
    with pytest.raises(ClientError) as excinfo:
        awslambda.list_provisioned_concurrency_configs(FunctionName="doesnotexist")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {function_arn('doesnotexist')}")


def test_list_provisioned_concurrency_configs_leaves_out_deleted_aliases(awslambda, published) -> None:
    awslambda.create_alias(FunctionName=published, Name="live", FunctionVersion="1")
    put_provisioned(awslambda, published, "live")

    awslambda.delete_alias(FunctionName=published, Name="live")

    assert awslambda.list_provisioned_concurrency_configs(FunctionName=published)["ProvisionedConcurrencyConfigs"] == []


def test_list_provisioned_concurrency_configs_paginator_walks_every_config(awslambda, published) -> None:
    for name in ("a", "b", "c"):
        awslambda.create_alias(FunctionName=published, Name=name, FunctionVersion="1")
    for name in ("a", "b", "c"):
        put_provisioned(awslambda, published, name)

    paginator = awslambda.get_paginator("list_provisioned_concurrency_configs")
    pages = list(paginator.paginate(FunctionName=published, PaginationConfig={"PageSize": 2}))

    assert [[c["FunctionArn"].rsplit(":", 1)[1] for c in page["ProvisionedConcurrencyConfigs"]] for page in pages] == [
        ["a", "b"], ["c"]
    ]
