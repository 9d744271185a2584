"""An LA officer for a whole local authority sees every partnership of it, read-only,
including partnerships set up later, and nothing of other authorities."""

from django.urls import reverse

from partnership.models import LocalAuthorityGrant, Partnership, Role, RoleGrant
from partnership.permissions import forget_grants, has_role, visible_partnership_ids

from .factories import LocalAuthorityFactory, PartnershipFactory, UserFactory


def officer_of(la):
    user = UserFactory(email="county.officer@example.org")
    LocalAuthorityGrant.objects.create(user=user, local_authority=la)
    return user


def test_an_la_wide_officer_sees_every_partnership_of_the_authority_and_no_other(world):
    la = world.partnership.local_authority
    second = PartnershipFactory(local_authority=la, name="Northwich Schools Partnership")
    elsewhere = PartnershipFactory(name="Crewe Partnership")
    officer = officer_of(la)

    of_the_la = set(Partnership.objects.filter(local_authority=la).values_list("pk", flat=True))
    assert {world.partnership.pk, second.pk} <= of_the_la
    assert visible_partnership_ids(officer) == of_the_la
    assert elsewhere.pk not in visible_partnership_ids(officer)
    assert has_role(officer, second, Role.LA_OFFICER) and not has_role(officer, second, Role.COORDINATOR)


def test_a_partnership_set_up_later_in_the_authority_is_seen_at_once(world):
    officer = officer_of(world.partnership.local_authority)
    later = PartnershipFactory(local_authority=world.partnership.local_authority, name="Later Partnership")

    assert later.pk in visible_partnership_ids(officer)
    assert RoleGrant.objects.get(user=officer, partnership=later).via.local_authority == later.local_authority


def test_a_partnership_moved_to_another_authority_leaves_its_officers(world):
    officer = officer_of(world.partnership.local_authority)
    moved = PartnershipFactory(local_authority=world.partnership.local_authority)
    moved.local_authority = LocalAuthorityFactory(code="895", name="Cheshire East")
    moved.save()

    assert moved.pk not in visible_partnership_ids(officer)
    assert world.partnership.pk in visible_partnership_ids(officer)


def test_removing_the_la_wide_grant_removes_what_it_gave_but_not_a_direct_grant(world):
    la = world.partnership.local_authority
    second = PartnershipFactory(local_authority=la)
    officer = UserFactory(email="county.officer@example.org")
    RoleGrant.objects.create(user=officer, partnership=second, role=Role.LA_OFFICER)  # invited directly first
    grant = LocalAuthorityGrant.objects.create(user=officer, local_authority=la)
    assert {world.partnership.pk, second.pk} <= visible_partnership_ids(officer)

    grant.delete()
    forget_grants(officer)

    assert visible_partnership_ids(officer) == {second.pk}


def test_the_la_wide_officer_reads_the_pages_but_cannot_change_anything(world, client):
    officer = officer_of(world.partnership.local_authority)
    from conftest import give_totp

    give_totp(officer)
    client.force_login(officer)
    slug = world.partnership.slug

    assert client.get(reverse("partnership_dashboard", args=[slug])).status_code == 200
    assert client.get(reverse("reports:report_list", args=[slug])).status_code == 200
    assert client.post(reverse("term_list", args=[slug]), {"name": "x"}).status_code == 403


def test_changing_the_grants_authority_moves_what_it_gives(world):
    officer = officer_of(world.partnership.local_authority)
    grant = LocalAuthorityGrant.objects.get(user=officer)
    east = LocalAuthorityFactory(code="895", name="Cheshire East")
    crewe = PartnershipFactory(local_authority=east)
    grant.local_authority = east
    grant.save()

    assert visible_partnership_ids(officer) == {crewe.pk}
