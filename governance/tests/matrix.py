"""Permission matrix rows for every governance URL (see partnership/tests/matrix.py).

Clerks and coordinators manage; the head of world.school (a member school of the test
committee) sees papers and full minutes; other members of the partnership (staff, the
other school's head, LA officers) see agendas and public minutes only; outsiders get 404."""

import datetime

from django.utils import timezone

from partnership.tests.matrix import Case, members_read, only, statuses

MANAGERS = ("clerk", "coordinator")
INSIDERS = statuses(403, anonymous=302, outsider=404, head=200, clerk=200, coordinator=200)


def gov(world):
    """One committee per world, shared by the cases that need it."""
    if not hasattr(world, "_gov"):
        from .factories import build_committee

        world._gov = build_committee(world)
    return world._gov


def _committee(world):
    return [gov(world).committee.pk]


def _meeting(world):
    return [gov(world).meeting.pk]


def _item(world):
    return [gov(world).general.pk]


def _slug(world):
    return [world.partnership.slug]


def _paper(world):
    from governance.models import Paper
    from partnership.pdf import save_private_file

    name, _sha, size = save_private_file("governance/papers/cpd-plan.pdf", b"%PDF-1.4\n")
    paper = Paper.objects.create(
        item=gov(world).general,
        title="CPD plan",
        content_type="application/pdf",
        size=size,
        file_name=name,
        original_name="cpd-plan.pdf",
    )
    return [paper.pk]


def _document(kind):
    def build(world):
        from governance.models import Document, Minutes
        from partnership.pdf import save_private_file

        g = gov(world)
        minutes = Minutes.objects.get_or_create(meeting=g.meeting, version=1)[0]
        name, sha, size = save_private_file(f"governance/{kind}.pdf", b"%PDF-1.4 test")
        document = Document.objects.create(
            kind=kind, meeting=g.meeting, minutes=minutes, status="done", file_name=name, sha256=sha, size=size
        )
        return [document.pk]

    return build


def _minutes(status):
    def build(world):
        from governance.models import Meeting, Minutes

        g = gov(world)
        Meeting.objects.create(
            committee=g.committee, starts_at=timezone.now() + datetime.timedelta(days=20), place="online"
        )
        signed = {"signed_at": timezone.now(), "signed_by": g.chair.person} if status == "signed" else {}
        minutes = Minutes.objects.create(meeting=g.meeting, version=1, status=status, **signed)
        if status == "draft":
            from governance.models import ItemMinute

            ItemMinute.objects.create(minutes=minutes, item=g.general, text="Agreed.")
        return [minutes.pk]

    return build


