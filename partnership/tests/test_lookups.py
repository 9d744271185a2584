import pytest

from partnership.models import Partnership


@pytest.mark.django_db
def test_an_id_too_big_for_the_column_matches_nothing_in_an_in_lookup_instead_of_crashing(world):
    huge = 99999999999999999999

    assert list(Partnership.objects.filter(pk__in=[huge])) == []
    assert list(Partnership.objects.filter(pk__in=[huge, world.partnership.pk])) == [world.partnership]
    assert list(Partnership.objects.filter(pk__in=[-huge])) == []
