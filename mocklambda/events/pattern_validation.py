"""Validation of SNS filter policies and EventBridge-style patterns, with the messages AWS answers.

It parses the policy text (reporting malformed JSON the way SNS's Jackson parser words it), and checks the
structure and every match expression before the matcher compiles them, raising `PolicyError`. It must not
decide whether anything matches, and it must not import services, the gateway or the runtime.

Only the malformed-JSON messages (unrecognised token, unquoted field name) and the Subscribe wording
("Attributes Reason: ") are recorded in the SNS reference snapshot; the other messages are the wording other
AWS-checked emulators report for SNS, not recorded here. Wrong or missing ones are fixed by recording them.
FilterCriteria refusals are all "Invalid filter pattern definition." (reference D, recorded for Lambda).
"""
from __future__ import annotations

import ipaddress
import json
from typing import Any

MESSAGE_ATTRIBUTES = "MessageAttributes"
MESSAGE_BODY = "MessageBody"
SNS = "sns"
EVENTBRIDGE = "eventbridge"

MAX_KEYS = 5
MAX_COMBINATIONS = 150
# SNS's documented policy size limit.
MAX_POLICY_BYTES = 256 * 1024
NUMERIC_OPERATORS = ("<", "<=", "=", ">", ">=")
SNS_OPERATORS = frozenset({"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr"})
EVENTBRIDGE_OPERATORS = SNS_OPERATORS | {"wildcard"}
INVALID_EVENT_PATTERN = "Invalid filter pattern definition."
# Jackson (SNS's JSON parser) hides the source text from its locations; this is its wording.
_JACKSON_SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
_JSON_VALUE_KINDS = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"


class PolicyError(ValueError):
    """A filter policy or event pattern AWS would refuse; str() is AWS's whole message.

    `reason` is the part after "Invalid parameter: " (e.g. "FilterPolicy: failed to parse JSON. ..."), for
    Subscribe, which words the same error "Invalid parameter: Attributes Reason: " + reason (recorded).
    """

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message if message is not None else "Invalid parameter: " + reason)
        self.reason = reason

    @property
    def subscribe_message(self) -> str:
        """The message Subscribe answers for this policy (its Attributes parameter carries the policy)."""
        return "Invalid parameter: Attributes Reason: " + self.reason


def _policy_error(detail: str) -> PolicyError:
    return PolicyError("FilterPolicy: " + detail)


def parse_policy_json(text: str) -> Any:
    """Parse `text` as SNS does; malformed JSON raises PolicyError with Jackson's message (recorded)."""
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise _policy_error("Filter policy is too long")
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    start = len(text) - len(text.lstrip())
    if start == len(text):
        raise _policy_error("failed to parse JSON. No content to map due to end-of-input\n at "
                            + _location(1, 0))
    try:
        # Jackson reads the first value and ignores what follows it, so trailing text is not an error.
        value, _ = decoder.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise _policy_error("failed to parse JSON. " + _jackson_message(text, exc)) from exc
    except ValueError as exc:
        raise _policy_error(f"failed to parse JSON. Non-standard token '{exc}': enable "
                            "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow") from exc
    return value


def _refuse_constant(name: str) -> Any:
    # Python accepts NaN and Infinity; Jackson (and so SNS) does not.
    raise ValueError(name)


