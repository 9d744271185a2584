import math
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.models import Partnership
from partnership.permissions import visible_partnership_ids
from schools.models import GoverningBody, Person, School


class CommitteeQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=visible_partnership_ids(user))

    def active(self, day: date | None = None):
        day = day or timezone.localdate()
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=day), dissolved_on__isnull=True)


class Committee(models.Model):
    """A joint committee of the member schools' governing bodies, or one of its sub-groups."""

    class Kind(models.TextChoices):
        STRATEGIC = "strategic", "Overarching strategic committee"
        SINGLE_ISSUE = "single_issue", "Single-issue committee"
        TIME_LIMITED = "time_limited", "Time-limited committee"
        AD_HOC = "ad_hoc", "Ad hoc committee"
        SUB_GROUP = "sub_group", "Sub-group"
        TASK_GROUP = "task_group", "Task group"
        BOARD = "board", "Board"

    class MajorityRule(models.TextChoices):
        SIMPLE = "simple", "Simple majority of votes cast"
        TWO_THIRDS = "two_thirds", "Two thirds of votes cast"
        ABSOLUTE = "absolute", "More than half of all voting members"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STRATEGIC)
    purpose = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sub_committees",
        help_text="For sub-groups, task groups and boards: the committee they report to.",
    )
    schools = models.ManyToManyField(School, related_name="committees", blank=True, verbose_name="member schools")
    established_on = models.DateField(default=timezone.localdate)
    end_on = models.DateField("ends on", null=True, blank=True, help_text="Required for a time-limited committee.")
    dissolved_on = models.DateField(null=True, blank=True)
    # The quorum rule is data: "a third of members, including at least two headteachers".
    quorum_numerator = models.PositiveSmallIntegerField(default=1)
    quorum_denominator = models.PositiveSmallIntegerField(default=3)
    quorum_min_headteachers = models.PositiveSmallIntegerField("headteachers needed for quorum", default=2)
    majority_rule = models.CharField(max_length=20, choices=MajorityRule.choices, default=MajorityRule.SIMPLE)
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="When the governing bodies last reviewed constitution, membership and terms."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommitteeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_committee_name"),
            models.CheckConstraint(
                condition=~Q(kind="time_limited") | Q(end_on__isnull=False), name="time_limited_committee_has_end"
            ),
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0) & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="committee_quorum_is_a_fraction",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:committee_detail", args=[self.pk])

    def clean(self):
        if self.kind == self.Kind.TIME_LIMITED and not self.end_on:
            raise ValidationError({"end_on": "A time-limited committee needs an end date."})
        if self.end_on and self.end_on < self.established_on:
            raise ValidationError({"end_on": "The end date must be after the committee was established."})
        if self.quorum_denominator == 0 or self.quorum_numerator > self.quorum_denominator:
            raise ValidationError({"quorum_numerator": "The quorum must be a fraction of the members, at most all."})

    @property
    def review_due_on(self) -> date:
        """Governing bodies review constitution, membership and terms of reference every year."""
        return (self.last_reviewed_on or self.established_on) + relativedelta(years=1)

    @property
    def is_review_overdue(self) -> bool:
        return not self.has_ended and self.review_due_on < timezone.localdate()

    @property
    def has_ended(self) -> bool:
        """Dissolved, or a time-limited committee past its end date: no longer expected to meet."""
        today = timezone.localdate()
        return (self.dissolved_on is not None and self.dissolved_on <= today) or (
            self.end_on is not None and self.end_on < today
        )

    @property
    def quorum_rule_text(self) -> str:
        heads = self.quorum_min_headteachers
        including = f", including at least {heads} headteacher{'s' if heads != 1 else ''}" if heads else ""
        return f"{self.quorum_numerator}/{self.quorum_denominator} of voting members{including}"

    def quorum_needed(self, voting_members: int) -> int:
        return max(1, math.ceil(voting_members * self.quorum_numerator / self.quorum_denominator))


class TermsOfReference(models.Model):
    """A dated version of the committee's terms of reference and delegated powers."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="terms_of_reference")
    version = models.PositiveSmallIntegerField()
    effective_from = models.DateField()
    text = models.TextField("terms of reference")
    delegated_powers = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "-version"]
        constraints = [models.UniqueConstraint(fields=["committee", "version"], name="unique_terms_version")]
        verbose_name_plural = "terms of reference"

    def __str__(self):
        return f"{self.committee}: terms of reference v{self.version}"


class EstablishingResolution(models.Model):
    """The resolution, put to each member school's governing body, that set the committee up."""

    committee = models.OneToOneField(Committee, on_delete=models.CASCADE, related_name="resolution")
    text = models.TextField()
    proposed_on = models.DateField()

    def __str__(self):
        return f"Resolution establishing {self.committee}"


class ResolutionVote(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Not yet voted"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"

    resolution = models.ForeignKey(EstablishingResolution, on_delete=models.CASCADE, related_name="votes")
    governing_body = models.ForeignKey(GoverningBody, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    voted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["governing_body__name"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "governing_body"], name="one_vote_per_governing_body"),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(voted_on__isnull=False), name="resolution_vote_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.governing_body}: {self.get_outcome_display()}"


class MembershipQuerySet(models.QuerySet):
    def current(self, day: date | None = None):
        day = day or timezone.localdate()
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=day), start_on__lte=day)

    def voting(self):
        return self.exclude(role=CommitteeMembership.Role.CLERK)


class CommitteeMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        ASSOCIATE = "associate", "Associate member"
        CLERK = "clerk", "Clerk"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="committee_memberships")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="school represented"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    is_headteacher = models.BooleanField(default=False, help_text="Counts towards the headteachers in the quorum.")
    start_on = models.DateField(default=timezone.localdate)
    end_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "person__last_name", "person__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="membership_ends_after_start",
            ),
            # Associates are appointed for a fixed term; the chair is appointed annually.
            models.CheckConstraint(
                condition=~Q(role__in=["associate", "chair"]) | Q(end_on__isnull=False),
                name="associate_and_chair_have_end_date",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}, {self.committee})"

    @property
    def is_associate(self) -> bool:
        return self.role == self.Role.ASSOCIATE

    @property
    def can_vote(self) -> bool:
        return self.role != self.Role.CLERK

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "The end date must be after the start date."})
        if self.role == self.Role.ASSOCIATE:
            if not self.end_on:
                raise ValidationError(
                    {"end_on": "Associate members are appointed for one to four years: give an end date."}
                )
            if not (
                self.start_on + relativedelta(years=1) <= self.end_on + relativedelta(days=1)
                and self.end_on <= self.start_on + relativedelta(years=4)
            ):
                raise ValidationError({"end_on": "Associate members are appointed for between one and four years."})
        if self.role == self.Role.CHAIR and (not self.end_on or self.end_on > self.start_on + relativedelta(years=1)):
            raise ValidationError({"end_on": "The chair is appointed annually: the appointment ends within a year."})


class InterestEntryQuerySet(models.QuerySet):
    def current(self, day: date | None = None):
        day = day or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), declared_on__lte=day)


class InterestEntry(models.Model):
    """A line in the standing register of interests that each member keeps up to date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registered_interests")
    description = models.CharField(max_length=300)
    organisation = models.CharField(max_length=200, blank=True)
    declared_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    objects = InterestEntryQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-declared_on"]
        verbose_name_plural = "register of interests"

    def __str__(self):
        where = f" ({self.organisation})" if self.organisation else ""
        return f"{self.description}{where}"
