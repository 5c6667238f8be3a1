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
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from mocklambda.protocol import quirks
from mocklambda.protocol.errors import AwsError, validation_error

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
            member_path = _join(path, _lower_first(name))
            member_value = value.get(name)
            if member_value is None:
                if name in required:
                    messages.append(_message(member, None, member_path, NOT_NULL))
                continue
            messages += self.value(member, member_value, member_path)
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


def java_to_python_regex(pattern: str) -> str:
    """Translate a Java regular expression to Python's `re` syntax; ValueError if it has no equivalent."""
    return _JavaRegex(pattern).translate()


Ranges = list[tuple[int, int]]
_MAX_CODE_POINT = 0x10FFFF
_DIGIT: Ranges = [(0x30, 0x39)]
_UPPER: Ranges = [(0x41, 0x5A)]
_LOWER: Ranges = [(0x61, 0x7A)]
_SPACE: Ranges = [(0x09, 0x0D), (0x20, 0x20)]  # Java \s: [ \t\n\x0B\f\r]
_PUNCT: Ranges = [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)]
_POSIX: dict[str, Ranges] = {
    "lower": _LOWER,
    "upper": _UPPER,
    "ascii": [(0x00, 0x7F)],
    "alpha": _UPPER + _LOWER,
    "digit": _DIGIT,
    "alnum": _DIGIT + _UPPER + _LOWER,
    "punct": _PUNCT,
    "graph": _DIGIT + _UPPER + _LOWER + _PUNCT,
    "print": [(0x20, 0x20)] + _DIGIT + _UPPER + _LOWER + _PUNCT,
    "blank": [(0x09, 0x09), (0x20, 0x20)],
    "cntrl": [(0x00, 0x1F), (0x7F, 0x7F)],
    "xdigit": _DIGIT + [(0x41, 0x46), (0x61, 0x66)],
    "space": _SPACE,
    "l1": [(0x00, 0xFF)],
    "all": [(0, _MAX_CODE_POINT)],
}
_PREDEFINED: dict[str, Ranges] = {
    "d": _DIGIT,
    "w": _DIGIT + _UPPER + _LOWER + [(0x5F, 0x5F)],
    "s": _SPACE,
    "h": [(0x09, 0x09), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x180E, 0x180E), (0x2000, 0x200A),
          (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)],
    "v": [(0x0A, 0x0D), (0x85, 0x85), (0x2028, 0x2029)],
}
_SIMPLE_ESCAPES = {"t": 0x09, "n": 0x0A, "r": 0x0D, "f": 0x0C, "a": 0x07, "e": 0x1B}
_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"  # Java's '.' stops at every line terminator
_LINEBREAK = "(?:\\r\\n|[\\n\\x0b\\x0c\\r\\x85\\u2028\\u2029])"


