from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from partnership.models import Partnership
from partnership.permissions import visible_partnership_ids


class SchoolQuerySet(models.QuerySet):
    def in_partnership(self, partnership, day=None):
        """Schools that are members of the partnership on `day` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(
            Q(partnership_memberships__left_on__isnull=True) | Q(partnership_memberships__left_on__gt=day),
            partnership_memberships__partnership=partnership,
            partnership_memberships__joined_on__lte=day,
        )

    def for_user(self, user):
        """Schools that belong, or belonged, to a partnership the user can see."""
        return self.filter(
            pk__in=PartnershipMembership.objects.filter(partnership_id__in=visible_partnership_ids(user)).values(
                "school_id"
            )
        )


class GoverningBody(models.Model):
    """The governing body of one school or, in a federation, of several."""

    name = models.CharField(max_length=200)
    chair = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="chaired_governing_bodies"
    )
    clerk_email = models.EmailField(blank=True, help_text="Where papers for the governing body are sent.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class School(models.Model):
    """An establishment, with the fields of the DfE's Get Information About Schools extract
    that a partnership uses."""

    urn = models.PositiveIntegerField("URN", unique=True)
    la_code = models.CharField("LA code", max_length=3, blank=True, db_index=True)
    la_name = models.CharField("local authority", max_length=120, blank=True)
    establishment_number = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=200, db_index=True)
    type_of_establishment = models.CharField(max_length=120, blank=True, db_index=True)
    status = models.CharField(max_length=60, blank=True)
    phase = models.CharField("phase of education", max_length=60, blank=True, db_index=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    religious_character = models.CharField(max_length=120, blank=True, db_index=True)
    number_of_pupils = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    pupils_counted_on = models.DateField("date of the pupil count", null=True, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    website = models.CharField(max_length=200, blank=True)
    head_name = models.CharField("headteacher", max_length=200, blank=True)
    trust_name = models.CharField("trust or federation", max_length=200, blank=True)
    governing_body = models.ForeignKey(
        GoverningBody, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name", "urn"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:school_detail", args=[self.pk])

    @property
    def age_range(self) -> str:
        if self.statutory_low_age is None or self.statutory_high_age is None:
            return ""
        return f"{self.statutory_low_age}–{self.statutory_high_age}"


class PupilCount(models.Model):
    """Pupil numbers per census date: the funding formula needs the count at a given date."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pupil_counts")
    counted_on = models.DateField()
    pupils = models.PositiveIntegerField()
    source = models.CharField(max_length=80, blank=True, help_text="For example the GIAS extract it came from.")

    class Meta:
        ordering = ["school", "-counted_on"]
        constraints = [models.UniqueConstraint(fields=["school", "counted_on"], name="one_pupil_count_per_school_date")]

    def __str__(self):
        return f"{self.school}: {self.pupils} on {self.counted_on}"


class PartnershipMembershipQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day), joined_on__lte=day)


class PartnershipMembership(models.Model):
    """A school's membership of a partnership. A school can be in several."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="school_memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="partnership_memberships")
    joined_on = models.DateField(default=timezone.localdate)
    notice_given_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    objects = PartnershipMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "school", "joined_on"], name="unique_membership_start"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.school} in {self.partnership}"


class PersonQuerySet(models.QuerySet):
    def for_user(self, user):
        ids = visible_partnership_ids(user)
        return self.filter(
            Q(partnership_id__in=ids) | Q(school__partnership_memberships__partnership_id__in=ids)
        ).distinct()


class Person(models.Model):
    """Someone the partnership works with: staff, governors, LA officers, external partners.
    Linked to a user account once they are invited and sign in."""

    class Kind(models.TextChoices):
        STAFF = "staff", "School staff"
        GOVERNOR = "governor", "Governor"
        LA_OFFICER = "la_officer", "LA officer"
        EXTERNAL = "external", "External partner"

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STAFF)
    job_role = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=200, blank=True, help_text="For people outside the member schools.")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    governing_body = models.ForeignKey(
        GoverningBody,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governors",
        help_text="For governors: the governing body they sit on.",
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="people",
        help_text="For people who belong to the partnership rather than to one school.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
