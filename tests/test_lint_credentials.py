"""A corpus of the ways hub code writes a PostgreSQL password, and of placeholders that are not one.

Every value here is synthetic. Each form must be found (LNT012, critical), at the value's position,
and the value must never appear in a finding, an excerpt or any report format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownaudit.lint.credentials import mask_secrets, scan_config, scan_credentials
from ownaudit.lint.engine import file_kind, lint
from ownaudit.policy.loader import load_policy
from ownaudit.report.emit import render
from ownaudit.report.settings import ReportSettings
from test_lint_support import lint_source, make_policy, write_policy

PW = "Zq8-synthetic-PW-41"
TOKEN = "npg_Synth3ticT0ken9"

FOUND = {
    # libpq URIs of every form
    "uri": f'URL = "postgresql://outreach_writer:{PW}@db.example/Test%20DB"',
    "uri-short-scheme-port": f'URL = "postgres://outreach_writer:{PW}@db.example:5432/app?sslmode=require"',
    "uri-driver": f'engine = create_engine("postgresql+psycopg2://app:{PW}@h/Test%20DB")',
    "uri-encoded": 'URL = "postgresql://Test%20DB_owner:Zq8%40synthetic%2FPW@ep-x-pooler.example.tech/Test%20DB"',
    "uri-no-db": f"const u = `postgresql://app:{PW}@h`;",
    "uri-query-password": f'URL = "postgresql://h/Test%20DB?user=app&password={PW}"',
    # key=value conninfo
    "conninfo": f'conn = psycopg.connect("host=h dbname=app user=app password={PW}")',
    "conninfo-quoted": f"conn = psycopg.connect(\"host=h dbname=app password='{PW} x' user=app\")",
    # calls with password= / password: on any line of the call
    "connect-multiline": f"conn = psycopg2.connect(\n    host='h',\n    user='app',\n    password='{PW}',\n)",
    "create-engine-kwarg": f"engine = create_engine(URL,\n    connect_args={{'password': '{PW}'}})",
    "js-pool": f"const pool = new Pool({{\n  host: 'h',\n  user: 'app',\n  password: '{PW}',\n}});",
    "js-client-quoted-key": f'const c = new pg.Client({{ "host": "h", "password": "{PW}" }});',
    # dicts / objects with a password / PGPASSWORD key
    "dict": f"DB_CONFIG = {{\n    'host': 'h',\n    'database': 'Test DB',\n    'password': '{PW}',\n}}",
    "pgpassword-key": f"env = {{'PGPASSWORD': '{PW}'}}",
    "db-password-constant": f"DB_PASSWORD = '{PW}'",
    # a literal default of an environment lookup is a committed password
    "env-default": f"PASSWORD = os.getenv('NEON_PASSWORD', '{PW}')",
    "environ-get-default": f"pw = os.environ.get('DB_PASS', '{PW}')",
    "js-env-default": f"const pw = process.env.PGPASSWORD || '{PW}';",
    # provider tokens anywhere
    "neon-token": f"# Password: {TOKEN}",
}

PLACEHOLDERS = [
    'URL = "postgresql://app:${CL_PASSWORD}@h/Test%20DB"',
    'URL = f"postgresql://{user}:{password}@{host}/{db}"',
    'URL = "postgresql://app:%s@h/db" % pw',
    'URL = "postgresql://app:<password>@h/db"',
    'URL = "postgresql://app:****@h/db"',
    'URL = "postgresql://your_user:your_password@h/db"',
    "conn = psycopg2.connect(host='h', user='app', password=os.environ['PGPASSWORD'])",
    "conn = psycopg2.connect(host='h', password=os.getenv('PGPASSWORD'))",
    "const pool = new Pool({ host: 'h', password: process.env.PGPASSWORD });",
    "DB = {'host': 'h', 'password': ''}",
    "form = {'password': 'hunter'}  # no database anywhere near: a login form, not a DSN",
    "PASSWORD = os.getenv('NEON_PASSWORD')",
    'password = settings["db_password"]',
]


@pytest.mark.parametrize("name", sorted(FOUND))
def test_every_credential_form_is_found_at_its_value(name: str) -> None:
    src = FOUND[name]
    hits = scan_credentials(src)
    assert len(hits) == 1, (name, hits)
    secret = TOKEN if name == "neon-token" else ("Zq8%40synthetic%2FPW" if name == "uri-encoded" else PW)
    assert hits[0].offset == src.index(secret), name
    assert secret not in hits[0].masked and "****" in hits[0].masked
    assert secret not in mask_secrets(src), name  # excerpts are masked too


@pytest.mark.parametrize("src", PLACEHOLDERS)
def test_placeholders_are_never_flagged(src: str) -> None:
    assert scan_credentials(src) == []


CONFIG_FILES = {
    ".env": f"NEON_HOST=h\nNEON_PASSWORD={PW}\nDATABASE_URL=postgresql://app:{PW}x@h/Test%20DB\nOTHER=1\n",
    ".env.production": f'export PGPASSWORD="{PW}"\n',
    ".envrc": f"export DATABASE_URL='postgresql://app:{PW}@h:5432/app'\nexport PGPASSWORD=$(pass show db)\n",
    "docker-compose.yml": (
        f"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: {PW}\n      - PGPASSWORD={PW}y\n"
    ),
    "doppler.yaml": f"setup:\n  project: hub\nsecrets:\n  DB_PASSWORD: '{PW}'\n",
    "deploy.sh": f"#!/bin/sh\nPGPASSWORD={PW} psql -h h -U app -c 'select 1'\nexport PGPASSWORD=\"$SECRET\"\n",
}
CONFIG_HITS = {".env": 2, ".env.production": 1, ".envrc": 1, "docker-compose.yml": 2, "doppler.yaml": 1,
               "deploy.sh": 1}


@pytest.mark.parametrize("name", sorted(CONFIG_FILES))
def test_committed_env_compose_doppler_and_shell_files(name: str) -> None:
    assert file_kind(f"dir/{name}") == "config"
    hits = scan_config(CONFIG_FILES[name])
    assert len(hits) == CONFIG_HITS[name], (name, [h.masked for h in hits])
    for h in hits:
        assert PW not in h.masked


def test_config_files_are_linted_in_scope_and_no_value_reaches_any_report(tmp_path: Path) -> None:
    root = tmp_path / "hub"
    (root / "deploy").mkdir(parents=True)
    write_policy(root)
    for name, text in CONFIG_FILES.items():
        (root / "deploy" / name).write_text(text)
    (root / "app.py").write_text("\n".join(FOUND.values()) + "\n")
    (root / "vendor").mkdir()
    (root / "vendor" / ".env").write_text(f"PGPASSWORD={PW}\n")  # excluded by the hub's scope
    result = lint(load_policy(root / "ownership.yaml", check_schema=False), "hub-out", root, n_jobs=1)
    pw = [f for f in result.findings if f.rule_id == "LNT012"]
    by_file: dict[str, int] = {}
    for f in pw:
        assert f.location is not None and f.severity.value == "critical"
        by_file[f.location.path] = by_file.get(f.location.path, 0) + 1
    assert by_file == {"app.py": len(FOUND), **{f"deploy/{n}": c for n, c in CONFIG_HITS.items()}}
    for fmt in ("console", "json", "sarif", "junit", "markdown", "html"):
        text = render(fmt, result, ReportSettings())
        assert PW not in text and TOKEN not in text and "Zq8%40synthetic" not in text, fmt
    assert PW not in json.dumps([f.to_dict() for f in result.findings])


def test_the_connecting_role_rule_judges_only_the_policys_database(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)  # database: Test DB, owner role db_owner
    src = (
        'A = "postgresql://db_owner:${PW}@h/Test%20DB"\n'
        'B = "postgresql://db_owner:${PW}@h/analytics"\n'  # another database on the same server
        "C = psycopg2.connect(\n    host='h',\n    database='Test DB',\n    user='cl_writer',\n"
        "    password=os.environ['PW'],\n)\n"
        "D = {'host': 'h', 'database': 'reporting', 'user': 'cl_writer'}\n"
        'E = psycopg.connect("host=h dbname=\'Test DB\' user=ui_reader")\n'
        'F = "postgresql://outreach_writer:${PW}@h/Test%20DB"\n'  # the hub's own role
    )
    got = sorted((f.role, f.location.line) for f in lint_source(policy, src, "python", path="c.py")
                 if f.rule_id == "LNT013" and f.location)
    assert got == [("cl_writer", 6), ("db_owner", 1), ("ui_reader", 10)]
