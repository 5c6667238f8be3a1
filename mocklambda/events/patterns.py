"""The one event-pattern matcher: SNS subscription filter policies and EventBridge-style patterns.

`compile_filter_policy` / `compile_event_pattern` validate a policy or pattern once (pattern_validation.py
words the refusals as AWS does) and build a tree of matchers; `.matches(...)` then answers per message or
event. SNS message attributes are matched by type (String, String.Array elements, Number; Binary never), a
message body or an event by its JSON. It must not import services, the gateway or the runtime: it is pure and
knows nothing of where messages come from or where they go.
"""
from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from mocklambda.events.pattern_validation import (
    EVENTBRIDGE,
    INVALID_EVENT_PATTERN,
    MESSAGE_ATTRIBUTES,
    MESSAGE_BODY,
    SNS,
    PolicyError,
    parse_policy_json,
    validate_event_pattern,
    validate_filter_policy,
)

__all__ = [
    "MESSAGE_ATTRIBUTES",
    "MESSAGE_BODY",
    "EventPattern",
    "FilterPolicy",
    "PolicyError",
    "compile_event_pattern",
    "compile_filter_policy",
]

Matcher = Callable[[Any], bool]
# Stands for "no such key": only {"exists": false} accepts it.
_ABSENT = object()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)


@dataclass
class _Leaf:
    """The value list of one key: it matches when any matcher accepts any of the key's values."""

    matchers: list[Matcher]
    accepts_absent: bool  # holds {"exists": false}
    accepts_present: bool  # holds {"exists": true}

    def matches(self, obj: dict[str, Any], key: str) -> bool:
        value = obj.get(key, _ABSENT)
        # A key holding an object counts as present (a recorded DynamoDB FilterCriteria with
        # {"exists": false} skipped items whose attribute was an object); an empty array holds no value.
        if value is _ABSENT or value == []:
            return self.accepts_absent
        if self.accepts_present:
            return True
        return any(matcher(item) for item in _leaf_values(value) for matcher in self.matchers)


@dataclass
class _Node:
    """One object level of a policy: every key must match (AND); `$or` alternatives are OR."""

    leaves: dict[str, _Leaf] = field(default_factory=dict)
    children: dict[str, _Node] = field(default_factory=dict)
    alternatives: list[_Node] = field(default_factory=list)

    def matches_object(self, obj: Any) -> bool:
        if not isinstance(obj, dict):
            return False
        if not all(leaf.matches(obj, key) for key, leaf in self.leaves.items()):
            return False
        for key, child in self.children.items():
            # Arrays of objects match when one element matches the whole nested level (array-consistent).
            objects = _objects(obj[key]) if key in obj else []
            # With no object there at all, its nested keys are absent, which only exists: false accepts.
            if not any(child.matches_object(item) for item in objects) and (objects or not child.accepts_absent()):
                return False
        return not self.alternatives or any(alt.matches_object(obj) for alt in self.alternatives)

    def accepts_absent(self) -> bool:
        """Whether an absent parent key can still satisfy this level (only through exists: false)."""
        return (all(leaf.accepts_absent for leaf in self.leaves.values())
                and all(child.accepts_absent() for child in self.children.values())
                and (not self.alternatives or any(alt.accepts_absent() for alt in self.alternatives)))


def _leaf_values(value: Any) -> list[Any]:
    """The scalar values at a key: an array contributes its scalar elements; objects are not values."""
    if isinstance(value, list):
        return [item for element in value for item in _leaf_values(element)]
    if isinstance(value, dict):
        return []
    return [value]


