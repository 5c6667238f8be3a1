"""Helpers shared by the event-delivery end-to-end tests (S3 and SNS to Lambda): the account and region the
session server answers for, a recorder function's source, and reading back what it recorded."""
from __future__ import annotations

import json
from typing import Any

import jsonschema

REGION = "us-east-1"
ACCOUNT = "123456789012"


def recorder_source(marker: str) -> str:
    """Handler source that prints every event it receives on one line after `marker`, for the test to read
    from the function's logs."""
    return f"import json\n\ndef handler(event, context):\n    print({marker!r} + json.dumps(event))\n"


def recorded_events(mocklambda: Any, function: str, marker: str,
                    validator: jsonschema.protocols.Validator) -> list[dict[str, Any]]:
    """Every event the recorder function logged after `marker`, in arrival order; each schema-checked."""
    assert mocklambda.wait_idle(10)
    events = [
        json.loads(event.message.strip()[len(marker):])
        for event in mocklambda.emulator.function_logs.events(f"/aws/lambda/{function}")
        if event.message.startswith(marker)
    ]
    for event in events:
        validator.validate(event)
    return events
