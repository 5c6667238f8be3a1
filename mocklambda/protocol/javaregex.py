"""Java regular expressions (as AWS models write their patterns) translated to Python's `re` syntax.

Covers \\p{..} categories and POSIX classes (ASCII-only, as in Java), class unions and intersections,
\\Q..\\E, \\z/\\Z, \\x{..}, escaped surrogate pairs, mid-pattern flags, and Java's meanings of '.', \\d, \\w
and \\s. Raises ValueError for a construct with no Python equivalent. Knows nothing of AWS services.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any


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
