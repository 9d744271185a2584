from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.permissions import visible_partnership_ids
from schools.models import Person, School

from .committees import Committee, CommitteeMembership, InterestEntry


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(committee__partnership_id__in=visible_partnership_ids(user))

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).exclude(status=Meeting.Status.CANCELLED)


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class Place(models.TextChoices):
        SCHOOL = "school", "At a member school"
        ONLINE = "online", "Online"
        OTHER = "other", "Elsewhere"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()  # aware; shown in Europe/London
    ends_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=10, choices=Place.choices, default=Place.SCHOOL)
    host_school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    location = models.CharField(
        max_length=300, blank=True, help_text="Room, address or the link for an online meeting."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    agenda_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="school") | Q(host_school__isnull=False), name="school_meeting_has_host"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.committee}, {local:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("governance:meeting_detail", args=[self.pk])

    @property
    def partnership(self):
        return self.committee.partnership

    @property
    def where(self) -> str:
        if self.place == self.Place.SCHOOL and self.host_school_id:
            return f"{self.host_school}{', ' + self.location if self.location else ''}"
        if self.place == self.Place.ONLINE:
            return "Online"
        return self.location or "To be confirmed"

    def clean(self):
        if self.place == self.Place.SCHOOL and not self.host_school_id:
            raise ValidationError({"host_school": "Choose the school that hosts the meeting."})
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The meeting must end after it starts."})


class ItemCategory(models.TextChoices):
    GENERAL = "general", "General business"
    PREVIOUS_MINUTES = "previous_minutes", "Minutes of the previous meeting"
    MATTERS_ARISING = "matters_arising", "Matters arising"
    STRATEGY = "strategy", "Strategy and planning"
    STANDARDS = "standards", "Standards and school improvement"
    CPD = "cpd", "Professional development"
    PARTNERSHIP_FINANCE = "partnership_finance", "Partnership budget"
    # Associate members may not vote on these (collaboration regulations).
    ADMISSIONS = "admissions", "Admissions"
    PUPIL_DISCIPLINE = "pupil_discipline", "Pupil discipline"
    INDIVIDUAL_MATTERS = "individual_matters", "Individual pupil or staff matters"
    SCHOOL_BUDGETS = "school_budgets", "Budgets and financial commitments of individual governing bodies"


RESTRICTED_CATEGORIES = frozenset(
    {
        ItemCategory.ADMISSIONS,
        ItemCategory.PUPIL_DISCIPLINE,
        ItemCategory.INDIVIDUAL_MATTERS,
        ItemCategory.SCHOOL_BUDGETS,
    }
)


class AgendaItemQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_confidential=False)


