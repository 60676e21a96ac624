"""Which database a statement goes to, and the search path its connection sets.

Hub repositories talk to more than the shared database: the UI hub to its own
Neon and Supabase projects, the Outreach hub's Cloudflare Worker to D1 (SQLite).
A hub declares those under ``databases``; this module decides, per file, per
client and per connection, where a statement goes:

1. a call on a D1 binding (``env.D1.prepare(...)``, a ``D1Database`` parameter)
   or on a client/connection variable whose DSN, environment variable or
   Supabase URL names a database;
2. the file's path: a ``lint.overrides`` ``database``, a database's ``paths`` or
   ``migrations_dirs``, a ``wrangler.toml`` ``migrations_dir``;
3. the file's connections, when they all go to one other database;
4. SQLite-only syntax (``INSERT OR IGNORE``, ``CREATE VIEW IF NOT EXISTS``) in the
   statement's code, naming no schema the policy governs: one of the hub's SQLite
   databases, else a "not PostgreSQL" finding (LNT052);
5. otherwise the shared database: when in doubt, the statement is checked.

SQL for another database is out of scope; credentials for it are still leaks
(only the "wrong role" judgement, which is about the shared database's roles, is
dropped for its DSNs). The search path of a connection comes from a DSN's
``options=-csearch_path=...``, SQLAlchemy ``connect_args`` or supabase-js
``db: { schema }``; ``search_path_for_connection`` answers it for any extractor.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ownaudit.lint.pathscope import hub_chain
from ownaudit.policy.globs import glob_match
from ownaudit.policy.model import SHARED_DATABASE, OtherDatabase, Policy

SQLITE_PROVIDERS = frozenset({"d1", "sqlite"})


@dataclass(frozen=True)
class Target:
    """Where a statement goes: ``database`` is ``shared`` or another database's name."""

    database: str
    reason: str
    provider: str = "postgres"

    @property
    def in_scope(self) -> bool:
        return self.database == SHARED_DATABASE


SHARED = Target(SHARED_DATABASE, "the shared database (default)")
NOT_POSTGRESQL = "(not PostgreSQL)"

# Syntax PostgreSQL does not have at all (functions such as datetime('now') could be user-defined there,
# so they are no proof).
_SQLITE_HINTS = re.compile(
    r"\bINSERT\s+OR\s+(?:IGNORE|REPLACE|ABORT|FAIL|ROLLBACK)\b|^\s*REPLACE\s+INTO\b"
    r"|\bCREATE\s+(?:TEMP(?:ORARY)?\s+)?(?:VIEW|TRIGGER)\s+IF\s+NOT\s+EXISTS\b|\bAUTOINCREMENT\b"
    r"|^\s*PRAGMA\s+\w",
    re.IGNORECASE,
)
# What is not SQL code in a statement: quoted strings, dollar-quoted bodies, comments, quoted identifiers
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|\$(\w*)\$.*?\$\1\$|--[^\n]*|/\*.*?\*/", re.DOTALL)
_QUALIFIED = re.compile(r'(?<![\w."])(?:"((?:[^"]|"")+)"|([A-Za-z_]\w*))\s*\.\s*(?=["A-Za-z_])')


def sqlite_only(sql: str, policy: Policy) -> bool:
    """Whether a statement is written for SQLite: syntax PostgreSQL lacks, in its code (not in a string,
    a comment or a body), and no name qualified by a schema the policy governs (SQLite has no schemas:
    ``CREATE VIEW IF NOT EXISTS cl.v`` is meant for the shared database and is checked there)."""
    if _SQLITE_HINTS.search(sql) is None:
        return False
    code = _NOT_CODE.sub(" ", sql)
    if _SQLITE_HINTS.search(code) is None:
        return False
    for m in _QUALIFIED.finditer(code):
        name = m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2).lower()
        if name in policy.schemas:
            return False
    return True


_D1_CALL = re.compile(
    r"\b(?:(?:this|c|ctx|context)\.)?env\s*\.\s*([A-Za-z_]\w*)\s*\.\s*(?:prepare|exec|batch|dump)\s*\("
)
_D1_PARAM = re.compile(r"\b([A-Za-z_]\w*)\s*\??\s*:\s*D1Database\b")
_RECV_CALL = re.compile(
    r"\b([A-Za-z_]\w*)\s*\.\s*(?:execute|executemany|executescript|query|prepare|exec|sql|raw|unsafe|run|fetch|"
    r"fetchrow|fetchval|fetchall|copy_expert|copy_from|from|from_|table|rpc|schema|cursor|connect|begin)\s*\("
)
_CALLEES = ("connect", "create_engine", "create_async_engine", "createClient", "create_client", "createPool",
            "neon", "postgres", "Pool", "Client", "Sql", "drizzle", "knex", "Kysely", "AsyncConnectionPool",
            "ConnectionPool", "SimpleConnectionPool")
# ``name =`` / ``const name: Type = await mod.`` just before a connection call on the same line
_BOUND_NAME = re.compile(r"([A-Za-z_]\w*)\s*(?::[^=\n]{1,80})?=\s*(?:await\s+)?(?:new\s+)?(?:[\w$]+\.){0,3}\Z")
_CONN_METHOD = r"(?:cursor|connect|begin|acquire)"
_CHAIN = re.compile(r"\s*\.\s*[A-Za-z_]\w*\s*\(")
_WITH_ALIAS = re.compile(r"\s*\)?\s*as\s+([A-Za-z_]\w*)")
_ENV_NAME = re.compile(
    r"(?:os\.getenv|os\.environ\.get|getenv|Deno\.env\.get|env\.get)\s*\(\s*['\"]([A-Za-z_]\w*)['\"]"
    r"|os\.environ\s*\[\s*['\"]([A-Za-z_]\w*)['\"]\s*\]"
    r"|(?:process\.env|import\.meta\.env|Bun\.env)\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([A-Za-z_]\w*)['\"]\s*\])"
)
_URI = re.compile(r"\b(?:postgres(?:ql)?(?:\+[a-z0-9_]+)?)://[^\s'\"`]+", re.IGNORECASE)
_SUPABASE_URL = re.compile(r"https?://([a-z0-9]+)\.supabase\.(?:co|in)\b", re.IGNORECASE)
_KW_HOST = re.compile(r"\bhost\s*=\s*['\"]?([^\s'\",)]+)", re.IGNORECASE)
_KW_DB = re.compile(r"\b(?:dbname|database)\s*=\s*['\"]?([^\s'\",)]+)", re.IGNORECASE)
_SP_OPTION = re.compile(r"-c\s*search_path\s*(?:=|%3D)\s*([^\s&'\"`}]+)", re.IGNORECASE)
_DB_SCHEMA = re.compile(r"\bdb\s*:\s*\{\s*schema\s*:\s*['\"`]([^'\"`]+)['\"`]")


def _databases(policy: Policy, hub: str) -> dict[str, OtherDatabase]:
    """The other databases of ``hub`` and of the hubs it is part of."""
    out: dict[str, OtherDatabase] = {}
    for h in hub_chain(policy, hub):
        for name, db in policy.hubs[h].databases.items():
            out.setdefault(name, db)
    return out


def _shared_env(policy: Policy, hub: str) -> set[str]:
    """Variables holding the shared database's DSN in ``hub``'s code (its own and its parents')."""
    return {e for h in hub_chain(policy, hub) for e in policy.hubs[h].env}


def _host_matches(declared: str, host: str) -> bool:
    """A Neon endpoint id matches its pooler and direct host names (``ep-x`` ~ ``ep-x-pooler.region...``)."""
    d, h = declared.lower(), host.lower()
    return h == d or h.startswith(d + ".") or h.startswith(d + "-pooler")


def classify_dsn(policy: Policy, hub: str, dsn: str) -> Target | None:
    """The database a PostgreSQL URI or keyword DSN names, or None when it names neither known one."""
    host = dbname = None
    if "://" in dsn:
        try:
            parts = urlsplit(dsn.strip())
            host = parts.hostname
            dbname = unquote(parts.path.lstrip("/")) or None
        except ValueError:
            return None
    else:
        mh, md = _KW_HOST.search(dsn), _KW_DB.search(dsn)
        host = mh.group(1) if mh else None
        dbname = md.group(1) if md else None
    if not host:
        return None
    for name, db in _databases(policy, hub).items():
        if db.host and _host_matches(db.host, host) and (db.database is None or db.database == dbname):
            return Target(name, f"its DSN names host {host}" + (f" database {dbname}" if dbname else ""),
                          db.provider)
    shared = policy.database.host
    if shared and (_host_matches(shared, host) or _host_matches(host.split(".")[0], shared)) and (
            dbname is None or dbname == policy.database.name):
        return Target(SHARED_DATABASE, f"its DSN names the shared database's host {host}")
    return None


def classify_env(policy: Policy, hub: str, var: str) -> Target | None:
    for name, db in _databases(policy, hub).items():
        if var in db.env:
            return Target(name, f"its DSN comes from ${var}", db.provider)
    if var in _shared_env(policy, hub):
        return Target(SHARED_DATABASE, f"its DSN comes from ${var}, the shared database's")
    return None


def classify_supabase(policy: Policy, hub: str, project: str) -> Target | None:
    for name, db in _databases(policy, hub).items():
        if db.project and db.project.lower() == project.lower():
            return Target(name, f"its client URL is Supabase project {project}", db.provider)
    return None


def classify_binding(policy: Policy, hub: str, binding: str, wrangler: dict[str, str]) -> Target:
    """A Cloudflare D1 binding always goes to a D1 (SQLite) database, declared or named by wrangler.toml."""
    for name, db in _databases(policy, hub).items():
        if binding in db.bindings:
            return Target(name, f"it runs on D1 binding env.{binding}", db.provider)
    if binding in wrangler:
        return Target(f"d1:{wrangler[binding]}", f"it runs on D1 binding env.{binding} (wrangler.toml)", "d1")
    return Target("d1", f"it runs on Cloudflare D1 (env.{binding})", "d1")


def classify_text(policy: Policy, hub: str, text: str) -> Target | None:
    """The database named by a connection's argument text: a DSN, an env variable, a Supabase URL."""
    for m in _URI.finditer(text):
        got = classify_dsn(policy, hub, m.group(0))
        if got is not None:
            return got
    if _KW_HOST.search(text):
        got = classify_dsn(policy, hub, text)
        if got is not None:
            return got
    for m in _ENV_NAME.finditer(text):
        var = next(g for g in m.groups() if g)
        got = classify_env(policy, hub, var)
        if got is not None:
            return got
    m2 = _SUPABASE_URL.search(text)
    if m2:
        return classify_supabase(policy, hub, m2.group(1))
    return None


def search_path_for_connection(text: str) -> list[str] | None:
    """The search path a connection's DSN or options set: ``options=-csearch_path=a,b`` (URL-encoded or not,
    also inside SQLAlchemy ``connect_args={"options": ...}``) or supabase-js ``db: { schema: 'x' }``."""
    m = _SP_OPTION.search(text)
    if m:
        raw = unquote(unquote(m.group(1)))
        out = [p.strip().strip('"').lower() for p in re.split(r"[,\s]+", raw) if p.strip()]
        return [p for p in out if p and p != "$user"] or None
    m2 = _DB_SCHEMA.search(text)
    if m2:
        return [m2.group(1)]
    return None


def search_path_for(policy: Policy, hub: str, path: str, connection: str | None = None) -> list[str]:
    """The search path of a statement in ``path`` of ``hub``: its connection's, else the path's, else the hub's."""
    if connection:
        sp = search_path_for_connection(connection)
        if sp:
            return sp
    return policy.search_path_for(hub, path)


# -- wrangler.toml ---------------------------------------------------------------


@dataclass(frozen=True)
class Wrangler:
    """D1 bindings and migration folders declared by the repository's wrangler.toml files."""

    bindings: dict[str, str] = field(default_factory=dict)  # binding -> database_name
    migrations: tuple[tuple[str, str], ...] = ()  # (folder relative to the root, database_name)


@lru_cache(maxsize=16)
def wrangler_config(root: str) -> Wrangler:
    """Parse every ``wrangler.toml`` under ``root`` (node_modules and dot-folders skipped)."""
    try:
        import tomllib  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
    bindings: dict[str, str] = {}
    migrations: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "node_modules"]
        if "wrangler.toml" not in filenames:
            continue
        full = Path(dirpath) / "wrangler.toml"
        try:
            if not full.is_file() or full.stat().st_size > 1024 * 1024:
                continue
            data = tomllib.loads(full.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        envs = [data, *[v for v in (data.get("env") or {}).values() if isinstance(v, dict)]]
        for section in envs:
            for d1 in section.get("d1_databases") or []:
                if not isinstance(d1, dict):
                    continue
                name = str(d1.get("database_name") or d1.get("binding") or "d1")
                if isinstance(d1.get("binding"), str):
                    bindings[d1["binding"]] = name
                folder = d1.get("migrations_dir") or "migrations"
                rel = (Path(rel_dir) / str(folder)).as_posix() if rel_dir != "." else str(folder)
                migrations.append((os.path.normpath(rel).replace(os.sep, "/"), name))
    return Wrangler(bindings, tuple(migrations))


# -- one file ----------------------------------------------------------------------


_ARG_IDENT = re.compile(r"(?<![\w.$'\"])([A-Za-z_]\w*)(?!\s*[(\w.])")


def _callee_calls(text: str) -> list[tuple[int, int]]:
    """(start, index of the opening parenthesis) of every call of a connection/client constructor.

    ``str.find`` per name rather than one alternation regex: an order of magnitude faster on large files.
    """
    out: list[tuple[int, int]] = []
    for name in _CALLEES:
        i = text.find(name)
        while i >= 0:
            j = i + len(name)
            k = j
            while k < len(text) and text[k] in " \t":
                k += 1
            before = text[i - 1] if i else " "
            if k < len(text) and text[k] == "(" and not (before.isalnum() or before in "_$") and (
                    j >= len(text) or not (text[j].isalnum() or text[j] == "_")):
                out.append((i, k))
            i = text.find(name, j)
    return sorted(out)


def _close_paren(text: str, open_at: int, limit: int = 20000) -> int:
    """Index of the parenthesis closing the one at ``open_at`` (strings skipped roughly), or the limit."""
    depth = 0
    i = open_at
    end = min(len(text), open_at + limit)
    quote: str | None = None
    while i < end:
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return end


@dataclass
class FileTargets:
    """The database and search path of each statement of one file."""

    policy: Policy
    hub: str
    path: str
    file_target: Target | None = None
    regions: list[tuple[int, int, Target]] = field(default_factory=list)
    # name -> [(offset of the binding, target, search path)], in file order; a later binding wins after it
    receivers: dict[str, list[tuple[int, Target | None, list[str] | None]]] = field(default_factory=dict)
    connections: list[tuple[int, Target | None]] = field(default_factory=list)
    other_dsn_lines: set[int] = field(default_factory=set)
    text: str = ""

    @classmethod
    def build(cls, policy: Policy, hub: str, path: str, text: str, root: str | None = None) -> FileTargets:
        ft = cls(policy, hub, path, text=text)
        wr = wrangler_config(root) if root else Wrangler()
        ft.file_target = ft._path_target(wr)
        ft._scan_calls(wr)
        return ft

    # -- by path -------------------------------------------------------------------
    def _path_target(self, wr: Wrangler) -> Target | None:
        for h in hub_chain(self.policy, self.hub):
            ov = self.policy.path_override(h, self.path)
            if ov.database:
                if ov.database == SHARED_DATABASE:
                    return Target(SHARED_DATABASE, "lint.overrides says the shared database")
                db = _databases(self.policy, self.hub).get(ov.database)
                return Target(ov.database, "lint.overrides names its database", db.provider if db else "postgres")
        for name, db in _databases(self.policy, self.hub).items():
            for g in [*db.paths, *db.migrations_dirs]:
                if glob_match(self.path, g) or glob_match(self.path, g.rstrip("/") + "/**"):
                    return Target(name, f"the file is under {g}", db.provider)
        for folder, name in wr.migrations:
            if self.path.startswith(folder.rstrip("/") + "/"):
                known = [n for n, db in _databases(self.policy, self.hub).items()
                         if db.provider == "d1" and any(wr.bindings.get(b) == name for b in db.bindings)]
                return Target(known[0] if known else f"d1:{name}",
                              f"the file is in {folder}, wrangler.toml's migrations_dir for D1 {name}", "d1")
        return None

    # -- by call -------------------------------------------------------------------
    def _resolve_arg(self, arg: str) -> tuple[Target | None, list[str] | None]:
        """Classify a connection call's arguments, following identifiers to their one-line assignments."""
        text = arg
        idents = [m.group(1) for m in _ARG_IDENT.finditer(arg)]
        for ident in list(dict.fromkeys(idents))[:6]:
            if len(ident) < 3 or ident in ("os", "env", "process", "None", "True", "False", "await"):
                continue
            m = re.search(rf"^[ \t]*(?:export\s+)?(?:const|let|var)?\s*{re.escape(ident)}\s*(?::[^=\n]+)?=\s*(.+)$",
                          self.text, re.MULTILINE)
            if m:
                value = m.group(1)
                if value.count("(") > value.count(")"):  # a call spread over lines: take it whole
                    value = self.text[m.start(1):_close_paren(self.text, self.text.index("(", m.start(1))) + 1]
                text += " " + value
        return classify_text(self.policy, self.hub, text), search_path_for_connection(text)

    def _scan_calls(self, wr: Wrangler) -> None:
        """Find D1 binding calls, D1Database parameters, connection/client variables and DSN lines.

        Each scan is guarded by a substring test: most files have none of these, and a regex pass over
        every file is the linter's main cost here.
        """
        text = self.text
        if "env" in text and any(c in text for c in (".prepare(", ".batch(", ".exec(", ".dump(")):
            for m in _D1_CALL.finditer(text):
                end = _close_paren(text, m.end() - 1)
                self.regions.append((m.end(), end, classify_binding(self.policy, self.hub, m.group(1),
                                                                    wr.bindings)))
        if "D1Database" in text:
            for m in _D1_PARAM.finditer(text):
                self._bind(m.group(1), m.start(), Target("d1", f"{m.group(1)} is a D1Database", "d1"), None)
        if "://" in text and "postgres" in text:
            for m in _URI.finditer(text):
                got = classify_dsn(self.policy, self.hub, m.group(0))
                if got is not None and not got.in_scope:
                    self._mark_lines(m.start(), m.end())
        for start, open_at in _callee_calls(text):
            line_start = text.rfind("\n", 0, start) + 1
            bound = _BOUND_NAME.search(text, line_start, start)
            end = _close_paren(text, open_at)
            target, sp = self._resolve_arg(text[open_at + 1:end])
            self.connections.append((start, target))  # every connection counts for the file's default
            if bound is not None:
                self._bind(bound.group(1), start, target, sp)
            if target is not None and not target.in_scope:
                self._mark_lines(start, end)
        if not self.receivers:
            return
        names = "|".join(re.escape(n) for n in self.receivers)
        for m in re.finditer(rf"\b({names})\s*\.\s*{_CONN_METHOD}\s*\(", text):
            conn = self._binding(m.group(1), m.start())
            if conn is None:
                continue
            alias = _WITH_ALIAS.match(text, _close_paren(text, m.end() - 1) + 1)
            if alias:  # with conn.cursor() as cur:
                self._bind(alias.group(1), m.start(), *conn)
            line_start = text.rfind("\n", 0, m.start()) + 1
            bound = _BOUND_NAME.search(text, line_start, m.start())
            if bound:  # cur = conn.cursor()
                self._bind(bound.group(1), m.start(), *conn)
        # Any other assignment to one of these names rebinds it to something unknown (fail closed).
        names = "|".join(re.escape(n) for n in self.receivers)
        known = {off for lst in self.receivers.values() for off, _t, _sp in lst}
        for m in re.finditer(rf"(?<![\w.$])({names})\s*(?::[^=\n]{{1,80}})?=(?!=)", text):
            line_end = text.find("\n", m.end())
            if not any(m.start() <= off <= (len(text) if line_end < 0 else line_end) for off in known):
                self._bind(m.group(1), m.start(), None, None)
                self.connections.append((m.start(), None))  # an unknown connection: no file-wide default

    def _bind(self, name: str, offset: int, target: Target | None, sp: list[str] | None) -> None:
        lst = self.receivers.setdefault(name, [])
        lst.append((offset, target, sp))
        lst.sort(key=lambda b: b[0])

    def _binding(self, name: str, offset: int) -> tuple[Target | None, list[str] | None] | None:
        """What ``name`` is bound to at ``offset``: the last binding before it (else its first binding)."""
        lst = self.receivers.get(name)
        if not lst:
            return None
        before = [b for b in lst if b[0] <= offset]
        _off, target, sp = before[-1] if before else lst[0]
        return target, sp

    def _mark_lines(self, start: int, end: int) -> None:
        first = self.text.count("\n", 0, start) + 1
        last = first + self.text.count("\n", start, end)
        self.other_dsn_lines.update(range(first, last + 1))

    def _receiver_at(self, offset: int) -> tuple[Target | None, list[str] | None] | None:
        """The client/connection whose call encloses ``offset`` (the nearest ``recv.method(`` before it)."""
        if not self.receivers:
            return None
        window_start = max(0, offset - 400)
        best: tuple[Target | None, list[str] | None] | None = None
        for m in _RECV_CALL.finditer(self.text, window_start, offset + 1):
            if m.end() > offset + 1:
                break
            if m.group(1) in self.receivers and self._encloses(m.end() - 1, offset):
                best = self._binding(m.group(1), m.start())
        return best

    def _encloses(self, open_at: int, offset: int) -> bool:
        """Whether the call opened at ``open_at``, or a call chained on it (``conn.cursor().execute(``),
        holds ``offset``."""
        for _ in range(8):
            # scanning past ``offset`` cannot change the answer: an unclosed call there encloses it
            close = _close_paren(self.text, open_at, min(20000, max(0, offset - open_at)))
            if close >= offset:
                return True
            chained = _CHAIN.match(self.text, close + 1)
            if chained is None or chained.end() > offset + 1:
                return False
            open_at = chained.end() - 1
        return False

    # -- answers -------------------------------------------------------------------
    def target_of(self, offset: int, sql: str = "") -> Target:
        """Where the statement at file ``offset`` goes (see the module docstring for the order)."""
        for start, end, target in self.regions:
            if start <= offset <= end:
                return target
        recv = self._receiver_at(offset)
        if recv is not None and recv[0] is not None:
            return recv[0]
        if self.file_target is not None:
            return self.file_target
        known = [t for _, t in self.connections]
        if known and all(t is not None and not t.in_scope for t in known) and len({t.database for t in known
                                                                                  if t}) == 1:
            first = known[0]
            assert first is not None
            return first
        if sql and sqlite_only(sql, self.policy):
            sqlite = [n for n, db in _databases(self.policy, self.hub).items() if db.provider in SQLITE_PROVIDERS]
            if sqlite:  # it cannot run on PostgreSQL; the hub declares where SQLite goes
                return Target(sqlite[0] if len(sqlite) == 1 else f"sqlite ({', '.join(sqlite)})",
                              "it uses SQLite-only syntax", "sqlite")
            return Target(NOT_POSTGRESQL, "it uses SQLite-only syntax", "sqlite")
        return SHARED

    def search_path_at(self, offset: int) -> list[str] | None:
        """The search path the connection of the statement at ``offset`` sets, if any."""
        recv = self._receiver_at(offset)
        if recv is not None and recv[1]:
            return recv[1]
        bindings = [b for lst in self.receivers.values() for b in lst]
        sps = {tuple(sp) for _o, _t, sp in bindings if sp}
        if len(sps) == 1 and len(self.receivers) == 1 and all(sp for _o, _t, sp in bindings):
            return list(next(iter(sps)))  # one connection in the file: its search path
        return None

    def is_other_database_dsn(self, line: int) -> bool:
        return line in self.other_dsn_lines
