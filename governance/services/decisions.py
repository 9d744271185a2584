"""Decisions, votes and actions: what a meeting resolves and who does what next."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.audit import record

from ..models import Action, AgendaItem, Attendance, Committee, Decision, Meeting, Vote
from .meetings import _refuse_if_minutes_signed, members_for, quorum_for


def is_carried(rule: str, votes_for: int, votes_against: int, voting_members: int) -> bool:
    if rule == Committee.MajorityRule.TWO_THIRDS:
        return votes_for > 0 and 3 * votes_for >= 2 * (votes_for + votes_against)
    if rule == Committee.MajorityRule.ABSOLUTE:
        return 2 * votes_for > voting_members
    return votes_for > votes_against


@transaction.atomic
def record_decision(*, item: AgendaItem, motion: str, votes: dict[int, str], recorded_by) -> Decision:
    """`votes` maps membership id -> for/against/abstain. Refuses a vote that the rules forbid:
    not quorate, a voter not present, the clerk, a member who withdrew for an interest, or an
    associate member on a restricted item."""
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=item.meeting_id)
    _refuse_if_minutes_signed(meeting)
    if not motion.strip():
        raise ValidationError({"motion": "Write the motion that was put to the vote."})
    attendance = {a.membership_id: a.status for a in meeting.attendance.all()}
    # Members who withdrew for an interest in this item are not in the room for it.
    withdrawn = set(item.declarations.filter(withdrew=True).values_list("membership_id", flat=True))
    quorum = quorum_for(meeting, attendance, withdrawn=withdrawn)
    if not quorum.is_quorate:
        if withdrawn:
            raise ValidationError(
                f"Without the {len(withdrawn)} member{'s' * (len(withdrawn) != 1)} who withdrew for an interest, "
                f"the meeting is not quorate for this item, so no vote can be taken. {quorum.text}"
            )
        raise ValidationError(f"The meeting is not quorate, so no vote can be taken. {quorum.text}")
    members = {m.pk: m for m in members_for(meeting)}
    for membership_id in votes:
        member = members.get(membership_id)
        if member is None:
            raise ValidationError("A vote names someone who is not a member of the committee.")
        if attendance.get(membership_id) != Attendance.Status.PRESENT:
            raise ValidationError(f"{member.person} was not present and cannot vote.")
        if member.is_associate and item.is_restricted:
            raise ValidationError(
                f"{member.person} is an associate member and may not vote on {item.get_category_display().lower()}."
            )
        if not member.can_vote:
            raise ValidationError(f"{member.person} is the clerk and does not vote.")
        if membership_id in withdrawn:
            raise ValidationError(f"{member.person} declared an interest and withdrew, so cannot vote.")
    counts = {choice: sum(1 for c in votes.values() if c == choice) for choice in Vote.Choice.values}
    if sum(counts.values()) != len(votes):
        raise ValidationError("A vote must be for, against or abstain.")
    decision = Decision.objects.create(
        item=item,
        motion=motion.strip(),
        votes_for=counts["for"],
        votes_against=counts["against"],
        abstentions=counts["abstain"],
        is_carried=is_carried(meeting.committee.majority_rule, counts["for"], counts["against"], quorum.voting_members),
        members_present=quorum.present,
        quorum_needed=quorum.needed,
        recorded_by=recorded_by,
    )
    for membership_id, choice in votes.items():
        vote = Vote(decision=decision, membership=members[membership_id], choice=choice)
        vote.decision.item = item
        vote.save()
    record(
        actor=recorded_by,
        verb="governance.decision.recorded",
        target=decision,
        partnership=meeting.committee.partnership,
        data={
            "for": counts["for"],
            "against": counts["against"],
            "abstain": counts["abstain"],
            "carried": decision.is_carried,
        },
    )
    return decision


def matters_arising(meeting: Meeting, *, public: bool = False):
    """Open actions from the committee's earlier meetings: they come back until closed.
    `public`: for people outside the committee, without the actions of confidential items."""
    actions = Action.objects.filter(
        meeting__committee_id=meeting.committee_id, meeting__starts_at__lt=meeting.starts_at, status=Action.Status.OPEN
    )
    if public:
        actions = actions.exclude(item__is_confidential=True)
    return actions.select_related("owner", "meeting").order_by("due_on", "pk")


@transaction.atomic
def add_action(*, meeting: Meeting, description: str, owner, due_on, added_by, item=None) -> Action:
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": "That item belongs to another meeting."})
    _refuse_if_minutes_signed(meeting)
    if due_on < timezone.localtime(meeting.starts_at).date():
        raise ValidationError({"due_on": "An action cannot be due before the meeting that agreed it."})
    action = Action(meeting=meeting, item=item, description=description, owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    record(
        actor=added_by,
        verb="governance.action.added",
        target=action,
        partnership=meeting.committee.partnership,
        data={"owner": str(owner), "due_on": str(due_on)},
    )
    return action


@transaction.atomic
def close_action(*, action: Action, status: str, closed_by, at_meeting=None, note: str = "") -> Action:
    action = Action.objects.select_for_update().select_related("meeting__committee").get(pk=action.pk)
    if status not in {Action.Status.DONE, Action.Status.CANCELLED, Action.Status.OPEN}:
        raise ValidationError("An action is open, done or cancelled.")
    if status == action.status:
        return action
    action.status = status
    action.closed_at = None if status == Action.Status.OPEN else timezone.now()
    action.closed_at_meeting = None if status == Action.Status.OPEN else at_meeting
    if note:
        action.note = note
    action.save(update_fields=["status", "closed_at", "closed_at_meeting", "note"])
    record(
        actor=closed_by,
        verb=f"governance.action.{status}",
        target=action,
        partnership=action.meeting.committee.partnership,
    )
    return action
