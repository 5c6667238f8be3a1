"""Marker pagination, as every Lambda List operation pages: one helper for all of them.

A page starts at the first item at or after the Marker and the NextMarker names the first item of the next
page, so an item deleted between two requests neither makes the next page repeat nor skip anything. Each
operation says how an item is ordered (`position`), how its Marker becomes such a position (and which Marker
it refuses), and how the item that follows a page becomes its NextMarker; this module knows no operation.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def paginate(
    items: Iterable[T], position: Callable[[T], Any], start: Any | None, size: int
) -> tuple[list[T], T | None]:
    """One page of `items` in `position` order (stable): at most `size` items from the first whose position
    is at or after `start` (None: from the beginning); and the first item of the next page, None on the last
    page. Positions only need to compare with each other and with `start`."""
    ordered = sorted(items, key=position)
    first = 0 if start is None else next((i for i, item in enumerate(ordered) if position(item) >= start), len(ordered))
    end = first + size
    return ordered[first:end], (ordered[end] if end < len(ordered) else None)
