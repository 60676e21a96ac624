"""Every catalog query the audit issues, one constant per query, named for what it reads.

Rules every query here follows (see issue 3, "Connection"):

* Only ``pg_catalog`` relations and functions readable by a role with no grants
  at all: pg_roles (never pg_authid), never information_schema (its views
  filter rows to the current role's own privileges).
* Set-based: each query reads one kind of object for the whole database, so
  the number of round trips is constant in the number of tables and roles.
* ACLs are exploded on the server with ``aclexplode(coalesce(acl, acldefault(kind, owner)))``:
  a NULL ACL means the owner's built-in defaults (not "no access"), grantee 0 is
  PUBLIC, and privilege names come from the server (PG17's MAINTAIN appears
  with no change here). Grantee/grantor OIDs are mapped to names in Python.
* ``%(schemas)s`` is NULL (all user schemas) or a text[] of schema names.
* Cheap per row: relations are read once (RELATIONS, COLUMNS); the queries of objects that hang
  off a relation (policies, triggers, rules, foreign keys, sequence owners) return its OID and the
  reader names it from the relations it already holds instead of joining pg_class again. Identical
  ACLs are exploded once per query (most relations share a handful); rows come unsorted where the
  reader sorts them (a wide server-side sort spills to disk). RELATION_NAMES names the few
  relations outside the scope that a foreign key or an owned sequence points at.
"""

from __future__ import annotations

# Schemas that hold no application objects (pg_toast*, pg_temp_*, pg_toast_temp_*).
_USER_SCHEMA = (
    "{n}.nspname NOT IN ('pg_catalog', 'information_schema') AND {n}.nspname !~ '^pg_(toast|temp_)'"
)
_IN_SCHEMAS = "(%(schemas)s::text[] IS NULL OR {n}.nspname = ANY(%(schemas)s::text[]))"


def _acl_json(acl_expr: str) -> str:
    """A JSON array (as text: identical ACLs are parsed once) of [grantee, grantor, privilege, grantable]."""
    return (
        "(SELECT coalesce(json_agg(json_build_array(a.grantee::int8, a.grantor::int8, a.privilege_type,"
        f" a.is_grantable))::text, '[]') FROM aclexplode({acl_expr}) a)"
    )


def _user(n: str) -> str:
    return f"{_USER_SCHEMA.format(n=n)} AND {_IN_SCHEMAS.format(n=n)}"


def _rel_in_schemas(col: str) -> str:
    """A relation OID column limited to ``%(schemas)s`` (folded away when it is NULL); the reader then keeps
    only relations it read, which drops the system schemas."""
    return (
        f"(%(schemas)s::text[] IS NULL OR {col} IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n"
        " ON n.oid = c.relnamespace WHERE n.nspname = ANY(%(schemas)s::text[])))"
    )


# The server, the database, and the privilege vocabulary of this server version.
SERVER_AND_DATABASE = f"""
SELECT current_setting('server_version_num')::int AS version_num,
       version() AS version,
       d.datname AS database,
       pg_get_userbyid(d.datdba) AS database_owner,
       current_user AS current_user,
       coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false) AS is_superuser,
       {_acl_json("coalesce(d.datacl, acldefault('d', d.datdba))")} AS database_acl,
       json_build_object(
         'row_security', current_setting('row_security'),
         'default_transaction_read_only', current_setting('default_transaction_read_only'),
         'transaction_read_only', current_setting('transaction_read_only'),
         'server_encoding', current_setting('server_encoding')
       ) AS settings,
       (SELECT json_object_agg(k.name, (
            SELECT json_agg(x.privilege_type)
            FROM aclexplode(acldefault(k.code::"char", d.datdba)) x WHERE x.grantee <> 0))
        FROM (VALUES ('table', 'r'), ('sequence', 's'), ('function', 'f'), ('schema', 'n'),
                     ('database', 'd')) AS k(name, code)) AS privileges
FROM pg_database d
WHERE d.datname = current_database()
"""

