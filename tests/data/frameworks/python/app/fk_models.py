"""Models of the outreach hub that reference CL's tables (SQLAlchemy declarative, Core and SQLModel)."""
import sqlalchemy as sa
from sqlalchemy import ForeignKey, ForeignKeyConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlmodel import Field, SQLModel

from app.models import Base, Company
from app.settings import CL_SCHEMA


class Target(Base):
    __tablename__ = "company_target"
    __table_args__ = {"schema": "outreach"}

    id: Mapped[int] = mapped_column(primary_key=True)
    company_unique_id: Mapped[str] = mapped_column(
        ForeignKey("cl.company_identity.company_unique_id", ondelete="RESTRICT")  # declared, as declared
    )
    lifecycle_id = sa.Column("lifecycle_ref", sa.Integer, ForeignKey(f"{CL_SCHEMA}.lifecycle_state.id", ondelete="CASCADE"))
    notes: Mapped[str] = mapped_column(sa.Text)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        ForeignKeyConstraint(["company_id"], ["cl.company_identity.id"], ondelete="SET NULL"),
        {"schema": "outreach"},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("outreach.company_target.id", ondelete="CASCADE"))  # one hub


class Cl(Base):
    __tablename__ = "merge_records"
    __table_args__ = {"schema": "cl"}

    company_id = mapped_column(ForeignKey("cl.company_identity.id", ondelete="CASCADE"))  # inside CL: not ours to judge


target_history = sa.Table(
    "company_target",
    sa.MetaData(),
    sa.Column("company_unique_id", sa.Text, sa.ForeignKey(Company.id, ondelete="NO ACTION")),
    schema="outreach",
)


class TargetModel(SQLModel, table=True):
    __tablename__ = "company_target"
    __table_args__ = {"schema": "outreach"}

    id: int = Field(primary_key=True)
    company_unique_id: str = Field(foreign_key="cl.company_identity.company_unique_id", ondelete="CASCADE")


class ClBase(Base):
    __abstract__ = True
    __table_args__ = {"schema": CL_SCHEMA}


class MergeRecord(ClBase):
    __tablename__ = "merge_records"  # schema cl from the base class's __table_args__
