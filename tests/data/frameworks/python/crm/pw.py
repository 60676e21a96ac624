from peewee import ForeignKeyField, Model, PostgresqlDatabase, TextField
db = PostgresqlDatabase("x")

class BaseModel(Model):
    class Meta:
        database = db

class Lifecycle(BaseModel):
    state = TextField()
    class Meta:
        table_name = "lifecycle_state"
        schema = "cl"

class People(BaseModel):
    class Meta:
        table_name = "people"
        schema = "outreach"

def go():
    Lifecycle.update(state="x").where(Lifecycle.id == 1).execute()
    People.insert(name="a").execute()
    Lifecycle.create(state="y")
    Lifecycle.select().where(Lifecycle.state == "x")


class Target(Model):
    company = ForeignKeyField(Lifecycle, on_delete="CASCADE", column_name="lifecycle_id")

    class Meta:
        table_name = "company_target"
        schema = "outreach"
