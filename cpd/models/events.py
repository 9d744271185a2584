"""The programme side of CPD: programmes, events, their sessions and parallel workshops."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from partnership.models import Partnership
from partnership.permissions import visible_partnership_ids

PHASES = [("primary", "Primary"), ("secondary", "Secondary"), ("special", "Special")]
AUDIENCE_ROLES = [
    ("teachers", "Teachers"),
    ("support_staff", "Teaching assistants and support staff"),
    ("senco", "SENCOs"),
    ("leaders", "Middle and senior leaders"),
    ("headteachers", "Headteachers"),
]


def school_phase(school) -> str:
    """The audience phase of a school, from its GIAS phase and type."""
    if "special" in (school.type_of_establishment or "").lower():
        return "special"
    return "secondary" if (school.phase or "").lower().startswith(("secondary", "16", "all")) else "primary"


def join_codes(codes) -> str:
    """Audience codes are kept as ",a,b," so one `contains=",a,"` filter works on every database."""
    return f",{','.join(codes)}," if codes else ""


def split_codes(value: str) -> list[str]:
    return [code for code in (value or "").split(",") if code]


class ProgrammeQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=visible_partnership_ids(user))


class Programme(models.Model):
    """A partnership's CPD programme for one academic year."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="cpd_programmes")
    academic_year = models.PositiveSmallIntegerField(help_text="The year the academic year starts: 2026 for 2026/27.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "-academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "academic_year"], name="one_cpd_programme_per_year")
        ]

    def __str__(self):
        return f"{self.title} ({self.academic_year_label})"

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"


class EventQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(programme__partnership_id__in=visible_partnership_ids(user))

    def in_partnership(self, partnership):
        return self.filter(programme__partnership=partnership)

    def with_counts(self):
        """Confirmed and waitlisted places, counted in the same query as the events."""
        return self.annotate(
            confirmed_count=Count("bookings", filter=Q(bookings__status="confirmed"), distinct=True),
            waitlisted_count=Count("bookings", filter=Q(bookings__status="waitlisted"), distinct=True),
            first_starts_at=models.Min("sessions__starts_at"),
            last_ends_at=models.Max("sessions__ends_at"),
        )

    def upcoming(self):
        return self.filter(sessions__ends_at__gte=timezone.now()).distinct()


class Event(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        NETWORK_WORKSHOP = "network_workshop", "Network workshop"
        DEVELOPMENT_DAY = "development_day", "Development day"
        SHARED_INSET = "shared_inset", "Shared INSET day"
        WHOLE_TOWN_INSET = "whole_town_inset", "Whole-town INSET"
        CONFERENCE = "conference", "Conference"
        SENCO_NETWORK = "senco_network", "SENCO network"
        LEADERSHIP = "leadership", "Leadership programme"

    class Payer(models.TextChoices):
        BOOKING_SCHOOL = "school", "The booking school"
        PARTNERSHIP = "partnership", "The partnership (free to schools)"

    INSET_KINDS = {Kind.SHARED_INSET, Kind.WHOLE_TOWN_INSET}

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COURSE)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    per_school_cap = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Most confirmed places one school may hold. Leave blank for no limit.",
    )
    audience_phases = models.CharField(max_length=60, blank=True, help_text="Blank means every phase.")
    audience_roles = models.CharField(max_length=120, blank=True, help_text="Blank means all staff.")
    cost_per_place = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0.00"))]
    )
    payer = models.CharField(max_length=20, choices=Payer.choices, default=Payer.BOOKING_SCHOOL)
    is_booking_open = models.BooleanField("booking open", default=True)
    staff_may_book = models.BooleanField(
        "staff may book their own place",
        default=True,
        help_text="Untick when headteachers choose who goes; staff then cannot book or cancel their own place.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cpd:event_detail", args=[self.pk])

    @property
    def partnership(self):
        return self.programme.partnership

    @property
    def is_whole_town_inset(self) -> bool:
        return self.kind == self.Kind.WHOLE_TOWN_INSET

    @property
    def phase_codes(self) -> list[str]:
        return split_codes(self.audience_phases)

    @property
    def role_codes(self) -> list[str]:
        return split_codes(self.audience_roles)

    @property
    def audience_label(self) -> str:
        phases = dict(PHASES)
        roles = dict(AUDIENCE_ROLES)
        phase_text = ", ".join(phases[c] for c in self.phase_codes if c in phases) or "All phases"
        role_text = ", ".join(roles[c] for c in self.role_codes if c in roles) or "all staff"
        return f"{phase_text}; {role_text}"

    @property
    def charges_schools(self) -> bool:
        return self.payer == self.Payer.BOOKING_SCHOOL and self.cost_per_place > 0

    def places_left(self, confirmed: int | None = None) -> int:
        taken = self.confirmed_count if confirmed is None else confirmed
        return max(self.capacity - taken, 0)


class SessionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(event__programme__partnership_id__in=visible_partnership_ids(user))


class Session(models.Model):
    """One meeting of an event. Times are aware datetimes, shown in Europe/London."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    host_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_cpd_sessions"
    )
    venue = models.CharField(max_length=200, blank=True, help_text="When the session is not at a member school.")
    room = models.CharField(max_length=100, blank=True)
    facilitator = models.CharField(max_length=200, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.event}: {local:%d %B %Y %H:%M}"

    @property
    def place(self) -> str:
        where = str(self.host_school) if self.host_school_id else self.venue
        return ", ".join(part for part in (self.room, where) if part) or "To be confirmed"


class Workshop(models.Model):
    """One of the parallel workshops of a whole-town INSET day or conference."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    per_school_cap = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    host_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_cpd_workshops"
    )
    room = models.CharField(max_length=100, blank=True)
    facilitator = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class EventCostQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(event__programme__partnership_id__in=visible_partnership_ids(user))

    def live(self):
        return self.filter(removed_at__isnull=True)


class EventCost(models.Model):
    """What the partnership pays to run an event (facilitator, venue, supply cover). Each cost
    is filed in the funding area's spending as `cpd:event-cost:<pk>`; removing it voids that
    entry. Removed costs are kept, so a reference is never reused."""

    class Kind(models.TextChoices):
        FACILITATOR = "facilitator", "Facilitator"
        VENUE = "venue", "Venue and catering"
        SUPPLY_COVER = "supply_cover", "Supply cover"
        MATERIALS = "materials", "Materials"
        OTHER = "other", "Other"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=200)
    supplier = models.CharField(max_length=160, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    spent_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = EventCostQuerySet.as_manager()

    class Meta:
        ordering = ["spent_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"

    @property
    def source_ref(self) -> str:
        return f"cpd:event-cost:{self.pk}"