def _action_owned_by_head(world):
    from governance.models import Action
    from schools.models import Person

    g = gov(world)
    person = Person.objects.create(
        first_name="Helen", last_name="Ashworth", school=world.school, user=world.user("head")
    )
    action = Action.objects.create(
        meeting=g.meeting,
        description="Draft the plan",
        owner=person,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    return [action.pk]


def _membership(world):
    return [gov(world).heads[0].pk]


def _feed_token(world):
    from governance.models import CalendarFeed

    return [CalendarFeed.objects.create(owner=world.user("clerk"), partnership=world.partnership, role="clerk").token]


def _feed_id(world):
    from governance.models import CalendarFeed

    return [CalendarFeed.objects.create(owner=world.user("clerk"), partnership=world.partnership).pk]


def _committee_data(world):
    return {
        "name": f"Task group {timezone.now().timestamp()}",
        "kind": "task_group",
        "schools": [world.school.pk],
        "established_on": "2026-09-01",
        "quorum_numerator": 1,
        "quorum_denominator": 2,
        "quorum_min_headteachers": 0,
        "majority_rule": "simple",
    }


def _attendance_data(world):
    return {f"m{m.pk}": "present" for m in gov(world).everyone}


def _actions_data(world):
    return {"new-TOTAL_FORMS": 3, "new-INITIAL_FORMS": 0, "new-MIN_NUM_FORMS": 0, "new-MAX_NUM_FORMS": 1000}


def _vote_data(world):
    g = gov(world)
    return {"motion": "To adopt the plan.", **{f"v{m.pk}": "for" for m in [g.chair, *g.heads]}}


CASES = [
    Case("governance:committee_list", members_read(), args=_slug),
    Case("governance:committee_create", only(*MANAGERS), args=_slug),
    Case(
        "governance:committee_create",
        only(*MANAGERS, ok=302),
        args=_slug,
        method="post",
        data=_committee_data,
        label="create",
    ),
    Case("governance:my_actions", members_read(), args=_slug),
    Case("governance:calendar", members_read(), args=_slug),
    Case(
        "governance:calendar",
        members_read(ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"scope": "mine"},
        label="create-feed",
    ),
    Case("governance:committee_detail", members_read(), args=_committee),
    Case(
        "governance:committee_detail",
        only(*MANAGERS, ok=302),
        args=_committee,
        method="post",
        data=lambda w: {"action": "review", "reviewed_on": timezone.localdate().isoformat()},
        label="review",
    ),
    Case("governance:committee_edit", only(*MANAGERS), args=_committee),
    Case(
        "governance:committee_edit",
        only(*MANAGERS, ok=302),
        args=_committee,
        method="post",
        data=_committee_data,
        label="save",
    ),
    Case("governance:committee_members", members_read(), args=_committee),
    Case(
        "governance:committee_members",
        only(*MANAGERS, ok=302),
        args=_committee,
        method="post",
        data=lambda w: {
            "action": "interest",
            "person": gov(w).heads[0].person_id,
            "description": "Trustee",
            "declared_on": "2026-09-01",
        },
        label="interest",
    ),
    Case("governance:committee_resolution", only(*MANAGERS), args=_committee),
    Case(
        "governance:committee_resolution",
        only(*MANAGERS, ok=200),
        args=_committee,
        method="post",
        data=lambda w: {"text": ""},
        label="invalid",
    ),
    Case("governance:committee_attendance", members_read(), args=_committee),
    Case("governance:meeting_create", only(*MANAGERS), args=_committee),
    Case(
        "governance:meeting_create",
        only(*MANAGERS, ok=302),
        args=_committee,
        method="post",
        data=lambda w: {"date": "2027-01-20", "start_time": "16:00", "place": "online"},
        label="schedule",
    ),
    Case(
        "governance:membership_end",
        only(*MANAGERS, ok=302),
        args=_membership,
        method="post",
        data=lambda w: {"end_on": timezone.localdate().isoformat()},
    ),
    Case("governance:meeting_detail", members_read(), args=_meeting),
    Case("governance:meeting_agenda", only(*MANAGERS), args=_meeting),
    Case(
        "governance:meeting_agenda",
        only(*MANAGERS, ok=302),
        args=_meeting,
        method="post",
        data=lambda w: {"action": "add", "title": "Any other business", "category": "general"},
        label="add",
    ),
    Case("governance:meeting_publish", only(*MANAGERS, ok=302), args=_meeting, method="post"),
    Case("governance:meeting_cancel", only(*MANAGERS, ok=302), args=_meeting, method="post"),
    Case("governance:meeting_attendance", only(*MANAGERS), args=_meeting),
    Case(
        "governance:meeting_attendance",
        only(*MANAGERS, ok=302),
        args=_meeting,
        method="post",
        data=_attendance_data,
        label="record",
    ),
    Case("governance:meeting_interests", only(*MANAGERS), args=_meeting),
    Case("governance:meeting_minutes", only(*MANAGERS), args=_meeting),
    Case(
        "governance:meeting_minutes",
        only(*MANAGERS, ok=302),
        args=_meeting,
        method="post",
        data=lambda w: {f"item{gov(w).general.pk}": "Agreed."},
        label="save",
    ),
    Case("governance:meeting_actions", only(*MANAGERS), args=_meeting),
    Case(
        "governance:meeting_actions",
        only(*MANAGERS, ok=302),
        args=_meeting,
        method="post",
        data=_actions_data,
        label="save",
    ),
    Case("governance:item_paper", only(*MANAGERS, ok=302), args=_item, method="post"),
    Case("governance:item_votes", only(*MANAGERS), args=_item),
    Case("governance:item_votes", only(*MANAGERS, ok=302), args=_item, method="post", data=_vote_data, label="record"),
    Case("governance:paper_download", INSIDERS, args=_paper),
    Case(
        "governance:action_update",
        only(*MANAGERS, "head", ok=302),
        args=_action_owned_by_head,
        method="post",
        data=lambda w: {"status": "done"},
    ),
    Case("governance:minutes_approve", only(*MANAGERS, ok=302), args=_minutes("draft"), method="post"),
    Case("governance:minutes_sign", only(*MANAGERS, ok=302), args=_minutes("approved"), method="post"),
    Case(
        "governance:minutes_correct",
        only(*MANAGERS, ok=302),
        args=_minutes("signed"),
        method="post",
        data=lambda w: {"reason": "A name was misspelt."},
    ),
    Case("governance:minutes_distribution", only(*MANAGERS), args=_minutes("signed")),
    Case(
        "governance:minutes_distribution",
        only(*MANAGERS, ok=302),
        args=_minutes("signed"),
        method="post",
        data=lambda w: {"action": "send"},
        label="send",
    ),
    Case("governance:document_download", members_read(), args=_document("minutes_public"), label="public"),
    Case("governance:document_download", INSIDERS, args=_document("minutes_full"), label="full"),
    Case("governance:calendar_revoke", statuses(404, anonymous=302, clerk=302), args=_feed_id, method="post"),
    # The secret address works without signing in: calendar apps fetch it on their own.
    Case("governance:calendar_feed", statuses(200), args=_feed_token),
]