def _jackson_message(text: str, exc: json.JSONDecodeError) -> str:
    """Word a JSON syntax error the way Jackson does, with its 1-based line and column."""
    pos = exc.pos
    if pos >= len(text):
        line, column = _line_column(text, len(text))
        return "Unexpected end-of-input\n at " + _location(line, column + 1)
    char = text[pos]
    if (char.isalpha() or char == "_") and not exc.msg.startswith("Expecting property name"):
        end = pos
        while end < len(text) and (text[end].isalnum() or text[end] in "_$"):
            end += 1
        line, column = _line_column(text, end)
        # Jackson reports the position just after the token it could not recognise.
        return (f"Unrecognized token '{text[pos:end]}': was expecting {_JSON_VALUE_KINDS}\n at "
                + _location(line, column + 1))
    line, column = _line_column(text, pos)
    unexpected = f"Unexpected character ('{char}' (code {ord(char)}))"
    if exc.msg.startswith("Expecting property name"):
        reason = "was expecting double-quote to start field name"
    elif exc.msg.startswith("Expecting value"):
        reason = "expected a valid value " + _JSON_VALUE_KINDS
    elif exc.msg.startswith("Expecting ':'"):
        reason = "was expecting a colon to separate field name and value"
    else:
        reason = "was expecting comma to separate entries"
    return f"{unexpected}: {reason}\n at " + _location(line, column + 1)


def _location(line: int, column: int) -> str:
    return f"{_JACKSON_SOURCE}; line: {line}, column: {column}]"


def _line_column(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1)


def validate_filter_policy(policy: Any, scope: str) -> None:
    """Check an SNS filter policy (already parsed) against SNS's structure rules and limits."""
    if not isinstance(policy, dict):
        raise _policy_error("Filter policy must be a JSON object")
    combinations = _validate_object(policy, scope, depth=1, dialect=SNS)
    if _most_keys(policy) > MAX_KEYS:
        raise _policy_error("Filter policy can not have more than 5 keys")
    if combinations > MAX_COMBINATIONS:
        raise _policy_error("Filter policy is too complex")


def validate_event_pattern(pattern: Any) -> None:
    """Check an EventBridge-style pattern; every failure is the one message Lambda answers."""
    if not isinstance(pattern, dict):
        raise PolicyError(INVALID_EVENT_PATTERN, INVALID_EVENT_PATTERN)
    try:
        _validate_object(pattern, MESSAGE_BODY, depth=1, dialect=EVENTBRIDGE)
    except PolicyError as exc:
        raise PolicyError(exc.reason, INVALID_EVENT_PATTERN) from exc


def _most_keys(node: dict[str, Any]) -> int:
    """The most keys carrying value lists that one `$or` alternative of the policy tests (reference D7:
    nested levels count their leaf keys, not the parents)."""
    count = 0
    for key, value in node.items():
        if key == "$or":
            count += max(_most_keys(alternative) for alternative in value)
        elif isinstance(value, dict):
            count += _most_keys(value)
        else:
            count += 1
    return count


def _validate_object(node: dict[str, Any], scope: str, depth: int, dialect: str) -> int:
    """Validate one object level; returns its number of value combinations (AWS's complexity measure)."""
    combinations = 1
    for key, value in node.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, dict) for v in value):
                raise _policy_error('"$or" must be an array of at least 2 objects')
            # Alternatives add up; each is measured from what this level multiplied so far.
            combinations = sum(combinations * _validate_object(v, scope, depth, dialect) for v in value)
        elif isinstance(value, dict):
            if scope == MESSAGE_ATTRIBUTES:
                raise PolicyError("Filter policy scope MessageAttributes does not support nested filter policy")
            combinations *= _validate_object(value, scope, depth + 1, dialect)
        elif isinstance(value, list):
            if not value:
                raise _policy_error("Empty arrays are not allowed")
            for rule in value:
                validate_rule(rule, dialect)
            # AWS counts a nested key's values once per level of nesting (its documented 3 x 4 x 2 x 3 example).
            combinations *= len(value) * depth
        else:
            raise _policy_error(f'"{key}" must be an object or an array')
    return combinations


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate_rule(rule: Any, dialect: str) -> None:
    """Validate one element of a value list: a literal or a one-key match expression."""
    if rule is None or isinstance(rule, (str, bool)) or _is_number(rule):
        return
    if not isinstance(rule, dict):
        raise _policy_error("Match value must be String, number, true, false, or null")
    if len(rule) != 1:
        raise _policy_error("Only one key allowed in match expression")
    ((operator, operand),) = rule.items()
    allowed = SNS_OPERATORS if dialect == SNS else EVENTBRIDGE_OPERATORS
    if operator not in allowed:
        raise _policy_error(f"Unrecognized match type {operator}")
    if operator in ("prefix", "suffix"):
        if dialect == EVENTBRIDGE and isinstance(operand, dict) and list(operand) == ["equals-ignore-case"]:
            operand = operand["equals-ignore-case"]
        if not isinstance(operand, str):
            raise _policy_error(f"{operator} match pattern must be a string")
    elif operator in ("equals-ignore-case", "wildcard"):
        if not isinstance(operand, str):
            raise _policy_error(f"{operator} match pattern must be a string")
        if operator == "wildcard" and "**" in operand:
            # EventBridge refuses consecutive wildcards; FilterCriteria words every refusal the same way.
            raise _policy_error(f"Consecutive wildcard characters at pos {operand.index('**') + 1}")
    elif operator == "exists":
        if not isinstance(operand, bool):
            raise _policy_error("exists match pattern must be either true or false.")
    elif operator == "numeric":
        validate_numeric(operand)
    elif operator == "cidr":
        validate_cidr(operand)
    else:
        _validate_anything_but(operand, dialect)


