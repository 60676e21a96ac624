"""Offset -> (line, column) mapping for one file's text.

Findings point at ``path:line:column``; every extractor works in character
offsets into the decoded file, and this is the one place that turns them into
1-based lines and columns.
"""

from __future__ import annotations

from bisect import bisect_right


class LineIndex:
    """Line starts of a text, for O(log n) offset lookups."""

    __slots__ = ("_length", "_starts")

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts
        self._length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset (clamped into the text)."""
        offset = max(0, min(offset, self._length))
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line."""
        return self._starts[max(0, min(line, len(self._starts)) - 1)]

    @property
    def line_count(self) -> int:
        return len(self._starts)
