from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from partnership.models import Partnership
from partnership.permissions import is_deployment_admin, visible_partnership_ids


class SchoolQuerySet(models.QuerySet):
    def in_partnership(self, partnership, day=None):
        """Schools that are members of the partnership on `day` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(
            Q(partnership_memberships__left_on__isnull=True) | Q(partnership_memberships__left_on__gt=day),
            partnership_memberships__partnership=partnership,
            partnership_memberships__joined_on__lte=day,
        )

    def with_pupils_on(self, day):
        """Annotates `pupils_on_day`: the latest census count on or before `day`."""
        latest = PupilCount.objects.filter(school=OuterRef("pk"), counted_on__lte=day).order_by("-counted_on")
        return self.annotate(pupils_on_day=Subquery(latest.values("pupils")[:1]))

    def unshared_beyond(self, partnership, user=None):
        """Schools that are currently in no partnership other than `partnership` (plus, with
        `user`, the schools the user leads): which governing body governs a shared school
        decides where its papers go, so only its head may change it."""
        from partnership.permissions import school_ids_for

        shared = PartnershipMembership.objects.current().exclude(partnership=partnership).values("school_id")
        led = school_ids_for(user) if user is not None else set()
        return self.filter(~Q(pk__in=shared) | Q(pk__in=led))

    def for_user(self, user):
        """Schools that belong, or belonged, to a partnership the user can see."""
        return self.filter(
            pk__in=PartnershipMembership.objects.filter(partnership_id__in=visible_partnership_ids(user)).values(
                "school_id"
            )
        )


class GoverningBodyQuerySet(models.QuerySet):
    def for_user(self, user):
        """Governing bodies of schools in partnerships the user can see."""
        return self.filter(pk__in=School.objects.for_user(user).values("governing_body_id"))


class GoverningBody(models.Model):
    """The governing body of one school or, in a federation, of several."""

    name = models.CharField(max_length=200)
    chair = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="chaired_governing_bodies"
    )
    clerk_email = models.EmailField(blank=True, help_text="Where papers for the governing body are sent.")

    objects = GoverningBodyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:governing_body_detail", args=[self.pk])


class School(models.Model):
    """An establishment, with the fields of the DfE's Get Information About Schools extract
    that a partnership uses."""

    urn = models.PositiveIntegerField("URN", unique=True)
    la_code = models.CharField("LA code", max_length=3, blank=True, db_index=True)
    la_name = models.CharField("local authority", max_length=120, blank=True)
    establishment_number = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=200)
    type_of_establishment = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=60, blank=True)
    phase = models.CharField("phase of education", max_length=60, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    religious_character = models.CharField(max_length=120, blank=True)
    number_of_pupils = models.PositiveIntegerField(null=True, blank=True)
    pupils_counted_on = models.DateField("date of the pupil count", null=True, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    website = models.CharField(max_length=200, blank=True)
    email = models.EmailField("contact e-mail", blank=True, help_text="Not in GIAS: kept by the school.")
    head_name = models.CharField("headteacher", max_length=200, blank=True)
    trust_name = models.CharField("trust", max_length=200, blank=True)
    federation_name = models.CharField("federation", max_length=200, blank=True)
    governing_body = models.ForeignKey(
        GoverningBody, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name", "urn"]
        # Every sort of the school list ends in the primary key, so each has an index to walk
        # (URN is unique already). Few indexes: each one slows the national import down.
        indexes = [
            models.Index(fields=["name", "id"], name="school_name_id"),
            models.Index(fields=["number_of_pupils", "id"], name="school_pupils_id"),
            models.Index(fields=["phase", "name", "id"], name="school_phase_name_id"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:school_detail", args=[self.pk])

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.street, self.locality, self.town, self.postcode) if part)

    @property
    def size_band(self) -> str:
        return size_band_of(self.number_of_pupils)

    @property
    def age_range(self) -> str:
        if self.statutory_low_age is None or self.statutory_high_age is None:
            return ""
        return f"{self.statutory_low_age}–{self.statutory_high_age}"


SIZE_BANDS = [
    # key, label, lowest, highest (inclusive; None = open)
    ("small", "Up to 100 pupils", 0, 100),
    ("medium", "101 to 250 pupils", 101, 250),
    ("large", "251 to 500 pupils", 251, 500),
    ("very-large", "More than 500 pupils", 501, None),
]


def size_band_of(pupils: int | None) -> str:
    if pupils is None:
        return ""
    for _key, label, low, high in SIZE_BANDS:
        if pupils >= low and (high is None or pupils <= high):
            return label
    return ""


def pupils_on(school, day) -> int | None:
    """The school's pupil count at `day`: the latest census on or before it (None if none)."""
    count = (
        PupilCount.objects.filter(school=school, counted_on__lte=day).order_by("-counted_on").values("pupils").first()
    )
    return count["pupils"] if count else None