# Every role (pg_roles hides only the password).
ROLES = """
SELECT r.oid::int8, r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
       r.rolreplication, r.rolbypassrls, coalesce(r.rolconfig, '{}'::text[])
FROM pg_roles r
ORDER BY r.rolname
"""

# Role memberships with PG16+ per-grant INHERIT and SET options.
MEMBERSHIPS_PG16 = """
SELECT m.roleid::int8, m.member::int8, m.grantor::int8, m.admin_option, m.inherit_option, m.set_option
FROM pg_auth_members m
"""

# Before PG16: inheritance follows the member's rolinherit, and SET ROLE is always allowed.
MEMBERSHIPS_LEGACY = """
SELECT m.roleid::int8, m.member::int8, m.grantor::int8, m.admin_option, r.rolinherit, true
FROM pg_auth_members m
JOIN pg_roles r ON r.oid = m.member
"""

# User schemas ('public' is always read: CREATE on public is a finding whatever the scope).
SCHEMAS = f"""
SELECT n.oid::int8, n.nspname, n.nspowner::int8,
       {_acl_json("coalesce(n.nspacl, acldefault('n', n.nspowner))")}
FROM pg_namespace n
WHERE {_USER_SCHEMA.format(n="n")} AND ({_IN_SCHEMAS.format(n="n")} OR n.nspname = 'public')
ORDER BY n.nspname
"""

# Tables, partitioned tables, views, materialized views, foreign tables and sequences.
# pg_relation_is_updatable(oid, false): auto-updatable without INSTEAD OF triggers (needs no privilege).
# ACLs: ``acl_id`` is the lowest OID with the same (defaulted) ACL; only that row carries the exploded ACL.
# ``parents`` lists every pg_inherits parent in inhseqno order (a partition has one: its parent).
# The outer SELECT keeps the statement a plain SELECT (a WITH inside a subquery cannot modify data).
RELATIONS = f"""
SELECT * FROM (
WITH r AS MATERIALIZED (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.relowner,
         coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)) AS acl,
         c.relrowsecurity, c.relforcerowsecurity, c.relispartition, c.reloptions
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND {_user("n")}
), acls AS (
  SELECT r.acl, min(r.oid) AS first FROM r GROUP BY r.acl
)
SELECT r.oid::int8, r.nspname, r.relname, r.relkind::text, r.relowner::int8,
       acls.first::int8 AS acl_id, CASE WHEN acls.first = r.oid THEN {_acl_json("r.acl")} END,
       r.relrowsecurity, r.relforcerowsecurity, r.relispartition,
       coalesce(r.reloptions, '{{}}'::text[]),
       CASE WHEN r.relkind = 'v' THEN pg_relation_is_updatable(r.oid, false) ELSE 0 END AS updatable_events,
       i.parents,
       fs.srvname
FROM r
JOIN acls ON acls.acl = r.acl
LEFT JOIN (
  SELECT i.inhrelid, array_agg(pn.nspname || '.' || p.relname ORDER BY i.inhseqno) AS parents
  FROM pg_inherits i
  JOIN pg_class p ON p.oid = i.inhparent
  JOIN pg_namespace pn ON pn.oid = p.relnamespace
  GROUP BY i.inhrelid
) i ON i.inhrelid = r.oid
LEFT JOIN pg_foreign_table ft ON ft.ftrelid = r.oid
LEFT JOIN pg_foreign_server fs ON fs.oid = ft.ftserver
) relations
"""

# Columns of every relation read, with column grants (attacl NULL = no column grants, not defaults) and
# the type's OID (for TYPES). Unsorted: the reader orders each relation's columns by attnum. A default
# cannot name a column, so it is deparsed without the relation (three times cheaper); a generation
# expression can, so it is deparsed with it. pg_attrdef is looked up only for columns that have one.
COLUMNS = f"""
SELECT a.attrelid::int8, a.attname, a.attnum, a.atttypid::int8, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, a.attidentity::text,
       CASE WHEN a.atthasdef THEN (
         SELECT pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END)
         FROM pg_attrdef ad WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) END,
       a.attgenerated::text,
       CASE WHEN a.attacl IS NULL THEN NULL ELSE {_acl_json("a.attacl")} END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {_user("n")}
"""

