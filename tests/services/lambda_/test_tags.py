"""TagResource, UntagResource and ListTags through boto3, on functions and event source mappings.

Expected messages are AWS's own, as recorded in lambda___test_lambda_api.snapshot.json (TestLambdaTag,
TestLambdaTags).
"""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import ACCOUNT, REGION, error_of, function_arn, snapshot

NOT_A_FUNCTION_ARN = "Tags on function aliases and versions are not supported. Please specify a function ARN."
TAG_LIMIT = "Number of tags exceeds resource tag limit."


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
