"""Link lifecycle history to outreach targets."""

import sqlalchemy as sa
from alembic import op

from cl_app.settings import CL_SCHEMA

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.add_column("merge_records", sa.Column("reason", sa.Text()), schema=CL_SCHEMA)
    op.create_foreign_key(
        "lifecycle_history_target_fk",
        "lifecycle_history",
        "company_target",
        ["target_id"],
        ["target_id"],
        source_schema=CL_SCHEMA,
        referent_schema="outreach",
        ondelete="CASCADE",
    )
    op.create_index("ix_history_company", "lifecycle_history", ["company_id"], schema=CL_SCHEMA)


def downgrade() -> None:
    op.drop_constraint("lifecycle_history_target_fk", "lifecycle_history", schema=CL_SCHEMA)
    op.drop_column("merge_records", "reason", schema=CL_SCHEMA)