# The relations each view / materialized view reads (its _RETURN rule's dependencies).
VIEW_SOURCES = f"""
SELECT DISTINCT r.ev_class::int8, sn.nspname, s.relname
FROM pg_rewrite r
JOIN pg_class v ON v.oid = r.ev_class
JOIN pg_namespace n ON n.oid = v.relnamespace
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
JOIN pg_class s ON s.oid = d.refobjid AND s.relkind IN ('r', 'p', 'v', 'm', 'f')
JOIN pg_namespace sn ON sn.oid = s.relnamespace
WHERE r.rulename = '_RETURN' AND v.relkind IN ('v', 'm') AND {_user("n")}
"""

# Sequences owned by a column: serial (deptype 'a', OWNED BY) and identity (deptype 'i'), from
# pg_sequence (one row per sequence) into pg_depend's index; the reader keeps the sequences it read.
SEQUENCE_OWNERS = """
SELECT d.objid::int8, d.refobjid::int8, d.refobjsubid::int4, d.deptype::text
FROM pg_sequence s
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.objsubid = 0
WHERE d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
"""

# Row-level-security policies; polroles {0} means PUBLIC. The reader names the table.
POLICIES = f"""
SELECT p.polrelid::int8, p.polname, p.polcmd::text, p.polpermissive,
       ARRAY(SELECT x::int8 FROM unnest(p.polroles) x),
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
FROM pg_policy p
WHERE {_rel_in_schemas("p.polrelid")}
"""

# Foreign keys (clones on partitions, conparentid <> 0, are skipped) with the column numbers of both
# sides; the reader names them and keeps those whose child or parent it read.
FOREIGN_KEYS = """
SELECT con.conname, con.conrelid::int8, con.conkey::int4[], con.confrelid::int8, con.confkey::int4[],
       con.confdeltype::text, con.confupdtype::text, con.convalidated
FROM pg_constraint con
WHERE con.contype = 'f' AND con.conparentid = 0
"""

# Relations outside the scope that a foreign key or an owned sequence points at (%(relids)s), with
# their column names by number.
RELATION_NAMES = """
SELECT c.oid::int8, n.nspname, c.relname,
       ARRAY(SELECT a.attnum::int4 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 ORDER BY 1),
       ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
             ORDER BY a.attnum)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = ANY(%(relids)s::int8[]::oid[])
"""


def _functions(body: str) -> str:
    return f"""
SELECT p.oid::int8, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.proowner::int8,
       p.prosecdef, l.lanname, p.prokind::text,
       {_acl_json("coalesce(p.proacl, acldefault('f', p.proowner))")},
       coalesce(p.proconfig, '{{}}'::text[]),
       {body},
       ARRAY(SELECT DISTINCT dn.nspname || '.' || dc.relname
               FROM pg_depend d
               JOIN pg_class dc ON dc.oid = d.refobjid AND dc.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
               JOIN pg_namespace dn ON dn.oid = dc.relnamespace
              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                AND d.refclassid = 'pg_class'::regclass),
       pg_get_function_result(p.oid)
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE {_user("n")}
ORDER BY n.nspname, p.proname, p.oid
"""


# Functions and procedures (PG14+: BEGIN ATOMIC bodies are in prosqlbody, not prosrc).
FUNCTIONS_PG14 = _functions(
    "CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END"
)
FUNCTIONS_LEGACY = _functions("p.prosrc")

# User triggers (constraint/internal triggers excluded); tgtype bits are decoded in Python.
TRIGGERS = f"""
SELECT t.tgrelid::int8, t.tgname,
       pn.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       t.tgenabled::text, t.tgtype::int
FROM pg_trigger t
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND {_rel_in_schemas("t.tgrelid")}
"""

