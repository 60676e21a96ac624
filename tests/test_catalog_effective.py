"""Effective-privilege semantics on hand-built snapshots (no server): the rules users rely on.

The same engine is checked against the server's own ``has_table_privilege`` in
``test_catalog_server.py``; these tests pin the paths and corner cases by name.
"""

from __future__ import annotations

from ownaudit.catalog.effective import (
    effective_matrix,
    effective_state,
    function_execute,
    has_schema_usage,
    role_graph,
    schema_usage,
    sequence_access,
)
from ownaudit.catalog.model import (
    PUBLIC,
    AclItem,
    CatalogSnapshot,
    ColumnInfo,
    FunctionInfo,
    MembershipInfo,
    PolicyInfo,
    RelationInfo,
    RoleInfo,
    SchemaInfo,
    ServerInfo,
)
from ownaudit.privileges import Privilege

TABLE_PRIVS = ["INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"]


def owner_acl(owner: str, privs: list[str] = TABLE_PRIVS) -> list[AclItem]:
    return [AclItem(owner, owner, p) for p in privs]


def snap(
    *,
    version: int = 180000,
    roles: list[RoleInfo] | None = None,
    memberships: list[MembershipInfo] | None = None,
    relations: list[RelationInfo] | None = None,
    schemas: list[SchemaInfo] | None = None,
    functions: list[FunctionInfo] | None = None,
) -> CatalogSnapshot:
    names = ["migrator", "outreach_writer", "ui_reader", "cl_writer", "admin"]
    base = [RoleInfo(n, 16400 + i) for i, n in enumerate(names)]
    base += [
        RoleInfo(n, 6000 + i, predefined=True)
        for i, n in enumerate(["pg_read_all_data", "pg_write_all_data", "pg_maintain", "pg_database_owner"])
    ]
    return CatalogSnapshot(
        server=ServerInfo(
            version_num=version,
            version=f"PostgreSQL {version // 10000}",
            database="Marketing DB",
            database_owner="migrator",
            current_user="auditor",
            current_user_is_superuser=False,
            privileges={
                "table": TABLE_PRIVS,
                "sequence": ["SELECT", "UPDATE", "USAGE"],
                "function": ["EXECUTE"],
                "schema": ["USAGE", "CREATE"],
            },
        ),
        roles=(roles if roles is not None else []) + base,
        memberships=memberships or [],
        relations=relations
        if relations is not None
        else [
            RelationInfo("outreach", "people", 1, "r", "migrator", acl=owner_acl("migrator")),
        ],
        schemas=schemas or [],
        functions=functions or [],
    )


def paths(s: CatalogSnapshot, role: str, table: str, priv: Privilege) -> list[str]:
    return [str(p) for p in effective_matrix(s).cell(role, table).paths.get(priv, [])]


def test_direct_grant_is_a_grant_path_with_grant_option() -> None:
    s = snap()
    s.relations[0].acl.append(AclItem("outreach_writer", "migrator", "INSERT", grantable=True))
    cell = effective_matrix(s).cell("outreach_writer", "outreach.people")
    (path,) = cell.paths[Privilege.INSERT]
    assert str(path) == "outreach_writer -[grant]-> INSERT on outreach.people"
    assert path.via == "grant" and not path.requires_set_role
    assert Privilege.INSERT in cell.grantable


def test_membership_usable_only_through_set_role_is_marked() -> None:
    """The issue's example: a NOINHERIT-style grant still gives a write path via SET ROLE."""
    s = snap(memberships=[MembershipInfo("outreach_writer", "ui_reader", inherit=False, set_option=True)])
    s.relations[0].acl.append(AclItem("outreach_writer", "migrator", "INSERT"))
    (path,) = effective_matrix(s).cell("ui_reader", "outreach.people").paths[Privilege.INSERT]
    assert str(path) == "ui_reader -[member, SET]-> outreach_writer -[grant]-> INSERT on outreach.people"
    assert path.requires_set_role and path.via == "membership"


def test_inherited_membership_needs_no_set_role() -> None:
    s = snap(memberships=[MembershipInfo("outreach_writer", "ui_reader")])
    s.relations[0].acl.append(AclItem("outreach_writer", "migrator", "UPDATE"))
    (path,) = effective_matrix(s).cell("ui_reader", "outreach.people").paths[Privilege.UPDATE]
    assert str(path) == "ui_reader -[member]-> outreach_writer -[grant]-> UPDATE on outreach.people"
    assert not path.requires_set_role


