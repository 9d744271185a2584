"""People's places: bookings, charges, attendance, feedback, follow-ups, documents, feeds,
and the whole-town INSET choices and placements."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.models import Role
from partnership.permissions import visible_partnership_ids

from .events import Event, Programme, Session, Workshop


def new_token() -> str:
    return secrets.token_urlsafe(32)


class BookingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(event__programme__partnership_id__in=visible_partnership_ids(user))

    def confirmed(self):
        return self.filter(status=Booking.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Booking.Status.WAITLISTED)

    def active(self):
        return self.exclude(status=Booking.Status.CANCELLED)


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "Waiting list"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="cpd_bookings")
    # The school that booked and pays: the person's school when the place was booked.
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="cpd_bookings")
    status = models.CharField(max_length=12, choices=Status.choices)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        # Waiting lists are served in this order: first come, first promoted.
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], condition=~Q(status="cancelled"), name="one_live_booking_per_person"
            )
        ]
        indexes = [models.Index(fields=["event", "status"]), models.Index(fields=["school", "status"])]

    def __str__(self):
        return f"{self.person} on {self.event}"

    @property
    def partnership(self):
        return self.event.programme.partnership


class ChargeQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(booking__event__programme__partnership_id__in=visible_partnership_ids(user))

    def live(self):
        return self.filter(voided_at__isnull=True)


class Charge(models.Model):
    """What a booking school owes for a place, at the event's price when it was booked.
    Kept here, ready for the funding area to collect; a cancellation voids it."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="charge")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="cpd_charges")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = ChargeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"£{self.amount} to {self.school} for {self.booking}"


class Attendance(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField()
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "session"], name="one_mark_per_session")]

    def __str__(self):
        return f"{self.booking.person}: {'present' if self.present else 'absent'}"


class Feedback(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "feedback"
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="rating_one_to_five")]

    def __str__(self):
        return f"{self.rating}/5 for {self.booking.event}"


class ImpactFollowUp(models.Model):
    """Sent half a term after the event to those who attended: what changed in their practice?"""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="follow_up")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    what_changed = models.TextField(blank=True)

    def __str__(self):
        return f"Follow-up for {self.booking}"


class Document(models.Model):
    """A generated PDF (sign-in sheet or certificate), made by a Celery task, kept in private storage."""

    class Kind(models.TextChoices):
        SIGN_IN_SHEET = "sign_in_sheet", "Sign-in sheet"
        CERTIFICATE = "certificate", "Certificate of attendance"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stored_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="sign_in_sheet", session__isnull=False) | Q(kind="certificate", booking__isnull=False),
                name="document_has_its_subject",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def event(self):
        return self.session.event if self.session_id else self.booking.event

    @property
    def download_name(self) -> str:
        if self.kind == self.Kind.CERTIFICATE:
            return f"certificate-{self.booking.event_id}-{self.booking.person_id}.pdf"
        return f"sign-in-sheet-{self.session_id}.pdf"


class CalendarFeedQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A secret URL serving iCalendar to calendar apps, which cannot sign in. Revocable."""

    class Scope(models.TextChoices):
        PERSON = "person", "My bookings"
        SCHOOL = "school", "My school's bookings"
        PROGRAMME = "programme", "The whole programme"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="feeds")
    scope = models.CharField(max_length=12, choices=Scope.choices)
    person = models.ForeignKey("schools.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_feeds")
    # The role the owner held when the link was made: it works only while they hold it.
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_scope_display()} feed of {self.programme}"


class Choice(models.Model):
    """A person's ranked preference for one workshop of a whole-town INSET (1 = first choice)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="choices")
    person = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="cpd_choices")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])

    class Meta:
        ordering = ["person", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "rank"], name="one_workshop_per_rank"),
            models.UniqueConstraint(fields=["event", "person", "workshop"], name="rank_a_workshop_once"),
        ]

    def __str__(self):
        return f"{self.person}: {self.rank}. {self.workshop}"


class AllocationRun(models.Model):
    """One run of the whole-town INSET allocation; its placements are published or replaced.
    The organiser queues a run; a Celery task claims it (QUEUED -> RUNNING) and solves it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="allocation_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ran_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    people = models.PositiveIntegerField(default=0)
    placed = models.PositiveIntegerField(default=0)
    # {"1": 812, "2": 301, ..., "unranked": 40}: how many people got which choice.
    by_rank = models.JSONField(default=dict)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ran_at", "-pk"]

    def __str__(self):
        return f"Allocation for {self.event} at {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def share(self, rank: int) -> float:
        return (self.by_rank.get(str(rank), 0) / self.people) if self.people else 0.0


class Placement(models.Model):
    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="placements")
    person = models.ForeignKey("schools.Person", on_delete=models.CASCADE, related_name="cpd_placements")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="placements")
    rank = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Blank when not one of their choices.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="one_placement_per_person_per_run")]

    def __str__(self):
        return f"{self.person} -> {self.workshop}"
