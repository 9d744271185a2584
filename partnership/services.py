from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .audit import record
from .jobs import enqueue_on_commit
from .models import Invitation, Role, RoleGrant
from .permissions import forget_grants
from .registry import registry
from .signals import invitation_accepted


class InvitationError(Exception):
    pass


def record_verified_email(user) -> bool:
    """Records the account's e-mail as its verified, primary allauth address (the invitation
    link reached that address, which proves it; demo accounts are the seeder's own). Confidential
    papers go only to such an address (governance/recipients.py). Returns False, changing
    nothing, when another account already holds the address verified."""
    from allauth.account.models import EmailAddress

    email = (user.email or "").strip()
    if not email or EmailAddress.objects.filter(email__iexact=email, verified=True).exclude(user=user).exists():
        return False
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first() or EmailAddress(
        user=user, email=email
    )
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
    address.verified = True
    address.primary = True
    address.save()
    return True


@transaction.atomic
def invite_person(
    *, partnership, email: str, role: str, school=None, first_name="", last_name="", invited_by
) -> Invitation:
    from .tasks import send_invitation_email

    invitation = Invitation.objects.create(
        partnership=partnership,
        email=email.strip().lower(),
        role=role,
        school=school,
        first_name=first_name,
        last_name=last_name,
        invited_by=invited_by,
    )
    record(actor=invited_by, verb="partnership.invitation.sent", target=invitation, data={"role": role})
    enqueue_on_commit(send_invitation_email, invitation.pk)
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, revoked_by) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=timezone.now())
    record(actor=revoked_by, verb="partnership.invitation.revoked", target=invitation)


@transaction.atomic
def accept_invitation(*, token: str, password: str | None, first_name: str = "", last_name: str = "", user=None):
    """Creates the account for a new e-mail address, or grants the role to `user`, the
    signed-in account of the invitation's address, and grants the role.

    An existing account is never created, changed or signed in here: its owner signs in as
    usual (two-factor included) and accepts as `user`. Returns the user. Raises
    InvitationError when the invitation can no longer be used or is for another account."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.status != "Pending":
        raise InvitationError("This invitation link is no longer valid. Ask your coordinator for a new one.")
    User = get_user_model()
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                f"An account for {invitation.email} already exists: sign in to it to accept this invitation."
            )
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            first_name=first_name or invitation.first_name,
            last_name=last_name or invitation.last_name,
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            f"This invitation is for {invitation.email}, not {user.email}. "
            f"Sign out, then sign in as {invitation.email} to accept it."
        )
    if invitation.role == Role.HEADTEACHER and invitation.school_id and registry.headteacher_refusal is not None:
        # Asked again: a head may have appeared, or the school joined another partnership,
        # since the invitation was sent. The school's row is locked so two invitations for
        # a school without a head cannot both be accepted.
        school_model = Invitation._meta.get_field("school").related_model
        school = school_model.objects.select_for_update().get(pk=invitation.school_id)
        refusal = registry.headteacher_refusal(partnership=invitation.partnership, school=school, email=user.email)
        if refusal:
            raise InvitationError(f"This invitation can no longer be accepted. {refusal}")
    RoleGrant.objects.get_or_create(
        user=user, partnership=invitation.partnership, role=invitation.role, school=invitation.school
    )
    forget_grants(user)
    # The link was sent to this address, and the account's e-mail is that address.
    record_verified_email(user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(actor=user, verb="partnership.invitation.accepted", target=invitation)
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return user
