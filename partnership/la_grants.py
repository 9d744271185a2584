"""LA officers for a whole local authority: the per-partnership grants they imply.

A LocalAuthorityGrant gives its officer an LA officer RoleGrant (marked `via`) in every
partnership of the authority; a partnership set up in the authority later, or moved into
it, gets one for each of its officers; one moved out loses them. Deleting the
LocalAuthorityGrant deletes the grants it made (the foreign key cascades). A grant the
officer already held directly is left as it is, and stays when the LA-wide grant goes.
"""

from django.db.models.signals import post_save

from .models import LocalAuthorityGrant, Partnership, Role, RoleGrant


def _grant(la_grant: LocalAuthorityGrant, partnership_id: int) -> None:
    RoleGrant.objects.get_or_create(
        user_id=la_grant.user_id,
        partnership_id=partnership_id,
        role=Role.LA_OFFICER,
        school=None,
        defaults={"via": la_grant},
    )


def la_grant_saved(sender, instance: LocalAuthorityGrant, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    # Changed to another officer or authority (in the admin): what it gave before goes.
    RoleGrant.objects.filter(via=instance).exclude(
        user_id=instance.user_id, partnership__local_authority_id=instance.local_authority_id
    ).delete()
    for partnership_id in Partnership.objects.filter(local_authority_id=instance.local_authority_id).values_list(
        "pk", flat=True
    ):
        _grant(instance, partnership_id)


def partnership_saved(sender, instance: Partnership, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    # Moved to another authority: the old authority's officers lose it.
    RoleGrant.objects.filter(partnership=instance, via__isnull=False).exclude(
        via__local_authority_id=instance.local_authority_id
    ).delete()
    for la_grant in LocalAuthorityGrant.objects.filter(local_authority_id=instance.local_authority_id):
        _grant(la_grant, instance.pk)


def connect() -> None:
    post_save.connect(la_grant_saved, sender=LocalAuthorityGrant, dispatch_uid="la_grant_saved")
    post_save.connect(partnership_saved, sender=Partnership, dispatch_uid="la_grants_partnership_saved")