def test_pg16_membership_without_inherit_or_set_gives_nothing() -> None:
    s = snap(memberships=[MembershipInfo("outreach_writer", "ui_reader", inherit=False, set_option=False)])
    s.relations[0].acl.append(AclItem("outreach_writer", "migrator", "DELETE"))
    assert effective_matrix(s).privileges("ui_reader", "outreach.people") == frozenset()
    assert "outreach_writer" not in role_graph(s)["ui_reader"]


def test_set_then_inherit_chain() -> None:
    """SET ROLE to X, then X's inherited grants: every hop before X needs SET, every hop after INHERIT."""
    s = snap(
        memberships=[
            MembershipInfo("cl_writer", "ui_reader", inherit=False, set_option=True),
            MembershipInfo("outreach_writer", "cl_writer", inherit=True, set_option=False),
        ]
    )
    s.relations[0].acl.append(AclItem("outreach_writer", "migrator", "TRUNCATE"))
    (path,) = effective_matrix(s).cell("ui_reader", "outreach.people").paths[Privilege.TRUNCATE]
    assert path.hops[:2] == ("ui_reader -[member, SET]->", "cl_writer -[member]->")
    assert path.requires_set_role
    reach = role_graph(s)["ui_reader"]
    assert reach["outreach_writer"].requires_set_role and not reach["outreach_writer"].can_set_role
    assert reach["cl_writer"].can_set_role


def test_public_grant_reaches_every_role_and_a_public_row() -> None:
    s = snap()
    s.relations[0].acl.append(AclItem(PUBLIC, "migrator", "INSERT"))
    m = effective_matrix(s)
    assert [str(p) for p in m.cell(PUBLIC, "outreach.people").paths[Privilege.INSERT]] == [
        "PUBLIC -[grant]-> INSERT on outreach.people"
    ]
    (path,) = m.cell("ui_reader", "outreach.people").paths[Privilege.INSERT]
    assert path.via == "public" and str(path) == "ui_reader -[public]-> PUBLIC -[grant]-> INSERT on outreach.people"


def test_column_grant_carries_its_columns_and_is_not_table_level() -> None:
    s = snap()
    s.relations[0].columns = [
        ColumnInfo("id", 1, "integer"),
        ColumnInfo("cl_company_id", 2, "uuid", acl=[AclItem("cl_writer", "migrator", "UPDATE")]),
        ColumnInfo("note", 3, "text", acl=[AclItem("cl_writer", "migrator", "UPDATE")]),
    ]
    cell = effective_matrix(s).cell("cl_writer", "outreach.people")
    assert cell.columns(Privilege.UPDATE) == {"cl_company_id", "note"}
    assert Privilege.UPDATE in cell.privileges and Privilege.UPDATE not in cell.table_level()
    (path,) = cell.paths[Privilege.UPDATE]
    assert path.via == "column-grant"
    assert str(path) == "cl_writer -[column grant]-> UPDATE (cl_company_id, note) on outreach.people"


def test_owner_and_owner_members_can_obtain_every_privilege_even_after_revoke() -> None:
    s = snap(memberships=[MembershipInfo("migrator", "cl_writer")])
    s.relations[0].acl = owner_acl("migrator", ["SELECT"])  # owner revoked its own writes
    m = effective_matrix(s)
    owner_cell = m.cell("migrator", "outreach.people")
    assert [p.via for p in owner_cell.paths[Privilege.INSERT]] == ["owner"]
    assert {p.via for p in owner_cell.paths[Privilege.SELECT]} == {"grant", "owner"}
    (member_path,) = m.cell("cl_writer", "outreach.people").paths[Privilege.DELETE]
    assert str(member_path) == "cl_writer -[member]-> migrator -[owner]-> DELETE on outreach.people"
    assert Privilege.DELETE in m.cell("cl_writer", "outreach.people").grantable


def test_predefined_roles() -> None:
    s = snap(
        memberships=[
            MembershipInfo("pg_write_all_data", "ui_reader"),
            MembershipInfo("pg_maintain", "cl_writer"),
        ]
    )
    m = effective_matrix(s)
    assert m.privileges("ui_reader", "outreach.people") == {
        Privilege.INSERT,
        Privilege.UPDATE,
        Privilege.DELETE,
    }
    (p,) = m.cell("ui_reader", "outreach.people").paths[Privilege.INSERT]
    assert p.via == "predefined" and "pg_write_all_data -[predefined]->" in p.hops
    assert m.privileges("cl_writer", "outreach.people") == {Privilege.MAINTAIN}


