from sqlalchemy import insert, update, delete, select, text
from sqlalchemy.orm import Session
from app.models import Company, Person, lifecycle
from app import settings
from app.settings import CL_SCHEMA, TABLES

def sync(session: Session, rows):
    session.add(Person(name="x"))                        # own table: fine
    session.add(Company(name="x"))                       # cross-hub INSERT
    session.execute(update(Company).where(Company.id == 1).values(a=1))
    session.execute(insert(Person).values(name="y"))     # fine
    session.query(Company).filter_by(id=1).delete()
    session.execute(lifecycle.insert().values(id=1))
    c = session.get(Company, 1)
    session.delete(c)
    session.execute(select(Company))                     # read: fine
    session.execute(text(f"DELETE FROM {CL_SCHEMA}.merge_records"))
    session.execute(text("UPDATE {s}.lifecycle_state SET a = 1".format(s=settings.CL_SCHEMA)))
    for t in TABLES:
        session.execute(text(f"TRUNCATE {CL_SCHEMA}.{t}"))
    for t in ("people", "company_target"):
        session.execute(text("TRUNCATE outreach.%s" % t))
    session.execute(text("TRUNCATE %s" % rows))
    q = " ".join(["DELETE FROM", "cl.merge_records", "WHERE id = 1"])
    session.execute(text(q))


def merge(session: Session) -> None:
    from app.fk_models import MergeRecord

    session.add(MergeRecord())
