"""Django models of the outreach hub that reference CL's models (crm/models.py)."""
from django.conf import settings
from django.db import models

from crm.models import Company


class Target(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, db_column="company_unique_id")
    state = models.ForeignKey("crm.Lifecycle", models.DB_CASCADE)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True)  # one table

    class Meta:
        db_table = '"outreach"."company_target"'


class Lifecycle(models.Model):
    class Meta:
        db_table = "cl.lifecycle_state"


class Person(models.Model):
    target = models.OneToOneField(Target, on_delete=models.CASCADE)  # inside the hub
    company = models.ForeignKey(to="Company", on_delete=models.CASCADE)  # ORM-emulated: the constraint is NO ACTION
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)  # auth_user

    class Meta:
        db_table = "outreach.people"
