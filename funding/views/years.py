"""The funding overview, funding years, budget lines and spending."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.exports import csv_response
from partnership.once import once
from partnership.permissions import require, school_ids_for
from schools.models import School

from .. import services
from ..balances import ZERO, pennies, year_summary, years_summary
from ..forms import (
    BudgetLineForm,
    FundingSettingsForm,
    FundingYearForm,
    PlannedAmountForm,
    SpendingForm,
    VoidForm,
    add_service_error,
)
from ..models import (
    BudgetLine,
    Contribution,
    ContributionRound,
    FundingSettings,
    FundingYear,
    Grant,
    Payment,
    SpendingEntry,
)
from ..rules import can_manage_funding, can_read_all_funding, can_see_funding


def year_for(request, pk) -> FundingYear:
    year = get_object_or_404(FundingYear.objects.for_user(request.user).select_related("partnership"), pk=pk)
    use_partnership(request, year.partnership)
    return year


@login_required
def overview(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_see_funding(request.user, partnership))
    if can_read_all_funding(request.user, partnership):
        years = list(FundingYear.objects.filter(partnership=partnership))
        summaries = years_summary([y.pk for y in years])
        return render(
            request,
            "funding/overview.html",
            {
                "partnership": partnership,
                "rows": [(year, summaries[year.pk]) for year in years],
                "held_grants": Grant.objects.filter(partnership=partnership).held().select_related("funding_year"),
                "can_manage": can_manage_funding(request.user, partnership),
            },
        )
    # A headteacher: their own school's (or schools') contributions and payments.
    school_ids = school_ids_for(request.user, partnership)
    contributions = list(
        Contribution.objects.for_user(request.user)
        .filter(round__partnership=partnership, school_id__in=school_ids, is_current=True)
        .select_related("round__funding_year")
        .order_by("-round__funding_year__start", "school_name")
    )
    totals = {
        (row["round_id"], row["school_id"]): pennies(row["total"])
        for row in Payment.objects.filter(round__partnership=partnership, school_id__in=school_ids)
        .values("round_id", "school_id")
        .annotate(total=Sum("amount"))
    }
    rows = [(c, totals.get((c.round_id, c.school_id), ZERO)) for c in contributions]
    payments = (
        Payment.objects.for_user(request.user)
        .filter(round__partnership=partnership, school_id__in=school_ids)
        .select_related("round", "school")
    )
    return render(
        request,
        "funding/head_overview.html",
        {
            "partnership": partnership,
            "rows": [(c, p, c.amount - p) for c, p in rows],
            "payments": payments,
            "schools": School.objects.filter(pk__in=school_ids),
        },
    )


@login_required
def year_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_read_all_funding(request.user, partnership))
    can_manage = can_manage_funding(request.user, partnership)
    funding_settings = FundingSettings.for_partnership(partnership)
    form = FundingYearForm()
    settings_form = FundingSettingsForm(initial={"year_start_month": funding_settings.year_start_month})
    if request.method == "POST":
        require(can_manage)
        if "year_start_month" in request.POST:
            settings_form = FundingSettingsForm(request.POST)
            if settings_form.is_valid():
                services.set_year_start_month(
                    partnership=partnership, month=settings_form.cleaned_data["year_start_month"], actor=request.user
                )
                messages.success(request, "New funding years will start in the month you chose.")
                return redirect("funding:year_list", partnership.slug)
        else:
            form = FundingYearForm(request.POST)
            if form.is_valid():
                try:
                    year = services.create_funding_year(
                        partnership=partnership, start_year=form.cleaned_data["start_year"], actor=request.user
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    messages.success(request, f"{year} added.")
                    return redirect(year)
    years = list(FundingYear.objects.filter(partnership=partnership))
    summaries = years_summary([y.pk for y in years])
    return render(
        request,
        "funding/year_list.html",
        {
            "partnership": partnership,
            "rows": [(year, summaries[year.pk]) for year in years],
            "form": form,
            "settings_form": settings_form,
            "funding_settings": funding_settings,
            "can_manage": can_manage,
        },
    )


@login_required
def year_detail(request, pk):
    year = year_for(request, pk)
    require(can_read_all_funding(request.user, year.partnership))
    return render(request, "funding/year_detail.html", _year_context(request, year))


def _year_context(request, year, **forms) -> dict:
    partnership = year.partnership
    return {
        "partnership": partnership,
        "year": year,
        "summary": year_summary(year),
        "rounds": ContributionRound.objects.filter(funding_year=year),
        "grants": Grant.objects.filter(funding_year=year).select_related("school"),
        "can_manage": can_manage_funding(request.user, partnership),
        "budget_form": forms.get("budget_form") or BudgetLineForm(),
    }


@login_required
@require_POST
def year_close(request, pk):
    year = year_for(request, pk)
    require(can_manage_funding(request.user, year.partnership))
    if request.POST.get("action") == "reopen":
        services.reopen_funding_year(year=year, actor=request.user)
        messages.success(request, f"{year} reopened.")
    else:
        services.close_funding_year(year=year, actor=request.user)
        messages.success(request, f"{year} closed: nothing more can be recorded in it until it is reopened.")
    return redirect(year)


@login_required
@require_POST
@once
def budget_line_add(request, pk):
    year = year_for(request, pk)
    require(can_manage_funding(request.user, year.partnership))
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        try:
            line = services.add_budget_line(funding_year=year, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Budget line “{line}” added.")
            return redirect(year)
    return render(request, "funding/year_detail.html", _year_context(request, year, budget_form=form))


@login_required
@require_POST
def budget_line_edit(request, pk):
    line = get_object_or_404(
        BudgetLine.objects.filter(funding_year__in=FundingYear.objects.for_user(request.user)).select_related(
            "funding_year__partnership"
        ),
        pk=pk,
    )
    year = line.funding_year
    use_partnership(request, year.partnership)
    require(can_manage_funding(request.user, year.partnership))
    form = PlannedAmountForm(request.POST)
    if form.is_valid():
        try:
            services.update_budget_line(
                line=line, planned_amount=form.cleaned_data["planned_amount"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Planned amount for “{line}” changed.")
    else:
        messages.error(request, f"The planned amount for “{line}” was not changed: {form.errors['planned_amount'][0]}")
    return redirect(year)


def member_schools(partnership):
    return School.objects.filter(partnership_memberships__partnership=partnership).distinct().order_by("name")


@login_required
@once
def spending_list(request, pk):
    year = year_for(request, pk)
    partnership = year.partnership
    require(can_read_all_funding(request.user, partnership))
    can_manage = can_manage_funding(request.user, partnership)
    form = SpendingForm(schools=member_schools(partnership))
    if request.method == "POST":
        require(can_manage)
        form = SpendingForm(request.POST, schools=member_schools(partnership))
        if form.is_valid():
            try:
                entry = services.record_spending(partnership=partnership, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if entry.budget_line.funding_year_id != year.pk:
                    messages.success(request, f"Spending recorded in {entry.budget_line.funding_year}.")
                else:
                    messages.success(request, "Spending recorded.")
                return redirect("funding:spending_list", year.pk)
    entries = Paginator(
        SpendingEntry.objects.filter(budget_line__funding_year=year).select_related("budget_line", "school"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/spending_list.html",
        {
            "partnership": partnership,
            "year": year,
            "entries": entries,
            "summary": year_summary(year),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
@once
def spending_void(request, pk):
    entry = get_object_or_404(
        SpendingEntry.objects.filter(
            budget_line__funding_year__in=FundingYear.objects.for_user(request.user)
        ).select_related("budget_line__funding_year__partnership"),
        pk=pk,
    )
    year = entry.budget_line.funding_year
    use_partnership(request, year.partnership)
    require(can_manage_funding(request.user, year.partnership))
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the spending is being voided.")
    else:
        try:
            services.void_spending_entry(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{entry.description}” voided; it stays on record but no longer counts.")
    return redirect("funding:spending_list", year.pk)


@login_required
def spending_csv(request, pk):
    year = year_for(request, pk)
    require(can_read_all_funding(request.user, year.partnership))
    entries = (
        SpendingEntry.objects.filter(budget_line__funding_year=year)
        .select_related("budget_line", "school")
        .order_by("spent_on", "pk")
    )
    header = ["Date", "Category", "Budget line", "Description", "Supplier", "School", "Amount", "Void", "Reference"]
    rows = [
        [
            entry.spent_on,
            entry.get_category_display(),
            entry.budget_line.name,
            entry.description,
            entry.supplier,
            entry.school.name if entry.school else "",
            entry.amount,
            f"Void: {entry.void_reason}" if entry.is_void else "",
            entry.source_ref,
        ]
        for entry in entries
    ]
    return csv_response(f"spending-{year.label}.csv", [header, *rows])
