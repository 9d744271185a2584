"""A clerk takes a meeting from scheduling to signed, distributed minutes in the browser."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from conftest import PASSWORD, needs_service, sign_in_browser
from governance.models import CommitteeMembership, MinutesDistribution
from schools.models import GoverningBody

from .factories import CommitteeFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _text(content: bytes, tmp_path, name) -> str:
    if not shutil.which("pdftotext"):
        needs_service("pdftotext")
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_a_clerk_schedules_records_signs_and_distributes_a_meeting(world, live_server, page, tmp_path):
    body = GoverningBody.objects.create(name="Governing body of Darnhall", clerk_email="gb@darnhall.example.org")
    world.school.governing_body = body
    world.school.save()
    start = timezone.localdate() - datetime.timedelta(days=60)
    committee = CommitteeFactory(
        partnership=world.partnership, name="Winsford Strategic Joint Committee", quorum_min_headteachers=1
    )
    committee.schools.set([world.school])
    MembershipFactory(
        committee=committee,
        person__first_name="Margaret",
        person__last_name="Holt",
        role=CommitteeMembership.Role.CHAIR,
        start_on=start,
        end_on=start + datetime.timedelta(days=300),
    )
    for i in range(3):
        MembershipFactory(committee=committee, person__last_name=f"Head{i}", is_headteacher=True, start_on=start)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_browser(page, live_server, "clerk@example.org", PASSWORD)
    page.goto(f"{live_server.url}/governance/committees/{committee.pk}/")

    # Schedule yesterday's meeting.
    page.get_by_role("link", name="Schedule a meeting").click()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.locator("#id_date").fill(yesterday.isoformat())
    page.locator("#id_start_time").fill("16:00")
    page.locator("#id_place").select_option("online")
    page.get_by_role("button", name="Schedule meeting").click()
    assert page.get_by_text("Meeting scheduled.").is_visible()
    meeting_url = page.url

    # Agenda: an ordinary item and a confidential one, then publish.
    page.get_by_role("link", name="1. Agenda and papers").click()
    for title, category, secret in [
        ("Joint CPD programme", "cpd", False),
        ("Staffing matter", "individual_matters", True),
    ]:
        page.locator("#id_title").fill(title)
        page.locator("#id_category").select_option(category)
        if secret:
            page.locator("#id_is_confidential").check()
        page.get_by_role("button", name="Add item").click()
    page.goto(meeting_url)
    page.get_by_role("button", name="Publish the agenda to members").click()
    assert page.get_by_text("Agenda published: the pack is being made").is_visible()

    # Attendance: everyone is present by default; one keystroke-free save.
    page.get_by_role("link", name="2. Attendance").click()
    page.get_by_role("button", name="Save attendance").click()
    assert page.get_by_text("Quorate: 4 of 4 voting members present").first.is_visible()

    # Minutes of both items on one page.
    page.get_by_role("link", name="4. Minutes").click()
    page.get_by_label("1. Joint CPD programme").fill("The programme was welcomed by all schools.")
    page.get_by_label("2. Staffing matter").fill("A headteacher's long-term absence was discussed.")
    page.get_by_role("button", name="Save minutes").click()
    assert page.get_by_text("Minutes saved.").is_visible()

    # Votes on each item, after the quorum is shown.
    page.goto(meeting_url)
    page.get_by_role("link", name="Votes on item 1").click()
    assert page.locator("#quorum").inner_text().startswith("Quorate")
    page.get_by_label("Motion").fill("To approve the joint CPD programme for 2026/27.")
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Decision recorded: carried (4 for, 0 against, 0 abstaining).").is_visible()
    page.get_by_role("link", name=re.compile("Next item")).click()
    page.get_by_label("Motion").fill("To fund a supported return to work.")
    page.get_by_role("button", name="Record decision").click()

    # An action, then the next meeting, where the minutes are approved.
    page.goto(meeting_url)
    page.get_by_role("link", name="6. Actions").click()
    page.get_by_label("Action 1", exact=True).fill("Publish the CPD programme to staff")
    page.get_by_label("Owner of action 1").select_option(label="Margaret Holt")
    page.get_by_label("Due date of action 1").fill((timezone.localdate() + datetime.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Save actions").click()
    assert page.get_by_text("Actions saved.").is_visible()
    page.goto(f"{live_server.url}/governance/committees/{committee.pk}/meetings/new/")
    page.locator("#id_date").fill((timezone.localdate() + datetime.timedelta(days=14)).isoformat())
    page.locator("#id_start_time").fill("16:00")
    page.locator("#id_place").select_option("online")
    page.get_by_role("button", name="Schedule meeting").click()
    assert page.get_by_role("rowheader", name="Publish the CPD programme to staff").is_visible()  # matters arising
    page.get_by_role("button", name=re.compile("Approve the minutes of")).click()

    # Sign, then send to the governing bodies.
    page.goto(meeting_url.rstrip("/") + "/minutes/")
    page.get_by_role("button", name="Record the chair's signature").click()
    assert page.get_by_text("Minutes signed by the chair.").is_visible()
    page.get_by_role("link", name="Send to governing bodies").click()
    assert page.get_by_role("row", name=re.compile("Governing body of Darnhall")).get_by_text("Public", exact=True).is_visible()
    page.get_by_role("button", name=re.compile("^Send to the .* recipients listed")).click()
    assert page.get_by_text(re.compile(r"Minutes sent to 1 governing body \(public version\)")).is_visible()
    assert page.get_by_text("1 of 1 governing bodies have not confirmed receipt.").is_visible()
    page.get_by_role("button", name="Received by Governing body of Darnhall").click()
    assert MinutesDistribution.objects.get(governing_body__isnull=False).received_at is not None

    # The PDFs hold the decisions; the public one leaves the confidential item out.
    full = page.get_by_role("link", name="Minutes for members").get_attribute("href")
    public = page.get_by_role("link", name="Public minutes").get_attribute("href")
    full_text = _text(page.request.get(live_server.url + full).body(), tmp_path, "full.pdf")
    public_text = _text(page.request.get(live_server.url + public).body(), tmp_path, "public.pdf")
    for text in (full_text, public_text):
        assert "To approve the joint CPD programme for 2026/27." in text and "Carried" in text
        assert "Margaret Holt" in text
    assert "supported return to work" in full_text and "Staffing matter" in full_text
    assert "supported return to work" not in public_text and "Staffing matter" not in public_text