class _JavaRegex:
    """One left-to-right pass over a Java pattern, writing the Python equivalent."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.dotall = False  # Java's (?s): '.' matches line terminators too

    def translate(self) -> str:
        text = self.sequence()
        if self.pos < len(self.src):
            raise ValueError(f"unbalanced ')' at {self.pos}")
        return text

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.src[index] if index < len(self.src) else ""

    def take(self) -> str:
        if self.pos >= len(self.src):
            raise ValueError("pattern ends early")
        char = self.src[self.pos]
        self.pos += 1
        return char

    def sequence(self) -> str:
        """Everything up to the ')' closing the current group (not consumed) or the end."""
        out: list[str] = []
        scoped_flags: list[str] = []  # inline flags like '(?i)' hold until this group ends
        outer_dotall = self.dotall
        while self.pos < len(self.src) and self.peek() != ")":
            char = self.take()
            if char == "|":
                out.append(")" * len(scoped_flags) + "|" + "".join(f"(?{f}:" for f in scoped_flags))
            elif char == "(":
                flags = self.inline_flags()
                if flags is None:
                    out.append(self.group())
                elif flags:
                    scoped_flags.append(flags)
                    out.append(f"(?{flags}:")
            else:
                out.append(self.atom(char))
        self.dotall = outer_dotall
        return "".join(out) + ")" * len(scoped_flags)

    def atom(self, char: str) -> str:
        if char == "\\":
            return self.escape_outside()
        if char == "[":
            return _emit_class(self.char_class())
        if char == ".":
            return "." if self.dotall else _DOT
        return char

    def inline_flags(self) -> str | None:
        """After '(': for a bare flag group '(?i)' its Python flags ('' when none apply), else None."""
        match = re.match(r"\?([idmsuxU]*(?:-[idmsuxU]*)?)\)", self.src[self.pos:])
        if match is None:
            return None
        self.pos += match.end()
        self.dotall = _dotall_after(match.group(1), self.dotall)
        return _python_flags(match.group(1))

    def group(self) -> str:
        rest = self.src[self.pos:]
        outer_dotall = self.dotall
        named = re.match(r"\?<([a-zA-Z][a-zA-Z0-9]*)>", rest)
        flagged = re.match(r"\?([idmsuxU]*(?:-[idmsuxU]*)?):", rest)
        if named:
            prefix = f"(?P<{named.group(1)}>"
            self.pos += named.end()
        elif flagged:
            flags = _python_flags(flagged.group(1))
            prefix = f"(?{flags}:" if flags else "(?:"
            self.pos += flagged.end()
            self.dotall = _dotall_after(flagged.group(1), self.dotall)
        else:
            prefix = "("
        body = self.sequence()
        self.dotall = outer_dotall
        if self.take() != ")":
            raise ValueError("unclosed group")
        return prefix + body + ")"

    def escape_outside(self) -> str:
        kind, value = self.escape()
        if kind == "char":
            return re.escape(chr(value))
        if kind == "set":
            return _emit_class(value)
        if kind == "quote":
            return re.escape(str(value))
        return str(value)

    def escape(self) -> tuple[str, Any]:
        """After a backslash: ('char', code point), ('set', ranges), ('quote', text) or ('raw', python)."""
        char = self.take()
        lower = char.lower()
        if lower in _PREDEFINED:
            ranges = _PREDEFINED[lower]
            return "set", (_complement(ranges) if char.isupper() else ranges)
        if char in "pP":
            ranges = _property(self.property_name())
            return "set", (_complement(ranges) if char == "P" else ranges)
        if char in _SIMPLE_ESCAPES:
            return "char", _SIMPLE_ESCAPES[char]
        if char in "xu0c":
            return "char", self.code_point(char)
        if char == "Q":
            end = self.src.find("\\E", self.pos)
            end = len(self.src) if end < 0 else end
            text, self.pos = self.src[self.pos:end], min(end + 2, len(self.src))
            return "quote", text
        raw = self.raw_escape(char)
        if raw is not None:
            return "raw", raw
        if char.isalnum():
            raise ValueError(f"unsupported escape \\{char}")
        return "char", ord(char)

    def raw_escape(self, char: str) -> str | None:
        """Escapes that only make sense outside a class: anchors, boundaries, back references."""
        anchors = {"b": "\\b", "B": "\\B", "A": "\\A", "z": "\\Z", "Z": "(?=\\n?\\Z)", "R": _LINEBREAK}
        if char in anchors:
            return anchors[char]
        if char.isdigit():
            return f"(?:\\{char})"
        if char == "k" and self.peek() == "<":
            end = self.src.index(">", self.pos)
            name, self.pos = self.src[self.pos + 1:end], end + 1
            return f"(?P={name})"
        return None

    def property_name(self) -> str:
        if self.peek() != "{":
            return self.take()
        end = self.src.index("}", self.pos)
        name, self.pos = self.src[self.pos + 1:end], end + 1
        return name

    def code_point(self, kind: str) -> int:
        if kind == "c":
            return ord(self.take()) ^ 0x40
        if kind == "0":
            digits = re.match(r"[0-3]?[0-7]{1,2}", self.src[self.pos:])
            if digits is None:
                raise ValueError("bad octal escape")
            self.pos += digits.end()
            return int(digits.group(), 8)
        if kind == "x" and self.peek() == "{":
            end = self.src.index("}", self.pos)
            value, self.pos = int(self.src[self.pos + 1:end], 16), end + 1
            return value
        width = 2 if kind == "x" else 4
        value = int(self.src[self.pos:self.pos + width], 16)
        self.pos += width
        return self.low_surrogate(value) if 0xD800 <= value <= 0xDBFF else value

    def low_surrogate(self, high: int) -> int:
        """Java joins an escaped surrogate pair (\\uD800\\uDC00) into one code point."""
        low = re.match(r"\\u(d[c-f][0-9a-f]{2})", self.src[self.pos:], re.IGNORECASE)
        if low is None:
            return high
        self.pos += low.end()
        return 0x10000 + ((high - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)

    def char_class(self) -> Ranges:
        """After '[': the class up to its ']', with Java's nested unions and '&&' intersections."""
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        ranges = self.class_union()
        while self.at_intersection():
            self.pos += 2
            ranges = _intersect(ranges, self.class_union())
        if self.take() != "]":
            raise ValueError("unclosed character class")
        return _complement(ranges) if negated else _normalize(ranges)

    def class_union(self) -> Ranges:
        ranges: Ranges = []
        first = True
        while self.peek() and not (self.peek() == "]" and not first) and not self.at_intersection():
            first = False
            if self.peek() == "[":
                self.pos += 1
                ranges += self.char_class()
                continue
            kind, value = self.class_atom()
            if kind == "set":
                ranges += value
            elif self.peek() == "-" and self.peek(1) not in ("]", "[", ""):
                self.pos += 1
                upper_kind, upper = self.class_atom()
                if upper_kind != "char" or upper < value:
                    raise ValueError("bad range in character class")
                ranges.append((value, upper))
            else:
                ranges.append((value, value))
        return ranges

    def at_intersection(self) -> bool:
        return self.src.startswith("&&", self.pos)

    def class_atom(self) -> tuple[str, Any]:
        char = self.take()
        if char != "\\":
            return "char", ord(char)
        kind, value = self.escape()
        if kind == "quote":
            return "set", [(ord(c), ord(c)) for c in value]
        if kind == "raw":
            raise ValueError("anchor or reference inside a character class")
        return kind, value


