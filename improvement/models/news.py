from django.conf import settings
from django.db import models
from django.urls import reverse

from partnership.models import Partnership
from partnership.permissions import visible_partnership_ids


class NewsQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=visible_partnership_ids(user))


class NewsItem(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", "News"
        ANNOUNCEMENT = "announcement", "Announcement"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="news")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("improvement:news_detail", args=[self.pk])


class NewsDigestSubscription(models.Model):
    """Someone who chose the e-mail digest; `sent_up_to` is where the last digest ended."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_digests")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="news_digests")
    sent_up_to = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "partnership"], name="one_digest_per_user_partnership")]
