"""Input validation against botocore's models, with AWS's error codes and messages.

Expected messages come from, in order of trust:
- "snapshot": reference/aws-snapshots (recorded against real AWS), quoted verbatim;
- "recorded": DynamoDB messages recorded by the dynalite project's tests against real DynamoDB, and Cognito
  messages quoted from real responses; the form is AWS's, the numbers and patterns are botocore's;
- otherwise the form of a verified message applied to another member (the test says which).
"""
from __future__ import annotations

import re
from typing import Any

import pytest

from mocklambda.protocol.errors import AwsError
from mocklambda.protocol.javaregex import java_to_python_regex
from mocklambda.protocol.models import load_service_model
from mocklambda.protocol.validation import validate

ROLE = "arn:aws:iam::123456789012:role/lambda-role"
LAYER_PATTERN = r"arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+"


def rejection(service: str, operation: str, params: dict[str, Any]) -> AwsError:
    model = load_service_model(service)
    with pytest.raises(AwsError) as caught:
        validate(model, model.operation_model(operation), params)
    return caught.value


def accepts(service: str, operation: str, params: dict[str, Any]) -> None:
    model = load_service_model(service)
    validate(model, model.operation_model(operation), params)


def create_function(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "FunctionName": "orders",
        "Role": ROLE,
        "Runtime": "python3.12",
        "Handler": "app.handler",
        "Code": {"ZipFile": b"PK"},
    }
    return params | overrides


