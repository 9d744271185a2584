from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms import modelformset_factory
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import use_partnership
from partnership.once import once
from partnership.pdf import private_storage
from partnership.permissions import require

from .. import services
from ..forms import (
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    DeclarationForm,
    MeetingForm,
    NewAgendaItemForm,
    PaperForm,
)
from ..models import AgendaItem, Attendance, InterestEntry, Meeting, Minutes, Paper, Vote
from ..permissions import can_manage, can_see_papers, is_insider
from ..recipients import agenda_recipients
from ..services.meetings import members_for
from ..services.minutes import next_meeting_after
from .common import add_errors, committee_for, meeting_for, show_error


@login_required
def meeting_create(request, pk):
    committee = committee_for(request, pk)
    require(can_manage(request.user, committee.partnership))
    form = MeetingForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                committee=committee,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                host_school=data["host_school"] if data["place"] == Meeting.Place.SCHOOL else None,
                location=data["location"],
                scheduled_by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Meeting scheduled.")
            return redirect(meeting)
    return render(
        request,
        "governance/meeting_form.html",
        {"partnership": committee.partnership, "committee": committee, "form": form},
    )


@login_required
def meeting_detail(request, pk):
    meeting = meeting_for(request, pk)
    committee = meeting.committee
    insider = is_insider(request.user, committee)
    manager = can_manage(request.user, committee.partnership)
    items = meeting.items.prefetch_related("papers", "decisions").order_by("order", "pk")
    if not insider:
        items = items.filter(is_confidential=False)
    attendance = list(meeting.attendance.select_related("membership__person"))
    previous_minutes = (
        Minutes.objects.filter(
            meeting__committee=committee, meeting__starts_at__lt=meeting.starts_at, status=Minutes.Status.DRAFT
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    if previous_minutes and next_meeting_after(previous_minutes.meeting) != meeting:
        previous_minutes = None
    documents = meeting.documents.select_related("minutes").order_by("kind", "-created_at")
    if not insider:
        documents = [d for d in documents if d.is_public]
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "partnership": committee.partnership,
            "meeting": meeting,
            "committee": committee,
            "items": items,
            "insider": insider,
            "can_manage": manager,
            "agenda_recipients": agenda_recipients(meeting) if manager and meeting.status != "cancelled" else [],
            "quorum": services.quorum_for(meeting, {a.membership_id: a.status for a in attendance}),
            "attendance": attendance,
            "matters_arising": services.matters_arising(meeting, public=not insider),
            "minutes_versions": meeting.minutes_versions.select_related("signed_by", "approved_at_meeting"),
            "previous_minutes": previous_minutes,
            "documents": documents,
        },
    )


# Edits existing items only: a tampered form count must not add rows (new items come from NewAgendaItemForm).
ItemFormSet = modelformset_factory(AgendaItem, form=AgendaItemForm, extra=0, edit_only=True)


@login_required
def meeting_agenda(request, pk):
    """The whole agenda on one page: edit every item, add the next one, attach papers."""
    meeting = meeting_for(request, pk)
    require(can_manage(request.user, meeting.committee.partnership))
    queryset = meeting.items.prefetch_related("papers").order_by("order", "pk")
    formset = ItemFormSet(queryset=queryset, prefix="items")
    new_form = NewAgendaItemForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "add":
                new_form = NewAgendaItemForm(request.POST)
                if new_form.is_valid():
                    services.add_agenda_item(meeting=meeting, added_by=request.user, **new_form.cleaned_data)
                    messages.success(request, "Item added.")
                    return redirect("governance:meeting_agenda", meeting.pk)
            else:
                formset = ItemFormSet(request.POST, queryset=queryset, prefix="items")
                if formset.is_valid():
                    services.update_agenda_items(
                        meeting=meeting,
                        items=[form.instance for form in formset.forms if form.instance.pk],
                        updated_by=request.user,
                    )
                    messages.success(request, "Agenda saved.")
                    return redirect("governance:meeting_agenda", meeting.pk)
        except ValidationError as error:
            show_error(request, error)
    return render(
        request,
        "governance/meeting_agenda.html",
        {
            "partnership": meeting.committee.partnership,
            "meeting": meeting,
            "formset": formset,
            "new_form": new_form,
            "paper_form": PaperForm(),
        },
    )


@login_required
@require_POST
def item_paper(request, pk):
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=Meeting.objects.for_user(request.user)).select_related(
            "meeting__committee__partnership"
        ),
        pk=pk,
    )
    require(can_manage(request.user, item.meeting.committee.partnership))
    form = PaperForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to attach.")
    else:
        try:
            services.attach_paper(
                item=item, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], uploaded_by=request.user
            )
        except ValidationError as error:
            show_error(request, error)
        else:
            messages.success(request, f"Paper attached to “{item.title}”.")
    return redirect("governance:meeting_agenda", item.meeting_id)


