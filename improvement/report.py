"""The improvement section of the termly report: plan progress by priority, support
agreements opened, active and closed with their impact, peer reviews done and survey
results. A fixed number of queries, however many schools, priorities or responses."""

from django.db.models import Count, Q

from .models import (
    FollowUpAction,
    PeerReview,
    Priority,
    PriorityUpdate,
    Question,
    Rag,
    SupportAgreement,
    Survey,
    SurveyRecipient,
)
from .summaries import response_rates, summarise

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "": "Not reviewed"}


def improvement_section(partnership, term) -> dict:
    start, end = term.start, term.end
    priorities = list(
        Priority.objects.filter(plan__partnership=partnership, plan__starts_on__lte=end, plan__ends_on__gte=start)
        .select_related("plan", "lead")
        .order_by("plan__starts_on", "plan_id", "position", "pk")
    )
    latest: dict[int, PriorityUpdate] = {}
    for update in PriorityUpdate.objects.filter(priority__in=[p.pk for p in priorities], reviewed_on__lte=end).order_by(
        "reviewed_on", "pk"
    ):
        latest[update.priority_id] = update
    plan_rows = []
    for priority in priorities:
        update = latest.get(priority.pk)
        plan_rows.append(
            {
                "plan": priority.plan.title,
                "approved_on": priority.plan.approved_on,
                "priority": priority.title,
                "lead": priority.lead.full_name if priority.lead_id else "",
                "target": priority.target,
                "rag": update.rag if update else "",
                "rag_label": RAG_LABELS[update.rag if update else ""],
                "reviewed_on": update.reviewed_on if update else None,
                "commentary": update.commentary if update else "",
                "reviewed_this_term": bool(update and update.reviewed_on >= start),
            }
        )

    agreements = list(
        SupportAgreement.objects.filter(partnership=partnership, starts_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .select_related("receiving_school", "supporting_school")
        .order_by("starts_on", "pk")
    )
    support_rows = [
        {
            "receiving": a.receiving_school.name,
            "supporting": a.supporting_school.name,
            "starts_on": a.starts_on,
            "days": a.days,
            "cost": a.total_cost,
            "target": a.target,
            "state": "Closed"
            if a.closed_on and a.closed_on <= end
            else ("Opened" if a.starts_on >= start else "Active"),
            "target_met": a.get_target_met_display() if a.closed_on and a.closed_on <= end else "",
            "evaluation": a.evaluation if a.closed_on and a.closed_on <= end else "",
        }
        for a in agreements
    ]
    support_counts = {
        "opened": sum(1 for a in agreements if a.starts_on >= start),
        "active": sum(1 for a in agreements if not (a.closed_on and a.closed_on <= end)),
        "closed": sum(1 for a in agreements if a.closed_on and a.closed_on <= end),
    }

    reviews = list(
        PeerReview.objects.filter(group__round__partnership=partnership, reported_on__range=(start, end))
        .values("school__name", "group__round__name", "group__name", "reported_on", "focus")
        .order_by("reported_on", "school__name")
    )
    actions = FollowUpAction.objects.filter(
        review__group__round__partnership=partnership, review__reported_on__lte=end
    ).aggregate(total=Count("pk"), done=Count("pk", filter=Q(status=FollowUpAction.Status.DONE)))

    surveys = list(
        Survey.objects.filter(partnership=partnership, sent_at__date__range=(start, end)).order_by("sent_at")
    )
    survey_ids = [s.pk for s in surveys]
    rates = response_rates(survey_ids)
    questions: dict[int, list] = {pk: [] for pk in survey_ids}
    for question in Question.objects.filter(survey_id__in=survey_ids):
        questions[question.survey_id].append(question)
    answers: dict[int, list] = {pk: [] for pk in survey_ids}
    for survey_id, given in SurveyRecipient.objects.filter(
        survey_id__in=survey_ids, responded_at__isnull=False
    ).values_list("survey_id", "answers"):
        answers[survey_id].append(given)
    survey_rows = []
    for survey in surveys:
        summaries = [s for s in summarise(questions[survey.pk], answers[survey.pk]) if s["kind"] != Question.Kind.TEXT]
        survey_rows.append(
            {
                "title": survey.title,
                "sent_on": survey.sent_at.date(),
                "invited": rates[survey.pk]["invited"],
                "responded": rates[survey.pk]["responded"],
                "rate": rates[survey.pk]["rate"],
                "summaries": summaries,
            }
        )

    charts = []
    if plan_rows:
        counts = {key: sum(1 for row in plan_rows if row["rag"] == key) for key in ("green", "amber", "red", "")}
        charts.append(
            {
                "title": "Plan priorities by RAG status at the end of term",
                "unit": "count",
                "labels": [RAG_LABELS[k] for k in counts],
                "series": [{"name": "Priorities", "values": list(counts.values())}],
            }
        )
    if agreements:
        charts.append(
            {
                "title": "School-to-school support agreements",
                "unit": "count",
                "labels": ["Opened", "Active at end of term", "Closed"],
                "series": [
                    {
                        "name": "Agreements",
                        "values": [support_counts["opened"], support_counts["active"], support_counts["closed"]],
                    }
                ],
            }
        )
    return {
        "has_activity": bool(plan_rows or agreements or reviews or surveys),
        "plan_rows": plan_rows,
        "rags": [c for c in Rag.values],
        "support_rows": support_rows,
        "support_counts": support_counts,
        "support_cost": sum((row["cost"] for row in support_rows), start=0),
        "reviews": reviews,
        "actions_total": actions["total"],
        "actions_done": actions["done"],
        "surveys": survey_rows,
        "charts": charts,
    }


def improvement_csv(data) -> dict[str, list[list]]:
    return {
        "plan_priorities.csv": [["Plan", "Priority", "Lead", "Target", "RAG", "Reviewed on", "Commentary"]]
        + [
            [r["plan"], r["priority"], r["lead"], r["target"], r["rag_label"], r["reviewed_on"] or "", r["commentary"]]
            for r in data["plan_rows"]
        ],
        "support_agreements.csv": [
            ["Receiving school", "Supporting school", "Starts", "Days", "Cost", "State", "Target met"]
        ]
        + [
            [r["receiving"], r["supporting"], r["starts_on"], r["days"], r["cost"], r["state"], r["target_met"]]
            for r in data["support_rows"]
        ],
        "surveys.csv": [["Survey", "Sent on", "Invited", "Responded", "Response rate (%)"]]
        + [[s["title"], s["sent_on"], s["invited"], s["responded"], s["rate"]] for s in data["surveys"]],
    }


def register() -> None:
    from partnership.registry import ReportSection, register_report_section

    register_report_section(
        ReportSection(
            key="improvement",
            title="School improvement",
            template="improvement/report_section.html",
            data=improvement_section,
            order=50,
            csv_tables=improvement_csv,
        )
    )
