from tortoise import fields
from tortoise.models import Model


class Company(Model):
    id = fields.CharField(pk=True, max_length=64)

    class Meta:
        table = "company_identity"
        schema = "cl"


class Target(Model):
    company = fields.ForeignKeyField("models.Company", on_delete=fields.CASCADE, source_field="company_unique_id")

    class Meta:
        table = "company_target"
        schema = "outreach"


async def sync(cid: str) -> None:
    await Company.filter(id=cid).update(name="x")
    await Target.create(company_id=cid)  # own table
    c = await Company.get(id=cid)
    await c.delete()
    await Company.all()  # a read
    await Company.bulk_create([Company(id="a")])
