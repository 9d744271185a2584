import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cpd.models import Attendance, Booking, Charge, Document, Event, Feedback, ImpactFollowUp
from cpd.services import BookingError, book_place, give_feedback, mark_attendance
from cpd.tasks import send_impact_follow_ups
from partnership.models import AuditEntry, Term
from schools.tests.factories import PersonFactory

from .factories import EventFactory, SessionFactory, london

PROGRAMME = reverse("cpd:programme", args=["winsford"])


def _term_day(world, weeks=2):
    term = Term.objects.for_partnership(world.partnership).order_by("start").first()
    day = term.start + timedelta(weeks=weeks)
    return day + timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday in term


def test_the_programme_lists_events_with_places_left_and_filters_by_kind_phase_month_and_places(world, cpd, client):
    senco = EventFactory(
        programme=cpd.programme,
        title="Secondary SENCO meeting",
        kind=Event.Kind.SENCO_NETWORK,
        capacity=1,
        audience_phases=",secondary,",
    )
    SessionFactory(event=senco, starts_at=london(_term_day(world), 13), ends_at=london(_term_day(world), 15))
    book_place(event_id=senco.pk, person=cpd.colleague, booked_by=world.user("head"))
    client.force_login(world.user("staff"))
    page = client.get(PROGRAMME).content.decode()
    assert "Adaptive teaching" in page and "Secondary SENCO meeting" in page and "£45.00" in page
    assert "Adaptive teaching" not in client.get(PROGRAMME, {"kind": "senco_network"}).content.decode()
    assert "Secondary SENCO meeting" not in client.get(PROGRAMME, {"phase": "primary"}).content.decode()
    assert "Secondary SENCO meeting" not in client.get(PROGRAMME, {"has_places": "on"}).content.decode()
    month = timezone.localtime(senco.sessions.get().starts_at).month
    in_month = client.get(PROGRAMME, {"month": month}).content.decode()
    assert "Secondary SENCO meeting" in in_month
    assert client.get(PROGRAMME, {"month": "99", "kind": "nonsense"}).status_code == 200


def test_the_programme_page_uses_a_fixed_number_of_queries(world, cpd, client, django_assert_max_num_queries):
    client.force_login(world.user("head"))
    client.get(PROGRAMME)
    for _ in range(20):
        SessionFactory(event__programme=cpd.programme)
        book_place(event_id=cpd.event.pk, person=PersonFactory(school=world.school), booked_by=world.user("head"))
    with django_assert_max_num_queries(12):
        page = client.get(PROGRAMME)
    assert page.content.decode().count("/cpd/events/") == 21


def test_the_event_page_shows_places_left_and_the_waiting_list_position(world, cpd, client):
    for person in (cpd.staff_person, cpd.other_person, cpd.colleague):
        book_place(event_id=cpd.event.pk, person=person, booked_by=world.user("coordinator"))
    client.force_login(world.user("head"))
    page = client.get(cpd.event.get_absolute_url()).content.decode()
    assert "0 of 2 left; 1 on the waiting list" in page
    assert "number 1" in page and page.count("Waiting list") == 1
    assert "Ben Barker" not in page  # another school's booking is not the head's business


def test_the_school_page_shows_bookings_and_live_charges_in_fixed_queries(
    world, cpd, client, django_assert_max_num_queries
):
    url = reverse("cpd:school_bookings", args=["winsford", world.school.pk])
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    client.force_login(world.user("head"))
    assert "£90.00" in client.get(url).content.decode()
    client.post(reverse("cpd:cancel", args=[booking.pk]))
    page = client.get(url).content.decode()
    assert "£45.00</strong> for 1 place" in page
    for _ in range(15):
        book_place(
            event_id=EventFactory(programme=cpd.programme).pk, person=cpd.colleague, booked_by=world.user("head")
        )
    with django_assert_max_num_queries(12):
        client.get(url)
    client.force_login(world.user("other_head"))
    assert client.get(url).status_code == 403


