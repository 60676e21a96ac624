"""Load ``ownership.yaml`` into a validated ``Policy``, reporting every problem at once.

Three layers, each adding problems rather than stopping: YAML (syntax,
duplicate keys, bombs), the JSON Schema (shape), then semantic checks (meaning:
unknown hubs, roles mapped twice, FKs to tables outside the matrix...). Each
problem is one line: ``file:line:column: key.path: message``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ownaudit.errors import PolicyError, UsageError
from ownaudit.findings import Location
from ownaudit.policy.locate import resolve_policy_path, shipped_schema_path
from ownaudit.policy.model import (
    DEFAULT_FORBIDDEN_ATTRIBUTES,
    DEFAULT_SEQUENCE_PRIVILEGES,
    DEFAULT_WRITER_PRIVILEGES,
    ColumnGrant,
    Database,
    ExceptionSpec,
    ForeignKeySpec,
    Frozen,
    GateSpec,
    Hub,
    LintScope,
    Migration,
    OtherDatabase,
    PathOverride,
    Policy,
    RlsPolicySpec,
    RlsSpec,
    RoleSpec,
    SchemaSpec,
    SchemaWriter,
    TableRef,
    TableSpec,
    WriterSpec,
)
from ownaudit.policy.semantic import check_semantics
from ownaudit.policy.yamlpos import load_yaml
from ownaudit.privileges import Privilege

MAX_POLICY_BYTES = 5 * 1024 * 1024


def load_policy(path: str | os.PathLike[str] | None = None, *, check_schema: bool = True) -> Policy:
    """Load and validate a policy; ``None`` resolves the default (see ``locate``).

    ``check_schema=False`` skips the JSON Schema layer (and the jsonschema
    import) for the linter's fast start; the model builder still rejects
    wrong types, so nothing invalid gets through silently.
    """
    p = resolve_policy_path(path)
    try:
        if p.stat().st_size > MAX_POLICY_BYTES:
            raise UsageError(f"{p}: policy file is larger than 5 MiB")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{p}: policy file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{p}: is a directory, not a policy file") from None
    except OSError as exc:
        raise UsageError(f"{p}: cannot read policy: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError([f"{p}:1:1: policy is not valid UTF-8 (byte {exc.start})"]) from None
    return load_policy_text(text, str(p), check_schema=check_schema)


def load_policy_text(text: str, label: str, *, check_schema: bool = True) -> Policy:
    """Validate policy text whose origin is ``label`` (a path or ``git:REV:path``)."""
    policy, problems, _warnings = validate_policy_text(text, label, check_schema=check_schema)
    if problems or policy is None:
        raise PolicyError(problems or [f"{label}:1:1: invalid policy"])
    return policy


def validate_policy_text(text: str, label: str, *, check_schema: bool = True,
                         today: _dt.date | None = None) -> tuple[Policy | None, list[str], list[str]]:
    """Return (policy or None, errors, warnings). Warnings are e.g. expired exceptions."""
    loaded = load_yaml(text, label)
    problems = list(loaded.problems)
    if loaded.data is None:
        return None, problems or [f"{label}:1:1: the file is empty"], []
    if not isinstance(loaded.data, dict):
        return None, [f"{label}:1:1: the policy must be a mapping with version, database, hubs and schemas"], []

    def where(keypath: str) -> Location:
        kp = keypath
        while kp:
            loc = loaded.locations.get(kp)
            if loc is not None:
                return loc
            kp = kp.rpartition(".")[0] if "." in kp else ""
        return loaded.locations.get("", Location(label, 1, 1))

    if check_schema:
        problems.extend(_schema_problems(loaded.data, where))
    else:  # the linter's fast path still refuses keys the schema does not know
        problems.extend(unknown_key_problems(loaded.data, where))
    if problems:
        return None, _dedupe(problems), []
    builder = _Builder(label, loaded.data, loaded.locations, where)
    policy = builder.build()
    problems.extend(builder.problems)
    if policy is not None and not problems:
        policy.source_text = text
        problems.extend(check_semantics(policy, loaded.data))
    warnings = []
    if policy is not None and not problems:
        from ownaudit.policy.semantic import semantic_warnings

        warnings.extend(semantic_warnings(policy))
    if policy is not None:
        for exc in policy.exceptions:
            if exc.expired(today):
                loc = exc.location or Location(label, 1, 1)
                warnings.append(f"{loc}: exception for {exc.rule} on {exc.object} expired on {exc.expires.isoformat()}")
    warnings = _dedupe(warnings)
    return (policy if not problems else None), _dedupe(problems), warnings


def _dedupe(items: list[str]) -> list[str]:
    """Unique problems, each forced onto one line (keys may contain newlines or control characters)."""
    out: list[str] = []
    for item in items:
        line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in item)
        if line not in out:
            out.append(line)
    return out


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = json.loads(shipped_schema_path().read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _schema_problems(data: Any, where: Any) -> list[str]:
    out: list[str] = []
    errors = sorted(_flatten(_validator().iter_errors(data)), key=lambda e: [str(x) for x in e.absolute_path])
    for err in errors:
        keypath = ""
        for part in err.absolute_path:
            keypath = f"{keypath}[{part}]" if isinstance(part, int) else (f"{keypath}.{part}" if keypath else part)
        msg = _schema_message(err)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            known = sorted(err.schema.get("properties", {}))
            for key in extra:
                sub = f"{keypath}.{key}" if keypath else key
                out.append(f"{where(sub)}: {sub}: unknown key {key!r}{_did_you_mean(key, known)}")
            continue
        loc = where(keypath)
        out.append(f"{loc}: {keypath or '(top level)'}: {msg}")
    return out


def _did_you_mean(key: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


@lru_cache(maxsize=1)
def _schema_json() -> dict[str, Any]:
    data = json.loads(shipped_schema_path().read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def unknown_key_problems(data: Any, where: Any) -> list[str]:
    """Keys the JSON Schema does not allow, found without the jsonschema package (the hook's fast path).

    Walks ``properties`` / ``additionalProperties`` / ``$ref`` and the object
    branch of ``oneOf``/``anyOf``; every other constraint is left to the model
    builder and to ``ownaudit validate``.
    """
    root = _schema_json()
    out: list[str] = []

    def deref(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            ref = str(node["$ref"])
            target: Any = root
            for part in ref.lstrip("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target
        return node

    def object_branch(node: Any) -> Any:
        node = deref(node)
        if isinstance(node, dict) and "properties" not in node:
            for k in ("oneOf", "anyOf"):
                for branch in node.get(k, []):
                    b = deref(branch)
                    if isinstance(b, dict) and ("properties" in b or "additionalProperties" in b):
                        return b
        return node

    def walk(value: Any, node: Any, kp: str) -> None:
        node = object_branch(node)
        if not isinstance(node, dict):
            return
        if isinstance(value, dict):
            props = node.get("properties", {})
            extra = node.get("additionalProperties", True)
            for key, sub_value in value.items():
                sub = f"{kp}.{key}" if kp else str(key)
                if key in props:
                    walk(sub_value, props[key], sub)
                elif extra is False:
                    out.append(f"{where(sub)}: {sub}: unknown key {key!r}{_did_you_mean(str(key), sorted(props))}")
                elif isinstance(extra, dict):
                    walk(sub_value, extra, sub)
        elif isinstance(value, list) and "items" in node:
            for i, item in enumerate(value):
                walk(item, node["items"], f"{kp}[{i}]")

    walk(data, root, "")
    return out


def _flatten(errors: Any) -> list[Any]:
    """Replace oneOf/anyOf errors by the errors of the branch that matches the value's type."""
    out: list[Any] = []
    for err in errors:
        if err.validator in ("oneOf", "anyOf") and err.context:
            relevant = [e for e in err.context
                        if not (e.validator in ("type", "const") and not list(e.relative_path))]
            if relevant:
                out.extend(_flatten(relevant))
                continue
        out.append(err)
    return out


def _schema_message(err: Any) -> str:
    validator = err.validator
    if validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f"unknown key(s) {', '.join(map(repr, extra))}"
    if validator == "required":
        return str(err.message).replace("is a required property", "is required")
    if validator == "oneOf" and err.context:
        best = min(err.context, key=lambda e: len(list(e.absolute_path)))
        return " ".join(str(best.message).split())[:200]
    msg = " ".join(str(err.message).split())
    return msg if len(msg) <= 200 else msg[:197] + "..."


class _Builder:
    """Build model objects from validated (or merely parsed) data, collecting type problems."""

    def __init__(self, label: str, data: dict[str, Any], locations: dict[str, Location], where: Any) -> None:
        self.label = label
        self.data = data
        self.locations = locations
        self.where = where
        self.problems: list[str] = []

    def bad(self, keypath: str, message: str) -> None:
        self.problems.append(f"{self.where(keypath)}: {keypath}: {message}")

    # typed getters -------------------------------------------------------
    def _get(self, obj: Any, key: str, kp: str, typ: type | tuple[type, ...], default: Any = None,
             required: bool = False) -> Any:
        if not isinstance(obj, dict):
            return default
        if key not in obj or obj[key] is None:
            if required:
                self.bad(kp or key, f"{key!r} is required")
            return default
        value = obj[key]
        if not isinstance(value, typ) or (isinstance(value, bool) and typ in (int, (int,))):
            name = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
            self.bad(f"{kp}.{key}" if kp else key, f"expected {name}, got {type(value).__name__}")
            return default
        return value

    def _str_list(self, obj: Any, key: str, kp: str, default: list[str] | None = None) -> list[str]:
        value = self._get(obj, key, kp, list, None)
        if value is None:
            return list(default or [])
        out = []
        for i, v in enumerate(value):
            if isinstance(v, (str, int)) and not isinstance(v, bool):
                out.append(str(v))
            else:
                self.bad(f"{kp}.{key}[{i}]", f"expected a string, got {type(v).__name__}")
        return out

    def _privs(self, values: list[str], kp: str) -> frozenset[Privilege]:
        out = set()
        for i, v in enumerate(values):
            try:
                out.add(Privilege.parse(v))
            except ValueError:
                self.bad(f"{kp}[{i}]", f"unknown privilege {v!r}")
        return frozenset(out)

    def _loc(self, kp: str) -> Location:
        return self.locations.get(kp) or self.where(kp)

    # build ---------------------------------------------------------------
    def build(self) -> Policy | None:
        d = self.data
        version = self._get(d, "version", "", int, 1)
        db = self._get(d, "database", "", dict, {}, required=True)
        database = Database(
            name=str(self._get(db, "name", "database", (str, int), "", required=True)),
            provider=self._get(db, "provider", "database", str, "postgres"),
            host=self._get(db, "host", "database", str, None),
            owner_role=self._get(db, "owner_role", "database", str, None),
            platform_roles=self._str_list(db, "platform_roles", "database"),
            audit_roles=self._str_list(db, "audit_roles", "database"),
            location=self._loc("database"),
        )
        hubs: dict[str, Hub] = {}
        for hid, h in (self._get(d, "hubs", "", dict, {}, required=True) or {}).items():
            kp = f"hubs.{hid}"
            h = h if isinstance(h, dict) else {}
            lint_d = self._get(h, "lint", kp, dict, {})
            lint = LintScope()
            if lint_d:
                if "include" in lint_d:
                    lint.include = self._str_list(lint_d, "include", f"{kp}.lint")
                lint.exclude = self._str_list(lint_d, "exclude", f"{kp}.lint")
                lint.search_path = self._str_list(lint_d, "search_path", f"{kp}.lint", ["public"]) or ["public"]
                lint.overrides = self._overrides(lint_d, f"{kp}.lint")
            hubs[hid] = Hub(
                id=hid,
                code=self._get(h, "code", kp, str, None),
                name=self._get(h, "name", kp, str, None),
                repository=self._get(h, "repository", kp, str, None),
                roles=self._str_list(h, "roles", kp),
                lint=lint,
                description=self._get(h, "description", kp, str, None),
                part_of=self._get(h, "part_of", kp, str, None),
                paths=self._str_list(h, "paths", kp),
                databases=self._databases(h, kp),
                env=self._str_list(h, "env", kp),
                location=self._loc(kp),
            )
        roles: dict[str, RoleSpec] = {}
        for rname, r in (self._get(d, "roles", "", dict, {}) or {}).items():
            kp = f"roles.{rname}"
            r = r if isinstance(r, dict) else {}
            forbidden = self._str_list(r, "forbidden_attributes", kp, sorted(DEFAULT_FORBIDDEN_ATTRIBUTES))
            roles[rname] = RoleSpec(
                name=rname,
                hub=str(self._get(r, "hub", kp, str, "", required=True)),
                kind=self._get(r, "kind", kp, str, "writer"),
                login=bool(self._get(r, "login", kp, bool, True)),
                forbidden_attributes=frozenset(a.lower() for a in forbidden),
                member_of=self._str_list(r, "member_of", kp),
                location=self._loc(kp),
            )
        # Roles listed under a hub but not under roles: writer roles of that hub.
        for hub in hubs.values():
            for rname in hub.roles:
                if rname not in roles:
                    roles[rname] = RoleSpec(name=rname, hub=hub.id, location=hub.location)
        schemas: dict[str, SchemaSpec] = {}
        for sname, s in (self._get(d, "schemas", "", dict, {}, required=True) or {}).items():
            schemas[sname] = self._schema(sname, s if isinstance(s, dict) else {})
        fks = [self._fk(i, f) for i, f in enumerate(self._get(d, "foreign_keys", "", list, []) or [])]
        excs = [self._exception(i, e) for i, e in enumerate(self._get(d, "exceptions", "", list, []) or [])]
        text_digest = hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()
        return Policy(
            path=self.label,
            digest=f"sha256:{text_digest}",
            version=int(version or 1),
            database=database,
            hubs=hubs,
            roles=roles,
            schemas=schemas,
            foreign_keys=[f for f in fks if f is not None],
            exceptions=[e for e in excs if e is not None],
            locations=dict(self.locations),
            gate=self._gate(self._get(d, "gate", "", dict, {}) or {}),
        )

    def _gate(self, g: dict[str, Any]) -> GateSpec:
        from ownaudit.findings import Severity

        spec = GateSpec(location=self._loc("gate") if g else None)
        raw = self._get(g, "inline_suppression_max", "gate", str, None)
        if raw is not None:
            if raw.lower() == "none":
                spec.inline_suppression_max = None
            else:
                try:
                    spec.inline_suppression_max = Severity.parse(raw)
                except ValueError as exc:
                    self.bad("gate.inline_suppression_max", f"{exc} or none")
        raw = self._get(g, "unanalysable_governed", "gate", str, None)
        if raw is not None:
            try:
                spec.unanalysable_governed = Severity.parse(raw)
            except ValueError as exc:
                self.bad("gate.unanalysable_governed", str(exc))
        return spec

    def _readers(self, obj: dict[str, Any], kp: str) -> list[str] | str | None:
        value = obj.get("readers")
        if value is None:
            return None
        if value == "all":
            return "all"
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        self.bad(f"{kp}.readers", "expected 'all' or a list of hub ids")
        return None

    def _schema(self, sname: str, s: dict[str, Any]) -> SchemaSpec:
        kp = f"schemas.{sname}"
        wp = self._str_list(s, "writer_privileges", kp, None)
        sp = self._str_list(s, "sequence_privileges", kp, None)
        readers = self._readers(s, kp)
        spec = SchemaSpec(
            name=sname,
            owner=self._get(s, "owner", kp, str, None),
            status=self._get(s, "status", kp, str, "active"),
            readers=readers if readers is not None else "all",  # type: ignore[arg-type]
            purpose=self._get(s, "purpose", kp, str, None),
            writer_privileges=(self._privs(wp, f"{kp}.writer_privileges") | {Privilege.SELECT})
            if wp else DEFAULT_WRITER_PRIVILEGES,
            sequence_privileges=frozenset(x.upper() for x in sp) if sp else DEFAULT_SEQUENCE_PRIVILEGES,
            owner_role=self._get(s, "owner_role", kp, str, None),
            sensitivity=self._get(s, "sensitivity", kp, str, None),
            governed=bool(self._get(s, "governed", kp, bool, True)),
            writers=self._schema_writers(s, kp),
            location=self._loc(kp),
        )
        for tname, t in (self._get(s, "tables", kp, dict, {}) or {}).items():
            spec.tables[tname] = self._table(spec, tname, t if isinstance(t, dict) else {})
        return spec

    def _table(self, schema: SchemaSpec, tname: str, t: dict[str, Any]) -> TableSpec:
        kp = f"schemas.{schema.name}.tables.{tname}"
        ref = TableRef(schema.name, tname)
        owner = t.get("owner", schema.owner)
        if owner is not None and not isinstance(owner, str):
            self.bad(f"{kp}.owner", "expected a hub id")
            owner = None
        writers = []
        for i, w in enumerate(self._get(t, "writers", kp, list, []) or []):
            wkp = f"{kp}.writers[{i}]"
            if not isinstance(w, dict):
                self.bad(wkp, "expected a mapping with hub and operations")
                continue
            writers.append(WriterSpec(
                hub=str(self._get(w, "hub", wkp, str, "", required=True)),
                operations=self._privs(self._str_list(w, "operations", wkp), f"{wkp}.operations"),
                reason=self._get(w, "reason", wkp, str, None),
                location=self._loc(wkp),
            ))
        cgs = []
        for i, c in enumerate(self._get(t, "column_grants", kp, list, []) or []):
            ckp = f"{kp}.column_grants[{i}]"
            if not isinstance(c, dict):
                self.bad(ckp, "expected a mapping with hub, operations and columns")
                continue
            cgs.append(ColumnGrant(
                hub=str(self._get(c, "hub", ckp, str, "", required=True)),
                operations=self._privs(self._str_list(c, "operations", ckp, ["UPDATE"]), f"{ckp}.operations"),
                columns=self._str_list(c, "columns", ckp),
                reason=self._get(c, "reason", ckp, str, None),
                condition=self._get(c, "condition", ckp, str, None),
                location=self._loc(ckp),
            ))
        rls = None
        r = self._get(t, "rls", kp, dict, None)
        if r is not None:
            rkp = f"{kp}.rls"
            pols = []
            for i, p in enumerate(self._get(r, "policies", rkp, list, []) or []):
                pkp = f"{rkp}.policies[{i}]"
                if not isinstance(p, dict):
                    self.bad(pkp, "expected a mapping with name, command and roles")
                    continue
                pols.append(RlsPolicySpec(
                    name=str(self._get(p, "name", pkp, str, "", required=True)),
                    command=str(self._get(p, "command", pkp, str, "ALL")).upper(),
                    roles=self._str_list(p, "roles", pkp, ["public"]),
                    permissive=bool(self._get(p, "permissive", pkp, bool, True)),
                    location=self._loc(pkp),
                ))
            rls = RlsSpec(
                enabled=bool(self._get(r, "enabled", rkp, bool, False)),
                forced=bool(self._get(r, "forced", rkp, bool, False)),
                policies=pols,
                exhaustive=bool(self._get(r, "exhaustive", rkp, bool, True)),
                location=self._loc(rkp),
            )
        migration = None
        m = self._get(t, "migration", kp, dict, None)
        if m is not None:
            mkp = f"{kp}.migration"
            replaced = self._get(m, "replaced_by", mkp, str, None)
            replaced_ref = None
            if replaced:
                try:
                    replaced_ref = TableRef.parse(replaced)
                except ValueError:
                    self.bad(f"{mkp}.replaced_by", f"not a schema.table name: {replaced!r}")
            migration = Migration(
                current_owner=str(self._get(m, "current_owner", mkp, str, "", required=True)),
                target_owner=str(self._get(m, "target_owner", mkp, str, "", required=True)),
                replaced_by=replaced_ref,
                state=self._get(m, "state", mkp, str, "pending"),
                notes=self._get(m, "notes", mkp, str, None),
                location=self._loc(mkp),
            )
        frozen = None
        fz = t.get("frozen")
        if fz is not None:
            fkp = f"{kp}.frozen"
            if isinstance(fz, str):
                frozen = Frozen(reason=fz, location=self._loc(fkp))
            elif isinstance(fz, dict):
                frozen = Frozen(
                    reason=str(self._get(fz, "reason", fkp, str, "", required=True)),
                    migration_hub=self._get(fz, "migration_hub", fkp, str, None),
                    migration_paths=self._str_list(fz, "migration_paths", fkp),
                    location=self._loc(fkp),
                )
            else:
                self.bad(fkp, "expected a reason or a mapping with reason, migration_hub, migration_paths")
        if "owner" not in t and frozen is not None:
            owner = None  # a frozen table gets no owner from its schema: nobody writes it
        readers = self._readers(t, kp)
        return TableSpec(
            ref=ref,
            owner=owner,
            purpose=self._get(t, "purpose", kp, str, None),
            readers=readers,  # type: ignore[arg-type]
            writers=writers,
            column_grants=cgs,
            rls=rls,
            migration=migration,
            frozen=frozen,
            owner_role=self._get(t, "owner_role", kp, str, None),
            kind=self._get(t, "kind", kp, str, "table"),
            declared=True,
            location=self._loc(kp),
            sensitivity=self._get(t, "sensitivity", kp, str, None),
            column_sensitivity={
                str(c): str(v.get("sensitivity", "internal"))
                for c, v in (self._get(t, "columns", kp, dict, {}) or {}).items() if isinstance(v, dict)
            },
        )

    def _overrides(self, lint_d: dict[str, Any], kp: str) -> list[PathOverride]:
        out: list[PathOverride] = []
        for i, o in enumerate(self._get(lint_d, "overrides", kp, list, []) or []):
            okp = f"{kp}.overrides[{i}]"
            if not isinstance(o, dict):
                self.bad(okp, "expected a mapping with paths and severity, search_path or database")
                continue
            sp = self._str_list(o, "search_path", okp) if o.get("search_path") is not None else None
            sev = self._get(o, "severity", okp, str, None)
            out.append(PathOverride(
                paths=self._str_list(o, "paths", okp),
                severity=sev.lower() if sev else None,
                search_path=sp,
                database=self._get(o, "database", okp, str, None),
                reason=self._get(o, "reason", okp, str, None),
                location=self._loc(okp),
            ))
        return out

    def _databases(self, h: dict[str, Any], kp: str) -> dict[str, OtherDatabase]:
        out: dict[str, OtherDatabase] = {}
        for name, d in (self._get(h, "databases", kp, dict, {}) or {}).items():
            dkp = f"{kp}.databases.{name}"
            d = d if isinstance(d, dict) else {}
            out[str(name)] = OtherDatabase(
                name=str(name),
                provider=str(self._get(d, "provider", dkp, str, "postgres")),
                host=self._get(d, "host", dkp, str, None),
                database=self._get(d, "database", dkp, str, None),
                project=self._get(d, "project", dkp, str, None),
                bindings=self._str_list(d, "bindings", dkp),
                env=self._str_list(d, "env", dkp),
                paths=self._str_list(d, "paths", dkp),
                migrations_dirs=self._str_list(d, "migrations_dirs", dkp),
                purpose=self._get(d, "purpose", dkp, str, None),
                location=self._loc(dkp),
            )
        return out

    def _schema_writers(self, s: dict[str, Any], kp: str) -> list[SchemaWriter]:
        out: list[SchemaWriter] = []
        for i, w in enumerate(self._get(s, "writers", kp, list, []) or []):
            wkp = f"{kp}.writers[{i}]"
            if not isinstance(w, dict):
                self.bad(wkp, "expected a mapping with hubs and operations")
                continue
            hubs_v = w.get("hubs")
            hubs: list[str] | str
            if hubs_v == "all":
                hubs = "all"
            elif isinstance(hubs_v, list) and all(isinstance(x, str) for x in hubs_v):
                hubs = list(hubs_v)
            else:
                self.bad(f"{wkp}.hubs", "expected 'all' or a list of hub ids")
                continue
            out.append(SchemaWriter(
                hubs=hubs,  # type: ignore[arg-type]
                operations=self._privs(self._str_list(w, "operations", wkp), f"{wkp}.operations"),
                except_hubs=self._str_list(w, "except", wkp),
                create=bool(self._get(w, "create", wkp, bool, False)),
                reason=self._get(w, "reason", wkp, str, None),
                location=self._loc(wkp),
            ))
        return out

    def _fk(self, i: int, f: Any) -> ForeignKeySpec | None:
        kp = f"foreign_keys[{i}]"
        if not isinstance(f, dict):
            self.bad(kp, "expected a mapping with child, columns and parent")
            return None
        try:
            child = TableRef.parse(str(self._get(f, "child", kp, str, "", required=True) or "?"))
            parent = TableRef.parse(str(self._get(f, "parent", kp, str, "", required=True) or "?"))
        except ValueError as exc:
            self.bad(kp, str(exc))
            return None
        cols = self._str_list(f, "columns", kp)
        return ForeignKeySpec(
            child=child,
            child_columns=cols,
            parent=parent,
            parent_columns=self._str_list(f, "parent_columns", kp, cols),
            name=self._get(f, "name", kp, str, None),
            on_delete=str(self._get(f, "on_delete", kp, str, "no action")).lower(),
            on_update=str(self._get(f, "on_update", kp, str, "no action")).lower(),
            location=self._loc(kp),
        )

    def _exception(self, i: int, e: Any) -> ExceptionSpec | None:
        kp = f"exceptions[{i}]"
        if not isinstance(e, dict):
            self.bad(kp, "expected a mapping with rule, object, reason and expires")
            return None
        raw = e.get("expires")
        try:
            expires = _dt.date.fromisoformat(str(raw)[:10])
        except ValueError:
            self.bad(f"{kp}.expires", f"not a date (YYYY-MM-DD): {raw!r}")
            return None
        return ExceptionSpec(
            rule=str(self._get(e, "rule", kp, str, "", required=True)).upper(),
            object=str(self._get(e, "object", kp, str, "", required=True)),
            reason=str(self._get(e, "reason", kp, str, "", required=True)),
            expires=expires,
            ticket=self._get(e, "ticket", kp, str, None),
            hub=self._get(e, "hub", kp, str, None),
            role=self._get(e, "role", kp, str, None),
            location=self._loc(kp),
        )


def policy_from_path_or_default(path: str | None) -> Path:
    """Resolve without loading (for messages)."""
    return resolve_policy_path(path)


__all__ = ["load_policy", "load_policy_text", "validate_policy_text"]
