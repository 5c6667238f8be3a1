"""Create/Get/Update/Delete/ListAliases through boto3, against AWS's recorded responses and messages."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import error_of, snapshot
from tests.services.lambda_.conftest import function_arn as arn


def recorded(test: str, key: str, name: str) -> dict[str, Any]:
    """A recorded response with its placeholders replaced by this test's function."""
    text = json.dumps(snapshot(f"TestLambdaAlias::{test}")[key])
    for placeholder, value in {
        "arn:<partition>:lambda:<region>:111111111111:function:<function-name:1>": arn(name),
    }.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def without_revision(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key not in ("RevisionId", "ResponseMetadata")}


@pytest.fixture
def function_with_versions(awslambda, create_function) -> Callable[[int], str]:
    """function_with_versions(n) -> the name of a new function with versions 1..n published."""

    def make(count: int) -> str:
        name = create_function()["FunctionName"]
        for number in range(1, count + 1):
            awslambda.update_function_configuration(FunctionName=name, Description=f"v{number}")
            awslambda.get_waiter("function_updated_v2").wait(FunctionName=name)
            awslambda.publish_version(FunctionName=name)
        return name

    return make


# --- CreateAlias ---


def test_create_alias_with_routing_config(awslambda, function_with_versions):
    name = function_with_versions(2)

    response = awslambda.create_alias(
        FunctionName=name,
        Name="aliasname1_1",
        FunctionVersion="1",
        Description="custom-alias",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}},
    )

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert without_revision(response) == without_revision(recorded("test_alias_lifecycle", "create_alias_1_1", name))


def test_create_alias_description_defaults_to_empty(awslambda, function_with_versions):
    name = function_with_versions(1)

    response = awslambda.create_alias(FunctionName=name, Name="aliasname1_3", FunctionVersion="1")

    assert without_revision(response) == without_revision(recorded("test_alias_lifecycle", "create_alias_1_3", name))


def test_create_alias_on_latest(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.create_alias(FunctionName=name, Name="custom-latest", FunctionVersion="$LATEST")

    expected = recorded("test_notfound_and_invalid_routingconfigs", "create-alias-latest", name)
    assert without_revision(response) == without_revision(expected)


def test_create_alias_empty_routing_config_is_left_out(awslambda, function_with_versions):
    name = function_with_versions(1)

    response = awslambda.create_alias(
        FunctionName=name,
        Name="custom-empty-routingconfig",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {}},
    )

    assert "RoutingConfig" not in response


def test_create_alias_date_like_name(awslambda, function_with_versions):
    name = function_with_versions(1)

    response = awslambda.create_alias(FunctionName=name, Name="2024-01-02", FunctionVersion="1")

    assert response["AliasArn"] == arn(name, "2024-01-02")


def test_create_alias_numeric_name(awslambda, function_with_versions):
    name = function_with_versions(1)

    with pytest.raises(ClientError) as excinfo:
        awslambda.create_alias(FunctionName=name, Name="2024", FunctionVersion="1")

    expected = snapshot("TestLambdaAlias::test_alias_naming")["create_alias_number_exception"]["Error"]
    assert error_of(excinfo) == ("ValidationException", 400, expected["Message"])


def test_create_alias_duplicate_name(awslambda, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="custom", FunctionVersion="1")

    with pytest.raises(ClientError) as excinfo:
        awslambda.create_alias(FunctionName=name, Name="custom", FunctionVersion="1")

    assert error_of(excinfo) == ("ResourceConflictException", 409, f"Alias already exists: {arn(name, 'custom')}")


def test_create_alias_unknown_version(awslambda, function_with_versions):
    name = function_with_versions(1)

    with pytest.raises(ClientError) as excinfo:
        awslambda.create_alias(FunctionName=name, Name="custom", FunctionVersion="10")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn(name, '10')}")


def test_create_alias_unknown_function(awslambda):
    with pytest.raises(ClientError) as excinfo:
        awslambda.create_alias(FunctionName="nothing-here", Name="custom", FunctionVersion="1")

    # AWS names the missing function together with the requested version.
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('nothing-here', '1')}")


def test_create_alias_routing_to_two_versions(awslambda, function_with_versions):
    name = function_with_versions(2)

    with pytest.raises(ClientError) as excinfo:
        awslambda.create_alias(
            FunctionName=name,
            Name="custom",
            FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"1": 0.8, "2": 0.2}},
        )

    message = "Number of items in AdditionalVersionWeights cannot be greater than 1"
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, message)


def test_create_alias_routing_to_its_own_version(awslambda, function_with_versions):
    name = function_with_versions(1)

    with pytest.raises(ClientError) as excinfo:
        awslambda.create_alias(
            FunctionName=name, Name="custom", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}}
        )

    message = "Invalid function version 1. Function version 1 is already included in routing configuration."
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, message)


def test_create_alias_routing_to_unknown_version(awslambda, function_with_versions):
    name = function_with_versions(1)

    with pytest.raises(ClientError) as excinfo:
        awslambda.create_alias(
            FunctionName=name, Name="custom", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"10": 0.5}}
        )

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn(name, '10')}")


