"""Booking, cancelling, registers, feedback, follow-ups and generated documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from partnership.current import use_partnership
from partnership.db import retry_on_lost_connection
from partnership.inputs import is_plain_number
from partnership.once import once
from partnership.permissions import require

from ..forms import BookingForm, FeedbackForm, FollowUpForm
from ..models import Attendance, Booking, Document, Event, Feedback, ImpactFollowUp, Session
from ..permissions import can_book, can_cancel, can_get_certificate, can_organise
from ..services import (
    BookingError,
    answer_follow_up,
    book_place,
    cancel_booking,
    feedback_refusal,
    give_feedback,
    mark_attendance,
    request_document,
)
from .common import bookable_people, staff_of_member_schools


@login_required
@require_POST
@once
def book(request, pk):
    event = get_object_or_404(Event.objects.for_user(request.user).select_related("programme__partnership"), pk=pk)
    use_partnership(request, event.programme.partnership)
    require(event.is_booking_open and bookable_people(request.user, event).exists())
    # Any member school's staff is a valid choice; whether this user may book them is a
    # permission question (403), not a form error.
    form = BookingForm(request.POST, people=staff_of_member_schools(event))
    if not form.is_valid():
        messages.error(request, "Choose a member of staff from the list.")
        return redirect(event)
    person = form.cleaned_data["person"]
    require(can_book(request.user, event, person))
    try:
        # A database restart mid-request must not lose the booking: reconnect and book again
        # (the service's own checks stop a second booking if the first one was committed).
        booking = retry_on_lost_connection(book_place)(event_id=event.pk, person=person, booked_by=request.user)
    except BookingError as error:
        messages.error(request, str(error))
        return redirect(event)
    if booking.status == Booking.Status.CONFIRMED:
        messages.success(request, f"Place confirmed for {person}.")
    else:
        messages.info(request, f"The event is full: {person} is on the waiting list.")
    return redirect(event)


@login_required
@require_POST
@once
def cancel(request, pk):
    booking = get_object_or_404(
        Booking.objects.for_user(request.user).select_related("event__programme__partnership", "person"), pk=pk
    )
    use_partnership(request, booking.event.programme.partnership)
    require(can_cancel(request.user, booking))
    if booking.status == Booking.Status.CANCELLED:
        messages.info(request, "That booking was already cancelled.")
    else:
        _, promoted = cancel_booking(booking_id=booking.pk, cancelled_by=request.user)
        messages.success(request, f"Booking for {booking.person} cancelled.")
        for other in promoted:
            messages.info(request, f"{other.person} from the waiting list now has the place.")
    return redirect(request.POST.get("next") if _safe(request.POST.get("next")) else booking.event)


def _safe(url) -> bool:
    # Only paths on this site: never an open redirect.
    return bool(url) and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def _organised_session(request, pk):
    session = get_object_or_404(
        Session.objects.for_user(request.user).select_related("event__programme__partnership", "host_school"), pk=pk
    )
    use_partnership(request, session.event.programme.partnership)
    require(can_organise(request.user, session.event.programme.partnership))
    return session


@login_required
def register(request, pk):
    session = _organised_session(request, pk)
    bookings = list(
        session.event.bookings.confirmed()
        .select_related("person", "school")
        .order_by("school__name", "person__last_name", "person__first_name")
    )
    if request.method == "POST":
        present = {int(v) for v in request.POST.getlist("present") if is_plain_number(v)}
        count = mark_attendance(
            session=session, present_ids=present, booking_ids=[b.pk for b in bookings], marked_by=request.user
        )
        messages.success(request, f"Register saved: {len(present & {b.pk for b in bookings})} of {count} present.")
        return redirect("cpd:register", session.pk)
    marks = dict(Attendance.objects.filter(session=session).values_list("booking_id", "present"))
    for booking in bookings:
        booking.mark = marks.get(booking.pk)
    sheet = Document.objects.filter(session=session, kind=Document.Kind.SIGN_IN_SHEET).first()
    return render(
        request,
        "cpd/register.html",
        {
            "session": session,
            "event": session.event,
            "bookings": bookings,
            "sheet": sheet,
            "partnership": session.event.programme.partnership,
        },
    )


@login_required
@require_POST
def sign_in_sheet(request, pk):
    session = _organised_session(request, pk)
    request_document(kind=Document.Kind.SIGN_IN_SHEET, session=session, requested_by=request.user)
    messages.success(request, "The sign-in sheet is being made; it appears on this page when ready.")
    return redirect("cpd:register", session.pk)


@login_required
@require_POST
def certificate(request, pk):
    booking = get_object_or_404(
        Booking.objects.for_user(request.user).select_related("event__programme__partnership", "person"), pk=pk
    )
    use_partnership(request, booking.event.programme.partnership)
    require(can_get_certificate(request.user, booking))
    try:
        request_document(kind=Document.Kind.CERTIFICATE, booking=booking, requested_by=request.user)
    except BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The certificate is being made; it appears in your bookings when ready.")
    return redirect(request.POST.get("next") if _safe(request.POST.get("next")) else booking.event)


@login_required
def document_download(request, pk):
    document = get_object_or_404(
        Document.objects.select_related(
            "session__event__programme__partnership", "booking__event__programme__partnership", "booking__person"
        ),
        pk=pk,
    )
    event = document.event
    partnership = event.programme.partnership
    if not Event.objects.for_user(request.user).filter(pk=event.pk).exists():
        raise Http404
    use_partnership(request, partnership)
    if document.kind == Document.Kind.CERTIFICATE:
        require(can_get_certificate(request.user, document.booking))
    else:
        require(can_organise(request.user, partnership))
    if document.status != Document.Status.DONE:
        raise Http404("The document is not ready.")
    try:
        handle = storages["private"].open(document.stored_name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing; make the document again.") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )


@login_required
def feedback(request, pk):
    booking = get_object_or_404(
        Booking.objects.for_user(request.user).select_related("event__programme__partnership", "person"), pk=pk
    )
    use_partnership(request, booking.event.programme.partnership)
    require(booking.person.user_id == request.user.pk and booking.status == Booking.Status.CONFIRMED)
    existing = Feedback.objects.filter(booking=booking).first()
    initial = {"rating": existing.rating, "comments": existing.comments} if existing else None
    form = FeedbackForm(request.POST or None, initial=initial)
    # Said before the form is filled in, not after: the page explains and offers no form.
    refusal = feedback_refusal(booking)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            give_feedback(booking=booking, given_by=request.user, **form.cleaned_data)
        except BookingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect("cpd:my_bookings", booking.event.programme.partnership.slug)
    return render(
        request,
        "cpd/feedback_form.html",
        {"form": form, "refusal": refusal, "booking": booking, "partnership": booking.event.programme.partnership},
    )


def follow_up(request, token):
    """Answered from the link in the e-mail, without signing in: the token is the secret."""
    record = (
        ImpactFollowUp.objects.select_related("booking__event__programme__partnership", "booking__person")
        .filter(token=token)
        .first()
    )
    if record is None:
        raise Http404
    form = FollowUpForm(request.POST or None, initial={"what_changed": record.what_changed})
    if request.method == "POST" and form.is_valid():
        answer_follow_up(follow_up=record, what_changed=form.cleaned_data["what_changed"])
        return render(request, "cpd/follow_up_thanks.html", {"follow_up": record})
    return render(request, "cpd/follow_up_form.html", {"form": form, "follow_up": record})
