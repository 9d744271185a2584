"""The promotion e-mail goes through a real Celery worker on Redis, queued on commit."""

import time

import pytest
from django.core import mail

from cpd.models import Booking
from cpd.services import book_place, cancel_booking
from schools.tests.factories import PersonFactory

from .factories import EventFactory, ProgrammeFactory


@pytest.mark.services
def test_a_real_worker_emails_the_person_promoted_from_the_waiting_list(world, celery_worker_real):
    event = EventFactory(programme=ProgrammeFactory(partnership=world.partnership), capacity=1)
    leaving = book_place(event_id=event.pk, person=PersonFactory(school=world.school), booked_by=world.user("head"))
    waiting_person = PersonFactory(school=world.school, email="next.in.line@darnhall.example.org")
    book_place(event_id=event.pk, person=waiting_person, booked_by=world.user("head"))
    cancel_booking(booking_id=leaving.pk, cancelled_by=world.user("head"))
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Booking.objects.get(person=waiting_person).status == "confirmed"
    assert [m.to for m in mail.outbox] == [["next.in.line@darnhall.example.org"]]


@pytest.mark.services
def test_a_real_worker_solves_a_queued_allocation(world, celery_worker_real):
    from cpd.models import AllocationRun, Event
    from cpd.services import request_allocation, save_choices

    from .factories import WorkshopFactory

    event = EventFactory(programme=ProgrammeFactory(partnership=world.partnership), kind=Event.Kind.WHOLE_TOWN_INSET)
    oracy = WorkshopFactory(event=event, title="Oracy", capacity=5)
    for school in (world.school, world.other_school):
        save_choices(event=event, person=PersonFactory(school=school), workshop_ids=[oracy.pk], chosen_by=None)
    run = request_allocation(event=event, run_by=world.user("coordinator"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(0.2)
    assert run.status == AllocationRun.Status.DONE, run.error
    assert (run.people, run.placed, run.by_rank) == (2, 2, {"1": 2})
