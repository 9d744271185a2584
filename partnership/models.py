import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. People sign in by e-mail; there is no username."""

    username = None
    email = models.EmailField("e-mail address", unique=True)
    # Demo accounts (seed_demo) may skip the two-factor requirement; nobody else can.
    is_demo = models.BooleanField(default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email


class LocalAuthority(models.Model):
    code = models.CharField("LA code", max_length=3, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return f"{self.name} ({self.code})"


class PartnershipQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import visible_partnerships

        return visible_partnerships(user)


class Partnership(models.Model):
    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", "Partnership (informal: MOU, SLA or heads of agreement)"
        COLLABORATION = "collaboration", "Collaboration (joint committee)"
        FEDERATION = "federation", "Federation (one governing body)"
        TRUST = "trust", "Trust"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARTNERSHIP)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="partnerships")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnership_dashboard", args=[self.slug])


class TermQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        """Terms that apply to a partnership: its own dates, or else its LA's."""
        return self.filter(
            Q(partnership=partnership) | Q(partnership__isnull=True, local_authority_id=partnership.local_authority_id)
        )

    def containing(self, day: date):
        return self.filter(start__lte=day, end__gte=day)


class Term(models.Model):
    """Term dates differ by LA (and sometimes by partnership), so they are data."""

    class Season(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    SEASON_ORDER = {Season.AUTUMN: 0, Season.SPRING: 1, Season.SUMMER: 2}

    partnership = models.ForeignKey(Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="terms")
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    season = models.CharField(max_length=10, choices=Season.choices)
    academic_year = models.PositiveSmallIntegerField(
        help_text="The year the academic year starts, e.g. 2026 for 2026/27."
    )
    start = models.DateField()
    end = models.DateField()

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="term_ends_after_start"),
            models.CheckConstraint(
                condition=Q(partnership__isnull=False) | Q(local_authority__isnull=False),
                name="term_belongs_to_partnership_or_la",
            ),
        ]

    def __str__(self):
        return f"{self.get_season_display()} term {self.academic_year_label}"

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"

    @classmethod
    def current_for(cls, partnership, day: date | None = None):
        """The term that contains `day`, or else the next one to start, or the last one."""
        day = day or timezone.localdate()
        # One query whatever the day (in term or in a holiday): a partnership has a few
        # terms a year, so they are all read and the choice is made here.
        terms = list(cls.objects.for_partnership(partnership).order_by("start", "pk"))
        containing = [term for term in terms if term.start <= day <= term.end]
        if containing:  # a partnership's own dates win over its LA's
            return min(containing, key=lambda term: term.partnership_id is None)
        upcoming = [term for term in terms if term.start > day]
        return upcoming[0] if upcoming else (terms[-1] if terms else None)


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    LA_OFFICER = "la_officer", "LA officer"
    CLERK = "clerk", "Clerk"
    HEADTEACHER = "headteacher", "Headteacher"
    STAFF = "staff", "Staff member"


class RoleGrant(models.Model):
    """What a person may do in a partnership. A person can hold different roles in
    different partnerships; a headteacher or staff grant names the school."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    # Schools live in the schools app; the core keeps the id only, so it never imports it.
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Set on the LA officer grants a LocalAuthorityGrant implies (partnership/la_grants.py).
    via = models.ForeignKey(
        "LocalAuthorityGrant", null=True, blank=True, on_delete=models.CASCADE, related_name="role_grants"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership", "role", "school"], name="unique_role_grant_with_school"
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "role"],
                condition=Q(school__isnull=True),
                name="unique_role_grant_without_school",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "role"])]

    def __str__(self):
        where = f" at {self.school}" if self.school_id else ""
        return f"{self.user} — {self.get_role_display()}{where}, {self.partnership}"


class LocalAuthorityGrant(models.Model):
    """An LA officer for every partnership of a local authority (read-only), including the
    partnerships set up later. The per-partnership LA officer grants it implies are kept in
    step by partnership/la_grants.py, so permissions, lists and notifications treat them like
    any other grant; removing this removes them (a grant the officer also holds directly
    stays)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="local_authority_grants")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="officer_grants")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "local_authority"], name="unique_local_authority_grant")]
        verbose_name = "LA officer for a whole local authority"
        verbose_name_plural = "LA officers for whole local authorities"

    def __str__(self):
        return f"{self.user} — LA officer, every partnership of {self.local_authority}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """Nobody signs themselves up: a coordinator invites a person by e-mail."""

    email = models.EmailField()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Pending"

    def get_accept_url(self):
        return reverse("accept_invitation", args=[self.token])


class AuditEntry(models.Model):
    """One row per change of state, written in the same transaction as the change."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partnership = models.ForeignKey(Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_repr}"


class UnsentTask(models.Model):
    """A Celery message the broker refused (Redis was down), kept until the broker is back:
    `partnership.tasks.send_unsent_tasks` (every minute on beat) sends it and deletes the row.
    Every task takes JSON arguments (ids), so the message is rebuilt exactly."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"


# Models kept in their own modules of the core; importing them here registers them: used form
# tokens (the double-submission guard, beside its decorator) and termly reports.
from .once import SubmissionToken  # noqa: E402, F401
from .reports.models import TermlyReport  # noqa: E402, F401
