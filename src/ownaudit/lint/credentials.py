"""Credentials and roles written in hub code and configuration.

A literal PostgreSQL password or provider token is a critical finding wherever
it is written: in a libpq URI (``postgres://``, ``postgresql://``,
``postgresql+driver://``, with or without port, percent-encoded, or as a
``password=`` query parameter), in a key=value conninfo string, as a
``password=`` / ``password:`` argument or key of a ``connect()``,
``create_engine()``, ``new Pool({...})`` call or a config dict/object on any of
its lines, as the default of ``os.environ.get("...PASSWORD", "...")``, in an
``.env`` / ``.envrc`` / compose / doppler file or shell script assigning
``PGPASSWORD``, ``*_PASSWORD`` or ``DATABASE_URL``, or as a Neon token
(``npg_...``) anywhere. The value is never echoed: every message and excerpt
masks it. Placeholders are not literals (``${CL_PASSWORD}``, ``$PGPASSWORD``,
``{password}``, ``%s``, ``<password>``, ``****``, ``os.environ[...]``,
``your_password``).

A connection that names a role is judged (the connecting-role rule) only when
it points at the policy's database: its database name is the policy's, or, when
it names none, its host is the policy's host.

The patterns are our own rather than a general scanner's (see
docs/hardening.md for the measurement against detect-secrets): the forms above
are specific to PostgreSQL, the connecting-role rule needs user, host and
database from the same connection, and the pre-commit hook must start fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from ownaudit.lazyre import LazyPattern

_QUOTE_END = "'\"`"
_URI = LazyPattern(
    r"\b(?P<scheme>postgres(?:ql)?(?:\+[a-z0-9_]+)?)://"
    r"(?:(?P<user>[^:/@\s'\"`?#]*)(?::(?P<pw>[^@\s'\"`]*))?@)?"
    r"(?P<host>[^\s'\"`/?#]*)(?:/(?P<db>[^\s'\"`?#]*))?(?:\?(?P<query>[^\s'\"`#]*))?",
    re.IGNORECASE,
)
_QUERY_PW = LazyPattern(r"(?:^|&)password=(?P<pw>[^&]*)", re.IGNORECASE)
_QUERY_KEY = LazyPattern(r"(?:^|&)(?P<k>user|dbname|host)=(?P<v>[^&]*)", re.IGNORECASE)
# key=value conninfo: a string with host=/dbname= and password=
_CONNINFO_KEY = LazyPattern(
    r"\b(?P<k>password|user|dbname|host)\s*=\s*(?:'(?P<q>(?:[^'\\]|\\.)*)'|(?P<v>[^\s'\"`]+))", re.IGNORECASE
)
# password-like key with a literal string value: kwargs, dict/object keys, constants
_PW_NAMES = r"(?:pg_?password|password|passwd|pwd|db_?pass(?:word)?|[a-z0-9_]*_password|pgpass)"
_KEYED = LazyPattern(
    r"(?<![\w.])(?P<kq>['\"]?)(?P<key>" + _PW_NAMES + r")(?P=kq)\s*(?:=>|:|=)\s*"
    r"(?P<vq>['\"`])(?P<val>(?:(?!(?P=vq)).)*?)(?P=vq)",
    re.IGNORECASE,
)
# What every _KEYED match contains (its key's end, the separator, the value's quote): a fast first
# test, since nearly every Python file says "pass" somewhere and _KEYED is slow over a whole file.
_KEYED_HINT = LazyPattern(r"(?:pass|pwd)(?:word|wd)?['\"]?\s*(?:=>|:|=)\s*['\"`]", re.IGNORECASE)
_ENV_DEFAULT = LazyPattern(
    r"(?:getenv|environ\.get|env\.get)\(\s*['\"](?P<name>[A-Za-z0-9_]*(?:PASS|DSN|DATABASE_URL|PWD)[A-Za-z0-9_]*)['\"]"
    r"\s*,\s*(?P<vq>['\"])(?P<val>[^'\"\n]*)(?P=vq)",
    re.IGNORECASE,
)
_JS_DEFAULT = LazyPattern(
    r"process\.env\.(?P<name>[A-Za-z0-9_]*(?:PASS|PWD)[A-Za-z0-9_]*)\s*(?:\|\||\?\?)\s*(?P<vq>['\"`])"
    r"(?P<val>[^'\"`\n]*)(?P=vq)",
    re.IGNORECASE,
)
# .env, .envrc, shell, compose: NAME=value / NAME: value / export NAME=value / - NAME=value
_ASSIGN = LazyPattern(
    r"(?:^|[\s;(])(?:export\s+|-\s+)?(?P<name>[A-Za-z0-9_]*(?:PASSWORD|PASSWD|PGPASS)[A-Za-z0-9_]*)"
    r"\s*(?:=|:\s)\s*(?:(?P<vq>['\"])(?P<qval>[^'\"\n]*)(?P=vq)|(?P<val>[^\s'\"#;]+))",
    re.IGNORECASE | re.MULTILINE,
)
_USER_KEY = LazyPattern(r"(?<![\w.])['\"]?(?:user|username)['\"]?\s*(?:=>|:|=)\s*['\"`]", re.IGNORECASE)
_NEON_TOKEN = LazyPattern(r"\bnpg_[A-Za-z0-9]{8,}\b")
_DB_HINT = LazyPattern(
    r"\b(?:connect|create_engine|create_async_engine|Pool|Client|psycopg2?|asyncpg|pg8000|libpq|sqlalchemy|"
    r"postgres(?:ql)?|neon|dbname|database|sslmode|host|port|knex|sequelize|DATABASE_URL)\b",
    re.IGNORECASE,
)
_PLACEHOLDER_WORDS = frozenset(
    {"password", "pass", "passwd", "secret", "changeme", "change_me", "your_password", "yourpassword",
     "your-password", "mypassword", "none", "null", "undefined", "example", "placeholder", "redacted",
     "pw", "pwd", "todo", "tbd", "dummy", "test", "xxx", "password123"}
)


@dataclass(frozen=True)
class CredentialHit:
    kind: str  # "password"
    offset: int
    masked: str  # what to show: never the password
    user: str = ""
    form: str = ""  # which form found it: uri, conninfo, keyword, env-default, assignment, token


@dataclass(frozen=True)
class Connection:
    """User, database and host of one connection written in the code (literals only)."""

    user: str
    user_offset: int
    database: str | None
    host: str | None
    masked: str


def is_placeholder(value: str) -> bool:
    """A template, variable reference or stand-in, not a real secret."""
    v = value.strip()
    if not v:
        return True
    if v[0] in "${%<[*(" or "{" in v or v.startswith(("os.", "env", "process.env", "getenv", "ENV[")):
        return True
    if set(v) <= {"*", "x", "X", ".", "•", "-", "_"}:
        return True
    low = v.lower()
    if low in _PLACEHOLDER_WORDS or low.startswith(("your_", "your-", "<", "change")):
        return True
    return re.fullmatch(r"\$?\{?[A-Z_][A-Z0-9_]*\}?", v) is not None and v.isupper() and "_" in v


def _mask_uri(m: re.Match[str]) -> str:
    user = m.group("user")
    host = m.group("host") or ""
    db = f"/{m.group('db')}" if m.group("db") else ""
    cred = f"{user}:****@" if m.group("pw") is not None else (f"{user}@" if user else "")
    query = m.group("query")
    q = f"?{_QUERY_PW.sub(lambda x: x.group(0).split('=')[0] + '=****', query)}" if query else ""
    return f"{m.group('scheme')}://{cred}{host}{db}{q}"


def _line_of(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _block(text: str, offset: int, limit: int = 1500) -> tuple[int, int]:
    """The bracketed call/dict/object around ``offset`` (at most ``limit`` characters each way)."""
    depth = 0
    lo = max(0, offset - limit)
    start = None
    for i in range(offset - 1, lo - 1, -1):
        c = text[i]
        if c in ")}]":
            depth += 1
        elif c in "({[":
            if depth == 0:
                start = i
                break
            depth -= 1
    if start is None:
        return _line_of(text, offset)
    depth = 0
    hi = min(len(text), offset + limit)
    for j in range(start, hi):
        c = text[j]
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
            if depth == 0:
                # include the call name before the bracket: "connect(", "new Pool("
                line_start = text.rfind("\n", 0, start) + 1
                return line_start, j + 1
    return _line_of(text, offset)


def _literal_keys(block: str, names: str) -> dict[str, tuple[str, int]]:
    """``name=`` / ``'name':`` / ``name:`` keys with literal string values in ``block``."""
    rx = re.compile(
        r"(?<![\w.])(?P<kq>['\"]?)(?P<key>" + names + r")(?P=kq)\s*(?:=>|:|=)\s*(?P<vq>['\"`])(?P<val>[^'\"`\n]*)"
        r"(?P=vq)",
        re.IGNORECASE,
    )
    out: dict[str, tuple[str, int]] = {}
    for m in rx.finditer(block):
        out.setdefault(m.group("key").lower(), (m.group("val"), m.start("val")))
    return out


def scan_credentials(text: str) -> list[CredentialHit]:
    """Every literal password or token in ``text``, one hit per value (roles: ``connections``)."""
    hits: list[CredentialHit] = []
    taken: list[tuple[int, int]] = []

    def add_pw(start: int, end: int, masked: str, form: str) -> None:
        if any(a <= start < b or start <= a < end for a, b in taken):
            return
        taken.append((start, end))
        hits.append(CredentialHit("password", start, masked, form=form))

    low = text.lower()
    has_uri = "postgres" in low and "://" in text  # every URI match holds both
    has_pw = ("pass" in low or "pwd" in low) and _KEYED_HINT.search(text) is not None
    for m in _URI.finditer(text) if has_uri else ():
        pw = m.group("pw")
        if pw is not None and not is_placeholder(unquote(pw)):
            add_pw(m.start("pw"), m.end("pw"), _mask_uri(m), "uri")
        query = m.group("query")
        if query:
            q = _QUERY_PW.search(query)
            if q and not is_placeholder(unquote(q.group("pw"))):
                s = m.start("query") + q.start("pw")
                add_pw(s, s + len(q.group("pw")), _mask_uri(m), "uri")
    for m in _CONNINFO_KEY.finditer(text) if "password" in low else ():
        if m.group("k").lower() != "password":
            continue
        ls, le = _line_of(text, m.start())
        line = text[ls:le]
        if not re.search(r"\b(?:host|dbname|user)\s*=\s*[^\s'\"(]", line):
            continue  # a keyword argument, not a conninfo string (handled below)
        value = m.group("q") if m.group("q") is not None else (m.group("v") or "")
        if m.group("q") is None and (value.startswith(("os.", "env", "{")) or "(" in value):
            continue
        if not is_placeholder(value):
            vs = m.start("q") if m.group("q") is not None else m.start("v")
            add_pw(vs, vs + len(value), "password=****", "conninfo")
    for m in _KEYED.finditer(text) if has_pw else ():
        value = m.group("val")
        if is_placeholder(value):
            continue
        key = m.group("key").lower()
        bs, be = _block(text, m.start())
        context = text[max(0, bs - 300) : be]  # the call or dict, and what leads up to it
        if key not in ("password", "passwd", "pwd") or _DB_HINT.search(context):
            add_pw(m.start("val"), m.end("val"), f"{m.group('key')}=****", "keyword")
    env_rx = [rx for rx, word in ((_ENV_DEFAULT, "env"), (_JS_DEFAULT, "process.env")) if word in text]
    for rx in env_rx:
        for m in rx.finditer(text):
            value = m.group("val")
            if not is_placeholder(value) and not value.lower().startswith(("postgres://", "postgresql://")):
                add_pw(m.start("val"), m.end("val"), f"{m.group('name')} default ****", "env-default")
    for m in _NEON_TOKEN.finditer(text) if "npg_" in text else ():
        add_pw(m.start(), m.end(), "npg_****", "token")
    return hits


def scan_config(text: str) -> list[CredentialHit]:
    """Credentials in an ``.env``/``.envrc``/compose/doppler file or a shell script."""
    hits = scan_credentials(text)
    taken = {h.offset for h in hits if h.kind == "password"}
    low = text.lower()
    for m in _ASSIGN.finditer(text) if ("pass" in low or "pgpass" in low) else ():
        value = m.group("qval") if m.group("qval") is not None else (m.group("val") or "")
        start = m.start("qval") if m.group("qval") is not None else m.start("val")
        if is_placeholder(value) or value.startswith(("$", "`")) or start in taken:
            continue
        if any(h.offset <= start < h.offset + 1 for h in hits):
            continue
        hits.append(CredentialHit("password", start, f"{m.group('name')}=****", form="assignment"))
    return hits


def connections(text: str) -> list[Connection]:
    """Connections that name a role: URIs with a user, conninfo strings, calls/dicts with user= and a host."""
    out: list[Connection] = []
    low = text.lower()
    if "user" not in low and "postgres" not in low:
        return out
    for m in _URI.finditer(text) if "postgres" in low and "://" in text else ():
        user = m.group("user") or ""
        query = m.group("query") or ""
        q = dict((x.group("k").lower(), x.group("v")) for x in _QUERY_KEY.finditer(query))
        user_offset = m.start("user") if user else m.start()
        if not user and "user" in q:
            user = q["user"]
        user = unquote(user)
        if not user or is_placeholder(user):
            continue
        db = unquote(m.group("db")) if m.group("db") else q.get("dbname")
        out.append(Connection(user, user_offset, unquote(db) if db else None, unquote(m.group("host") or "") or None,
                              _mask_uri(m)))
    seen_lines: set[int] = set()
    for m in _CONNINFO_KEY.finditer(text) if ("host=" in low or "dbname=" in low) else ():
        ls, le = _line_of(text, m.start())
        if ls in seen_lines:
            continue
        line = text[ls:le]
        if _URI.search(line) or not re.search(r"\b(?:host|dbname)\s*=\s*[^\s'\"(]", line):
            continue
        seen_lines.add(ls)
        keys: dict[str, tuple[str, int]] = {}
        for k in _CONNINFO_KEY.finditer(line):
            value = k.group("q") if k.group("q") is not None else (k.group("v") or "")
            keys.setdefault(k.group("k").lower(), (value, ls + (k.start("q") if k.group("q") is not None
                                                               else k.start("v"))))
        if "user" in keys and not is_placeholder(keys["user"][0]):
            db = keys.get("dbname", (None, 0))[0]
            host = keys.get("host", (None, 0))[0]
            out.append(Connection(keys["user"][0], keys["user"][1], db, host, f"user={keys['user'][0]}"))
    for m in _USER_KEY.finditer(text) if "user" in low else ():
        ls, _ = _line_of(text, m.start())
        if ls in seen_lines:
            continue
        bs, be = _block(text, m.start())
        keys = _literal_keys(text[bs:be], r"user|username|database|dbname|db|host")
        user = keys.get("user") or keys.get("username")
        if user is None or is_placeholder(user[0]) or not ({"host", "database", "dbname", "db"} & set(keys)):
            continue
        seen_lines.add(ls)
        db = (keys.get("database") or keys.get("dbname") or keys.get("db") or (None, 0))[0]
        host = keys.get("host", (None, 0))[0]
        out.append(Connection(user[0], bs + user[1], db, host, f"user={user[0]}"))
    return out


_MASKS: tuple[tuple[LazyPattern, str], ...] = (
    (_NEON_TOKEN, "npg_****"),
    (LazyPattern(r"(\bPASSWORD\s+)('(?:[^']|'')*')", re.IGNORECASE), r"\1'****'"),
    (LazyPattern(r"(\bpassword\s*=\s*['\"]?)([^\s'\",)&]+)", re.IGNORECASE), r"\1****"),
    (LazyPattern(r"((?<![\w.])['\"]?" + _PW_NAMES + r"['\"]?\s*(?:=>|:|=)\s*(['\"`]))((?:(?!\2).)+)(\2)",
                re.IGNORECASE), r"\1****\4"),
    (LazyPattern(r"(\b[A-Za-z0-9_]*(?:PASSWORD|PASSWD|PGPASS)[A-Za-z0-9_]*\s*(?:=|:\s)\s*)([^\s'\"#;]+)",
                re.IGNORECASE), r"\1****"),
    (LazyPattern(r"((?:getenv|environ\.get|env\.get)\(\s*['\"][^'\"]*['\"]\s*,\s*(['\"]))([^'\"\n]*)(\2)"),
     r"\1****\4"),
)


def mask_secrets(text: str) -> str:
    """``text`` with every detected value and every password-like value replaced by ``****``.

    Detection needs context (a dict's other keys); an excerpt is one line, so
    context-free rules mask more widely than detection finds.
    """
    low = text.lower()
    if not any(w in low for w in ("pass", "pwd", "npg_", "postgres", "dsn", "database_url")):
        return text  # nothing any rule below could match (the common case: one per finding)
    spans = sorted({(h.offset, _value_end(text, h.offset)) for h in scan_config(text)}, reverse=True)
    for start, end in spans:
        text = text[:start] + "****" + text[end:]
    text = _URI.sub(lambda m: _mask_uri(m) if m.group("pw") is not None or m.group("query") else m.group(0), text)
    for rx, repl in _MASKS:
        text = rx.sub(repl, text)
    return text


def _value_end(text: str, start: int) -> int:
    """End of the secret value starting at ``start``: the next quote, space, ``@`` or line end."""
    m = re.compile(r"[^\s'\"`@;&,)}]*").match(text, start)
    return m.end() if m else start


def points_at(conn: Connection, database: str, host: str | None) -> bool:
    """Whether ``conn`` connects to the policy's database: same name, or (naming none) the same host."""
    if conn.database is not None:
        return conn.database == database
    return bool(host) and conn.host is not None and conn.host.lower() == str(host).lower()
