"""add columns"""
from alembic import op
import sqlalchemy as sa

SCHEMA = "outreach"

def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("company_id", sa.Text, sa.ForeignKey("cl.company_identity.id", ondelete="CASCADE")),
        schema=SCHEMA,
    )
    op.add_column("company_identity", sa.Column("flag", sa.Boolean), schema="cl")
    op.add_column("people", sa.Column("flag", sa.Boolean), schema=SCHEMA)
    op.create_index("ix_people", "people", ["flag"], schema="outreach")
    op.drop_constraint("fk_x", "lifecycle_state", type_="foreignkey", schema="cl")
    op.create_foreign_key("fk_p", "people", "company_identity", ["cid"], ["id"],
                          source_schema="outreach", referent_schema="cl", ondelete="SET NULL")
    with op.batch_alter_table("merge_records", schema="cl") as batch_op:
        batch_op.drop_column("old")
    t = sa.table("company_identity", sa.column("id"), schema="cl")
    op.bulk_insert(t, [{"id": 1}])
    op.execute("UPDATE cl.lifecycle_state SET x = 1")
    op.get_bind().execute(sa.text("DELETE FROM cl.merge_records"))
