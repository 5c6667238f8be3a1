"""XML <-> botocore shape codec, shared by the rest-xml and query protocols.

What it does: turns Python values (see the VALUE CONVENTIONS in `base.py`) into ElementTree elements
following a shape's XML traits, and XML elements back into values; parses untrusted XML safely; formats and
parses the wire's timestamp texts.
What it must not do: know any service or operation, build protocol envelopes (query's `<XResponse>`,
rest-xml's error documents belong to their protocol modules), or touch HTTP.

XML traits honoured: `locationName` on members and on list members / map keys and values, `flattened` lists
and maps, `xmlAttribute` members (with a prefixed name such as `xsi:type`), `xmlNamespace` (plain URI or
`{prefix, uri}`), maps as `<entry><key/><value/></entry>`, booleans `true`/`false`, blobs base64,
timestamps ISO 8601 unless the shape's `timestampFormat` says otherwise.

Interface (stable; query.py relies on it):

- `parse_xml(data: bytes) -> Element`: parse a request body; raises `XmlSyntaxError` for malformed XML and for
  any DOCTYPE / entity declaration (no entity expansion, so no billion laughs, no external entities).
- `local_name(tag: str) -> str`: a tag or attribute name without its `{namespace}`.
- `shape_to_xml(parent: Element | None, shape: Shape, value: Any, name: str) -> Element`: serialize `value`
  as an element called `name` (a new root when `parent` is None, else appended to `parent`) and return that
  element. A flattened list/map has no element of its own: its items are appended to `parent` (required) and
  `parent` is returned. Members whose value is None are omitted, so are members that live outside the body
  (`location` header/headers/statusCode/uri/querystring).
- `members_to_xml(element: Element, shape: Shape, value: dict) -> None`: write the body members of structure
  `value` into an existing element (query's `<XResult>` wrapper, a rest-xml root); xmlAttribute members become
  attributes of `element`.
- `member_xml_name(member_shape: Shape, member_name: str) -> str`: the element name a structure member is
  written under (for a flattened list, its member's `locationName` when it has one, as botocore reads it).
- `add_xml_namespace(element: Element, shape: Shape) -> None`: set `xmlns` / `xmlns:prefix` from the shape.
- `xml_to_value(shape: Shape, element: Element | list[Element]) -> Any`: parse one element (or, for a
  flattened list/map, the list of its repeated elements) as `shape`.
- `members_from_xml(shape: Shape, element: Element) -> dict`: the body members of structure `shape` found in
  `element` (children and xmlAttribute attributes); locations other than the body are skipped.
- `to_xml_bytes(root: Element, declaration: bool = True) -> bytes`: UTF-8 document, with
  `<?xml version="1.0" encoding="UTF-8"?>` when `declaration`.
- `format_timestamp(value: Any, fmt: str = "iso8601") -> str`: fmt is a model `timestampFormat`
  (`iso8601`, `rfc822`, `unixTimestamp`); `value` anything `base.to_datetime` accepts.
- `parse_timestamp(text: str) -> datetime`: accepts ISO 8601, RFC 822 / HTTP dates and epoch seconds.
"""
from __future__ import annotations

import base64
import datetime as _dt
import email.utils
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from botocore.model import Shape

from mocklambda.protocol.base import to_datetime

Element = ET.Element

BODY_LOCATIONS = (None, "")
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'


class XmlSyntaxError(ValueError):
    """The document is not well-formed XML, or it declares a DOCTYPE or entities (refused)."""


# ---------------------------------------------------------------- parsing untrusted XML