def test_create_alias_routing_from_latest(awslambda, function_with_versions):
    name = function_with_versions(1)

    with pytest.raises(ClientError) as excinfo:
        awslambda.create_alias(
            FunctionName=name,
            Name="custom",
            FunctionVersion="$LATEST",
            RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}},
        )

    message = "$LATEST is not supported for an alias pointing to more than 1 version"
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, message)


@pytest.mark.parametrize(
    ("weights", "key"),
    [({"2": 2}, "routing_config_exc_toohigh"), ({"2": -1}, "routing_config_exc_subzero")],
)
def test_create_alias_routing_weight_out_of_range(unvalidated_lambda, function_with_versions, weights, key):
    name = function_with_versions(2)

    with pytest.raises(ClientError) as excinfo:
        unvalidated_lambda.create_alias(
            FunctionName=name, Name="custom", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": weights}
        )

    expected = snapshot("test_notfound_and_invalid_routingconfigs")[key]["Error"]["Message"]
    assert error_of(excinfo) == ("ValidationException", 400, expected)


def test_create_alias_routing_to_latest(unvalidated_lambda, function_with_versions):
    name = function_with_versions(1)

    with pytest.raises(ClientError) as excinfo:
        unvalidated_lambda.create_alias(
            FunctionName=name,
            Name="custom",
            FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"$LATEST": 0.5}},
        )

    key = "routing_config_exc_version_latest"
    expected = snapshot("test_notfound_and_invalid_routingconfigs")[key]["Error"]["Message"]
    assert error_of(excinfo) == ("ValidationException", 400, expected)


# --- GetAlias ---


def test_get_alias_returns_created_alias(awslambda, function_with_versions):
    name = function_with_versions(2)
    created = awslambda.create_alias(
        FunctionName=name, Name="live", FunctionVersion="2", RoutingConfig={"AdditionalVersionWeights": {"1": 0.1}}
    )

    response = awslambda.get_alias(FunctionName=name, Name="live")

    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {
        k: v for k, v in created.items() if k != "ResponseMetadata"
    }


def test_get_alias_by_function_arn(awslambda, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    assert awslambda.get_alias(FunctionName=arn(name), Name="live")["AliasArn"] == arn(name, "live")


def test_get_alias_unknown_alias(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_alias(FunctionName=name, Name="non-existent")

    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        f"Cannot find alias arn: {arn(name, 'non-existent')}",
    )


def test_get_alias_unknown_function(awslambda):
    with pytest.raises(ClientError) as excinfo:
        awslambda.get_alias(FunctionName="nothing-here", Name="live")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('nothing-here')}")


# --- UpdateAlias ---


def test_update_alias_changes_version(awslambda, function_with_versions):
    name = function_with_versions(2)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    response = awslambda.update_alias(FunctionName=name, Name="live", FunctionVersion="2")

    assert response["FunctionVersion"] == "2"
    assert awslambda.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == "2"


def test_update_alias_changes_description(awslambda, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1", Description="old")

    response = awslambda.update_alias(FunctionName=name, Name="live", Description="something changed")

    assert (response["Description"], response["FunctionVersion"]) == ("something changed", "1")


def test_update_alias_without_changes_renews_revision_id(awslambda, function_with_versions):
    name = function_with_versions(1)
    created = awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    response = awslambda.update_alias(FunctionName=name, Name="live")

    assert response["RevisionId"] != created["RevisionId"]
    assert without_revision(response) == without_revision(created)


def test_update_alias_empty_weights_remove_routing(awslambda, function_with_versions):
    name = function_with_versions(2)
    awslambda.create_alias(
        FunctionName=name, Name="live", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}}
    )

    response = awslambda.update_alias(FunctionName=name, Name="live", RoutingConfig={"AdditionalVersionWeights": {}})

    assert "RoutingConfig" not in response


def test_update_alias_without_routing_keeps_routing(awslambda, function_with_versions):
    name = function_with_versions(2)
    awslambda.create_alias(
        FunctionName=name, Name="live", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}}
    )

    response = awslambda.update_alias(FunctionName=name, Name="live", Description="x")

    assert response["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.2}}


def test_update_alias_sets_routing(awslambda, function_with_versions):
    name = function_with_versions(2)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    response = awslambda.update_alias(
        FunctionName=name, Name="live", RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}}
    )

    assert response["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.25}}


def test_update_alias_version_onto_its_routing_version(awslambda, function_with_versions):
    name = function_with_versions(2)
    awslambda.create_alias(
        FunctionName=name, Name="live", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}}
    )

    with pytest.raises(ClientError) as excinfo:
        awslambda.update_alias(FunctionName=name, Name="live", FunctionVersion="2")

    message = "Invalid function version 2. Function version 2 is already included in routing configuration."
    assert error_of(excinfo) == ("InvalidParameterValueException", 400, message)


def test_update_alias_matching_revision_id(awslambda, function_with_versions):
    name = function_with_versions(1)
    created = awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    response = awslambda.update_alias(FunctionName=name, Name="live", Description="d", RevisionId=created["RevisionId"])

    assert response["Description"] == "d"