def _python_flags(java_flags: str) -> str:
    """Java inline flags as Python's: i, m, s, x kept; d (UNIX_LINES), u, U dropped."""
    on, _, off = java_flags.partition("-")
    keep_on = "".join(f for f in on if f in "imsx")
    keep_off = "".join(f for f in off if f in "imsx")
    return keep_on + (f"-{keep_off}" if keep_off else "")


def _dotall_after(java_flags: str, dotall: bool) -> bool:
    on, _, off = java_flags.partition("-")
    return ("s" in on or dotall) and "s" not in off


def _emit_class(ranges: Ranges) -> str:
    if not ranges:
        return "(?!)"
    parts = [_class_char(lo) if lo == hi else f"{_class_char(lo)}-{_class_char(hi)}" for lo, hi in ranges]
    return "[" + "".join(parts) + "]"


def _class_char(code: int) -> str:
    if code < 0x80 and chr(code).isalnum():
        return chr(code)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _normalize(ranges: Ranges) -> Ranges:
    merged: Ranges = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _complement(ranges: Ranges) -> Ranges:
    result: Ranges = []
    start = 0
    for lo, hi in _normalize(ranges):
        if lo > start:
            result.append((start, lo - 1))
        start = hi + 1
    if start <= _MAX_CODE_POINT:
        result.append((start, _MAX_CODE_POINT))
    return result


def _intersect(left: Ranges, right: Ranges) -> Ranges:
    return _complement(_complement(left) + _complement(right))


def _property(name: str) -> Ranges:
    """Java's \\p{name}: POSIX classes (ASCII, Java's default), Unicode categories, some binary properties."""
    if name in _POSIX_NAMES:
        return _POSIX[name.lower()]
    key = name[2:] if name.startswith("Is") else re.sub(r"^(general_category|gc)=", "", name)
    if key in _CATEGORY_ALIASES:
        return _category_ranges(_CATEGORY_ALIASES[key])
    if _is_category(key):
        return _category_ranges((key,))
    if name.startswith("Is") and key.lower() in _BINARY_PROPERTIES:
        extra = [(0x09, 0x0D), (0x85, 0x85)] if key.lower() in ("whitespace", "white_space") else []
        return _normalize(_category_ranges(_BINARY_PROPERTIES[key.lower()]) + extra)
    raise ValueError(f"unsupported property \\p{{{name}}}")


_POSIX_NAMES = frozenset({"Lower", "Upper", "ASCII", "Alpha", "Digit", "Alnum", "Punct", "Graph", "Print",
                          "Blank", "Cntrl", "XDigit", "Space", "L1", "all"})
_CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {"LD": ("L", "Nd"), "LC": ("Lu", "Ll", "Lt")}
# Approximations by general category (Java's Alphabetic also takes Other_Alphabetic marks).
_BINARY_PROPERTIES: dict[str, tuple[str, ...]] = {
    "alphabetic": ("L", "Nl"), "letter": ("L",), "digit": ("Nd",), "uppercase": ("Lu",), "lowercase": ("Ll",),
    "punctuation": ("P",), "control": ("Cc",), "whitespace": ("Z",), "white_space": ("Z",),
}


def _is_category(key: str) -> bool:
    return len(key) in (1, 2) and key[0] in "LMNPSZC" and (len(key) == 1 or key[1].islower())


def _category_ranges(wanted: tuple[str, ...]) -> Ranges:
    ranges: Ranges = []
    for category, spans in _categories().items():
        if any(category.startswith(prefix) for prefix in wanted):
            ranges += spans
    if not ranges:
        raise ValueError(f"unknown Unicode category {wanted}")
    return _normalize(ranges)


@functools.cache
def _categories() -> dict[str, Ranges]:
    """Code point ranges of every Unicode general category (one pass over all code points, once)."""
    table: dict[str, Ranges] = {}
    start, current = 0, unicodedata.category("\x00")
    for code in range(1, _MAX_CODE_POINT + 1):
        category = unicodedata.category(chr(code))
        if category != current:
            table.setdefault(current, []).append((start, code - 1))
            start, current = code, category
    table.setdefault(current, []).append((start, _MAX_CODE_POINT))
    return table
