import records
from databases import Database

from app.models import lifecycle

database = Database("postgresql://localhost/app")
db = records.Database("postgresql://localhost/app")


async def touch(cid: str) -> None:
    await database.execute(query="UPDATE cl.company_identity SET name = :n WHERE id = :id", values={"n": "x", "id": cid})
    await database.execute(lifecycle.delete())  # a SQLAlchemy Core table object
    await database.fetch_all(query="SELECT * FROM cl.company_identity")  # a read
    db.query("DELETE FROM cl.merge_records WHERE id = :id", id=cid)
