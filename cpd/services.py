"""Writes that touch several rows: each is one transaction with one audit entry per change."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from partnership.audit import record
from partnership.jobs import enqueue_on_commit
from partnership.links import role_for_link
from schools.models import Person, School

from . import allocation
from .models import (
    AllocationRun,
    Attendance,
    Booking,
    CalendarFeed,
    Charge,
    Choice,
    Document,
    Event,
    Feedback,
    ImpactFollowUp,
    Placement,
    Session,
    school_phase,
)


class BookingError(Exception):
    """What the rules do not allow for a booking; the message is shown to the person."""


def _confirmed_by_school(event: Event) -> dict[int, int]:
    return dict(
        event.bookings.confirmed().values_list("school_id").annotate(n=Count("pk")).values_list("school_id", "n")
    )


def _charge(booking: Booking) -> None:
    """A confirmed or attended place is charged to the booking school at the event's price."""
    event = booking.event
    if not event.charges_schools:
        return
    charge = Charge.objects.filter(booking=booking).first()
    if charge is None:
        Charge.objects.create(booking=booking, school_id=booking.school_id, amount=event.cost_per_place)
    elif charge.voided_at is not None:
        charge.voided_at = None
        charge.amount = event.cost_per_place
        charge.save(update_fields=["voided_at", "amount"])


def _confirm(booking: Booking, *, actor, verb: str) -> None:
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at = timezone.now()
    booking.save(update_fields=["status", "confirmed_at"])
    _charge(booking)
    record(actor=actor, verb=verb, target=booking, partnership=booking.event.programme.partnership)


@transaction.atomic
def book_place(*, event_id: int, person, booked_by) -> Booking:
    # Lock the event so two requests for the last place (or a school's last place) cannot both win.
    event = Event.objects.select_for_update().select_related("programme__partnership").get(pk=event_id)
    partnership = event.programme.partnership
    if not event.is_booking_open:
        raise BookingError("Booking for this event is closed.")
    if person.school_id is None or not School.objects.in_partnership(partnership).filter(pk=person.school_id).exists():
        raise BookingError(f"{person} does not work at a member school of {partnership}.")
    if event.bookings.active().filter(person=person).exists():
        raise BookingError(f"{person} already has a place or is on the waiting list.")
    taken = event.bookings.confirmed().count()
    school_taken = event.bookings.confirmed().filter(school_id=person.school_id).count()
    has_room = taken < event.capacity and (event.per_school_cap is None or school_taken < event.per_school_cap)
    booking = Booking.objects.create(
        event=event,
        person=person,
        school_id=person.school_id,
        status=Booking.Status.CONFIRMED if has_room else Booking.Status.WAITLISTED,
        booked_by=booked_by,
        confirmed_at=timezone.now() if has_room else None,
    )
    if has_room:
        _charge(booking)
    record(
        actor=booked_by,
        verb="cpd.booking.created",
        target=booking,
        partnership=partnership,
        data={"status": booking.status},
    )
    return booking


def _is_waiting_list_moving(event: Event) -> bool:
    """A place freed once booking has closed, or once the last session has started, goes to
    nobody: a school must not be charged, nor a person told, for a place they cannot take."""
    if not event.is_booking_open:
        return False
    last_starts_at = event.sessions.aggregate(last=Max("starts_at"))["last"]
    return last_starts_at is None or last_starts_at > timezone.now()


def _fill_from_waiting_list(event: Event, *, actor) -> list[Booking]:
    """Promote waiting people in the order they joined, skipping those whose school is at its
    cap, while there is room. The caller holds the event lock."""
    if not _is_waiting_list_moving(event):
        return []
    promoted = []
    taken = event.bookings.confirmed().count()
    by_school = _confirmed_by_school(event)
    for waiting in (
        event.bookings.waitlisted().select_related("event__programme__partnership").order_by("created_at", "pk")
    ):
        if taken >= event.capacity:
            break
        if event.per_school_cap is not None and by_school.get(waiting.school_id, 0) >= event.per_school_cap:
            continue
        _confirm(waiting, actor=actor, verb="cpd.booking.promoted")
        taken += 1
        by_school[waiting.school_id] = by_school.get(waiting.school_id, 0) + 1
        promoted.append(waiting)
        from .tasks import send_place_confirmed_email

        enqueue_on_commit(send_place_confirmed_email, waiting.pk)
    return promoted


