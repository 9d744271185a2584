from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.permissions import require

from .. import rules, services
from ..forms import ApprovalForm, PlanForm, PriorityForm, PriorityUpdateForm
from ..models import Plan, Priority, PriorityUpdate
from ._common import attempt


@login_required
def plan_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    can_edit = rules.is_coordinator(request.user, partnership)
    form = PlanForm()
    if request.method == "POST":
        require(can_edit)
        form = PlanForm(request.POST)
        if form.is_valid():
            plan = attempt(
                form, lambda: services.create_plan(partnership=partnership, actor=request.user, **form.cleaned_data)
            )
            if plan:
                messages.success(request, "Plan created. Add its priorities next.")
                return redirect(plan)
    plans = Plan.objects.filter(partnership=partnership).prefetch_related("priorities")
    return render(
        request,
        "improvement/plan_list.html",
        {"partnership": partnership, "plans": plans, "form": form, "can_edit": can_edit},
    )


def _latest_updates():
    return Prefetch("updates", queryset=PriorityUpdate.objects.order_by("-reviewed_on", "-pk"), to_attr="history")


def _plan_for(request, pk) -> Plan:
    plan = get_object_or_404(
        Plan.objects.for_user(request.user).select_related(
            "partnership", "approved_by", "approval_decision__item__meeting__committee"
        ),
        pk=pk,
    )
    use_partnership(request, plan.partnership)
    return plan


@login_required
def plan_detail(request, pk):
    plan = _plan_for(request, pk)
    can_edit = rules.is_coordinator(request.user, plan.partnership)
    form = PriorityForm(partnership=plan.partnership)
    if request.method == "POST":
        require(can_edit)
        form = PriorityForm(request.POST, partnership=plan.partnership)
        if form.is_valid() and attempt(
            form, lambda: services.add_priority(plan=plan, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, "Priority added.")
            return redirect(plan)
    approval_form = ApprovalForm(partnership=plan.partnership) if can_edit and not plan.is_approved else None
    return _render_plan(request, plan, can_edit, form=form, approval_form=approval_form)


def _render_plan(request, plan, can_edit, *, form, approval_form):
    priorities = plan.priorities.select_related("lead__school").prefetch_related(_latest_updates())
    return render(
        request,
        "improvement/plan_detail.html",
        {
            "partnership": plan.partnership,
            "plan": plan,
            "priorities": priorities,
            "form": form,
            "approval_form": approval_form,
            "can_edit": can_edit,
        },
    )


@login_required
@require_POST
def plan_approve(request, pk):
    plan = _plan_for(request, pk)
    require(rules.is_coordinator(request.user, plan.partnership))
    form = ApprovalForm(request.POST, partnership=plan.partnership)
    if form.is_valid():
        data = form.cleaned_data
        released = attempt(
            form,
            lambda: services.approve_plan(
                plan=plan,
                approved_on=data["approved_on"],
                minute_ref=data["minute_ref"],
                meeting=data["meeting"],
                decision=data.get("decision"),
                actor=request.user,
            ),
        )
        if released:
            count = len(released) if isinstance(released, list) else 0
            messages.success(
                request,
                "Approval recorded."
                + (f" {count} grant{'s' if count != 1 else ''} held for the business plan released." if count else ""),
            )
            return redirect(plan)
    return _render_plan(request, plan, True, form=PriorityForm(partnership=plan.partnership), approval_form=form)


@login_required
def priority_detail(request, pk):
    priority = get_object_or_404(
        Priority.objects.filter(plan__in=Plan.objects.for_user(request.user)).select_related(
            "plan__partnership", "lead__school"
        ),
        pk=pk,
    )
    partnership = priority.plan.partnership
    use_partnership(request, partnership)
    can_update = rules.is_coordinator(request.user, partnership) or bool(
        priority.lead_id and priority.lead.user_id == request.user.pk
    )
    form = PriorityUpdateForm()
    if request.method == "POST":
        require(can_update)
        form = PriorityUpdateForm(request.POST)
        if form.is_valid() and attempt(
            form, lambda: services.record_priority_update(priority=priority, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, "Review recorded.")
            return redirect(priority)
    history = priority.updates.select_related("recorded_by")
    return render(
        request,
        "improvement/priority_detail.html",
        {"partnership": partnership, "priority": priority, "history": history, "form": form, "can_update": can_update},
    )
