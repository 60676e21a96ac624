from crm.models import Company, Person, Note

def touch(request):
    Company.objects.filter(id=1).update(name="x")
    Person.objects.create(name="y")
    c = Company(name="z")
    c.save()
    Company.objects.get(id=2).delete()
    Note.objects.bulk_create([])
    list(Company.objects.all())
