"""Celery jobs for termly reports.

`render_termly_report` is safe to deliver twice and to retry: a worker claims the row with a
conditional update (QUEUED -> RUNNING, counting the attempt), writes each file whole before
recording its name, and records the result only if its claim still holds. A worker killed
mid-job leaves a RUNNING row; `requeue_stale_reports` (every few minutes on beat) queues it
again, and the next worker starts afresh.
"""

import logging
from datetime import timedelta
from functools import partial

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from ..audit import record
from ..jobs import send_now
from ..models import Partnership, Role, Term
from ..pdf import private_storage, render_pdf, save_private_file
from .assembly import build_sections, csv_pack, render_body, render_document
from .models import TermlyReport

logger = logging.getLogger(__name__)
Status = TermlyReport.Status

# A job runs for at most CELERY_TASK_TIME_LIMIT; one still RUNNING well after that lost its worker.
STALE_AFTER = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 15 * 60) + 5 * 60)
MAX_ATTEMPTS = 3
# Written on a QUEUED row whose message the broker refused; the sweep sends those again.
NOT_SENT = "The job service was unavailable when this report was requested; it will start when the service is back."


def readable_error(error: Exception) -> str:
    text = str(error).strip() or error.__class__.__name__
    if error.__class__.__name__ == "SoftTimeLimitExceeded":
        text = "Building the report took longer than the time allowed."
    return text[:2000]


def produce_report(report_id: int) -> TermlyReport | None:
    """The whole job: claim, gather the sections, write the PDF and CSV pack, record them.

    Returns the report, or None when another worker has it (or it is already finished).
    Database errors are raised (after putting the row back in the queue) so the task can
    retry; any other error is recorded on the report as its reason for failing."""
    claimed = TermlyReport.objects.filter(pk=report_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        progress_done=0,
        progress_total=0,
        progress_label="Starting",
    )
    if not claimed:
        return None
    report = TermlyReport.objects.select_related("partnership__local_authority", "term").get(pk=report_id)

    def ours():
        # The claim holds while the row is RUNNING with our attempt number.
        return TermlyReport.objects.filter(pk=report_id, status=Status.RUNNING, attempts=report.attempts)

    def progress(done: int, total: int, label: str) -> None:
        ours().update(progress_done=done, progress_total=total, progress_label=label[:120])

    stored = []
    try:
        sections = build_sections(report.partnership, report.term, on_progress=progress)
        body = render_body(partnership=report.partnership, term=report.term, sections=sections)
        document = render_document(
            partnership=report.partnership, term=report.term, body=body, sections=sections, report=report
        )
        pdf, pages = render_pdf(document)
        pack = csv_pack(sections)
        folder = f"reports/{report.partnership.slug}"
        pdf_name, pdf_sha256, pdf_size = save_private_file(f"{folder}/{report.download_name('pdf')}", pdf)
        stored.append(pdf_name)
        csv_name, csv_sha256, csv_size = save_private_file(f"{folder}/{report.download_name('zip')}", pack)
        stored.append(csv_name)
        with transaction.atomic():
            finished = ours().update(
                status=Status.READY,
                html=body,
                pdf_file=pdf_name,
                pdf_sha256=pdf_sha256,
                pdf_size=pdf_size,
                pdf_pages=pages,
                csv_file=csv_name,
                csv_sha256=csv_sha256,
                csv_size=csv_size,
                progress_done=len(sections),
                progress_total=len(sections),
                progress_label="Done",
                error="",
                finished_at=timezone.now(),
            )
            if finished:
                record(
                    actor=None,
                    verb="partnership.report.ready",
                    target=report,
                    partnership=report.partnership,
                    data={"version": report.version, "pdf_sha256": pdf_sha256, "pages": pages},
                )
                transaction.on_commit(partial(notify_report_ready.delay, report_id))
    except OperationalError as error:
        _discard(stored)
        ours().update(status=Status.QUEUED, error=f"The database was unavailable; trying again. ({error})"[:2000])
        raise
    except Exception as error:
        _discard(stored)
        logger.exception("Termly report %s failed", report_id)
        with transaction.atomic():
            if ours().update(status=Status.FAILED, error=readable_error(error), finished_at=timezone.now()):
                record(
                    actor=None,
                    verb="partnership.report.failed",
                    target=report,
                    partnership=report.partnership,
                    data={"error": readable_error(error)[:300]},
                )
        report.refresh_from_db()
        return report
    if not finished:
        # Our claim was taken from us (the job was thought dead and queued again): the other
        # worker's files are the record, so ours go.
        _discard(stored)
        return None
    report.refresh_from_db()
    return report


