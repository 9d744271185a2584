"""The dashboard's short-lived panel cache: fewer queries, and every change shows at once."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.tests.factories import CommitteeFactory, MeetingFactory
from improvement.models import NewsItem
from partnership import dashboard_cache
from partnership.models import RoleGrant

pytestmark = pytest.mark.usefixtures("dashboard_cache_on")


@pytest.fixture
def dashboard_cache_on(settings):
    settings.DASHBOARD_CACHE_SECONDS = 30
    # A fresh version: nothing cached by an earlier test (ids repeat between tests) is read.
    # Not cache.clear(): under CI the cache shares its Redis database with Celery.
    dashboard_cache._bump(dashboard_cache.GLOBAL_KEY)


def dashboard(client, world):
    response = client.get(reverse("partnership_dashboard", args=[world.partnership.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_reads_the_panels_from_the_cache(client, world):
    client.force_login(world.user("coordinator"))
    first = dashboard(client, world)
    with CaptureQueriesContext(connection) as captured:
        second = dashboard(client, world)
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # masked afresh per response
    assert token.sub("", second) == token.sub("", first)
    # Session, user, grants: no panel and no term query.
    assert len(captured) <= 3


def test_news_published_in_the_partnership_shows_on_the_next_visit(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.user("coordinator"))
    assert "Summer fair" not in dashboard(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        NewsItem.objects.create(
            partnership=world.partnership, title="Summer fair", body="Come along.", published_at=timezone.now()
        )
    assert "Summer fair" in dashboard(client, world)


def test_a_change_to_a_row_without_a_partnership_shows_on_the_next_visit(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.user("coordinator"))
    committee = CommitteeFactory(partnership=world.partnership, name="Standards committee")
    assert "Standards committee</a>" not in dashboard(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        MeetingFactory(committee=committee, starts_at=timezone.now() + datetime.timedelta(days=3))
    assert "Standards committee</a>" in dashboard(client, world)


def test_each_person_gets_their_own_panels(client, world):
    client.force_login(world.user("coordinator"))
    assert "Schools needing support" in dashboard(client, world)
    client.force_login(world.user("staff"))
    html = dashboard(client, world)
    assert "Schools needing support" not in html
    assert "Member schools" in html


def test_a_revoked_grant_stops_access_even_with_cached_panels(client, world):
    user = world.user("coordinator")
    client.force_login(user)
    dashboard(client, world)
    RoleGrant.objects.filter(user=user, partnership=world.partnership).delete()
    assert client.get(reverse("partnership_dashboard", args=[world.partnership.slug])).status_code == 404


def test_the_dashboard_works_when_the_cache_is_down(client, world, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    client.force_login(world.user("coordinator"))
    monkeypatch.setattr(cache, "get_many", down)
    assert "Member schools" in dashboard(client, world)
