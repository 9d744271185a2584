"""The schools section of the termly report: members, pupils, joiners and leavers."""

from django.db.models import Q

from .models import PartnershipMembership, School


def schools_section(partnership, term) -> dict:
    """Three queries whatever the number of schools."""
    members = list(
        School.objects.in_partnership(partnership, term.end)
        .with_pupils_on(term.end)
        .order_by("name", "pk")
        .values("name", "urn", "phase", "type_of_establishment", "pupils_on_day")
    )
    moves = list(
        PartnershipMembership.objects.filter(partnership=partnership)
        .filter(
            Q(joined_on__range=(term.start, term.end))
            | Q(left_on__range=(term.start, term.end))
            | Q(notice_given_on__range=(term.start, term.end))
        )
        .select_related("school")
        .order_by("school__name")
    )
    joiners = [
        {"name": m.school.name, "urn": m.school.urn, "on": m.joined_on}
        for m in moves
        if term.start <= m.joined_on <= term.end
    ]
    leavers = [
        {"name": m.school.name, "urn": m.school.urn, "on": m.left_on, "notice": m.notice_given_on}
        for m in moves
        if m.left_on and term.start <= m.left_on <= term.end
    ]
    notices = [
        {"name": m.school.name, "urn": m.school.urn, "on": m.notice_given_on, "leaves": m.left_on}
        for m in moves
        if m.notice_given_on
        and term.start <= m.notice_given_on <= term.end
        and not (m.left_on and m.left_on <= term.end)
    ]
    by_phase: dict[str, dict] = {}
    for school in members:
        phase = school["phase"] or "Not recorded"
        row = by_phase.setdefault(phase, {"phase": phase, "schools": 0, "pupils": 0})
        row["schools"] += 1
        row["pupils"] += school["pupils_on_day"] or 0
    phases = sorted(by_phase.values(), key=lambda row: -row["pupils"])
    total_pupils = sum(row["pupils"] for row in phases)
    return {
        "on": term.end,
        "school_count": len(members),
        "total_pupils": total_pupils,
        "without_count": sum(1 for school in members if school["pupils_on_day"] is None),
        "schools": members,
        "phases": phases,
        "joiners": joiners,
        "leavers": leavers,
        "notices": notices,
        "charts": (
            [
                {
                    "title": "Pupils by phase",
                    "unit": "count",
                    "labels": [row["phase"] for row in phases],
                    "series": [{"name": "Pupils", "values": [row["pupils"] for row in phases]}],
                }
            ]
            if phases
            else []
        ),
    }


def schools_csv(data: dict) -> dict[str, list[list]]:
    return {
        "schools.csv": [
            ["URN", "School", "Phase", "Type", f"Pupils at {data['on']:%d %B %Y}"],
            *[
                [
                    s["urn"],
                    s["name"],
                    s["phase"],
                    s["type_of_establishment"],
                    "" if s["pupils_on_day"] is None else s["pupils_on_day"],
                ]
                for s in data["schools"]
            ],
        ],
        "membership_changes.csv": [
            ["URN", "School", "Change", "Date"],
            *[[j["urn"], j["name"], "joined", j["on"].isoformat()] for j in data["joiners"]],
            *[[n["urn"], n["name"], "gave notice", n["on"].isoformat()] for n in data["notices"]],
            *[[leaver["urn"], leaver["name"], "left", leaver["on"].isoformat()] for leaver in data["leavers"]],
        ],
    }
