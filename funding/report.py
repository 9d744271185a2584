"""The funding section of the termly report: contributions due, paid and outstanding per
school, and income and spending against budget, for the funding year the term ends in."""

from django.db.models import Sum

from .balances import ZERO, pennies, years_summary
from .models import Contribution, ContributionRound, FundingYear, Payment, SpendingEntry


def funding_section(partnership, term) -> dict:
    """A fixed number of queries (seven), however many schools, payments or entries."""
    year = (
        FundingYear.objects.filter(partnership=partnership, start__lte=term.end, end__gte=term.start)
        .order_by("-start")
        .first()
    )
    if year is None:
        return {"year": None, "message": "No funding year covers this term.", "charts": []}
    due_rows = (
        Contribution.objects.filter(
            round__funding_year=year, round__status=ContributionRound.Status.ISSUED, is_current=True
        )
        .values("school_id", "school_name", "urn")
        .annotate(due=Sum("amount"))
        .order_by("school_name")
    )
    paid = {
        row["school_id"]: pennies(row["paid"])
        for row in Payment.objects.filter(round__funding_year=year, paid_on__lte=term.end)
        .values("school_id")
        .annotate(paid=Sum("amount"))
    }
    schools = [
        {
            "name": row["school_name"],
            "urn": row["urn"],
            "due": pennies(row["due"]),
            "paid": paid.get(row["school_id"], ZERO),
            "outstanding": pennies(row["due"]) - paid.get(row["school_id"], ZERO),
        }
        for row in due_rows
    ]
    summary = years_summary([year.pk], until=term.end, with_lines=True)[year.pk]
    spent_in_term = (
        SpendingEntry.objects.live()
        .filter(budget_line__funding_year=year, spent_on__range=(term.start, term.end))
        .aggregate(total=Sum("amount"))
    )
    lines = [
        {
            "name": line.line.name,
            "category": line.line.get_category_display(),
            "planned": line.line.planned_amount,
            "spent": line.spent,
            "remaining": line.remaining,
        }
        for line in summary.lines
    ]
    charts = []
    if schools:
        charts.append(
            {
                "title": f"Contributions due and paid by {term.end:%-d %B %Y}, by school",
                "unit": "money",
                "labels": [s["name"] for s in schools],
                "series": [
                    {"name": "Due", "values": [float(s["due"]) for s in schools]},
                    {"name": "Paid", "values": [float(s["paid"]) for s in schools]},
                ],
            }
        )
    if lines:
        charts.append(
            {
                "title": "Spending against budget",
                "unit": "money",
                "labels": [line["name"] for line in lines],
                "series": [
                    {"name": "Planned", "values": [float(line["planned"]) for line in lines]},
                    {"name": "Spent", "values": [float(line["spent"]) for line in lines]},
                ],
            }
        )
    return {
        "year": {"label": year.label, "start": year.start, "end": year.end, "is_closed": year.is_closed},
        "as_of": term.end,
        "schools": schools,
        "totals": {
            "due": sum((s["due"] for s in schools), ZERO),
            "paid": sum((s["paid"] for s in schools), ZERO),
            "outstanding": sum((s["outstanding"] for s in schools), ZERO),
        },
        "income": {
            "contributions_paid": summary.contributions_paid,
            "grants_released": summary.grants_released,
            "grants_held": summary.grants_held,
            "total": summary.income,
        },
        "budget": {
            "lines": lines,
            "planned": summary.planned,
            "spent": summary.spent,
            "remaining": summary.remaining_budget,
        },
        "spent_in_term": pennies(spent_in_term["total"]),
        "balance": summary.balance,
        "charts": charts,
    }


def funding_csv(data: dict) -> dict[str, list[list]]:
    if not data.get("year"):
        return {}
    return {
        "contributions.csv": [["URN", "School", "Due", "Paid", "Outstanding"]]
        + [[s["urn"], s["name"], s["due"], s["paid"], s["outstanding"]] for s in data["schools"]],
        "budget.csv": [["Budget line", "Category", "Planned", "Spent", "Remaining"]]
        + [
            [
                line["name"],
                line["category"],
                line["planned"],
                line["spent"],
                line["remaining"],
            ]
            for line in data["budget"]["lines"]
        ],
    }


def register() -> None:
    from partnership.registry import ReportSection, register_report_section

    register_report_section(
        ReportSection(
            key="funding",
            title="Funding",
            template="funding/report_section.html",
            data=funding_section,
            order=30,
            csv_tables=funding_csv,
        )
    )
