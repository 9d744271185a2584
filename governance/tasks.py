"""Celery jobs: ids in, claimed once (QUEUED -> RUNNING by a conditional update), retried on
a database blip, failures written on the document for the page to show."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import OperationalError
from django.template.loader import render_to_string
from django.utils import timezone

from partnership.jobs import requeue_stale
from partnership.pdf import html_to_pdf, private_storage, save_private_file

from .documents import agenda_html, minutes_html
from .models import Document, MinutesDistribution
from .services.meetings import members_for


def _claim(document_id: int) -> bool:
    # One worker moves QUEUED -> RUNNING; a duplicate delivery updates no row and stops.
    return bool(
        Document.objects.filter(pk=document_id, status=Document.Status.QUEUED).update(
            status=Document.Status.RUNNING, started_at=timezone.now(), error=""
        )
    )


def _fail_or_retry(task, document_id: int, exc: Exception) -> None:
    again = isinstance(exc, OperationalError) and task.request.retries < task.max_retries
    Document.objects.filter(pk=document_id).update(
        status=Document.Status.QUEUED if again else Document.Status.FAILED, error=str(exc)[:500]
    )
    if again:
        raise task.retry(exc=exc, countdown=2**task.request.retries)


def _store(document: Document, pdf: bytes) -> None:
    name, sha256, size = save_private_file(f"governance/{document.kind}/{document.meeting_id}.pdf", pdf)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.DONE, file_name=name, sha256=sha256, size=size, finished_at=timezone.now()
    )


@shared_task(bind=True, acks_late=True, max_retries=5)
def render_minutes_pdf(self, document_id: int) -> None:
    if not _claim(document_id):
        return
    try:
        document = Document.objects.get(pk=document_id)
        pdf = html_to_pdf(minutes_html(document.minutes_id, public=document.is_public))
        _store(document, pdf)
    except Exception as exc:
        _fail_or_retry(self, document_id, exc)
        raise


@shared_task(bind=True, acks_late=True, max_retries=5)
def send_agenda_pack(self, document_id: int) -> None:
    """Makes the agenda pack (agenda, matters arising, list of papers) and e-mails it, with
    the papers attached, to every member of the committee."""
    if not _claim(document_id):
        return
    try:
        document = Document.objects.select_related("meeting__committee").get(pk=document_id)
        pdf = html_to_pdf(agenda_html(document.meeting_id))
        _store(document, pdf)
    except Exception as exc:
        _fail_or_retry(self, document_id, exc)
        raise
    meeting = document.meeting
    papers = [paper for item in meeting.items.prefetch_related("papers") for paper in item.papers.all()]
    context = {"meeting": meeting, "papers": papers, "url": settings.SITE_URL + meeting.get_absolute_url()}
    body = render_to_string("governance/email/agenda.txt", context)
    storage = private_storage()
    attachments = [(f"agenda-{meeting.starts_at:%Y-%m-%d}.pdf", pdf, "application/pdf")]
    for paper in papers:
        with storage.open(paper.file_name, "rb") as handle:
            attachments.append((paper.original_name, handle.read(), paper.content_type))
    for member in members_for(meeting):
        if not member.person.email:
            continue
        message = EmailMessage(
            subject=f"Agenda: {meeting}", body=body, to=[member.person.email], attachments=attachments
        )
        message.send()


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=30)
def send_minutes_to_governing_bodies(self, distribution_ids: list[int]) -> int:
    rows = list(
        MinutesDistribution.objects.filter(pk__in=distribution_ids)
        .exclude(sent_to="")
        .select_related("governing_body", "minutes__meeting__committee")
    )
    if not rows:
        return 0
    minutes = rows[0].minutes
    document = minutes.documents.filter(kind=Document.Kind.MINUTES_FULL, status=Document.Status.DONE).first()
    with private_storage().open(document.file_name, "rb") as handle:
        pdf = handle.read()
    sent = 0
    for row in rows:
        body = render_to_string("governance/email/minutes.txt", {"row": row, "minutes": minutes})
        EmailMessage(
            subject=f"Signed minutes: {minutes.meeting}",
            body=body,
            to=[row.sent_to],
            attachments=[(document.download_name, pdf, "application/pdf")],
        ).send()
        sent += 1
    return sent


@shared_task
def requeue_stalled_documents(minutes_old: int = 15) -> int:
    """A worker that died mid-job leaves its document RUNNING: put it back in the queue."""
    from datetime import timedelta

    return requeue_stale(
        Document,
        since_field="started_at",
        older_than=timedelta(minutes=minutes_old),
        extra_fields=("kind",),
        task_for=lambda pk, kind: send_agenda_pack if kind == Document.Kind.AGENDA_PACK else render_minutes_pdf,
    )
