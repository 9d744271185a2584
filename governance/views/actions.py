"""Actions agreed at meetings: the meeting's list, "My actions" and status updates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership
from partnership.permissions import require
from schools.models import Person

from .. import services
from ..forms import (
    ActionStatusForm,
    NewActionForm,
)
from ..models import Action
from ..permissions import can_manage, can_update_action, person_id_of
from ..services.meetings import members_for
from .common import meeting_for, show_error


@login_required
def meeting_actions(request, pk):
    """New actions (several rows at once) and the matters arising, closed or kept open."""
    from django.forms import formset_factory

    meeting = meeting_for(request, pk)
    require(can_manage(request.user, meeting.committee.partnership))
    owners = Person.objects.filter(pk__in=members_for(meeting).values("person_id")).order_by("last_name")
    NewActions = formset_factory(NewActionForm, extra=3)
    arising = list(services.matters_arising(meeting))
    formset = NewActions(request.POST or None, prefix="new", form_kwargs={"meeting": meeting, "owners": owners})
    status_forms = [
        (action, ActionStatusForm(request.POST or None, prefix=f"a{action.pk}", initial={"status": action.status}))
        for action in arising
    ]
    if request.method == "POST" and formset.is_valid() and all(form.is_valid() for _, form in status_forms):
        try:
            for form in formset.forms:
                if form.has_changed() and form.cleaned_data:
                    services.add_action(meeting=meeting, added_by=request.user, **form.cleaned_data)
            for action, form in status_forms:
                services.close_action(
                    action=action,
                    status=form.cleaned_data["status"],
                    closed_by=request.user,
                    at_meeting=meeting,
                    note=form.cleaned_data["note"],
                )
        except ValidationError as error:
            show_error(request, error)
        else:
            messages.success(request, "Actions saved.")
            return redirect("governance:meeting_actions", meeting.pk)
    return render(
        request,
        "governance/meeting_actions.html",
        {
            "partnership": meeting.committee.partnership,
            "meeting": meeting,
            "formset": formset,
            "status_forms": status_forms,
            "agreed": meeting.actions.select_related("owner", "item").order_by("due_on"),
        },
    )


@login_required
def my_actions(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    person_id = person_id_of(request.user)
    actions = (
        Action.objects.filter(meeting__committee__partnership=partnership, owner_id=person_id)
        .select_related("meeting__committee", "owner")
        .order_by("status", "due_on")
        if person_id
        else Action.objects.none()
    )
    return render(
        request,
        "governance/my_actions.html",
        {
            "partnership": partnership,
            "actions": actions,
            "has_person": person_id is not None,
            "statuses": Action.Status,
        },
    )


@login_required
@require_POST
def action_update(request, pk):
    action = get_object_or_404(
        Action.objects.for_user(request.user).select_related("meeting__committee__partnership"), pk=pk
    )
    require(can_update_action(request.user, action))
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose open, done or cancelled.")
    else:
        services.close_action(
            action=action, status=form.cleaned_data["status"], closed_by=request.user, note=form.cleaned_data["note"]
        )
        messages.success(
            request, f"“{action.description}” is now {Action.Status(form.cleaned_data['status']).label.lower()}."
        )
    return redirect("governance:my_actions", action.meeting.committee.partnership.slug)
