"""GIAS is national data: only a deployment administrator imports every row, an LA-wide
officer only their own authority's schools, and no partnership role imports at all."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.gias import gias_bytes
from schools.models import ImportJob, PupilCount, School
from schools.services import start_gias_import

from .factories import SchoolFactory
from .test_gias_import import row


def extract(*rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("edubasealldata20260115.csv", gias_bytes(list(rows)), content_type="text/csv")


def takeover_row(world):
    """The first partnership's school, renamed and with a different roll."""
    return row(**{"URN": str(world.school.urn), "EstablishmentName": "Taken Over School", "NumberOfPupils": "9"})


def upload(client, *rows, **fields):
    return client.post(reverse("schools:import_list"), {"file": extract(*rows), **fields})


@pytest.mark.parametrize("role", ["outsider", "coordinator", "la_officer", "head", "clerk", "staff"])
def test_no_partnership_role_can_reach_the_gias_upload_or_change_a_school(
    world, sign_in, role, django_capture_on_commit_callbacks
):
    client = sign_in(world.user(role))

    page = client.get(reverse("schools:import_list"))
    with django_capture_on_commit_callbacks(execute=True):
        posted = upload(client, takeover_row(world))

    assert page.status_code == 403 and posted.status_code == 403
    world.school.refresh_from_db()
    assert (world.school.name, world.school.number_of_pupils) == ("Darnhall Primary School", 412)
    assert not ImportJob.objects.exists() and not PupilCount.objects.filter(school=world.school).exists()


def test_the_import_service_refuses_a_coordinator_whoever_calls_it(world):
    with pytest.raises(PermissionDenied):
        start_gias_import(
            upload=extract(takeover_row(world)),
            la_codes="",
            skip_bad_rows=False,
            dry_run=False,
            actor=world.user("outsider"),
        )

    assert not ImportJob.objects.exists()