@transaction.atomic
def cancel_booking(*, booking_id: int, cancelled_by) -> tuple[Booking, list[Booking]]:
    """Cancel a place (or leave the waiting list); a freed place goes to the waiting list while
    the event is open for booking and its last session is still to start."""
    event_id = Booking.objects.values_list("event_id", flat=True).get(pk=booking_id)
    # Locks in a fixed order, event then booking, like book_place.
    event = Event.objects.select_for_update().select_related("programme__partnership").get(pk=event_id)
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    if booking.status == Booking.Status.CANCELLED:
        return booking, []
    was = booking.status
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    Charge.objects.filter(booking=booking, voided_at__isnull=True).update(voided_at=timezone.now())
    record(
        actor=cancelled_by,
        verb="cpd.booking.cancelled",
        target=booking,
        partnership=event.programme.partnership,
        data={"was": was},
    )
    promoted = _fill_from_waiting_list(event, actor=cancelled_by) if was == Booking.Status.CONFIRMED else []
    return booking, promoted


@transaction.atomic
def save_event(*, form, saved_by, programme=None) -> tuple[Event, list[Booking]]:
    """Create or change an event from a valid EventForm; more room promotes waiting people."""
    creating = form.instance.pk is None
    if creating:
        form.instance.programme = programme
        form.instance.created_by = saved_by
    else:
        Event.objects.select_for_update().get(pk=form.instance.pk)
    event = form.save()
    record(
        actor=saved_by,
        verb="cpd.event.created" if creating else "cpd.event.changed",
        target=event,
        partnership=event.programme.partnership,
        data={"changed": form.changed_data},
    )
    promoted = [] if creating else _fill_from_waiting_list(event, actor=saved_by)
    return event, promoted


@transaction.atomic
def add_session(*, event: Event, form, added_by) -> Session:
    form.instance.event = event
    session = form.save()
    record(actor=added_by, verb="cpd.session.added", target=session, partnership=event.programme.partnership)
    return session


@transaction.atomic
def mark_attendance(*, session: Session, present_ids: set[int], booking_ids: list[int], marked_by) -> int:
    """Record present/absent for the listed bookings; an attended place is always charged."""
    bookings = {b.pk: b for b in session.event.bookings.filter(pk__in=booking_ids).select_related("event")}
    existing = {a.booking_id: a for a in Attendance.objects.filter(session=session, booking_id__in=bookings)}
    now = timezone.now()
    for booking_id, booking in bookings.items():
        present = booking_id in present_ids
        mark = existing.get(booking_id)
        if mark is None:
            Attendance.objects.create(
                booking=booking, session=session, present=present, marked_by=marked_by, marked_at=now
            )
        elif mark.present != present:
            mark.present, mark.marked_by, mark.marked_at = present, marked_by, now
            mark.save(update_fields=["present", "marked_by", "marked_at"])
        if present:
            _charge(booking)
    record(
        actor=marked_by,
        verb="cpd.attendance.marked",
        target=session,
        partnership=session.event.programme.partnership,
        data={"present": len(present_ids & set(bookings)), "marked": len(bookings)},
    )
    return len(bookings)


def feedback_refusal(booking: Booking) -> str:
    """Why the person on this booking may not give feedback (yet), or "" when they may:
    only once the event has started, and only from people the register shows attended."""
    if booking.status != Booking.Status.CONFIRMED:
        return "Only a confirmed place can give feedback."
    first_starts_at = booking.event.sessions.aggregate(first=Min("starts_at"))["first"]
    if first_starts_at is None or first_starts_at > timezone.now():
        return "Feedback opens once the event has started."
    if not booking.attendances.filter(present=True).exists():
        return "Feedback is for people the register shows attended. If yours is wrong, ask the organiser."
    return ""


