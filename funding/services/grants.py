"""Grants and other income, some held back until a condition is met."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.audit import record

from ..models import FundingYear, Grant, GrantCondition
from ._common import as_money, require_open

# Money that by its nature waits for an event: start-up money for the approved business
# plan, the year's funding for the signed heads of agreement.
CONDITION_OF_KIND = {
    Grant.Kind.START_UP: GrantCondition.BUSINESS_PLAN_APPROVED,
    Grant.Kind.YEAR_FUNDING: GrantCondition.HEADS_OF_AGREEMENT_SIGNED,
}


@transaction.atomic
def add_grant(
    *,
    partnership,
    funding_year: FundingYear,
    name: str,
    amount,
    kind: str = Grant.Kind.OTHER,
    funder: str = "",
    school=None,
    condition: str = GrantCondition.NONE,
    condition_detail: str = "",
    received_on: date | None = None,
    actor,
) -> Grant:
    """Records expected income. With no condition it counts as received at once;
    otherwise it is held back until the condition is met."""
    amount = as_money(amount, "grant amount")
    if funding_year.partnership_id != partnership.pk:
        raise ValidationError("The funding year must belong to this partnership.")
    require_open(funding_year, "a grant")
    if condition not in GrantCondition.values:
        raise ValidationError("Choose a condition from the list.")
    required = CONDITION_OF_KIND.get(kind)
    if required and condition != required:
        raise ValidationError(
            f"{Grant.Kind(kind).label.split(' (')[0]} is released only when the "
            f"{GrantCondition(required).label.lower()}: choose that condition."
        )
    if condition == GrantCondition.MANUAL and not condition_detail.strip():
        raise ValidationError("Describe the condition that must be met before the money is released.")
    if not name.strip():
        raise ValidationError("Give the grant a name.")
    released_on = (received_on or timezone.localdate()) if condition == GrantCondition.NONE else None
    grant = Grant.objects.create(
        partnership=partnership,
        funding_year=funding_year,
        name=name.strip(),
        kind=kind,
        funder=funder.strip(),
        amount=amount,
        school=school,
        condition=condition,
        condition_detail=condition_detail.strip(),
        released_on=released_on,
        released_by=actor if released_on else None,
    )
    record(
        actor=actor,
        verb="funding.grant.added",
        target=grant,
        data={"amount": str(amount), "condition": condition, "held": released_on is None},
    )
    return grant


def _release(grant: Grant, *, actor, on_date: date, note: str) -> None:
    grant.released_on, grant.released_by, grant.release_note = on_date, actor, note[:255]
    grant.save(update_fields=["released_on", "released_by", "release_note"])
    record(
        actor=actor,
        verb="funding.grant.released",
        target=grant,
        data={"amount": str(grant.amount), "condition": grant.condition, "released_on": str(on_date), "note": note},
    )


@transaction.atomic
def release_grant(*, grant: Grant, actor, on_date: date | None = None, note: str = "") -> Grant:
    """Releases one held grant whose condition is checked by hand."""
    grant = Grant.objects.select_for_update().select_related("funding_year").get(pk=grant.pk)
    if not grant.is_held:
        raise ValidationError(f"{grant} was already released on {grant.released_on:%-d %B %Y}.")
    if grant.condition != GrantCondition.MANUAL:
        raise ValidationError(
            f"{grant} is released when the condition is recorded: {grant.get_condition_display().lower()}."
        )
    require_open(grant.funding_year, "a grant release")
    if not note.strip():
        raise ValidationError("Say how the condition was met.")
    _release(grant, actor=actor, on_date=on_date or timezone.localdate(), note=note.strip())
    return grant


@transaction.atomic
def release_grants_for_condition(*, partnership, condition: str, actor, on_date: date, note: str = "") -> list[Grant]:
    """Releases every grant of the partnership held back for `condition`, e.g. when the
    business plan is approved (called by the improvement app) or the heads of agreement are
    signed. Grants already released are left alone, so calling it twice is harmless. Grants
    in a closed funding year stay held (the page shows them) until the year is reopened."""
    if condition not in {GrantCondition.BUSINESS_PLAN_APPROVED, GrantCondition.HEADS_OF_AGREEMENT_SIGNED}:
        raise ValidationError("Only 'business plan approved' and 'heads of agreement signed' are recorded this way.")
    held = list(
        Grant.objects.select_for_update()
        .filter(partnership=partnership, condition=condition, released_on__isnull=True, funding_year__is_closed=False)
        .order_by("pk")
    )
    label = GrantCondition(condition).label
    for grant in held:
        _release(grant, actor=actor, on_date=on_date, note=note or f"{label} on {on_date:%-d %B %Y}")
    record(
        actor=actor,
        verb="funding.condition.met",
        target=partnership,
        partnership=partnership,
        data={"condition": condition, "on": str(on_date), "grants_released": [g.pk for g in held]},
    )
    return held
