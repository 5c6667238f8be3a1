"""Checking a request's params against the constraints of the operation's input shape, as AWS does.

`validate(service_model, operation_model, params)` raises the AwsError the service answers for input that
breaks its model: a required member missing, a string or list too short or long, a number out of range, a
value outside an enum, a string not matching a pattern. The message is AWS's:
"2 validation errors detected: Value 'x' at 'role' failed to satisfy constraint: ...; Value null at ...".

Evidence for the message forms (reference/aws-snapshots and other recordings of real AWS):
- verified: "Value null at", numbers quoted ('0'), lists as [a, b], maps as {k=v}, Java doubles (1.0, -1.0),
  paths (member names with the first letter lower-cased, even 'kMSKeyArn'; list items 'name.1.member.x',
  map values 'name.<key>.member.x'), the "Member must satisfy constraint: [...]" wrapper for failing scalar
  list items and "Map keys/Map value must satisfy constraint: [...]" for maps, one message per failed
  constraint, at most 10 messages ("10 validation errors detected" when there are more), sensitive members
  shown as "Value at 'password'" without their value.
- not reproducible: AWS orders messages and enum values by its internal model (a hash order), not by
  botocore's. Messages follow the member order of the shape; for one value: enum, pattern, length, range.
  Enum values follow the model unless quirks.ENUM_DISPLAY_ORDER records AWS's order.
- guessed: structures in a rendered list as Name(Member=value, ...), blobs as Java's ByteBuffer text,
  timestamps as Java's Date text; whether the wrapper lists "Member must not be null" (yes for list items and
  map values, no for map keys); string length counted in UTF-16 code units, as Java does.

Model patterns are Java regular expressions; they are translated to Python's `re` once each (\\p{..}
classes, class unions and intersections, \\z, \\Q..\\E, \\x{..}, surrogate pairs, mid-pattern flags) and a
pattern that still cannot be compiled is skipped, never fatal.

It must not: know any service by name (per-service rules live in quirks.py), check anything the model does
not declare (business rules belong to providers), or change params.
"""
from __future__ import annotations

import datetime as _dt
import functools
import logging
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from mocklambda.protocol import quirks
from mocklambda.protocol.errors import AwsError, validation_error
from mocklambda.protocol.javaregex import java_to_python_regex

logger = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 10
NOT_NULL = "Member must not be null"
_NUMBER_TYPES = frozenset({"integer", "long", "float", "double"})
_FLOAT_TYPES = frozenset({"float", "double"})
_CONTAINER_TYPES = frozenset({"structure", "list", "map"})


def validate(service_model: ServiceModel, operation_model: OperationModel, params: Mapping[str, Any]) -> None:
    """Raise the service's validation error if `params` break the input shape's constraints."""
    service = service_model.service_name
    shape = operation_model.input_shape
    if service in quirks.VALIDATION_SKIPPED or shape is None:
        return
    checker = _Checker(service, quirks.VALIDATION_LEFT_TO_PROVIDER.get((service, operation_model.name)))
    messages = checker.structure(shape, params, "", top=True)
    if messages:
        raise _error(service, messages)


def _error(service: str, messages: list[str]) -> AwsError:
    generic = validation_error(messages[:MAX_REPORTED_ERRORS])
    code = quirks.VALIDATION_ERROR_CODE.get(service, generic.code)
    return AwsError(code, generic.message, 400)


# ---------------------------------------------------------------------------------------------------------
# Walking the shape


