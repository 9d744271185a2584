"""The statement PDF on the real services: PostgreSQL, Redis and a real Celery worker."""

import time

import pytest

from funding import services
from funding.models import StatementJob

from .factories import build_funding


@pytest.mark.services
def test_a_statement_pdf_is_rendered_by_a_real_worker_and_a_duplicate_delivery_does_nothing(celery_worker_real):
    from conftest import build_world
    from funding.tasks import render_statement_pdf

    world = build_world()
    funding = build_funding(world)
    job = services.request_statement(contribution=funding.contribution, actor=world.user("head"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in {StatementJob.Status.DONE, StatementJob.Status.FAILED}:
            break
        time.sleep(0.2)
    assert job.status == StatementJob.Status.DONE, job.error
    assert job.file_name and len(job.sha256) == 64
    # A second delivery of the same message finds the job already claimed and leaves it alone.
    render_statement_pdf.apply_async((job.pk,), ignore_result=False).get(timeout=30)
    finished = job.finished_at
    job.refresh_from_db()
    assert job.finished_at == finished and StatementJob.objects.count() == 1


@pytest.mark.services
def test_two_apps_recording_the_same_cost_at_once_file_one_entry(transactional_db):
    import threading
    from datetime import date
    from decimal import Decimal

    from django.db import connection, connections

    from conftest import build_world, needs_service
    from funding.models import SpendingEntry

    if connection.vendor != "postgresql":
        needs_service("PostgreSQL (set DATABASE_URL)")
    world = build_world()
    build_funding(world)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def record():
        try:
            barrier.wait()
            entry = services.record_spending(
                partnership=world.partnership,
                category="cpd",
                amount=Decimal("300.00"),
                spent_on=date(2026, 10, 5),
                description="Joint SENCO training",
                source_ref="cpd.event:99",
                actor=None,
            )
            results.append(entry.pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert len(set(results)) == 1 and len(results) == 4
    assert SpendingEntry.objects.filter(source_ref="cpd.event:99").count() == 1
