"""The governance section of the termly report: a fixed number of queries per term."""

from django.db.models import Count, Q
from django.utils import timezone

from .models import Action, Committee, Decision, Meeting


def governance_section(partnership, term) -> dict:
    in_term = Q(starts_at__date__gte=term.start, starts_at__date__lte=term.end)
    held = Meeting.objects.filter(in_term, committee__partnership=partnership, status=Meeting.Status.HELD)
    per_committee = {
        row["committee_id"]: row["meetings"]
        for row in held.values("committee_id").annotate(meetings=Count("pk")).order_by()
    }
    committees = list(
        Committee.objects.filter(partnership=partnership, established_on__lte=term.end)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=term.start))
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=term.start))  # a time-limited committee that had ended
        .values("pk", "name", "kind")
        .order_by("name")
    )
    kinds = dict(Committee.Kind.choices)
    rows = [
        {"name": c["name"], "kind": kinds[c["kind"]], "meetings": per_committee.get(c["pk"], 0)} for c in committees
    ]
    decisions = list(
        Decision.objects.filter(item__meeting__in=held, item__is_confidential=False)
        .values(
            "motion",
            "is_carried",
            "votes_for",
            "votes_against",
            "abstentions",
            "item__meeting__committee__name",
            "item__meeting__starts_at",
        )
        .order_by("item__meeting__starts_at", "pk")
    )
    actions = Action.objects.filter(meeting__committee__partnership=partnership, meeting__starts_at__date__lte=term.end)
    open_counts = actions.aggregate(
        open=Count("pk", filter=Q(status=Action.Status.OPEN)),
        overdue=Count("pk", filter=Q(status=Action.Status.OPEN, due_on__lt=min(timezone.localdate(), term.end))),
        raised=Count("pk", filter=Q(meeting__starts_at__date__gte=term.start)),
    )
    return {
        "committees": rows,
        "meetings_held": sum(per_committee.values()),
        "not_met": [row["name"] for row in rows if not row["meetings"]],
        "decisions": [
            {
                "committee": d["item__meeting__committee__name"],
                "date": d["item__meeting__starts_at"].date(),
                "motion": d["motion"],
                "outcome": "Carried" if d["is_carried"] else "Not carried",
                "votes": f"{d['votes_for']}–{d['votes_against']}–{d['abstentions']}",
            }
            for d in decisions
        ],
        "decisions_carried": sum(1 for d in decisions if d["is_carried"]),
        "open_actions": open_counts["open"],
        "overdue_actions": open_counts["overdue"],
        "actions_raised": open_counts["raised"],
        "charts": [
            {
                "title": "Committee meetings held this term",
                "unit": "count",
                "labels": [row["name"] for row in rows],
                "series": [{"name": "Meetings", "values": [row["meetings"] for row in rows]}],
            }
        ]
        if rows
        else [],
    }


def governance_csv(data: dict) -> dict[str, list[list]]:
    return {
        "committee_meetings.csv": [["Committee", "Kind", "Meetings held"]]
        + [[row["name"], row["kind"], row["meetings"]] for row in data["committees"]],
        "committee_decisions.csv": [["Committee", "Date", "Motion", "Outcome", "For–against–abstain"]]
        + [[d["committee"], d["date"].isoformat(), d["motion"], d["outcome"], d["votes"]] for d in data["decisions"]],
    }
