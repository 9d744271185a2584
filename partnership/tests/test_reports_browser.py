import re

import pytest
from playwright.sync_api import expect

from conftest import sign_in_browser
from partnership.models import Term, TermlyReport
from partnership.tests.factories import TermlyReportFactory

Status = TermlyReport.Status


@pytest.mark.browser
def test_the_report_status_updates_in_the_browser_without_a_reload(live_server, page, transactional_db):
    from conftest import build_world

    world = build_world()
    term = Term.current_for(world.partnership)
    report = TermlyReportFactory(partnership=world.partnership, term=term, version=1, status=Status.QUEUED)
    sign_in_browser(page, live_server, "head@example.org")
    page.wait_for_url(f"{live_server.url}/p/winsford/")
    page.goto(f"{live_server.url}/p/winsford/reports/term/{term.pk}/")
    page.evaluate("window.notReloaded = true")
    status = page.locator("#report-status")
    expect(status).to_contain_text("waiting for a worker")

    TermlyReport.objects.filter(pk=report.pk).update(
        status=Status.RUNNING, progress_done=1, progress_total=3, progress_label="Funding"
    )
    expect(status).to_contain_text("section 2 of 3 (Funding)", timeout=8000)
    expect(page.get_by_role("progressbar", name="Report progress")).to_have_attribute("aria-valuenow", "33")

    TermlyReport.objects.filter(pk=report.pk).update(status=Status.FAILED, error="The worker ran out of memory.")
    expect(status).to_contain_text("Why it failed: The worker ran out of memory.", timeout=8000)
    assert page.evaluate("window.notReloaded") is True  # the same page, updated in place
    expect(page).to_have_url(re.compile(r"/reports/term/\d+/$"))