class PupilCount(models.Model):
    """Pupil numbers per census date: the funding formula needs the count at a given date."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pupil_counts")
    counted_on = models.DateField()
    pupils = models.PositiveIntegerField()
    source = models.CharField(max_length=80, blank=True, help_text="For example the GIAS extract it came from.")

    class Meta:
        ordering = ["school", "-counted_on"]
        indexes = [models.Index(fields=["school", "-counted_on"], name="pupilcount_school_latest")]
        constraints = [models.UniqueConstraint(fields=["school", "counted_on"], name="one_pupil_count_per_school_date")]

    def __str__(self):
        return f"{self.school}: {self.pupils} on {self.counted_on}"


class PartnershipMembershipQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day), joined_on__lte=day)


class PartnershipMembership(models.Model):
    """A school's membership of a partnership. A school can be in several. Leaving sets
    `left_on` (and `notice_given_on`); rows are never deleted, so history stays."""

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
    def in_partnership(self, partnership):
        """People of the partnership itself, of its current member schools and of their
        governing bodies (a federation's governors may belong to no one school).

        The member schools are read first (a partnership has tens): with their ids as lists
        PostgreSQL combines three indexes, where subqueries under OR scan every person."""
        members = School.objects.in_partnership(partnership).values_list("pk", "governing_body_id")
        schools, bodies = set(), set()
        for school_id, body_id in members:
            schools.add(school_id)
            if body_id is not None:
                bodies.add(body_id)
        return self.filter(Q(partnership=partnership) | Q(school_id__in=schools) | Q(governing_body_id__in=bodies))

    def for_user(self, user):
        ids = visible_partnership_ids(user)
        return self.filter(
            Q(partnership_id__in=ids)
            | Q(school__partnership_memberships__partnership_id__in=ids)
            | Q(governing_body__schools__partnership_memberships__partnership_id__in=ids)
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who added the record: they may change its contact details while no one else relies on it.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self):
        return reverse("schools:person_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Specialism(models.Model):
    """One entry of the expertise vocabulary: a specialism (SEN, early reading), a
    designation (NLE, SLE) or a provision (resource base, nurture group). Kept as data so
    a partnership can add its own words."""

    class Kind(models.TextChoices):
        SPECIALISM = "specialism", "Specialism"
        DESIGNATION = "designation", "Designation"
        PROVISION = "provision", "Provision"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SPECIALISM, db_index=True)
    abbreviation = models.CharField(max_length=12, blank=True, help_text="For example NLE.")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


class ExpertiseQuerySet(models.QuerySet):
    def in_partnership(self, partnership, day=None):
        """Expertise of the partnership's current schools and of people at them or in it."""
        schools = School.objects.in_partnership(partnership, day).values("pk")
        return self.filter(Q(school__in=schools) | Q(person__school__in=schools) | Q(person__partnership=partnership))

    def providers_of(self, partnership, specialism):
        """Who in the partnership offers `specialism` (a Specialism or its id)."""
        return self.in_partnership(partnership).filter(specialism=specialism)

    def for_user(self, user):
        ids = visible_partnership_ids(user)
        members = PartnershipMembership.objects.filter(partnership_id__in=ids).values("school_id")
        return self.filter(Q(school__in=members) | Q(person__school__in=members) | Q(person__partnership_id__in=ids))


class Expertise(models.Model):
    """A school or a person offering a specialism, designation or provision to others."""

    specialism = models.ForeignKey(Specialism, on_delete=models.PROTECT, related_name="offers")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="expertise")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="expertise")
    details = models.CharField(max_length=300, blank=True, help_text="What is on offer, and for whom.")
    added_on = models.DateField(default=timezone.localdate)

    objects = ExpertiseQuerySet.as_manager()

    class Meta:
        ordering = ["specialism__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, person__isnull=True) | Q(school__isnull=True, person__isnull=False),
                name="expertise_of_a_school_or_a_person",
            ),
            models.UniqueConstraint(fields=["specialism", "school"], name="one_expertise_per_school_specialism"),
            models.UniqueConstraint(fields=["specialism", "person"], name="one_expertise_per_person_specialism"),
        ]

    def __str__(self):
        return f"{self.specialism}: {self.school or self.person}"

    @property
    def provider(self):
        return self.school or self.person


class ImportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A deployment administrator sees every import; anyone else only the ones they ran."""
        if is_deployment_admin(user):
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(uploaded_by=user)


class ImportJob(models.Model):
    """A GIAS extract uploaded by a deployment administrator or an LA-wide officer and
    imported by a Celery task. GIAS is national data: it belongs to no partnership."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gias_imports",
        help_text="Set only on imports from before GIAS became a deployment-wide action.",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=300, help_text="The file in private storage.")
    size = models.PositiveBigIntegerField(default=0)
    la_codes = models.CharField(max_length=200, blank=True, help_text="Only rows of these LA codes, if any.")
    skip_bad_rows = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    writes_every_la = models.BooleanField(
        default=False, help_text="Run by a deployment administrator: rows of every local authority are written."
    )
    la_scope = models.CharField(
        "local authorities it may write",
        max_length=200,
        blank=True,
        help_text="LA codes whose schools an LA-wide officer's import writes; other rows are left alone.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    pupil_counts = models.PositiveIntegerField(default=0)
    left_alone = models.PositiveIntegerField(default=0, help_text="Rows for other local authorities, not written.")
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors: [row, field, message].")
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.original_name}"

    def get_absolute_url(self):
        return reverse("schools:import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class AgreedPupilCountQuerySet(models.QuerySet):
    def for_user(self, user):
        """The figures of the partnerships the user belongs to: never another partnership's."""
        return self.filter(partnership_id__in=visible_partnership_ids(user))

    def latest_on(self, partnership, day) -> dict[int, "AgreedPupilCount"]:
        """The partnership's agreed figure in force on `day` for each school that has one,
        by school id: the latest agreed on or before `day`."""
        latest = {}
        for agreed in self.filter(partnership=partnership, applies_from__lte=day).order_by(
            "school_id", "-applies_from", "-pk"
        ):
            latest.setdefault(agreed.school_id, agreed)
        return latest


class AgreedPupilCount(models.Model):
    """A pupil count a partnership agreed for its own formula (say, leaving out a unit that
    closed after the census). It belongs to that partnership alone: the national census
    figures (PupilCount, School.number_of_pupils) and other partnerships' figures stay as
    they are. It applies from its date until a later one or until it is removed."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agreed_pupil_counts")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agreed_pupil_counts")
    pupils = models.PositiveIntegerField()
    applies_from = models.DateField(help_text="The census date (or any date) from which the partnership uses it.")
    note = models.CharField(max_length=200, blank=True, help_text="Why, and where it was agreed.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = AgreedPupilCountQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "school__name", "-applies_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "school", "applies_from"], name="one_agreed_pupil_count_per_date"
            )
        ]

    def __str__(self):
        return f"{self.school}: {self.pupils} agreed by {self.partnership} from {self.applies_from}"
class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequest.Status.PENDING)

    def for_decider(self, user):
        """Requests the user decides: for the schools they lead and, where a school has no
        head with an account, for the schools of their local authority (LA-wide officers) or
        for every school (deployment administrators)."""
        from partnership.models import LocalAuthority, Role, RoleGrant
        from partnership.permissions import is_deployment_admin, school_ids_for

        led = Q(school_id__in=school_ids_for(user))
        if is_deployment_admin(user):
            fallback = Q()
        else:  # one query in all: the officer's authorities are a subquery
            codes = LocalAuthority.objects.filter(officer_grants__user=user.pk).values("code")
            fallback = Q(school__la_code__in=codes)
        heads = RoleGrant.objects.filter(school=OuterRef("school"), role=Role.HEADTEACHER, user__is_active=True)
        return self.filter(led | (fallback & ~models.Exists(heads)))

    def visible_to(self, user):
        """Requests of the partnerships the user is in, and those the user decides."""
        return self.filter(Q(partnership_id__in=visible_partnership_ids(user)) | Q(pk__in=self.for_decider(user)))


class JoinRequest(models.Model):
    """A partnership's proposal that a school join it. The school decides: the membership
    is created only when the school accepts, so a partnership never reaches a school's
    records without its consent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the school"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="join_requests")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="join_requests")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    membership = models.OneToOneField(
        PartnershipMembership, null=True, blank=True, on_delete=models.SET_NULL, related_name="join_request"
    )

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # Two coordinators proposing the same school at once: the database keeps one.
            models.UniqueConstraint(
                fields=["partnership", "school"], condition=Q(status="pending"), name="one_pending_join_request"
            ),
        ]

    def __str__(self):
        return f"{self.school} to join {self.partnership}"

    def get_absolute_url(self):
        return reverse("schools:join_request_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
