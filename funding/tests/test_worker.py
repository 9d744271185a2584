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
    render_statement_pdf.delay(job.pk).get(timeout=30)
    finished = job.finished_at
    job.refresh_from_db()
    assert job.finished_at == finished and StatementJob.objects.count() == 1
