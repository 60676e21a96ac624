from piccolo.columns import ForeignKey, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class MergeRecord(Table, tablename="merge_records", schema="cl"):
    note = Varchar()


class People(Table, schema="outreach"):
    merge = ForeignKey(references=MergeRecord)  # CASCADE by default
    name = Varchar()


class CompanyTarget(Table, schema="outreach"):
    merge = ForeignKey(references=MergeRecord, on_delete=OnDelete.no_action)


async def run() -> None:
    await MergeRecord.update({MergeRecord.note: "x"}).where(MergeRecord.id == 1)
    await People.insert(People(name="y"))  # own table
    await MergeRecord.objects().create(note="z")
    await MergeRecord.select()  # a read
    await MergeRecord.delete().where(MergeRecord.id == 2)
