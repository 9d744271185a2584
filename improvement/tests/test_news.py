from django.core import mail
from django.urls import reverse

from improvement import services
from improvement.models import NewsDigestSubscription
from improvement.tasks import send_news_digests


def test_the_digest_goes_once_to_people_who_chose_it_with_the_news_since_their_last(client, world):
    client.force_login(world.user("head"))
    client.post(reverse("improvement:news_digest", args=[world.partnership.slug]), {"digest": "on"})
    assert NewsDigestSubscription.objects.filter(user=world.user("head")).exists()
    services.post_news(partnership=world.partnership, title="Spring conference", body="Book now", actor=None)
    services.post_news(partnership=world.other_partnership, title="Elsewhere news", body="x", actor=None)
    mail.outbox.clear()
    assert send_news_digests() == 1
    assert mail.outbox[0].to == ["head@example.org"]
    assert "Spring conference" in mail.outbox[0].body and "Elsewhere" not in mail.outbox[0].body
    assert send_news_digests() == 0
    client.post(reverse("improvement:news_digest", args=[world.partnership.slug]), {"digest": "off"})
    assert not NewsDigestSubscription.objects.exists()


def test_news_is_posted_by_the_coordinator_and_shown_to_members(client, world):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("improvement:news_list", args=[world.partnership.slug]),
        {"kind": "announcement", "title": "Whole-town INSET", "body": "On 3 January"},
    )
    assert response.status_code == 302
    client.force_login(world.user("staff"))
    page = client.get(reverse("partnership_dashboard", args=[world.partnership.slug])).content.decode()
    assert "Whole-town INSET" in page


def test_reminders_and_the_digest_are_registered_as_beat_jobs(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["improvement-survey-reminders"]["task"] == "improvement.tasks.send_survey_reminders"
    assert schedule["improvement-news-digest"]["task"] == "improvement.tasks.send_news_digests"
