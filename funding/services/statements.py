"""Statement PDFs: queued here, rendered by a Celery task."""

from django.db import transaction

from partnership.audit import record
from partnership.jobs import enqueue_on_commit

from ..models import Contribution, StatementJob


@transaction.atomic
def request_statement(*, contribution: Contribution, actor) -> StatementJob:
    from ..tasks import render_statement_pdf

    job = StatementJob.objects.create(contribution=contribution, requested_by=actor)
    record(
        actor=actor,
        verb="funding.statement.requested",
        target=job,
        partnership=contribution.round.partnership,
        data={"school": contribution.school_name, "version": contribution.version},
    )
    enqueue_on_commit(render_statement_pdf, job.pk)
    return job