def test_a_job_queued_by_someone_who_may_not_import_writes_nothing_when_it_runs(world):
    """A job uploaded by a coordinator before imports were restricted, still in the queue."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from schools.tasks import run_gias_import

    name = storages["private"].save("gias/old.csv", ContentFile(gias_bytes([takeover_row(world)])))
    job = ImportJob.objects.create(
        partnership=world.other_partnership,
        uploaded_by=world.user("outsider"),
        original_name="old.csv",
        stored_name=name,
        writes_every_la=True,  # whatever the row says: rights are asked again when it runs
    )

    run_gias_import(job.pk)

    job.refresh_from_db()
    world.school.refresh_from_db()
    assert job.status == "failed" and "may no longer import GIAS" in job.message
    assert world.school.name == "Darnhall Primary School" and world.school.number_of_pupils == 412


def test_an_la_wide_officer_imports_only_the_schools_of_their_own_authority(
    world, la_wide_officer, sign_in, django_capture_on_commit_callbacks
):
    cheshire_east = SchoolFactory(urn=500001, la_code="895", name="Sandbach Primary School", number_of_pupils=200)
    client = sign_in(la_wide_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client,
            takeover_row(world),
            row(**{"URN": "500001", "LA (code)": "895", "EstablishmentName": "Renamed In Cheshire East"}),
            row(**{"URN": "500002", "LA (code)": "895", "EstablishmentName": "New In Cheshire East"}),
            # The file claims 896 for a school the register holds under 895: still not theirs.
            row(**{"URN": "500001", "EstablishmentName": "Claimed By Editing The File"}),
        )

    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.uploaded_by == la_wide_officer
    assert (job.status, job.updated, job.created, job.left_alone, job.la_scope) == ("done", 1, 0, 3, "896")
    assert "3 rows for other local authorities were left alone" in job.message
    world.school.refresh_from_db()
    cheshire_east.refresh_from_db()
    assert (world.school.name, world.school.number_of_pupils) == ("Taken Over School", 9)
    assert (cheshire_east.name, cheshire_east.number_of_pupils) == ("Sandbach Primary School", 200)
    assert not School.objects.filter(urn=500002).exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "3 rows for other local authorities were left alone" in page and "writes only LA 896" in page


def test_an_la_wide_officers_file_with_none_of_their_schools_is_refused_and_writes_nothing(
    world, la_wide_officer, sign_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            sign_in(la_wide_officer),
            row(**{"URN": "500002", "LA (code)": "895"}),
            row(**{"URN": "500003", "LA (code)": "895"}),
        )

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.message == (
        "Nothing was imported: the file has no schools of your local authority (LA code 896); "
        "2 rows for other local authorities were left alone."
    )
    assert not School.objects.filter(urn__in=[500002, 500003]).exists()


def test_an_la_wide_officers_file_without_an_la_column_is_refused(
    world, la_wide_officer, sign_in, django_capture_on_commit_callbacks
):
    data = f"URN,EstablishmentName\r\n{world.school.urn},Taken Over School\r\n".encode()
    client = sign_in(la_wide_officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("schools:import_list"), {"file": SimpleUploadedFile("e.csv", data)})

    job = ImportJob.objects.get()
    world.school.refresh_from_db()
    assert job.status == "failed" and "no LA (code) column" in job.message
    assert world.school.name == "Darnhall Primary School"


def test_a_deployment_administrators_import_writes_every_local_authority(
    world, deployment_admin, sign_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            sign_in(deployment_admin),
            takeover_row(world),
            row(**{"URN": "500002", "LA (code)": "895", "EstablishmentName": "New In Cheshire East"}),
        )

    job = ImportJob.objects.get()
    world.school.refresh_from_db()
    assert (job.status, job.created, job.updated, job.left_alone, job.writes_every_la) == ("done", 1, 1, 0, True)
    assert world.school.name == "Taken Over School"
    assert School.objects.get(urn=500002).la_code == "895"


def test_an_import_is_shown_only_to_who_ran_it_and_to_deployment_administrators(
    world, deployment_admin, la_wide_officer, sign_in
):
    from conftest import give_totp
    from partnership.tests.factories import LocalAuthorityFactory, UserFactory

    mine = ImportJob.objects.create(uploaded_by=la_wide_officer, original_name="mine.csv", stored_name="m")
    admins = ImportJob.objects.create(uploaded_by=deployment_admin, original_name="admins.csv", stored_name="a")
    other_officer = UserFactory()
    other_officer.local_authority_grants.create(local_authority=LocalAuthorityFactory(code="895"))
    give_totp(other_officer)  # LA-wide officers need two-factor, with or without a partnership

    officer = sign_in(la_wide_officer)
    listing = officer.get(reverse("schools:import_list")).content.decode()
    assert "mine.csv" in listing and "admins.csv" not in listing
    assert officer.get(mine.get_absolute_url()).status_code == 200
    assert officer.get(admins.get_absolute_url()).status_code == 404
    assert sign_in(other_officer).get(mine.get_absolute_url()).status_code == 404
    admin = sign_in(deployment_admin)
    assert admin.get(mine.get_absolute_url()).status_code == 200
    assert "mine.csv" in admin.get(reverse("schools:import_list")).content.decode()


@pytest.mark.parametrize(
    "who, shown", [("deployment_admin", True), ("la_wide_officer", True), ("coordinator", False), ("la_officer", False)]
)
def test_the_gias_imports_link_is_in_the_navigation_only_for_who_may_import(world, request, sign_in, who, shown):
    user = request.getfixturevalue(who) if who in {"deployment_admin", "la_wide_officer"} else world.user(who)
    client = sign_in(user)

    page = client.get(
        reverse("schools:school_list", args=[world.partnership.slug]) if who != "deployment_admin" else "/"
    )
    if page.status_code == 302:
        page = client.get(page["Location"], follow=True)

    assert (f'href="{reverse("schools:import_list")}"' in page.content.decode()) is shown
