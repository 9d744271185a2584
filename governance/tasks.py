"""Celery jobs: ids in, claimed once (QUEUED -> RUNNING by a conditional update), retried on
a database blip, failures written on the document for the page to show."""

import hashlib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import OperationalError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.audit import record
from partnership.jobs import requeue_stale
from partnership.pdf import html_to_pdf, private_storage, save_private_file

from .documents import agenda_html, minutes_html
from .models import Document, MinutesDistribution
from .recipients import FULL, PUBLIC, agenda_recipients, member_recipients


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


def _read_checked(document: Document) -> bytes:
    """The stored PDF, refused if it is not the file whose SHA-256 was recorded."""
    with private_storage().open(document.file_name, "rb") as handle:
        pdf = handle.read()
    if hashlib.sha256(pdf).hexdigest() != document.sha256:
        raise ValueError(f"The stored file of “{document}” does not match its SHA-256: nothing was sent.")
    return pdf


def _html_for(document: Document) -> str:
    if document.kind == Document.Kind.AGENDA_PUBLIC:
        return agenda_html(document.meeting_id, public=True)
    return minutes_html(document.minutes_id, public=document.is_public)


def _store(document: Document, pdf: bytes) -> None:
    name, sha256, size = save_private_file(f"governance/{document.kind}/{document.meeting_id}.pdf", pdf)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.DONE, file_name=name, sha256=sha256, size=size, finished_at=timezone.now()
    )


@shared_task(bind=True, acks_late=True, max_retries=5)
def render_minutes_pdf(self, document_id: int) -> None:
    """Makes one PDF: the full or public minutes, or a public agenda the sweep found waiting."""
    if not _claim(document_id):
        return
    try:
        document = Document.objects.get(pk=document_id)
        _store(document, html_to_pdf(_html_for(document)))
    except Exception as exc:
        _fail_or_retry(self, document_id, exc)
        raise


@shared_task(bind=True, acks_late=True, max_retries=5)
def send_agenda_pack(self, document_id: int) -> None:
    """Makes the agenda pack (agenda, matters arising, list of papers) and its public version,
    and e-mails the committee's members (see recipients.py): the full pack with the papers
    attached only to a member's verified account e-mail; the public agenda, without
    confidential items or papers, to every other member. The audit trail records who was
    sent which version, with the SHA-256 of the PDF."""
    if not _claim(document_id):
        return
    try:
        document = Document.objects.select_related("meeting__committee", "public_copy").get(pk=document_id)
        pdf = html_to_pdf(agenda_html(document.meeting_id, public=False))
        public = document.public_copy
        if public is not None and public.status == Document.Status.DONE:
            public_pdf = _read_checked(public)  # made by the sweep while this job waited
        else:
            public_pdf = html_to_pdf(agenda_html(document.meeting_id, public=True))
            if public is not None:
                _store(public, public_pdf)
        _store(document, pdf)
    except Exception as exc:
        _fail_or_retry(self, document_id, exc)
        raise
    meeting = document.meeting
    papers = [paper for item in meeting.items.prefetch_related("papers") for paper in item.papers.all()]
    url = settings.SITE_URL + meeting.get_absolute_url()
    date = f"{meeting.starts_at:%Y-%m-%d}"
    storage = private_storage()
    full_attachments = [(f"agenda-{date}.pdf", pdf, "application/pdf")]
    for paper in papers:
        with storage.open(paper.file_name, "rb") as handle:
            full_attachments.append((paper.original_name, handle.read(), paper.content_type))
    versions = {
        FULL: (full_attachments, hashlib.sha256(pdf).hexdigest(), papers),
        PUBLIC: (
            [(f"agenda-public-{date}.pdf", public_pdf, "application/pdf")],
            hashlib.sha256(public_pdf).hexdigest(),
            [],
        ),
    }
    sent, not_sent = [], []
    for recipient in agenda_recipients(meeting):
        if not recipient.version:
            not_sent.append({"to": recipient.name, "why": recipient.reason})
            continue
        attachments, sha256, attached_papers = versions[recipient.version]
        context = {
            "meeting": meeting,
            "papers": attached_papers,
            "url": url,
            "recipient": recipient,
            "account_url": settings.SITE_URL + reverse("account_email"),
        }
        EmailMessage(
            subject=f"Agenda: {meeting}",
            body=render_to_string("governance/email/agenda.txt", context),
            to=[recipient.email],
            attachments=attachments,
        ).send()
        sent.append({"to": recipient.email, "version": recipient.version, "sha256": sha256})
    record(
        actor=None,
        verb="governance.agenda.sent",
        target=meeting,
        partnership=meeting.committee.partnership,
        data={"document": document.pk, "sent": sent, "not_sent": not_sent},
    )


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=30)
def send_minutes_to_governing_bodies(self, distribution_ids: list[int]) -> int:
    """Sends the signed minutes as recorded by distribute_minutes: each row names the version
    and the SHA-256 of the PDF to send. A full version goes only to a member who still has a
    verified account at that address; otherwise the row is removed unsent, so the page offers
    the member the public version instead."""
    rows = list(
        MinutesDistribution.objects.filter(pk__in=distribution_ids)
        .exclude(sent_to="")
        .select_related("governing_body", "membership__person__user", "minutes__meeting__committee")
    )
    if not rows:
        return 0
    minutes = rows[0].minutes
    documents = {
        document.kind: document
        for document in minutes.documents.filter(
            kind__in=[Document.Kind.MINUTES_FULL, Document.Kind.MINUTES_PUBLIC], status=Document.Status.DONE
        )
    }
    by_version = {FULL: documents[Document.Kind.MINUTES_FULL], PUBLIC: documents[Document.Kind.MINUTES_PUBLIC]}
    pdfs = {version: _read_checked(document) for version, document in by_version.items()}
    full_rows = [row for row in rows if row.is_full]
    now = {r.membership.pk: r for r in member_recipients(row.membership for row in full_rows)}
    for row in full_rows:
        still = now[row.membership_id]
        if not (still.is_full and still.email.lower() == row.sent_to.lower()):
            MinutesDistribution.objects.filter(pk=row.pk).delete()
            rows.remove(row)
    sent = 0
    for row in rows:
        document = by_version[row.version]
        if document.sha256 != row.sha256:
            raise ValueError(f"The minutes PDF changed since it was recorded for {row}: nothing more was sent.")
        body = render_to_string(
            "governance/email/minutes.txt",
            {"row": row, "minutes": minutes, "account_url": settings.SITE_URL + reverse("account_email")},
        )
        name = document.download_name
        EmailMessage(
            subject=f"Signed minutes: {minutes.meeting}",
            body=body,
            to=[row.sent_to],
            attachments=[(name, pdfs[row.version], "application/pdf")],
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
