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
    """Requests waiting for the user's decision, and this partnership's open proposals (for
    its coordinators), counted in one query; hidden when there are none."""
    from django.db.models import Q

    from partnership.models import Role
    from partnership.permissions import grants, is_deployment_admin, school_ids_for

    from .models import JoinRequest
    from .permissions import can_manage_schools

    # Only heads, coordinators, LA officers and administrators can have any: others pay no query.
    may_have_some = (
        school_ids_for(request.user)
        or is_deployment_admin(request.user)
        or any(grant.role in {Role.COORDINATOR, Role.LA_OFFICER} for grant in grants(request.user))
    )
    if not may_have_some:
        return None
    decides = Q(pk__in=JoinRequest.objects.for_decider(request.user).values("pk"))
    proposes = Q(partnership=partnership) if can_manage_schools(request.user, partnership) else Q(pk__in=[])
    counts = (
        JoinRequest.objects.pending()
        .filter(decides | proposes)
        .aggregate(to_decide=Count("pk", filter=decides), proposed=Count("pk", filter=proposes))
    )
    if not (counts["to_decide"] or counts["proposed"]):
        return None
    return counts
