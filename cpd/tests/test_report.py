from datetime import timedelta
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from cpd.models import Feedback
from cpd.report import cpd_csv, cpd_section
from cpd.services import book_place, mark_attendance
from partnership.models import Term
from partnership.registry import registry
from schools.tests.factories import PersonFactory

from .factories import EventFactory, SessionFactory, london


def _term(world):
    # A term of the partnership's own, two years on: the fixture's own event (in a fortnight)
    # is never in it, whatever today's date.
    start = timezone.localdate() + timedelta(days=730)
    term, _ = Term.objects.get_or_create(
        partnership=world.partnership,
        season=Term.Season.SUMMER,
        academic_year=start.year + 10,
        defaults={"start": start, "end": start + timedelta(days=90)},
    )
    return term


def _event_in_term(world, cpd, title="Phonics refresher"):
    term = _term(world)
    event = EventFactory(programme=cpd.programme, title=title, capacity=10)
    session = SessionFactory(event=event, starts_at=london(term.start, 13), ends_at=london(term.start, 15))
    return event, session


def test_the_section_is_registered_with_the_core():
    section = next(s for s in registry.report_sections if s.key == "cpd")
    assert (section.order, section.template) == (40, "cpd/report_section.html")


def test_a_term_without_events_says_so_plainly(world, cpd):
    data = cpd_section(world.partnership, _term(world))
    assert data["events"] == [] and data["charts"] == []
    html = render_to_string("cpd/report_section.html", {"data": data})
    assert "No CPD events met this term." in html


def test_the_section_counts_places_booked_and_attended_per_school_with_feedback_and_a_chart(world, cpd):
    event, session = _event_in_term(world, cpd)
    darnhall = [
        book_place(event_id=event.pk, person=p, booked_by=world.user("head")) for p in (cpd.staff_person, cpd.colleague)
    ]
    grange = book_place(event_id=event.pk, person=cpd.other_person, booked_by=world.user("other_head"))
    mark_attendance(
        session=session,
        present_ids={darnhall[0].pk, grange.pk},
        booking_ids=[b.pk for b in (*darnhall, grange)],
        marked_by=None,
    )
    Feedback.objects.create(booking=darnhall[0], rating=4)
    Feedback.objects.create(booking=grange, rating=5)
    data = cpd_section(world.partnership, _term(world))
    assert data["events"] == [
        {
            "title": "Phonics refresher",
            "kind": "Course",
            "sessions": 1,
            "capacity": 10,
            "confirmed": 3,
            "attended": 2,
            "average_rating": 4.5,
            "responses": 2,
        }
    ]
    assert data["schools"] == [
        {"school": "Darnhall Primary School", "booked": 2, "attended": 1, "charged": Decimal("90.00")},
        {"school": "Grange Primary School", "booked": 1, "attended": 1, "charged": Decimal("45.00")},
    ]
    assert data["charts"][0]["series"] == [{"name": "Booked", "values": [2, 1]}, {"name": "Attended", "values": [1, 1]}]
    html = render_to_string("cpd/report_section.html", {"data": data})
    assert "3 places booked and 2 attended, £135.00 charged to schools" in html and "4.5 / 5 (2)" in html
    tables = cpd_csv(data)
    assert tables["cpd_schools.csv"][1] == ["Darnhall Primary School", 2, 1, Decimal("90.00")]


def test_events_outside_the_term_are_left_out(world, cpd):
    _event_in_term(world, cpd)
    autumn = Term.objects.for_partnership(world.partnership).order_by("start").first()
    cpd.session.starts_at = london(autumn.start, 9)
    cpd.session.ends_at = london(autumn.start, 12)
    cpd.session.save()
    assert [row["title"] for row in cpd_section(world.partnership, autumn)["events"]] == ["Adaptive teaching"]
    assert [row["title"] for row in cpd_section(world.partnership, _term(world))["events"]] == ["Phonics refresher"]


def test_the_section_uses_a_fixed_number_of_queries(world, cpd, django_assert_num_queries):
    term = _term(world)
    event, _ = _event_in_term(world, cpd)
    book_place(event_id=event.pk, person=cpd.colleague, booked_by=world.user("head"))
    with django_assert_num_queries(5):
        cpd_section(world.partnership, term)
    for n in range(8):
        more, _ = _event_in_term(world, cpd, title=f"Course {n}")
        book_place(
            event_id=more.pk, person=PersonFactory(school=world.other_school), booked_by=world.user("coordinator")
        )
    with django_assert_num_queries(5):
        assert len(cpd_section(world.partnership, term)["events"]) == 9
