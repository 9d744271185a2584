"""Governance at scale (`seed_scale`): per partnership a strategic committee of every member
school's head, a sub-group for each twenty schools, and a year of meetings (about one per
committee per half-term) with agenda items, attendance, a decision with its votes, minutes
(signed once approved at the next meeting) and actions."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from partnership.scale import ScaleContext

from .models import (
    Action,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    ItemMinute,
    Meeting,
    Minutes,
    Vote,
)

SCHOOLS_PER_SUB_GROUP = 20
SUB_GROUP_SIZE = 6
SUB_GROUPS = ["Standards and curriculum", "Inclusion and SEND", "Finance and resources", "Professional development"]
ITEMS = [
    ("Minutes of the previous meeting", AgendaItem.Category.PREVIOUS_MINUTES),
    ("Matters arising", AgendaItem.Category.MATTERS_ARISING),
    ("Standards across the partnership", AgendaItem.Category.STANDARDS),
    ("Professional development programme", AgendaItem.Category.CPD),
    ("Partnership budget", AgendaItem.Category.PARTNERSHIP_FINANCE),
]
DECISION_ITEM = 4  # the budget item carries the meeting's decision


def _ids(context, model, count):
    return iter(context.reserve_ids(model, count))


def seed(context: ScaleContext) -> None:
    rng = context.rng
    today = context.today
    year = context.current_year
    committees, links, members = [], [], []
    # (committee id, [(membership id, person id, school id)], host schools)
    plan = []
    committee_ids = _ids(context, Committee, 6 * len(context.partnership_ids))
    membership_ids = _ids(context, CommitteeMembership, 2 * len(context.school_ids) + 50 * len(context.partnership_ids))
    established = datetime(year - 2, 9, 1).date()
    for partnership in context.partnership_ids:
        schools = [s for s in context.schools_of.get(partnership, []) if context.people_of_school.get(s)]
        if not schools:
            continue
        strategic = next(committee_ids)
        committees.append(
            {
                "id": strategic,
                "partnership_id": partnership,
                "name": "Strategic board",
                "kind": Committee.Kind.STRATEGIC,
                "purpose": "Sets the partnership's priorities and budget.",
                "established_on": established,
            }
        )
        groups = [(strategic, schools)]
        for n in range(min(len(SUB_GROUPS), len(schools) // SCHOOLS_PER_SUB_GROUP)):
            pk = next(committee_ids)
            committees.append(
                {
                    "id": pk,
                    "partnership_id": partnership,
                    "name": SUB_GROUPS[n],
                    "kind": Committee.Kind.SUB_GROUP,
                    "parent_id": strategic,
                    "established_on": established,
                    "quorum_min_headteachers": 1,
                }
            )
            groups.append((pk, rng.sample(schools, SUB_GROUP_SIZE)))
        for committee, its_schools in groups:
            mine = []
            for n, school in enumerate(its_schools):
                person = context.people_of_school[school][0]
                pk = next(membership_ids)
                chair = n == 0
                members.append(
                    {
                        "id": pk,
                        "committee_id": committee,
                        "person_id": person,
                        "school_id": school,
                        "role": CommitteeMembership.Role.CHAIR if chair else CommitteeMembership.Role.MEMBER,
                        "is_headteacher": True,
                        "start_on": established,
                        "end_on": datetime(year + 1, 8, 31).date() if chair else None,
                    }
                )
                mine.append((pk, person, school))
                links.append({"committee_id": committee, "school_id": school})
            plan.append((committee, mine, partnership))
    context.bulk_insert(Committee, committees)
    _insert_links(context, links)
    context.bulk_insert(CommitteeMembership, members)
    _seed_meetings(context, plan, rng, today, year)


def _insert_links(context, links):
    through = Committee.schools.through
    ids = _ids(context, through, len(links))
    context.bulk_insert(through, ({"id": next(ids), **link} for link in links))


def _meeting_days(context, partnership, year):
    """Two meetings a term (one each half-term) in the current academic year."""
    days = []
    for _, _, academic_year, start, end in context.terms_of(partnership):
        if academic_year != year:
            continue
        for weeks in (3, 9):
            day = start + timedelta(weeks=weeks)
            day -= timedelta(days=(day.weekday() - 2) % 7)  # a Wednesday
            if start <= day <= end:
                days.append(day)
    return days


def _seed_meetings(context, plan, rng, today, year):
    days_of = {}
    meetings, items, attendance, minutes, item_minutes = [], [], [], [], []
    decisions, votes, actions = [], [], []
    count = 8  # at most two meetings a term (ids are only reserved, so a margin costs nothing)
    total_meetings = count * len(plan) + len(plan)
    total_members = sum(len(m) for _, m, _ in plan)
    meeting_ids = _ids(context, Meeting, total_meetings)
    item_ids = _ids(context, AgendaItem, total_meetings * len(ITEMS))
    attendance_ids = _ids(context, Attendance, total_members * (count + 1))
    minutes_ids = _ids(context, Minutes, total_meetings)
    item_minute_ids = _ids(context, ItemMinute, total_meetings * len(ITEMS))
    decision_ids = _ids(context, Decision, total_meetings)
    vote_ids = _ids(context, Vote, total_members * (count + 1))
    action_ids = _ids(context, Action, total_meetings)
    for committee, mine, partnership in plan:
        if partnership not in days_of:
            days_of[partnership] = _meeting_days(context, partnership, year)
        held = []
        chair_person = mine[0][1]
        for day in days_of[partnership]:
            starts = timezone.make_aware(datetime.combine(day, time(16)))
            past = day < today
            meeting = next(meeting_ids)
            meetings.append(
                {
                    "id": meeting,
                    "committee_id": committee,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "place": Meeting.Place.SCHOOL,
                    "host_school_id": rng.choice(mine)[2],
                    "status": Meeting.Status.HELD if past else Meeting.Status.SCHEDULED,
                    "agenda_published_at": starts - timedelta(days=7) if day - timedelta(days=7) <= today else None,
                }
            )
            its_items = []
            for order, (title, category) in enumerate(ITEMS, start=1):
                pk = next(item_ids)
                items.append({"id": pk, "meeting_id": meeting, "order": order, "title": title, "category": category})
                its_items.append(pk)
            if not past:
                continue
            present = []
            for membership, _, _ in mine:
                status = rng.choices(
                    [Attendance.Status.PRESENT, Attendance.Status.APOLOGIES, Attendance.Status.ABSENT], [85, 12, 3]
                )[0]
                attendance.append(
                    {"id": next(attendance_ids), "meeting_id": meeting, "membership_id": membership, "status": status}
                )
                if status == Attendance.Status.PRESENT:
                    present.append(membership)
            decision = next(decision_ids)
            choices = [rng.choices(list(Vote.Choice), [80, 10, 10])[0] for _ in present]
            tally = {c: choices.count(c) for c in Vote.Choice}
            decisions.append(
                {
                    "id": decision,
                    "item_id": its_items[DECISION_ITEM],
                    "motion": "To approve the partnership budget monitoring report for the half-term.",
                    "votes_for": tally[Vote.Choice.FOR],
                    "votes_against": tally[Vote.Choice.AGAINST],
                    "abstentions": tally[Vote.Choice.ABSTAIN],
                    "is_carried": tally[Vote.Choice.FOR] > tally[Vote.Choice.AGAINST],
                    "members_present": len(present),
                    "quorum_needed": max(1, len(mine) // 3),
                    "decided_at": starts + timedelta(hours=1),
                }
            )
            votes += [
                {"id": next(vote_ids), "decision_id": decision, "membership_id": membership, "choice": choice}
                for membership, choice in zip(present, choices, strict=True)
            ]
            actions.append(
                {
                    "id": next(action_ids),
                    "meeting_id": meeting,
                    "item_id": its_items[2],
                    "description": "Circulate the standards summary to every member school.",
                    "owner_id": chair_person,
                    "due_on": day + timedelta(weeks=4),
                    "status": Action.Status.DONE if day + timedelta(weeks=4) < today else Action.Status.OPEN,
                }
            )
            held.append((meeting, starts, its_items))
        # Minutes: signed once approved at the next held meeting; the latest still a draft.
        for n, (meeting, _starts, its_items) in enumerate(held):
            pk = next(minutes_ids)
            nxt = held[n + 1] if n + 1 < len(held) else None
            row = {"id": pk, "meeting_id": meeting, "version": 1, "status": Minutes.Status.DRAFT}
            if nxt:
                row |= {
                    "status": Minutes.Status.SIGNED,
                    "approved_at_meeting_id": nxt[0],
                    "approved_at": nxt[1],
                    "signed_by_id": chair_person,
                    "signed_at": nxt[1] + timedelta(hours=2),
                }
            minutes.append(row)
            item_minutes += [
                {
                    "id": next(item_minute_ids),
                    "minutes_id": pk,
                    "item_id": item,
                    "text": "The committee discussed the item and agreed the next steps.",
                }
                for item in its_items
            ]
    for model, rows in [
        (Meeting, meetings),
        (AgendaItem, items),
        (Attendance, attendance),
        (Decision, decisions),
        (Vote, votes),
        (Action, actions),
        (Minutes, minutes),
        (ItemMinute, item_minutes),
    ]:
        context.bulk_insert(model, rows)


def strategic_committee(target) -> list:
    """Bench page arguments: the partnership's strategic committee."""
    pk = (
        Committee.objects.filter(partnership=target.partnership, kind=Committee.Kind.STRATEGIC)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [pk]


def latest_held_meeting(target) -> list:
    """Bench page arguments: the strategic committee's latest held meeting (the biggest)."""
    pk = (
        Meeting.objects.filter(
            committee__partnership=target.partnership,
            committee__kind=Committee.Kind.STRATEGIC,
            status=Meeting.Status.HELD,
        )
        .order_by("-starts_at")
        .values_list("pk", flat=True)
        .first()
    )
    return [pk]
