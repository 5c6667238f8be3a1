"""The Runtime API as a process sees it: /next headers, and the status codes of calls out of turn (reference A2/A3)."""
from __future__ import annotations

import json
import time

from mocklambda.runtime import FunctionSpec, Runtime
from tests.runtime.conftest import invocation


def test_next_hands_over_the_invocation_headers(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    request = invocation(
        fake_spec, b'{"action": "headers"}', invoked_function_arn=fake_spec.function_arn + ":prod",
        client_context='{"custom": {"a": 1}}', cognito_identity='{"cognitoIdentityId": "id"}',
        trace_id="Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
    )
    before_ms = time.time() * 1000

    headers = json.loads(runtime.invoke(fake_spec, request).payload)

    assert headers["Lambda-Runtime-Aws-Request-Id"] == request.request_id
    assert headers["Lambda-Runtime-Invoked-Function-Arn"] == fake_spec.function_arn + ":prod"
    assert headers["Lambda-Runtime-Client-Context"] == '{"custom": {"a": 1}}'
    assert headers["Lambda-Runtime-Cognito-Identity"] == '{"cognitoIdentityId": "id"}'
    assert headers["Lambda-Runtime-Trace-Id"] == request.trace_id
    assert headers["Content-Type"] == "application/json"
    deadline = int(headers["Lambda-Runtime-Deadline-Ms"])
    assert before_ms + 3000 <= deadline <= time.time() * 1000 + 3000


def test_next_omits_absent_context_headers_and_always_traces(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    headers = json.loads(runtime.invoke(fake_spec, invocation(fake_spec, b'{"action": "headers"}')).payload)

    assert "Lambda-Runtime-Client-Context" not in headers
    assert "Lambda-Runtime-Cognito-Identity" not in headers
    assert headers["Lambda-Runtime-Trace-Id"].startswith("Root=1-")


def test_calls_out_of_turn_get_aws_status_codes(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    answers = json.loads(runtime.invoke(fake_spec, invocation(fake_spec, b'{"action": "api"}')).payload)

    assert answers["wrong_id"] == [400, '{"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}']
    assert answers["init_error_late"][0] == 403
    assert json.loads(answers["init_error_late"][1])["errorType"] == "InvalidStateTransition"
    assert answers["next_again"][0] == 403
    assert answers["unknown"] == [404]


def test_a_second_answer_for_one_invocation_is_refused(runtime: Runtime, fake_spec: FunctionSpec) -> None:
    # The fake runtime answers a 413 response and then posts `{}` again for the same id: 400, and the
    # invoker keeps the first answer.
    result = runtime.invoke(fake_spec, invocation(fake_spec, b'{"action": "big", "size": 7000000}'))

    assert json.loads(result.payload)["errorType"] == "Function.ResponseSizeTooLarge"
