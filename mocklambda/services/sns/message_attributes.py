"""Validation of Publish's MessageAttributes with SNS's exact messages (recorded: test_empty_or_wrong_message_attributes),
and their conversion to the {"Name": {"Type", "Value"}} form filter policies and deliveries use.

What it must not do: publish or deliver anything.
"""
from __future__ import annotations

import base64
import math
import re
from typing import Any

from mocklambda.services.sns.common import invalid_parameter_value

_NAME_CHAR = re.compile(r"[A-Za-z0-9_\-.]")


def _check_name(name: str) -> None:
    if len(name.encode()) >= 256:
        raise invalid_parameter_value("Length of message attribute name must be less than 256 bytes.")
    for char in name:
        if not _NAME_CHAR.match(char):
            raise invalid_parameter_value(
                f"Invalid non-alphanumeric character '#x{ord(char):X}' was found in the message attribute name. "
                "Can only include alphanumeric characters, hyphens, underscores, or dots."
            )
    if name.startswith("."):
        raise invalid_parameter_value("Invalid message attribute name starting with character '.' was found.")
    if name.endswith("."):
        raise invalid_parameter_value("Invalid message attribute name ending with character '.' was found.")
    if ".." in name:
        raise invalid_parameter_value("Message attribute name can not have successive '.' character.")


def convert(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Validate every attribute (ParameterValueInvalid as AWS words it) and return them as {"Type", "Value"}
    with Binary values base64-encoded."""
    converted: dict[str, dict[str, str]] = {}
    for name, attribute in attributes.items():
        _check_name(name)
        data_type: str = attribute["DataType"]
        base = data_type.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise invalid_parameter_value(
                f"The message attribute '{name}' has an invalid message attribute type, the set of supported "
                "type prefixes is Binary, Number, and String."
            )
        string_value, binary_value = attribute.get("StringValue"), attribute.get("BinaryValue")
        if base == "Binary":
            if binary_value is None and string_value is not None:
                raise invalid_parameter_value(f"The message attribute '{name}' with type 'Binary' must use field 'Binary'.")
            if not binary_value:
                raise invalid_parameter_value(f"The message attribute '{name}' must contain non-empty message "
                                              "attribute value for message attribute type 'Binary'.")
            raw = binary_value if isinstance(binary_value, bytes) else str(binary_value).encode()
            converted[name] = {"Type": data_type, "Value": base64.b64encode(raw).decode("ascii")}
            continue
        if string_value is None and binary_value is not None:
            raise invalid_parameter_value(f"The message attribute '{name}' with type '{base}' must use field 'String'.")
        if not string_value:
            raise invalid_parameter_value(f"The message attribute '{name}' must contain non-empty message "
                                          f"attribute value for message attribute type '{base}'.")
        if base == "Number":
            try:
                number = float(string_value)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise invalid_parameter_value(f"Could not cast message attribute '{name}' value to number.")
        converted[name] = {"Type": data_type, "Value": string_value}
    return converted


def size(attributes: dict[str, dict[str, str]]) -> int:
    """Bytes the attributes count toward the 256 KB message limit: name, type and value of each."""
    return sum(len(n.encode()) + len(a["Type"].encode()) + len(a["Value"].encode()) for n, a in attributes.items())
