"""axe-core in Chromium over every page of the permission matrix that a signed-in role can
see, and over the sign-in page: no serious or critical WCAG 2.x A/AA violation.

axe-core comes from the installed axe-playwright-python package (nothing is downloaded).
Each role signs in once per test, by a session cookie from the test client copied into its
own browser context, so the crawl stays fast as the project grows.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from partnership.tests.crawl import pages_to_visit

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def blocking_violations(page, axe, where: str) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        nodes = "; ".join(
            " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
            for node in violation["nodes"][:5]
        )
        found.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} -- {nodes}")
    return found


def browser_for(browser, live_server, user):
    """A browser context signed in as `user` (None: anonymous)."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


@pytest.mark.browser
def test_no_page_of_the_matrix_has_a_serious_or_critical_accessibility_violation(
    browser, live_server, world, transactional_db
):
    axe = Axe()
    visits = pages_to_visit(world)
    assert visits, "the crawl found no page"
    contexts, failures = {}, []
    try:
        for visit in visits:
            if visit.role not in contexts:
                contexts[visit.role] = browser_for(browser, live_server, world.user(visit.role)).new_page()
            page = contexts[visit.role]
            response = page.goto(live_server.url + visit.url)
            where = f"{visit.url} ({visit.case_id}, as {visit.role})"
            if response is None or response.status != 200:
                failures.append(f"{where}: status {response and response.status}")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # /ping/ and downloads: not pages
            failures += blocking_violations(page, axe, where)
    finally:
        for page in contexts.values():
            page.context.close()
    assert not failures, "Accessibility violations:\n" + "\n".join(failures)


@pytest.mark.browser
def test_the_sign_in_page_has_no_serious_or_critical_accessibility_violation(browser, live_server, transactional_db):
    context = browser_for(browser, live_server, None)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        failures = blocking_violations(page, Axe(), "/accounts/login/ (anonymous)")
    finally:
        context.close()
    assert not failures, "Accessibility violations:\n" + "\n".join(failures)
