import pytest

from conftest import give_totp, sign_in_browser


@pytest.mark.browser
def test_the_import_page_updates_itself_when_the_job_finishes(live_server, page, transactional_db):
    from conftest import build_world
    from partnership.tests.factories import UserFactory
    from schools.models import ImportJob

    build_world()
    # A deployment administrator: the one who imports GIAS for every local authority.
    user = UserFactory(email="admin@example.org", password="a-long-pass-phrase", is_superuser=True)
    give_totp(user)  # superusers pass two-factor like everyone with admin rights
    job = ImportJob.objects.create(uploaded_by=user, original_name="edubasealldata.csv", stored_name="x.csv", size=1000)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    sign_in_browser(page, live_server, user.email)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/gias/imports/{job.pk}/")
    assert page.get_by_text("This page updates by itself").is_visible()

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, created=5, rows_read=5, message="Created 5 and updated 0 schools."
    )

    page.get_by_text("Created 5 and updated 0 schools.").wait_for(timeout=8000)
    assert page.get_by_role("heading", name="Progress Done").is_visible()
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