class _Checker:
    """Collects the messages for one request, in the order AWS would give them (as far as it is knowable)."""

    def __init__(self, service: str, left_to_provider: frozenset[str] | None) -> None:
        self.service = service
        self.left_to_provider = left_to_provider or frozenset()

    def value(self, shape: Shape, value: Any, path: str) -> list[str]:
        messages = [_message(shape, value, path, text) for text in self.violations(shape, value)]
        if shape.type_name == "structure":
            messages += self.structure(shape, value, path)
        elif shape.type_name == "list":
            messages += self.list_items(shape, value, path)
        elif shape.type_name == "map":
            messages += self.map_entries(shape, value, path)
        return messages

    def structure(self, shape: Shape, value: Any, path: str, top: bool = False) -> list[str]:
        if not isinstance(value, Mapping):
            return []
        required = set(shape.required_members)
        messages: list[str] = []
        for name, member in shape.members.items():
            if top and name in self.left_to_provider:
                continue
            member_value = value.get(name)
            if member_value is None:
                if name in required:
                    messages.append(_message(member, None, _join(path, _lower_first(name)), NOT_NULL))
                continue
            if unconstrained(member):  # nothing it could break (planned once per shape): skip the walk
                continue
            messages += self.value(member, member_value, _join(path, _lower_first(name)))
        return messages

    def list_items(self, shape: Shape, value: Any, path: str) -> list[str]:
        if not _fits(shape, value):
            return []
        member = shape.member
        if member.type_name not in _CONTAINER_TYPES:
            if any(item is None or self.violations(member, item) for item in value):
                wrapped = ", ".join(self.declared(member) + [NOT_NULL])
                return [_message(shape, value, path, f"Member must satisfy constraint: [{wrapped}]")]
            return []
        return self.nested(member, list(enumerate(value, start=1)), path)

    def map_entries(self, shape: Shape, value: Any, path: str) -> list[str]:
        if not _fits(shape, value):
            return []
        messages: list[str] = []
        if any(self.violations(shape.key, key) for key in value):
            keys = ", ".join(self.declared(shape.key))
            messages.append(_message(shape, value, path, f"Map keys must satisfy constraint: [{keys}]"))
        member = shape.value
        if member.type_name not in _CONTAINER_TYPES:
            if any(item is None or self.violations(member, item) for item in value.values()):
                wrapped = ", ".join(self.declared(member) + [NOT_NULL])
                text = f"Map value must satisfy constraint: [{wrapped}]"
                messages.append(_message(shape, value, path, text))
            return messages
        return messages + self.nested(member, list(value.items()), path)

    def nested(self, member: Shape, entries: list[tuple[Any, Any]], path: str) -> list[str]:
        """Container items that are themselves containers: each checked at 'path.<index or key>.member'."""
        messages: list[str] = []
        for label, item in entries:
            item_path = f"{path}.{label}.member"
            if item is None:
                messages.append(_message(member, None, item_path, NOT_NULL))
            else:
                messages += self.value(member, item, item_path)
        return messages

    def violations(self, shape: Shape, value: Any) -> list[str]:
        """The constraints of `shape` that `value` breaks, in the order their messages are given."""
        if not _fits(shape, value):
            return []
        meta = shape.metadata
        texts: list[str] = []
        if shape.type_name == "string":
            enum = meta.get("enum")
            if enum and value not in enum:
                texts.append(self.enum_text(shape))
            pattern = meta.get("pattern")
            if pattern and not _matches(pattern, value):
                texts.append(_pattern_text(pattern))
        if shape.type_name in _NUMBER_TYPES:
            return texts + _range_violations(shape, value)
        return texts + _length_violations(shape, value)

    def declared(self, shape: Shape) -> list[str]:
        """Every constraint `shape` declares, as AWS lists them inside "must satisfy constraint: [...]"."""
        meta = shape.metadata
        texts: list[str] = []
        if shape.type_name in _NUMBER_TYPES:
            return _range_texts(shape)
        if "max" in meta:
            texts.append(f"Member must have length less than or equal to {meta['max']}")
        if "min" in meta:
            texts.append(f"Member must have length greater than or equal to {meta['min']}")
        if meta.get("pattern"):
            texts.append(_pattern_text(meta["pattern"]))
        if meta.get("enum"):
            texts.append(self.enum_text(shape))
        return texts

    def enum_text(self, shape: Shape) -> str:
        values = _enum_display(self.service, shape.name, tuple(shape.metadata["enum"]))
        return f"Member must satisfy enum value set: [{', '.join(values)}]"


_CONSTRAINT_KEYS = ("min", "max", "pattern", "enum")
_UNCONSTRAINED: dict[Shape, bool] = {}  # botocore keeps one Shape object per member: identity keys suffice


def unconstrained(shape: Shape) -> bool:
    """Whether no value of `shape` can produce a message: a scalar declaring no min/max/pattern/enum, or a
    structure with no required members whose members are all unconstrained. Lists and maps always count as
    constrained (a None item is reported). Computed once per shape, so requests skip walking such members."""
    known = _UNCONSTRAINED.get(shape)
    if known is None:
        known = _unconstrained(shape, set())
        _UNCONSTRAINED[shape] = known
    return known


def _unconstrained(shape: Shape, seen: set[int]) -> bool:
    kind = shape.type_name
    if kind in ("list", "map"):
        return False
    if kind == "structure":
        if id(shape) in seen or shape.required_members:  # a recursive shape counts as constrained
            return False
        seen.add(id(shape))
        return all(_unconstrained(member, seen) for member in shape.members.values())
    meta = shape.metadata
    return not any(key in meta for key in _CONSTRAINT_KEYS)


def _enum_display(service: str, shape_name: str, values: tuple[str, ...]) -> list[str]:
    known = quirks.ENUM_DISPLAY_ORDER.get((service, shape_name), ())
    first = [value for value in known if value in values]
    return first + [value for value in values if value not in known]


