"""What goes into the PDFs: each builder loads everything in a fixed number of queries,
however many items the meeting has, so the job's cost is WeasyPrint's, not the database's."""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from .models import (
    Action,
    AgendaItem,
    Attendance,
    Decision,
    InterestDeclaration,
    ItemMinute,
    Meeting,
    Minutes,
    Vote,
)
from .services.decisions import matters_arising


def _items(meeting_id: int, *, public: bool, minutes_id: int | None = None):
    items = AgendaItem.objects.filter(meeting_id=meeting_id).order_by("order", "pk")
    if public:
        items = items.filter(is_confidential=False)
    prefetches = [
        Prefetch(
            "decisions",
            queryset=Decision.objects.order_by("pk").prefetch_related(
                Prefetch(
                    "votes",
                    queryset=Vote.objects.select_related("membership__person").order_by(
                        "membership__person__last_name", "membership__person__first_name"
                    ),
                )
            ),
        ),
        Prefetch(
            "declarations",
            queryset=InterestDeclaration.objects.select_related("membership__person", "interest"),
        ),
        Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("due_on", "pk")),
    ]
    if minutes_id is None:
        prefetches.append("papers")
    else:
        prefetches.append(
            Prefetch(
                "minutes_entries", queryset=ItemMinute.objects.filter(minutes_id=minutes_id), to_attr="minute_rows"
            )
        )
    return list(items.prefetch_related(*prefetches))


def minutes_context(minutes_id: int, *, public: bool) -> dict:
    minutes = Minutes.objects.select_related(
        "meeting__committee__partnership", "meeting__host_school", "signed_by", "approved_at_meeting"
    ).get(pk=minutes_id)
    meeting = minutes.meeting
    items = _items(meeting.pk, public=public, minutes_id=minutes.pk)
    for item in items:
        item.minute_text = item.minute_rows[0].text if item.minute_rows else ""
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("membership__person", "membership__school")
        .order_by("membership__person__last_name", "membership__person__first_name")
    )
    return {
        "minutes": minutes,
        "meeting": meeting,
        "committee": meeting.committee,
        "items": items,
        "present": [a for a in attendance if a.status == Attendance.Status.PRESENT],
        "apologies": [a for a in attendance if a.status == Attendance.Status.APOLOGIES],
        "absent": [a for a in attendance if a.status == Attendance.Status.ABSENT],
        "is_public": public,
        "made_at": timezone.now(),
    }


def minutes_html(minutes_id: int, *, public: bool) -> str:
    return render_to_string("governance/pdf/minutes.html", minutes_context(minutes_id, public=public))


def agenda_context(meeting_id: int, *, public: bool) -> dict:
    """The pack for members, or the public agenda: without confidential items, the actions
    of confidential items, or papers (papers are for the committee)."""
    meeting = Meeting.objects.select_related("committee__partnership", "host_school").get(pk=meeting_id)
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "items": _items(meeting.pk, public=public),
        "matters_arising": list(matters_arising(meeting, public=public)),
        "is_public": public,
        "made_at": timezone.now(),
    }


def agenda_html(meeting_id: int, *, public: bool) -> str:
    return render_to_string("governance/pdf/agenda_pack.html", agenda_context(meeting_id, public=public))
