import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from partnership.models import Partnership, Role
from schools.models import GoverningBody

from .meetings import Meeting, Minutes


class Document(models.Model):
    """A PDF made by a Celery job: the agenda pack or the signed minutes, each in a full
    version for the committee (confidential items included) and a public version (confidential
    items left out). Stored privately with its checksum; served only through a
    permission-checked view."""

    class Kind(models.TextChoices):
        AGENDA_PACK = "agenda_pack", "Agenda pack for members"
        AGENDA_PUBLIC = "agenda_public", "Public agenda"
        MINUTES_FULL = "minutes_full", "Minutes for members"
        MINUTES_PUBLIC = "minutes_public", "Public minutes"

    PUBLIC_KINDS = (Kind.AGENDA_PUBLIC, Kind.MINUTES_PUBLIC)

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
    # An agenda pack's public version, made by the same job as the pack.
    public_copy = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="full_copy"
    )

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
        return self.kind in self.PUBLIC_KINDS

    @property
    def download_name(self) -> str:
        return f"{self.kind.replace('_', '-')}-{self.meeting.starts_at:%Y-%m-%d}.pdf"


class MinutesDistribution(models.Model):
    """Signed minutes sent to one member school's governing body (the public version) or to
    one committee member (the full version at a verified account e-mail, otherwise the public
    one): which version, the SHA-256 of the PDF sent, where and when."""

    class Version(models.TextChoices):
        FULL = "full", "Full (confidential items included)"
        PUBLIC = "public", "Public (confidential items left out)"

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="distributions")
    governing_body = models.ForeignKey(GoverningBody, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        "governance.CommitteeMembership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.CharField(max_length=6, choices=Version.choices)
    sha256 = models.CharField("SHA-256 of the PDF sent", max_length=64)
    reason = models.CharField(max_length=200, blank=True)
    sent_to = models.EmailField(blank=True)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    ratified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["governing_body__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "governing_body"],
                condition=Q(governing_body__isnull=False),
                name="one_distribution_per_body",
            ),
            # A member sent the public version who later verifies their account can still get the full one.
            models.UniqueConstraint(
                fields=["minutes", "membership", "version"],
                condition=Q(membership__isnull=False),
                name="one_distribution_per_member_and_version",
            ),
            models.CheckConstraint(
                condition=Q(governing_body__isnull=True) ^ Q(membership__isnull=True),
                name="distribution_to_a_body_or_a_member",
            ),
        ]

    def __str__(self):
        return f"{self.minutes} to {self.governing_body or self.membership} ({self.version})"

    @property
    def is_full(self) -> bool:
        return self.version == self.Version.FULL


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
