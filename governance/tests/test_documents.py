"""The PDFs: made by Celery jobs, stored privately with a checksum, public version without
confidential items, a query count that does not grow with items."""

import datetime
import hashlib
import shutil
import subprocess

import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from conftest import needs_service
from governance import services, tasks
from governance.documents import minutes_html
from governance.models import Document, Minutes
from partnership.pdf import private_storage

from .factories import AgendaItemFactory, MeetingFactory, account_for

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        needs_service("pdftotext (apt-get install poppler-utils)")
    path = tmp_path / "read.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def _signed(gov, world, capture):
    clerk = world.user("clerk")
    votes = {m.pk: "for" for m in [gov.chair, *gov.heads]}
    services.record_decision(
        item=gov.general, motion="To approve the joint CPD programme.", votes=votes, recorded_by=clerk
    )
    services.record_decision(
        item=gov.secret, motion="To fund a supported return to work.", votes=votes, recorded_by=clerk
    )
    minutes = services.draft_for(gov.meeting)
    services.save_item_minutes(
        minutes=minutes,
        texts={
            gov.general.pk: "The programme was welcomed.",
            gov.secret.pk: "The headteacher's absence was discussed.",
        },
        saved_by=clerk,
    )
    later = MeetingFactory(committee=gov.committee, starts_at=timezone.now() + datetime.timedelta(days=14))
    services.approve_minutes(minutes=minutes, at_meeting=later, approved_by=clerk)
    with capture(execute=True):
        services.sign_minutes(minutes=minutes, signed_by=clerk)
    return minutes


def _read(document) -> bytes:
    with private_storage().open(document.file_name, "rb") as handle:
        return handle.read()


def test_signing_makes_a_full_and_a_public_pdf_and_the_public_one_leaves_confidential_items_out(
    gov, world, django_capture_on_commit_callbacks, tmp_path
):
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    full = minutes.documents.get(kind=Document.Kind.MINUTES_FULL)
    public = minutes.documents.get(kind=Document.Kind.MINUTES_PUBLIC)
    assert full.status == public.status == Document.Status.DONE
    full_bytes, public_bytes = _read(full), _read(public)
    assert full.sha256 == hashlib.sha256(full_bytes).hexdigest() and full.size == len(full_bytes)
    full_text, public_text = pdf_text(full_bytes, tmp_path), pdf_text(public_bytes, tmp_path)
    for text in (full_text, public_text):
        assert "To approve the joint CPD programme." in text and "Carried" in text
        assert "Margaret Holt" in text  # signed by the chair
    assert "Staffing matter at Darnhall" in full_text and "supported return to work" in full_text
    assert "Staffing matter" not in public_text and "supported return" not in public_text
    assert "absence was discussed" not in public_text


