"""Payments, corrections, grants and spending: each leaves a trace, balances equal the sum
of their entries, and bad input gets a clear message and writes nothing."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding import services
from funding.balances import round_balances, year_summary
from funding.models import (
    BudgetLine,
    Contribution,
    ContributionRound,
    Grant,
    GrantCondition,
    Payment,
    SpendingEntry,
)
from funding.tests.factories import FormulaFactory, FundingYearFactory
from partnership.models import AuditEntry
from partnership.tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_partial_full_and_over_payments_leave_a_trace_and_balances_are_the_sum_of_payments(world, funding):
    coordinator = world.user("coordinator")
    due = funding.contribution.amount
    services.record_payment(
        contribution_round=funding.round,
        school=world.school,
        amount=D("100.00"),
        paid_on=date(2026, 5, 1),
        reference="BACS 1",
        actor=coordinator,
    )
    row = round_balances(funding.round, school_ids=[world.school.pk]).rows[0]
    assert row.paid == D("100.00") and row.outstanding == due - D("100.00") and row.status == "Part paid"
    services.record_payment(
        contribution_round=funding.round,
        school=world.school,
        amount=due - D("100.00"),
        paid_on=date(2026, 5, 2),
        reference="BACS 2",
        actor=coordinator,
    )
    row = round_balances(funding.round, school_ids=[world.school.pk]).rows[0]
    assert row.outstanding == 0 and row.status == "Paid"
    services.record_payment(
        contribution_round=funding.round,
        school=world.school,
        amount=D("5.00"),
        paid_on=date(2026, 5, 3),
        reference="BACS 3",
        actor=coordinator,
    )
    balances = round_balances(funding.round)
    row = next(r for r in balances.rows if r.contribution.school_id == world.school.pk)
    assert row.outstanding == D("-5.00") and row.status == "Overpaid"
    assert balances.paid == sum(p.amount for p in Payment.objects.filter(round=funding.round))
    assert balances.in_credit == D("5.00")
    assert balances.outstanding == funding.other_contribution.amount
    trail = AuditEntry.objects.filter(verb="funding.payment.recorded").order_by("at")
    assert [e.data["reference"] for e in trail] == ["BACS 1", "BACS 2", "BACS 3"]
    assert trail.last().data["outstanding_after"] == "-5.00"
    assert Payment.history.filter(history_type="+").count() == 3


def test_an_amendment_is_a_new_version_with_a_reason_and_the_old_one_is_kept(world, funding, client):
    coordinator = world.user("coordinator")
    services.confirm_contribution(contribution=funding.contribution, actor=world.user("head"))
    amended = services.amend_contribution(
        contribution=funding.contribution, amount=D("4000.00"), reason="Agreed at May heads' meeting", actor=coordinator
    )
    versions = Contribution.objects.filter(round=funding.round, school=world.school).order_by("version")
    assert [(v.version, v.is_current, v.amount) for v in versions] == [
        (1, False, funding.contribution.amount),
        (2, True, D("4000.00")),
    ]
    assert amended.confirmed_at is None  # the head is asked to confirm the new figure
    assert amended.calculated_amount == funding.contribution.calculated_amount
    entry = AuditEntry.objects.get(verb="funding.contribution.amended")
    assert entry.data["from"] == str(funding.contribution.amount) and entry.data["to"] == "4000.00"
    assert round_balances(funding.round).due == D("4000.00") + funding.other_contribution.amount
    client.force_login(world.user("head"))
    html = client.get(reverse("funding:statement", args=[funding.round.pk, world.school.pk])).content.decode()
    assert "Agreed at May heads&#x27; meeting" in html and "£4,000.00" in html
    assert "Confirm this contribution" in html


def test_a_headteacher_confirms_their_own_statement_but_never_sees_another_schools(world, funding, client):
    client.force_login(world.user("head"))
    url = reverse("funding:confirm", args=[funding.round.pk, world.school.pk])
    assert client.post(url).status_code == 302
    funding.contribution.refresh_from_db()
    assert funding.contribution.confirmed_by == world.user("head")
    assert AuditEntry.objects.filter(verb="funding.contribution.confirmed").count() == 1
    other = reverse("funding:statement", args=[funding.round.pk, world.other_school.pk])
    assert client.get(other).status_code == 404
    assert client.post(reverse("funding:confirm", args=[funding.round.pk, world.other_school.pk])).status_code == 404
    overview = client.get(reverse("funding:overview", args=["winsford"])).content.decode()
    assert "Darnhall Primary School" in overview and "Grange Primary School" not in overview


def test_a_headteacher_sees_nothing_of_a_draft_round(world, client):
    year = FundingYearFactory(partnership=world.partnership)
    formula = FormulaFactory(partnership=world.partnership)
    draft = services.create_round(
        partnership=world.partnership,
        funding_year=year,
        formula=formula,
        census_date=date(2026, 1, 15),
        members_on=date(2026, 4, 1),
        name="Draft",
        actor=world.user("coordinator"),
    )
    client.force_login(world.user("head"))
    assert client.get(reverse("funding:statement", args=[draft.pk, world.school.pk])).status_code == 404


def test_start_up_money_and_the_years_funding_wait_for_their_conditions(world, funding):
    coordinator = world.user("coordinator")
    common = {"partnership": world.partnership, "funding_year": funding.year, "actor": coordinator}
    with pytest.raises(ValidationError, match="Start-up funding is released only when the business plan approved"):
        services.add_grant(name="Start-up", kind=Grant.Kind.START_UP, amount=D("20000.00"), **common)
    with pytest.raises(ValidationError, match="heads of agreement signed: choose that condition"):
        services.add_grant(
            name="Year", kind=Grant.Kind.YEAR_FUNDING, amount=D("9000.00"),
            condition=GrantCondition.MANUAL, condition_detail="When we feel like it", **common,
        )  # fmt: skip
    assert not Grant.objects.filter(name__in=["Start-up", "Year"]).exists()


def test_releasing_grants_for_a_condition_leaves_a_trace_and_is_harmless_twice(world, funding):
    coordinator = world.user("coordinator")
    start_up = services.add_grant(
        partnership=world.partnership,
        funding_year=funding.year,
        name="Start-up money",
        kind=Grant.Kind.START_UP,
        amount=D("20000.00"),
        condition=GrantCondition.BUSINESS_PLAN_APPROVED,
        actor=coordinator,
    )
    agreement = services.add_grant(
        partnership=world.partnership,
        funding_year=funding.year,
        name="Year funding",
        amount=D("5000.00"),
        condition=GrantCondition.HEADS_OF_AGREEMENT_SIGNED,
        actor=coordinator,
    )
    assert year_summary(funding.year).grants_held == D("28000.00")  # with the factory's manual grant
    released = services.release_grants_for_condition(
        partnership=world.partnership,
        condition=GrantCondition.BUSINESS_PLAN_APPROVED,
        actor=coordinator,
        on_date=date(2026, 6, 1),
    )
    assert released == [start_up]
    start_up.refresh_from_db()
    agreement.refresh_from_db()
    assert start_up.released_on == date(2026, 6, 1) and agreement.is_held
    assert not services.release_grants_for_condition(
        partnership=world.partnership,
        condition=GrantCondition.BUSINESS_PLAN_APPROVED,
        actor=coordinator,
        on_date=date(2026, 7, 1),
    )
    start_up.refresh_from_db()
    assert start_up.released_on == date(2026, 6, 1)
    summary = year_summary(funding.year)
    assert summary.grants_released == D("20000.00") and summary.grants_held == D("8000.00")
    assert AuditEntry.objects.filter(verb="funding.grant.released", target_id=str(start_up.pk)).count() == 1
    assert start_up.history.count() == 2


def test_the_grants_page_shows_what_is_held_back_and_why(world, funding, client):
    client.force_login(world.user("la_officer"))
    html = client.get(reverse("funding:grant_list", args=["winsford"])).content.decode()
    assert "Local match funding" in html and "When the LA confirms its match" in html
    assert "Record a grant" not in html  # LA officers read only


def test_record_spending_files_in_the_year_and_line_of_the_category_and_is_idempotent(world, funding):
    coordinator = world.user("coordinator")
    assert not BudgetLine.objects.filter(funding_year=funding.year, category="cpd").exists()
    entry = services.record_spending(
        partnership=world.partnership,
        category="cpd",
        amount=D("450.00"),
        spent_on=date(2026, 10, 3),
        description="Joint SENCO training",
        source_ref="cpd.event:7",
        actor=coordinator,
    )
    line = entry.budget_line
    assert line.funding_year == funding.year and line.category == "cpd" and line.planned_amount == D("0.00")
    again = services.record_spending(
        partnership=world.partnership,
        category="cpd",
        amount=D("450.00"),
        spent_on=date(2026, 10, 3),
        description="Joint SENCO training",
        source_ref="cpd.event:7",
        actor=coordinator,
    )
    assert again.pk == entry.pk and SpendingEntry.objects.filter(source_ref="cpd.event:7").count() == 1
    summary = year_summary(funding.year)
    assert summary.spent == D("1650.00")  # with the factory's £1,200.00
    assert summary.balance == summary.income - summary.spent
    services.void_spending(source_ref="cpd.event:7", actor=coordinator, reason="Event cancelled")
    services.void_spending(source_ref="cpd.event:7", actor=coordinator, reason="Event cancelled")
    assert year_summary(funding.year).spent == D("1200.00")
    verbs = list(AuditEntry.objects.filter(verb__startswith="funding.spending").values_list("verb", flat=True))
    assert sorted(verbs) == ["funding.spending.recorded", "funding.spending.recorded", "funding.spending.voided"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"amount": D("-5.00")}, "cannot be negative"),
        ({"amount": D("0")}, "more than £0.00"),
        ({"amount": D("1.005")}, "two decimal places"),
        ({"category": "biscuits"}, "not a spending category"),
        ({"spent_on": date(2030, 1, 1)}, "No funding year covers 1 January 2030"),
        ({"description": " "}, "Describe what the money was spent on"),
    ],
)
def test_record_spending_refuses_bad_input_and_writes_nothing(world, funding, changes, message):
    before = (SpendingEntry.objects.count(), BudgetLine.objects.count(), AuditEntry.objects.count())
    arguments = {
        "partnership": world.partnership,
        "category": "supply_cover",
        "amount": D("10.00"),
        "spent_on": date(2026, 6, 1),
        "description": "Cover",
        "actor": world.user("coordinator"),
        **changes,
    }
    with pytest.raises(ValidationError, match=message):
        services.record_spending(**arguments)
    assert (SpendingEntry.objects.count(), BudgetLine.objects.count(), AuditEntry.objects.count()) == before


def test_a_closed_year_refuses_payments_spending_and_grant_releases(world, funding, client):
    coordinator = world.user("coordinator")
    services.close_funding_year(year=funding.year, actor=coordinator)
    payments = Payment.objects.count()
    with pytest.raises(ValidationError, match="is closed"):
        services.record_payment(
            contribution_round=funding.round,
            school=world.school,
            amount=D("10.00"),
            paid_on=date(2026, 6, 1),
            reference="X",
            actor=coordinator,
        )
    with pytest.raises(ValidationError, match="is closed"):
        services.record_spending(
            partnership=world.partnership,
            category="other",
            amount=D("10.00"),
            spent_on=date(2026, 6, 1),
            description="Late invoice",
            actor=coordinator,
        )
    client.force_login(coordinator)
    response = client.post(
        reverse("funding:payment_add", args=[funding.round.pk, world.school.pk]),
        {"amount": "10.00", "paid_on": "2026-06-01", "reference": "BACS 9"},
    )
    assert response.status_code == 200
    assert "Funding year 2026/27 is closed, so a payment cannot be recorded in it" in response.content.decode()
    assert Payment.objects.count() == payments
    response = client.post(
        reverse("funding:grant_release", args=[funding.grant.pk]),
        {"released_on": "2026-06-01", "note": "Letter"},
        follow=True,
    )
    assert "is closed" in response.content.decode()
    funding.grant.refresh_from_db()
    assert funding.grant.is_held


def test_a_negative_payment_is_refused_with_a_clear_message_and_nothing_is_written(world, funding, client):
    client.force_login(world.user("coordinator"))
    audit = AuditEntry.objects.count()
    response = client.post(
        reverse("funding:payment_add", args=[funding.round.pk, world.school.pk]),
        {"amount": "-50.00", "paid_on": "2026-06-01", "reference": "BACS 9"},
    )
    assert response.status_code == 200
    assert "Enter an amount of at least £0.01." in response.content.decode()
    assert not Payment.objects.exists() and AuditEntry.objects.count() == audit


def test_a_formula_that_cannot_meet_its_total_is_refused_and_no_round_is_made(world, client):
    year = FundingYearFactory(partnership=world.partnership)
    formula = FormulaFactory(partnership=world.partnership, lump_sum=D("500.00"), total=D("900.00"))
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("funding:round_list", args=["winsford"]),
        {
            "name": "Too little",
            "funding_year": year.pk,
            "formula": formula.pk,
            "census_date": "2026-01-15",
            "members_on": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert (
        "The total of £900.00 cannot be met: the lump sums and floors alone come to £1,000.00"
        in response.content.decode()
    )
    assert not ContributionRound.objects.exists() and not Contribution.objects.exists()


def test_a_round_with_no_member_schools_is_refused_and_writes_nothing(world):
    empty = PartnershipFactory(slug="empty")
    year = FundingYearFactory(partnership=empty)
    formula = FormulaFactory(partnership=empty)
    with pytest.raises(ValidationError, match="No schools were members of"):
        services.create_round(
            partnership=empty,
            funding_year=year,
            formula=formula,
            census_date=date(2026, 1, 15),
            members_on=date(2026, 4, 1),
            name="Nobody",
            actor=world.user("coordinator"),
        )
    assert (
        not ContributionRound.objects.exists() and not AuditEntry.objects.filter(verb="funding.round.created").exists()
    )


def test_negative_amounts_are_refused_everywhere_with_a_clear_message(world, funding):
    coordinator = world.user("coordinator")
    with pytest.raises(ValidationError, match="grant amount cannot be negative"):
        services.add_grant(
            partnership=world.partnership, funding_year=funding.year, name="G", amount=D("-1"), actor=coordinator
        )
    with pytest.raises(ValidationError, match="planned amount cannot be negative"):
        services.add_budget_line(
            funding_year=funding.year, category="cpd", name="CPD", planned_amount=D("-1"), actor=coordinator
        )
    with pytest.raises(ValidationError, match="amended amount cannot be negative"):
        services.amend_contribution(contribution=funding.contribution, amount=D("-1"), reason="x", actor=coordinator)
    with pytest.raises(ValidationError, match="payment cannot be negative"):
        services.record_payment(
            contribution_round=funding.round,
            school=world.school,
            amount=D("-1"),
            paid_on=date(2026, 5, 1),
            reference="R",
            actor=coordinator,
        )
    assert Grant.objects.count() == 1 and not Payment.objects.exists()


def test_funding_years_follow_the_partnerships_start_month_and_may_not_overlap(world):
    coordinator = world.user("coordinator")
    year = services.create_funding_year(partnership=world.partnership, start_year=2026, actor=coordinator)
    assert (year.label, year.start, year.end) == ("2026/27", date(2026, 4, 1), date(2027, 3, 31))
    services.set_year_start_month(partnership=world.partnership, month=9, actor=coordinator)
    with pytest.raises(ValidationError, match="already covers part of these dates"):
        services.create_funding_year(partnership=world.partnership, start_year=2026, actor=coordinator)
    later = services.create_funding_year(partnership=world.partnership, start_year=2027, actor=coordinator)
    assert (later.start, later.end) == (date(2027, 9, 1), date(2028, 8, 31))


def test_the_round_csv_lists_every_school_with_its_working(world, funding, client):
    client.force_login(world.user("la_officer"))
    response = client.get(reverse("funding:round_csv", args=[funding.round.pk]))
    rows = [line.split(",") for line in response.content.decode("utf-8-sig").strip().splitlines()]
    assert rows[0][:3] == ["URN", "School", "Pupils"]
    assert {row[1] for row in rows[1:]} == {"Darnhall Primary School", "Grange Primary School"}
    assert sum(D(row[12]) for row in rows[1:]) == D("10000.00")


def test_a_statement_pdf_is_made_by_the_task_and_only_its_readers_can_download_it(
    world, funding, client, django_capture_on_commit_callbacks
):
    import subprocess

    from funding.models import StatementJob
    from partnership.pdf import private_storage

    client.force_login(world.user("head"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funding:statement_pdf", args=[funding.round.pk, world.school.pk]))
    job = StatementJob.objects.get()
    assert job.status == "done" and job.size > 1000
    pdf = private_storage().path(job.file_name)
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "Darnhall Primary School" in text and f"£{funding.contribution.amount:,.2f}" in text
    assert "Rounding adjustment" in text
    download = reverse("funding:statement_download", args=[job.pk])
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(world.user("other_head"))
    assert client.get(download).status_code == 404


def test_a_payment_recorded_in_error_is_reversed_by_a_new_entry_and_the_balance_follows(world, funding, client):
    coordinator = world.user("coordinator")
    payment = services.record_payment(
        contribution_round=funding.round,
        school=world.school,
        amount=D("500.00"),
        paid_on=date(2026, 5, 1),
        reference="BACS 7",
        actor=coordinator,
    )
    client.force_login(coordinator)
    client.post(reverse("funding:payment_reverse", args=[payment.pk]), {"reason": "Paid by Grange, not Darnhall"})
    reversal = Payment.objects.get(reverses=payment)
    assert reversal.amount == D("-500.00") and reversal.reference == "Reversal of BACS 7"
    row = round_balances(funding.round, school_ids=[world.school.pk]).rows[0]
    assert row.paid == D("0.00") == sum(p.amount for p in Payment.objects.filter(school=world.school))
    assert row.outstanding == funding.contribution.amount
    entry = AuditEntry.objects.get(verb="funding.payment.reversed")
    assert entry.data["reason"] == "Paid by Grange, not Darnhall" and entry.data["reference"] == "BACS 7"
    with pytest.raises(ValidationError, match="already been reversed"):
        services.reverse_payment(payment=payment, reason="Again", actor=coordinator)
    with pytest.raises(ValidationError, match="itself a reversal"):
        services.reverse_payment(payment=reversal, reason="Undo", actor=coordinator)
    html = client.get(reverse("funding:statement", args=[funding.round.pk, world.school.pk])).content.decode()
    assert "Reversal of BACS 7" in html and "−£500.00" in html and "Reversed" in html


def test_a_payment_dated_in_the_future_is_refused(world, funding):
    from django.utils import timezone

    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        services.record_payment(
            contribution_round=funding.round,
            school=world.school,
            amount=D("1.00"),
            paid_on=timezone.localdate().replace(year=timezone.localdate().year + 1),
            reference="Early",
            actor=world.user("coordinator"),
        )
    assert not Payment.objects.exists()


def test_a_statement_job_left_running_by_a_dead_worker_is_queued_and_rendered_again(
    world, funding, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from funding.models import StatementJob
    from funding.tasks import requeue_stale_statement_jobs

    stuck = StatementJob.objects.create(
        contribution=funding.contribution, status="running", started_at=timezone.now() - timedelta(hours=1)
    )
    fresh = StatementJob.objects.create(contribution=funding.contribution, status="running", started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale_statement_jobs() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == "done" and stuck.file_name  # tasks run inline in tests
    assert fresh.status == "running"


def test_a_draft_round_can_be_discarded_but_an_issued_one_cannot(world, funding, client):
    draft = services.create_round(
        partnership=world.partnership,
        funding_year=funding.year,
        formula=funding.formula,
        census_date=date(2026, 1, 15),
        members_on=date(2026, 4, 1),
        name="Wrong census date",
        actor=world.user("coordinator"),
    )
    client.force_login(world.user("coordinator"))
    client.post(reverse("funding:round_discard", args=[draft.pk]))
    assert not ContributionRound.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.get(verb="funding.round.discarded").data["total"] == "10000.00"
    response = client.post(reverse("funding:round_discard", args=[funding.round.pk]), follow=True)
    assert "An issued round cannot be discarded" in response.content.decode()
    assert ContributionRound.objects.filter(pk=funding.round.pk).exists()


def test_the_round_csv_defuses_a_formula_in_a_school_name_and_writes_an_overpayment_as_a_number(world, funding, client):
    Contribution.objects.filter(pk=funding.contribution.pk).update(school_name='=HYPERLINK("http://evil.example")')
    services.record_payment(
        contribution_round=funding.round,
        school=world.school,
        amount=funding.contribution.amount + D("100.00"),
        paid_on=date(2026, 5, 1),
        reference="BACS 1",
        actor=world.user("coordinator"),
    )
    client.force_login(world.user("coordinator"))
    body = client.get(reverse("funding:round_csv", args=[funding.round.pk])).content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = {row[0]: row for row in csv.reader(io.StringIO(body.decode("utf-8-sig")))}
    darnhall = rows[str(funding.contribution.urn)]
    assert darnhall[1] == '\'=HYPERLINK("http://evil.example")'
    assert darnhall[16] == "-100.00"  # outstanding: in credit, a number a column sum adds


def test_the_spending_csv_defuses_formulas_and_keeps_accents_with_a_byte_order_mark(world, funding, client):
    services.record_spending(
        partnership=world.partnership,
        category=funding.entry.budget_line.category,
        amount=D("12.50"),
        spent_on=funding.entry.spent_on,
        description="@SUM(1+1) cover for Siân",
        supplier="+44 Supplies",
        actor=world.user("coordinator"),
    )
    client.force_login(world.user("coordinator"))
    response = client.get(reverse("funding:spending_csv", args=[funding.year.pk]))
    assert (
        response["Content-Disposition"] == f'attachment; filename="spending-{funding.year.label.replace("/", "-")}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    row = next(r for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) if "Siân" in r[3])
    assert row[3:5] == ["'@SUM(1+1) cover for Siân", "'+44 Supplies"] and row[6] == "12.50"
