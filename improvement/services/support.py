from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from funding.models import SpendingCategory
from funding.services import record_spending
from partnership.audit import record
from schools.models import Person, School

from ..models import SupportAgreement, SupportRequest, SupportReview, SupportVisit

ACTIVE_STATUSES = (SupportRequest.Status.RAISED, SupportRequest.Status.MATCHED, SupportRequest.Status.AGREED)


def _member(partnership, school, what) -> None:
    if not School.objects.in_partnership(partnership).filter(pk=school.pk).exists():
        raise ValidationError(f"The {what} must be a member school of the partnership.")


@transaction.atomic
def raise_request(*, partnership, school, need: str, specialism=None, actor) -> SupportRequest:
    _member(partnership, school, "school asking for support")
    if not need.strip():
        raise ValidationError("Describe what support is needed.")
    support_request = SupportRequest.objects.create(
        partnership=partnership, school=school, need=need.strip(), specialism=specialism, raised_by=actor
    )
    record(actor=actor, verb="improvement.support.requested", target=support_request, data={"school": school.pk})
    return support_request


@transaction.atomic
def match_request(*, support_request, provider_school, provider_person=None, actor) -> SupportRequest:
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if support_request.status not in (SupportRequest.Status.RAISED, SupportRequest.Status.MATCHED):
        raise ValidationError(f"This request is {support_request.get_status_display().lower()}; it cannot be matched.")
    _member(support_request.partnership, provider_school, "supporting school")
    if provider_school.pk == support_request.school_id:
        raise ValidationError("A school cannot be matched to support itself.")
    if provider_person is not None and provider_person.school_id not in (provider_school.pk, None):
        raise ValidationError(f"{provider_person} does not work at {provider_school}.")
    support_request.provider_school, support_request.provider_person = provider_school, provider_person
    support_request.status, support_request.matched_at = SupportRequest.Status.MATCHED, timezone.now()
    support_request.save(update_fields=["provider_school", "provider_person", "status", "matched_at"])
    record(
        actor=actor,
        verb="improvement.support.matched",
        target=support_request,
        data={"provider_school": provider_school.pk, "provider_person": getattr(provider_person, "pk", None)},
    )
    return support_request


