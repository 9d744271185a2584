"""In Chromium: a support request goes from raised to matched, agreed, reviewed and closed,
and its cost appears in the funding area's spending."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import sign_in_browser
from funding.models import FundingYear
from partnership.testing import Client

from .factories import funding_year_covering_today


def _as(page, live_server, user):
    """Sign the browser in as `user` by giving it a session made by the test client
    (coordinators have two-factor set up, which a password form alone would not pass)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
def test_a_support_request_goes_from_raised_to_closed_and_its_cost_is_in_the_spending(
    live_server, page, transactional_db
):
    from conftest import build_world
    from schools.models import Expertise, Person, Specialism

    world = build_world()
    year = funding_year_covering_today(world.partnership)
    leader = Person.objects.create(first_name="David", last_name="Pryce", school=world.other_school)
    Expertise.objects.create(
        specialism=Specialism.objects.get_or_create(
            name="Local leader of education", defaults={"kind": "designation", "abbreviation": "LLE"}
        )[0],
        person=leader,
    )
    today = timezone.localdate().isoformat()

    # The head of Darnhall asks for support.
    sign_in_browser(page, live_server, "head@example.org")
    page.wait_for_url(f"{live_server.url}/p/winsford/")
    page.goto(f"{live_server.url}/p/winsford/improvement/support/")
    page.get_by_label("School needing support").select_option(label=world.school.name)
    page.get_by_label("What support is needed").fill("Coaching for the new head and a phonics action plan.")
    page.get_by_label("Expertise wanted").select_option(label="Local leader of education (LLE)")
    page.get_by_role("button", name="Raise request").click()
    expect(page.get_by_text("Support request raised.")).to_be_visible()
    request_url = page.url

    # The coordinator matches it to a leader from the expertise directory and agrees it.
    _as(page, live_server, world.user("coordinator"))
    page.goto(request_url)
    provider = page.get_by_label("Provider from the expertise directory")
    provider.select_option(label=f"David Pryce ({world.other_school.name}): Local leader of education (LLE)")
    page.get_by_role("button", name="Match").click()
    expect(page.get_by_text(f"Matched with {world.other_school.name}.")).to_be_visible()
    page.get_by_label("Objectives").fill("Coach the head; lead a phonics action plan.")
    page.get_by_label("Baseline").fill("Phonics screening 58%")
    page.get_by_label("Target").fill("Phonics screening 75%")
    page.get_by_label("Days of support").fill("6")
    page.get_by_label("Cost per day (£)").fill("350.25")
    page.get_by_label("Starts on").fill(today)
    page.get_by_label("Ends on").fill(today)
    page.get_by_role("button", name="Agree support").click()
    expect(page.get_by_text("Support agreed.")).to_be_visible()
    expect(page.get_by_text("£350.25 a day; £2,101.50 in all")).to_be_visible()
    agreement_url = page.url

    # The head reviews it against the target and closes it with the school's evaluation.
    _as(page, live_server, world.user("head"))
    page.goto(agreement_url)
    page.get_by_label("RAG status").select_option("green")
    page.get_by_label("Impact against the target").fill("Autumn check 70%, up from 58%.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Autumn check 70%, up from 58%.")).to_be_visible()
    page.get_by_label("Target met").select_option("partly")
    page.get_by_label("The receiving school's evaluation").fill("Phonics teaching is now consistent.")
    page.get_by_role("button", name="Close support").click()
    expect(page.get_by_text("Support closed")).to_be_visible()

    # The cost is in the funding area's spending page.
    _as(page, live_server, world.user("coordinator"))
    page.goto(f"{live_server.url}/funding/years/{FundingYear.objects.get(pk=year.pk).pk}/spending/")
    row = page.get_by_role("row").filter(has_text=f"School-to-school support for {world.school.name}")
    expect(row).to_have_count(1)
    assert "£2,101.50" in row.inner_text() and world.other_school.name in row.inner_text()
