"""User journeys in headless Chromium (issue 9 item 4): each person does, through the pages,
what they came to do; factories set up only the background. axe checks every page visited."""

import re
import shutil
import subprocess
import time
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD, build_world, give_totp, needs_service
from partnership.tests.test_accessibility import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Each journey aims at under 20 s on an idle 2-core machine (axe included); the guard allows
# for a busy CI machine while still catching a journey that has become slow.
JOURNEY_SECONDS = 40


class Journey:
    """A browser page that runs axe on every page it reaches, and keeps the time."""

    def __init__(self, page, live_server):
        self.page, self.url, self.axe = page, live_server.url, Axe()
        self.visited, self.violations = [], []
        self.started = time.monotonic()
        page.on("dialog", lambda dialog: dialog.accept())

    def check(self):
        """Run axe on the page now shown (once per distinct address)."""
        self.page.wait_for_load_state()
        where = self.page.url.removeprefix(self.url)
        if where not in self.visited:
            self.visited.append(where)
            self.violations += blocking_violations(self.page, self.axe, where)

    def sign_in(self, email, *, totp_user=None):
        self.page.goto(f"{self.url}/accounts/login/")
        self.check()
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign In").click()
        if totp_user is not None:
            expect(self.page.get_by_text("authenticator code")).to_be_visible()
            self.check()
            self.page.get_by_label("Code").fill(totp_code(totp_user))
            self.page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
        self.page.wait_for_url(re.compile(r"/p/winsford/$"))
        self.check()

    def finish(self):
        elapsed = time.monotonic() - self.started
        assert not self.violations, "Accessibility violations:\n" + "\n".join(self.violations)
        assert elapsed < JOURNEY_SECONDS, f"the journey took {elapsed:.1f} s"
        return elapsed


def totp_code(user) -> str:
    """The code the user's authenticator app shows now (allauth's own helpers)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def pdf_text(path) -> str:
    if not shutil.which("pdftotext"):
        needs_service("pdftotext (apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def download(page, link):
    """Click a download link (an attachment); the saved file's path (it must be a PDF)."""
    with page.expect_download() as event:
        link.click()
    path = event.value.path()
    with open(path, "rb") as file:
        assert file.read(5) == b"%PDF-", f"{event.value.suggested_filename} is not a PDF"
    return path


def fetch_inline(page, link, tmp_path):
    """Follow a link to a PDF shown in the browser (not an attachment), with the user's
    session: headless Chromium has no PDF viewer to read it from, so fetch what it fetches."""
    response = page.context.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.ok and response.headers["content-type"] == "application/pdf", response.status
    assert response.body()[:5] == b"%PDF-"
    path = tmp_path / "document.pdf"
    path.write_bytes(response.body())
    return path


def test_a_headteacher_signs_in_with_two_factor_finds_a_school_by_its_expertise_and_books_a_cpd_place(
    live_server, page
):
    from cpd.models import Booking
    from cpd.tests.factories import EventFactory, ProgrammeFactory, SessionFactory
    from schools.models import Expertise, Specialism
    from schools.tests.factories import PersonFactory

    world = build_world()
    head = world.user("head")
    give_totp(head)
    phonics = Specialism.objects.create(name="Phonics and early reading", abbreviation="EYR")
    Expertise.objects.create(specialism=phonics, school=world.other_school, details="English hub: phonics training")
    nurture = Specialism.objects.create(name="Nurture groups")
    Expertise.objects.create(specialism=nurture, school=world.school, details="A nurture room since 2019")
    event = EventFactory(
        programme=ProgrammeFactory(partnership=world.partnership), title="Phonics for new teachers", capacity=12
    )
    SessionFactory(event=event, host_school=world.other_school, venue="", facilitator="Grange English hub")
    EventFactory(programme=event.programme, title="Leading maths", capacity=12)
    PersonFactory(school=world.school, first_name="Tom", last_name="Reeves", job_role="Year 1 teacher")
    journey = Journey(page, live_server)

    journey.sign_in("head@example.org", totp_user=head)

    page.get_by_role("link", name="Expertise", exact=True).click()
    journey.check()
    page.get_by_role("searchbox", name="Search").fill("phonics")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("table")
    expect(results.get_by_role("rowheader", name="Phonics and early reading")).to_be_visible()
    expect(results).not_to_contain_text("Nurture groups")
    journey.check()
    results.get_by_role("link", name="Grange Primary School").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grange Primary School")
    journey.check()

    page.get_by_role("link", name="CPD", exact=True).click()
    journey.check()
    page.get_by_role("link", name="Phonics for new teachers").click()
    expect(page.get_by_text("Grange Primary School").first).to_be_visible()  # where it is held
    journey.check()
    page.get_by_label("Member of staff").select_option(label="Tom Reeves (Darnhall Primary School)")
    page.get_by_role("button", name="Book place").click()
    expect(page.get_by_text("Place confirmed for Tom Reeves.")).to_be_visible()
    expect(page.get_by_test_id("bookings").get_by_role("row", name=re.compile("Tom Reeves"))).to_contain_text(
        "Confirmed"
    )
    journey.check()
    journey.finish()

    booking = Booking.objects.get()
    assert (booking.event, booking.person.last_name, booking.status) == (event, "Reeves", Booking.Status.CONFIRMED)
    assert booking.booked_by == head and booking.school == world.school


