"""What the Python and JS/TS extractors resolve expressions to: possible string values and table identities.

One definition for both languages, so a framework description reads the same values whichever file it came from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SVal:
    """One possible value of a string expression: text, a file offset per character, and whether it holds
    a literal written at this site (so a bare name that refers to a constant is not reported twice)."""

    text: str
    origin: list[int]
    own: bool = False


@dataclass(frozen=True)
class Ident:
    """A table identity: a model class, a table object, or an instance of a model."""

    schema: str | None
    name: str | None
    framework: str
    instance: bool = False
    raw: str = ""