def _fits(shape: Shape, value: Any) -> bool:
    """Whether `value` has the Python type the protocol layer gives this shape (else nothing is checked)."""
    kind = shape.type_name
    if kind == "string":
        return isinstance(value, str)
    if kind in _NUMBER_TYPES:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "list":
        return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)
    if kind == "map":
        return isinstance(value, Mapping)
    if kind == "blob":
        return isinstance(value, bytes | bytearray | str)
    return False


def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-16-le")) // 2  # Java counts UTF-16 code units
    return len(value)


def _length_violations(shape: Shape, value: Any) -> list[str]:
    if shape.type_name not in ("string", "list", "map", "blob"):
        return []
    size = len(value.encode()) if shape.type_name == "blob" and isinstance(value, str) else _length(value)
    meta = shape.metadata
    texts: list[str] = []
    if "max" in meta and size > meta["max"]:
        texts.append(f"Member must have length less than or equal to {meta['max']}")
    if "min" in meta and size < meta["min"]:
        texts.append(f"Member must have length greater than or equal to {meta['min']}")
    return texts


def _range_texts(shape: Shape) -> list[str]:
    meta = shape.metadata
    texts = []
    if "max" in meta:
        texts.append(f"Member must have value less than or equal to {_bound(shape, meta['max'])}")
    if "min" in meta:
        texts.append(f"Member must have value greater than or equal to {_bound(shape, meta['min'])}")
    return texts


def _range_violations(shape: Shape, value: float) -> list[str]:
    meta = shape.metadata
    texts = []
    if "max" in meta and value > meta["max"]:
        texts.append(f"Member must have value less than or equal to {_bound(shape, meta['max'])}")
    if "min" in meta and value < meta["min"]:
        texts.append(f"Member must have value greater than or equal to {_bound(shape, meta['min'])}")
    return texts


def _bound(shape: Shape, bound: float) -> str:
    return _java_double(float(bound)) if shape.type_name in _FLOAT_TYPES else str(int(bound))


def _pattern_text(pattern: str) -> str:
    return f"Member must satisfy regular expression pattern: {pattern}"


def _message(shape: Shape, value: Any, path: str, text: str) -> str:
    if value is None:
        shown = " null"
    elif shape.metadata.get("sensitive"):
        shown = ""
    else:
        shown = f" '{_render(shape, value)}'"
    return f"Value{shown} at '{path}' failed to satisfy constraint: {text}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


# ---------------------------------------------------------------------------------------------------------
# Rendering values as AWS's Java service code prints them


def _render(shape: Shape | None, value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _render_number(shape, value)
    if isinstance(value, bytes | bytearray):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if isinstance(value, _dt.datetime):
        return value.astimezone(_dt.UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    if isinstance(value, Mapping):
        return _render_mapping(shape, value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        member = shape.member if shape is not None and shape.type_name == "list" else None
        return "[" + ", ".join(_render(member, item) for item in value) + "]"
    return str(value)


def _render_number(shape: Shape | None, value: float) -> str:
    if isinstance(value, float) or (shape is not None and shape.type_name in _FLOAT_TYPES):
        return _java_double(float(value))
    return str(value)


def _render_mapping(shape: Shape | None, value: Mapping[str, Any]) -> str:
    if shape is not None and shape.type_name == "structure":
        present = [(name, member) for name, member in shape.members.items() if name in value]
        fields = ", ".join(f"{name}={_render(member, value[name])}" for name, member in present)
        return f"{shape.name}({fields})"
    item_shape = shape.value if shape is not None and shape.type_name == "map" else None
    return "{" + ", ".join(f"{key}={_render(item_shape, item)}" for key, item in value.items()) + "}"


def _java_double(value: float) -> str:
    """Java's Double.toString: '1.0', '0.5', '1.0E7', '1.0E-4', 'NaN', 'Infinity'."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    magnitude = abs(value)
    if magnitude == 0 or 1e-3 <= magnitude < 1e7:
        text = repr(value)
        return text if "." in text else f"{text}.0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    mantissa = "".join(map(str, digits))
    power = len(digits) - 1 + int(exponent)
    fraction = mantissa[1:] or "0"
    return f"{'-' if sign else ''}{mantissa[0]}.{fraction}E{power}"


# ---------------------------------------------------------------------------------------------------------
# Java regular expressions


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.fullmatch(value) is not None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The model's Java pattern as a compiled Python pattern; None (never checked) if it cannot be had."""
    try:
        return re.compile(java_to_python_regex(pattern))
    except (re.error, ValueError, OverflowError) as exc:
        logger.debug("skipping model pattern %r: %s", pattern, exc)
        return None
