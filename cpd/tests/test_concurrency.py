"""Capacity holds when many people book the last places at once (PostgreSQL row locks)."""

import os
import threading

import pytest
from django.db import connection, connections

from conftest import needs_service
from cpd.models import Booking
from cpd.services import book_place
from schools.tests.factories import PersonFactory

from .factories import EventFactory, ProgrammeFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_bookings_for_ten_places_confirm_exactly_ten(transactional_db, world):
    if connection.vendor != "postgresql":
        needs_service("PostgreSQL (set DATABASE_URL=postgres://...)")
    event = EventFactory(programme=ProgrammeFactory(partnership=world.partnership), capacity=10, per_school_cap=None)
    schools = [world.school, world.other_school]
    people = [PersonFactory(school=schools[n % 2]) for n in range(50)]
    coordinator = world.user("coordinator")
    barrier = threading.Barrier(len(people))
    errors = []

    def book(person):
        try:
            barrier.wait(timeout=30)  # all fifty start together
            book_place(event_id=event.pk, person=person, booked_by=coordinator)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=book, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Booking.objects.filter(event=event, status="confirmed").count() == 10
    assert Booking.objects.filter(event=event, status="waitlisted").count() == 40
    assert os.environ.get("DATABASE_URL", "").startswith("postgres")
