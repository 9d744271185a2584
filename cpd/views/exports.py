"""The organiser's CSV exports of an event: attendees, or a whole-town INSET's timetable."""

import csv

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone

from ..models import Attendance
from .common import organised_event


def _placements_csv(event):
    """For a whole-town INSET: everyone's workshop from the latest allocation run."""
    run = event.allocation_runs.filter(status="done").first()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="timetable-{event.pk}.csv"'
    writerow = _safe_writerow(csv.writer(response))
    writerow(["First name", "Last name", "E-mail", "School", "Workshop", "Room", "Host school", "Choice number"])
    if run is None:
        return response
    placements = run.placements.select_related("person__school", "workshop__host_school").order_by(
        "person__school__name", "person__last_name", "person__first_name"
    )
    for placement in placements:
        person, workshop = placement.person, placement.workshop
        writerow(
            [
                person.first_name,
                person.last_name,
                person.email,
                person.school.name if person.school_id else "",
                workshop.title,
                workshop.room,
                workshop.host_school.name if workshop.host_school_id else "",
                placement.rank or "Not ranked",
            ]
        )
    return response


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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendees-{event.pk}.csv"'
    writerow = _safe_writerow(csv.writer(response))
    writerow(
        [
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
    )
    for booking in bookings:
        charge = getattr(booking, "charge", None)
        writerow(
            [
                booking.person.first_name,
                booking.person.last_name,
                booking.person.email,
                booking.person.job_role,
                booking.school.name,
                booking.get_status_display(),
                timezone.localtime(booking.created_at).strftime("%d/%m/%Y"),
                f"{present.get(booking.pk, 0)} of {sessions}",
                f"{charge.amount:.2f}" if charge is not None and charge.voided_at is None else "0.00",
            ]
        )
    return response


def _safe_writerow(writer):
    """Spreadsheets run cells that start with = + - @ as formulas; make them plain text."""
    write = writer.writerow

    def writerow(row):
        return write(
            [f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell for cell in row]
        )

    return writerow