def create_table(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "TableName": "orders",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    return params | overrides


def update_alias_weights(weights: dict[str, float]) -> dict[str, Any]:
    return {"FunctionName": "orders", "Name": "live", "RoutingConfig": {"AdditionalVersionWeights": weights}}


def auto_scaling_update(update: dict[str, Any]) -> dict[str, Any]:
    return {"TableName": "orders", "ProvisionedWriteCapacityAutoScalingUpdate": update}


def assert_validation(error: AwsError, message: str, code: str = "ValidationException") -> None:
    assert (error.code, error.status, error.message) == (code, 400, message)


# --- Lambda -------------------------------------------------------------------------------------------------


def test_validate_valid_create_function_passes() -> None:
    accepts("lambda", "CreateFunction", create_function(Timeout=900, Architectures=["arm64"]))


def test_validate_role_pattern_as_in_aws_snapshot() -> None:
    error = rejection("lambda", "CreateFunction", create_function(Role="r1"))
    assert_validation(
        error,
        "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy "
        r"regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+",
    )


def test_validate_integer_below_min_as_in_aws_snapshot() -> None:
    error = rejection(
        "lambda",
        "PutProvisionedConcurrencyConfig",
        {"FunctionName": "orders", "Qualifier": "live", "ProvisionedConcurrentExecutions": 0},
    )
    assert_validation(
        error,
        "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1",
    )


def test_validate_timeout_zero_quotes_the_number() -> None:
    # Form of the provisionedConcurrentExecutions snapshot; botocore declares Timeout min 1 and no max.
    error = rejection("lambda", "CreateFunction", create_function(Timeout=0))
    assert_validation(
        error,
        "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )


def test_validate_integer_above_max() -> None:
    error = rejection("lambda", "CreateFunction", create_function(MemorySize=32769))
    assert_validation(
        error,
        "1 validation error detected: Value '32769' at 'memorySize' failed to satisfy constraint: "
        "Member must have value less than or equal to 32768",
    )


def test_validate_string_longer_than_max() -> None:
    # Form of the snapshot "long_function_arn_exc"; AWS's own CreateFunction limit (64) is the provider's.
    name = "a" * 141
    error = rejection("lambda", "CreateFunction", create_function(FunctionName=name))
    assert_validation(
        error,
        f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: "
        "Member must have length less than or equal to 140",
    )


def test_validate_enum_as_in_aws_snapshot() -> None:
    error = rejection("lambda", "ListLayers", {"CompatibleArchitecture": "archdoesnotexist"})
    assert_validation(
        error,
        "1 validation error detected: Value 'archdoesnotexist' at 'compatibleArchitecture' failed to satisfy "
        "constraint: Member must satisfy enum value set: [x86_64, arm64]",
    )


def test_validate_enum_lists_values_in_aws_order_from_snapshot() -> None:
    # botocore lists [BUFFERED, RESPONSE_STREAM]; AWS answered the other way round (lambda snapshot).
    params = {"FunctionName": "orders", "AuthType": "NONE", "InvokeMode": "UNKNOWN"}
    error = rejection("lambda", "CreateFunctionUrlConfig", params)
    assert_validation(
        error,
        "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]",
    )


def test_validate_nested_structure_path_as_in_aws_snapshot() -> None:
    error = rejection("lambda", "CreateFunction", create_function(SnapStart={"ApplyOn": "invalidOption"}))
    assert_validation(
        error,
        "1 validation error detected: Value 'invalidOption' at 'snapStart.applyOn' failed to satisfy "
        "constraint: Member must satisfy enum value set: [PublishedVersions, None]",
    )


def test_validate_pattern_with_lookahead_as_in_aws_snapshot() -> None:
    params = {"FunctionName": "orders", "Name": "2024", "FunctionVersion": "1"}
    error = rejection("lambda", "CreateAlias", params)
    assert_validation(
        error,
        "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
    )


def test_validate_list_longer_than_max_as_in_aws_snapshot() -> None:
    error = rejection("lambda", "CreateFunction", create_function(Architectures=["x86_64", "arm64"]))
    assert_validation(
        error,
        "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to satisfy "
        "constraint: Member must have length less than or equal to 1",
    )


def test_validate_list_item_enum_as_in_aws_snapshot() -> None:
    error = rejection("lambda", "CreateFunction", create_function(Architectures=["X86_64"]))
    assert_validation(
        error,
        "1 validation error detected: Value '[X86_64]' at 'architectures' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], "
        "Member must not be null]",
    )


def test_validate_list_item_wrapper_lists_every_member_constraint() -> None:
    # Form of the snapshot "add_layer_arn_without_version_exc"; lengths and pattern are botocore's.
    layer = "arn:aws:lambda:us-east-1:123456789012:layer:deps"
    error = rejection("lambda", "CreateFunction", create_function(Layers=[layer]))
    assert_validation(
        error,
        f"1 validation error detected: Value '[{layer}]' at 'layers' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 140, "
        "Member must have length greater than or equal to 1, "
        f"Member must satisfy regular expression pattern: {LAYER_PATTERN}, Member must not be null]",
    )


def test_validate_map_value_range_as_in_aws_snapshot() -> None:
    error = rejection("lambda", "UpdateAlias", update_alias_weights({"2": 2.0}))
    assert_validation(
        error,
        "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to "
        "satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal "
        "to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
    )


def test_validate_negative_double_rendered_as_java_as_in_aws_snapshot() -> None:
    error = rejection("lambda", "UpdateAlias", update_alias_weights({"2": -1}))
    assert error.message.startswith(
        "1 validation error detected: Value '{2=-1.0}' at 'routingConfig.additionalVersionWeights' failed"
    )


def test_validate_map_key_pattern_as_in_aws_snapshot() -> None:
    error = rejection("lambda", "UpdateAlias", update_alias_weights({"$LATEST": 0.5}))
    assert_validation(
        error,
        "1 validation error detected: Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' "
        "failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than "
        "or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular "
        "expression pattern: [0-9]+]",
    )


def test_validate_missing_required_list_as_in_aws_snapshot() -> None:
    resource = "arn:aws:lambda:us-east-1:123456789012:function:orders"
    error = rejection("lambda", "UntagResource", {"Resource": resource})
    assert_validation(
        error,
        "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_validate_sensitive_value_is_not_shown() -> None:
    # Cognito answers "Value at 'password' ..." for sensitive members; applied to Lambda's sensitive map.
    error = rejection("lambda", "CreateFunction", create_function(Environment={"Variables": {"1BAD": "x"}}))
    assert_validation(
        error,
        "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: "
        "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: "
        "[a-zA-Z]([a-zA-Z0-9_])+]",
    )


def test_validate_reports_errors_in_member_order() -> None:
    error = rejection("lambda", "CreateFunction", create_function(Timeout=0, Role="r1"))
    assert error.message.startswith("2 validation errors detected: Value 'r1' at 'role' failed")
    assert "; Value '0' at 'timeout' failed" in error.message


def test_validate_runtime_left_to_provider_in_create_function() -> None:
    # AWS answers InvalidParameterValueException in its own wording here (snapshot), so the provider checks.
    accepts("lambda", "CreateFunction", create_function(Runtime="PYTHON3.9"))


# --- DynamoDB -----------------------------------------------------------------------------------------------


def test_validate_missing_required_member() -> None:
    # Recorded for DynamoDB Query, and the wording AWS uses for any missing required member.
    error = rejection("dynamodb", "CreateTable", {})
    assert_validation(
        error,
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_validate_nested_list_member_path() -> None:
    # Path form recorded: 'attributeDefinitions.1.member.attributeName'.
    error = rejection("dynamodb", "CreateTable", create_table(KeySchema=[{"AttributeName": "id"}]))
    assert_validation(
        error,
        "1 validation error detected: Value null at 'keySchema.1.member.keyType' failed to satisfy "
        "constraint: Member must not be null",
    )


def test_validate_string_shorter_than_min_in_list_item() -> None:
    key_schema = [{"AttributeName": "", "KeyType": "HASH"}]
    error = rejection("dynamodb", "CreateTable", create_table(KeySchema=key_schema))
    assert_validation(
        error,
        "1 validation error detected: Value '' at 'keySchema.1.member.attributeName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
    )


def test_validate_long_below_min_recorded() -> None:
    throughput = {"ReadCapacityUnits": -1, "WriteCapacityUnits": 1}
    error = rejection("dynamodb", "CreateTable", create_table(ProvisionedThroughput=throughput))
    assert_validation(
        error,
        "1 validation error detected: Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to "
        "satisfy constraint: Member must have value greater than or equal to 1",
    )


def test_validate_empty_list_below_min_recorded() -> None:
    error = rejection("dynamodb", "CreateTable", create_table(KeySchema=[]))
    assert_validation(
        error,
        "1 validation error detected: Value '[]' at 'keySchema' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )


def test_validate_enum_in_recorded_dynamodb_order() -> None:
    definitions = [{"AttributeName": "id", "AttributeType": "SS"}]
    error = rejection("dynamodb", "CreateTable", create_table(AttributeDefinitions=definitions))
    assert_validation(
        error,
        "1 validation error detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' failed to "
        "satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    )


def test_validate_each_broken_constraint_is_its_own_error_recorded() -> None:
    error = rejection("dynamodb", "Query", {"TableName": "orders", "IndexName": "a;"})
    assert_validation(
        error,
        "2 validation errors detected: Value 'a;' at 'indexName' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;' at 'indexName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 3",
    )


def test_validate_reports_at_most_ten_errors_recorded() -> None:
    error = rejection("dynamodb", "CreateTable", create_table(LocalSecondaryIndexes=[{}] * 9))
    assert error.message.startswith(
        "10 validation errors detected: Value null at 'localSecondaryIndexes.1.member.indexName' failed"
    )
    assert error.message.count("failed to satisfy constraint") == 10


def test_validate_java_posix_class_is_ascii_only() -> None:
    # \p{Print} is a Java-only construct: printable ASCII, so a non-ASCII letter breaks it.
    policy = {"PolicyName": "écriture", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}
    update = {"ScalingPolicyUpdate": policy}
    error = rejection("dynamodb", "UpdateTableReplicaAutoScaling", auto_scaling_update(update))
    assert_validation(
        error,
        "1 validation error detected: Value 'écriture' at "
        "'provisionedWriteCapacityAutoScalingUpdate.scalingPolicyUpdate.policyName' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: \p{Print}+",
    )


def test_validate_java_surrogate_pair_range_accepts_supplementary_characters() -> None:
    # The model's [\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*: in Java the escaped
    # surrogate pairs make one range, U+10000..U+10FFFF.
    update = {"AutoScalingRoleArn": "arn:aws:iam::123456789012:role/\U0001f680"}
    accepts("dynamodb", "UpdateTableReplicaAutoScaling", auto_scaling_update(update))


def test_validate_java_surrogate_pair_range_rejects_control_characters() -> None:
    update = {"AutoScalingRoleArn": "arn:aws:iam::123456789012:role/\x01"}
    error = rejection("dynamodb", "UpdateTableReplicaAutoScaling", auto_scaling_update(update))
    assert error.message.startswith(
        "1 validation error detected: Value 'arn:aws:iam::123456789012:role/\x01' at "
        "'provisionedWriteCapacityAutoScalingUpdate.autoScalingRoleArn' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: "
    )


# --- SNS and S3 ---------------------------------------------------------------------------------------------


def test_validate_sns_uses_validation_error_code_as_in_aws_snapshot() -> None:
    error = rejection("sns", "SetPlatformApplicationAttributes", {"PlatformApplicationArn": "arn"})
    assert_validation(
        error,
        "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: "
        "Member must not be null",
        code="ValidationError",
    )


def test_validate_sns_map_value_member_path_as_in_aws_snapshot() -> None:
    params = {"Message": "hello", "MessageAttributes": {"attr1": {"StringValue": "x"}}}
    error = rejection("sns", "Publish", params)
    assert_validation(
        error,
        "1 validation error detected: Value null at 'messageAttributes.attr1.member.dataType' failed to "
        "satisfy constraint: Member must not be null",
        code="ValidationError",
    )


def test_validate_sns_list_then_map_path_as_in_aws_snapshot() -> None:
    entry = {"Id": "1", "Message": "hello", "MessageAttributes": {"attr1": {"StringValue": "x"}}}
    params = {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "PublishBatchRequestEntries": [entry]}
    error = rejection("sns", "PublishBatch", params)
    assert_validation(
        error,
        "1 validation error detected: Value null at "
        "'publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType' failed to satisfy "
        "constraint: Member must not be null",
        code="ValidationError",
    )


def test_validate_sns_create_topic_without_name() -> None:
    error = rejection("sns", "CreateTopic", {})
    assert_validation(
        error,
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: "
        "Member must not be null",
        code="ValidationError",
    )


def test_validate_skips_s3_entirely() -> None:
    accepts("s3", "PutObject", {})


# --- Patterns -----------------------------------------------------------------------------------------------


def test_validate_sensitive_unicode_pattern_recorded_from_cognito() -> None:
    # The message as Cognito answered it (real Cognito sends it as InvalidParameterException; mocklambda does
    # not serve Cognito, so only the message generation is checked here).
    error = rejection("cognito-idp", "SignUp", {"ClientId": "client", "Username": "", "Password": "secret"})
    assert error.message == (
        "2 validation errors detected: Value at 'username' failed to satisfy constraint: Member must satisfy "
        r"regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+; Value at 'username' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1"
    )


def test_validate_java_letter_property_matches_non_ascii_letters() -> None:
    letters = re.compile(java_to_python_regex(r"[\p{L}\p{N}_-]+"))
    assert letters.fullmatch("Größe_2") and not letters.fullmatch("a b")


def test_validate_java_class_intersection() -> None:
    pattern = re.compile(java_to_python_regex(r"[\p{Print}&&[^|:/]]+"))
    assert pattern.fullmatch("a-b") and not pattern.fullmatch("a:b")


def test_validate_java_quoted_literal() -> None:
    pattern = re.compile(java_to_python_regex(r"v\Q.*\E\z"))
    assert pattern.fullmatch("v.*") and not pattern.fullmatch("vxx")


def test_validate_java_predefined_class_before_dash_is_literal() -> None:
    assert re.compile(java_to_python_regex(r"[\w-.]+")).fullmatch("a-b.c")


def test_validate_uncompilable_pattern_is_skipped() -> None:
    # '{11}{0,1011}' (a quantified quantifier) is valid Java but has no Python equivalent.
    accepts("rbin", "ListTagsForResource", {"ResourceArn": "not-an-arn"})


def test_validate_java_dot_stops_at_every_line_terminator_unless_dotall() -> None:
    assert not re.fullmatch(java_to_python_regex("a.b"), "a\rb")
    assert re.fullmatch(java_to_python_regex("(?s)a.b"), "a\rb")


def test_validate_string_length_counts_utf16_code_units() -> None:
    # Guess: AWS's Java code measures String.length(), so a character outside the BMP counts twice.
    description = "\U0001f680" * 129  # 129 code points, 258 UTF-16 code units; the limit is 256
    error = rejection("lambda", "CreateFunction", create_function(Description=description))
    assert error.message.endswith("at 'description' failed to satisfy constraint: "
                                  "Member must have length less than or equal to 256")