@transaction.atomic
def give_feedback(*, booking: Booking, rating: int, comments: str, given_by) -> Feedback:
    refusal = feedback_refusal(booking)
    if refusal:
        raise BookingError(refusal)
    feedback, _ = Feedback.objects.update_or_create(
        booking=booking, defaults={"rating": rating, "comments": comments, "submitted_at": timezone.now()}
    )
    record(actor=given_by, verb="cpd.feedback.given", target=booking, partnership=booking.event.programme.partnership)
    return feedback


@transaction.atomic
def answer_follow_up(*, follow_up: ImpactFollowUp, what_changed: str) -> ImpactFollowUp:
    follow_up.what_changed = what_changed
    follow_up.answered_at = timezone.now()
    follow_up.save(update_fields=["what_changed", "answered_at"])
    record(
        actor=None,
        verb="cpd.follow_up.answered",
        target=follow_up.booking,
        partnership=follow_up.booking.event.programme.partnership,
    )
    return follow_up


def has_attended_every_session(booking: Booking) -> bool:
    """The register is kept per session: a certificate needs a present mark at each one."""
    sessions = set(booking.event.sessions.values_list("pk", flat=True))
    present = set(booking.attendances.filter(present=True).values_list("session_id", flat=True))
    return bool(sessions) and sessions <= present


@transaction.atomic
def request_document(
    *, kind: str, requested_by, session: Session | None = None, booking: Booking | None = None
) -> Document:
    from .tasks import render_document

    if kind == Document.Kind.CERTIFICATE and not has_attended_every_session(booking):
        raise BookingError("A certificate is available once the register shows attendance at every session.")
    document = Document.objects.create(kind=kind, session=session, booking=booking, requested_by=requested_by)
    event = session.event if session else booking.event
    record(actor=requested_by, verb=f"cpd.{kind}.requested", target=document, partnership=event.programme.partnership)
    enqueue_on_commit(render_document, document.pk)
    return document


@transaction.atomic
def create_feed(*, programme, scope: str, owner, person=None, school=None) -> CalendarFeed:
    role = role_for_link(owner, programme.partnership, school=school if scope == CalendarFeed.Scope.SCHOOL else None)
    feed = CalendarFeed.objects.create(
        programme=programme, scope=scope, owner=owner, person=person, school=school, role=role
    )
    record(actor=owner, verb="cpd.feed.created", target=feed, partnership=programme.partnership, data={"scope": scope})
    return feed


@transaction.atomic
def revoke_feed(*, feed: CalendarFeed, revoked_by) -> None:
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(actor=revoked_by, verb="cpd.feed.revoked", target=feed, partnership=feed.programme.partnership)


@transaction.atomic
def save_choices(*, event: Event, person, workshop_ids: list[int], chosen_by) -> list[Choice]:
    """Replace a person's ranked workshop choices (first in the list = first choice)."""
    Choice.objects.filter(event=event, person=person).delete()
    choices = Choice.objects.bulk_create(
        Choice(event=event, person=person, workshop_id=w, rank=rank)
        for rank, w in enumerate(dict.fromkeys(workshop_ids), start=1)
    )
    record(
        actor=chosen_by,
        verb="cpd.choices.saved",
        target=event,
        partnership=event.programme.partnership,
        data={"person": person.pk},
    )
    return choices


def inset_participants(event: Event) -> dict[int, int]:
    """Person id -> school id for the staff of member schools in the event's audience phases."""
    phases = set(event.phase_codes)
    schools = {
        school.pk: school
        for school in School.objects.in_partnership(event.programme.partnership)
        if not phases or school_phase(school) in phases
    }
    return dict(Person.objects.filter(kind=Person.Kind.STAFF, school_id__in=schools).values_list("pk", "school_id"))