def parse_xml(data: bytes) -> ET.Element:
    """Parse `data` into an element tree with `{namespace}local` names, refusing DTDs and entities."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attrs: builder.start(
        _qualified(name), {_qualified(key): val for key, val in attrs.items()}
    )
    parser.EndElementHandler = lambda name: builder.end(_qualified(name))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.ExternalEntityRefHandler = _refuse_external_entity
    try:
        parser.Parse(data, True)
        return builder.close()
    except expat.ExpatError as exc:
        raise XmlSyntaxError(str(exc)) from exc
    except AssertionError as exc:  # TreeBuilder on a document with no root element
        raise XmlSyntaxError("no element found") from exc


def _refuse_declaration(*_args: Any) -> None:
    raise XmlSyntaxError("DOCTYPE and entity declarations are not accepted")


def _refuse_external_entity(*_args: Any) -> int:
    raise XmlSyntaxError("external entities are not accepted")


def _qualified(expat_name: str) -> str:
    # expat reports namespaced names as "uri}local"; ElementTree spells them "{uri}local".
    return "{" + expat_name if "}" in expat_name else expat_name


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# ---------------------------------------------------------------- values -> XML


def shape_to_xml(parent: ET.Element | None, shape: Shape, value: Any, name: str) -> ET.Element:
    kind = shape.type_name
    if kind == "list" and shape.serialization.get("flattened"):
        return _flattened_list_to_xml(_require(parent, name), shape, value, name)
    if kind == "map" and shape.serialization.get("flattened"):
        return _flattened_map_to_xml(_require(parent, name), shape, value, name)
    element = ET.Element(name) if parent is None else ET.SubElement(parent, name)
    add_xml_namespace(element, shape)
    if kind == "structure":
        members_to_xml(element, shape, value)
    elif kind == "list":
        item_name = shape.member.serialization.get("name", "member")
        for item in value:
            shape_to_xml(element, shape.member, item, item_name)
    elif kind == "map":
        for key, item in value.items():
            _map_entry_to_xml(ET.SubElement(element, "entry"), shape, key, item)
    else:
        element.text = scalar_to_text(shape, value)
    return element


def _require(parent: ET.Element | None, name: str) -> ET.Element:
    if parent is None:
        raise ValueError(f"flattened {name!r} needs a parent element")
    return parent


def _flattened_list_to_xml(parent: ET.Element, shape: Shape, value: Any, name: str) -> ET.Element:
    for item in value:
        shape_to_xml(parent, shape.member, item, name)
    return parent


def _flattened_map_to_xml(parent: ET.Element, shape: Shape, value: Any, name: str) -> ET.Element:
    for key, item in value.items():
        _map_entry_to_xml(ET.SubElement(parent, name), shape, key, item)
    return parent


def _map_entry_to_xml(entry: ET.Element, shape: Shape, key: Any, item: Any) -> None:
    shape_to_xml(entry, shape.key, key, shape.key.serialization.get("name", "key"))
    if item is not None:
        shape_to_xml(entry, shape.value, item, shape.value.serialization.get("name", "value"))


def members_to_xml(element: ET.Element, shape: Shape, value: dict[str, Any]) -> None:
    for member_name, member_shape in shape.members.items():
        item = value.get(member_name)
        if item is None or member_shape.serialization.get("location") not in BODY_LOCATIONS:
            continue
        if member_shape.serialization.get("xmlAttribute"):
            attribute = member_shape.serialization.get("name", member_name)
            element.set(attribute, scalar_to_text(member_shape, item))
            continue
        shape_to_xml(element, member_shape, item, member_xml_name(member_shape, member_name))


def member_xml_name(member_shape: Shape, member_name: str) -> str:
    if member_shape.type_name == "list" and member_shape.serialization.get("flattened"):
        item_name = member_shape.member.serialization.get("name")
        if item_name:
            return str(item_name)
    return str(member_shape.serialization.get("name") or member_name)


def add_xml_namespace(element: ET.Element, shape: Shape) -> None:
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, str):
        element.set("xmlns", namespace)
    elif isinstance(namespace, dict) and namespace.get("uri"):
        prefix = namespace.get("prefix")
        element.set(f"xmlns:{prefix}" if prefix else "xmlns", namespace["uri"])


def scalar_to_text(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat") or "iso8601")
    if kind in ("float", "double"):
        return repr(float(value))
    if kind in ("integer", "long"):
        return str(int(value))
    return str(value)


def to_xml_bytes(root: ET.Element, declaration: bool = True) -> bytes:
    parts: list[str] = []
    try:
        _write_plain(root, parts)
        text = "".join(parts)
    except _NotPlain:
        text = ET.tostring(root, encoding="unicode")
    body = text.encode("utf-8")
    return _XML_DECLARATION + body if declaration else body


class _NotPlain(Exception):
    """The tree has something only ElementTree's own serializer handles (namespaced names, comments, QName,
    non-text values, which it rejects with its own error)."""


# ElementTree's own escaping functions, so the output is byte-for-byte what ET.tostring writes.
_escape_cdata: Callable[[str], str] = ET._escape_cdata  # type: ignore[attr-defined]
_escape_attrib: Callable[[str], str] = ET._escape_attrib  # type: ignore[attr-defined]


def _write_plain(element: ET.Element, parts: list[str]) -> None:
    """ET.tostring(element, encoding="unicode") for trees of plain names and text, without its namespace
    pass and per-element QName lookups (several times faster for the small documents most responses are).
    Mirrors ElementTree._serialize_xml with short_empty_elements=True; anything else raises _NotPlain."""
    tag = element.tag
    if type(tag) is not str or tag[:1] == "{":
        raise _NotPlain
    parts.append("<" + tag)
    for key, value in element.items():
        if type(key) is not str or key[:1] == "{" or type(value) is not str:
            raise _NotPlain
        parts.append(f' {key}="{_escape_attrib(value)}"')
    text = element.text
    if text is not None and type(text) is not str:
        raise _NotPlain
    if text or len(element):
        parts.append(">")
        if text:
            parts.append(_escape_cdata(text))
        for child in element:
            _write_plain(child, parts)
        parts.append("</" + tag + ">")
    else:
        parts.append(" />")
    tail = element.tail
    if tail:
        if type(tail) is not str:
            raise _NotPlain
        parts.append(_escape_cdata(tail))


# ---------------------------------------------------------------- XML -> values


def xml_to_value(shape: Shape, element: ET.Element | list[ET.Element]) -> Any:
    kind = shape.type_name
    if kind == "list":
        return _list_from_xml(shape, element)
    if kind == "map":
        return _map_from_xml(shape, element)
    if isinstance(element, list):
        element = element[0]
    if kind == "structure":
        return members_from_xml(shape, element)
    return text_to_scalar(shape, element.text or "")


def _list_from_xml(shape: Shape, element: ET.Element | list[ET.Element]) -> list[Any]:
    if shape.serialization.get("flattened"):
        items = element if isinstance(element, list) else [element]
    else:
        container = element[0] if isinstance(element, list) else element
        items = list(container)
    return [xml_to_value(shape.member, item) for item in items]


def _map_from_xml(shape: Shape, element: ET.Element | list[ET.Element]) -> dict[Any, Any]:
    if shape.serialization.get("flattened"):
        entries = element if isinstance(element, list) else [element]
    else:
        container = element[0] if isinstance(element, list) else element
        entries = list(container)
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    parsed: dict[Any, Any] = {}
    for entry in entries:
        children = {local_name(child.tag): child for child in entry}
        if key_name in children:
            value_node = children.get(value_name)
            key = xml_to_value(shape.key, children[key_name])
            parsed[key] = None if value_node is None else xml_to_value(shape.value, value_node)
    return parsed


def members_from_xml(shape: Shape, element: ET.Element) -> dict[str, Any]:
    children = _children_by_name(element)
    parsed: dict[str, Any] = {}
    for member_name, member_shape in shape.members.items():
        if member_shape.serialization.get("location") not in BODY_LOCATIONS:
            continue
        if member_shape.serialization.get("xmlAttribute"):
            found = _attribute(element, member_shape.serialization.get("name", member_name))
            if found is not None:
                parsed[member_name] = text_to_scalar(member_shape, found)
            continue
        nodes = _member_nodes(children, member_shape, member_name)
        if nodes:
            flat = member_shape.type_name in ("list", "map") and member_shape.serialization.get("flattened")
            parsed[member_name] = xml_to_value(member_shape, nodes if flat else nodes[0])
    return parsed


def _children_by_name(element: ET.Element) -> dict[str, list[ET.Element]]:
    children: dict[str, list[ET.Element]] = {}
    for child in element:
        children.setdefault(local_name(child.tag), []).append(child)
    return children


def _member_nodes(
    children: dict[str, list[ET.Element]], member_shape: Shape, member_name: str
) -> list[ET.Element]:
    # botocore writes a flattened list under the member's own locationName and reads it under the list
    # member's locationName; accept both spellings.
    candidates = (member_xml_name(member_shape, member_name), member_shape.serialization.get("name"), member_name)
    for candidate in candidates:
        if candidate and candidate in children:
            return children[candidate]
    return []


def _attribute(element: ET.Element, name: str) -> str | None:
    wanted = name.rsplit(":", 1)[-1]
    for key, value in element.attrib.items():
        if local_name(key) == wanted:
            return value
    return None


def text_to_scalar(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    if kind == "boolean":
        return text.strip().lower() == "true"
    if kind in ("integer", "long"):
        return int(text.strip())
    if kind in ("float", "double"):
        return float(text.strip())
    if kind == "blob":
        return base64.b64decode(text.strip())
    if kind == "timestamp":
        return parse_timestamp(text)
    return text


# ---------------------------------------------------------------- timestamps as wire text


def format_timestamp(value: Any, fmt: str = "iso8601") -> str:
    moment = to_datetime(value).astimezone(_dt.UTC)
    fmt = fmt.lower()
    if fmt == "rfc822":
        return email.utils.format_datetime(moment.replace(microsecond=0), usegmt=True)
    if fmt == "unixtimestamp":
        seconds = moment.timestamp()
        return str(int(seconds)) if seconds == int(seconds) else repr(round(seconds, 3))
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond // 1000:03d}Z"


def parse_timestamp(text: str) -> _dt.datetime:
    text = text.strip()
    try:
        return _dt.datetime.fromtimestamp(float(text), tz=_dt.UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        return to_datetime(text)
    except ValueError:
        pass
    try:
        return to_datetime(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a timestamp: {text!r}") from exc
