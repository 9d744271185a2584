"""Contribution rounds: apply the formula, keep every calculation, amend, confirm, pay."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from partnership.audit import record
from partnership.permissions import is_head_of
from schools.models import AgreedPupilCount, PupilCount, School

from .. import formula as calc
from ..balances import pennies
from ..models import Contribution, ContributionRound, Formula, FormulaWeighting, FundingYear, Payment
from ._common import as_money, pounds, require_open


def spec_for(formula: Formula) -> calc.FormulaSpec:
    weightings = list(formula.weightings.all())
    return calc.FormulaSpec(
        lump_sum=formula.lump_sum,
        per_pupil_rate=formula.per_pupil_rate if formula.mode == Formula.Mode.FIXED_RATES else None,
        total=formula.total if formula.mode == Formula.Mode.FIXED_TOTAL else None,
        phase_weights={w.phase: w.weight for w in weightings if w.kind == FormulaWeighting.Kind.PHASE},
        special_weight=formula.special_school_weight,
        size_bands=tuple(
            calc.SizeBand(w.min_pupils or 0, w.max_pupils, w.weight)
            for w in sorted(weightings, key=lambda w: w.min_pupils or 0)
            if w.kind == FormulaWeighting.Kind.SIZE_BAND
        ),
        floor=formula.floor,
        cap=formula.cap,
    )


def _snapshot(formula: Formula, spec: calc.FormulaSpec) -> dict:
    return {
        "formula_id": formula.pk,
        "name": formula.name,
        "mode": formula.mode,
        "lump_sum": str(spec.lump_sum),
        "per_pupil_rate": None if spec.per_pupil_rate is None else str(spec.per_pupil_rate),
        "total": None if spec.total is None else str(spec.total),
        "phase_weights": {phase: str(weight) for phase, weight in spec.phase_weights.items()},
        "special_school_weight": None if spec.special_weight is None else str(spec.special_weight),
        "size_bands": [
            {"min_pupils": band.min_pupils, "max_pupils": band.max_pupils, "weight": str(band.weight)}
            for band in spec.size_bands
        ],
        "floor": None if spec.floor is None else str(spec.floor),
        "cap": None if spec.cap is None else str(spec.cap),
    }


def is_special_school(school: School) -> bool:
    return "special" in (school.type_of_establishment or "").lower()


def _census_figure(school: School, count: PupilCount | None, census_date: date) -> tuple[int, date | None, str] | None:
    """The national figure: (pupils, counted on, source), or None if there is none yet."""
    if count is not None:
        source = f"Pupil count of {count.counted_on:%-d %B %Y}" + (f" ({count.source})" if count.source else "")
        return count.pupils, count.counted_on, source
    if school.number_of_pupils is not None and (
        school.pupils_counted_on is None or school.pupils_counted_on <= census_date
    ):
        return school.number_of_pupils, school.pupils_counted_on, "School record (Get Information About Schools)"
    return None


def _agreed_source(agreed: AgreedPupilCount, census: tuple | None) -> str:
    text = f"Agreed by the partnership from {agreed.applies_from:%-d %B %Y}"
    if agreed.note:
        text += f": {agreed.note}"
    national = f"; national census: {census[0]:,}" if census else "; no national census figure"
    return text[: 200 - len(national)] + national


def gather_inputs(*, partnership, census_date: date, members_on: date) -> list[tuple[School, calc.SchoolInput, dict]]:
    """The member schools on `members_on` with their pupils at the census date.

    The partnership's own agreed figure comes first: the latest it agreed on or before the
    census date (AgreedPupilCount, this partnership's alone). Otherwise the national figure:
    the latest PupilCount on or before `census_date`, failing that the school record's own
    count (from Get Information About Schools) if it was taken on or before the census date."""
    schools = list(School.objects.in_partnership(partnership, day=members_on).distinct().order_by("name", "urn"))
    counts = {}
    for count in PupilCount.objects.filter(school__in=schools, counted_on__lte=census_date).order_by(
        "school_id", "-counted_on"
    ):
        counts.setdefault(count.school_id, count)
    agreed_counts = AgreedPupilCount.objects.latest_on(partnership, census_date)
    rows, missing = [], []
    for school in schools:
        census = _census_figure(school, counts.get(school.pk), census_date)
        agreed = agreed_counts.get(school.pk)
        if agreed is not None:
            pupils, counted_on, source = agreed.pupils, agreed.applies_from, _agreed_source(agreed, census)
        elif census is not None:
            pupils, counted_on, source = census
        else:
            missing.append(school.name)
            continue
        rows.append(
            (
                school,
                calc.SchoolInput(
                    key=school.pk,
                    urn=school.urn,
                    name=school.name,
                    pupils=pupils,
                    phase=school.phase,
                    is_special=is_special_school(school),
                ),
                {"counted_on": counted_on, "source": source, "agreed": agreed is not None},
            )
        )
    if missing:
        raise ValidationError(
            f"No pupil count on or before {census_date:%-d %B %Y} for: {', '.join(missing)}. "
            "Add their census counts or choose a later census date."
        )
    return rows


def preview_round(*, partnership, formula: Formula, census_date: date, members_on: date):
    """What the round would be, without writing anything: (inputs, result)."""
    rows = gather_inputs(partnership=partnership, census_date=census_date, members_on=members_on)
    if not rows:
        raise ValidationError(f"No schools were members of {partnership} on {members_on:%-d %B %Y}.")
    try:
        result = calc.calculate([row[1] for row in rows], spec_for(formula))
    except calc.FormulaError as error:
        raise ValidationError(str(error)) from None
    return rows, result


@transaction.atomic
def create_round(
    *,
    partnership,
    funding_year: FundingYear,
    formula: Formula,
    census_date: date,
    members_on: date,
    name: str,
    due_on: date | None = None,
    actor,
) -> ContributionRound:
    """Applies the formula to the member schools and keeps each school's calculation."""
    if funding_year.partnership_id != partnership.pk or formula.partnership_id != partnership.pk:
        raise ValidationError("The funding year and the formula must belong to this partnership.")
    funding_year = FundingYear.objects.select_for_update().get(pk=funding_year.pk)
    require_open(funding_year, "a contribution round")
    rows, result = preview_round(
        partnership=partnership, formula=formula, census_date=census_date, members_on=members_on
    )
    contribution_round = ContributionRound.objects.create(
        partnership=partnership,
        funding_year=funding_year,
        formula=formula,
        name=name.strip() or f"Contributions {funding_year.label}",
        census_date=census_date,
        members_on=members_on,
        due_on=due_on,
        mode=formula.mode,
        lump_sum=formula.lump_sum,
        per_pupil_rate=result.per_pupil_rate,
        total=result.total,
        formula_snapshot=_snapshot(formula, spec_for(formula)),
        rounding_rule=result.rounding_rule,
        created_by=actor,
    )
    lines = result.by_key
    Contribution.objects.bulk_create(
        [
            Contribution(
                round=contribution_round,
                school=school,
                school_name=school.name,
                urn=school.urn,
                phase=school.phase,
                is_special=school_input.is_special,
                pupils=school_input.pupils,
                pupils_counted_on=pupils["counted_on"],
                pupils_source=pupils["source"][:200],
                pupils_agreed=pupils["agreed"],
                lump_sum=line.lump_sum,
                per_pupil_rate=line.per_pupil_rate,
                weight=line.weight,
                weight_reasons=list(line.weight_reasons),
                weighted_pupils=line.weighted_pupils,
                per_pupil_amount=line.per_pupil_amount,
                before_limits=line.before_limits,
                limit_applied=line.limit_applied,
                exact_amount=line.exact_amount,
                rounded_down=line.rounded_down,
                rounding_adjustment=line.rounding_adjustment,
                calculated_amount=line.amount,
                amount=line.amount,
                created_by=actor,
            )
            for school, school_input, pupils in rows
            for line in [lines[school.pk]]
        ]
    )
    record(
        actor=actor,
        verb="funding.round.created",
        target=contribution_round,
        data={
            "schools": len(rows),
            "total": str(result.total),
            "per_pupil_rate": str(result.per_pupil_rate),
            "census_date": str(census_date),
        },
    )
    return contribution_round


@transaction.atomic
def issue_round(*, contribution_round: ContributionRound, actor) -> ContributionRound:
    contribution_round = ContributionRound.objects.select_for_update().get(pk=contribution_round.pk)
    require_open(contribution_round.funding_year, "an issued round")
    if contribution_round.is_issued:
        raise ValidationError("This round has already been issued.")
    contribution_round.status = ContributionRound.Status.ISSUED
    contribution_round.issued_at = timezone.now()
    contribution_round.save(update_fields=["status", "issued_at"])
    record(actor=actor, verb="funding.round.issued", target=contribution_round)
    return contribution_round


@transaction.atomic
def discard_round(*, contribution_round: ContributionRound, actor) -> None:
    """Deletes a draft round (say, made with the wrong census date). Issued rounds stay for good."""
    contribution_round = ContributionRound.objects.select_for_update().get(pk=contribution_round.pk)
    if contribution_round.is_issued:
        raise ValidationError("An issued round cannot be discarded; amend its contributions instead.")
    record(
        actor=actor,
        verb="funding.round.discarded",
        target=contribution_round,
        data={"total": str(contribution_round.total), "census_date": str(contribution_round.census_date)},
    )
    contribution_round.contributions.all().delete()
    contribution_round.delete()


@transaction.atomic
def amend_contribution(*, contribution: Contribution, amount, reason: str, actor) -> Contribution:
    """A new version of the school's contribution with the reason; the old one is kept."""
    amount = as_money(amount, "amended amount", allow_zero=True)
    if not reason.strip():
        raise ValidationError("Say why the contribution is being amended.")
    current = (
        Contribution.objects.select_for_update()
        .select_related("round__funding_year")
        .filter(round_id=contribution.round_id, school_id=contribution.school_id, is_current=True)
        .first()
    )
    if current is None:
        raise ValidationError("This school has no contribution in the round.")
    require_open(current.round.funding_year, "an amendment")
    if amount == current.amount:
        raise ValidationError(f"The contribution is already {pounds(amount)}.")
    previous_amount, previous_version = current.amount, current.version
    current.is_current = False
    current.save(update_fields=["is_current"])  # through save() so the history keeps the change
    amended = current
    amended.pk = None
    amended._state.adding = True
    amended.version = previous_version + 1
    amended.is_current = True
    amended.amount = amount
    amended.amendment_reason = reason.strip()
    amended.created_by = actor
    amended.created_at = timezone.now()
    amended.confirmed_at = None
    amended.confirmed_by = None
    amended.save()
    record(
        actor=actor,
        verb="funding.contribution.amended",
        target=amended,
        partnership=amended.round.partnership,
        data={
            "from": str(previous_amount),
            "to": str(amount),
            "version": amended.version,
            "reason": amended.amendment_reason,
        },
    )
    return amended


@transaction.atomic
def confirm_contribution(*, contribution: Contribution, actor) -> Contribution:
    contribution = Contribution.objects.select_for_update().select_related("round").get(pk=contribution.pk)
    if not is_head_of(actor, contribution.school_id):
        raise ValidationError("Only the school's headteacher can confirm its contribution.")
    if not contribution.is_current:
        raise ValidationError("This version has been replaced; confirm the current one.")
    if not contribution.round.is_issued:
        raise ValidationError("The round has not been issued yet.")
    if contribution.confirmed_at is None:
        contribution.confirmed_at, contribution.confirmed_by = timezone.now(), actor
        contribution.save(update_fields=["confirmed_at", "confirmed_by"])
        record(
            actor=actor,
            verb="funding.contribution.confirmed",
            target=contribution,
            partnership=contribution.round.partnership,
            data={"amount": str(contribution.amount), "version": contribution.version},
        )
    return contribution


@transaction.atomic
def record_payment(
    *, contribution_round: ContributionRound, school, amount, paid_on: date, reference: str, note: str = "", actor
) -> Payment:
    amount = as_money(amount, "payment")
    if not reference.strip():
        raise ValidationError("Give the payment's reference, for example the transfer or invoice number.")
    if paid_on > timezone.localdate():
        raise ValidationError("A payment cannot be dated in the future.")
    # Lock the school's contribution so payments for one school are recorded one at a time.
    contribution = (
        Contribution.objects.select_for_update()
        .select_related("round__funding_year", "round__partnership")
        .filter(round_id=contribution_round.pk, school_id=getattr(school, "pk", school), is_current=True)
        .first()
    )
    if contribution is None:
        raise ValidationError("This school has no contribution in the round.")
    contribution_round = contribution.round
    require_open(contribution_round.funding_year, "a payment")
    if not contribution_round.is_issued:
        raise ValidationError("Issue the round before recording payments against it.")
    payment = Payment.objects.create(
        round=contribution_round,
        school_id=contribution.school_id,
        amount=amount,
        paid_on=paid_on,
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    paid = pennies(
        Payment.objects.filter(round=contribution_round, school_id=contribution.school_id).aggregate(
            total=Sum("amount")
        )["total"]
    )
    record(
        actor=actor,
        verb="funding.payment.recorded",
        target=payment,
        partnership=contribution_round.partnership,
        data={
            "school": contribution.school_name,
            "amount": str(amount),
            "reference": payment.reference,
            "paid_on": str(paid_on),
            "outstanding_after": str(contribution.amount - paid),
        },
    )
    return payment


@transaction.atomic
def reverse_payment(*, payment: Payment, reason: str, actor, on_date: date | None = None) -> Payment:
    """Corrects a payment recorded in error: a new, negative entry that takes it back.
    The original stays on record; the balance is still the sum of the entries."""
    if not (reason or "").strip():
        raise ValidationError("Say why the payment is being reversed.")
    payment = (
        Payment.objects.select_for_update()
        .select_related("round__funding_year", "round__partnership")
        .get(pk=payment.pk)
    )
    if payment.is_reversal:
        raise ValidationError("This entry is itself a reversal; record a new payment instead.")
    if Payment.objects.filter(reverses=payment).exists():
        raise ValidationError(f"The payment {payment.reference} has already been reversed.")
    require_open(payment.round.funding_year, "a reversal")
    reversal = Payment.objects.create(
        round=payment.round,
        school_id=payment.school_id,
        amount=-payment.amount,
        paid_on=on_date or timezone.localdate(),
        reference=f"Reversal of {payment.reference}"[:120],
        note=reason.strip()[:255],
        recorded_by=actor,
        reverses=payment,
    )
    record(
        actor=actor,
        verb="funding.payment.reversed",
        target=reversal,
        partnership=payment.round.partnership,
        data={
            "payment": payment.pk,
            "amount": str(payment.amount),
            "reference": payment.reference,
            "reason": reason.strip(),
        },
    )
    return reversal
