import pytest

from conftest import sign_in_browser


@pytest.mark.browser
def test_a_headteacher_books_a_place_cancels_it_and_sees_the_waiting_list_move(live_server, page, transactional_db):
    from conftest import build_world
    from cpd.models import Booking
    from schools.tests.factories import PersonFactory

    from .factories import EventFactory, ProgrammeFactory, SessionFactory

    world = build_world()
    event = EventFactory(
        programme=ProgrammeFactory(partnership=world.partnership), title="Adaptive teaching", capacity=1
    )
    SessionFactory(event=event)
    PersonFactory(school=world.school, first_name="Tom", last_name="Reeves")
    PersonFactory(school=world.school, first_name="Amy", last_name="Allen")
    page.on("dialog", lambda dialog: dialog.accept())  # "Cancel this booking?"

    sign_in_browser(page, live_server, "head@example.org")
    page.wait_for_url(f"{live_server.url}/p/winsford/")
    page.get_by_role("link", name="CPD", exact=True).click()
    page.get_by_role("link", name="Adaptive teaching").click()
    assert page.get_by_test_id("places-left").inner_text().startswith("1 of 1 left")

    page.get_by_label("Member of staff").select_option(label="Tom Reeves (Darnhall Primary School)")
    page.get_by_role("button", name="Book place").click()
    assert page.get_by_text("Place confirmed for Tom Reeves.").is_visible()
    page.get_by_label("Member of staff").select_option(label="Amy Allen (Darnhall Primary School)")
    page.get_by_role("button", name="Book place").click()
    assert page.get_by_text("The event is full: Amy Allen is on the waiting list.").is_visible()
    bookings = page.get_by_test_id("bookings")
    assert "Waiting list number 1" in " ".join(bookings.get_by_role("row", name="Amy Allen").inner_text().split())

    page.get_by_role("button", name="Cancel booking for Tom Reeves").click()
    assert page.get_by_text("Amy Allen from the waiting list now has the place.").is_visible()
    assert "Confirmed" in bookings.get_by_role("row", name="Amy Allen").inner_text()
    assert bookings.get_by_role("row", name="Tom Reeves").count() == 0
    assert page.get_by_test_id("places-left").inner_text().startswith("0 of 1 left")
    assert dict(Booking.objects.values_list("person__first_name", "status")) == {"Tom": "cancelled", "Amy": "confirmed"}
