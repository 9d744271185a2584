from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from partnership.jobs import requeue_stale
from partnership.pdf import write_pdf


@shared_task(bind=True, acks_late=True, max_retries=5)
def render_statement_pdf(self, job_id: int) -> None:
    from .balances import round_balances
    from .models import Contribution, Payment, StatementJob

    # Claim: one worker moves QUEUED -> RUNNING; a duplicate delivery updates 0 rows.
    if not StatementJob.objects.filter(pk=job_id, status=StatementJob.Status.QUEUED).update(
        status=StatementJob.Status.RUNNING, started_at=timezone.now()
    ):
        return
    job = StatementJob.objects.select_related(
        "contribution__round__partnership__local_authority", "contribution__round__funding_year"
    ).get(pk=job_id)
    contribution = job.contribution
    try:
        balance = round_balances(contribution.round, school_ids=[contribution.school_id]).rows[0]
        context = {
            "contribution": contribution,
            "round": contribution.round,
            "partnership": contribution.round.partnership,
            "balance": balance,
            "versions": Contribution.objects.filter(
                round=contribution.round, school_id=contribution.school_id
            ).order_by("version"),
            "payments": Payment.objects.filter(round=contribution.round, school_id=contribution.school_id).order_by(
                "paid_on", "pk"
            ),
            "generated_at": timezone.now(),
        }
        name = f"funding/statements/round-{contribution.round_id}-school-{contribution.school_id}.pdf"
        stored, sha256, size = write_pdf(name, "funding/statement_pdf.html", context)
    except Exception as exc:
        # A database blip is worth another go; anything else is shown on the page.
        again = isinstance(exc, OperationalError) and self.request.retries < self.max_retries
        StatementJob.objects.filter(pk=job_id).update(
            status=StatementJob.Status.QUEUED if again else StatementJob.Status.FAILED, error=str(exc)[:500]
        )
        if again:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        raise
    StatementJob.objects.filter(pk=job_id).update(
        status=StatementJob.Status.DONE, file_name=stored, sha256=sha256, size=size, finished_at=timezone.now()
    )


@shared_task
def requeue_stale_statement_jobs(minutes: int = 20) -> int:
    """A worker that died mid-render leaves its job RUNNING; put such jobs back in the queue."""
    from datetime import timedelta

    from .models import StatementJob

    return requeue_stale(
        StatementJob,
        since_field="started_at",
        older_than=timedelta(minutes=minutes),
        task_for=lambda pk: render_statement_pdf,
    )
