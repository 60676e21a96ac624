from django.db import migrations, models


def link_companies(apps, schema_editor):
    Company = apps.get_model("crm", "Company")  # crm/models.py: db_table "cl"."company_identity"
    Target = apps.get_model("crm", "Target")
    Company.objects.filter(outreach_pointer__isnull=True).update(outreach_pointer="pending")
    for t in Target.objects.all():  # a read
        t.save()


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Target",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("company", models.ForeignKey("crm.Company", on_delete=models.DB_CASCADE)),
                ("note", models.TextField()),
            ],
            options={"db_table": '"outreach"."company_target"'},
        ),
        migrations.AddField(
            model_name="company",
            name="outreach_flag",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(model_name="target", name="state", field=models.CharField(max_length=20)),
        migrations.AlterField(
            model_name="target",
            name="company",
            field=models.ForeignKey(to="crm.company", on_delete=models.PROTECT, db_column="company_unique_id"),
        ),
        migrations.RemoveField(model_name="company", name="legacy_code"),
        migrations.AddIndex(model_name="company", index=models.Index(fields=["name"], name="ci_name_ix")),
        migrations.DeleteModel(name="Note"),  # the default table outreach... crm_note, search path: outreach
        migrations.RunPython(link_companies, migrations.RunPython.noop),
    ]