def test_update_alias_wrong_revision_id(awslambda, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    with pytest.raises(ClientError) as excinfo:
        awslambda.update_alias(FunctionName=name, Name="live", RevisionId="wrong")

    recorded_error = snapshot("test_function_revisions_version_and_alias")["update_alias_revision_exception"]["Error"]
    assert error_of(excinfo) == ("PreconditionFailedException", 412, recorded_error["Message"])


def test_update_alias_unknown_alias(awslambda, create_function):
    name = create_function()["FunctionName"]

    with pytest.raises(ClientError) as excinfo:
        awslambda.update_alias(FunctionName=name, Name="non-existent")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Alias not found: {arn(name, 'non-existent')}")


def test_update_alias_unknown_version(awslambda, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    with pytest.raises(ClientError) as excinfo:
        awslambda.update_alias(FunctionName=name, Name="live", FunctionVersion="7")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn(name, '7')}")


def test_update_alias_does_not_change_function_revision_id(awslambda, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    before = awslambda.get_function_configuration(FunctionName=name)["RevisionId"]

    awslambda.update_alias(FunctionName=name, Name="live", Description="x")

    assert awslambda.get_function_configuration(FunctionName=name)["RevisionId"] == before


# --- DeleteAlias ---


def test_delete_alias_removes_alias(awslambda, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    response = awslambda.delete_alias(FunctionName=name, Name="live")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert awslambda.list_aliases(FunctionName=name)["Aliases"] == []


def test_delete_alias_unknown_alias_succeeds(awslambda, create_function):
    # Recorded: AWS answers 204 for an alias that does not exist.
    name = create_function()["FunctionName"]

    response = awslambda.delete_alias(FunctionName=name, Name="non-existent")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_alias_unknown_function_succeeds(awslambda):
    # Not recorded against AWS: the model declares no ResourceNotFoundException for DeleteAlias, and a missing
    # alias is no error (recorded), so neither is a missing function.
    response = awslambda.delete_alias(FunctionName="nothing-here", Name="live")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_alias_removes_its_policy(awslambda, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    awslambda.add_permission(
        FunctionName=name, Qualifier="live", StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com"
    )
    awslambda.delete_alias(FunctionName=name, Name="live")
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")

    with pytest.raises(ClientError) as excinfo:
        awslambda.get_policy(FunctionName=name, Qualifier="live")

    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_delete_function_removes_its_aliases(awslambda, create_function, function_with_versions):
    name = function_with_versions(1)
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    awslambda.delete_function(FunctionName=name)
    create_function(FunctionName=name)

    assert awslambda.list_aliases(FunctionName=name)["Aliases"] == []


# --- ListAliases ---


def test_list_aliases_all(awslambda, function_with_versions):
    name = function_with_versions(2)
    for alias, version in (("b-live", "2"), ("a-test", "1")):
        awslambda.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)

    aliases = awslambda.list_aliases(FunctionName=name)["Aliases"]

    assert [(a["Name"], a["FunctionVersion"], a["AliasArn"]) for a in aliases] == [
        ("a-test", "1", arn(name, "a-test")),
        ("b-live", "2", arn(name, "b-live")),
    ]


def test_list_aliases_function_version(awslambda, function_with_versions):
    name = function_with_versions(2)
    for alias, version in (("one", "1"), ("two", "2"), ("uno", "1")):
        awslambda.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)

    aliases = awslambda.list_aliases(FunctionName=name, FunctionVersion="1")["Aliases"]

    assert [a["Name"] for a in aliases] == ["one", "uno"]


def test_list_aliases_none(awslambda, create_function):
    name = create_function()["FunctionName"]

    response = awslambda.list_aliases(FunctionName=name)

    assert response["Aliases"] == [] and "NextMarker" not in response


def test_list_aliases_max_items(awslambda, function_with_versions):
    name = function_with_versions(1)
    for alias in ("a", "b", "c"):
        awslambda.create_alias(FunctionName=name, Name=alias, FunctionVersion="1")

    first = awslambda.list_aliases(FunctionName=name, MaxItems=2)
    second = awslambda.list_aliases(FunctionName=name, MaxItems=2, Marker=first["NextMarker"])

    assert [a["Name"] for a in first["Aliases"]] == ["a", "b"]
    assert [a["Name"] for a in second["Aliases"]] == ["c"]
    assert "NextMarker" not in second


def test_list_aliases_paginator(awslambda, function_with_versions):
    name = function_with_versions(1)
    for alias in ("a", "b", "c", "d"):
        awslambda.create_alias(FunctionName=name, Name=alias, FunctionVersion="1")

    pages = awslambda.get_paginator("list_aliases").paginate(FunctionName=name, PaginationConfig={"PageSize": 1})

    assert [[a["Name"] for a in page["Aliases"]] for page in pages] == [["a"], ["b"], ["c"], ["d"]]


def test_list_aliases_unknown_function(awslambda):
    with pytest.raises(ClientError) as excinfo:
        awslambda.list_aliases(FunctionName="nothing-here")

    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Function not found: {arn('nothing-here')}")