def _discard(names: list[str]) -> None:
    for name in names:
        try:
            private_storage().delete(name)
        except OSError:
            logger.warning("Could not delete the unrecorded report file %s", name)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def render_termly_report(self, report_id: int) -> str:
    try:
        report = produce_report(report_id)
    except OperationalError as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=2**self.request.retries) from error
        TermlyReport.objects.filter(pk=report_id, status=Status.QUEUED).update(
            status=Status.FAILED,
            error=f"The database was unavailable after {self.max_retries} tries: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    return report.status if report else "skipped"


@shared_task
def requeue_stale_reports() -> int:
    """Beat job: queue again the reports whose worker died (RUNNING long past the time
    limit), and re-send reports left QUEUED that long (a lost message) or whose message the
    broker refused (marked NOT_SENT: sent again on the next sweep, whatever their age). A report whose
    worker died MAX_ATTEMPTS times is marked failed instead of looping for ever."""
    cutoff = timezone.now() - STALE_AFTER
    requeued = []
    for pk, attempts in TermlyReport.objects.filter(status=Status.RUNNING, started_at__lt=cutoff).values_list(
        "pk", "attempts"
    ):
        still_stale = TermlyReport.objects.filter(pk=pk, status=Status.RUNNING, attempts=attempts)
        if attempts >= MAX_ATTEMPTS:
            still_stale.update(
                status=Status.FAILED,
                finished_at=timezone.now(),
                error=f"The worker building this report stopped {attempts} times before finishing. "
                "Check the workers' memory and time limits, then press Generate now.",
            )
        elif still_stale.update(
            status=Status.QUEUED,
            progress_label="Queued again",
            error="The worker building this report stopped before finishing; it has been queued again.",
        ):
            requeued.append(pk)
    lost = (
        TermlyReport.objects.filter(status=Status.QUEUED)
        .filter(Q(started_at__isnull=True, created_at__lt=cutoff) | Q(started_at__lt=cutoff) | Q(error=NOT_SENT))
        .exclude(pk__in=requeued)
    )
    requeued.extend(lost.values_list("pk", flat=True))
    sent = [pk for pk in requeued if send_now(render_termly_report, pk, keep_if_refused=False)]  # NOT_SENT marks
    TermlyReport.objects.filter(pk__in=sent, status=Status.QUEUED, error=NOT_SENT).update(error="")
    for pk in set(requeued) - set(sent):
        mark_not_sent(pk)
    return len(sent)


def mark_not_sent(report_id: int) -> None:
    """The broker refused this report's message: say so on the row, for the sweep and the page."""
    TermlyReport.objects.filter(pk=report_id, status=Status.QUEUED).update(error=NOT_SENT)


@shared_task
def queue_reports_for_ended_terms(today: str | None = None) -> int:
    """Daily beat job: queue each partnership's report for a term that ended yesterday.

    Looks back a week, so a day when beat was down is caught up; a (partnership, term) that
    already has a report is left alone, so running it twice queues nothing twice."""
    from datetime import date

    from .services import request_report

    day = date.fromisoformat(today) if today else timezone.localdate()
    yesterday = day - timedelta(days=1)
    queued = 0
    for partnership in Partnership.objects.all():
        terms = list(
            Term.objects.for_partnership(partnership).filter(end__range=(yesterday - timedelta(days=6), yesterday))
        )
        # A partnership's own term dates win over its local authority's.
        own = [term for term in terms if term.partnership_id]
        for term in own or terms:
            if TermlyReport.objects.filter(partnership=partnership, term=term).exists():
                continue
            request_report(partnership=partnership, term=term, requested_by=None)
            queued += 1
    return queued


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def notify_report_ready(self, report_id: int) -> int:
    """E-mail each LA officer of the partnership that the report is ready (once)."""
    if not TermlyReport.objects.filter(pk=report_id, status=Status.READY, notified_at__isnull=True).update(
        notified_at=timezone.now()
    ):
        return 0
    report = TermlyReport.objects.select_related("partnership", "term").defer("html").get(pk=report_id)
    officers = list(
        get_user_model()
        .objects.filter(is_active=True, role_grants__partnership=report.partnership, role_grants__role=Role.LA_OFFICER)
        .distinct()
    )
    context = {"report": report, "url": settings.SITE_URL + report.get_absolute_url()}
    subject = f"Termly report ready: {report.partnership}, {report.term}"
    body = render_to_string("partnership/email/report_ready.txt", context)
    mails = [EmailMessage(subject=subject, body=body, to=[officer.email]) for officer in officers]
    try:
        get_connection().send_messages(mails)
    except Exception as error:
        TermlyReport.objects.filter(pk=report_id).update(notified_at=None)
        raise self.retry(exc=error) from error
    return len(mails)