@transaction.atomic
def withdraw_request(*, support_request, reason: str, actor) -> SupportRequest:
    """A request not yet agreed can be withdrawn (the need was met another way)."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if support_request.status not in (SupportRequest.Status.RAISED, SupportRequest.Status.MATCHED):
        raise ValidationError("Only a request that has not been agreed can be withdrawn.")
    if not reason.strip():
        raise ValidationError("Say why the request is withdrawn.")
    support_request.status = SupportRequest.Status.WITHDRAWN
    support_request.save(update_fields=["status"])
    record(actor=actor, verb="improvement.support.withdrawn", target=support_request, data={"reason": reason.strip()})
    return support_request


def _positive(value, what, places) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(f"The {what} must be a number.") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(f"The {what} cannot be negative.")
    if amount != amount.quantize(places):
        raise ValidationError(f"The {what} has too many decimal places.")
    return amount


@transaction.atomic
def agree_support(
    *,
    support_request,
    objectives,
    baseline,
    target,
    days,
    cost_per_day,
    starts_on: date,
    ends_on: date,
    paid_to=None,
    actor,
) -> SupportAgreement:
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if support_request.status != SupportRequest.Status.MATCHED:
        raise ValidationError("Match the request to a supporting school before agreeing the support.")
    days = _positive(days, "number of days", Decimal("0.1"))
    if days == 0:
        raise ValidationError("The support must last at least part of a day.")
    cost_per_day = _positive(cost_per_day, "cost per day", Decimal("0.01"))
    if ends_on < starts_on:
        raise ValidationError("The support must end on or after the day it starts.")
    for text, what in ((objectives, "objectives"), (baseline, "baseline"), (target, "target")):
        if not (text or "").strip():
            raise ValidationError(f"Set out the {what}: support starts with clear objectives, baseline and target.")
    paid_to = paid_to or support_request.provider_school
    _member(support_request.partnership, paid_to, "school being paid")
    agreement = SupportAgreement.objects.create(
        request=support_request,
        partnership=support_request.partnership,
        receiving_school_id=support_request.school_id,
        supporting_school=support_request.provider_school,
        supporting_leader=support_request.provider_person,
        objectives=objectives.strip(),
        baseline=baseline.strip(),
        target=target.strip(),
        days=days,
        cost_per_day=cost_per_day,
        starts_on=starts_on,
        ends_on=ends_on,
        paid_to=paid_to,
        agreed_by=actor,
    )
    support_request.status = SupportRequest.Status.AGREED
    support_request.save(update_fields=["status"])
    record(
        actor=actor,
        verb="improvement.support.agreed",
        target=agreement,
        data={"days": str(days), "cost_per_day": str(cost_per_day), "paid_to": paid_to.pk},
    )
    return agreement


def _active(agreement_pk) -> SupportAgreement:
    agreement = SupportAgreement.objects.select_for_update().get(pk=agreement_pk)
    if agreement.status != SupportAgreement.Status.ACTIVE:
        raise ValidationError("This support agreement is closed.")
    return agreement


@transaction.atomic
def log_visit(*, agreement, visited_on: date, days_used, notes: str, actor) -> SupportVisit:
    agreement = _active(agreement.pk)
    days_used = _positive(days_used, "days used", Decimal("0.1"))
    if not notes.strip():
        raise ValidationError("Note what the visit did.")
    visit = SupportVisit.objects.create(
        agreement=agreement, visited_on=visited_on, days_used=days_used, notes=notes.strip(), logged_by=actor
    )
    record(
        actor=actor,
        verb="improvement.support.visit_logged",
        target=agreement,
        data={"visited_on": str(visited_on), "days": str(days_used)},
    )
    return visit


@transaction.atomic
def record_review(*, agreement, reviewed_on: date, rag: str, impact: str, actor) -> SupportReview:
    agreement = _active(agreement.pk)
    if not impact.strip():
        raise ValidationError("Describe the impact so far against the target.")
    review = SupportReview.objects.create(
        agreement=agreement, reviewed_on=reviewed_on, rag=rag, impact=impact.strip(), recorded_by=actor
    )
    record(actor=actor, verb="improvement.support.reviewed", target=agreement, data={"rag": rag})
    return review


@transaction.atomic
def close_agreement(*, agreement, closed_on: date, evaluation: str, target_met: str, actor) -> SupportAgreement:
    """Closes with the receiving school's evaluation and files the cost (days x cost per
    day) as school-to-school support spending paid to `paid_to`. The spending reference is
    the agreement's, so a retry never files it twice."""
    agreement = _active(agreement.pk)
    if not evaluation.strip():
        raise ValidationError("The receiving school's evaluation is needed to close the support.")
    if target_met not in {"met", "partly", "not_met"}:
        raise ValidationError("Say whether the target was met.")
    agreement.status, agreement.closed_on = SupportAgreement.Status.CLOSED, closed_on
    agreement.evaluation, agreement.target_met, agreement.evaluated_by = evaluation.strip(), target_met, actor
    if agreement.total_cost > 0:
        entry = record_spending(
            partnership=agreement.partnership,
            category=SpendingCategory.SCHOOL_TO_SCHOOL_SUPPORT,
            amount=agreement.total_cost,
            spent_on=closed_on,
            description=f"School-to-school support for {agreement.receiving_school.name}: {agreement.days} days",
            supplier=agreement.paid_to.name,
            school=agreement.paid_to,
            source_ref=agreement.source_ref,
            actor=actor,
        )
        agreement.spending_ref = entry.source_ref
    agreement.save(update_fields=["status", "closed_on", "evaluation", "target_met", "evaluated_by", "spending_ref"])
    SupportRequest.objects.filter(pk=agreement.request_id).update(status=SupportRequest.Status.CLOSED)
    record(
        actor=actor,
        verb="improvement.support.closed",
        target=agreement,
        data={"target_met": target_met, "cost": str(agreement.total_cost), "paid_to": agreement.paid_to_id},
    )
    return agreement


def leaders_at(school) -> list[Person]:
    return list(Person.objects.filter(school=school).order_by("last_name"))
