"""Confidential items stay inside the committee: the full minutes and agenda pack go only to
committee members at the verified e-mail of their own account; governing bodies and
everyone else get the public version, and the page says who gets which, and why."""

import hashlib

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import services
from governance.models import Document, MinutesDistribution
from partnership.models import AuditEntry
from schools.models import GoverningBody

from .factories import MembershipFactory, account_for
from .test_documents import _signed, pdf_text

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Staffing matter at Darnhall"
SECRET_MINUTE = "absence was discussed"


@pytest.fixture
def bodies(world, gov):
    """Both member schools have a governing body with a clerk e-mail."""
    darnhall = GoverningBody.objects.create(name="Darnhall governors", clerk_email="gb@darnhall.example.org")
    grange = GoverningBody.objects.create(name="Grange governors", clerk_email="gb@grange.example.org")
    world.school.governing_body = darnhall
    world.school.save()
    world.other_school.governing_body = grange
    world.other_school.save()
    gov.committee.schools.add(world.other_school)
    return [darnhall, grange]


def _distribute(world, minutes, capture):
    with capture(execute=True):
        return services.distribute_minutes(minutes=minutes, distributed_by=world.user("clerk"))


def _mails_to(mailoutbox, address):
    return [mail for mail in mailoutbox if mail.to == [address]]


def _attached_text(mail, tmp_path) -> str:
    return pdf_text(mail.attachments[0][1], tmp_path)


