from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from partnership.audit import record
from partnership.jobs import enqueue_on_commit
from partnership.pdf import save_private_file

from ..models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    Document,
    InterestDeclaration,
    Meeting,
    Minutes,
    Paper,
    Vote,
)

PAPER_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".csv": "text/csv",
    ".txt": "text/plain",
}


def _refuse_if_minutes_signed(meeting: Meeting) -> None:
    if meeting.minutes_versions.filter(status__in=[Minutes.Status.SIGNED, Minutes.Status.SUPERSEDED]).exists():
        raise ValidationError("The minutes of this meeting are signed: the record is frozen.")


@transaction.atomic
def schedule_meeting(
    *,
    committee: Committee,
    starts_at,
    scheduled_by,
    place=Meeting.Place.SCHOOL,
    host_school=None,
    location="",
    ends_at=None,
) -> Meeting:
    meeting = Meeting(
        committee=committee,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        host_school=host_school,
        location=location,
    )
    meeting.full_clean()
    if host_school is not None and not committee.schools.filter(pk=host_school.pk).exists():
        raise ValidationError({"host_school": f"{host_school} is not a member school of this committee."})
    meeting.save()
    # Every meeting after the first starts with the last minutes and the matters arising.
    if committee.meetings.filter(starts_at__lt=starts_at).exclude(status=Meeting.Status.CANCELLED).exists():
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    order=1,
                    title="Minutes of the previous meeting",
                    category=AgendaItem.Category.PREVIOUS_MINUTES,
                ),
                AgendaItem(
                    meeting=meeting, order=2, title="Matters arising", category=AgendaItem.Category.MATTERS_ARISING
                ),
            ]
        )
    record(
        actor=scheduled_by,
        verb="governance.meeting.scheduled",
        target=meeting,
        partnership=committee.partnership,
        data={"starts_at": starts_at.isoformat()},
    )
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, cancelled_by) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError("Only a scheduled meeting can be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    record(
        actor=cancelled_by,
        verb="governance.meeting.cancelled",
        target=meeting,
        partnership=meeting.committee.partnership,
    )
    return meeting


@transaction.atomic
def add_agenda_item(
    *,
    meeting: Meeting,
    title: str,
    added_by,
    category=AgendaItem.Category.GENERAL,
    is_confidential=False,
    description="",
) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_minutes_signed(meeting)
    order = (meeting.items.aggregate(last=Max("order"))["last"] or 0) + 1
    item = AgendaItem(
        meeting=meeting,
        order=order,
        title=title,
        category=category,
        is_confidential=is_confidential,
        description=description,
    )
    item.full_clean()
    item.save()
    record(
        actor=added_by,
        verb="governance.item.added",
        target=item,
        partnership=meeting.committee.partnership,
        data={"title": title, "confidential": is_confidential},
    )
    return item


@transaction.atomic
def update_agenda_items(*, meeting: Meeting, items: list[AgendaItem], updated_by) -> None:
    """Saves the clerk's edits of the whole agenda (order, titles, categories, confidentiality)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_minutes_signed(meeting)
    stored = dict(AgendaItem.objects.filter(meeting=meeting).values_list("pk", "category"))
    decided = set(Decision.objects.filter(item__meeting=meeting).values_list("item_id", flat=True))
    for item in items:
        if item.meeting_id != meeting.pk:
            raise ValidationError("An item belongs to another meeting.")
        if item.pk in decided and item.category != stored.get(item.pk):
            # Who may vote (associate members) was checked against the category of the time.
            raise ValidationError(
                f"“{item.title}” has a recorded decision, so its category cannot change: "
                "who could vote on it was decided by the category it had."
            )
        item.full_clean()
    AgendaItem.objects.bulk_update(items, ["order", "title", "description", "category", "is_confidential"])
    record(
        actor=updated_by,
        verb="governance.agenda.updated",
        target=meeting,
        partnership=meeting.committee.partnership,
        data={"items": len(items)},
    )


@transaction.atomic
def attach_paper(*, item: AgendaItem, upload, title: str, uploaded_by) -> Paper:
    name = upload.name or ""
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if extension not in PAPER_TYPES:
        raise ValidationError(
            f"Papers must be PDF, Word, Excel, PowerPoint, OpenDocument, CSV or text files, not “{name}”."
        )
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(f"The paper is too large: the limit is {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    if extension == ".pdf":
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise ValidationError(f"“{name}” is not a PDF file.")
    stored_name, _sha256, size = save_private_file(
        f"governance/papers/{item.meeting_id}/{name.rsplit('/', 1)[-1]}", upload.read()
    )
    paper = Paper(
        item=item,
        file_name=stored_name,
        original_name=name[:200],
        title=title or name,
        content_type=PAPER_TYPES[extension],
        size=upload.size,
        uploaded_by=uploaded_by,
    )
    paper.save()
    record(
        actor=uploaded_by,
        verb="governance.paper.attached",
        target=paper,
        partnership=item.meeting.committee.partnership,
        data={"item": item.pk, "size": upload.size},
    )
    return paper


@transaction.atomic
def publish_agenda(*, meeting: Meeting, published_by) -> Document:
    """Marks the agenda published and queues the job that makes the pack, full and public,
    and e-mails members (the full pack only to a verified account e-mail)."""
    from ..tasks import send_agenda_pack

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("The meeting is cancelled.")
    if not meeting.items.exists():
        raise ValidationError("Add at least one agenda item before publishing the agenda.")
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at"])
    public = Document.objects.create(kind=Document.Kind.AGENDA_PUBLIC, meeting=meeting)
    document = Document.objects.create(kind=Document.Kind.AGENDA_PACK, meeting=meeting, public_copy=public)
    record(
        actor=published_by,
        verb="governance.agenda.published",
        target=meeting,
        partnership=meeting.committee.partnership,
        data={"document": document.pk},
    )
    enqueue_on_commit(send_agenda_pack, document.pk)
    return document


def members_for(meeting: Meeting):
    """The committee's members on the day of the meeting."""
    return (
        CommitteeMembership.objects.current(timezone.localtime(meeting.starts_at).date())
        .filter(committee_id=meeting.committee_id)
        .select_related("person", "school")
        .order_by("person__last_name", "person__first_name")
    )


