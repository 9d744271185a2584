"""The organiser's CSV exports of an event: attendees, or a whole-town INSET's timetable."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.utils import timezone

from partnership.exports import csv_response

from ..models import Attendance
from .common import organised_event


def _placements_csv(event):
    """For a whole-town INSET: everyone's workshop from the latest allocation run."""
    run = event.allocation_runs.filter(status="done").first()
    header = ["First name", "Last name", "E-mail", "School", "Workshop", "Room", "Host school", "Choice number"]
    placements = (
        run.placements.select_related("person__school", "workshop__host_school").order_by(
            "person__school__name", "person__last_name", "person__first_name"
        )
        if run is not None
        else []
    )
    rows = [
        [
            placement.person.first_name,
            placement.person.last_name,
            placement.person.email,
            placement.person.school.name if placement.person.school_id else "",
            placement.workshop.title,
            placement.workshop.room,
            placement.workshop.host_school.name if placement.workshop.host_school_id else "",
            placement.rank or "Not ranked",
        ]
        for placement in placements
    ]
    return csv_response(f"timetable-{event.pk}.csv", [header, *rows])


@login_required
def attendees_csv(request, pk):
    event = organised_event(request, pk)
    if event.is_whole_town_inset:
        return _placements_csv(event)
    bookings = (
        event.bookings.active().select_related("person", "school", "charge").order_by("status", "created_at", "pk")
    )
    present = dict(
        Attendance.objects.filter(booking__event=event, present=True)
        .values_list("booking_id")
        .annotate(n=Count("pk"))
        .values_list("booking_id", "n")
    )
    sessions = event.sessions.count()
    header = [
        "First name",
        "Last name",
        "E-mail",
        "Job role",
        "School",
        "Status",
        "Booked on",
        "Sessions attended",
        "Charge (£)",
    ]
    rows = [
        [
            booking.person.first_name,
            booking.person.last_name,
            booking.person.email,
            booking.person.job_role,
            booking.school.name,
            booking.get_status_display(),
            timezone.localdate(booking.created_at),
            f"{present.get(booking.pk, 0)} of {sessions}",
            _charge(booking),
        ]
        for booking in bookings
    ]
    return csv_response(f"attendees-{event.pk}.csv", [header, *rows])


def _charge(booking) -> Decimal:
    charge = getattr(booking, "charge", None)
    return charge.amount if charge is not None and charge.voided_at is None else Decimal("0.00")