@login_required
def paper_download(request, pk):
    paper = get_object_or_404(
        Paper.objects.filter(item__meeting__in=Meeting.objects.for_user(request.user)).select_related(
            "item__meeting__committee__partnership"
        ),
        pk=pk,
    )
    use_partnership(request, paper.item.meeting.committee.partnership)
    require(can_see_papers(request.user, paper.item.meeting.committee))
    try:
        handle = private_storage().open(paper.file_name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=paper.original_name,
        content_type=paper.content_type or "application/octet-stream",
    )


@login_required
@require_POST
@once
def meeting_publish(request, pk):
    meeting = meeting_for(request, pk)
    require(can_manage(request.user, meeting.committee.partnership))
    try:
        services.publish_agenda(meeting=meeting, published_by=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, "Agenda published: the pack is being made and e-mailed to the members.")
    return redirect(meeting)


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = meeting_for(request, pk)
    require(can_manage(request.user, meeting.committee.partnership))
    try:
        services.cancel_meeting(meeting=meeting, cancelled_by=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, "Meeting cancelled.")
    return redirect(meeting)


@login_required
def meeting_attendance(request, pk):
    """Attendance for every member on one page: a radio group each, present by default."""
    meeting = meeting_for(request, pk)
    require(can_manage(request.user, meeting.committee.partnership))
    members = list(members_for(meeting))
    recorded = {a.membership_id: a.status for a in meeting.attendance.all()}
    form = AttendanceForm(request.POST or None, members=members, initial_statuses=recorded)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(meeting=meeting, statuses=form.statuses(), recorded_by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            quorum = services.quorum_for(meeting)
            messages.success(request, f"Attendance recorded. {quorum.text}")
            return redirect(meeting)
    return render(
        request,
        "governance/meeting_attendance.html",
        {"partnership": meeting.committee.partnership, "meeting": meeting, "form": form, "statuses": Attendance.Status},
    )


@login_required
def meeting_interests(request, pk):
    meeting = meeting_for(request, pk)
    require(can_manage(request.user, meeting.committee.partnership))
    members = list(members_for(meeting))
    interests = InterestEntry.objects.filter(person__in=[m.person_id for m in members]).select_related("person")
    form = DeclarationForm(request.POST or None, meeting=meeting, interests=interests)
    if request.method == "POST" and form.is_valid():
        interest = form.cleaned_data["interest"]
        membership = next((m for m in members if m.person_id == interest.person_id), None)
        try:
            if membership is None:
                raise ValidationError("That person is not a member of the committee on the day of the meeting.")
            services.declare_interest(
                item=form.cleaned_data["item"],
                membership=membership,
                interest=interest,
                withdrew=form.cleaned_data["withdrew"],
                declared_by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Declaration recorded.")
            return redirect("governance:meeting_interests", meeting.pk)
    declarations = (
        meeting.items.filter(declarations__isnull=False)
        .prefetch_related("declarations__membership__person", "declarations__interest")
        .distinct()
        .order_by("order")
    )
    return render(
        request,
        "governance/meeting_interests.html",
        {
            "partnership": meeting.committee.partnership,
            "meeting": meeting,
            "form": form,
            "declarations": declarations,
            "members": members,
            "interests": interests,
        },
    )


@login_required
@once
def item_votes(request, pk):
    """Quorum first, then the motion and a vote per present member."""
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=Meeting.objects.for_user(request.user)).select_related(
            "meeting__committee__partnership", "meeting__host_school"
        ),
        pk=pk,
    )
    meeting = item.meeting
    use_partnership(request, meeting.committee.partnership)
    require(can_manage(request.user, meeting.committee.partnership))
    attendance = {a.membership_id: a.status for a in meeting.attendance.all()}
    voters = [m for m in members_for(meeting) if m.can_vote and attendance.get(m.pk) == Attendance.Status.PRESENT]
    quorum = services.quorum_for(meeting, attendance)
    form = DecisionForm(request.POST or None, item=item, voters=voters)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.record_decision(
                item=item, motion=form.cleaned_data["motion"], votes=form.votes(), recorded_by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"Decision recorded: {decision.outcome.lower()} "
                f"({decision.votes_for} for, {decision.votes_against} against, "
                f"{decision.abstentions} abstaining).",
            )
            return redirect("governance:item_votes", item.pk)
    items = list(meeting.items.order_by("order", "pk"))
    position = next(i for i, other in enumerate(items) if other.pk == item.pk)
    decisions = item.decisions.prefetch_related(
        Prefetch("votes", queryset=Vote.objects.select_related("membership__person"))
    )
    return render(
        request,
        "governance/item_votes.html",
        {
            "partnership": meeting.committee.partnership,
            "meeting": meeting,
            "item": item,
            "form": form,
            "quorum": quorum,
            "decisions": decisions,
            "previous_item": items[position - 1] if position else None,
            "next_item": items[position + 1] if position + 1 < len(items) else None,
        },
    )
