from django.db.models import Count, Sum, Window

from .models import School

PANEL_ROWS = 20  # a large partnership shows the first twenty and links to the full list


def schools_panel(request, partnership):
    # One query: the first rows, each carrying the totals over all member schools (window
    # aggregates are computed before the LIMIT).
    rows = list(
        School.objects.in_partnership(partnership)
        .annotate(all_pupils=Window(Sum("number_of_pupils")), all_schools=Window(Count("pk")))
        .order_by("name", "pk")
        .values("pk", "name", "urn", "phase", "type_of_establishment", "number_of_pupils", "all_pupils", "all_schools")[
            : PANEL_ROWS + 1
        ]
    )
    return {
        "partnership": partnership,
        "schools": rows[:PANEL_ROWS],
        "more": len(rows) > PANEL_ROWS,
        "total_pupils": (rows[0]["all_pupils"] or 0) if rows else 0,
        "school_count": rows[0]["all_schools"] if rows else 0,
    }
