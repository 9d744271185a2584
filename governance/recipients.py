"""Who receives which version of the minutes and the agenda pack, and why.

Confidential items stay inside the committee:
- a current committee member (clerks of the committee included) receives the full version,
  only at the e-mail address of their own portal account, and only when that address is
  verified (allauth's EmailAddress.verified for the account's e-mail) and the account active;
- a member without such an account receives the public version at their contact address;
- a member school's governing body (its clerk's e-mail) and everyone else receive only the
  public version, whoever the address belongs to: a contact address can be changed by
  others, an account's verified address only by its owner.

The distribution page shows this list before anything is sent, and the sending jobs use
the same list, so what the page says is what happens.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import CommitteeMembership, Meeting, MinutesDistribution

FULL = MinutesDistribution.Version.FULL
PUBLIC = MinutesDistribution.Version.PUBLIC

WHY_VERIFIED = "Committee member: full version, to the verified e-mail of their own portal account."
WHY_UNVERIFIED = (
    "Committee member whose account e-mail is not verified: public version only. "
    "Confidential items go only to a verified account e-mail (the member can verify it under Account, E-mail)."
)
WHY_INACTIVE = "Committee member whose portal account is deactivated: public version only."
WHY_NO_ACCOUNT = (
    "Committee member without a portal account: public version only. "
    "Confidential items go only to the verified e-mail of the member's own account."
)
WHY_GOVERNING_BODY = "Governing body: public version. Confidential items stay inside the committee."
WHY_NO_ADDRESS = "Nothing sent: no e-mail address is recorded."
WHY_NO_CLERK_EMAIL = "Nothing sent: no clerk e-mail is recorded for this governing body."


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str  # "" when there is nowhere to send
    version: str  # FULL, PUBLIC, or "" when nothing is sent
    reason: str
    membership: CommitteeMembership | None = None
    governing_body: object | None = None

    @property
    def key(self) -> tuple:
        """What makes a send unique: one per governing body, one per member and version."""
        if self.governing_body is not None:
            return ("body", self.governing_body.pk)
        return ("member", self.membership.pk, self.version)

    @property
    def is_full(self) -> bool:
        return self.version == FULL


def verified_emails(user_ids) -> set[tuple[int, str]]:
    """(user id, lower-cased address) of every verified address of these users, in one query."""
    rows = EmailAddress.objects.filter(user_id__in=set(user_ids), verified=True).values_list("user_id", "email")
    return {(user_id, email.strip().lower()) for user_id, email in rows}


def member_recipients(memberships) -> list[Recipient]:
    """Each membership's recipient. `memberships` must select_related("person__user")."""
    memberships = list(memberships)
    verified = verified_emails(m.person.user_id for m in memberships if m.person.user_id)
    recipients = []
    for membership in memberships:
        person, user = membership.person, membership.person.user
        name = f"{person} ({membership.get_role_display().lower()})"
        account_email = (user.email or "").strip() if user else ""
        if user and user.is_active and account_email and (user.pk, account_email.lower()) in verified:
            recipients.append(Recipient(name, account_email, FULL, WHY_VERIFIED, membership=membership))
            continue
        email = person.email or account_email
        if not email:
            why = WHY_NO_ADDRESS
        elif user is None:
            why = WHY_NO_ACCOUNT
        elif not user.is_active:
            why = WHY_INACTIVE
        else:
            why = WHY_UNVERIFIED
        recipients.append(Recipient(name, email, PUBLIC if email else "", why, membership=membership))
    return recipients


def current_members(committee_id: int, day=None):
    return (
        CommitteeMembership.objects.current(day)
        .filter(committee_id=committee_id)
        .select_related("person__user")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def governing_body_recipients(meeting: Meeting) -> list[Recipient]:
    from .services.minutes import member_governing_bodies

    return [
        Recipient(
            str(body),
            body.clerk_email,
            PUBLIC if body.clerk_email else "",
            WHY_GOVERNING_BODY if body.clerk_email else WHY_NO_CLERK_EMAIL,
            governing_body=body,
        )
        for body in member_governing_bodies(meeting).values()
    ]


def minutes_recipients(minutes) -> list[Recipient]:
    """Signed minutes go to the committee's members of today and to every member school's
    governing body."""
    return governing_body_recipients(minutes.meeting) + member_recipients(
        current_members(minutes.meeting.committee_id, timezone.localdate())
    )


def agenda_recipients(meeting: Meeting) -> list[Recipient]:
    """The agenda pack goes to the committee's members on the day of the meeting."""
    return member_recipients(current_members(meeting.committee_id, timezone.localtime(meeting.starts_at).date()))
