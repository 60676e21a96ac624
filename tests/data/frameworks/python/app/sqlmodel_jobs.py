from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlmodel import Field, Session, SQLModel

db = SQLAlchemy()


class Lifecycle_State(SQLModel, table=True):
    __table_args__ = {"schema": "cl"}
    id: Optional[int] = Field(default=None, primary_key=True)


class PeopleView(SQLModel):  # not a table: no table=True
    id: int


class MergeRecord(db.Model):
    __tablename__ = "merge_records"
    __table_args__ = {"schema": "cl"}


def go(session: Session) -> None:
    session.add(Lifecycle_State(id=1))
    session.add(PeopleView(id=1))
    MergeRecord.query.filter_by(id=1).delete()
    db.session.merge(MergeRecord(id=2))
