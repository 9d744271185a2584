"""axe-core in Chromium over every page of the permission matrix that a signed-in role can
see, and over the sign-in page: no serious or critical WCAG 2.x A/AA violation.

axe-core comes from the installed axe-playwright-python package (nothing is downloaded).
Each role signs in once per test, by a session cookie from the test client copied into its
own browser context, so the crawl stays fast as the project grows.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

from conftest import PASSWORD
from partnership.testing import Client
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
            try:
                response = page.goto(live_server.url + visit.url)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue  # an attachment (PDF, CSV, iCalendar): not a page
                raise
            where = f"{visit.url} ({visit.case_id}, as {visit.role})"
            if response is None or response.status != 200:
                failures.append(f"{where}: status {response and response.status}")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # /ping/ and downloads: not pages
            if "<html" not in response.text()[:500].lower():
                continue  # an htmx fragment, checked inside the page that includes it
            failures += blocking_violations(page, axe, where)
    finally:
        for page in contexts.values():
            page.context.close()
    assert not failures, "Accessibility violations:\n" + "\n".join(failures)


# allauth's pages are outside the matrix (see EXEMPT_PREFIXES); these are the ones people
# meet, each with who opens it. They render through templates/allauth/ and templates/account/.
ACCOUNT_PAGES = [
    ("/accounts/login/", None),
    ("/accounts/password/reset/", None),
    ("/accounts/logout/", "head"),
    ("/accounts/password/change/", "head"),
    ("/accounts/email/", "head"),
    ("/accounts/2fa/", "coordinator"),
    ("/accounts/2fa/totp/activate/", "head"),
    ("/accounts/2fa/recovery-codes/generate/", "coordinator"),
]


@pytest.mark.browser
def test_the_sign_in_and_account_pages_have_no_serious_or_critical_accessibility_violation(
    browser, live_server, world, transactional_db
):
    axe, failures, contexts = Axe(), [], {}
    try:
        for path, role in ACCOUNT_PAGES:
            if role not in contexts:
                contexts[role] = browser_for(browser, live_server, world.user(role)).new_page()
            page = contexts[role]
            response = page.goto(live_server.url + path)
            where = f"{path} (as {role or 'anonymous'})"
            if response is None or response.status != 200:
                failures.append(f"{where}: status {response and response.status}")
                continue
            failures += blocking_violations(page, axe, where)
        # The second step of signing in, reached through the sign-in form.
        page = contexts[None]
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill("coordinator@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/accounts/2fa/authenticate/")
        assert page.get_by_label("Code").is_visible()
        failures += blocking_violations(page, axe, "/accounts/2fa/authenticate/ (signing in)")
    finally:
        for page in contexts.values():
            page.context.close()
    assert not failures, "Accessibility violations:\n" + "\n".join(failures)