# A whole town solves in seconds; a run still queued or running after this is abandoned.
STALE_ALLOCATION_AFTER = timedelta(minutes=10)


@transaction.atomic
def request_allocation(*, event: Event, run_by) -> AllocationRun:
    """Queue an allocation run for a Celery worker. While a run is queued or running, asking
    again returns that run rather than starting a second one."""
    from .tasks import allocate_workshops

    Event.objects.select_for_update().get(pk=event.pk)
    pending = event.allocation_runs.filter(
        status__in=[AllocationRun.Status.QUEUED, AllocationRun.Status.RUNNING]
    ).first()
    if pending is not None and pending.ran_at >= timezone.now() - STALE_ALLOCATION_AFTER:
        return pending
    if pending is not None:
        # Its worker died (or no worker ever took it): give up on it so a new run can start.
        AllocationRun.objects.filter(pk=pending.pk).update(
            status=AllocationRun.Status.FAILED,
            error="No worker finished this run in time.",
            finished_at=timezone.now(),
        )
    run = AllocationRun.objects.create(event=event, run_by=run_by, status=AllocationRun.Status.QUEUED)
    record(actor=run_by, verb="cpd.allocation.requested", target=event, partnership=event.programme.partnership)
    enqueue_on_commit(allocate_workshops, run.pk)
    return run


@transaction.atomic
def solve_allocation(*, run: AllocationRun) -> AllocationRun:
    """Allocate the event's participants to its workshops and keep the result on `run` as a
    draft; it is published separately. Called by the task that claimed the run."""
    event = Event.objects.select_for_update().select_related("programme__partnership").get(pk=run.event_id)
    people = inset_participants(event)
    spaces = [allocation.WorkshopSpace(w.pk, w.capacity, w.per_school_cap) for w in event.workshops.all()]
    choices: dict[int, list[int]] = {}
    for person_id, workshop_id in event.choices.order_by("person_id", "rank").values_list("person_id", "workshop_id"):
        choices.setdefault(person_id, []).append(workshop_id)
    # Only current participants count, even if someone who left had made choices.
    choices = {p: ranked for p, ranked in choices.items() if p in people}
    result = allocation.allocate(people, spaces, choices)
    run.placements.all().delete()  # a retried run starts clean
    Placement.objects.bulk_create(
        Placement(run=run, person_id=p, workshop_id=w, rank=result.ranks.get(p)) for p, w in result.placements.items()
    )
    run.seconds, run.people, run.placed, run.by_rank = (
        result.seconds,
        len(people),
        len(result.placements),
        result.by_rank,
    )
    run.status, run.error, run.finished_at = AllocationRun.Status.DONE, "", timezone.now()
    run.save(update_fields=["seconds", "people", "placed", "by_rank", "status", "error", "finished_at"])
    record(
        actor=run.run_by,
        verb="cpd.allocation.run",
        target=event,
        partnership=event.programme.partnership,
        data={"people": run.people, "placed": run.placed, "by_rank": run.by_rank},
    )
    return run


def run_allocation(*, event: Event, run_by) -> AllocationRun:
    """Allocate at once, in this process (demo data, scripts and tests); the organiser's page
    queues `request_allocation` instead."""
    with transaction.atomic():
        run = AllocationRun.objects.create(event=event, run_by=run_by, status=AllocationRun.Status.RUNNING)
        return solve_allocation(run=run)


@transaction.atomic
def publish_allocation(*, run: AllocationRun, published_by) -> AllocationRun:
    if run.status != AllocationRun.Status.DONE:
        raise ValueError("Only a finished allocation run can be published.")
    # Only one published run per event: the newest one published wins.
    AllocationRun.objects.filter(event=run.event).exclude(pk=run.pk).update(published_at=None)
    run.published_at = timezone.now()
    run.save(update_fields=["published_at"])
    record(
        actor=published_by,
        verb="cpd.allocation.published",
        target=run.event,
        partnership=run.event.programme.partnership,
    )
    return run
