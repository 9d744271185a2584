"""Survey figures shared by the survey pages, the CSV export and the termly report."""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from .models import Question, SurveyRecipient


def percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def response_rates(survey_ids) -> dict[int, dict]:
    """Per survey: totals and a row per school (one query for any number of surveys)."""
    rows = (
        SurveyRecipient.objects.filter(survey_id__in=survey_ids)
        .values("survey_id", "school_id", "school__name")
        .annotate(invited=Count("pk"), responded=Count("pk", filter=Q(responded_at__isnull=False)))
        .order_by("survey_id", "school__name")
    )
    rates: dict[int, dict] = {pk: {"invited": 0, "responded": 0, "schools": []} for pk in survey_ids}
    for row in rows:
        entry = rates[row["survey_id"]]
        entry["invited"] += row["invited"]
        entry["responded"] += row["responded"]
        entry["schools"].append(
            {
                "name": row["school__name"] or "No school",
                "invited": row["invited"],
                "responded": row["responded"],
                "rate": percent(row["responded"], row["invited"]),
            }
        )
    for entry in rates.values():
        entry["rate"] = percent(entry["responded"], entry["invited"])
    return rates


def summarise(questions, answer_sets) -> list[dict]:
    """One summary per question from the responses' answer dicts."""
    summaries = []
    for question in questions:
        values = [answers.get(str(question.pk)) for answers in answer_sets]
        values = [v for v in values if v not in (None, "")]
        summary = {"question": question.text, "kind": question.kind, "answered": len(values)}
        if question.kind == Question.Kind.RATING:
            counts = Counter(int(v) for v in values)
            summary["distribution"] = [{"label": str(n), "count": counts.get(n, 0)} for n in range(1, 6)]
            summary["average"] = (
                (Decimal(sum(int(v) for v in values)) / len(values)).quantize(Decimal("0.1")) if values else None
            )
        elif question.kind == Question.Kind.CHOICE:
            counts = Counter(values)
            summary["distribution"] = [{"label": c, "count": counts.get(c, 0)} for c in question.choice_list]
        else:
            summary["texts"] = values
        summaries.append(summary)
    return summaries
