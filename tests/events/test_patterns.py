"""The event-pattern matcher, unit by unit: SNS filter policies (attribute and body scopes) and
EventBridge-style patterns, every operator, and every refusal with AWS's message. No server."""
from __future__ import annotations

import json
from typing import Any

import pytest

from mocklambda.events.patterns import PolicyError, compile_event_pattern, compile_filter_policy
from tests.reference import load

SNAPSHOT = "sns__test_sns.snapshot.json"


def _recorded(test: str, key: str) -> str:
    content = load(SNAPSHOT)[f"tests/aws/services/sns/test_sns.py::{test}"]["recorded-content"]
    message: str = content[key]["Error"]["Message"]
    return message


def attrs(**values: Any) -> dict[str, dict[str, str]]:
    """SNS message attributes: str -> String, int/float -> Number, list -> String.Array, bytes -> Binary."""
    out: dict[str, dict[str, str]] = {}
    for name, value in values.items():
        if isinstance(value, bytes):
            out[name] = {"Type": "Binary", "Value": value.decode()}
        elif isinstance(value, list):
            out[name] = {"Type": "String.Array", "Value": json.dumps(value)}
        elif isinstance(value, (int, float)):
            out[name] = {"Type": "Number", "Value": str(value)}
        else:
            out[name] = {"Type": "String", "Value": value}
    return out


def on_attributes(policy: dict[str, Any], attributes: dict[str, dict[str, str]]) -> bool:
    return compile_filter_policy(json.dumps(policy)).matches(attributes, "")


def on_body(policy: dict[str, Any], body: Any) -> bool:
    text = body if isinstance(body, str) else json.dumps(body)
    return compile_filter_policy(json.dumps(policy), "MessageBody").matches({}, text)


