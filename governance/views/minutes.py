from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import use_partnership
from partnership.once import once
from partnership.pdf import private_storage
from partnership.permissions import require, visible_partnership_ids

from .. import services
from ..forms import CorrectionForm, ItemMinutesForm
from ..models import Document, Minutes, MinutesDistribution
from ..permissions import can_download, can_manage
from ..recipients import minutes_recipients
from ..services.minutes import next_meeting_after
from .common import meeting_for, show_error


def _minutes_for(request, pk) -> Minutes:
    minutes = get_object_or_404(
        Minutes.objects.for_user(request.user).select_related("meeting__committee__partnership"), pk=pk
    )
    use_partnership(request, minutes.meeting.committee.partnership)
    require(can_manage(request.user, minutes.meeting.committee.partnership))
    return minutes


@login_required
def meeting_minutes(request, pk):
    """The minute of every item on one page, then approve, sign or correct."""
    meeting = meeting_for(request, pk)
    require(can_manage(request.user, meeting.committee.partnership))
    versions = list(meeting.minutes_versions.select_related("signed_by", "approved_at_meeting", "corrects"))
    editable = next((m for m in versions if m.status == Minutes.Status.DRAFT), None)
    shown = editable or (versions[0] if versions else None)
    items = list(meeting.items.order_by("order", "pk"))
    texts = {entry.item_id: entry.text for entry in shown.item_minutes.all()} if shown else {}
    form = ItemMinutesForm(request.POST or None, items=items, texts=texts)
    if request.method == "POST":
        if editable is None:
            messages.error(
                request,
                "There are no draft minutes to edit: record the attendance first, or correct the signed minutes.",
            )
            return redirect("governance:meeting_minutes", meeting.pk)
        if form.is_valid():
            try:
                services.save_item_minutes(minutes=editable, texts=form.texts(), saved_by=request.user)
            except ValidationError as error:
                show_error(request, error)
            else:
                messages.success(request, "Minutes saved.")
                return redirect("governance:meeting_minutes", meeting.pk)
    return render(
        request,
        "governance/meeting_minutes.html",
        {
            "partnership": meeting.committee.partnership,
            "meeting": meeting,
            "form": form,
            "editable": editable,
            "shown": shown,
            "versions": versions,
            "next_meeting": next_meeting_after(meeting),
            "correction_form": CorrectionForm(),
            "documents": meeting.documents.exclude(kind=Document.Kind.AGENDA_PACK).select_related("minutes"),
        },
    )


@login_required
@require_POST
def minutes_approve(request, pk):
    minutes = _minutes_for(request, pk)
    at_meeting = next_meeting_after(minutes.meeting)
    try:
        if at_meeting is None:
            raise ValidationError("Minutes are approved at the committee's next meeting: schedule it first.")
        services.approve_minutes(minutes=minutes, at_meeting=at_meeting, approved_by=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, f"Minutes approved at the meeting of {at_meeting.starts_at:%-d %B %Y}.")
    return redirect("governance:meeting_minutes", minutes.meeting_id)


@login_required
@require_POST
@once
def minutes_sign(request, pk):
    minutes = _minutes_for(request, pk)
    try:
        services.sign_minutes(minutes=minutes, signed_by=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, "Minutes signed by the chair. The PDFs are being made.")
    return redirect("governance:meeting_minutes", minutes.meeting_id)


@login_required
@require_POST
def minutes_correct(request, pk):
    minutes = _minutes_for(request, pk)
    form = CorrectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Say what the correction is for.")
        correction = services.correct_minutes(
            minutes=minutes, reason=form.cleaned_data["reason"], corrected_by=request.user
        )
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request, f"Version {correction.version} started as a draft; version {minutes.version} is kept as signed."
        )
    return redirect("governance:meeting_minutes", minutes.meeting_id)


@login_required
@once
def minutes_distribution(request, pk):
    """Who receives which version of the signed minutes and why (before anything is sent),
    what was sent to whom, and which governing bodies have received or ratified them."""
    minutes = _minutes_for(request, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send":
                rows = services.distribute_minutes(minutes=minutes, distributed_by=request.user)
                messages.success(request, _sent_message(rows))
            else:
                row = get_object_or_404(
                    MinutesDistribution,
                    minutes=minutes,
                    governing_body__isnull=False,
                    pk=request.POST.get("row") if (request.POST.get("row") or "").isdigit() else 0,
                )
                services.mark_distribution(
                    distribution=row, what=request.POST.get("action", ""), marked_by=request.user
                )
                messages.success(request, f"{row.governing_body} marked {request.POST.get('action')}.")
        except ValidationError as error:
            show_error(request, error)
        return redirect("governance:minutes_distribution", minutes.pk)
    rows = list(minutes.distributions.select_related("governing_body", "membership__person"))
    sent_at = {}
    for row in rows:
        key = ("body", row.governing_body_id) if row.governing_body_id else ("member", row.membership_id, row.version)
        sent_at[key] = row.sent_at
    plan = [
        (recipient, sent_at.get(recipient.key) if recipient.version else None)
        for recipient in minutes_recipients(minutes)
    ]
    body_rows = [row for row in rows if row.governing_body_id]
    return render(
        request,
        "governance/minutes_distribution.html",
        {
            "partnership": minutes.meeting.committee.partnership,
            "minutes": minutes,
            "meeting": minutes.meeting,
            "plan": plan,
            "to_send": sum(1 for recipient, at in plan if recipient.version and at is None),
            "rows": rows,
            "body_rows": body_rows,
            "waiting": [row for row in body_rows if row.received_at is None],
            "no_email": [r.governing_body for r, _at in plan if r.governing_body is not None and not r.version],
            "documents": minutes.documents.all(),
        },
    )


def _sent_message(rows) -> str:
    bodies = sum(1 for row in rows if row.governing_body_id)
    members = [row for row in rows if row.membership_id]
    full = sum(1 for row in members if row.is_full)
    return (
        f"Minutes sent to {bodies} governing {'body' if bodies == 1 else 'bodies'} (public version) and "
        f"{len(members)} committee {'member' if len(members) == 1 else 'members'} "
        f"({full} full, {len(members) - full} public)."
    )


@login_required
def document_download(request, pk):
    document = get_object_or_404(
        Document.objects.filter(
            meeting__committee__partnership_id__in=visible_partnership_ids(request.user)
        ).select_related("meeting__committee__partnership"),
        pk=pk,
    )
    use_partnership(request, document.meeting.committee.partnership)
    require(can_download(request.user, document))
    if document.status != Document.Status.DONE:
        raise Http404("The document is not ready.")
    try:
        handle = private_storage().open(document.file_name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    response = FileResponse(
        handle, as_attachment=False, filename=document.download_name, content_type="application/pdf"
    )
    response["X-Content-SHA256"] = document.sha256
    return response