def test_every_governing_body_clerk_is_sent_the_public_minutes_without_the_confidential_item(
    gov, world, bodies, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    public = minutes.documents.get(kind=Document.Kind.MINUTES_PUBLIC)
    _distribute(world, minutes, django_capture_on_commit_callbacks)

    for body in bodies:
        (mail,) = _mails_to(mailoutbox, body.clerk_email)
        text = _attached_text(mail, tmp_path)
        assert "Joint CPD programme" in text and "Public version" in text
        assert SECRET_TITLE not in text and SECRET_MINUTE not in text and "supported return" not in text
        assert hashlib.sha256(mail.attachments[0][1]).hexdigest() == public.sha256
        assert "public version" in mail.body
        row = MinutesDistribution.objects.get(minutes=minutes, governing_body=body)
        assert (row.version, row.sha256, row.sent_to) == ("public", public.sha256, body.clerk_email)


def test_a_committee_member_with_a_verified_account_gets_the_full_minutes_at_that_account_only(
    gov, world, bodies, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    account = account_for(gov.chair.person)
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    full = minutes.documents.get(kind=Document.Kind.MINUTES_FULL)
    _distribute(world, minutes, django_capture_on_commit_callbacks)

    (mail,) = _mails_to(mailoutbox, account.email)
    text = _attached_text(mail, tmp_path)
    assert SECRET_TITLE in text and SECRET_MINUTE in text
    assert "do not forward" in mail.body
    assert _mails_to(mailoutbox, gov.chair.person.email) == []  # the contact address gets nothing
    row = MinutesDistribution.objects.get(minutes=minutes, membership=gov.chair)
    assert (row.version, row.sha256, row.sent_to) == ("full", full.sha256, account.email)
    assert hashlib.sha256(mail.attachments[0][1]).hexdigest() == full.sha256


def test_a_member_whose_account_email_is_not_verified_gets_the_public_minutes(
    gov, world, bodies, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    account = account_for(gov.heads[0].person, verified=False)
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    _distribute(world, minutes, django_capture_on_commit_callbacks)

    assert _mails_to(mailoutbox, account.email) == []
    (mail,) = _mails_to(mailoutbox, gov.heads[0].person.email)
    text = _attached_text(mail, tmp_path)
    assert "Joint CPD programme" in text and SECRET_TITLE not in text and SECRET_MINUTE not in text
    row = MinutesDistribution.objects.get(minutes=minutes, membership=gov.heads[0])
    assert row.version == "public" and "not verified" in row.reason
    assert "not verified" in mail.body and "/accounts/email/" in mail.body


def test_a_verified_address_that_is_not_the_accounts_own_e_mail_does_not_count(
    gov, world, bodies, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    account = account_for(gov.heads[1].person, verified=False)
    EmailAddress.objects.create(user=account, email="second@members.example.org", verified=True)
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    _distribute(world, minutes, django_capture_on_commit_callbacks)

    assert MinutesDistribution.objects.get(membership=gov.heads[1]).version == "public"
    assert _mails_to(mailoutbox, "second@members.example.org") == []


def test_the_distribution_page_says_which_version_each_recipient_gets_and_why_before_sending(
    gov, world, bodies, django_capture_on_commit_callbacks, client, mailoutbox
):
    account = account_for(gov.chair.person)
    account_for(gov.heads[0].person, verified=False)
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    client.force_login(world.user("clerk"))
    page = client.get(reverse("governance:minutes_distribution", args=[minutes.pk])).content.decode()

    def row_of(name):
        start = page.index(name)
        return page[start : page.index("</tr>", start)]

    chair = row_of("Margaret Holt (chair)")
    assert account.email in chair and ">Full<" in chair and "verified e-mail of their own portal account" in chair
    unverified = row_of(f"{gov.heads[0].person} (member)")
    assert ">Public<" in unverified and "not verified" in unverified
    no_account = row_of(f"{gov.heads[1].person} (member)")
    assert ">Public<" in no_account and "without a portal account" in no_account
    darnhall = row_of("Darnhall governors</a>")
    assert "gb@darnhall.example.org" in darnhall and ">Public<" in darnhall and "stay inside the committee" in darnhall
    assert mailoutbox == []  # the page only says; nothing is sent until the button is pressed

    response = client.post(reverse("governance:minutes_distribution", args=[minutes.pk]), {"action": "send"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Minutes sent to 2 governing bodies (public version)" in page
    record = page[page.index('id="record"') :]
    full_row = record[record.index(account.email) : record.index("</tr>", record.index(account.email))]
    assert "<td>Full</td>" in full_row
    assert minutes.documents.get(kind=Document.Kind.MINUTES_FULL).sha256 in full_row


def test_an_outsider_who_got_a_governing_body_clerk_email_changed_to_theirs_receives_only_the_public_minutes(
    gov, world, bodies, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    outsider = world.user("outsider")
    # The outsider even has a verified account at that address: it is not a committee member's.
    EmailAddress.objects.create(user=outsider, email=outsider.email, verified=True, primary=True)
    bodies[0].clerk_email = outsider.email
    bodies[0].save()
    gov.heads[0].person.email = outsider.email  # and a member's contact address too
    gov.heads[0].person.save()
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    _distribute(world, minutes, django_capture_on_commit_callbacks)

    sent = _mails_to(mailoutbox, outsider.email)
    assert len(sent) == 2
    for mail in sent:
        text = _attached_text(mail, tmp_path)
        assert "Joint CPD programme" in text and SECRET_TITLE not in text and SECRET_MINUTE not in text
    assert set(MinutesDistribution.objects.filter(sent_to=outsider.email).values_list("version", flat=True)) == {
        "public"
    }


def test_a_member_who_loses_their_verified_address_before_the_job_runs_is_not_sent_the_full_minutes(
    gov, world, bodies, django_capture_on_commit_callbacks, mailoutbox
):
    account = account_for(gov.chair.person)
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks() as queued:
        services.distribute_minutes(minutes=minutes, distributed_by=world.user("clerk"))
    EmailAddress.objects.filter(user=account).update(verified=False)
    for callback in queued:
        callback()

    assert _mails_to(mailoutbox, account.email) == []
    assert not MinutesDistribution.objects.filter(membership=gov.chair).exists()  # not recorded as sent
    assert _mails_to(mailoutbox, "gb@darnhall.example.org")  # the others still went


def test_a_stored_pdf_that_no_longer_matches_its_sha256_is_not_sent(
    gov, world, bodies, django_capture_on_commit_callbacks, mailoutbox
):
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    Document.objects.filter(minutes=minutes, kind=Document.Kind.MINUTES_PUBLIC).update(sha256="0" * 64)
    with pytest.raises(ValueError, match="does not match its SHA-256"):
        _distribute(world, minutes, django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_the_agenda_pack_with_papers_goes_only_to_verified_members_and_the_others_get_the_public_agenda(
    gov, world, django_capture_on_commit_callbacks, mailoutbox, tmp_path
):
    clerk = world.user("clerk")
    account = account_for(gov.chair.person)
    unverified = account_for(gov.heads[0].person, verified=False)
    services.attach_paper(
        item=gov.secret,
        title="Occupational health report",
        uploaded_by=clerk,
        upload=SimpleUploadedFile("oh.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        document = services.publish_agenda(meeting=gov.meeting, published_by=clerk)

    (pack,) = _mails_to(mailoutbox, account.email)
    assert [name for name, _c, _t in pack.attachments][1:] == ["oh.pdf"]
    assert SECRET_TITLE in _attached_text(pack, tmp_path)
    assert _mails_to(mailoutbox, unverified.email) == []
    for mail in _mails_to(mailoutbox, gov.heads[0].person.email) + _mails_to(mailoutbox, gov.heads[1].person.email):
        assert len(mail.attachments) == 1  # no papers
        text = _attached_text(mail, tmp_path)
        assert "Joint CPD programme" in text and SECRET_TITLE not in text and "Occupational health" not in text
    document.refresh_from_db()
    public = document.public_copy
    entry = AuditEntry.objects.get(verb="governance.agenda.sent")
    versions = {row["to"]: (row["version"], row["sha256"]) for row in entry.data["sent"]}
    assert versions[account.email] == ("full", document.sha256)
    assert versions[gov.heads[0].person.email] == ("public", public.sha256)


def test_others_in_the_partnership_download_the_public_agenda_but_not_the_members_pack(
    gov, world, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        document = services.publish_agenda(meeting=gov.meeting, published_by=world.user("clerk"))
    document.refresh_from_db()
    client.force_login(world.user("la_officer"))
    page = client.get(gov.meeting.get_absolute_url()).content.decode()
    assert document.public_copy.get_absolute_url() in page and document.get_absolute_url() not in page
    assert client.get(document.public_copy.get_absolute_url()).status_code == 200
    assert client.get(document.get_absolute_url()).status_code == 403
    client.force_login(world.user("outsider"))
    assert client.get(document.public_copy.get_absolute_url()).status_code == 404


def test_the_meeting_page_tells_the_clerk_which_version_of_the_agenda_each_member_will_get(gov, world, client):
    account = account_for(gov.chair.person)
    client.force_login(world.user("clerk"))
    page = client.get(gov.meeting.get_absolute_url()).content.decode()
    recipients = page[page.index('id="agenda-recipients"') : page.index("</details>")]
    chair = recipients[recipients.index("Margaret Holt (chair)") :]
    assert account.email in chair.split("</tr>")[0] and "Full pack with papers" in chair.split("</tr>")[0]
    head = recipients[recipients.index(f"{gov.heads[0].person} (member)") :].split("</tr>")[0]
    assert "Public agenda" in head and "without a portal account" in head
    client.force_login(world.user("la_officer"))
    assert 'id="agenda-recipients"' not in client.get(gov.meeting.get_absolute_url()).content.decode()


def test_the_distribution_page_takes_the_same_queries_for_many_members(
    gov, world, bodies, django_capture_on_commit_callbacks, client, django_assert_num_queries
):
    account_for(gov.chair.person)
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    client.force_login(world.user("clerk"))
    url = reverse("governance:minutes_distribution", args=[minutes.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        account_for(MembershipFactory(committee=gov.committee).person)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count(">Full<") == 11