def on_event(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    return compile_event_pattern(json.dumps(pattern)).matches(event)


def refusal(policy: Any, scope: str = "MessageAttributes") -> str:
    text = policy if isinstance(policy, str) else json.dumps(policy)
    with pytest.raises(PolicyError) as raised:
        compile_filter_policy(text, scope)
    return str(raised.value)


# --- SNS, MessageAttributes scope -------------------------------------------------------------------------

@pytest.mark.parametrize(("policy", "attributes", "expected"), [
    ({"store": ["example_corp"]}, attrs(store="example_corp"), True),
    ({"store": ["example_corp"]}, attrs(store="Example_Corp"), False),
    ({"store": ["a", "b"]}, attrs(store="b"), True),
    ({"store": ["a"], "event": ["x"]}, attrs(store="a", event="x"), True),
    ({"store": ["a"], "event": ["x"]}, attrs(store="a", event="y"), False),
    ({"store": ["a"]}, attrs(other="a"), False),
    ({"store": [""]}, attrs(store=""), True),
    ({}, attrs(store="a"), True),
])
def test_filter_policy_matches_exact_strings(policy, attributes, expected):
    assert on_attributes(policy, attributes) is expected


@pytest.mark.parametrize(("policy", "attributes", "expected"), [
    ({"sport": ["rugby"]}, attrs(sport=["soccer", "rugby"]), True),
    ({"sport": ["tennis"]}, attrs(sport=["soccer", "rugby"]), False),
    ({"n": [5]}, attrs(n=["x", 5]), True),
    ({"n": [{"numeric": [">", 4]}]}, attrs(n=["7"]), False),
    ({"sport": [{"anything-but": "rugby"}]}, attrs(sport=["rugby", "golf"]), True),
    ({"sport": [{"anything-but": "rugby"}]}, attrs(sport=["rugby"]), False),
    ({"flag": [True]}, attrs(flag=[True]), True),
    ({"flag": [None]}, attrs(flag=[None]), True),
])
def test_filter_policy_matches_string_array_any_element(policy, attributes, expected):
    assert on_attributes(policy, attributes) is expected


@pytest.mark.parametrize(("policy", "attributes", "expected"), [
    ({"price": [100]}, attrs(price=100), True),
    ({"price": [100]}, {"price": {"Type": "Number", "Value": "100.0"}}, True),
    ({"price": [100]}, attrs(price="100"), False),
    ({"price": ["100"]}, attrs(price=100), False),
    ({"price": [{"numeric": ["=", 301.5]}]}, attrs(price=301.5), True),
    ({"price": [{"numeric": [">", 0, "<=", 150]}]}, attrs(price=150), True),
    ({"price": [{"numeric": [">", 0, "<=", 150]}]}, attrs(price=0), False),
    ({"price": [{"numeric": [">=", 0, "<", 150]}]}, attrs(price=150), False),
    ({"price": [{"numeric": ["<", 0]}]}, attrs(price=-0.5), True),
    ({"price": [{"numeric": [">", 10]}]}, attrs(price="20"), False),
    ({"price": [{"numeric": [">", 10]}]}, {"price": {"Type": "Number.float", "Value": "20"}}, True),
])
def test_filter_policy_matches_numbers_by_type(policy, attributes, expected):
    assert on_attributes(policy, attributes) is expected


def test_filter_policy_never_matches_binary_attribute():
    assert not on_attributes({"blob": ["YQ=="]}, attrs(blob=b"YQ=="))
    assert on_attributes({"blob": [{"exists": False}]}, attrs(blob=b"YQ=="))


@pytest.mark.parametrize(("rule", "value", "expected"), [
    ({"prefix": "bas"}, "baseball", True),
    ({"prefix": "bas"}, "football", False),
    ({"suffix": "ball"}, "baseball", True),
    ({"suffix": "ball"}, "basket", False),
    ({"equals-ignore-case": "RugBy"}, "rugby", True),
    ({"equals-ignore-case": "RugBy"}, "rugbys", False),
    ({"anything-but": ["rugby", "tennis"]}, "golf", True),
    ({"anything-but": ["rugby", "tennis"]}, "tennis", False),
    ({"anything-but": "rugby"}, "rugby", False),
    ({"anything-but": {"prefix": "org-"}}, "org-1", False),
    ({"anything-but": {"prefix": "org-"}}, "team-1", True),
    ({"anything-but": {"suffix": "-test"}}, "a-test", False),
    ({"anything-but": {"suffix": "-test"}}, "a-prod", True),
    ({"cidr": "10.0.0.0/24"}, "10.0.0.255", True),
    ({"cidr": "10.0.0.0/24"}, "10.0.1.0", False),
    ({"cidr": "10.0.0.0/24"}, "not-an-ip", False),
    ({"cidr": "2001:db8::/32"}, "2001:db8::1", True),
    ({"exists": True}, "anything", True),
])
def test_filter_policy_matches_string_operators(rule, value, expected):
    assert on_attributes({"key": [rule]}, attrs(key=value)) is expected


@pytest.mark.parametrize(("rule", "value", "expected"), [
    ({"anything-but": [100, 200]}, 150, True),
    ({"anything-but": [100, 200]}, 200, False),
    ({"anything-but": 100}, 100, False),
])
def test_filter_policy_matches_anything_but_numbers(rule, value, expected):
    assert on_attributes({"key": [rule]}, attrs(key=value)) is expected


@pytest.mark.parametrize(("rule", "attributes", "expected"), [
    ({"exists": True}, attrs(key="a"), True),
    ({"exists": True}, attrs(other="a"), False),
    ({"exists": False}, attrs(other="a"), True),
    ({"exists": False}, attrs(key="a"), False),
    ({"anything-but": "a"}, attrs(other="a"), False),
    ({"prefix": ""}, attrs(other="a"), False),
])
def test_filter_policy_matches_absent_keys_only_with_exists_false(rule, attributes, expected):
    assert on_attributes({"key": [rule]}, attributes) is expected


@pytest.mark.parametrize(("attributes", "expected"), [
    (attrs(source="aws.cloudwatch"), True),
    (attrs(metricName="CPUUtilization"), True),
    (attrs(source="aws.ec2", metricName="Memory"), False),
])
def test_filter_policy_matches_or_alternatives(attributes, expected):
    policy = {"$or": [{"source": ["aws.cloudwatch"]}, {"metricName": ["CPUUtilization"]}]}
    assert on_attributes(policy, attributes) is expected


def test_filter_policy_or_combines_with_sibling_keys():
    policy = {"store": ["a"], "$or": [{"x": ["1"]}, {"y": ["2"]}]}
    assert on_attributes(policy, attrs(store="a", y="2"))
    assert not on_attributes(policy, attrs(store="b", y="2"))


# --- SNS, MessageBody scope -------------------------------------------------------------------------------

@pytest.mark.parametrize(("policy", "body", "expected"), [
    ({"order": {"status": ["paid"]}}, {"order": {"status": "paid"}}, True),
    ({"order": {"status": ["paid"]}}, {"order": {"status": "open"}}, False),
    ({"order": {"status": ["paid"]}}, {"status": "paid"}, False),
    ({"a": {"b": {"c": [1]}}}, {"a": {"b": {"c": 1}}}, True),
    ({"tags": ["red"]}, {"tags": ["blue", "red"]}, True),
    ({"items": {"sku": ["x"]}}, {"items": [{"sku": "y"}, {"sku": "x"}]}, True),
    ({"items": {"sku": ["x"], "qty": [2]}}, {"items": [{"sku": "x", "qty": 1}, {"sku": "y", "qty": 2}]}, False),
    ({"price": [{"numeric": [">", 10]}]}, {"price": 11}, True),
    ({"price": [{"numeric": [">", 10]}]}, {"price": "11"}, False),
    ({"price": [10]}, {"price": 10.0}, True),
    ({"ok": [True]}, {"ok": True}, True),
    ({"ok": [True]}, {"ok": 1}, False),
    ({"gone": [None]}, {"gone": None}, True),
    ({"gone": [None]}, {}, False),
    ({"name": [{"prefix": "ab"}]}, {"name": "abc"}, True),
])
def test_filter_policy_matches_body(policy, body, expected):
    assert on_body(policy, body) is expected


@pytest.mark.parametrize(("policy", "body", "expected"), [
    ({"order": {"coupon": [{"exists": False}]}}, {"order": {"id": 1}}, True),
    ({"order": {"coupon": [{"exists": False}]}}, {"other": 1}, True),
    ({"order": {"coupon": [{"exists": True}]}}, {"other": 1}, False),
    ({"order": [{"exists": True}]}, {"order": {"id": 1}}, True),
    ({"order": [{"exists": False}]}, {"order": {"id": 1}}, False),
    ({"order": [{"exists": True}]}, {"order": []}, False),
])
def test_filter_policy_matches_body_exists_on_nested_keys(policy, body, expected):
    assert on_body(policy, body) is expected


def test_filter_policy_matches_body_or_inside_nested_object():
    policy = {"order": {"$or": [{"status": ["paid"]}, {"total": [{"numeric": [">", 100]}]}]}}
    assert on_body(policy, {"order": {"status": "open", "total": 150}})
    assert not on_body(policy, {"order": {"status": "open", "total": 50}})


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"text"', ""])
def test_filter_policy_body_scope_needs_json_object(body):
    assert not on_body({"a": [{"exists": False}]}, body)


# --- SNS validation ---------------------------------------------------------------------------------------

def test_compile_filter_policy_invalid_json_recorded_message():
    expected = _recorded("TestSNSSubscriptionCrud::test_validate_set_sub_attributes", "invalid-json-filter-policy")
    assert refusal("{invalid-json}") == expected


def test_compile_filter_policy_invalid_token_recorded_subscribe_message():
    expected = _recorded("TestSNSSubscriptionCrudV2::test_subscribe_invalid_filter_policy",
                         "subscribe-invalid-filter-policy")
    with pytest.raises(PolicyError) as raised:
        compile_filter_policy("invalid")
    assert raised.value.subscribe_message == expected
    assert str(raised.value) == expected.replace("Attributes Reason: ", "")


@pytest.mark.parametrize(("policy", "message"), [
    ([1], "FilterPolicy: Filter policy must be a JSON object"),
    ({f"k{i}": ["v"] for i in range(6)}, "FilterPolicy: Filter policy can not have more than 5 keys"),
    ({"store": [str(i) for i in range(151)]}, "FilterPolicy: Filter policy is too complex"),
    ({"a": [str(i) for i in range(10)], "b": [str(i) for i in range(16)]}, "FilterPolicy: Filter policy is too complex"),
    ({"store": []}, "FilterPolicy: Empty arrays are not allowed"),
    ({"store": "x"}, 'FilterPolicy: "store" must be an object or an array'),
    ({"store": [["x"]]}, "FilterPolicy: Match value must be String, number, true, false, or null"),
    ({"store": [{"prefix": "a", "suffix": "b"}]}, "FilterPolicy: Only one key allowed in match expression"),
    ({"store": [{"regex": "a.*"}]}, "FilterPolicy: Unrecognized match type regex"),
    ({"store": [{"wildcard": "*.png"}]}, "FilterPolicy: Unrecognized match type wildcard"),
    ({"store": [{"prefix": 5}]}, "FilterPolicy: prefix match pattern must be a string"),
    ({"store": [{"suffix": None}]}, "FilterPolicy: suffix match pattern must be a string"),
    ({"store": [{"equals-ignore-case": 1}]}, "FilterPolicy: equals-ignore-case match pattern must be a string"),
    ({"store": [{"exists": None}]}, "FilterPolicy: exists match pattern must be either true or false."),
    ({"store": [{"anything-but": None}]},
     "FilterPolicy: Value of anything-but must be an array or single string/number value."),
    ({"store": [{"anything-but": {"equals": "x"}}]}, "FilterPolicy: Unsupported anything-but pattern: equals"),
    ({"store": {"key": [{"exists": True}]}}, "Filter policy scope MessageAttributes does not support nested filter policy"),
])
def test_compile_filter_policy_refuses_invalid_policy(policy, message):
    assert refusal(policy) == "Invalid parameter: " + message


@pytest.mark.parametrize(("numeric", "message"), [
    ([], "Invalid member in numeric match: ]"),
    ([5], "Invalid member in numeric match: 5"),
    (["!=", 5], "Unrecognized numeric range operator: !="),
    (["=", "5"], "Value of equals must be numeric"),
    ([">", 20, "<"], "Value of < must be numeric"),
    (["<", 5, ">", 1], "Too many elements in numeric expression"),
    ([">", 5, 10], "Bad value in numeric range: 10"),
    ([">", 5, "=", 10], "Bad numeric range operator: ="),
    ([">", 10, "<", 5], "Bottom must be less than top"),
    ([">", 0, "<", 5, "<", 6], "Too many terms in numeric range expression"),
])
def test_compile_filter_policy_refuses_malformed_numeric(numeric, message):
    assert refusal({"price": [{"numeric": numeric}]}) == "Invalid parameter: FilterPolicy: " + message


def test_compile_filter_policy_body_scope_allows_nesting():
    compile_filter_policy(json.dumps({"a": {"b": {"c": ["x"]}}}), "MessageBody")


def test_compile_filter_policy_body_scope_counts_nesting_depth_in_complexity():
    # AWS's documented example: 4 values three levels deep and 3 values two levels deep, times 3 at the top.
    policy = {"key_a": {"key_b": {"key_c": ["1", "2", "3", "4"]}}, "key_d": {"key_e": ["1", "2", "3"]},
              "key_f": ["1", "2", "3"]}
    assert refusal(policy, "MessageBody") == "Invalid parameter: FilterPolicy: Filter policy is too complex"


def test_compile_filter_policy_or_alternatives_add_up():
    alternatives = [{"k": [str(i) for i in range(75)]}, {"j": [str(i) for i in range(75)]}]
    compile_filter_policy(json.dumps({"$or": alternatives}))
    alternatives.append({"m": ["x"]})
    assert refusal({"$or": alternatives}) == "Invalid parameter: FilterPolicy: Filter policy is too complex"


def test_compile_filter_policy_refuses_six_keys_through_or():
    policy = {"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "$or": [{"e": ["1"]}, {"f": ["1"], "g": ["1"]}]}
    assert refusal(policy) == "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"


def test_compile_filter_policy_refuses_malformed_or():
    assert refusal({"$or": [{"a": ["1"]}]}) == 'Invalid parameter: FilterPolicy: "$or" must be an array of at least 2 objects'


def test_compile_filter_policy_refuses_malformed_cidr():
    assert refusal({"ip": [{"cidr": "10.0.0.300/24"}]}) == "Invalid parameter: FilterPolicy: Nonstandard IP address: 10.0.0.300/24"


def test_compile_filter_policy_refuses_policy_over_256_kb():
    policy = json.dumps({"a": ["x" * 300_000]})
    assert refusal(policy) == "Invalid parameter: FilterPolicy: Filter policy is too long"


# --- EventBridge-style patterns (FilterCriteria) ----------------------------------------------------------

@pytest.mark.parametrize(("pattern", "event", "expected"), [
    ({"eventName": ["INSERT"]}, {"eventName": "INSERT"}, True),
    ({"eventName": ["INSERT", "MODIFY"]}, {"eventName": "REMOVE"}, False),
    ({"UserID": [None]}, {"UserID": None}, True),
    ({"UserID": [None]}, {"UserID": "x"}, False),
    ({"LastName": [""]}, {"LastName": ""}, True),
    ({"ok": [False]}, {"ok": False}, True),
    ({"ok": [False]}, {"ok": 0}, False),
    ({"n": [300]}, {"n": 300}, True),
    ({"n": [300]}, {"n": 300.0}, False),
    ({"n": [{"numeric": ["=", 300]}]}, {"n": 300.0}, True),
    ({"tags": ["b"]}, {"tags": ["a", "b"]}, True),
    ({"dynamodb": {"NewImage": {"status": {"S": ["active"]}}}},
     {"dynamodb": {"NewImage": {"status": {"S": "active"}}}}, True),
    ({"dynamodb": {"NewImage": {"status": {"S": ["active"]}}}},
     {"dynamodb": {"NewImage": {"status": {"N": "1"}}}}, False),
    ({"body": {"a": [{"exists": False}]}}, {"body": {"b": 1}}, True),
    # Recorded (test_dynamodb_event_filter[exists_false_filter]): an object-valued attribute exists.
    ({"dynamodb": {"NewImage": {"k": [{"exists": False}]}}}, {"dynamodb": {"NewImage": {"id": {"S": "1"}}}}, True),
    ({"dynamodb": {"NewImage": {"k": [{"exists": False}]}}}, {"dynamodb": {"NewImage": {"k": {"S": "v"}}}}, False),
    # Recorded (numeric_filter): numeric never matches DynamoDB's string N, anything-but does.
    ({"N": [{"numeric": [">", 100]}, {"anything-but": "101"}]}, {"N": "42"}, True),
    ({"N": [{"numeric": [">", 100]}, {"anything-but": "101"}]}, {"N": "101"}, False),
    ({"a": [{"exists": True}]}, {"a": None}, True),
    ({"Region": [{"prefix": "us-"}]}, {"Region": "us-east-1"}, True),
    ({"Region": [{"prefix": {"equals-ignore-case": "US-"}}]}, {"Region": "us-east-1"}, True),
    ({"File": [{"suffix": {"equals-ignore-case": ".PNG"}}]}, {"File": "a.png"}, True),
    ({"File": [{"wildcard": "*.png"}]}, {"File": "dir/a.png"}, True),
    ({"File": [{"wildcard": "img-*-x.png"}]}, {"File": "img-1-y.png"}, False),
    ({"File": [{"wildcard": "a\\*b"}]}, {"File": "a*b"}, True),
    ({"File": [{"wildcard": "a\\*b"}]}, {"File": "axb"}, False),
    ({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": "10.1.2.3"}, True),
    ({"w": [{"anything-but": {"equals-ignore-case": ["RAIN"]}}]}, {"w": "rain"}, False),
    ({"w": [{"anything-but": {"wildcard": "r*"}}]}, {"w": "sun"}, True),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, {"b": "2"}, True),
])
def test_event_pattern_matches(pattern, event, expected):
    assert on_event(pattern, event) is expected


@pytest.mark.parametrize("pattern", [
    # The first two are the recorded Lambda refusals (test_dynamodb_invalid_event_filter).
    "single-string", '[{"eventName": ["INSERT"=123}]', "[1]", '{"a": "x"}', '{"a": []}', '{"a": [{"numeric": [">", "x"]}]}', '{"a": [{"regex": "x"}]}',
    '{"a": [{"wildcard": "a**b"}]}', '{"a": [{"anything-but": [true]}]}', '{"$or": [{"a": ["1"]}]}',
])
def test_compile_event_pattern_refuses_invalid_pattern(pattern):
    with pytest.raises(PolicyError) as raised:
        compile_event_pattern(pattern)
    assert str(raised.value) == "Invalid filter pattern definition."


def test_compile_event_pattern_last_repeated_key_wins():
    assert compile_event_pattern('{"a": ["1"], "a": ["2"]}').matches({"a": "2"})


def test_compile_filter_policy_body_scope_counts_leaf_keys():
    five_leaves = {"a": {"b": ["1"], "c": ["1"]}, "d": {"e": {"f": ["1"], "g": ["1"], "h": ["1"]}}}
    compile_filter_policy(json.dumps(five_leaves), "MessageBody")
    five_leaves["d"]["e"]["i"] = ["1"]
    assert refusal(five_leaves, "MessageBody") == "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"


def test_compile_filter_policy_refuses_nan():
    message = refusal('{"a": [NaN]}')
    assert message.startswith("Invalid parameter: FilterPolicy: failed to parse JSON. Non-standard token 'NaN'")


def test_filter_policy_numeric_ignores_nan_body_value():
    assert not on_body({"a": [{"numeric": [">", 0]}]}, '{"a": NaN}')


def test_filter_policy_numeric_ignores_non_finite_attribute():
    assert not on_attributes({"a": [{"numeric": [">", 0]}]}, {"a": {"Type": "Number", "Value": "Infinity"}})


def test_filter_policy_matches_boto_style_attributes():
    attributes = {"store": {"DataType": "String", "StringValue": "a"}}
    assert on_attributes({"store": ["a"]}, attributes)