def test_my_bookings_and_the_organiser_page_use_a_fixed_number_of_queries(
    world, cpd, client, django_assert_max_num_queries
):
    for _ in range(10):
        event = EventFactory(programme=cpd.programme)
        SessionFactory(event=event)
        book_place(event_id=event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    client.force_login(world.user("staff"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cpd:my_bookings", args=["winsford"])).content.decode().count("Confirmed") == 10
    client.force_login(world.user("coordinator"))
    with django_assert_max_num_queries(15):
        client.get(reverse("cpd:organiser", args=["winsford"]))


def test_the_organiser_sees_warnings_for_sessions_outside_term_on_inset_days_and_audience_clashes(world, cpd, client):
    day = _term_day(world)
    inset = EventFactory(programme=cpd.programme, title="Shared INSET", kind=Event.Kind.SHARED_INSET)
    SessionFactory(event=inset, starts_at=london(day, 9), ends_at=london(day, 15))
    network = EventFactory(programme=cpd.programme, title="Maths network", audience_phases=",primary,")
    SessionFactory(
        event=network, starts_at=london(day + timedelta(days=1), 13), ends_at=london(day + timedelta(days=1), 15)
    )
    client.force_login(world.user("coordinator"))
    url = reverse("cpd:session_add", args=[cpd.event.pk])
    for when, expected in [
        (day, "Clashes with the INSET day “Shared INSET”"),
        (day + timedelta(days=1), "Overlaps “Maths network” for the same audience"),
        (
            Term.objects.for_partnership(world.partnership).order_by("start").first().end + timedelta(days=3),
            "outside term",
        ),
    ]:
        response = client.post(
            url, {"day": when.isoformat(), "start": "14:00", "end": "16:00", "venue": "Town hall"}, follow=True
        )
        assert expected in response.content.decode()
    assert "Clashes with the INSET day" in client.get(reverse("cpd:organiser", args=["winsford"])).content.decode()
    # A secondary-only event on the same afternoon is a different audience from the primary network.
    secondary = EventFactory(programme=cpd.programme, audience_phases=",secondary,")
    response = client.post(
        reverse("cpd:session_add", args=[secondary.pk]),
        {"day": (day + timedelta(days=1)).isoformat(), "start": "14:00", "end": "16:00", "venue": "High school"},
        follow=True,
    )
    assert "Maths network" not in response.content.decode()
    assert "Overlaps “Adaptive teaching”" in response.content.decode()  # its audience is everyone


def test_a_session_that_ends_before_it_starts_is_refused(world, cpd, client):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("cpd:session_add", args=[cpd.event.pk]), {"day": "2026-10-14", "start": "15:00", "end": "14:00"}
    )
    page = response.content.decode()
    assert "The session must end after it starts." in page and "Choose a host school or name the venue." in page
    assert cpd.event.sessions.count() == 1


def test_coordinators_create_events_with_an_audience(world, cpd, client):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("cpd:event_create", args=["winsford"]),
        {
            "kind": "conference",
            "title": "Inclusion conference",
            "capacity": "120",
            "per_school_cap": "10",
            "cost_per_place": "25.00",
            "payer": "school",
            "phases": ["primary", "special"],
            "roles": ["senco"],
        },
    )
    event = Event.objects.get(title="Inclusion conference")
    assert response["Location"] == reverse("cpd:session_add", args=[event.pk])
    assert (event.audience_phases, event.audience_roles, event.cost_per_place) == (
        ",primary,special,",
        ",senco,",
        Decimal("25.00"),
    )
    bad = client.post(
        reverse("cpd:event_create", args=["winsford"]),
        {
            "kind": "course",
            "title": "x",
            "capacity": "5",
            "per_school_cap": "9",
            "cost_per_place": "-1",
            "payer": "school",
        },
    )
    assert "cannot be more than the event" in bad.content.decode()
    assert not Event.objects.filter(title="x").exists()


def test_new_events_let_staff_book_their_own_place_unless_the_organiser_unticks_it(world, cpd, client):
    client.force_login(world.user("coordinator"))
    form = client.get(reverse("cpd:event_create", args=["winsford"])).content.decode()
    assert re.search(r'<input type="checkbox" name="staff_may_book"[^>]* checked', form)
    fields = {"kind": "course", "title": "Phonics", "capacity": "10", "cost_per_place": "0", "payer": "school"}
    client.post(reverse("cpd:event_create", args=["winsford"]), {**fields, "staff_may_book": "on"})
    client.post(reverse("cpd:event_create", args=["winsford"]), {**fields, "title": "DSL refresher"})
    assert Event.objects.get(title="Phonics").staff_may_book is True
    assert Event.objects.get(title="DSL refresher").staff_may_book is False  # an unticked box is sent as nothing
    client.post(reverse("cpd:event_edit", args=[cpd.event.pk]), {**fields, "title": cpd.event.title})
    cpd.event.refresh_from_db()
    assert cpd.event.staff_may_book is False


def test_staff_book_and_cancel_their_own_place_on_an_event_left_as_it_was_made(world, cpd, client):
    event = EventFactory(programme=cpd.programme, title="Oracy")
    SessionFactory(event=event)
    client.force_login(world.user("staff"))
    client.post(reverse("cpd:book", args=[event.pk]), {"person": cpd.staff_person.pk})
    booking = Booking.objects.get(event=event, person=cpd.staff_person)
    assert booking.status == "confirmed"
    assert client.post(reverse("cpd:cancel", args=[booking.pk])).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_the_attendee_csv_lists_people_status_attendance_and_charge(world, cpd, client):
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    mark_attendance(
        session=cpd.session, present_ids={booking.pk}, booking_ids=[booking.pk], marked_by=world.user("coordinator")
    )
    client.force_login(world.user("coordinator"))
    response = client.get(reverse("cpd:attendees_csv", args=[cpd.event.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["First name", "Last name"]
    assert rows[1][0:2] == ["Tom", "Reeves"] and rows[1][5:] == ["Confirmed", rows[1][6], "1 of 1", "45.00"]


def test_the_register_marks_present_and_absent_and_attending_from_the_waiting_list_is_charged(world, cpd, client):
    first = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    second = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    client.force_login(world.user("coordinator"))
    url = reverse("cpd:register", args=[cpd.session.pk])
    response = client.post(url, {"present": [str(first.pk)]}, follow=True)
    assert "1 of 2 present" in response.content.decode()
    assert dict(Attendance.objects.values_list("booking_id", "present")) == {first.pk: True, second.pk: False}
    client.post(url, {"present": [str(first.pk), str(second.pk)]})
    assert Attendance.objects.filter(present=True).count() == 2
    assert Charge.objects.live().count() == 2


def test_the_sign_in_sheet_and_certificate_are_made_as_pdfs_by_tasks_and_downloaded_with_permission(
    world, cpd, client, django_capture_on_commit_callbacks
):
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    mark_attendance(
        session=cpd.session, present_ids={booking.pk}, booking_ids=[booking.pk], marked_by=world.user("coordinator")
    )
    client.force_login(world.user("coordinator"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cpd:sign_in_sheet", args=[cpd.session.pk]))
    sheet = Document.objects.get(kind="sign_in_sheet")
    assert sheet.status == "done" and sheet.size > 1000
    response = client.get(reverse("cpd:document_download", args=[sheet.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.user("staff"))
    assert client.get(reverse("cpd:document_download", args=[sheet.pk])).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cpd:certificate", args=[booking.pk]))
    certificate = Document.objects.get(kind="certificate")
    assert certificate.status == "done"
    assert (
        reverse("cpd:document_download", args=[certificate.pk])
        in client.get(reverse("cpd:my_bookings", args=["winsford"])).content.decode()
    )
    assert client.get(reverse("cpd:document_download", args=[certificate.pk])).status_code == 200
    client.force_login(world.user("other_head"))
    assert client.get(reverse("cpd:document_download", args=[certificate.pk])).status_code == 403


def test_no_certificate_without_attendance(world, cpd, client):
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    client.force_login(world.user("staff"))
    response = client.post(reverse("cpd:certificate", args=[booking.pk]), follow=True)
    assert "once the register shows attendance" in response.content.decode()
    assert not Document.objects.exists()


def test_a_certificate_for_a_course_of_several_sessions_needs_attendance_at_every_one(world, cpd, client):
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    second = SessionFactory(event=cpd.event, starts_at=cpd.session.starts_at + timedelta(weeks=2))
    third = SessionFactory(event=cpd.event, starts_at=cpd.session.starts_at + timedelta(weeks=4))
    mark_attendance(session=cpd.session, present_ids={booking.pk}, booking_ids=[booking.pk], marked_by=None)
    mark_attendance(session=second, present_ids=set(), booking_ids=[booking.pk], marked_by=None)  # absent
    client.force_login(world.user("staff"))
    my_bookings = reverse("cpd:my_bookings", args=["winsford"])
    url = reverse("cpd:certificate", args=[booking.pk])
    assert url not in client.get(my_bookings).content.decode()
    response = client.post(url, follow=True)
    assert "once the register shows attendance at every session" in response.content.decode()
    assert not Document.objects.exists()
    mark_attendance(session=second, present_ids={booking.pk}, booking_ids=[booking.pk], marked_by=None)
    client.post(url)
    assert not Document.objects.exists()  # the third session is not marked yet
    mark_attendance(session=third, present_ids={booking.pk}, booking_ids=[booking.pk], marked_by=None)
    assert url in client.get(my_bookings).content.decode()
    response = client.post(url, follow=True)
    assert "The certificate is being made" in response.content.decode()
    assert Document.objects.get().booking == booking


def _start_the_session(cpd, ago=timedelta(hours=1)):
    cpd.session.starts_at = timezone.now() - ago
    cpd.session.ends_at = cpd.session.starts_at + timedelta(hours=2)
    cpd.session.save()


def test_attendees_give_feedback_which_is_summarised_for_the_organiser(world, cpd, client):
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    _start_the_session(cpd)
    mark_attendance(session=cpd.session, present_ids={booking.pk}, booking_ids=[booking.pk], marked_by=None)
    client.force_login(world.user("staff"))
    url = reverse("cpd:feedback", args=[booking.pk])
    assert (
        "This field is required" in client.post(url, {"rating": "9"}).content.decode() or not Feedback.objects.exists()
    )
    assert not Feedback.objects.exists()
    client.post(url, {"rating": "4", "comments": "Practical and well paced."})
    other = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    Feedback.objects.create(booking=other, rating=5)
    client.force_login(world.user("coordinator"))
    page = client.get(cpd.event.get_absolute_url()).content.decode()
    assert "Average rating 4.5 out of 5 from 2 responses" in page and "Practical and well paced." in page


@pytest.mark.parametrize(
    "when, present, refusal",
    [
        ("before the event", None, "Feedback opens once the event has started."),
        ("after the event", None, "Feedback is for people the register shows attended."),
        ("after the event", False, "Feedback is for people the register shows attended."),
    ],
)
def test_feedback_is_refused_before_the_event_and_from_people_the_register_does_not_show_attended(
    world, cpd, client, when, present, refusal
):
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    if when == "after the event":
        _start_the_session(cpd, ago=timedelta(days=1))
    if present is not None:
        Attendance.objects.create(booking=booking, session=cpd.session, present=present)
    client.force_login(world.user("staff"))
    url = reverse("cpd:feedback", args=[booking.pk])
    page = client.get(url)
    assert page.status_code == 200 and refusal in page.content.decode()
    assert 'name="rating"' not in page.content.decode()  # nothing to fill in that would be refused
    response = client.post(url, {"rating": "4", "comments": "Sent anyway."})
    assert response.status_code == 200 and refusal in response.content.decode()
    assert not Feedback.objects.exists()
    assert not AuditEntry.objects.filter(verb="cpd.feedback.given").exists()
    with pytest.raises(BookingError, match=refusal.split(".")[0]):
        give_feedback(booking=booking, rating=4, comments="", given_by=world.user("staff"))
    assert not Feedback.objects.exists()


def test_the_feedback_link_appears_once_the_event_has_started_for_those_who_attended(world, cpd, client):
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    Attendance.objects.create(booking=booking, session=cpd.session, present=True)  # marked early, in error
    client.force_login(world.user("staff"))
    url = reverse("cpd:feedback", args=[booking.pk])
    assert url not in client.get(reverse("cpd:my_bookings", args=["winsford"])).content.decode()
    _start_the_session(cpd)
    assert url in client.get(reverse("cpd:my_bookings", args=["winsford"])).content.decode()


def test_half_a_term_after_an_event_attendees_are_asked_what_changed_and_answers_roll_up(
    world, cpd, client, django_capture_on_commit_callbacks
):
    cpd.session.starts_at = timezone.now() - timedelta(weeks=7)
    cpd.session.ends_at = cpd.session.starts_at + timedelta(hours=2)
    cpd.session.save()
    went = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    missed = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    mark_attendance(session=cpd.session, present_ids={went.pk}, booking_ids=[went.pk, missed.pk], marked_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_impact_follow_ups() == 1
    assert send_impact_follow_ups() == 0  # once per booking, however often beat runs
    assert [m.to for m in mail.outbox] == [[cpd.staff_person.email]]
    follow_up = ImpactFollowUp.objects.get()
    assert follow_up.token in mail.outbox[0].body
    client.logout()
    url = reverse("cpd:follow_up", args=[follow_up.token])
    assert "This field is required" in client.post(url, {"what_changed": ""}).content.decode()
    client.post(url, {"what_changed": "I use mini whiteboards for retrieval every lesson."})
    client.force_login(world.user("la_officer"))
    page = client.get(reverse("cpd:impact", args=["winsford"])).content.decode()
    assert "I use mini whiteboards" in page and "Darnhall Primary School" in page


def test_the_follow_up_beat_job_is_registered():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["cpd-impact-follow-ups"]["task"] == "cpd.tasks.send_impact_follow_ups"


def test_the_dashboard_shows_upcoming_events_and_the_heads_school_bookings(world, cpd, client):
    book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    client.force_login(world.user("head"))
    page = client.get(reverse("partnership_dashboard", args=["winsford"])).content.decode()
    assert "Adaptive teaching" in page and "Amy Allen: Adaptive teaching" in page
    assert ">CPD</a>" in page
    client.force_login(world.user("staff"))
    page = client.get(reverse("partnership_dashboard", args=["winsford"])).content.decode()
    assert "Adaptive teaching" in page and "Amy Allen" not in page


def test_cancelled_bookings_do_not_count_as_bookings(world, cpd):
    booking = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    booking.status = Booking.Status.CANCELLED
    booking.save()
    assert book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head")).status == "confirmed"


def test_a_pdf_left_running_by_a_dead_worker_is_made_again(world, cpd, django_capture_on_commit_callbacks):
    from cpd.tasks import requeue_stuck_documents

    stuck = Document.objects.create(
        kind="sign_in_sheet", session=cpd.session, status="running", created_at=timezone.now() - timedelta(hours=1)
    )
    fresh = Document.objects.create(kind="sign_in_sheet", session=cpd.session, status="running")
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_documents() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert (stuck.status, fresh.status) == ("done", "running")


def test_a_calendar_link_stops_working_when_its_owner_leaves_the_partnership(world, cpd, client):
    from cpd.services import create_feed
    from partnership.models import RoleGrant

    feed = create_feed(programme=cpd.programme, scope="programme", owner=world.user("staff"))
    assert client.get(reverse("cpd:feed", args=[feed.token])).status_code == 200
    RoleGrant.objects.filter(user=world.user("staff")).delete()
    assert client.get(reverse("cpd:feed", args=[feed.token])).status_code == 404


def test_the_organiser_sees_charges_per_school(world, cpd, client):
    book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    book_place(event_id=cpd.event.pk, person=cpd.other_person, booked_by=world.user("coordinator"))
    client.force_login(world.user("coordinator"))
    page = client.get(reverse("cpd:organiser", args=["winsford"])).content.decode()
    assert reverse("cpd:school_bookings", args=["winsford", world.school.pk]) in page
    assert page.count("£45.00") == 2


def test_the_event_page_uses_a_fixed_number_of_queries(world, cpd, client, django_assert_max_num_queries):
    client.force_login(world.user("coordinator"))
    client.get(cpd.event.get_absolute_url())
    for _ in range(12):
        book_place(
            event_id=cpd.event.pk, person=PersonFactory(school=world.other_school), booked_by=world.user("coordinator")
        )
        SessionFactory(event=cpd.event)
    with django_assert_max_num_queries(17):
        page = client.get(cpd.event.get_absolute_url()).content.decode()
    assert page.count("Waiting list") == 10


def test_the_attendee_csv_defuses_spreadsheet_formulas_in_names(world, cpd, client):
    person = PersonFactory(school=world.school, first_name="=HYPERLINK(1)", last_name="Smith")
    book_place(event_id=cpd.event.pk, person=person, booked_by=world.user("head"))
    client.force_login(world.user("coordinator"))
    rows = list(csv.reader(io.StringIO(client.get(reverse("cpd:attendees_csv", args=[cpd.event.pk])).content.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_a_nonsense_year_on_the_programme_page_shows_the_current_programme(world, cpd, client):
    client.force_login(world.user("staff"))
    response = client.get(PROGRAMME, {"year": "9" * 40})
    assert response.status_code == 200 and "Adaptive teaching" in response.content.decode()
