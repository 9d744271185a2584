from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import AuditEntry, TermlyReport
from partnership.tests.factories import TermFactory, TermlyReportFactory, ready_report

Status = TermlyReport.Status


def test_the_report_page_polls_a_status_fragment_while_the_report_is_being_built(world, term, signed_in):
    report = TermlyReportFactory(
        partnership=world.partnership,
        term=term,
        status=Status.RUNNING,
        progress_done=1,
        progress_total=4,
        progress_label="Governance",
    )
    client = signed_in(world.user("la_officer"))

    page = client.get(reverse("reports:report_term", args=[world.partnership.slug, term.pk])).content.decode()
    fragment = client.get(
        reverse("reports:report_status", args=[report.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    status_url = reverse("reports:report_status", args=[report.pk])
    assert f'hx-get="{status_url}?seen=running-1-0"' in page and 'hx-trigger="every 2s"' in page
    assert (
        client.get(status_url, {"seen": "running-1-0"}, headers={"HX-Request": "true"}).status_code == 204
    )  # nothing new to swap in
    assert client.get(status_url, {"seen": "queued-0-0"}, headers={"HX-Request": "true"}).status_code == 200
    assert "section 2 of 4 (Governance)" in fragment and 'aria-valuenow="25"' in fragment
    assert "Generate now" not in page  # officers read; coordinators generate
    assert "<script>" not in page.replace("<script src=", "")  # no inline scripts (CSP)

    TermlyReport.objects.filter(pk=report.pk).update(status=Status.FAILED, error="Out of memory")
    fragment = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in fragment and "Why it failed:</strong> Out of memory" in fragment


def test_the_report_page_shows_the_latest_finished_version_and_every_version(world, term, signed_in):
    ready = ready_report(partnership=world.partnership, term=term, version=1)
    TermlyReport.objects.filter(pk=ready.pk).update(html="<section><h2>Member schools</h2><p>15 schools</p></section>")
    TermlyReportFactory(partnership=world.partnership, term=term, version=2, status=Status.QUEUED)
    client = signed_in(world.user("coordinator"))

    page = client.get(reverse("reports:report_term", args=[world.partnership.slug, term.pk])).content.decode()

    assert "<p>15 schools</p>" in page
    assert "Showing version 1, the latest version that was built successfully." in page
    assert "Generate now" in page
    assert reverse("reports:download_pdf", args=[ready.pk]) in page


def test_downloads_are_permission_checked_and_logged(world, term, signed_in):
    report = ready_report(partnership=world.partnership, term=term)

    response = signed_in(world.user("la_officer")).get(reverse("reports:download_pdf", args=[report.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="winsford-{term.season}-{term.academic_year}-v{report.version}.pdf"'
        in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test report"
    entry = AuditEntry.objects.get(verb="partnership.report.downloaded")
    assert (entry.actor, entry.partnership, entry.data["file"]) == (world.user("la_officer"), world.partnership, "pdf")
    assert signed_in(world.user("staff")).get(reverse("reports:download_pdf", args=[report.pk])).status_code == 403
    assert signed_in(world.user("outsider")).get(reverse("reports:download_csv", args=[report.pk])).status_code == 404
    assert AuditEntry.objects.filter(verb="partnership.report.downloaded").count() == 1


def test_a_report_not_ready_has_nothing_to_download(world, term, signed_in):
    report = TermlyReportFactory(partnership=world.partnership, term=term, status=Status.RUNNING)

    assert (
        signed_in(world.user("coordinator")).get(reverse("reports:download_pdf", args=[report.pk])).status_code == 404
    )


def test_generate_now_for_a_term_of_another_local_authority_is_not_found(world, signed_in):
    foreign_term = TermFactory()  # its own partnership and LA

    response = signed_in(world.user("coordinator")).post(
        reverse("reports:generate", args=[world.partnership.slug, foreign_term.pk])
    )

    assert response.status_code == 404
    assert not TermlyReport.objects.exists()


def test_the_officer_overview_lists_reports_of_their_partnerships_filtered_by_term(world, term, signed_in):
    from partnership.models import Role, RoleGrant

    officer = world.user("la_officer")
    RoleGrant.objects.create(user=officer, partnership=world.other_partnership, role=Role.LA_OFFICER)
    last_year = TermFactory(partnership=world.partnership, season="summer", academic_year=term.academic_year - 1)
    ready_report(partnership=world.partnership, term=term)
    ready_report(partnership=world.other_partnership, term=term)
    ready_report(partnership=world.partnership, term=last_year)
    hidden = TermFactory()  # a partnership the officer does not oversee
    ready_report(partnership=hidden.partnership, term=hidden)
    client = signed_in(officer)

    every = client.get(reverse("reports:overview")).content.decode()
    chosen = client.get(reverse("reports:overview"), {"term": f"{term.academic_year}-{term.season}"}).content.decode()
    bad = client.get(reverse("reports:overview"), {"term": "nonsense", "partnership": "nope"})

    assert every.count(">PDF<") == 3
    assert hidden.partnership.name not in every
    assert chosen.count(">PDF<") == 2 and "Elsewhere Partnership" in chosen
    assert bad.status_code == 200 and bad.content.decode().count(">PDF<") == 3


def test_report_pages_do_not_run_more_queries_with_more_reports(world, term, signed_in, django_assert_max_num_queries):
    client = signed_in(world.user("la_officer"))
    for version in range(1, 4):
        ready_report(partnership=world.partnership, term=term, version=version)
    for season in ("spring", "summer"):
        t = TermFactory(partnership=world.partnership, season=season, start=term.start, end=term.end)
        ready_report(partnership=world.partnership, term=t, version=1)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [
        reverse("reports:overview"),
        reverse("reports:report_list", args=[world.partnership.slug]),
        reverse("reports:report_term", args=[world.partnership.slug, term.pk]),
    ]
    [count(url) for url in urls]  # the first visit also saves the chosen partnership in the session
    before = [count(url) for url in urls]
    for version in range(4, 12):
        ready_report(partnership=world.partnership, term=term, version=version)
    after = [count(url) for url in urls]
    assert before == after


def test_the_nav_shows_termly_reports_to_readers_only(world, signed_in):
    for role, shown in [("la_officer", True), ("coordinator", True), ("head", True), ("staff", False)]:
        page = signed_in(world.user(role)).get(reverse("partnership_dashboard", args=["winsford"])).content.decode()
        assert ("Termly reports" in page) == shown, role
