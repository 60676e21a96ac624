import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase
from app.settings import CL_SCHEMA

class Base(DeclarativeBase):
    pass

class Company(Base):
    __tablename__ = "company_identity"
    __table_args__ = {"schema": CL_SCHEMA}
    id = sa.Column(sa.Integer, primary_key=True)

class Person(Base):
    __tablename__ = "people"
    __table_args__ = (sa.Index("ix"), {"schema": "outreach"})

lifecycle = sa.Table("lifecycle_state", sa.MetaData(), sa.Column("id", sa.Integer), schema="cl")
