from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cpd.models import Booking, Charge
from cpd.services import BookingError, book_place, cancel_booking
from partnership.models import AuditEntry
from schools.tests.factories import PersonFactory

from .factories import SessionFactory


def test_places_are_confirmed_until_the_event_is_full_then_people_wait(world, cpd):
    head = world.user("head")
    first = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=head)
    second = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=head)
    third = book_place(event_id=cpd.event.pk, person=cpd.other_person, booked_by=world.user("coordinator"))
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waitlisted"]
    assert AuditEntry.objects.filter(verb="cpd.booking.created").count() == 3


def test_a_school_at_its_cap_waits_even_when_places_are_left(world, cpd):
    cpd.event.capacity, cpd.event.per_school_cap = 5, 1
    cpd.event.save()
    head = world.user("head")
    assert book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=head).status == "confirmed"
    assert book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=head).status == "waitlisted"
    assert book_place(event_id=cpd.event.pk, person=cpd.other_person, booked_by=head).status == "confirmed"


def test_the_same_person_cannot_hold_two_live_bookings(world, cpd):
    book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    with pytest.raises(BookingError, match="already has a place"):
        book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))


def test_staff_of_a_school_outside_the_partnership_cannot_be_booked(world, cpd):
    stranger = PersonFactory(school=world.foreign_school)
    with pytest.raises(BookingError, match="member school"):
        book_place(event_id=cpd.event.pk, person=stranger, booked_by=world.user("coordinator"))
    assert not Booking.objects.exists()


def test_a_confirmed_place_is_charged_to_the_booking_school_and_cancelling_voids_it(world, cpd):
    booking = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    charge = Charge.objects.get(booking=booking)
    assert (charge.school, charge.amount) == (world.school, Decimal("45.00"))
    cancel_booking(booking_id=booking.pk, cancelled_by=world.user("head"))
    charge.refresh_from_db()
    assert charge.voided_at is not None
    assert not Charge.objects.live().exists()


def test_waiting_and_free_places_are_not_charged(world, cpd):
    cpd.event.capacity = 1
    cpd.event.save()
    book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    waiting = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    assert not Charge.objects.filter(booking=waiting).exists()
    cpd.event.payer = "partnership"
    cpd.event.save()
    free = book_place(event_id=cpd.event.pk, person=cpd.other_person, booked_by=world.user("coordinator"))
    assert not Charge.objects.filter(booking=free).exists()


def test_a_cancellation_promotes_the_first_waiting_person_whose_school_has_room_and_emails_them(
    world, cpd, django_capture_on_commit_callbacks
):
    cpd.event.capacity, cpd.event.per_school_cap = 2, 1
    cpd.event.save()
    head, coordinator = world.user("head"), world.user("coordinator")
    third_school_person = PersonFactory(school=world.other_school, email="carla@grange.example.org")
    leaving = book_place(event_id=cpd.event.pk, person=cpd.other_person, booked_by=coordinator)  # Grange, confirmed
    book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=head)  # Darnhall, confirmed
    darnhall_waiting = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=head)  # Darnhall at cap
    grange_waiting = book_place(event_id=cpd.event.pk, person=third_school_person, booked_by=coordinator)
    assert darnhall_waiting.status == grange_waiting.status == "waitlisted"
    with django_capture_on_commit_callbacks(execute=True):
        _, promoted = cancel_booking(booking_id=leaving.pk, cancelled_by=coordinator)
    # Darnhall's colleague was first in the queue but Darnhall is at its cap: Grange's person moves up.
    assert promoted == [grange_waiting]
    grange_waiting.refresh_from_db()
    darnhall_waiting.refresh_from_db()
    assert (grange_waiting.status, darnhall_waiting.status) == ("confirmed", "waitlisted")
    assert Charge.objects.live().filter(booking=grange_waiting).exists()
    assert [m.to for m in mail.outbox] == [["carla@grange.example.org"]]
    assert "now yours" in mail.outbox[0].body


def test_leaving_the_waiting_list_promotes_nobody(world, cpd):
    cpd.event.capacity = 1
    cpd.event.save()
    book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    waiting = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    other = book_place(event_id=cpd.event.pk, person=cpd.other_person, booked_by=world.user("coordinator"))
    _, promoted = cancel_booking(booking_id=waiting.pk, cancelled_by=world.user("head"))
    assert promoted == []
    other.refresh_from_db()
    assert other.status == "waitlisted"


def _full_event_with_one_waiting(world, cpd):
    cpd.event.capacity = 1
    cpd.event.save()
    leaving = book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    waiting = book_place(event_id=cpd.event.pk, person=cpd.other_person, booked_by=world.user("coordinator"))
    return leaving, waiting


def _move_sessions(cpd, *starts):
    cpd.session.delete()
    for starts_at in starts:
        SessionFactory(event=cpd.event, starts_at=starts_at)