class AgendaItem(models.Model):
    Category = ItemCategory

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=24, choices=ItemCategory.choices, default=ItemCategory.GENERAL)
    is_confidential = models.BooleanField(
        "confidential", default=False, help_text="Kept out of the public agenda and the public minutes."
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return f"{self.order}. {self.title}"

    @property
    def is_restricted(self) -> bool:
        """Associate members may not vote on this item."""
        return self.category in RESTRICTED_CATEGORIES


class Paper(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    # Stored with partnership.pdf.save_private_file; served only by a permission-checked view.
    file_name = models.CharField(max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey("partnership.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf" or self.original_name.lower().endswith(".pdf")


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(CommitteeMembership, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta:
        ordering = ["meeting", "membership__person__last_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="one_attendance_per_member")]

    def __str__(self):
        return f"{self.membership.person}: {self.get_status_display()}"


class InterestDeclaration(models.Model):
    """A member declares, on an item, an interest from their standing register."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="declarations")
    membership = models.ForeignKey(CommitteeMembership, on_delete=models.CASCADE, related_name="declarations")
    interest = models.ForeignKey(InterestEntry, on_delete=models.PROTECT, related_name="declarations")
    withdrew = models.BooleanField("left the room for this item", default=False)

    class Meta:
        ordering = ["item", "membership__person__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "membership", "interest"], name="one_declaration_per_interest")
        ]

    def __str__(self):
        return f"{self.membership.person}: {self.interest}"


class MinutesQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(meeting__committee__partnership_id__in=visible_partnership_ids(user))


class Minutes(models.Model):
    """One version of a meeting's minutes: draft, approved at the next meeting, signed by
    the chair. Signed minutes are frozen; a correction is a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SIGNED = "signed", "Signed"
        SUPERSEDED = "superseded", "Superseded by a correction"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_versions")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction")
    correction_reason = models.TextField(blank=True)
    approved_at_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_minutes"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MinutesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "-version"]
        verbose_name_plural = "minutes"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="unique_minutes_version"),
            models.CheckConstraint(
                condition=~Q(status="signed") | (Q(signed_at__isnull=False) & Q(signed_by__isnull=False)),
                name="signed_minutes_name_the_signer",
            ),
        ]

    def __str__(self):
        return f"Minutes of {self.meeting} (version {self.version})"

    def get_absolute_url(self):
        return reverse("governance:meeting_minutes", args=[self.meeting_id])

    @property
    def is_frozen(self) -> bool:
        return self.status in {self.Status.SIGNED, self.Status.SUPERSEDED}


class ItemMinute(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="item_minutes")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="minutes_entries")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["item__order"]
        constraints = [models.UniqueConstraint(fields=["minutes", "item"], name="one_minute_per_item_per_version")]

    def save(self, *args, **kwargs):
        # Signed minutes are frozen: corrections go into a new version.
        if self.pk and Minutes.objects.filter(pk=self.minutes_id, status__in=["signed", "superseded"]).exists():
            raise ValidationError("Signed minutes are frozen; make a correction instead.")
        super().save(*args, **kwargs)


class Decision(models.Model):
    """A motion put to the vote on an agenda item, with its outcome by the committee's rule."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    motion = models.TextField()
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    abstentions = models.PositiveSmallIntegerField(default=0)
    is_carried = models.BooleanField(default=False)
    members_present = models.PositiveSmallIntegerField(default=0)
    quorum_needed = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey("partnership.User", null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["item__order", "pk"]

    def __str__(self):
        return f"{self.motion[:60]} ({'carried' if self.is_carried else 'not carried'})"

    @property
    def outcome(self) -> str:
        return "Carried" if self.is_carried else "Not carried"


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstain"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    membership = models.ForeignKey(CommitteeMembership, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    # Copied from the membership and the item on save, so the database itself refuses an
    # associate member's vote on a restricted item (see the check constraint below).
    voter_is_associate = models.BooleanField(default=False, editable=False)
    item_is_restricted = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "membership__person__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "membership"], name="one_vote_per_member"),
            models.CheckConstraint(
                condition=~(Q(voter_is_associate=True) & Q(item_is_restricted=True)),
                name="associate_members_cannot_vote_on_restricted_items",
            ),
        ]

    def __str__(self):
        return f"{self.membership.person}: {self.get_choice_display()}"

    def save(self, *args, **kwargs):
        self.voter_is_associate = self.membership.is_associate
        self.item_is_restricted = self.decision.item.is_restricted
        self.clean()
        super().save(*args, **kwargs)

    def clean(self):
        if self.membership.is_associate and self.decision.item.is_restricted:
            raise ValidationError(
                f"{self.membership.person} is an associate member and may not vote on "
                f"{self.decision.item.get_category_display().lower()}."
            )
        if not self.membership.can_vote:
            raise ValidationError(f"{self.membership.person} is the clerk and does not vote.")


class ActionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(meeting__committee__partnership_id__in=visible_partnership_ids(user))

    def open(self):
        return self.filter(status=Action.Status.OPEN)

    def overdue(self, day=None):
        return self.open().filter(due_on__lt=day or timezone.localdate())


class Action(models.Model):
    """Agreed at a meeting; it comes back as a matter arising at each later meeting until closed."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="governance_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_at_meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()
