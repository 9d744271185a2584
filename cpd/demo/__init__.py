"""Demo data: the Winsford CPD programme (seeds 000, 002, 004): courses, a SENCO network,
a leadership programme, a shared INSET day and a whole-town INSET day with many workshops,
with bookings, waiting lists, attendance, feedback and follow-ups."""

from django.utils import timezone

from partnership.demo import academic_year_of, term_dates
from schools.models import Person, School

from ..models import Event, Programme
from .activity import book_places, choose_and_allocate, record_event_costs, record_past_activity
from .events import build_events
from .people import staff_by_school


def seed(partnership, accounts):
    if (
        Programme.objects.filter(partnership=partnership).exists()
        and Event.objects.in_partnership(partnership).exists()
    ):
        return
    coordinator, head, teacher = accounts.get("coordinator"), accounts.get("head"), accounts.get("teacher")
    year = academic_year_of(timezone.localdate())
    programme, _ = Programme.objects.get_or_create(
        partnership=partnership,
        academic_year=year,
        defaults={
            "title": "Winsford CPD programme",
            "description": "The partnership's annual programme: joint courses, networks and the whole-town INSET days.",
        },
    )
    schools = list(School.objects.in_partnership(partnership).order_by("name"))
    darnhall = next((s for s in schools if s.name == "Darnhall Primary School"), schools[0])
    staff = staff_by_school(list(schools))
    teacher_person = Person.objects.filter(user=teacher).first() if teacher else None
    events = build_events(programme, coordinator, schools, term_dates(year))
    choose_and_allocate(events["town"], staff, teacher_person, coordinator, teacher)
    book_places(events, staff, darnhall, head, coordinator, teacher, teacher_person)
    record_past_activity(events, coordinator)
    record_event_costs(events, coordinator)
    return programme
