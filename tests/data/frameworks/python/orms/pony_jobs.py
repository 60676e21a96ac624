from pony.orm import Database, PrimaryKey, Required, db_session

db = Database()


class Lifecycle(db.Entity):
    _table_ = ("cl", "lifecycle_state")
    id = PrimaryKey(int)
    state = Required(str)


class Person(db.Entity):
    _table_ = "outreach.people"
    id = PrimaryKey(int)


@db_session
def advance(pid: int) -> None:
    Lifecycle(id=pid, state="new")
    Person(id=pid)  # own table
    row = Lifecycle.get(id=pid)
    row.set(state="done")
    Lifecycle.select(lambda r: r.state == "x").delete(bulk=True)
    Lifecycle.select().count()  # a read
