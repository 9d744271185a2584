from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.audit import record
from partnership.jobs import enqueue_on_commit
from partnership.links import role_for_link

from ..models import (
    CalendarFeed,
    CommitteeMembership,
    Document,
    ItemMinute,
    Meeting,
    Minutes,
    MinutesDistribution,
)


def _lock(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting__committee__partnership").get(pk=minutes.pk)


@transaction.atomic
def save_item_minutes(*, minutes: Minutes, texts: dict[int, str], saved_by) -> Minutes:
    """`texts` maps agenda item id -> the minute for that item, for the whole meeting at once."""
    minutes = _lock(minutes)
    if minutes.status != Minutes.Status.DRAFT:
        raise ValidationError(
            "Only draft minutes can be edited: signed minutes are frozen, so make a correction instead."
            if minutes.is_frozen
            else "These minutes are approved: they can no longer be edited."
        )
    item_ids = set(minutes.meeting.items.values_list("pk", flat=True))
    if set(texts) - item_ids:
        raise ValidationError("A minute names an item of another meeting.")
    existing = {entry.item_id: entry for entry in minutes.item_minutes.all()}
    changed, new = [], []
    for item_id, text in texts.items():
        entry = existing.get(item_id)
        if entry is None:
            new.append(ItemMinute(minutes=minutes, item_id=item_id, text=text.strip()))
        elif entry.text != text.strip():
            entry.text = text.strip()
            changed.append(entry)
    ItemMinute.objects.bulk_create(new)
    ItemMinute.objects.bulk_update(changed, ["text"])
    record(
        actor=saved_by,
        verb="governance.minutes.edited",
        target=minutes,
        partnership=minutes.meeting.committee.partnership,
        data={"items": len(new) + len(changed)},
    )
    return minutes


def next_meeting_after(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(committee_id=meeting.committee_id, starts_at__gt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def approve_minutes(*, minutes: Minutes, at_meeting: Meeting, approved_by) -> Minutes:
    """Minutes are approved at the committee's next meeting."""
    minutes = _lock(minutes)
    if minutes.status != Minutes.Status.DRAFT:
        raise ValidationError(f"These minutes are {minutes.get_status_display().lower()}, not a draft.")
    expected = next_meeting_after(minutes.meeting)
    if expected is None or expected.pk != at_meeting.pk:
        raise ValidationError("Minutes are approved at the committee's next meeting: schedule it first.")
    if not minutes.item_minutes.exclude(text="").exists():
        raise ValidationError("The minutes are empty: write the minute of at least one item first.")
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_at_meeting = at_meeting
    minutes.approved_at = timezone.now()
    minutes.save(update_fields=["status", "approved_at_meeting", "approved_at"])
    record(
        actor=approved_by,
        verb="governance.minutes.approved",
        target=minutes,
        partnership=minutes.meeting.committee.partnership,
        data={"version": minutes.version},
    )
    return minutes


def chair_of(meeting: Meeting, day=None) -> CommitteeMembership | None:
    day = day or timezone.localdate()
    return (
        CommitteeMembership.objects.current(day)
        .filter(committee_id=meeting.committee_id, role=CommitteeMembership.Role.CHAIR)
        .select_related("person")
        .first()
    )


@transaction.atomic
def sign_minutes(*, minutes: Minutes, signed_by) -> Minutes:
    """The chair signs (or the clerk records the chair's signature); the minutes freeze and
    the two PDFs are queued."""
    from ..tasks import render_minutes_pdf

    minutes = _lock(minutes)
    if minutes.status != Minutes.Status.APPROVED:
        raise ValidationError("Only approved minutes can be signed: approve them at the next meeting first.")
    chair = chair_of(minutes.meeting)
    if chair is None:
        raise ValidationError("The committee has no chair today to sign the minutes: appoint one first.")
    minutes.status = Minutes.Status.SIGNED
    minutes.signed_by = chair.person
    minutes.signed_at = timezone.now()
    minutes.save(update_fields=["status", "signed_by", "signed_at"])
    if minutes.corrects_id:
        Minutes.objects.filter(pk=minutes.corrects_id).update(status=Minutes.Status.SUPERSEDED)
    documents = [
        Document.objects.create(kind=kind, meeting_id=minutes.meeting_id, minutes=minutes)
        for kind in (Document.Kind.MINUTES_FULL, Document.Kind.MINUTES_PUBLIC)
    ]
    record(
        actor=signed_by,
        verb="governance.minutes.signed",
        target=minutes,
        partnership=minutes.meeting.committee.partnership,
        data={"version": minutes.version, "chair": str(chair.person)},
    )
    for document in documents:
        enqueue_on_commit(render_minutes_pdf, document.pk)
    return minutes


@transaction.atomic
def correct_minutes(*, minutes: Minutes, reason: str, corrected_by) -> Minutes:
    """A correction of signed minutes is a new draft version; the signed one is kept."""
    minutes = _lock(minutes)
    if minutes.status != Minutes.Status.SIGNED:
        raise ValidationError("Only signed minutes are corrected; edit a draft directly.")
    if Minutes.objects.filter(corrects=minutes).exists():
        raise ValidationError("A correction of these minutes is already in progress.")
    if not reason.strip():
        raise ValidationError({"reason": "Say what the correction is for."})
    latest = minutes.meeting.minutes_versions.order_by("-version").first()
    correction = Minutes.objects.create(
        meeting=minutes.meeting, version=latest.version + 1, corrects=minutes, correction_reason=reason.strip()
    )
    ItemMinute.objects.bulk_create(
        [ItemMinute(minutes=correction, item_id=entry.item_id, text=entry.text) for entry in minutes.item_minutes.all()]
    )
    record(
        actor=corrected_by,
        verb="governance.minutes.corrected",
        target=correction,
        partnership=minutes.meeting.committee.partnership,
        data={"corrects": minutes.version},
    )
    return correction


def member_governing_bodies(meeting: Meeting) -> dict:
    """The governing bodies of the committee's member schools, by id, in school order."""
    bodies = {}
    for school in meeting.committee.schools.select_related("governing_body").order_by("name"):
        if school.governing_body_id:
            bodies.setdefault(school.governing_body_id, school.governing_body)
    return bodies


@transaction.atomic
def distribute_minutes(*, minutes: Minutes, distributed_by) -> list[MinutesDistribution]:
    """Records, for every recipient not yet sent, which version of the signed minutes goes
    where (see governance/recipients.py: the full version only to committee members at their
    verified account e-mail, the public version to governing bodies and everyone else), with
    the SHA-256 of that PDF, and queues the e-mails."""
    from ..recipients import minutes_recipients
    from ..tasks import send_minutes_to_governing_bodies

    minutes = _lock(minutes)
    if minutes.status != Minutes.Status.SIGNED:
        raise ValidationError("Only signed minutes are sent to the governing bodies.")
    documents = {
        document.kind: document
        for document in minutes.documents.filter(
            kind__in=[Document.Kind.MINUTES_FULL, Document.Kind.MINUTES_PUBLIC], status=Document.Status.DONE
        )
    }
    if len(documents) < 2:
        raise ValidationError("The minutes PDFs are not ready yet: try again in a moment.")
    sha256 = {
        MinutesDistribution.Version.FULL: documents[Document.Kind.MINUTES_FULL].sha256,
        MinutesDistribution.Version.PUBLIC: documents[Document.Kind.MINUTES_PUBLIC].sha256,
    }
    recipients = minutes_recipients(minutes)
    bodies = [r for r in recipients if r.governing_body is not None]
    members = [r for r in recipients if r.membership is not None]
    if not bodies and not members:
        raise ValidationError("No member school has a governing body, and the committee has no members, to send to.")
    # Only what is really sent is recorded as sent: a recipient with no address waits for one.
    sendable = [r for r in recipients if r.version]
    if not sendable:
        raise ValidationError(
            "Nobody has an e-mail address to send the minutes to: add one for "
            + ", ".join(r.name for r in recipients)
            + "."
        )
    already = {
        ("body", gb) if gb else ("member", member, version)
        for gb, member, version in minutes.distributions.values_list("governing_body_id", "membership_id", "version")
    }
    now = timezone.now()
    rows = MinutesDistribution.objects.bulk_create(
        [
            MinutesDistribution(
                minutes=minutes,
                governing_body=r.governing_body,
                membership=r.membership,
                version=r.version,
                sha256=sha256[r.version],
                reason=r.reason[:200],
                sent_to=r.email,
                sent_at=now,
            )
            for r in sendable
            if r.key not in already
        ]
    )
    record(
        actor=distributed_by,
        verb="governance.minutes.distributed",
        target=minutes,
        partnership=minutes.meeting.committee.partnership,
        data={
            "governing_bodies": sum(1 for row in rows if row.governing_body_id),
            "full": sum(1 for row in rows if row.is_full),
            "public": sum(1 for row in rows if not row.is_full),
            "sha256": sha256,
        },
    )
    if rows:
        ids = [row.pk for row in MinutesDistribution.objects.filter(minutes=minutes, sent_at=now)]
        enqueue_on_commit(send_minutes_to_governing_bodies, ids)
    return rows


@transaction.atomic
def mark_distribution(*, distribution: MinutesDistribution, what: str, marked_by, at=None) -> MinutesDistribution:
    distribution = MinutesDistribution.objects.select_for_update().get(pk=distribution.pk)
    if distribution.governing_body_id is None:
        raise ValidationError("Receipt and ratification are recorded for governing bodies only.")
    at = at or timezone.now()
    if what == "received":
        distribution.received_at = at
    elif what == "ratified":
        distribution.ratified_at = at
        distribution.received_at = distribution.received_at or at
    else:
        raise ValidationError("Mark the minutes received or ratified.")
    if at < distribution.sent_at:
        raise ValidationError("A governing body cannot receive the minutes before they were sent.")
    distribution.save(update_fields=["received_at", "ratified_at"])
    record(
        actor=marked_by,
        verb=f"governance.minutes.{what}",
        target=distribution,
        partnership=distribution.minutes.meeting.committee.partnership,
        data={"governing_body": str(distribution.governing_body)},
    )
    return distribution


@transaction.atomic
def create_calendar_feed(*, owner, partnership, scope: str) -> CalendarFeed:
    if scope not in CalendarFeed.Scope.values:
        raise ValidationError("Choose which meetings the calendar shows.")
    feed = CalendarFeed.objects.create(
        owner=owner, partnership=partnership, scope=scope, role=role_for_link(owner, partnership)
    )
    record(actor=owner, verb="governance.calendar.created", target=feed, partnership=partnership, data={"scope": scope})
    return feed


@transaction.atomic
def revoke_calendar_feed(*, feed: CalendarFeed, revoked_by) -> CalendarFeed:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record(actor=revoked_by, verb="governance.calendar.revoked", target=feed, partnership=feed.partnership)
    return feed