def test_the_minutes_are_served_only_through_the_permission_checked_view(
    gov, world, django_capture_on_commit_callbacks, client
):
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    full = minutes.documents.get(kind=Document.Kind.MINUTES_FULL)
    public = minutes.documents.get(kind=Document.Kind.MINUTES_PUBLIC)
    client.force_login(world.user("la_officer"))
    response = client.get(reverse("governance:document_download", args=[public.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("governance:document_download", args=[full.pk])).status_code == 403
    client.force_login(world.user("head"))
    assert client.get(reverse("governance:document_download", args=[full.pk])).status_code == 200


def test_a_duplicate_delivery_of_the_job_does_nothing(gov, world, django_capture_on_commit_callbacks, monkeypatch):
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    document = minutes.documents.get(kind=Document.Kind.MINUTES_FULL)
    before = (document.file_name, document.finished_at)
    monkeypatch.setattr(tasks, "html_to_pdf", lambda html: pytest.fail("rendered twice"))
    tasks.render_minutes_pdf.apply(args=[document.pk])
    document.refresh_from_db()
    assert (document.file_name, document.finished_at) == before


def test_a_database_blip_puts_the_job_back_in_the_queue_and_a_later_try_finishes_it(gov, world, monkeypatch):
    minutes = Minutes.objects.create(
        meeting=gov.meeting, status="signed", signed_by=gov.chair.person, signed_at=timezone.now()
    )
    document = Document.objects.create(kind=Document.Kind.MINUTES_PUBLIC, meeting=gov.meeting, minutes=minutes)
    calls = []

    def flaky(html):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return b"%PDF-1.7 test"

    monkeypatch.setattr(tasks, "html_to_pdf", flaky)
    with pytest.raises(Retry):
        tasks.render_minutes_pdf.apply(args=[document.pk])
    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED and "connection" in document.error
    tasks.render_minutes_pdf.apply(args=[document.pk])  # the retry delivery
    document.refresh_from_db()
    assert len(calls) == 2 and document.status == Document.Status.DONE and document.error == ""


def test_a_job_that_fails_for_good_says_why(gov, world, monkeypatch):
    minutes = Minutes.objects.create(
        meeting=gov.meeting, status="signed", signed_by=gov.chair.person, signed_at=timezone.now()
    )
    document = Document.objects.create(kind=Document.Kind.MINUTES_FULL, meeting=gov.meeting, minutes=minutes)
    monkeypatch.setattr(tasks, "html_to_pdf", lambda html: (_ for _ in ()).throw(ValueError("bad font")))
    with pytest.raises(ValueError, match="bad font"):
        tasks.render_minutes_pdf.apply(args=[document.pk])
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED and document.error == "bad font"


def test_the_minutes_html_takes_the_same_queries_for_3_items_as_for_30(gov, world, django_assert_num_queries):
    minutes = Minutes.objects.create(meeting=gov.meeting)
    services.record_decision(
        item=gov.general, motion="Motion", votes={gov.chair.pk: "for"}, recorded_by=world.user("clerk")
    )
    with django_assert_num_queries(8):
        small = minutes_html(minutes.pk, public=False)
    for number in range(27):
        item = AgendaItemFactory(meeting=gov.meeting, order=10 + number)
        services.record_decision(
            item=item, motion=f"Motion {number}", votes={gov.chair.pk: "for"}, recorded_by=world.user("clerk")
        )
        services.add_action(
            meeting=gov.meeting,
            item=item,
            description=f"Action {number}",
            owner=gov.heads[0].person,
            due_on=timezone.localdate(),
            added_by=world.user("clerk"),
        )
    with django_assert_num_queries(8):
        large = minutes_html(minutes.pk, public=False)
    assert "Motion 26" in large and len(large) > len(small)


def test_the_benchmark_reports_times_the_ratio_and_a_fixed_query_count():
    from governance.bench import minutes_pdf_benchmark

    small, large = minutes_pdf_benchmark(items=1, repeats=1), minutes_pdf_benchmark(items=3, repeats=1)
    assert small["queries"] == large["queries"] == 8
    assert large["ratio"] > 0 and large["weasyprint_seconds"] > 0 and large["pdf_bytes"] > small["pdf_bytes"]


def test_publishing_the_agenda_emails_members_one_pdf_pack_with_the_papers_attached(
    gov, world, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    clerk = world.user("clerk")
    account = account_for(gov.chair.person)
    services.attach_paper(
        item=gov.general,
        title="CPD programme draft",
        uploaded_by=clerk,
        upload=SimpleUploadedFile("cpd.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        document = services.publish_agenda(meeting=gov.meeting, published_by=clerk)
    document.refresh_from_db()
    assert document.status == document.public_copy.status == Document.Status.DONE
    with_email = [m for m in gov.everyone if m.person.email]
    assert len(mailoutbox) == len(with_email)
    (pack,) = [mail for mail in mailoutbox if mail.to == [account.email]]
    names = [name for name, _content, _type in pack.attachments]
    assert names[0].startswith("agenda-") and "cpd.pdf" in names
    text = pdf_text(pack.attachments[0][1], tmp_path)
    assert "Joint CPD programme" in text and "CPD programme draft" in text


def test_a_paper_that_is_not_what_it_claims_is_refused_with_a_clear_message(gov, world):
    with pytest.raises(ValidationError, match="is not a PDF file"):
        services.attach_paper(
            item=gov.general,
            title="",
            uploaded_by=world.user("clerk"),
            upload=SimpleUploadedFile("plan.pdf", b"MZ\x90\x00", content_type="application/pdf"),
        )
    with pytest.raises(ValidationError, match="not “virus.exe”"):
        services.attach_paper(
            item=gov.general,
            title="",
            uploaded_by=world.user("clerk"),
            upload=SimpleUploadedFile("virus.exe", b"MZ", content_type="application/x-msdownload"),
        )


def test_a_real_worker_renders_the_signed_minutes(celery_worker_real, world, tmp_path):
    """Runs against Redis: the job goes through the broker to a worker thread."""
    import time

    from .factories import build_committee

    gov = build_committee(world)
    minutes = Minutes.objects.create(meeting=gov.meeting, status="approved")
    MeetingFactory(committee=gov.committee, starts_at=timezone.now() + datetime.timedelta(days=3))
    services.sign_minutes(minutes=minutes, signed_by=world.user("clerk"))  # commits: transactional_db
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if minutes.documents.filter(status=Document.Status.DONE).count() == 2:
            break
        time.sleep(0.2)
    documents = list(minutes.documents.all())
    assert {d.status for d in documents} == {Document.Status.DONE}, [d.error for d in documents]
    assert "Joint CPD programme" in pdf_text(_read(documents[0]), tmp_path)


def test_a_document_left_running_by_a_dead_worker_is_queued_again_and_finished(
    gov, world, django_capture_on_commit_callbacks
):
    minutes = Minutes.objects.create(
        meeting=gov.meeting, status="signed", signed_by=gov.chair.person, signed_at=timezone.now()
    )
    stalled = Document.objects.create(
        kind=Document.Kind.MINUTES_PUBLIC,
        meeting=gov.meeting,
        minutes=minutes,
        status=Document.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    fresh = Document.objects.create(
        kind=Document.Kind.MINUTES_FULL,
        meeting=gov.meeting,
        minutes=minutes,
        status=Document.Status.RUNNING,
        started_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_documents() == 1
    stalled.refresh_from_db()
    fresh.refresh_from_db()
    assert stalled.status == Document.Status.DONE and fresh.status == Document.Status.RUNNING


def test_a_document_whose_message_the_broker_refused_is_sent_again_by_the_sweep(
    gov, world, django_capture_on_commit_callbacks
):
    minutes = Minutes.objects.create(
        meeting=gov.meeting, status="signed", signed_by=gov.chair.person, signed_at=timezone.now()
    )
    lost = Document.objects.create(kind=Document.Kind.MINUTES_PUBLIC, meeting=gov.meeting, minutes=minutes)
    Document.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    just_queued = Document.objects.create(kind=Document.Kind.MINUTES_FULL, meeting=gov.meeting, minutes=minutes)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_documents() == 1
    lost.refresh_from_db()
    just_queued.refresh_from_db()
    assert lost.status == Document.Status.DONE and just_queued.status == Document.Status.QUEUED