@transaction.atomic
def record_attendance(*, meeting: Meeting, statuses: dict[int, str], recorded_by) -> list[Attendance]:
    """`statuses` maps membership id -> present/apologies/absent for the whole meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_minutes_signed(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("The meeting is cancelled.")
    if meeting.starts_at > timezone.now() + timedelta(hours=12):
        raise ValidationError("Attendance is recorded on the day of the meeting, not before.")
    members = {membership.pk: membership for membership in members_for(meeting)}
    strangers = set(statuses) - set(members)
    if strangers:
        raise ValidationError("Attendance names someone who is not a member of the committee on that day.")
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in statuses.values()):
        raise ValidationError("Attendance must be present, apologies or absent.")
    meeting.attendance.all().delete()
    rows = Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, membership_id=pk, status=status) for pk, status in statuses.items()]
    )
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    draft_for(meeting)
    present = sum(1 for status in statuses.values() if status == Attendance.Status.PRESENT)
    record(
        actor=recorded_by,
        verb="governance.attendance.recorded",
        target=meeting,
        partnership=meeting.committee.partnership,
        data={"present": present, "recorded": len(rows)},
    )
    return rows


def draft_for(meeting: Meeting) -> Minutes:
    minutes = meeting.minutes_versions.order_by("-version").first()
    if minutes is None:
        minutes = Minutes.objects.create(meeting=meeting, version=1)
    return minutes


@dataclass(frozen=True)
class QuorumState:
    voting_members: int
    present: int
    needed: int
    heads_present: int
    heads_needed: int

    @property
    def is_quorate(self) -> bool:
        return self.present >= self.needed and self.heads_present >= self.heads_needed

    @property
    def text(self) -> str:
        verdict = "Quorate" if self.is_quorate else "Not quorate"
        return (
            f"{verdict}: {self.present} of {self.voting_members} voting members present "
            f"({self.needed} needed), {self.heads_present} headteacher{'s' if self.heads_present != 1 else ''} "
            f"({self.heads_needed} needed)."
        )


def quorum_for(meeting: Meeting, attendance=None, withdrawn=frozenset()) -> QuorumState:
    """The committee's own rule applied to who is present; associates and the clerk do not
    count, nor (for one item) the members in `withdrawn`, who left the room for an interest."""
    committee = meeting.committee
    members = [m for m in members_for(meeting) if m.can_vote and not m.is_associate]
    if attendance is None:
        attendance = {a.membership_id: a.status for a in meeting.attendance.all()}
    present = [m for m in members if attendance.get(m.pk) == Attendance.Status.PRESENT and m.pk not in withdrawn]
    return QuorumState(
        voting_members=len(members),
        present=len(present),
        needed=committee.quorum_needed(len(members)),
        heads_present=sum(1 for m in present if m.is_headteacher),
        heads_needed=committee.quorum_min_headteachers,
    )


@transaction.atomic
def declare_interest(
    *, item: AgendaItem, membership: CommitteeMembership, interest, declared_by, withdrew: bool = False
) -> InterestDeclaration:
    """A declaration must match a current entry in the member's standing register. It is
    part of the meeting's record: refused once the minutes are signed, and a withdrawal
    cannot be recorded after the member has voted on the item."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _refuse_if_minutes_signed(meeting)
    day = timezone.localtime(meeting.starts_at).date()
    if withdrew and Vote.objects.filter(decision__item=item, membership=membership).exists():
        raise ValidationError(
            f"{membership.person} voted on this item, so cannot be recorded as having withdrawn before it."
        )
    if membership.committee_id != meeting.committee_id:
        raise ValidationError("That person is not a member of this committee.")
    if interest.person_id != membership.person_id:
        raise ValidationError(f"That interest is not in {membership.person}'s register of interests.")
    if interest.declared_on > day or (interest.ended_on and interest.ended_on < day):
        raise ValidationError(
            f"“{interest}” was not in {membership.person}'s register on the day of the meeting: update the register first."
        )
    declaration, _ = InterestDeclaration.objects.update_or_create(
        item=item, membership=membership, interest=interest, defaults={"withdrew": withdrew}
    )
    record(
        actor=declared_by,
        verb="governance.interest.declared",
        target=declaration,
        partnership=meeting.committee.partnership,
        data={"item": item.pk, "withdrew": withdrew},
    )
    return declaration
