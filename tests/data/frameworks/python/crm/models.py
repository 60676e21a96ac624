from django.db import models

class Company(models.Model):
    name = models.TextField()
    class Meta:
        db_table = '"cl"."company_identity"'

class Person(models.Model):
    class Meta:
        db_table = 'outreach"."people'

class Note(models.Model):
    pass
