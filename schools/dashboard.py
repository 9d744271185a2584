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


def join_requests_panel(request, partnership):
    """Requests waiting for the user's decision, and this partnership's open proposals; hidden
    when there are none."""
    from .models import JoinRequest
    from .permissions import can_manage_schools

    to_decide = JoinRequest.objects.for_decider(request.user).pending().count()
    proposed = (
        JoinRequest.objects.pending().filter(partnership=partnership).count()
        if can_manage_schools(request.user, partnership)
        else 0
    )
    if not (to_decide or proposed):
        return None
    return {"to_decide": to_decide, "proposed": proposed}
