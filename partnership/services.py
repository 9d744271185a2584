from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .audit import record
from .jobs import enqueue_on_commit
from .models import Invitation, RoleGrant
from .permissions import forget_grants
from .signals import invitation_accepted


class InvitationError(Exception):
    pass


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
    """Creates (or, for a signed-in person, reuses) the account and grants the role.

    Returns the user. Raises InvitationError when the invitation can no longer be used."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.status != "Pending":
        raise InvitationError("This invitation link is no longer valid. Ask your coordinator for a new one.")
    User = get_user_model()
    if user is None:
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                first_name=first_name or invitation.first_name,
                last_name=last_name or invitation.last_name,
            )
        elif password:
            user.set_password(password)
            user.save(update_fields=["password"])
    RoleGrant.objects.get_or_create(
        user=user, partnership=invitation.partnership, role=invitation.role, school=invitation.school
    )
    forget_grants(user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(actor=user, verb="partnership.invitation.accepted", target=invitation)
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return user
