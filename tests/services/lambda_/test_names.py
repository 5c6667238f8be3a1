"""FunctionName as every operation family reads it (names.function_ref): a full ARN of another region is
refused before anything is looked up, with AWS's recorded answer (TestLambdaFunction::
test_get_function_wrong_region, recorded for GetFunction, GetFunctionConcurrency, the URL and invoke config
reads, DeleteFunction and Invoke; the other families answer the same way through the same helper)."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import REGION, assert_error, snapshot

RECORDED = "TestLambdaFunction::test_get_function_wrong_region[get_function_concurrency]"

# One read per family that had no region check of its own before function_ref (the function name is filled in).
OPERATIONS: dict[str, dict[str, Any]] = {
    "get_function_concurrency": {},
    "put_function_concurrency": {"ReservedConcurrentExecutions": 1},
    "list_provisioned_concurrency_configs": {},
    "publish_version": {},
    "list_versions_by_function": {},
    "list_aliases": {},
    "get_alias": {"Name": "live"},
    "get_policy": {},
    "list_event_source_mappings": {},
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_function_name_arn_of_another_region_as_aws(awslambda, create_function, operation):
    created = create_function()
    elsewhere = created["FunctionArn"].replace(f":{REGION}:", ":eu-central-1:")
    recorded = snapshot(RECORDED)["wrong_region_exception"]

    with pytest.raises(ClientError) as error:
        getattr(awslambda, operation)(FunctionName=elsewhere, **OPERATIONS[operation])

    expected = recorded["Error"]["Message"].replace("<wrong-region>", "eu-central-1").replace("<region>", REGION)
    assert_error(error, "ResourceNotFoundException", 404, expected)