def _objects(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [item for element in value for item in _objects(element)]
    return [value] if isinstance(value, dict) else []


class FilterPolicy:
    """A compiled SNS subscription filter policy for one scope (MessageAttributes or MessageBody)."""

    def __init__(self, policy: dict[str, Any], scope: str) -> None:
        self.policy = policy
        self.scope = scope
        self._root = _build_node(policy, SNS)

    def matches(self, message_attributes: dict[str, dict[str, str]], body: str) -> bool:
        if self.scope == MESSAGE_BODY:
            try:
                document = json.loads(body)
            except ValueError:
                return False
            return self._root.matches_object(document)
        return self._root.matches_object(_attribute_values(message_attributes))


def _attribute_values(message_attributes: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Message attributes as the values a policy sees: typed, arrays expanded, Binary left out."""
    values: dict[str, Any] = {}
    for name, attribute in message_attributes.items():
        data_type = attribute.get("Type") or attribute.get("DataType", "")
        raw = attribute.get("Value", attribute.get("StringValue", ""))
        # Custom types ("Number.float", "String.custom") behave as their base type.
        if data_type.startswith("String.Array"):
            try:
                parsed = json.loads(raw)
            except ValueError:
                continue
            values[name] = parsed if isinstance(parsed, list) else [parsed]
        elif data_type.startswith("String"):
            values[name] = raw
        elif data_type.startswith("Number"):
            try:
                number = Decimal(raw)
            except InvalidOperation:
                continue
            if number.is_finite():
                values[name] = number
    return values


class EventPattern:
    """A compiled EventBridge-style pattern (Lambda event source mapping FilterCriteria)."""

    def __init__(self, pattern: dict[str, Any]) -> None:
        self.pattern = pattern
        self._root = _build_node(pattern, EVENTBRIDGE)

    def matches(self, event: dict[str, Any]) -> bool:
        return self._root.matches_object(event)


def compile_filter_policy(policy_json: str, scope: str = MESSAGE_ATTRIBUTES) -> FilterPolicy:
    """Validate and compile an SNS FilterPolicy; PolicyError carries AWS's InvalidParameter message."""
    policy = parse_policy_json(policy_json)
    validate_filter_policy(policy, scope)
    return FilterPolicy(policy, scope)


def compile_event_pattern(pattern_json: str) -> EventPattern:
    """Validate and compile one FilterCriteria pattern; refusals say "Invalid filter pattern definition."."""
    try:
        pattern = parse_policy_json(pattern_json)
    except PolicyError as exc:
        raise PolicyError(exc.reason, INVALID_EVENT_PATTERN) from exc
    validate_event_pattern(pattern)
    return EventPattern(pattern)


def _build_node(policy: dict[str, Any], dialect: str) -> _Node:
    node = _Node()
    for key, value in policy.items():
        if key == "$or":
            node.alternatives = [_build_node(alternative, dialect) for alternative in value]
        elif isinstance(value, dict):
            node.children[key] = _build_node(value, dialect)
        else:
            matchers = [_build_matcher(rule, dialect) for rule in value]
            exists = [rule["exists"] for rule in value if isinstance(rule, dict) and "exists" in rule]
            node.leaves[key] = _Leaf(matchers, accepts_absent=False in exists, accepts_present=True in exists)
    return node


def _build_matcher(rule: Any, dialect: str) -> Matcher:
    if not isinstance(rule, dict):
        return _literal(rule, dialect)
    ((operator, operand),) = rule.items()
    if operator == "exists":
        # Presence and absence are decided by the leaf, on the key; as a value matcher it never matches.
        return lambda value: False
    if operator == "prefix":
        return _affix(operand, str.startswith)
    if operator == "suffix":
        return _affix(operand, str.endswith)
    if operator == "equals-ignore-case":
        folded = operand.casefold()
        return lambda value: isinstance(value, str) and value.casefold() == folded
    if operator == "numeric":
        return _numeric(operand)
    if operator == "cidr":
        network = ipaddress.ip_network(operand, strict=False)
        return lambda value: _in_network(value, network)
    if operator == "wildcard":
        return _wildcard(operand)
    return _anything_but(operand, dialect)


def _literal(expected: Any, dialect: str) -> Matcher:
    if expected is None:
        return lambda value: value is None
    if isinstance(expected, bool):
        return lambda value: isinstance(value, bool) and value == expected
    if isinstance(expected, str):
        return lambda value: isinstance(value, str) and value == expected
    if dialect == EVENTBRIDGE:
        # EventBridge compares numbers outside "numeric" by their JSON text: 300 and 300.0 differ.
        text = json.dumps(expected)
        return lambda value: _is_number(value) and not isinstance(value, Decimal) and json.dumps(value) == text
    number = _decimal(expected)
    return lambda value: _is_number(value) and _decimal(value) == number


def _affix(operand: Any, test: Callable[[str, str], bool]) -> Matcher:
    if isinstance(operand, dict):
        folded = operand["equals-ignore-case"].casefold()
        return lambda value: isinstance(value, str) and test(value.casefold(), folded)
    return lambda value: isinstance(value, str) and test(value, operand)


def _numeric(terms: list[Any]) -> Matcher:
    bounds = [(terms[i], _decimal(terms[i + 1])) for i in range(0, len(terms), 2)]
    compare: dict[str, Callable[[Decimal, Decimal], bool]] = {
        "<": Decimal.__lt__, "<=": Decimal.__le__, "=": Decimal.__eq__, ">": Decimal.__gt__, ">=": Decimal.__ge__,
    }

    def matches(value: Any) -> bool:
        if not _is_number(value):
            return False
        number = _decimal(value)
        # NaN and infinities (Python's json accepts them in bodies) are outside every range.
        return number.is_finite() and all(compare[operator](number, bound) for operator, bound in bounds)
    return matches


def _in_network(value: Any, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_address(value) in network
    except ValueError:
        return False


def _wildcard(operand: str) -> Matcher:
    # "*" matches any run of characters; "\*" is a literal star. Nothing else is special.
    parts = re.split(r"(?<!\\)\*", operand)
    regex = re.compile(".*".join(re.escape(part.replace("\\*", "*")) for part in parts), re.DOTALL)
    return lambda value: isinstance(value, str) and regex.fullmatch(value) is not None


def _anything_but(operand: Any, dialect: str) -> Matcher:
    if isinstance(operand, dict):
        ((operator, value),) = operand.items()
        if operator == "equals-ignore-case":
            excluded = {v.casefold() for v in (value if isinstance(value, list) else [value])}
            return lambda candidate: not (isinstance(candidate, str) and candidate.casefold() in excluded)
        inner = _build_matcher({operator: value}, dialect)
        return lambda candidate: not inner(candidate)
    excluded_matchers = [_literal(v, dialect) for v in (operand if isinstance(operand, list) else [operand])]
    return lambda candidate: not any(matcher(candidate) for matcher in excluded_matchers)


