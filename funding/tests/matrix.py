"""Permission matrix rows for every funding URL (collected by partnership/tests/test_permission_matrix.py).

Coordinators manage; LA officers read everything but write nothing (403); a headteacher
reads and confirms their own school's statement only: another school's statement is 404,
as it is for staff and clerks, who have no funding pages (403 on partnership pages)."""

from partnership.tests.matrix import Case, only, statuses

READERS = ("coordinator", "la_officer")


def _funding(world):
    from .factories import build_funding

    if getattr(world, "_funding", None) is None:
        world._funding = build_funding(world)
    return world._funding


def _slug(world):
    return [world.partnership.slug]


def _year(world):
    return [_funding(world).year.pk]


def _formula(world):
    return [_funding(world).formula.pk]


def _round(world):
    return [_funding(world).round.pk]


def _statement(world):
    return [_funding(world).round.pk, world.school.pk]


def _budget_line(world):
    return [_funding(world).entry.budget_line_id]


def _entry(world):
    return [_funding(world).entry.pk]


def _payment(world):
    from datetime import date
    from decimal import Decimal

    from funding import services

    funding = _funding(world)
    payment = services.record_payment(
        contribution_round=funding.round,
        school=world.school,
        amount=Decimal("50.00"),
        paid_on=date(2026, 5, 1),
        reference="BACS 50",
        actor=world.user("coordinator"),
    )
    return [payment.pk]


def _grant(world):
    return [_funding(world).grant.pk]


def _weighting(world):
    from funding.models import FormulaWeighting

    weighting = FormulaWeighting.objects.create(
        formula=_funding(world).formula, kind="phase", phase="Secondary", weight=1
    )
    return [weighting.pk]


def _done_statement(world):
    from funding.models import StatementJob
    from partnership.pdf import save_private_file

    stored, sha256, size = save_private_file("funding/statements/test.pdf", b"%PDF-1.7 test")
    job = StatementJob.objects.create(
        contribution=_funding(world).contribution, status="done", file_name=stored, sha256=sha256, size=size
    )
    return [job.pk]


def _round_data(world):
    funding = _funding(world)
    return {
        "name": "Second round",
        "funding_year": funding.year.pk,
        "formula": funding.formula.pk,
        "census_date": "2026-01-15",
        "members_on": "2026-04-01",
    }


def _agreed_pupil_count(world):
    """A figure the partnership agreed: each role tries to remove a fresh one."""
    import datetime

    from schools.models import AgreedPupilCount

    agreed = AgreedPupilCount.objects.create(
        partnership=world.partnership, school=world.school, pupils=400, applies_from=datetime.date(2026, 1, 15)
    )
    return [agreed.pk]


def _agreed_data(world):
    return {"school": world.school.pk, "pupils": 380, "applies_from": "2026-01-15", "note": "Unit closed"}


# A headteacher sees their own school's statement; everyone else without a full view: 404.
OWN_STATEMENT = statuses(404, anonymous=302, head=200, la_officer=200, coordinator=200)

