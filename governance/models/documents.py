import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from partnership.models import Partnership, Role
from schools.models import GoverningBody

from .meetings import Meeting, Minutes


class Document(models.Model):
    """A PDF made by a Celery job: the agenda pack, or the full or public signed minutes.
    Stored privately with its checksum; served only through a permission-checked view."""

    class Kind(models.TextChoices):
        AGENDA_PACK = "agenda_pack", "Agenda pack"
        MINUTES_FULL = "minutes_full", "Minutes for members"
        MINUTES_PUBLIC = "minutes_public", "Public minutes"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    minutes = models.ForeignKey(Minutes, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "kind"], condition=Q(minutes__isnull=False), name="one_document_per_minutes_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.meeting}"

    def get_absolute_url(self):
        return reverse("governance:document_download", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.kind == self.Kind.MINUTES_PUBLIC

    @property
    def download_name(self) -> str:
        return f"{self.kind.replace('_', '-')}-{self.meeting.starts_at:%Y-%m-%d}.pdf"


class MinutesDistribution(models.Model):
    """Signed minutes reported to one member school's governing body."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="distributions")
    governing_body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="+")
    sent_to = models.EmailField(blank=True)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    ratified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["governing_body__name"]
        constraints = [models.UniqueConstraint(fields=["minutes", "governing_body"], name="one_distribution_per_body")]

    def __str__(self):
        return f"{self.minutes} to {self.governing_body}"


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret, revocable address for an iCalendar feed: the partnership's meetings, or
    only the meetings of the owner's own committees."""

    class Scope(models.TextChoices):
        PARTNERSHIP = "partnership", "All the partnership's committee meetings"
        MINE = "mine", "Meetings of my committees"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.MINE)
    # The role the owner held when the link was made: it works only while they hold it.
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_scope_display()} ({self.owner})"

    def get_absolute_url(self):
        return reverse("governance:calendar_feed", args=[self.token])
