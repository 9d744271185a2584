from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import OperationalError
from django.utils import timezone

from partnership.jobs import resend_queued

from .gias import Filters, GiasFileError, import_gias
from .models import ImportJob
from .permissions import gias_import_scope

Status = ImportJob.Status


def progress_key(job_id: int) -> str:
    return f"schools:gias-import:{job_id}:progress"


def job_progress(job: ImportJob) -> dict:
    """Rows and bytes read so far. The import runs in one transaction, so its progress
    goes through the cache, where the page can see it before the commit."""
    return cache.get(progress_key(job.pk)) or {"rows": job.rows_read, "bytes": job.size if job.is_finished else 0}


class _CountingLines:
    """The file's lines, counting the bytes handed out."""

    def __init__(self, binary):
        self.binary = binary
        self.bytes = 0

    def __iter__(self):
        for line in self.binary:
            self.bytes += len(line)
            yield line


@shared_task(bind=True, acks_late=True, max_retries=3)
def run_gias_import(self, job_id: int) -> None:
    # Claim: one worker moves QUEUED -> RUNNING; a duplicate delivery updates 0 rows.
    if not ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    ):
        return
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    # Who may write what is asked again now, not taken from the upload: an officer who lost
    # their grant in between writes nothing.
    scope = gias_import_scope(job.uploaded_by) if job.uploaded_by else frozenset()
    if scope is not None and not scope:
        ImportJob.objects.filter(pk=job_id).update(
            status=Status.FAILED,
            message="Nothing was imported: the person who uploaded the file may no longer import GIAS.",
            finished_at=timezone.now(),
        )
        return
    ImportJob.objects.filter(pk=job_id).update(writes_every_la=scope is None, la_scope=" ".join(sorted(scope or ())))
    filters = Filters(la_codes={code for code in job.la_codes.split() if code}, scope=scope)
    try:
        with storages["private"].open(job.stored_name, "rb") as binary:
            lines = _CountingLines(binary)

            def progress(rows):
                cache.set(progress_key(job_id), {"rows": rows, "bytes": lines.bytes}, 3600)

            result = import_gias(
                lines,
                filters=filters,
                skip_bad_rows=job.skip_bad_rows,
                dry_run=job.dry_run,
                source=job.original_name,
                actor=job.uploaded_by,
                progress=progress,
            )
    except GiasFileError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=Status.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        return
    except Exception as exc:
        # A database blip is worth another go; anything else is shown on the page.
        again = isinstance(exc, OperationalError) and self.request.retries < self.max_retries
        ImportJob.objects.filter(pk=job_id).update(
            status=Status.QUEUED if again else Status.FAILED,
            message="The import stopped on an unexpected error; nothing was written.",
            finished_at=None if again else timezone.now(),
        )
        if again:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        raise
    refused = (result.error_count and not job.skip_bad_rows) or result.nothing_in_scope(filters)
    if result.nothing_in_scope(filters):
        message = (
            f"Nothing was imported: the file has no schools of your local authority "
            f"(LA code {', '.join(sorted(scope))}); {result.left_alone_text}."
        )
    elif refused:
        message = f"Nothing was imported: {result.bad_rows_text}. Correct them, or choose to skip bad rows."
    elif job.dry_run:
        message = f"Dry run: {result.summary} Nothing was written."
    else:
        message = result.summary
    ImportJob.objects.filter(pk=job_id).update(
        status=Status.FAILED if refused else Status.DONE,
        rows_read=result.rows_read,
        created=result.created,
        updated=result.updated,
        skipped=result.skipped,
        pupil_counts=result.pupil_counts,
        left_alone=result.left_alone,
        error_count=result.error_count,
        errors=[error.as_list() for error in result.errors],
        message=message[:500],
        finished_at=timezone.now(),
    )


STALE_AFTER_MINUTES = 20  # past Celery's hard time limit (15 minutes), the worker is gone


@shared_task
def fail_stale_gias_imports() -> int:
    """A job left RUNNING by a worker that died wrote nothing (the import is one
    transaction): say so on the page instead of showing it running for ever. A job still
    QUEUED that long never reached a worker (the broker was down): its task is sent again.
    Returns how many jobs were failed or sent again."""
    cutoff = timezone.now() - timedelta(minutes=STALE_AFTER_MINUTES)
    failed = ImportJob.objects.filter(status=Status.RUNNING, started_at__lt=cutoff).update(
        status=Status.FAILED,
        message="The import stopped when its worker did; nothing was written. Upload the file again.",
        finished_at=timezone.now(),
    )
    resent = resend_queued(
        ImportJob,
        queued_field="created_at",
        older_than=timedelta(minutes=STALE_AFTER_MINUTES),
        task_for=lambda pk: run_gias_import,
    )
    return failed + len(resent)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def send_contact_changed_notice(audit_entry_id: int) -> bool:
    """Tells the previous address that a contact address was changed, by whom and when, so
    an address taken over without its owner's knowledge does not go unnoticed."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from partnership.models import AuditEntry

    entry = AuditEntry.objects.select_related("actor").filter(pk=audit_entry_id).first()
    if entry is None or not entry.data.get("old"):
        return False
    context = {
        "entry": entry,
        "old": entry.data["old"],
        "new": entry.data.get("new") or "(no address)",
        "actor": (entry.actor.get_full_name() or entry.actor.email) if entry.actor else "Someone",
        "at": timezone.localtime(entry.at),
        "site_url": settings.SITE_URL,
    }
    send_mail(
        subject=f"An e-mail address was changed: {entry.target_repr}",
        message=render_to_string("schools/email/contact_changed.txt", context),
        from_email=None,
        recipient_list=[entry.data["old"]],
    )
    return True