def test_maintain_absent_before_17_when_the_server_vocabulary_lacks_it() -> None:
    s = snap(version=160000, memberships=[MembershipInfo("pg_maintain", "cl_writer")])
    s.server.privileges = {}
    s.relations[0].acl = owner_acl("migrator", TABLE_PRIVS[:-1])
    m = effective_matrix(s)
    assert Privilege.MAINTAIN not in m.privileges("migrator", "outreach.people")
    assert m.privileges("cl_writer", "outreach.people") == frozenset()


def test_superuser_directly_and_through_set_role_only() -> None:
    s = snap(
        roles=[RoleInfo("root_like", 17000, superuser=True)],
        memberships=[
            MembershipInfo("root_like", "ui_reader", inherit=True, set_option=True),
            MembershipInfo("root_like", "cl_writer", inherit=True, set_option=False),
        ],
    )
    m = effective_matrix(s)
    assert {p.via for p in m.cell("root_like", "outreach.people").paths[Privilege.DELETE]} == {"superuser"}
    (p,) = m.cell("ui_reader", "outreach.people").paths[Privilege.DELETE]
    assert p.via == "superuser" and p.requires_set_role
    # Inheriting from a superuser without SET gives no superuser power.
    assert m.privileges("cl_writer", "outreach.people") == frozenset()


def test_membership_cycles_do_not_loop() -> None:
    s = snap(memberships=[MembershipInfo("cl_writer", "ui_reader"), MembershipInfo("ui_reader", "cl_writer")])
    s.relations[0].acl.append(AclItem("cl_writer", "migrator", "SELECT"))
    assert effective_matrix(s).privileges("ui_reader", "outreach.people") == {Privilege.SELECT}


def test_schema_usage_latent_table_privilege() -> None:
    s = snap(
        schemas=[
            SchemaInfo(
                "outreach",
                1,
                "migrator",
                acl=[AclItem("migrator", "migrator", "USAGE"), AclItem("migrator", "migrator", "CREATE")],
            ),
            SchemaInfo(
                "public",
                2200,
                "pg_database_owner",
                acl=[
                    AclItem("pg_database_owner", "pg_database_owner", "CREATE"),
                    AclItem(PUBLIC, "pg_database_owner", "USAGE"),
                ],
            ),
        ]
    )
    s.relations[0].acl.append(AclItem("ui_reader", "migrator", "INSERT"))
    assert Privilege.INSERT in effective_matrix(s).privileges("ui_reader", "outreach.people")
    assert not has_schema_usage(s, "ui_reader", "outreach")
    assert has_schema_usage(s, "ui_reader", "public")
    assert [str(p) for p in schema_usage(s, "migrator")["outreach"]] == [
        "migrator -[grant]-> USAGE on outreach",
        "migrator -[owner]-> USAGE on outreach",
    ]


def test_sequence_and_function_access() -> None:
    s = snap(
        relations=[
            RelationInfo(
                "outreach",
                "people_id_seq",
                5,
                "S",
                "migrator",
                acl=[
                    *owner_acl("migrator", ["SELECT", "UPDATE", "USAGE"]),
                    AclItem("ui_reader", "migrator", "UPDATE"),
                ],
            )
        ],
        functions=[
            FunctionInfo(
                "outreach",
                "purge",
                9,
                "",
                "migrator",
                True,
                "plpgsql",
                "f",
                acl=[AclItem(PUBLIC, "migrator", "EXECUTE"), AclItem("migrator", "migrator", "EXECUTE")],
            )
        ],
    )
    seq = sequence_access(s, roles=["ui_reader"])
    assert seq.privileges("ui_reader", "outreach.people_id_seq") == {"UPDATE"}
    fx = function_execute(s, roles=["cl_writer"])
    (p,) = fx.cell("cl_writer", "outreach.purge()").paths["EXECUTE"]
    assert p.via == "public"


def test_effective_state_speaks_the_policy_shape() -> None:
    from ownaudit.policy.model import Database, Policy

    s = snap()
    s.relations[0].acl.append(AclItem("ui_reader", "migrator", "SELECT"))
    s.relations[0].rls_enabled = True
    s.policies = [PolicyInfo("outreach.people", "read_all", "SELECT", True, [PUBLIC])]
    policy = Policy(
        path="p.yaml", digest="", version=1, database=Database("Marketing DB"), hubs={}, roles={}, schemas={}
    )
    state = effective_state(s, policy)
    assert state.kind == "catalog"
    assert state.matrix.privileges("ui_reader", "outreach.people") == {Privilege.SELECT}
    assert state.table_owners["outreach.people"] == "migrator"
    assert state.rls["outreach.people"].enabled
    assert state.rls["outreach.people"].policies[0].roles == ("public",)