@pytest.mark.parametrize("change", ["booking closed", "last session started", "last session ended"])
def test_a_place_freed_after_booking_closes_or_the_event_took_place_goes_to_nobody(
    world, cpd, client, change, django_capture_on_commit_callbacks
):
    leaving, waiting = _full_event_with_one_waiting(world, cpd)
    now = timezone.now()
    if change == "booking closed":
        cpd.event.is_booking_open = False
        cpd.event.save()
    elif change == "last session started":
        _move_sessions(cpd, now - timedelta(days=7), now - timedelta(minutes=5))
    else:
        _move_sessions(cpd, now - timedelta(days=2))
    client.force_login(world.user("head"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cpd:cancel", args=[leaving.pk]), follow=True)
    page = response.content.decode()
    assert "Booking for Tom Reeves cancelled." in page and "now has the place" not in page
    leaving.refresh_from_db()
    waiting.refresh_from_db()
    assert (leaving.status, waiting.status) == ("cancelled", "waitlisted")
    assert not Charge.objects.live().exists()  # the leaver's charge is voided; the waiting school's never made
    assert not Charge.objects.filter(booking=waiting).exists()
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(verb="cpd.booking.promoted").exists()


def test_a_place_freed_between_the_sessions_of_a_course_still_goes_to_the_waiting_list(world, cpd):
    leaving, waiting = _full_event_with_one_waiting(world, cpd)
    now = timezone.now()
    _move_sessions(cpd, now - timedelta(days=7), now + timedelta(days=7))
    _, promoted = cancel_booking(booking_id=leaving.pk, cancelled_by=world.user("head"))
    assert promoted == [waiting]
    assert Charge.objects.live().get().booking == waiting


def test_raising_the_capacity_gives_waiting_people_their_places(world, cpd, client):
    cpd.event.capacity = 1
    cpd.event.save()
    book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    waiting = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("cpd:event_edit", args=[cpd.event.pk]),
        {
            "kind": "course",
            "title": cpd.event.title,
            "capacity": "3",
            "cost_per_place": "45.00",
            "payer": "school",
            "is_booking_open": "on",
        },
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_capacity_cannot_drop_below_the_confirmed_places(world, cpd, client):
    book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("cpd:event_edit", args=[cpd.event.pk]),
        {"kind": "course", "title": "x", "capacity": "1", "cost_per_place": "45.00", "payer": "school"},
    )
    assert response.status_code == 200
    assert "2 places are already confirmed" in response.content.decode()
    cpd.event.refresh_from_db()
    assert cpd.event.capacity == 2


def test_a_headteacher_books_their_staff_through_the_event_page(world, cpd, client):
    client.force_login(world.user("head"))
    page = client.get(cpd.event.get_absolute_url()).content.decode()
    assert "Amy Allen" in page and "Ben Barker" not in page  # only their own school's staff to choose from
    response = client.post(reverse("cpd:book", args=[cpd.event.pk]), {"person": cpd.colleague.pk}, follow=True)
    assert "Place confirmed for Amy Allen" in response.content.decode()
    assert Booking.objects.get(person=cpd.colleague).booked_by == world.user("head")


def test_a_headteacher_cannot_book_staff_of_another_school(world, cpd, client):
    client.force_login(world.user("head"))
    response = client.post(reverse("cpd:book", args=[cpd.event.pk]), {"person": cpd.other_person.pk})
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_staff_book_their_own_place_only_when_the_event_allows_it(world, cpd, client):
    client.force_login(world.user("staff"))
    assert client.post(reverse("cpd:book", args=[cpd.event.pk]), {"person": cpd.colleague.pk}).status_code == 403
    assert client.post(reverse("cpd:book", args=[cpd.event.pk]), {"person": cpd.staff_person.pk}).status_code == 302
    assert Booking.objects.get().person == cpd.staff_person
    cpd.event.staff_may_book = False
    cpd.event.save()
    client.post(reverse("cpd:cancel", args=[Booking.objects.get().pk]))
    assert Booking.objects.get().status == "confirmed"  # only the head or coordinator may cancel now


def test_booking_a_closed_event_is_refused(world, cpd, client):
    cpd.event.is_booking_open = False
    cpd.event.save()
    client.force_login(world.user("head"))
    assert client.post(reverse("cpd:book", args=[cpd.event.pk]), {"person": cpd.colleague.pk}).status_code == 403
    with pytest.raises(BookingError, match="closed"):
        book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("coordinator"))


def test_a_nonsense_person_gives_a_clear_message_and_books_nothing(world, cpd, client):
    client.force_login(world.user("head"))
    response = client.post(reverse("cpd:book", args=[cpd.event.pk]), {"person": "abc"}, follow=True)
    assert "Choose a member of staff from the list." in response.content.decode()
    assert not Booking.objects.exists()


def test_cancelling_never_redirects_off_the_site(world, cpd, client):
    booking = book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    client.force_login(world.user("head"))
    response = client.post(reverse("cpd:cancel", args=[booking.pk]), {"next": "/\\evil.example.org/"})
    assert response["Location"] == cpd.event.get_absolute_url()
