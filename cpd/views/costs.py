"""An event's costs to the partnership, filed as spending in the funding area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import use_partnership
from partnership.once import once
from partnership.permissions import require

from ..costs import add_event_cost, remove_event_cost
from ..forms import EventCostForm
from ..models import Event, EventCost
from ..permissions import can_organise


@login_required
@once
def event_costs(request, pk):
    event = get_object_or_404(Event.objects.for_user(request.user).select_related("programme__partnership"), pk=pk)
    partnership = event.programme.partnership
    use_partnership(request, partnership)
    require(can_organise(request.user, partnership))
    first_session = event.sessions.order_by("starts_at").first()
    initial = {"spent_on": first_session.starts_at.date()} if first_session else {}
    form = EventCostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            add_event_cost(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Cost recorded and filed in the partnership's CPD spending.")
            return redirect("cpd:event_costs", event.pk)
    costs = event.costs.live().select_related("recorded_by")
    return render(
        request,
        "cpd/event_costs.html",
        {
            "event": event,
            "partnership": partnership,
            "form": form,
            "costs": costs,
            "total": costs.aggregate(total=Sum("amount"))["total"] or 0,
        },
    )


@login_required
@require_POST
def event_cost_remove(request, pk):
    cost = get_object_or_404(
        EventCost.objects.for_user(request.user).live().select_related("event__programme__partnership"), pk=pk
    )
    use_partnership(request, cost.event.programme.partnership)
    require(can_organise(request.user, cost.event.programme.partnership))
    try:
        remove_event_cost(cost=cost, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Cost removed; its spending entry is voided.")
    return redirect("cpd:event_costs", cost.event_id)