# A constraint's own triggers (foreign-key enforcement) that are NOT enabled: ALTER TABLE ... DISABLE
# TRIGGER ALL switches referential integrity off without dropping the constraint.
DISABLED_INTERNAL_TRIGGERS = f"""
SELECT t.tgrelid::int8, t.tgname,
       pn.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       t.tgenabled::text, t.tgtype::int, con.conname
FROM pg_trigger t
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_constraint con ON con.oid = t.tgconstraint
WHERE t.tgisinternal AND t.tgenabled <> 'O' AND {_rel_in_schemas("t.tgrelid")}
"""

# Functions that run implicitly when a relation is touched, from pg_depend: column defaults and
# generation expressions (pg_attrdef), CHECK and domain constraints (pg_constraint), index expressions
# and predicates (pg_class, relkind i/I) and RLS expressions (pg_policy); an operator counts as its
# function (oprcode). Only functions in user schemas: pg_catalog's are not ownable by applications.
CODE_USES = f"""
SELECT f.kind, rn.nspname, r.relname, f.objname, tn.nspname || '.' || t.typname,
       pn.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', f.expr
FROM (
  SELECT DISTINCT
    CASE WHEN ad.oid IS NOT NULL THEN CASE WHEN a.attgenerated <> '' THEN 'generated' ELSE 'default' END
         WHEN con.oid IS NOT NULL THEN CASE WHEN con.contypid <> 0 THEN 'domain' ELSE 'check' END
         WHEN ix.oid IS NOT NULL THEN 'index'
         ELSE 'policy' END AS kind,
    coalesce(ad.adrelid, nullif(con.conrelid, 0), ind.indrelid, pol.polrelid) AS relid,
    coalesce(a.attname::text, con.conname::text, ix.relname::text, pol.polname::text) AS objname,
    con.contypid AS typid,
    CASE WHEN ad.oid IS NOT NULL THEN pg_get_expr(ad.adbin, ad.adrelid)
         WHEN con.oid IS NOT NULL THEN pg_get_constraintdef(con.oid)
         WHEN ix.oid IS NOT NULL THEN pg_get_indexdef(ix.oid)
         ELSE coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || CASE WHEN pol.polwithcheck IS NULL
              THEN '' ELSE ' WITH CHECK ' || pg_get_expr(pol.polwithcheck, pol.polrelid) END END AS expr,
    u.fn
  FROM (
    SELECT d.classid, d.objid,
           CASE WHEN d.refclassid = 'pg_proc'::regclass THEN d.refobjid ELSE o.oprcode::oid END AS fn
    FROM pg_depend d
    LEFT JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
    WHERE d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass, 'pg_class'::regclass,
                        'pg_policy'::regclass)
      AND d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass) AND d.deptype = 'n'
  ) u
  LEFT JOIN pg_attrdef ad ON u.classid = 'pg_attrdef'::regclass AND ad.oid = u.objid
  LEFT JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
  LEFT JOIN pg_constraint con ON u.classid = 'pg_constraint'::regclass AND con.oid = u.objid
                              AND con.contype = 'c'
  LEFT JOIN pg_class ix ON u.classid = 'pg_class'::regclass AND ix.oid = u.objid AND ix.relkind IN ('i', 'I')
  LEFT JOIN pg_index ind ON ind.indexrelid = ix.oid
  LEFT JOIN pg_policy pol ON u.classid = 'pg_policy'::regclass AND pol.oid = u.objid
  WHERE ad.oid IS NOT NULL OR con.oid IS NOT NULL OR ix.oid IS NOT NULL OR pol.oid IS NOT NULL
) f
JOIN pg_proc p ON p.oid = f.fn
JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_class r ON r.oid = f.relid
LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
LEFT JOIN pg_type t ON t.oid = f.typid AND f.kind = 'domain'
LEFT JOIN pg_namespace tn ON tn.oid = t.typnamespace
WHERE {_USER_SCHEMA.format(n="pn")}
  AND (r.oid IS NULL OR {_user("rn")}) AND (f.kind <> 'domain' OR t.oid IS NOT NULL)
ORDER BY 1, 2, 3, 4, 6
"""

