from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from funding.models import GrantCondition
from funding.services import release_grants_for_condition
from partnership.audit import record

from ..models import Plan, Priority, PriorityUpdate, Rag


@transaction.atomic
def create_plan(*, partnership, title, kind, starts_on, ends_on, summary="", actor) -> Plan:
    if ends_on <= starts_on:
        raise ValidationError("The plan must end after it starts.")
    plan = Plan.objects.create(
        partnership=partnership, title=title.strip(), kind=kind, starts_on=starts_on, ends_on=ends_on, summary=summary
    )
    record(actor=actor, verb="improvement.plan.created", target=plan, data={"kind": kind})
    return plan


@transaction.atomic
def add_priority(*, plan, title, baseline, target, measures="", milestones="", lead=None, actor) -> Priority:
    if lead is not None and not lead.__class__.objects.in_partnership(plan.partnership).filter(pk=lead.pk).exists():
        raise ValidationError("The lead must be someone in the partnership.")
    position = plan.priorities.count() + 1
    priority = Priority.objects.create(
        plan=plan,
        title=title.strip(),
        baseline=baseline,
        target=target,
        measures=measures,
        milestones=milestones,
        lead=lead,
        position=position,
    )
    record(actor=actor, verb="improvement.priority.added", target=priority, partnership=plan.partnership)
    return priority


@transaction.atomic
def record_priority_update(*, priority, reviewed_on: date, rag: str, commentary: str, actor) -> PriorityUpdate:
    if rag not in Rag.values:
        raise ValidationError("Choose red, amber or green.")
    if not commentary.strip():
        raise ValidationError("Say what has changed since the last review.")
    update = PriorityUpdate.objects.create(
        priority=priority, reviewed_on=reviewed_on, rag=rag, commentary=commentary.strip(), recorded_by=actor
    )
    record(
        actor=actor,
        verb="improvement.priority.reviewed",
        target=priority,
        partnership=priority.plan.partnership,
        data={"rag": rag, "reviewed_on": str(reviewed_on)},
    )
    return update


@transaction.atomic
def approve_plan(*, plan, approved_on: date, minute_ref: str = "", meeting: str = "", decision=None, actor) -> list:
    """Records the strategic committee's approval. A business plan's approval releases the
    partnership's grants held back for 'business plan approved'; returns those grants."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_approved:
        raise ValidationError(f"This plan was already approved on {plan.approved_on:%-d %B %Y}.")
    if not plan.priorities.exists():
        raise ValidationError("Add at least one priority before the plan is approved.")
    if decision is not None:
        meeting_of = decision.item.meeting
        if meeting_of.committee.partnership_id != plan.partnership_id or meeting_of.committee.kind != "strategic":
            raise ValidationError("Choose a decision of this partnership's strategic committee.")
        if not decision.is_carried:
            raise ValidationError("That motion was not carried, so it cannot approve the plan.")
        local = timezone.localtime(meeting_of.starts_at)
        minute_ref = minute_ref.strip() or f"item {decision.item.order}"
        meeting = meeting.strip() or f"{meeting_of.committee.name}, {local.day} {local:%B %Y}"
    elif not minute_ref.strip():
        raise ValidationError("Choose the committee's decision, or give the minute reference.")
    plan.approved_on, plan.approved_by, plan.approval_decision = approved_on, actor, decision
    plan.approval_minute_ref, plan.approval_meeting = minute_ref.strip(), meeting.strip()
    plan.save(
        update_fields=["approved_on", "approved_by", "approval_minute_ref", "approval_meeting", "approval_decision"]
    )
    released = []
    if plan.kind == Plan.Kind.BUSINESS:
        released = release_grants_for_condition(
            partnership=plan.partnership,
            condition=GrantCondition.BUSINESS_PLAN_APPROVED,
            actor=actor,
            on_date=approved_on,
            note=f"Business plan '{plan.title}' approved, minute {plan.approval_minute_ref}",
        )
    record(
        actor=actor,
        verb="improvement.plan.approved",
        target=plan,
        data={
            "on": str(approved_on),
            "minute": plan.approval_minute_ref,
            "decision": decision.pk if decision else None,
            "grants_released": [g.pk for g in released],
        },
    )
    return released
