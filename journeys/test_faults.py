"""Faults (issue 9 item 7): a broker outage loses no report request; a database restart
loses no booking. Both need the real services: locally they skip without REDIS_URL or a
PostgreSQL DATABASE_URL, and in CI a missing service fails (conftest.needs_service)."""

import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import needs_service
from partnership.celery import app
from partnership.models import Term, TermlyReport
from partnership.reports import tasks

Status = TermlyReport.Status
CLOSED_PORT = "redis://127.0.0.1:1/0"


@contextmanager
def broker_at(url):
    """Celery publishes to `url` (a worker already running keeps its own connection)."""
    conf = app.conf
    saved = {key: conf[key] for key in ("broker_write_url", "task_publish_retry", "broker_connection_timeout")}
    pools = (app._pool, app.amqp._producer_pool)
    conf.broker_write_url, conf.task_publish_retry, conf.broker_connection_timeout = url, False, 1
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:  # the closed port's pools hold no live connection: dropping them is enough
        conf.update(saved)
        app._pool, app.amqp._producer_pool = pools


def wait_until_finished(report, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            return report
        time.sleep(0.3)
    return report


def test_with_the_broker_refusing_generate_now_says_so_and_keeps_the_request_for_the_sweep(client, transactional_db):
    """Needs no service: the broker is a closed port, so this runs everywhere."""
    from conftest import build_world

    world = build_world()
    term = Term.current_for(world.partnership)
    client.force_login(world.user("coordinator"))
    app.conf.task_always_eager = False
    with broker_at(CLOSED_PORT):
        response = client.post(reverse("reports:generate", args=[world.partnership.slug, term.pk]), follow=True)
        assert tasks.requeue_stale_reports() == 0
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        f"Version 1 of the {term} report is saved, but the job service is unavailable just now: it will start by "
        "itself when the service is back. You do not need to press Generate now again."
    ]
    report = TermlyReport.objects.get()
    assert (report.status, report.error, report.started_at) == (Status.QUEUED, tasks.NOT_SENT, None)


@pytest.mark.services
def test_with_redis_down_generate_now_says_so_keeps_the_request_and_the_sweep_sends_it_when_redis_is_back(
    celery_worker_real, client
):
    from conftest import build_world

    world = build_world()
    term = Term.current_for(world.partnership)
    client.force_login(world.user("coordinator"))
    url = reverse("reports:generate", args=[world.partnership.slug, term.pk])

    with broker_at(CLOSED_PORT):
        started = time.monotonic()
        response = client.post(url, follow=True)
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        page = response.content.decode()
        assert "the job service is unavailable just now" in page
        assert "it will start by itself when the service is back" in page
        report = TermlyReport.objects.get(partnership=world.partnership, term=term)
        assert report.status == Status.QUEUED and report.error == tasks.NOT_SENT
        assert tasks.NOT_SENT in page  # the status panel says why it waits
        # While Redis is still down the sweep leaves the row for next time, and says so.
        assert tasks.requeue_stale_reports() == 0
        report.refresh_from_db()
        assert report.status == Status.QUEUED and report.error == tasks.NOT_SENT
    assert elapsed < 10, f"the refused request took {elapsed:.1f} s"

    # Pressing the button again does not make a second version while the first waits.
    assert client.post(url).status_code == 302
    assert TermlyReport.objects.filter(partnership=world.partnership, term=term).count() == 1

    # Redis is back: the next sweep sends the message and the worker builds the report.
    assert tasks.requeue_stale_reports() == 1
    report = wait_until_finished(report)
    assert report.status == Status.READY, report.error
    assert report.error == "" and report.pdf_pages >= 1
    assert tasks.requeue_stale_reports() == 0  # nothing is sent twice


def test_an_invitation_made_while_the_broker_refuses_is_kept_and_its_email_sent_when_the_broker_is_back(
    world, client, django_capture_on_commit_callbacks
):
    """Needs no service: the broker is a closed port. Every refused message, e-mails
    included, is kept as an UnsentTask and sent by the every-minute sweep."""
    from django.core import mail

    from partnership.jobs import send_unsent
    from partnership.models import Invitation, Role, UnsentTask

    client.force_login(world.user("coordinator"))
    app.conf.task_always_eager = False
    with broker_at(CLOSED_PORT):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("invitation_list", args=[world.partnership.slug]),
                {"email": "nia.jones@example.org", "role": Role.STAFF, "school": world.school.pk},
            )
        assert response.status_code == 302
        invitation = Invitation.objects.get()
        kept = UnsentTask.objects.get()
        assert (kept.task_name, kept.args) == ("partnership.tasks.send_invitation_email", [invitation.pk])
        assert send_unsent() == 0  # still down: kept, and the attempt counted
        kept.refresh_from_db()
        assert kept.attempts == 1 and not mail.outbox

    app.conf.task_always_eager = True  # the broker is back (here: tasks run inline)
    assert send_unsent() == 1
    assert not UnsentTask.objects.exists()
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    assert send_unsent() == 0  # nothing is sent twice


def test_a_kept_message_for_a_task_that_no_longer_exists_is_dropped_not_retried_for_ever(db):
    from partnership.jobs import send_unsent
    from partnership.models import UnsentTask

    UnsentTask.objects.create(task_name="partnership.tasks.no_such_task", args=[1])
    assert send_unsent() == 0 and not UnsentTask.objects.exists()