def test_a_clerk_takes_a_meeting_to_signed_minutes_and_downloads_the_minutes_pdf(live_server, page, tmp_path):
    from governance.models import CommitteeMembership, Minutes
    from governance.tests.factories import CommitteeFactory, MembershipFactory

    world = build_world()
    start = timezone.localdate() - timedelta(days=60)
    committee = CommitteeFactory(
        partnership=world.partnership, name="Winsford Strategic Joint Committee", quorum_min_headteachers=1
    )
    committee.schools.set([world.school, world.other_school])
    MembershipFactory(
        committee=committee,
        person__first_name="Margaret",
        person__last_name="Holt",
        role=CommitteeMembership.Role.CHAIR,
        start_on=start,
        end_on=start + timedelta(days=300),
    )
    for name in ("Patel", "Okafor"):
        MembershipFactory(committee=committee, person__last_name=name, is_headteacher=True, start_on=start)
    journey = Journey(page, live_server)

    journey.sign_in("clerk@example.org")
    page.get_by_role("link", name="Committees", exact=True).click()
    journey.check()
    page.get_by_role("link", name="Winsford Strategic Joint Committee").first.click()
    journey.check()

    # Schedule yesterday's meeting, then its agenda.
    page.get_by_role("link", name="Schedule a meeting").click()
    journey.check()
    yesterday = timezone.localdate() - timedelta(days=1)
    page.locator("#id_date").fill(yesterday.isoformat())
    page.locator("#id_start_time").fill("16:00")
    page.locator("#id_place").select_option("online")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()
    journey.check()
    meeting_url = page.url
    page.get_by_role("link", name="1. Agenda and papers").click()
    journey.check()
    page.locator("#id_title").fill("Joint CPD programme")
    page.locator("#id_category").select_option("cpd")
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_text("Joint CPD programme").first).to_be_visible()

    # Attendance, minutes, the vote.
    page.goto(meeting_url)
    page.get_by_role("link", name="2. Attendance").click()
    journey.check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Quorate: 3 of 3 voting members present").first).to_be_visible()
    page.get_by_role("link", name="4. Minutes").click()
    journey.check()
    page.get_by_label("1. Joint CPD programme").fill("The programme was welcomed by all schools.")
    page.get_by_role("button", name="Save minutes").click()
    expect(page.get_by_text("Minutes saved.")).to_be_visible()
    page.goto(meeting_url)
    journey.check()
    page.get_by_role("link", name="Votes on item 1").click()
    journey.check()
    page.get_by_label("Motion").fill("To approve the joint CPD programme for 2026/27.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded: carried (3 for, 0 against, 0 abstaining).")).to_be_visible()

    # The next meeting approves the minutes; the chair's signature is recorded.
    page.goto(f"{live_server.url}/governance/committees/{committee.pk}/meetings/new/")
    page.locator("#id_date").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.locator("#id_start_time").fill("16:00")
    page.locator("#id_place").select_option("online")
    page.get_by_role("button", name="Schedule meeting").click()
    journey.check()
    page.get_by_role("button", name=re.compile("Approve the minutes of")).click()
    page.goto(meeting_url.rstrip("/") + "/minutes/")
    page.get_by_role("button", name="Record the chair's signature").click()
    expect(page.get_by_text("Minutes signed by the chair.")).to_be_visible()
    journey.check()

    # The minutes PDF holds the decision.
    path = fetch_inline(page, page.get_by_role("link", name=re.compile("Minutes for members")), tmp_path)
    text = " ".join(pdf_text(path).split())
    assert "To approve the joint CPD programme for 2026/27." in text and "Carried" in text
    assert "The programme was welcomed by all schools." in text
    assert "Margaret Holt" in text
    journey.finish()
    minutes = Minutes.objects.get()
    assert minutes.approved_at_meeting is not None and minutes.approved_at_meeting != minutes.meeting
    assert minutes.signed_at is not None and minutes.signed_by.last_name == "Holt"


def test_an_la_officer_signs_in_with_two_factor_and_downloads_the_latest_termly_report(live_server, page):
    from partnership.models import Term, TermlyReport
    from partnership.reports.assembly import report_sections
    from partnership.reports.services import request_report

    world = build_world()
    term = Term.current_for(world.partnership)
    # Background: two versions of this term's report (built by the job, inline here).
    for _ in range(2):
        report, created = request_report(
            partnership=world.partnership, term=term, requested_by=world.user("coordinator")
        )
        report.refresh_from_db()
        assert created and report.status == TermlyReport.Status.READY, report.error
    latest = report
    journey = Journey(page, live_server)

    journey.sign_in("la_officer@example.org", totp_user=world.user("la_officer"))
    page.get_by_role("link", name="Termly reports").first.click()
    journey.check()
    page.get_by_role("link", name=str(term), exact=True).click()
    expect(page.locator("#report-status")).to_contain_text("Version 2")
    journey.check()

    path = download(page, page.get_by_role("link", name=re.compile("Download the PDF")))
    text = " ".join(pdf_text(path).split())
    assert pdf_pages(path) == latest.pdf_pages >= 2
    assert world.partnership.name in text and str(term) in text and "Version 2" in text
    titles = [section.title for section in report_sections()]
    assert titles, "no report sections are registered"
    missing = [title for title in titles if title not in text]
    assert not missing, f"sections missing from the PDF: {missing}"
    journey.finish()
