"""The per-request fast paths and per-shape caches give exactly what the generic code they replace gives."""

from __future__ import annotations

import random
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl

import pytest

from mocklambda.protocol import load_service_model
from mocklambda.protocol.ids import new_uuid4
from mocklambda.protocol.query import _decode_form, _members
from mocklambda.protocol.rest import _location_members
from mocklambda.protocol.validation import unconstrained
from mocklambda.protocol.xmlcodec import member_xml_name, to_xml_bytes


def test_new_uuid4_has_uuid4s_text_form() -> None:
    ids = {new_uuid4() for _ in range(2000)}
    assert len(ids) == 2000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def _random_tree(rng: random.Random) -> ET.Element:
    chars = ["a", "&", "<", ">", '"', "'", "\r", "\n", "\t", "é", " "]

    def text() -> str:
        return "".join(rng.choice(chars) for _ in range(rng.randint(0, 4)))

    def grow(element: ET.Element, depth: int) -> None:
        for _ in range(rng.randint(0, 3)):
            child = ET.SubElement(element, rng.choice(["A", "B", "x:y"]))
            if rng.random() < 0.5:
                child.text = text()
            if rng.random() < 0.3:
                child.tail = text()
            if rng.random() < 0.3:
                child.set(rng.choice(["k", "xmlns", "xmlns:p"]), text())
            if depth < 3:
                grow(child, depth + 1)

    root = ET.Element("Root")
    if rng.random() < 0.5:
        root.set("xmlns", "http://example.com/doc/")
    grow(root, 0)
    return root


def test_to_xml_bytes_writes_what_elementtree_writes() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        root = _random_tree(rng)
        expected = ET.tostring(root, encoding="unicode").encode()
        assert to_xml_bytes(root, declaration=False) == expected
        assert to_xml_bytes(root) == b'<?xml version="1.0" encoding="UTF-8"?>' + expected


def test_to_xml_bytes_leaves_namespaced_names_and_comments_to_elementtree() -> None:
    root = ET.Element("{urn:x}Root")
    ET.SubElement(root, "{urn:x}Child").text = "a&b"
    root.append(ET.Comment("note"))
    assert to_xml_bytes(root, declaration=False) == ET.tostring(root, encoding="unicode").encode()


@pytest.mark.parametrize("text", [
    "", "Action=Publish&Version=2010-03-31", "a=1&&b=&c", "a+b=c+d%2B", "k=%C3%A9", "=x&y=", "a=%zz", "a=1=2",
])
def test_decode_form_gives_parse_qsls_pairs(text: str) -> None:
    assert _decode_form(text) == parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")


def test_decode_form_refuses_what_parse_qsl_refuses() -> None:
    with pytest.raises(UnicodeDecodeError):
        parse_qsl("a=%FF", keep_blank_values=True, encoding="utf-8", errors="strict")
    with pytest.raises(Exception, match="malformed"):
        _decode_form("a=%FF")


def test_query_member_plan_matches_the_shape() -> None:
    shape = load_service_model("sns").operation_model("Publish").input_shape
    assert _members(shape) == tuple(
        (name, member_xml_name(member, name), member) for name, member in shape.members.items()
    )
    assert _members(shape) is _members(shape)


def test_rest_location_plan_matches_the_shape() -> None:
    shape = load_service_model("s3").operation_model("GetObject").input_shape
    plan = _location_members(shape)
    assert [entry[0] for entry in plan] == list(shape.members)
    by_name = {entry[0]: entry for entry in plan}
    assert by_name["Bucket"][2:4] == ("uri", "Bucket")
    assert by_name["Range"][2:4] == ("header", "Range")
    assert _location_members(shape) is plan


def test_unconstrained_shapes() -> None:
    model = load_service_model("sns")
    publish = model.operation_model("Publish").input_shape
    assert not unconstrained(publish)  # Message is required
    assert unconstrained(publish.members["Message"])  # a plain string
    assert not unconstrained(publish.members["MessageAttributes"])  # maps always count as constrained
    topic = model.operation_model("CreateTopic").input_shape
    assert not unconstrained(topic.members["Tags"])  # lists always count as constrained
    lambda_model = load_service_model("lambda")
    create = lambda_model.operation_model("CreateFunction").input_shape
    assert not unconstrained(create.members["FunctionName"])  # min/max/pattern
    assert not unconstrained(create.members["Timeout"])  # a range
