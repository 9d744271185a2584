"""Demo data: Winsford's funding year, its common formula, a round for the fifteen
schools, payments, grants (start-up money held until the business plan is approved),
budget lines and spending."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from schools.models import PupilCount, School

from . import services
from .models import Formula, FormulaWeighting, FundingYear, GrantCondition, SpendingCategory

D = Decimal


def _financial_year_start(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def seed(partnership, accounts):
    coordinator = accounts["coordinator"]
    today = timezone.localdate()
    start_year = _financial_year_start(today)
    if FundingYear.objects.filter(partnership=partnership, start=date(start_year, 4, 1)).exists():
        return
    year = services.create_funding_year(partnership=partnership, start_year=start_year, actor=coordinator)
    formula = services.create_formula(
        partnership=partnership,
        actor=coordinator,
        name=f"Winsford common formula {year.label}",
        mode=Formula.Mode.FIXED_TOTAL,
        lump_sum=D("500.00"),
        total=D("60000.00"),
        special_school_weight=D("1.5"),
        floor=D("1500.00"),
        cap=D("12000.00"),
        notes="Agreed by the fifteen headteachers: a £500 lump sum each, the rest shared per pupil on the January "
        "census, special school pupils weighted 1.5 and the high school federation's pupils 0.8.",
    )
    services.add_weighting(
        formula=formula, kind=FormulaWeighting.Kind.PHASE, phase="Secondary", weight=D("0.8"), actor=coordinator
    )
    # The January census before the year starts.
    census = PupilCount.objects.filter(
        school__in=School.objects.in_partnership(partnership, day=date(start_year, 4, 1)),
        counted_on__lte=date(start_year, 3, 31),
    ).aggregate(latest=Max("counted_on"))["latest"] or date(start_year, 1, 15)
    contribution_round = services.create_round(
        partnership=partnership,
        funding_year=year,
        formula=formula,
        census_date=census,
        members_on=year.start,
        name=f"Contributions {year.label}",
        due_on=year.start + timedelta(days=90),
        actor=coordinator,
    )
    services.issue_round(contribution_round=contribution_round, actor=coordinator)
    contributions = list(contribution_round.contributions.filter(is_current=True).order_by("school_name"))
    # One correction: Leaf Lane's nursery places had been counted twice in the census return.
    for contribution in contributions:
        if contribution.school_name.startswith("Leaf Lane"):
            services.amend_contribution(
                contribution=contribution,
                amount=(contribution.amount - D("250.00")),
                reason="Nursery places were counted twice in the census return; the heads agreed a £250.00 reduction "
                "at their May meeting.",
                actor=coordinator,
            )
    contributions = list(contribution_round.contributions.filter(is_current=True).order_by("school_name"))
    paid_day = min(today, year.start + timedelta(days=75))
    for index, contribution in enumerate(contributions):
        if contribution.school_name.startswith("Darnhall"):
            # The demo headteacher can confirm and see a part payment.
            services.record_payment(
                contribution_round=contribution_round,
                school=contribution.school_id,
                amount=(contribution.amount / 2).quantize(D("0.01")),
                paid_on=paid_day,
                reference="BACS WEP-0001",
                note="First half, as agreed with the business manager.",
                actor=coordinator,
            )
            continue
        if index % 5 == 4:
            continue  # not paid yet
        amount = contribution.amount
        if index % 7 == 3:
            amount = (amount * D("0.6")).quantize(D("0.01"))  # part paid
        elif index == 1:
            amount = amount + D("100.00")  # over-paid: in credit
        services.record_payment(
            contribution_round=contribution_round,
            school=contribution.school_id,
            amount=amount,
            paid_on=paid_day - timedelta(days=index),
            reference=f"BACS WEP-{1000 + index}",
            actor=coordinator,
        )

    services.add_grant(
        partnership=partnership,
        funding_year=year,
        name="Partnership premium",
        kind="partnership_premium",
        funder="Cheshire West and Chester Council",
        amount=D("20000.00"),
        received_on=year.start + timedelta(days=30),
        actor=coordinator,
    )
    services.add_grant(
        partnership=partnership,
        funding_year=year,
        name="Start-up funding for the whole-town trust",
        kind="start_up",
        funder="Cheshire West and Chester Council",
        amount=D("15000.00"),
        condition=GrantCondition.BUSINESS_PLAN_APPROVED,
        actor=coordinator,
    )
    services.add_grant(
        partnership=partnership,
        funding_year=year,
        name="Inclusion directory development grant",
        kind="other",
        funder="Specialist Schools and Academies Trust",
        amount=D("4000.00"),
        condition=GrantCondition.MANUAL,
        condition_detail="Released when the inclusion directory's first edition is published.",
        actor=coordinator,
    )

    plan = [
        (SpendingCategory.COMMISSIONED_SERVICE, "External improvement partner", D("15000.00")),
        (SpendingCategory.CPD, "Whole-town INSET and the CPD programme", D("24000.00")),
        (SpendingCategory.SUPPLY_COVER, "Supply cover for network meetings", D("8000.00")),
        (SpendingCategory.INTENSIVE_SUPPORT, "Intensive support for schools causing concern", D("12000.00")),
        (SpendingCategory.STAFFING, "Partnership business manager (part-time)", D("18000.00")),
    ]
    for category, name, planned in plan:
        services.add_budget_line(
            funding_year=year, category=category, name=name, planned_amount=planned, actor=coordinator
        )
    schools = {s.name: s for s in School.objects.in_partnership(partnership, day=year.start)}
    spend = [
        (
            SpendingCategory.COMMISSIONED_SERVICE,
            D("3750.00"),
            40,
            "Improvement partner: summer term visits",
            "North West Learning Partners Ltd",
            None,
        ),
        (
            SpendingCategory.COMMISSIONED_SERVICE,
            D("3750.00"),
            160,
            "Improvement partner: autumn term visits",
            "North West Learning Partners Ltd",
            None,
        ),
        (
            SpendingCategory.CPD,
            D("6480.00"),
            150,
            "Whole-town INSET day: speakers and venue",
            "Winsford Lifestyle Centre",
            None,
        ),
        (
            SpendingCategory.SUPPLY_COVER,
            D("1890.00"),
            70,
            "Supply cover for the SENCO network",
            "Cheshire Supply Agency",
            None,
        ),
        (
            SpendingCategory.INTENSIVE_SUPPORT,
            D("4200.00"),
            120,
            "Literacy support programme",
            "",
            "Over Hall Community Primary School",
        ),
        (SpendingCategory.STAFFING, D("6000.00"), 90, "Business manager: April to June", "", None),
        (SpendingCategory.STAFFING, D("6000.00"), 182, "Business manager: July to September", "", None),
    ]
    for category, amount, days, description, supplier, school_name in spend:
        spent_on = min(today, year.start + timedelta(days=days))
        services.record_spending(
            partnership=partnership,
            category=category,
            amount=amount,
            spent_on=spent_on,
            description=description,
            supplier=supplier,
            school=schools.get(school_name) if school_name else None,
            source_ref=f"demo:funding:{description}",
            actor=coordinator,
        )
