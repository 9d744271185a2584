from django.db.models import Count, Sum

from .models import School


def schools_panel(request, partnership):
    schools = School.objects.in_partnership(partnership).order_by("name")
    rows = list(schools.values("pk", "name", "urn", "phase", "type_of_establishment", "number_of_pupils"))
    totals = schools.aggregate(pupils=Sum("number_of_pupils"), schools=Count("pk"))
    return {"schools": rows, "total_pupils": totals["pupils"] or 0, "school_count": totals["schools"]}