# User types (domains, enums, composite types that are not a table's row type, ranges, base types) among
# the types of the columns read (%(typids)s, from COLUMNS; an array counts as its element type), with
# their owners. The reader attaches the columns.
TYPES = f"""
SELECT at.oid::int8, tn.nspname, t.typname, t.typtype::text, t.typowner::int8
FROM pg_type at
JOIN pg_type t ON t.oid = CASE WHEN at.typcategory = 'A' AND at.typelem <> 0 THEN at.typelem ELSE at.oid END
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_class tr ON tr.oid = t.typrelid
WHERE at.oid = ANY(%(typids)s::int8[]::oid[]) AND {_USER_SCHEMA.format(n="tn")}
  AND (t.typrelid = 0 OR tr.relkind = 'c')
"""

# Event triggers (only a superuser can create them; the function they call may be owned by anyone).
EVENT_TRIGGERS = """
SELECT e.evtname, e.evtevent, pn.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid)
       || ')', e.evtowner::int8, e.evtenabled::text
FROM pg_event_trigger e
JOIN pg_proc p ON p.oid = e.evtfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
ORDER BY 1
"""

# ALTER ROLE / ALTER DATABASE ... SET for this database or all databases (pg_db_role_setting is public).
ROLE_SETTINGS = """
SELECT s.setrole::int8, d.datname, s.setconfig
FROM pg_db_role_setting s
LEFT JOIN pg_database d ON d.oid = s.setdatabase
WHERE s.setdatabase = 0 OR d.datname = current_database()
ORDER BY 1, 2
"""

# Foreign servers with only the options that say where they connect (host, port, dbname).
FOREIGN_SERVERS = f"""
SELECT s.srvname, w.fdwname, s.srvowner::int8,
       ARRAY(SELECT o FROM unnest(coalesce(s.srvoptions, '{{}}'::text[])) o
              WHERE split_part(o, '=', 1) IN ('host', 'hostaddr', 'port', 'dbname')),
       {_acl_json("coalesce(s.srvacl, acldefault('S', s.srvowner))")}
FROM pg_foreign_server s
JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
ORDER BY 1
"""

# User mappings from the pg_user_mappings view (umoptions is NULL unless the reader may see it). Only
# option NAMES leave the server, and the value of 'user'; a 'password' value is never selected.
USER_MAPPINGS = """
SELECT m.srvname, m.umuser::int8, m.umoptions IS NOT NULL,
       ARRAY(SELECT split_part(o, '=', 1) FROM unnest(coalesce(m.umoptions, '{}'::text[])) o),
       (SELECT substr(o, 6) FROM unnest(coalesce(m.umoptions, '{}'::text[])) o WHERE o LIKE 'user=%' LIMIT 1)
FROM pg_user_mappings m
ORDER BY 1, 2
"""

# Rewrite rules other than a view's own _RETURN rule.
RULES = f"""
SELECT r.ev_class::int8, r.rulename, r.ev_type::text, r.is_instead, pg_get_ruledef(r.oid)
FROM pg_rewrite r
WHERE r.rulename <> '_RETURN' AND {_rel_in_schemas("r.ev_class")}
"""

# ALTER DEFAULT PRIVILEGES entries; namespace 0 = all schemas (replaces the built-in default).
DEFAULT_ACLS = f"""
SELECT d.defaclrole::int8, n.nspname, d.defaclobjtype::text, {_acl_json("d.defaclacl")}
FROM pg_default_acl d
LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE n.oid IS NULL OR {_IN_SCHEMAS.format(n="n")}
ORDER BY 1, 2, 3
"""
