"""Whole-town INSET: ranked choices, the allocation and its publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import use_partnership
from partnership.permissions import require

from ..forms import ChoicesForm
from ..models import AllocationRun, Choice, Event
from ..permissions import can_organise
from ..services import inset_participants, publish_allocation, request_allocation, save_choices
from .common import own_person


def _inset_event(request, pk):
    event = get_object_or_404(Event.objects.for_user(request.user).select_related("programme__partnership"), pk=pk)
    use_partnership(request, event.programme.partnership)
    if not event.is_whole_town_inset:
        raise Http404("Only whole-town INSET days have workshop choices.")
    return event


@login_required
def choices(request, pk):
    event = _inset_event(request, pk)
    person = own_person(request.user)
    require(person is not None and person.pk in inset_participants(event))
    require(event.is_booking_open or request.method == "GET")
    workshops = event.workshops.select_related("host_school")
    current = dict(Choice.objects.filter(event=event, person=person).values_list("rank", "workshop"))
    form = ChoicesForm(request.POST or None, workshops=workshops, initial_ranks=current)
    if request.method == "POST" and form.is_valid():
        save_choices(event=event, person=person, workshop_ids=form.workshop_ids, chosen_by=request.user)
        messages.success(request, "Your choices are saved. You can change them until choices close.")
        return redirect(event)
    return render(
        request,
        "cpd/choices.html",
        {"event": event, "form": form, "workshops": workshops, "partnership": event.programme.partnership},
    )


@login_required
def allocation(request, pk):
    event = _inset_event(request, pk)
    require(can_organise(request.user, event.programme.partnership))
    if request.method == "POST":
        pending = request_allocation(event=event, run_by=request.user)
        if pending.status == AllocationRun.Status.DONE:  # tasks run inline without a broker
            messages.success(
                request,
                f"Allocation done in {pending.seconds:.2f} s: {pending.placed} of {pending.people} people placed. "
                "Check it, then publish.",
            )
        else:
            messages.info(request, "The allocation is running. This page shows the result when it is done.")
        return redirect("cpd:allocation", event.pk)
    latest = event.allocation_runs.first()
    pending = latest if latest is not None and latest.status != AllocationRun.Status.DONE else None
    run = event.allocation_runs.filter(status=AllocationRun.Status.DONE).first()
    workshops = []
    if run is not None:
        workshops = event.workshops.annotate(
            placed=Count("placements", filter=Q(placements__run=run)),
            first=Count("placements", filter=Q(placements__run=run, placements__rank=1)),
        )
    participants = len(inset_participants(event))
    chosen = event.choices.values("person").distinct().count()
    shares = []
    if run is not None:
        shares = [
            (label, run.by_rank.get(key, 0), run.by_rank.get(key, 0) / run.people if run.people else 0)
            for key, label in (
                ("1", "First choice"),
                ("2", "Second choice"),
                ("3", "Third choice"),
                ("4", "Fourth choice"),
                ("5", "Fifth choice"),
                ("unranked", "None of their choices"),
                ("no_choices", "Made no choices"),
            )
        ]
    return render(
        request,
        "cpd/allocation.html",
        {
            "event": event,
            "run": run,
            "pending": pending,
            "workshops": workshops,
            "shares": shares,
            "participants": participants,
            "chosen": chosen,
            "partnership": event.programme.partnership,
        },
    )


@login_required
@require_POST
def allocation_publish(request, pk):
    run = get_object_or_404(
        AllocationRun.objects.select_related("event__programme__partnership").filter(
            event__in=Event.objects.for_user(request.user), status=AllocationRun.Status.DONE
        ),
        pk=pk,
    )
    use_partnership(request, run.event.programme.partnership)
    require(can_organise(request.user, run.event.programme.partnership))
    publish_allocation(run=run, published_by=request.user)
    messages.success(request, "Timetables published: everyone sees their workshop under My bookings.")
    return redirect("cpd:allocation", run.event_id)


@login_required
def allocation_status(request, pk):
    """The htmx-polled status of a queued or running allocation; once it has finished, the
    page reloads to show the result."""
    run = get_object_or_404(
        AllocationRun.objects.select_related("event__programme__partnership").filter(
            event__in=Event.objects.for_user(request.user)
        ),
        pk=pk,
    )
    require(can_organise(request.user, run.event.programme.partnership))
    if not request.htmx:  # opened directly (a bookmark, a copied address): the whole page
        return redirect("cpd:allocation", run.event.pk)
    if run.status == AllocationRun.Status.DONE:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "cpd/partials/allocation_status.html", {"pending": run, "event": run.event})