def test_the_unsent_message_sweep_runs_every_minute():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["send-unsent-tasks"]
    assert entry["task"] == "partnership.tasks.send_unsent_tasks" and entry["schedule"] == 60.0


REDIS_DOWN = {"default": {"BACKEND": "partnership.cache.ResilientRedisCache", "LOCATION": CLOSED_PORT}}


def test_with_redis_unreachable_a_clerk_signs_in_works_and_signs_out_without_an_error(world, client):
    """Redis is the cache as well as the broker: with it gone, pages are slower, not broken."""
    from django.test import override_settings

    from conftest import PASSWORD

    slug = world.partnership.slug
    with override_settings(CACHES=REDIS_DOWN):
        signed_in = client.post(reverse("account_login"), {"login": "clerk@example.org", "password": PASSWORD})
        assert signed_in.status_code == 302
        for url in (
            reverse("partnership_dashboard", args=[slug]),
            reverse("schools:school_list", args=[slug]),
            reverse("governance:committee_list", args=[slug]),
            reverse("reports:report_list", args=[slug]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
        assert "Darnhall Primary School" in client.get(reverse("schools:school_list", args=[slug])).content.decode()
        assert client.post(reverse("account_logout")).status_code == 302
        assert client.get(reverse("partnership_dashboard", args=[slug])).status_code == 302  # to the sign-in page


def test_the_resilient_cache_turns_an_unreachable_redis_into_misses():
    from django.core.cache import caches
    from django.test import override_settings

    with override_settings(CACHES=REDIS_DOWN):
        cache = caches["default"]
        started = time.monotonic()
        assert cache.get("key", "default") == "default" and cache.get_many(["a", "b"]) == {}
        assert cache.set("key", 1) is None and cache.add("key", 1) is True and "key" not in cache
        with pytest.raises(ValueError):
            cache.incr("key")
        assert cache.delete("key") is False
        assert time.monotonic() - started < 5


# -- The database restarting during a booking --------------------------------------------


@pytest.fixture
def postgres(transactional_db):
    """The test database on PostgreSQL, with persistent, health-checked connections."""
    if connection.vendor != "postgresql":
        needs_service("PostgreSQL (set DATABASE_URL=postgres://...)")
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    # Persistent connections, as in production: a dead one must be noticed and replaced.
    connection.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
    yield connection
    connection.settings_dict.update(saved)


def terminate_other_sessions() -> int:
    """What a database restart does to the portal: from a second connection, end the others."""
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


@pytest.fixture
def event_to_book(postgres):
    from conftest import build_world
    from cpd.tests.factories import EventFactory, ProgrammeFactory, SessionFactory
    from schools.tests.factories import PersonFactory

    world = build_world()
    event = EventFactory(programme=ProgrammeFactory(partnership=world.partnership), title="Phonics", capacity=5)
    SessionFactory(event=event)
    person = PersonFactory(school=world.school, first_name="Tom", last_name="Reeves")
    return world, event, person


@contextmanager
def requests_start_like_a_real_server():
    """The test client leaves out Django's close_old_connections at request start (where the
    health check of a persistent connection is armed); a real server runs it."""
    from django.core.signals import request_started
    from django.db import close_old_connections

    def receiver(**kwargs):
        close_old_connections(**kwargs)

    request_started.connect(receiver)
    try:
        yield
    finally:
        request_started.disconnect(receiver)


@pytest.mark.services
def test_a_database_restart_just_before_a_booking_loses_no_booking(event_to_book, client):
    from cpd.models import Booking

    world, event, person = event_to_book
    client.force_login(world.user("head"))
    with requests_start_like_a_real_server():
        assert client.get(event.get_absolute_url()).status_code == 200  # the connection is now persistent
        assert terminate_other_sessions() >= 1
        response = client.post(reverse("cpd:book", args=[event.pk]), {"person": person.pk}, follow=True)
    assert response.status_code == 200
    assert "Place confirmed for Tom Reeves." in response.content.decode()
    assert list(Booking.objects.values_list("person_id", "status")) == [(person.pk, Booking.Status.CONFIRMED)]


@pytest.mark.services
def test_a_database_restart_in_the_middle_of_a_booking_is_retried_and_makes_one_booking(
    event_to_book, client, monkeypatch
):
    from cpd.models import Booking
    from cpd.views import bookings

    world, event, person = event_to_book
    real_book_place = bookings.book_place
    calls = []

    def restart_then_book(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:  # the view has read the event and the form; now the database restarts
            terminate_other_sessions()
        return real_book_place(**kwargs)

    monkeypatch.setattr(bookings, "book_place", restart_then_book)
    client.force_login(world.user("head"))
    response = client.post(reverse("cpd:book", args=[event.pk]), {"person": person.pk}, follow=True)
    assert response.status_code == 200
    assert "Place confirmed for Tom Reeves." in response.content.decode()
    assert len(calls) == 2  # the first try lost its connection; the second made the booking
    assert list(Booking.objects.values_list("person_id", "status")) == [(person.pk, Booking.Status.CONFIRMED)]
    assert timezone.now() - Booking.objects.get().created_at < timedelta(minutes=1)
