"""Celery tasks for CPD. Tasks take ids, are queued on commit and are safe to run twice."""

from datetime import timedelta
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.jobs import requeue_stale, resend_queued
from partnership.pdf import write_pdf

# Half a term: English half terms run six to seven weeks.
FOLLOW_UP_AFTER = timedelta(weeks=6)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def send_place_confirmed_email(booking_id: int) -> bool:
    """Tell someone promoted from the waiting list that they have a place."""
    from .models import Booking

    booking = (
        Booking.objects.select_related("person", "event__programme__partnership", "school")
        .filter(pk=booking_id, status=Booking.Status.CONFIRMED)
        .first()
    )
    if booking is None or not booking.person.email:
        return False
    context = {
        "booking": booking,
        "sessions": booking.event.sessions.select_related("host_school"),
        "event_url": settings.SITE_URL + booking.event.get_absolute_url(),
    }
    send_mail(
        subject=f"You have a place: {booking.event.title}",
        message=render_to_string("cpd/email/place_confirmed.txt", context),
        from_email=None,
        recipient_list=[booking.person.email],
    )
    return True


@shared_task(bind=True, acks_late=True, max_retries=5)
def render_document(self, document_id: int) -> None:
    from .models import Attendance, Document

    # Claim: one worker moves QUEUED -> RUNNING; a duplicate delivery updates 0 rows.
    if not Document.objects.filter(pk=document_id, status=Document.Status.QUEUED).update(
        status=Document.Status.RUNNING
    ):
        return
    document = Document.objects.select_related(
        "session__event__programme__partnership",
        "session__host_school",
        "booking__event__programme__partnership",
        "booking__person",
        "booking__school",
    ).get(pk=document_id)
    try:
        if document.kind == Document.Kind.SIGN_IN_SHEET:
            session = document.session
            bookings = (
                session.event.bookings.confirmed()
                .select_related("person", "school")
                .order_by("school__name", "person__last_name", "person__first_name")
            )
            template, context = (
                "cpd/pdf/sign_in_sheet.html",
                {"session": session, "event": session.event, "bookings": bookings},
            )
        else:
            booking = document.booking
            attended = (
                Attendance.objects.filter(booking=booking, present=True)
                .select_related("session")
                .order_by("session__starts_at")
            )
            template = "cpd/pdf/certificate.html"
            context = {"booking": booking, "event": booking.event, "sessions": [a.session for a in attended]}
        name = f"cpd/{document.kind}/{document.pk}.pdf"
        stored_name, sha256, size = write_pdf(name, template, context)
    except Exception as exc:
        # A database blip is worth another go; anything else is shown on the page.
        again = isinstance(exc, OperationalError) and self.request.retries < self.max_retries
        Document.objects.filter(pk=document_id).update(
            status=Document.Status.QUEUED if again else Document.Status.FAILED, error=str(exc)[:500]
        )
        if again:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        raise
    Document.objects.filter(pk=document_id).update(
        status=Document.Status.DONE,
        stored_name=stored_name,
        sha256=sha256,
        size=size,
        finished_at=timezone.now(),
        error="",
    )


@shared_task
def send_impact_follow_ups() -> int:
    """Daily: half a term after an event ends, ask each person who attended what changed in
    their practice. One follow-up per booking, ever."""
    from .models import Booking, ImpactFollowUp

    cutoff = timezone.now() - FOLLOW_UP_AFTER
    due = (
        Booking.objects.filter(attendances__present=True, follow_up__isnull=True)
        .exclude(status=Booking.Status.CANCELLED)
        .annotate(ended_at=Max("event__sessions__ends_at"))
        .filter(ended_at__lte=cutoff, ended_at__gte=cutoff - timedelta(days=60))
        .exclude(person__email="")
        .distinct()
        .values_list("pk", flat=True)
    )
    created = 0
    for booking_id in list(due):
        with transaction.atomic():
            follow_up, was_created = ImpactFollowUp.objects.get_or_create(booking_id=booking_id)
            if was_created:
                created += 1
                transaction.on_commit(partial(send_follow_up_email.delay, follow_up.pk))
    return created


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def send_follow_up_email(follow_up_id: int) -> bool:
    from .models import ImpactFollowUp

    follow_up = (
        ImpactFollowUp.objects.select_related("booking__person", "booking__event__programme__partnership")
        .filter(pk=follow_up_id, answered_at__isnull=True)
        .first()
    )
    if follow_up is None:
        return False
    context = {"follow_up": follow_up, "url": settings.SITE_URL + reverse("cpd:follow_up", args=[follow_up.token])}
    send_mail(
        subject=f"What changed after {follow_up.booking.event.title}?",
        message=render_to_string("cpd/email/follow_up.txt", context),
        from_email=None,
        recipient_list=[follow_up.booking.person.email],
    )
    return True


@shared_task
def requeue_stuck_documents() -> int:
    """Every few minutes: a PDF left RUNNING by a worker that died goes back in the queue;
    a PDF or an INSET allocation run still QUEUED after 20 minutes (its message refused by a
    broker that was down) is sent again. (A RUNNING allocation run is abandoned when the
    organiser asks again: see services.request_allocation.)"""
    from .models import AllocationRun, Document

    stale = timedelta(minutes=20)
    documents = requeue_stale(Document, since_field="created_at", older_than=stale, task_for=lambda pk: render_document)
    runs = resend_queued(AllocationRun, queued_field="ran_at", older_than=stale, task_for=lambda pk: allocate_workshops)
    return documents + len(runs)


@shared_task(bind=True, acks_late=True, max_retries=3)
def allocate_workshops(self, run_id: int) -> None:
    """Solve a queued whole-town INSET allocation run (see services.request_allocation)."""
    from .models import AllocationRun
    from .services import solve_allocation

    # Claim: one worker moves QUEUED -> RUNNING; a duplicate delivery updates 0 rows.
    if not AllocationRun.objects.filter(pk=run_id, status=AllocationRun.Status.QUEUED).update(
        status=AllocationRun.Status.RUNNING, ran_at=timezone.now()
    ):
        return
    run = AllocationRun.objects.select_related("run_by").get(pk=run_id)
    try:
        solve_allocation(run=run)
    except Exception as exc:
        # A database blip is worth another go; anything else is shown on the page.
        again = isinstance(exc, OperationalError) and self.request.retries < self.max_retries
        AllocationRun.objects.filter(pk=run_id).update(
            status=AllocationRun.Status.QUEUED if again else AllocationRun.Status.FAILED,
            error=str(exc)[:500],
            finished_at=None if again else timezone.now(),
        )
        if again:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        raise