def _validate_anything_but(operand: Any, dialect: str) -> None:
    if isinstance(operand, dict):
        inner = ("prefix", "suffix") if dialect == SNS else ("prefix", "suffix", "equals-ignore-case", "wildcard")
        if len(operand) != 1 or next(iter(operand)) not in inner:
            raise _policy_error(f"Unsupported anything-but pattern: {', '.join(operand)}")
        ((operator, value),) = operand.items()
        if (operator == "equals-ignore-case" and isinstance(value, list) and value
                and all(isinstance(v, str) for v in value)):
            return
        if not isinstance(value, str):
            raise _policy_error(f"{operator} match pattern must be a string")
        return
    values = operand if isinstance(operand, list) else [operand]
    if not values or not all(isinstance(v, str) or _is_number(v) for v in values):
        raise _policy_error("Value of anything-but must be an array or single string/number value.")
    if any(isinstance(v, str) for v in values) and any(_is_number(v) for v in values):
        raise _policy_error("Inside anything but list, all members must be the same type")


def validate_numeric(operand: Any) -> None:
    """`[op, n]` or `[">"|">=", low, "<"|"<=", high]`, with the messages AWS gives for each mistake."""
    if not isinstance(operand, list) or not operand:
        raise _policy_error("Invalid member in numeric match: ]")
    terms = list(operand)
    operator = terms[0]
    if not isinstance(operator, str):
        raise _policy_error(f"Invalid member in numeric match: {_json_token(operator)}")
    if operator not in NUMERIC_OPERATORS:
        raise _policy_error(f"Unrecognized numeric range operator: {operator}")
    if len(terms) < 2 or not _is_number(terms[1]):
        raise _policy_error(f"Value of {'equals' if operator == '=' else operator} must be numeric")
    if len(terms) == 2:
        return
    if operator not in (">", ">="):
        raise _policy_error("Too many elements in numeric expression")
    upper = terms[2]
    if not isinstance(upper, str):
        raise _policy_error(f"Bad value in numeric range: {_json_token(upper)}")
    if upper not in ("<", "<="):
        raise _policy_error(f"Bad numeric range operator: {upper}")
    if len(terms) < 4 or not _is_number(terms[3]):
        raise _policy_error(f"Value of {upper} must be numeric")
    if terms[3] <= terms[1]:
        raise _policy_error("Bottom must be less than top")
    if len(terms) > 4:
        raise _policy_error("Too many terms in numeric range expression")


def validate_cidr(operand: Any) -> None:
    if not isinstance(operand, str):
        raise _policy_error("prefix match pattern must be a string")
    try:
        ipaddress.ip_network(operand, strict=False)
    except ValueError as exc:
        raise _policy_error("Malformed CIDR, one '/' required" if "/" not in operand
                            else f"Nonstandard IP address: {operand}") from exc


def _json_token(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value
