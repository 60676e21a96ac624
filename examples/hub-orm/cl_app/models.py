"""ORM models: CL's own tables, and Outreach's campaigns, which CL may only read."""

import sqlalchemy as sa
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

    company_id: Mapped[str] = mapped_column(primary_key=True)
    stage: Mapped[str]


class OutreachCampaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = {"schema": OUTREACH_SCHEMA}

    campaign_id: Mapped[str] = mapped_column(primary_key=True)
    company_id: Mapped[str]
    status: Mapped[str]