CASES = [
    Case("funding:overview", only("coordinator", "la_officer", "head", "other_head"), args=_slug),
    Case("funding:year_list", only(*READERS), args=_slug),
    Case(
        "funding:year_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"start_year": 2031},
        label="add",
    ),
    Case(
        "funding:year_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"year_start_month": 9},
        label="settings",
    ),
    Case("funding:formula_list", only(*READERS), args=_slug),
    Case(
        "funding:formula_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"name": "Per pupil only", "mode": "fixed_rates", "lump_sum": "0", "per_pupil_rate": "12.50"},
        label="add",
    ),
    Case("funding:round_list", only(*READERS), args=_slug),
    Case("funding:round_list", only("coordinator", ok=302), args=_slug, method="post", data=_round_data, label="add"),
    Case("funding:pupil_numbers", only(*READERS), args=_slug),
    Case(
        "funding:pupil_numbers",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=_agreed_data,
        label="agree",
    ),
    Case("funding:agreed_remove", only("coordinator", ok=302), args=_agreed_pupil_count, method="post"),
    Case("funding:grant_list", only(*READERS), args=_slug),
    Case(
        "funding:grant_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {
            "name": "Partnership premium",
            "kind": "partnership_premium",
            "funding_year": _funding(w).year.pk,
            "amount": "1000.00",
            "condition": "none",
            "received_on": "2026-05-01",
        },
        label="add",
    ),
    Case(
        "funding:condition_met",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"condition": "heads_of_agreement_signed", "met_on": "2026-05-01"},
    ),
    Case("funding:year_detail", only(*READERS), args=_year),
    Case("funding:year_close", only("coordinator", ok=302), args=_year, method="post"),
    Case(
        "funding:budget_line_add",
        only("coordinator", ok=302),
        args=_year,
        method="post",
        data=lambda w: {"category": "cpd", "name": "CPD", "planned_amount": "500.00"},
    ),
    Case("funding:spending_list", only(*READERS), args=_year),
    Case(
        "funding:spending_list",
        only("coordinator", ok=302),
        args=_year,
        method="post",
        data=lambda w: {
            "category": "supply_cover",
            "amount": "90.00",
            "spent_on": "2026-06-02",
            "description": "Cover",
        },
        label="add",
    ),
    Case("funding:spending_csv", only(*READERS), args=_year),
    Case(
        "funding:budget_line_edit",
        only("coordinator", ok=302),
        args=_budget_line,
        method="post",
        data=lambda w: {"planned_amount": "2000.00"},
    ),
    Case(
        "funding:spending_void",
        only("coordinator", ok=302),
        args=_entry,
        method="post",
        data=lambda w: {"reason": "Entered twice"},
    ),
    Case("funding:formula_detail", only(*READERS), args=_formula),
    Case(
        "funding:formula_detail",
        only("coordinator", ok=302),
        args=_formula,
        method="post",
        data=lambda w: {"name": "Renamed", "mode": "fixed_total", "lump_sum": "400.00", "total": "9000.00"},
        label="edit",
    ),
    Case(
        "funding:weighting_add",
        only("coordinator", ok=302),
        args=_formula,
        method="post",
        data=lambda w: {"kind": "size_band", "min_pupils": 0, "max_pupils": 100, "weight": "1.5"},
    ),
    Case("funding:weighting_delete", only("coordinator", ok=302), args=_weighting, method="post"),
    Case("funding:round_detail", only(*READERS), args=_round),
    Case("funding:round_issue", only("coordinator", ok=302), args=_round, method="post"),
    Case("funding:round_csv", only(*READERS), args=_round),
    # The fixture's round is issued, so the coordinator is told it cannot be discarded (and sent back).
    Case("funding:round_discard", only("coordinator", ok=302), args=_round, method="post"),
    Case("funding:statement", OWN_STATEMENT, args=_statement),
    Case(
        "funding:confirm",
        statuses(404, anonymous=302, head=302, la_officer=403, coordinator=403),
        args=_statement,
        method="post",
    ),
    Case("funding:amend", statuses(404, anonymous=302, head=403, la_officer=403, coordinator=200), args=_statement),
    Case(
        "funding:amend",
        statuses(404, anonymous=302, head=403, la_officer=403, coordinator=302),
        args=_statement,
        method="post",
        data=lambda w: {"amount": "4000.00", "reason": "Agreed reduction"},
        label="save",
    ),
    Case(
        "funding:payment_add",
        statuses(404, anonymous=302, head=403, la_officer=403, coordinator=302),
        args=_statement,
        method="post",
        data=lambda w: {"amount": "100.00", "paid_on": "2026-06-01", "reference": "BACS 1"},
    ),
    Case(
        "funding:statement_pdf",
        statuses(404, anonymous=302, head=302, la_officer=403, coordinator=302),
        args=_statement,
        method="post",
    ),
    Case("funding:statement_download", OWN_STATEMENT, args=_done_statement),
    Case(
        "funding:payment_reverse",
        statuses(404, anonymous=302, head=403, la_officer=403, coordinator=302),
        args=_payment,
        method="post",
        data=lambda w: {"reason": "Recorded against the wrong school"},
    ),
    Case(
        "funding:grant_release",
        only("coordinator", ok=302),
        args=_grant,
        method="post",
        data=lambda w: {"released_on": "2026-06-01", "note": "Match confirmed by letter"},
    ),
]
