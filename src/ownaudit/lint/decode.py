"""Turn a file's bytes into text the way its language would, or say why it cannot be done.

A hub's SQL is not always UTF-8: editors on Windows save UTF-16 with a byte
order mark, old migrations are Latin-1, Python files may declare their own
encoding (PEP 263) and psql scripts may start with ``\\encoding`` or
``SET client_encoding``. Reading such a file as "not UTF-8, skipped" would let
whatever it writes through the gate, so the decoder follows the language's own
rules and falls back to cp1252/Latin-1 (every byte decodes) with a notice
rather than giving up. Only bytes that are text in no encoding (NUL bytes
without a UTF-16/32 pattern) are "binary".
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# PEP 263: a comment on line 1 or 2 matching this regular expression.
_PEP263 = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
# psql: "\encoding LATIN1" or "SET client_encoding [TO|=] 'LATIN1'" before the first other statement.
_PSQL_ENCODING = re.compile(
    rb"\A(?:\s*--[^\n]*\n)*\s*(?:\\encoding\s+['\"]?([-\w]+)|SET\s+(?:SESSION\s+)?client_encoding\s*(?:TO|=)\s*"
    rb"['\"]?([-\w]+))",
    re.IGNORECASE,
)
# PostgreSQL encoding names that Python spells differently.
_PG_NAMES = {"latin1": "latin-1", "win1252": "cp1252", "sql_ascii": "latin-1", "unicode": "utf-8",
             "utf8": "utf-8", "win1251": "cp1251", "win1250": "cp1250", "latin9": "iso8859-15"}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Decoded:
    """The text (``None`` when the bytes are not text), the encoding used and a notice worth showing."""

    text: str | None
    encoding: str
    notice: str | None = None
    binary: bool = False


def _utf16_32_without_bom(head: bytes) -> str | None:
    """Recognise BOM-less UTF-16/32 by where the NUL bytes of ASCII characters fall."""
    n = len(head) - len(head) % 4
    if n < 8:
        return None
    head = head[:n]
    zeros = [head[i::4].count(0) for i in range(4)]
    quarter = n // 4
    if zeros[1] == zeros[2] == zeros[3] == quarter and zeros[0] < quarter:
        return "utf-32-le"
    if zeros[0] == zeros[1] == zeros[2] == quarter and zeros[3] < quarter:
        return "utf-32-be"
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = n // 2
    if odd >= half * 0.9 and even < half * 0.1:
        return "utf-16-le"
    if even >= half * 0.9 and odd < half * 0.1:
        return "utf-16-be"
    return None


def _declared(raw: bytes, kind: str) -> tuple[str | None, str]:
    """An encoding the file declares for itself, and where it says so."""
    if kind == "python":
        for line in raw.split(b"\n", 2)[:2]:
            m = _PEP263.match(line)
            if m:
                return m.group(1).decode("ascii"), "coding cookie"
            if line.strip() and not line.lstrip().startswith(b"#"):
                break
    elif kind == "sql":
        m = _PSQL_ENCODING.match(raw[:SNIFF_BYTES])
        if m:
            name = (m.group(1) or m.group(2)).decode("ascii")
            return _PG_NAMES.get(name.lower().replace("-", ""), name), "client_encoding"
    return None, ""


def _lookup(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_source(raw: bytes, kind: str, display: str) -> Decoded:
    """Decode a lint input; never raises. ``kind`` is sql|python|js; ``display`` names the file in notices."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(enc)
            except UnicodeDecodeError as exc:
                return Decoded(None, enc, f"{display}: byte order mark says {enc} but byte {exc.start} is not", True)
            # The mark is not a character of the text: columns are what an editor shows.
            notice = None if enc == "utf-8" else f"{display}: decoded as {enc} (byte order mark)"
            return Decoded(text, enc, notice)
    head = raw[:SNIFF_BYTES]
    if b"\x00" in head:
        wide = _utf16_32_without_bom(head)
        if wide is not None:
            try:
                return Decoded(raw.decode(wide), wide, f"{display}: decoded as {wide} (no byte order mark)")
            except UnicodeDecodeError:
                pass
        return Decoded(None, "binary", f"{display}: binary file (NUL bytes, not UTF-16/32 text)", True)
    declared, how = _declared(raw, kind)
    if declared is not None:
        found = _lookup(declared)
        if found is None:
            return Decoded(None, declared, f"{display}: unknown encoding {declared!r} declared by its {how}")
        try:
            text = raw.decode(found)
        except UnicodeDecodeError as exc:
            return Decoded(None, found, f"{display}: not valid {found} (declared by its {how}) at byte {exc.start}")
        return Decoded(text, found, None if found == "utf-8" else f"{display}: decoded as {found} ({how})")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    for enc in ("cp1252", "latin-1"):  # cp1252 leaves five bytes undefined; Latin-1 decodes every byte
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return Decoded(text, enc, f"{display}: not UTF-8 (byte {bad}); decoded as {enc}")
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover
