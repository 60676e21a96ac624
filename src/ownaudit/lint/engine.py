"""Run the linter over files: find SQL, analyse it, check it, suppress, report.

Files come from explicit paths (pre-commit passes the staged files) or from
the hub's lint scope (include/exclude globs) under the repository root. A file
that cannot be read (binary, not UTF-8, too large, unreadable, a symlink loop)
gives a one-line notice and the run goes on. Large runs are spread over
processes (``jobs``); results are identical either way.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import re
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ownaudit.errors import UsageError
from ownaudit.findings import Finding, Location, RunResult, sort_findings
from ownaudit.lint import rules as R
from ownaudit.lint.analyze import analyze_statement
from ownaudit.lint.check import Checker, Locate
from ownaudit.lint.credentials import connections, mask_secrets, points_at, scan_config, scan_credentials
from ownaudit.lint.decode import decode_source
from ownaudit.lint.fragment import Fragment
from ownaudit.lint.gate import escalate
from ownaudit.lint.operations import SEARCH_PATH, TEMP_TABLE, TRANSACTION_END, UNANALYSABLE, Operation
from ownaudit.lint.pathscope import cap_findings
from ownaudit.lint.positions import LineIndex
from ownaudit.lint.sqlsplit import scan
from ownaudit.lint.suppress import find_suppressions
from ownaudit.lint.targets import NOT_POSTGRESQL, FileTargets, Target
from ownaudit.policy.globs import glob_match
from ownaudit.policy.model import LintScope, Policy
from ownaudit.rules import Rule

MAX_FILE_BYTES = 8 * 1024 * 1024
SQL_EXT = frozenset({".sql", ".psql", ".pgsql"})
PY_EXT = frozenset({".py", ".pyi"})
JS_EXT = frozenset({".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts"})
PARALLEL_MIN_BYTES = 512 * 1024
ALWAYS_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".hypothesis",
    }
)


# Files that hold no SQL but often hold connection credentials: scanned for passwords only.
CONFIG_NAME = re.compile(
    r"(?:\.env(?:\.[^/]*)?|[^/]*\.env|\.envrc|(?:docker-)?compose[^/]*\.ya?ml|doppler[^/]*\.ya?ml|"
    r"[^/]*\.(?:sh|bash|zsh))\Z",
    re.IGNORECASE,
)


def file_kind(path: str) -> str | None:
    """sql | python | js (SQL is extracted and checked) | prisma (relations) | config (credentials only) | None."""
    ext = os.path.splitext(path)[1].lower()
    if ext in SQL_EXT:
        return "sql"
    if ext in PY_EXT:
        return "python"
    if ext in JS_EXT:
        return "js"
    if ext == ".prisma":
        return "prisma"
    if CONFIG_NAME.match(os.path.basename(path)):
        return "config"
    return None


def in_scope(rel: str, scope: LintScope, explicit: bool = False) -> bool:
    if any(glob_match(rel, x) for x in scope.exclude):
        return False
    return explicit or any(glob_match(rel, x) for x in scope.include)


@dataclass
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    statements: int = 0
    other_database: dict[str, int] = field(default_factory=dict)  # statements for other databases


@dataclass
class FileJob:
    path: str  # absolute
    display: str  # as shown in findings (relative to the repository root when possible)


def collect_files(root: Path, scope: LintScope, paths: Iterable[str]) -> tuple[list[FileJob], list[str]]:
    """Files to lint (explicit paths or the hub's scope under ``root``) and notices for what was skipped."""
    jobs: list[FileJob] = []
    notices: list[str] = []
    explicit = list(paths)
    targets = explicit or [str(root)]
    seen: set[str] = set()
    for target in targets:
        p = Path(target)
        if not p.is_absolute():
            p = Path.cwd() / p
        try:
            st_is_dir = p.is_dir()
            exists = p.exists() or p.is_symlink()
        except OSError as exc:
            raise UsageError(f"{target}: {exc.strerror or exc}") from None
        if not exists:
            raise UsageError(f"{target}: no such file or directory (a path given to lint must exist)")
        if st_is_dir:
            _walk(p, root, scope, jobs, notices, seen)
            continue
        rel = _relative(p, root)
        if file_kind(str(p)) is None:
            notices.append(f"{rel}: skipped: not a SQL, Python, JavaScript/TypeScript or credential file")
            continue
        if not in_scope(rel, scope, explicit=True):  # named explicitly: only excludes apply
            notices.append(f"{rel}: not linted: excluded by the hub's lint scope")
            continue
        if str(p) not in seen:
            seen.add(str(p))
            jobs.append(FileJob(str(p), rel))
    return jobs, notices


def _relative(p: Path, root: Path) -> str:
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        try:
            return os.path.relpath(p, root).replace(os.sep, "/")
        except ValueError:
            return p.as_posix()


def _walk(top: Path, root: Path, scope: LintScope, jobs: list[FileJob], notices: list[str], seen: set[str]) -> None:
    def onerror(exc: OSError) -> None:
        notices.append(f"{exc.filename}: skipped: {exc.strerror or exc}")

    for dirpath, dirnames, filenames in os.walk(top, onerror=onerror, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in ALWAYS_EXCLUDED_DIRS and d != "node_modules")
        base = Path(dirpath)
        for d in list(dirnames):
            rel = _relative(base / d, root)
            if any(glob_match(rel + "/", x) or glob_match(rel, x) for x in scope.exclude):
                dirnames.remove(d)
        for name in sorted(filenames):
            full = base / name
            kind = file_kind(name)
            if kind is None:
                continue
            rel = _relative(full, root)
            # include globs name SQL/code files; credential files are in scope unless excluded
            if not in_scope(rel, scope, explicit=kind == "config"):
                continue
            if str(full) not in seen:
                seen.add(str(full))
                jobs.append(FileJob(str(full), rel))


_SQL_WORDS = re.compile(
    rb"\b(?:insert|update|delete|merge|truncate|copy|create|alter|drop|grant|revoke|execute)\b", re.IGNORECASE
)


def read_source(job: FileJob, max_bytes: int = MAX_FILE_BYTES) -> tuple[str | None, list[str], str | None]:
    """(text, notices, why-not-analysed) for a file; never raises.

    ``why-not-analysed`` is set when the file may hold SQL but could not be
    read or decoded: that is a finding (LNT017) that fails the default gate,
    never a silent skip. Over ``max_bytes`` is such a finding too: the whole
    file's text and parse trees are held in memory, and a hook that takes
    minutes on a generated dump is a hook people uninstall; such files belong
    in the scope's ``exclude`` (or a larger ``--max-file-size``).
    """
    kind = file_kind(job.path) or "sql"
    try:
        st = os.stat(job.path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            return None, [f"{job.display}: skipped: not a regular file"], None
        size = st.st_size
        if size > max_bytes:
            why = (
                f"{job.display}: not analysed: {size / 1048576:.1f} MiB is over the "
                f"{max_bytes / 1048576:g} MiB limit (--max-file-size)"
            )
            return None, [why], why
        with open(job.path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        why = f"{job.display}: cannot be read: {exc.strerror or exc}"
        return None, [why], why
    if not raw.strip():
        return None, [f"{job.display}: empty file, nothing to lint"], None
    decoded = decode_source(raw, kind, job.display)
    notices = [decoded.notice] if decoded.notice else []
    if decoded.text is None:
        holds_sql = kind == "sql" or not decoded.binary or _SQL_WORDS.search(raw) is not None
        if decoded.binary:
            notices = [f"{job.display}: skipped: binary file"]
        return None, notices, (decoded.notice or f"{job.display}: cannot be decoded") if holds_sql else None
    return decoded.text, notices, None


# -- one file ----------------------------------------------------------------------


def _sql_fragments(text: str) -> list[Fragment]:
    if "{{" in text or "{%" in text:  # Jinja / dbt: render with placeholders, then analyse the SQL
        from ownaudit.lint.templates import template_fragments

        return template_fragments(text)
    return [Fragment(text[s:e], s, None, True, {}, ".sql file") for s, e in scan(text).statements]


def lint_text(text: str, display: str, kind: str, policy: Policy, hub: str, path: str | None = None,
              root: str | None = None) -> FileResult:
    """Lint one file's text (``kind`` sql|python|js) for ``hub`` (a sub-hub when its paths hold the file).

    ``path`` (the file on disk) lets imports be followed; ``root`` is the repository it belongs to.
    """
    res = FileResult()
    idx = LineIndex(text)
    hub = policy.hub_for_path(hub, display)
    checker = Checker(policy, hub)
    search_path = policy.search_path_for(hub, display)
    targets = FileTargets.build(policy, hub, display, text, root)
    set_search_path = False
    lines = text.split("\n")

    def locate(offset: int) -> Location:
        line, col = idx.position(offset)
        return Location(display, line, col)

    excerpts: dict[int, str] = {}  # by line: most operations of a file share lines with others

    def excerpt_at(offset: int) -> str:
        """The source line around ``offset``, at most ~160 characters (lines can be megabytes long)."""
        line, col = idx.position(offset)
        src = lines[line - 1] if 0 < line <= len(lines) else ""
        if len(src) > 160:
            start = max(0, col - 1 - 40)
            return mask_secrets((("..." if start else "") + src[start : start + 154] + "...").strip())
        got = excerpts.get(line)
        if got is None:
            got = excerpts[line] = mask_secrets(src.strip())
        return got

    client_ops: list[Operation] = []
    if kind == "config":
        frags = []
    elif kind == "sql":
        frags = _sql_fragments(text)
    elif kind == "prisma":  # schema.prisma: the relations' foreign keys
        from ownaudit.lint.frameworks.prisma_schema import schema_operations

        frags, client_ops = [], schema_operations(text, path)
    elif kind == "python":
        from ownaudit.lint import extract_python

        frags, client_ops = extract_python.extract(text, path)
    else:
        from ownaudit.lint import extract_js

        frags, client_ops = extract_js.extract(text, path or display)

    findings: list[Finding] = []
    saved_path: list[str] | None = None  # the search_path before SET LOCAL, back at the transaction's end
    temp_names: set[str] = set()  # CREATE TEMP TABLE names: unqualified uses are pg_temp's
    for frag in frags:
        statements = [(0, len(frag.text))] if kind == "sql" else scan(frag.text, meta_commands=False).statements
        for s, e in statements:
            target = targets.target_of(frag.file_offset(s), frag.text[s:e])
            if not target.in_scope:
                findings.extend(_other_database(target, checker, locate(frag.file_offset(s)), excerpt_at,
                                                frag.file_offset(s), res))
                continue
            ops = _analysed(frag.text[s:e])
            if not frag.sql_context and any(op.action == UNANALYSABLE for op in ops):
                continue  # prose that merely starts like SQL
            res.statements += 1

            def frag_locate(off: int, frag: Fragment = frag, s: int = s) -> Location:
                return locate(frag.file_offset(s + off))

            for op in ops:
                op.extra.setdefault("sql", frag.text[s:e])  # conditional column exceptions read the WHERE
                if op.action == TRANSACTION_END:
                    search_path, saved_path = (saved_path or search_path), None
                    continue
                if op.action == SEARCH_PATH:
                    if op.extra.get("local") and saved_path is None:
                        saved_path = list(search_path)
                    search_path = list(op.values) or search_path
                    set_search_path = True
                    continue
                if op.action == TEMP_TABLE and op.target is not None:
                    temp_names.add(op.target.name)
                    continue
                if op.target is not None and op.target.schema is None and op.target.name in temp_names:
                    continue
                file_off = frag.file_offset(s + op.offset)
                conn_sp = None if set_search_path else targets.search_path_at(frag.file_offset(s))
                if op.action == UNANALYSABLE and op.extra.get("routine") and path:
                    called = _called_routine(op, path)
                    if called is not None:
                        for inner in called:
                            findings.extend(
                                checker.check(
                                    inner,
                                    conn_sp or search_path,
                                    _fixed(locate, file_off),
                                    excerpt_at(file_off),
                                    frag.placeholders,
                                )
                            )
                        continue
                found = checker.check(op, conn_sp or search_path, frag_locate, excerpt_at(file_off),
                                      frag.placeholders)
                escalate(found, op, frag.text[s:e], policy, hub)
                if found:
                    first_line = frag_locate(0).line  # a suppression may sit above the statement
                    for f in found:
                        f.properties["statement_line"] = first_line
                findings.extend(found)
    for op in client_ops:
        if not targets.target_of(op.offset).in_scope:
            continue
        conn_sp = targets.search_path_at(op.offset)
        if op.action == UNANALYSABLE and op.extra.get("routine") and path:
            called = _called_routine(op, path)
            if called is not None:
                for inner in called:
                    findings.extend(
                        checker.check(inner, conn_sp or search_path, _fixed(locate, op.offset),
                                      excerpt_at(op.offset), {})
                    )
                continue
        found = checker.check(op, conn_sp or search_path, locate, excerpt_at(op.offset), {})
        escalate(found, op, "", policy, hub)
        findings.extend(found)
    findings.extend(f for f in _credentials(text, checker, locate, config=kind == "config")
                    if not (f.rule_id == R.WRONG_ROLE.id and f.location is not None
                            and targets.is_other_database_dsn(f.location.line)))
    findings = _dedupe_unknown(findings)
    findings = cap_findings(findings, policy, hub, display)
    res.findings = _apply_suppressions(text, findings, display, hub, policy)
    return res


_ANALYSED: dict[str, list[Operation]] = {}
_ANALYSED_MAX = 20_000


def _analysed(statement: str) -> list[Operation]:
    """``analyze_statement`` once per distinct statement text in a process, a fresh copy per use.

    Repositories repeat statements (copied migrations, archives, the same query
    in several modules); the analysis is a function of the text alone, and the
    caller mutates what it gets (``extra``), so each use receives its own copy.
    """
    got = _ANALYSED.get(statement)
    if got is None:
        got = analyze_statement(statement)
        if len(statement) > 100_000:
            return got
        if len(_ANALYSED) >= _ANALYSED_MAX:
            _ANALYSED.clear()
        _ANALYSED[statement] = got
    return [dataclasses.replace(op, extra=dict(op.extra)) for op in got]


def _fixed(locate: Callable[[int], Location], at: int) -> Callable[[int], Location]:
    """A locator that puts every finding at ``at`` (a called routine's findings belong to the call)."""
    return lambda _offset: locate(at)


def _called_routine(op: Operation, path: str) -> list[Operation] | None:
    """What a called procedure/function defined in the repository does, as operations at the call."""
    from ownaudit.lint.routines import find_routine

    if op.target is None:
        return None
    stmt = find_routine(path, op.target.schema, op.target.name)
    if stmt is None:
        return None
    out = []
    for inner in analyze_statement(stmt):
        if inner.action == "ddl" and inner.object_kind == "function":
            continue  # the CREATE FUNCTION itself
        inner.statement = f"{op.statement} {op.target} -> {inner.statement}"
        inner.offset = 0
        out.append(inner)
    return out


def _other_database(target: Target, checker: Checker, loc: Location, excerpt_at: Callable[[int], str],
                    offset: int, res: FileResult) -> list[Finding]:
    """A statement for another database: out of scope, unless no declared database accounts for it."""
    if target.database != NOT_POSTGRESQL:
        res.other_database[target.database] = res.other_database.get(target.database, 0) + 1
        return []
    rule = R.NOT_POSTGRESQL
    return [checker._finding(rule, f"statement is not PostgreSQL ({target.reason}) and no declared database "
                                   f"of {checker.hub} accounts for it; it is not judged as PostgreSQL",
                             f"{loc.path}:{loc.line}", loc, "statement", excerpt_at(offset),
                             f"hubs.{checker.hub}.databases" if f"hubs.{checker.hub}.databases"
                             in checker.policy.locations else f"hubs.{checker.hub}")]


def _dedupe_unknown(findings: list[Finding]) -> list[Finding]:
    """Report an unknown table once per file (its first use), not at every mention."""
    seen: set[str] = set()
    out: list[Finding] = []
    for f in findings:
        if f.rule_id == R.UNKNOWN_TABLE.id:
            if f.object in seen:
                continue
            seen.add(f.object)
        out.append(f)
    return out


def _credentials(text: str, checker: Checker, locate: Locate, config: bool = False) -> list[Finding]:
    """LNT012 for every literal password or token; LNT013 for a connection to the policy's database
    as a role that is not the hub's."""
    out: list[Finding] = []
    low = text.lower()
    if not any(w in low for w in ("postgres", "pass", "npg_", "user", "pwd", "database_url")):
        return out
    for hit in scan_config(text) if config else scan_credentials(text):
        loc = locate(hit.offset)
        out.append(
            checker._finding(
                R.LITERAL_PASSWORD,
                f"literal password or token in the code: {hit.masked}",
                f"{loc.path}:{loc.line}",
                loc,
                "credential",
                hit.masked,
            )
        )
    policy = checker.policy
    for conn in connections(text):
        if conn.user in checker.hub_roles or not points_at(conn, policy.database.name, policy.database.host):
            continue
        loc = locate(conn.user_offset)
        whose = policy.hub_of_role(conn.user)
        why = (
            f"a role of {whose}"
            if whose
            else "the database owner role"
            if conn.user == policy.database.owner_role
            else "not a role of this hub"
        )
        out.append(
            checker._finding(
                R.WRONG_ROLE,
                f"connects to {policy.database.name} as {conn.user} ({why}); {checker.hub} connects as "
                f"{', '.join(sorted(checker.hub_roles)) or 'no declared role'}",
                conn.user,
                loc,
                "connection string",
                conn.masked,
                f"hubs.{checker.hub}.roles",
                role=conn.user,
            )
        )
    return out


def _suppression_finding(rule: Rule, message: str, display: str, hub: str, loc: Location) -> Finding:
    return Finding(
        rule.id,
        rule.severity,
        rule.title,
        message,
        f"{display}:{loc.line}",
        hub,
        location=loc,
        kind="suppression",
        properties={"identity": display},
    )


def _apply_suppressions(text: str, findings: list[Finding], display: str, hub: str, policy: Policy) -> list[Finding]:
    """Honour inline ignore comments within what the policy allows; report the rest as findings.

    A comment may silence findings up to ``gate.inline_suppression_max``; a more
    severe finding stays active and the comment becomes LNT020. Comments
    without rule or reason (LNT014) and comments matching nothing (LNT015) are
    findings too, so a suppression never hides anything quietly.
    """
    sups = find_suppressions(text)
    if not sups:
        return findings
    limit = policy.gate.inline_suppression_max
    limit_text = limit.value if limit else "none"
    limit_where = policy.location("gate.inline_suppression_max") if "gate.inline_suppression_max" in (
        policy.locations
    ) else None
    extra: list[Finding] = []
    for f in findings:
        line = f.location.line if f.location else 0
        stmt_line = f.properties.get("statement_line")
        for s in sups:
            if not s.rules or not s.reason:
                continue
            if not (s.covers(f.rule_id, line) or (isinstance(stmt_line, int) and s.covers(f.rule_id, stmt_line))):
                continue
            s.used = True
            if limit is None or f.severity.rank > limit.rank:
                where = f" ({limit_where})" if limit_where else " (the default)"
                extra.append(
                    _suppression_finding(
                        R.SUPPRESSION_BEYOND_POLICY,
                        f"ownaudit: ignore[{', '.join(sorted(s.rules))}] would silence a {f.severity.value} "
                        f"{f.rule_id} finding on line {line}; the policy lets inline comments silence up to "
                        f"{limit_text} (gate.inline_suppression_max{where}); the finding stays. Use a policy "
                        f"exception (central, reviewed, expiring) instead",
                        display,
                        hub,
                        Location(display, s.line, s.column),
                    )
                )
                continue
            f.suppressed = True
            f.suppression = f"inline at {display}:{s.line}: {s.reason}"
            f.properties["suppression_location"] = f"{display}:{s.line}:{s.column}"
            break
    for s in sups:
        loc = Location(display, s.line, s.column)
        if not s.rules or not s.reason:
            what = "no rule id" if not s.rules else "no reason"
            extra.append(
                _suppression_finding(
                    R.SUPPRESSION_WITHOUT_REASON,
                    f"ownaudit: ignore comment with {what}; it suppresses nothing",
                    display,
                    hub,
                    loc,
                )
            )
        elif not s.used:
            extra.append(
                _suppression_finding(
                    R.UNUSED_SUPPRESSION,
                    f"ownaudit: ignore[{', '.join(sorted(s.rules))}] matches no finding on line "
                    f"{s.line} or {s.line + 1}",
                    display,
                    hub,
                    loc,
                )
            )
    return findings + extra


def _not_analysed(display: str, hub: str, why: str) -> Finding:
    rule = R.FILE_NOT_ANALYSED
    return Finding(
        rule.id,
        rule.severity,
        rule.title,
        why,
        display,
        hub,
        location=Location(display),
        kind="file",
        properties={"identity": display},
    )


def lint_file(job: FileJob, policy: Policy, hub: str, max_bytes: int = MAX_FILE_BYTES) -> FileResult:
    kind = file_kind(job.path)
    if kind is None:
        return FileResult()
    text, notices, why = read_source(job, max_bytes)
    if text is None:
        res = FileResult(notices=notices)
        if why:
            res.findings.append(_not_analysed(job.display, hub, why))
        return res
    root = job.path[: -len(job.display)] if job.path.replace(os.sep, "/").endswith("/" + job.display) else None
    try:
        res = lint_text(text, job.display, kind, policy, hub, job.path, root)
        res.notices[:0] = notices
        return res
    except RecursionError:
        msg = f"{job.display}: not analysed: nested too deeply to analyse"
    except Exception as exc:  # one bad file must not end the run
        msg = f"{job.display}: not analysed: internal error {type(exc).__name__}: {exc}"[:300]
    return FileResult([_not_analysed(job.display, hub, msg)], [*notices, msg])


# -- the run -----------------------------------------------------------------------

_WORKER: tuple[Policy, str, int] | None = None


def _init_worker(policy: Policy, hub: str, max_bytes: int) -> None:
    global _WORKER
    _WORKER = (policy, hub, max_bytes)


def _work(job: FileJob) -> FileResult:
    assert _WORKER is not None
    policy, hub, max_bytes = _WORKER
    return lint_file(job, policy, hub, max_bytes)


def _total_bytes(jobs: list[FileJob]) -> int:
    return sum(_size(j.path) for j in jobs)


def run_jobs(
    jobs: list[FileJob], policy: Policy, hub: str, n_jobs: int = 0, max_bytes: int = MAX_FILE_BYTES
) -> list[FileResult]:
    """Lint files, in parallel when ``n_jobs`` > 1 (0 = one per CPU, only for large inputs)."""
    workers = n_jobs if n_jobs > 0 else (os.cpu_count() or 1)
    if n_jobs == 0 and (len(jobs) < 4 or _total_bytes(jobs) < PARALLEL_MIN_BYTES):
        workers = 1
    workers = min(workers, max(1, len(jobs)))
    if workers <= 1:
        return [lint_file(j, policy, hub, max_bytes) for j in jobs]
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    # largest files first so the slowest work starts early
    order = sorted(range(len(jobs)), key=lambda i: -_size(jobs[i].path))
    with ctx.Pool(workers, initializer=_init_worker, initargs=(policy, hub, max_bytes)) as pool:
        results = pool.map(_work, [jobs[i] for i in order], chunksize=max(1, len(jobs) // (workers * 8)))
    out: list[FileResult] = [FileResult()] * len(jobs)
    for pos, i in enumerate(order):
        out[i] = results[pos]
    return out


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def apply_exceptions(findings: list[Finding], policy: Policy, today: _dt.date | None = None) -> list[Finding]:
    """Policy exceptions: a valid one marks the finding suppressed, an expired one is its own finding."""
    extra: list[Finding] = []
    reported: set[int] = set()
    for f in findings:
        if f.suppressed:
            continue
        exc = policy.find_exception(f.rule_id, f.object, f.hub, f.role)
        if exc is None:
            continue
        if exc.expired(today):
            if id(exc) not in reported:
                reported.add(id(exc))
                rule = R.EXPIRED_EXCEPTION
                loc = exc.location or Location(policy.path, 1, 1)
                extra.append(
                    Finding(
                        rule.id,
                        rule.severity,
                        rule.title,
                        f"exception for {exc.rule} on {exc.object} expired on {exc.expires} "
                        f"({exc.reason}); the finding is reported again",
                        exc.object,
                        f.hub,
                        location=loc,
                        kind="exception",
                        properties={"identity": exc.rule},
                    )
                )
            continue
        f.suppressed = True
        f.suppression = f"policy exception until {exc.expires}: {exc.reason}" + (
            f" ({exc.ticket})" if exc.ticket else ""
        )
    return findings + extra


def lint(
    policy: Policy,
    hub: str,
    root: Path,
    paths: Iterable[str] = (),
    n_jobs: int = 0,
    max_bytes: int = MAX_FILE_BYTES,
    allow_empty: bool = False,
    extra_exclude: Iterable[str] = (),
) -> RunResult:
    """Lint ``paths`` (or the hub's scope under ``root``) and return the run's result.

    A scope or directory that matches no file is a usage error unless
    ``allow_empty``: a mistyped path in CI must not stay green forever. Files
    named one by one (as pre-commit passes them) may all be out of scope.
    """
    started = _dt.datetime.now(_dt.timezone.utc)
    t0 = time.perf_counter()
    scope = policy.hubs[hub].lint
    extra = list(extra_exclude)
    if extra:
        scope = LintScope(list(scope.include), [*scope.exclude, *extra], list(scope.search_path))
    paths = list(paths)
    jobs, notices = collect_files(root, scope, paths)
    if not jobs and not allow_empty and (not paths or any(Path(p).is_dir() for p in paths)):
        where = ", ".join(paths) if paths else f"{root} (the lint scope of {hub})"
        raise UsageError(f"{where}: no SQL, Python or JavaScript/TypeScript file to lint (--allow-empty to accept)")
    results = run_jobs(jobs, policy, hub, n_jobs, max_bytes)
    findings: list[Finding] = []
    statements = 0
    other: dict[str, int] = {}
    for r in results:
        findings.extend(r.findings)
        notices.extend(r.notices)
        statements += r.statements
        for db, n in r.other_database.items():
            other[db] = other.get(db, 0) + n
    findings = apply_exceptions(findings, policy)
    target: dict[str, object] = {"repository": str(root), "hub": hub, "files": len(jobs), "statements": statements}
    if other:  # out of scope, but never silently: say how much SQL went where
        target["other_database_statements"] = dict(sorted(other.items()))
        notices.extend(f"{n} statement(s) for database {db} (not the shared database): not checked"
                       for db, n in sorted(other.items()))
    return RunResult(
        command="lint",
        findings=sort_findings(findings),
        policy_path=policy.path,
        policy_digest=policy.digest,
        target=target,
        started_at=started.isoformat(timespec="seconds"),
        duration_seconds=round(time.perf_counter() - t0, 3),
        complete=True,
        notices=notices,
    )


def operations_of(text: str) -> list[Operation]:
    """Every operation of a SQL script (a helper for tests and tools)."""
    out: list[Operation] = []
    for s, e in scan(text).statements:
        for op in analyze_statement(text[s:e]):
            op.offset += s
            out.append(op)
    return out
