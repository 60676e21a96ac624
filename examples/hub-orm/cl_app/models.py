"""ORM models: CL's own tables, and Outreach's campaigns, which CL may only read."""

import sqlalchemy as sa
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cl_app.settings import CL_SCHEMA, OUTREACH_SCHEMA


class Base(DeclarativeBase):
    pass


class CompanyIdentity(Base):
    __tablename__ = "company_identity"
    __table_args__ = {"schema": CL_SCHEMA}

    company_id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]


class LifecycleState(Base):
    __tablename__ = "lifecycle_state"
    __table_args__ = (sa.Index("ix_state"), {"schema": CL_SCHEMA})

    company_id: Mapped[str] = mapped_column(ForeignKey(f"{CL_SCHEMA}.company_identity.company_id"), primary_key=True)
    stage: Mapped[str]
    # the Outreach target working the company: a key into another hub's table, dropped to NULL when it goes
    target_id: Mapped[str | None] = mapped_column(
        ForeignKey(f"{OUTREACH_SCHEMA}.company_target.target_id", ondelete="SET NULL")
    )


class OutreachCampaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = {"schema": OUTREACH_SCHEMA}

    campaign_id: Mapped[str] = mapped_column(primary_key=True)
    company_id: Mapped[str]
    status: Mapped[str]
