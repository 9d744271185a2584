"""Contribution rounds, each school's statement, amendments, confirmations and payments."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.exports import csv_response
from partnership.once import once
from partnership.pdf import private_storage
from partnership.permissions import require
from partnership.registry import registry

from .. import services
from ..balances import pennies, round_balances
from ..forms import AmendForm, PaymentForm, ReverseForm, RoundForm, add_service_error
from ..models import Contribution, ContributionRound, Payment, StatementJob
from ..rules import can_confirm, can_manage_funding, can_read_all_funding, can_request_statement


def round_for(request, pk) -> ContributionRound:
    contribution_round = get_object_or_404(
        ContributionRound.objects.for_user(request.user).select_related("partnership", "funding_year", "formula"), pk=pk
    )
    use_partnership(request, contribution_round.partnership)
    return contribution_round


def contribution_for(request, pk, school_pk) -> Contribution:
    """The current contribution, if the user may see it: 404 for everyone else, including
    the headteacher of another school."""
    contribution = get_object_or_404(
        Contribution.objects.for_user(request.user).select_related(
            "round__partnership", "round__funding_year", "school", "confirmed_by"
        ),
        round_id=pk,
        school_id=school_pk,
        is_current=True,
    )
    use_partnership(request, contribution.round.partnership)
    return contribution


@login_required
@once
def round_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_read_all_funding(request.user, partnership))
    can_manage = can_manage_funding(request.user, partnership)
    today = timezone.localdate()
    form = RoundForm(partnership=partnership, initial={"members_on": today})
    if request.method == "POST":
        require(can_manage)
        form = RoundForm(request.POST, partnership=partnership)
        if form.is_valid():
            try:
                contribution_round = services.create_round(
                    partnership=partnership, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{contribution_round} calculated as a draft. Check it, then issue it.")
                return redirect(contribution_round)
    rounds = ContributionRound.objects.filter(partnership=partnership).select_related("funding_year", "formula")
    return render(
        request,
        "funding/round_list.html",
        {"partnership": partnership, "rounds": rounds, "form": form, "can_manage": can_manage},
    )


@login_required
def round_detail(request, pk):
    contribution_round = round_for(request, pk)
    require(can_read_all_funding(request.user, contribution_round.partnership))
    return render(
        request,
        "funding/round_detail.html",
        {
            "partnership": contribution_round.partnership,
            "round": contribution_round,
            "balances": round_balances(contribution_round),
            "can_manage": can_manage_funding(request.user, contribution_round.partnership),
        },
    )


@login_required
@require_POST
@once
def round_issue(request, pk):
    contribution_round = round_for(request, pk)
    require(can_manage_funding(request.user, contribution_round.partnership))
    try:
        services.issue_round(contribution_round=contribution_round, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Round issued: headteachers can now see and confirm their statements.")
    return redirect(contribution_round)


@login_required
@require_POST
def round_discard(request, pk):
    contribution_round = round_for(request, pk)
    partnership = contribution_round.partnership
    require(can_manage_funding(request.user, partnership))
    try:
        services.discard_round(contribution_round=contribution_round, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(contribution_round)
    messages.success(request, f"Draft round “{contribution_round}” discarded.")
    return redirect("funding:round_list", partnership.slug)


@login_required
def round_csv(request, pk):
    contribution_round = round_for(request, pk)
    require(can_read_all_funding(request.user, contribution_round.partnership))
    header = [
        "URN",
        "School",
        "Pupils",
        "Pupils counted on",
        "Lump sum",
        "Per-pupil rate",
        "Weighting",
        "Weighted pupils",
        "Floor or cap",
        "Exact amount",
        "Rounding adjustment",
        "Calculated",
        "Due",
        "Version",
        "Amendment reason",
        "Paid",
        "Outstanding",
        "Confirmed",
    ]
    rows = [
        [
            c.urn,
            c.school_name,
            c.pupils,
            c.pupils_counted_on,
            c.lump_sum,
            c.per_pupil_rate,
            c.weight.normalize(),
            c.weighted_pupils.normalize(),
            c.limit_applied,
            c.exact_amount,
            c.rounding_adjustment,
            c.calculated_amount,
            c.amount,
            c.version,
            c.amendment_reason,
            pennies(row.paid),
            pennies(row.outstanding),
            c.confirmed_at.date() if c.confirmed_at else None,
        ]
        for row in round_balances(contribution_round).rows
        for c in [row.contribution]
    ]
    return csv_response(f"contributions-round-{contribution_round.pk}.csv", [header, *rows])


def _other_charges(partnership, contribution) -> list[dict]:
    """Charges other areas raised to the school in the funding year (for example CPD places),
    from the sources registered with the core; funding does not import those apps."""
    year = contribution.round.funding_year
    sections = []
    for source in registry.school_charges:
        rows = source.charges(partnership, contribution.school, year.start, year.end)
        if rows:
            sections.append({"title": source.title, "rows": rows, "total": sum((r.amount for r in rows), Decimal(0))})
    return sections


def _statement_context(request, contribution, **forms) -> dict:
    partnership = contribution.round.partnership
    balance = round_balances(contribution.round, school_ids=[contribution.school_id]).rows[0]
    can_manage = can_manage_funding(request.user, partnership)
    return {
        "partnership": partnership,
        "round": contribution.round,
        "contribution": contribution,
        "balance": balance,
        "versions": Contribution.objects.filter(round=contribution.round, school_id=contribution.school_id)
        .select_related("created_by", "confirmed_by")
        .order_by("-version"),
        "payments": Payment.objects.filter(round=contribution.round, school_id=contribution.school_id).select_related(
            "recorded_by", "reversal"
        ),
        "jobs": StatementJob.objects.filter(
            contribution__round=contribution.round, contribution__school=contribution.school
        ).select_related("contribution")[:5],
        "other_charges": _other_charges(partnership, contribution),
        "can_manage": can_manage,
        "can_read_all": can_read_all_funding(request.user, partnership),
        "can_confirm": can_confirm(request.user, contribution),
        "can_request_pdf": can_request_statement(request.user, contribution),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "amend_form": forms.get("amend_form") or AmendForm(initial={"amount": contribution.amount}),
    }


@login_required
def statement(request, pk, school_pk):
    contribution = contribution_for(request, pk, school_pk)
    return render(request, "funding/statement.html", _statement_context(request, contribution))


@login_required
@require_POST
def contribution_confirm(request, pk, school_pk):
    contribution = contribution_for(request, pk, school_pk)
    require(can_confirm(request.user, contribution))
    try:
        services.confirm_contribution(contribution=contribution, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you: the contribution is confirmed.")
    return redirect(contribution)


@login_required
@once
def contribution_amend(request, pk, school_pk):
    contribution = contribution_for(request, pk, school_pk)
    require(can_manage_funding(request.user, contribution.round.partnership))
    form = AmendForm(request.POST or None, initial={"amount": contribution.amount})
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_contribution(contribution=contribution, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Contribution amended. The earlier version is kept on the statement.")
            return redirect(contribution)
    return render(
        request, "funding/contribution_amend.html", {**_statement_context(request, contribution), "form": form}
    )


@login_required
@require_POST
@once
def payment_add(request, pk, school_pk):
    contribution = contribution_for(request, pk, school_pk)
    require(can_manage_funding(request.user, contribution.round.partnership))
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.record_payment(
                contribution_round=contribution.round,
                school=contribution.school,
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Payment recorded.")
            return redirect(contribution)
    return render(request, "funding/statement.html", _statement_context(request, contribution, payment_form=form))


@login_required
@require_POST
def statement_pdf_request(request, pk, school_pk):
    contribution = contribution_for(request, pk, school_pk)
    require(can_request_statement(request.user, contribution))
    services.request_statement(contribution=contribution, actor=request.user)
    messages.success(request, "The statement PDF is being made. Reload this page in a moment to download it.")
    return redirect(contribution)


@login_required
def statement_pdf_download(request, pk):
    job = get_object_or_404(
        StatementJob.objects.select_related("contribution__round__partnership"),
        pk=pk,
        contribution__in=Contribution.objects.for_user(request.user),
    )
    if job.status != StatementJob.Status.DONE or not job.file_name:
        raise Http404("This statement is not ready.")
    contribution = job.contribution
    filename = f"statement-{contribution.urn}-round-{contribution.round_id}-v{contribution.version}.pdf"
    try:
        stored = private_storage().open(job.file_name, "rb")
    except FileNotFoundError:
        raise Http404("The statement file is missing; make the PDF again.") from None
    return FileResponse(stored, as_attachment=True, filename=filename, content_type="application/pdf")


@login_required
@require_POST
@once
def payment_reverse(request, pk):
    payment = get_object_or_404(Payment.objects.for_user(request.user).select_related("round__partnership"), pk=pk)
    use_partnership(request, payment.round.partnership)
    require(can_manage_funding(request.user, payment.round.partnership))
    contribution = get_object_or_404(
        Contribution, round_id=payment.round_id, school_id=payment.school_id, is_current=True
    )
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the payment is being reversed.")
        return redirect(contribution)
    try:
        services.reverse_payment(payment=payment, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Payment {payment.reference} reversed. Both entries stay on the statement.")
    return redirect(contribution)
