"""Private files on S3-compatible storage, against a real S3 API: moto's server on loopback,
started here as a subprocess and spoken to over HTTP by boto3 (nothing in boto3 is mocked).
Every kind of private file is written to the bucket, comes back through the portal's
permission-checked view byte for byte, and a missing object is a 404, not a 500."""

import hashlib
import io
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import needs_service
from partnership.models import Term, TermlyReport
from partnership.pdf import private_storage, save_private_file
from partnership.settings import s3_storage

pytestmark = [pytest.mark.services, pytest.mark.django_db]

REGION = "eu-west-2"
KEYS = {"AWS_ACCESS_KEY_ID": "portal-test", "AWS_SECRET_ACCESS_KEY": "portal-test-secret"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 API server in its own process on a free loopback port, for the session."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError:
        needs_service("moto's S3 server (pip install -r requirements-dev.txt)")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
            break
        except (OSError, urllib.error.URLError):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                needs_service(f"moto's S3 server on port {port}")
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


@dataclass
class Bucket:
    client: object
    name: str
    endpoint: str

    def object_names(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh private bucket, and the portal's private (and default) storage switched to it
    with the production options (`partnership.settings.s3_storage`)."""
    import boto3

    name = f"portal-private-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    storage = s3_storage(
        {"AWS_STORAGE_BUCKET_NAME": name, "AWS_S3_ENDPOINT_URL": s3_endpoint, "AWS_S3_REGION_NAME": REGION, **KEYS}
    )
    # Changing STORAGES empties Django's cache of storage objects (`storages`, `default_storage`).
    settings.STORAGES = {**settings.STORAGES, "default": storage, "private": storage}
    assert type(storages["private"]).__name__ == "S3Storage"
    return Bucket(client, name, s3_endpoint)


def _download(client, url: str) -> tuple[bytes, object]:
    response = client.get(url)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content), response


def test_signed_minutes_are_written_to_the_bucket_and_downloaded_byte_for_byte(
    bucket, world, client, django_capture_on_commit_callbacks
):
    from governance.models import Document
    from governance.tests.factories import build_committee
    from governance.tests.test_documents import _signed

    minutes = _signed(build_committee(world), world, django_capture_on_commit_callbacks)
    public = minutes.documents.get(kind=Document.Kind.MINUTES_PUBLIC)
    full = minutes.documents.get(kind=Document.Kind.MINUTES_FULL)
    assert public.status == full.status == Document.Status.DONE
    assert {public.file_name, full.file_name} <= set(bucket.object_names())
    assert sha256(bucket.read(public.file_name)) == public.sha256
    client.force_login(world.user("la_officer"))
    url = reverse("governance:document_download", args=[public.pk])

    body, response = _download(client, url)

    assert body.startswith(b"%PDF") and sha256(body) == public.sha256
    assert int(response["Content-Length"]) == public.size == len(body)
    bucket.delete(public.file_name)
    assert client.get(url).status_code == 404


def test_a_termly_report_made_by_the_command_is_in_the_bucket_and_downloads_byte_for_byte(bucket, world, client):
    term = Term.current_for(world.partnership)
    out = io.StringIO()

    call_command("termly_report", world.partnership.slug, str(term.pk), "--wait", stdout=out)

    report = TermlyReport.objects.get(partnership=world.partnership, term=term)
    assert report.status == TermlyReport.Status.READY
    assert f"{report.pdf_file} (private storage, SHA-256 {report.pdf_sha256})" in out.getvalue()
    assert {report.pdf_file, report.csv_file} <= set(bucket.object_names())
    client.force_login(world.user("coordinator"))
    pdf, _ = _download(client, reverse("reports:download_pdf", args=[report.pk]))
    pack, _ = _download(client, reverse("reports:download_csv", args=[report.pk]))
    assert sha256(pdf) == report.pdf_sha256 == sha256(bucket.read(report.pdf_file))
    assert sha256(pack) == report.csv_sha256 and pack.startswith(b"PK")
    bucket.delete(report.csv_file)
    assert client.get(reverse("reports:download_csv", args=[report.pk])).status_code == 404


def test_a_cpd_certificate_is_in_the_bucket_and_downloads_byte_for_byte(
    bucket, world, client, django_capture_on_commit_callbacks
):
    from cpd.models import Document
    from cpd.services import book_place, mark_attendance
    from cpd.tests.factories import EventFactory, ProgrammeFactory, SessionFactory
    from partnership.demo import academic_year_of
    from schools.tests.factories import PersonFactory

    programme = ProgrammeFactory(partnership=world.partnership, academic_year=academic_year_of(timezone.localdate()))
    event = EventFactory(programme=programme, title="Adaptive teaching", capacity=2, staff_may_book=True)
    session = SessionFactory(event=event)
    staff = world.user("staff")
    person = PersonFactory(school=world.school, user=staff, first_name="Tom", last_name="Reeves", email=staff.email)
    booking = book_place(event_id=event.pk, person=person, booked_by=world.user("head"))
    mark_attendance(session=session, present_ids={booking.pk}, booking_ids=[booking.pk], marked_by=None)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cpd:certificate", args=[booking.pk]))
    certificate = Document.objects.get(kind="certificate")
    assert certificate.status == "done" and certificate.stored_name in bucket.object_names()
    url = reverse("cpd:document_download", args=[certificate.pk])

    body, _ = _download(client, url)

    assert body.startswith(b"%PDF") and sha256(body) == sha256(bucket.read(certificate.stored_name))
    assert len(body) == certificate.size
    bucket.delete(certificate.stored_name)
    assert client.get(url).status_code == 404


def test_a_funding_statement_is_in_the_bucket_and_downloads_byte_for_byte(
    bucket, world, client, django_capture_on_commit_callbacks
):
    from funding.models import StatementJob
    from funding.tests.factories import build_funding

    funding = build_funding(world)
    client.force_login(world.user("head"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funding:statement_pdf", args=[funding.round.pk, world.school.pk]))
    job = StatementJob.objects.get()
    assert job.status == "done" and job.file_name in bucket.object_names()
    url = reverse("funding:statement_download", args=[job.pk])

    body, _ = _download(client, url)

    assert body.startswith(b"%PDF") and sha256(body) == job.sha256 == sha256(bucket.read(job.file_name))
    bucket.delete(job.file_name)
    assert client.get(url).status_code == 404


def test_a_gias_upload_is_kept_in_the_bucket_and_the_import_reads_it_from_there(
    bucket, client, django_capture_on_commit_callbacks
):
    from conftest import give_totp
    from partnership.tests.factories import UserFactory
    from schools.gias import gias_bytes
    from schools.models import ImportJob, School
    from schools.tests.test_gias_import import row

    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    give_totp(admin)  # administrators pass two-factor before any page
    data = gias_bytes([row(), row(**{"URN": "111701", "EstablishmentName": "Ysgol Gynradd Élan"})])
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("schools:import_list"),
            {"file": SimpleUploadedFile("edubasealldata.csv", data, content_type="text/csv"), "la_codes": "896"},
        )

    job = ImportJob.objects.get()
    assert job.stored_name.startswith("gias/") and job.stored_name in bucket.object_names()
    assert bucket.read(job.stored_name) == data
    assert (job.status, job.created) == ("done", 2)
    assert School.objects.get(urn=111701).name == "Ysgol Gynradd Élan"


def test_private_files_get_unique_names_and_are_never_public(bucket):
    first, first_sha, _ = save_private_file("reports/test/report.pdf", b"%PDF first")
    second, _, _ = save_private_file("reports/test/report.pdf", b"%PDF second")

    assert first != second and first.startswith("reports/test/report-") and first.endswith(".pdf")
    assert bucket.object_names() == sorted([first, second])
    assert sha256(bucket.read(first)) == first_sha  # the second write replaced nothing
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=first)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]  # the owner, no group
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{bucket.endpoint}/{bucket.name}/{first}", timeout=5)
    assert refused.value.code == 403  # no one reads the bucket without signing
    assert "X-Amz-Signature=" in private_storage().url(first)  # any URL made is signed


def test_opening_a_missing_object_says_file_not_found(bucket):
    with pytest.raises(FileNotFoundError):
        private_storage().open("reports/none/missing.pdf", "rb")
