from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.gias import gias_bytes
from schools.models import ImportJob, School
from schools.tasks import run_gias_import

from .test_gias_import import row


def upload(client, data: bytes, name="edubasealldata20260115.csv", **fields):
    url = reverse("schools:import_list")
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **fields})


def test_a_deployment_administrator_uploads_an_extract_and_the_job_imports_it(
    deployment_admin, sign_in, django_capture_on_commit_callbacks
):
    client = sign_in(deployment_admin)
    data = gias_bytes([row(), row(**{"URN": "111701", "EstablishmentName": "Ysgol Gynradd Élan"})])

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data, la_codes="896")

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.created, job.rows_read, job.pupil_counts) == ("done", 2, 2, 2)
    assert School.objects.get(urn=111701).name == "Ysgol Gynradd Élan"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Created 2 and updated 0 schools" in page and "hx-trigger" not in page


def test_an_extract_saved_by_excel_as_unicode_text_is_accepted_and_imported(
    deployment_admin, sign_in, django_capture_on_commit_callbacks
):
    from .test_gias_import import HEADER

    text = "".join("\t".join(cells) + "\r\n" for cells in [HEADER, row(), row(**{"URN": "111701"})])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(sign_in(deployment_admin), text.encode("utf-16"))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and (job.status, job.created) == ("done", 2), job.message


def test_an_extract_with_bad_rows_fails_with_a_row_numbered_report_on_the_page(
    deployment_admin, sign_in, django_capture_on_commit_callbacks
):
    client = sign_in(deployment_admin)
    data = gias_bytes([row(), row(**{"URN": "111701", "NumberOfPupils": "lots"})])

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, data)

    job = ImportJob.objects.get()
    assert (
        job.status == "failed"
        and job.error_count == 1
        and job.errors == [[3, "NumberOfPupils", "“lots” is not a whole number."]]
    )
    assert not School.objects.filter(urn__in=[111700, 111701]).exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Nothing was imported" in page and "NumberOfPupils" in page and '<th scope="row">3</th>' in page


def test_a_file_that_is_not_gias_fails_with_a_clear_message(
    deployment_admin, sign_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(sign_in(deployment_admin), b"Name,Email\nHelen,helen@example.org\n")

    job = ImportJob.objects.get()
    assert job.status == "failed" and "does not look like a GIAS establishment file" in job.message


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("schools.xlsx", b"PK\x03\x04", "Upload the extract as a .csv file"),
        ("schools.csv", b"PK\x03\x04\x00\x00", "This is not a CSV file"),
        ("schools.csv", b"", "The submitted file is empty"),
    ],
)
def test_uploads_of_the_wrong_type_are_refused_with_a_clear_message(deployment_admin, sign_in, name, data, message):
    response = upload(sign_in(deployment_admin), data, name=name)

    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(deployment_admin, sign_in, settings):
    settings.MAX_UPLOAD_BYTES = 1000

    response = upload(sign_in(deployment_admin), gias_bytes([row()] * 10))

    assert "the limit is 1000\xa0bytes" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_bad_la_codes_are_refused(deployment_admin, sign_in):
    response = upload(sign_in(deployment_admin), gias_bytes([row()]), la_codes="896 Cheshire")

    assert "Cheshire is not one" in response.content.decode()


def test_the_progress_panel_polls_while_the_job_runs_and_stops_when_it_is_done(deployment_admin, sign_in):
    job = ImportJob.objects.create(uploaded_by=deployment_admin, original_name="big.csv", stored_name="x", size=1000)
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    client = sign_in(deployment_admin)
    url = reverse("schools:import_progress", args=[job.pk])

    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="done", message="Created 5 and updated 0 schools.")
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 2s"' in running and "rows read so far" in running
    assert "hx-trigger" not in done and "Created 5" in done and "<html" not in done
    opened = client.get(url)  # the address opened directly, not by htmx: the whole page
    assert opened.status_code == 302 and opened["Location"] == job.get_absolute_url()


def test_a_job_is_run_only_once_even_if_delivered_twice(deployment_admin):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    name = storages["private"].save("gias/t.csv", ContentFile(gias_bytes([row()])))
    job = ImportJob.objects.create(uploaded_by=deployment_admin, original_name="t.csv", stored_name=name)

    run_gias_import(job.pk)
    School.objects.filter(urn=111700).delete()
    run_gias_import(job.pk)  # a duplicate delivery finds the job claimed and does nothing

    job.refresh_from_db()
    assert job.status == "done" and job.created == 1 and not School.objects.filter(urn=111700).exists()
    assert job.finished_at.date() <= date.today()


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_the_import_job(celery_worker_real, tmp_path):
    import time

    from partnership.tests.factories import UserFactory
    from schools.gias import write_gias_csv
    from schools.services import start_gias_import

    admin = UserFactory(is_superuser=True)
    path = tmp_path / "edubasealldata.csv"
    write_gias_csv(path, 300, start_urn=700000)
    with open(path, "rb") as binary:
        upload = SimpleUploadedFile("edubasealldata.csv", binary.read(), content_type="text/csv")
    job = start_gias_import(upload=upload, la_codes="", skip_bad_rows=False, dry_run=False, actor=admin)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == "done", job.message
    assert job.created == 300 and School.objects.filter(urn__gte=700000).count() == 300


def test_a_job_left_running_by_a_dead_worker_is_marked_failed(db):
    from datetime import timedelta

    from django.utils import timezone

    from schools.tasks import fail_stale_gias_imports

    stale = ImportJob.objects.create(original_name="a.csv", stored_name="a")
    fresh = ImportJob.objects.create(original_name="b.csv", stored_name="b")
    ImportJob.objects.filter(pk=stale.pk).update(status="running", started_at=timezone.now() - timedelta(hours=1))
    ImportJob.objects.filter(pk=fresh.pk).update(status="running", started_at=timezone.now())

    assert fail_stale_gias_imports() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == "failed" and "nothing was written" in stale.message and fresh.status == "running"


def test_a_job_whose_message_the_broker_refused_is_sent_again_by_the_sweep(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from schools import tasks

    sent = []
    monkeypatch.setattr(tasks.run_gias_import, "delay", lambda pk: sent.append(pk))
    lost = ImportJob.objects.create(original_name="a.csv", stored_name="a")
    ImportJob.objects.create(original_name="b.csv", stored_name="b")  # just queued
    ImportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.fail_stale_gias_imports() == 1
    assert sent == [lost.pk]
