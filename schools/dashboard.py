from django.db.models import Count, Sum

from .models import School

PANEL_ROWS = 20  # a large partnership shows the first twenty and links to the full list


def schools_panel(request, partnership):
    schools = School.objects.in_partnership(partnership)
    rows = list(
        schools.order_by("name", "pk").values(
            "pk", "name", "urn", "phase", "type_of_establishment", "number_of_pupils"
        )[: PANEL_ROWS + 1]
    )
    totals = schools.aggregate(pupils=Sum("number_of_pupils"), schools=Count("pk"))
    return {
        "partnership": partnership,
        "schools": rows[:PANEL_ROWS],
        "more": len(rows) > PANEL_ROWS,
        "total_pupils": totals["pupils"] or 0,
        "school_count": totals["schools"],
    }
