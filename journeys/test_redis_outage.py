"""Redis taken away for real: a private redis-server on its own port, stopped by its PID.

Redis is the portal's Celery broker, its Celery result backend and its cache. Whichever of
them is down, a request that queues a job answers within 2 seconds, the change is saved,
the message is kept (an `UnsentTask`, or the job's own row) and a real worker does the job,
once, after Redis is back. Needs the `redis-server` program (Debian: redis-server): without
it these tests skip on a developer machine and fail in CI (conftest.needs_service)."""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
import redis
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from conftest import needs_service
from partnership.celery import app
from partnership.jobs import send_unsent
from partnership.models import Invitation, Role, TermlyReport, UnsentTask

pytestmark = pytest.mark.services

ANSWER_WITHIN = 2.5  # seconds: the promise is 2, with a little room for a busy test machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """One redis-server of this test's own, on a port of its own, with nothing saved to disk."""

    def __init__(self, program: str):
        self.program, self.port, self.process = program, free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        command = [self.program, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """What a crash or `docker stop` does: the process is gone, its port refuses."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(transactional_db):
    """Starts private redis-servers (call it once per server); stops them all afterwards."""
    program = shutil.which("redis-server")
    if program is None:
        needs_service("redis-server (apt-get install redis-server)")
    servers = []

    def start() -> PrivateRedis:
        servers.append(PrivateRedis(program).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def _reset_connections():
    """Celery keeps broker connections in pools and the result backend per app (or per
    thread): drop them so the next message connects to the URLs now configured."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local = threading.local()


@contextmanager
def redis_at(*, broker: PrivateRedis, backend: PrivateRedis):
    """Celery's broker and result backend, and the Django cache, on the private servers;
    tasks go through the broker, as in production."""
    keys = ("broker_url", "broker_read_url", "broker_write_url", "result_backend")
    saved = {key: app.conf[key] for key in keys}
    cache = {"default": {"BACKEND": "partnership.cache.ResilientRedisCache", "LOCATION": broker.url}}
    app.conf.update(broker_url=broker.url, broker_read_url=None, broker_write_url=None, result_backend=backend.url)
    app.conf.task_always_eager = False
    _reset_connections()
    try:
        with override_settings(CACHES=cache):
            yield
    finally:
        app.conf.update(saved)
        app.conf.task_always_eager = True
        _reset_connections()


@contextmanager
def real_worker():
    """A real Celery worker (a thread of this process) consuming from the configured broker."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        yield


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def servers_for(down: str, private_redis):
    """The broker and the result backend: one server for both, or two when only one is down."""
    if down == "both":
        server = private_redis()
        return server, server, [server]
    broker, backend = private_redis(), private_redis()
    return broker, backend, [broker if down == "broker" else backend]


@pytest.mark.parametrize("down", ["both", "broker", "result backend"])
def test_an_invitation_sent_while_redis_is_down_answers_at_once_and_its_email_goes_out_once_when_redis_is_back(
    down, private_redis, client
):
    from conftest import build_world

    world = build_world()
    broker, backend, stopped = servers_for(down, private_redis)
    client.force_login(world.user("coordinator"))
    with redis_at(broker=broker, backend=backend):
        for server in stopped:
            server.stop()
        response, elapsed = timed(
            lambda: client.post(
                reverse("invitation_list", args=[world.partnership.slug]),
                {"email": "nia.jones@example.org", "role": Role.STAFF, "school": world.school.pk},
            )
        )
        assert elapsed < ANSWER_WITHIN, f"the request took {elapsed:.1f} s"
        assert response.status_code == 302
        invitation = Invitation.objects.get(email="nia.jones@example.org")
        if down == "result backend":
            # Nobody waits on an e-mail's result: the broker took the message, nothing is kept.
            assert not UnsentTask.objects.exists()
        else:
            kept = UnsentTask.objects.get()
            assert (kept.task_name, kept.args) == ("partnership.tasks.send_invitation_email", [invitation.pk])
            _, elapsed = timed(send_unsent)  # the every-minute sweep, while Redis is still down
            assert elapsed < ANSWER_WITHIN
            assert UnsentTask.objects.get().attempts == 1
            for server in stopped:
                server.start()  # Redis is back, on the same port
            assert send_unsent() == 1 and not UnsentTask.objects.exists()
        assert not mail.outbox
        with real_worker():
            assert wait_for(lambda: mail.outbox), "the invitation e-mail was never sent"
            assert send_unsent() == 0
            time.sleep(1)  # a second delivery would show by now
    assert [message.to for message in mail.outbox] == [["nia.jones@example.org"]]
    assert invitation.token in mail.outbox[0].body


def test_generate_now_while_redis_is_down_answers_at_once_and_the_report_is_built_once_when_redis_is_back(
    private_redis, client
):
    from conftest import build_world
    from partnership.models import Term
    from partnership.reports import tasks

    world = build_world()
    term = Term.current_for(world.partnership)
    server = private_redis()
    client.force_login(world.user("coordinator"))
    with redis_at(broker=server, backend=server):
        server.stop()
        url = reverse("reports:generate", args=[world.partnership.slug, term.pk])
        response, elapsed = timed(lambda: client.post(url, follow=True))
        assert elapsed < ANSWER_WITHIN, f"the request took {elapsed:.1f} s"
        assert response.status_code == 200
        assert "it will start by itself when the service is back" in response.content.decode()
        report = TermlyReport.objects.get(partnership=world.partnership, term=term)
        assert (report.status, report.error) == (TermlyReport.Status.QUEUED, tasks.NOT_SENT)
        assert UnsentTask.objects.get().args == [report.pk]

        server.start()
        with real_worker():
            assert send_unsent() == 1
            # The report's own sweep may send it too (the row says NOT_SENT until a worker
            # claims it): the claim makes the second message do nothing.
            tasks.requeue_stale_reports()
            assert wait_for(lambda: report.refresh_from_db() or report.is_finished), (report.status, report.error)
            finished_at = report.finished_at
            time.sleep(1)  # a second delivery would show by now
            assert tasks.requeue_stale_reports() == 0 and not UnsentTask.objects.exists()
    report.refresh_from_db()
    assert report.status == TermlyReport.Status.READY, report.error
    assert report.finished_at == finished_at
    assert report.error == "" and report.pdf_pages >= 1
    assert TermlyReport.objects.filter(partnership=world.partnership, term=term).count() == 1


def test_a_place_freed_while_redis_is_down_is_confirmed_at_once_and_the_email_goes_out_once_when_redis_is_back(
    private_redis, client
):
    from conftest import build_world
    from cpd.models import Booking
    from cpd.services import book_place
    from cpd.tests.factories import EventFactory, ProgrammeFactory
    from schools.tests.factories import PersonFactory

    world = build_world()
    head = world.user("head")
    event = EventFactory(programme=ProgrammeFactory(partnership=world.partnership), capacity=1)
    leaving = book_place(event_id=event.pk, person=PersonFactory(school=world.school), booked_by=head)
    waiting_person = PersonFactory(school=world.school, email="next.in.line@darnhall.example.org")
    waiting = book_place(event_id=event.pk, person=waiting_person, booked_by=head)
    assert waiting.status == Booking.Status.WAITLISTED
    server = private_redis()
    client.force_login(head)
    with redis_at(broker=server, backend=server):
        server.stop()
        response, elapsed = timed(lambda: client.post(reverse("cpd:cancel", args=[leaving.pk])))
        assert elapsed < ANSWER_WITHIN, f"the request took {elapsed:.1f} s"
        assert response.status_code == 302
        waiting.refresh_from_db()
        assert waiting.status == Booking.Status.CONFIRMED
        kept = UnsentTask.objects.get()
        assert (kept.task_name, kept.args) == ("cpd.tasks.send_place_confirmed_email", [waiting.pk])

        server.start()
        with real_worker():
            assert send_unsent() == 1
            assert wait_for(lambda: mail.outbox), "the place confirmation was never sent"
            time.sleep(1)
    assert [message.to for message in mail.outbox] == [["next.in.line@darnhall.example.org"]]
