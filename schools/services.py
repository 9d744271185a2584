"""Writes to schools, memberships, people and expertise: one transaction and one audit
row each."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from partnership.audit import record
from partnership.jobs import enqueue_on_commit
from partnership.pdf import unique_name

from .listing import registry_changed
from .models import (
    AgreedPupilCount,
    Expertise,
    GoverningBody,
    ImportJob,
    JoinRequest,
    PartnershipMembership,
    Person,
    School,
)


@transaction.atomic
def add_school_to_partnership(*, partnership, school: School, joined_on: date, actor) -> PartnershipMembership:
    """Creates the membership. Only for a school that has consented: `accept_join_request`
    in the portal; seeders and tests for schools that already belong."""
    # Lock the school so two coordinators adding it at once cannot create two memberships.
    School.objects.select_for_update().get(pk=school.pk)
    open_membership = PartnershipMembership.objects.filter(
        partnership=partnership, school=school, left_on__isnull=True
    ).first()
    if open_membership is not None:
        raise ValidationError(f"{school.name} is already a member (since {open_membership.joined_on:%d %B %Y}).")
    last = PartnershipMembership.objects.filter(partnership=partnership, school=school).order_by("-left_on").first()
    if last is not None and last.left_on > joined_on:
        raise ValidationError(f"{school.name} left on {last.left_on:%d %B %Y}; it can only rejoin after that.")
    membership = PartnershipMembership.objects.create(partnership=partnership, school=school, joined_on=joined_on)
    transaction.on_commit(registry_changed)
    record(
        actor=actor,
        verb="schools.membership.joined",
        target=membership,
        partnership=partnership,
        data={"school": school.urn, "joined_on": joined_on.isoformat()},
    )
    return membership


def _refuse_if_member(partnership, school: School) -> None:
    today = timezone.localdate()
    current = PartnershipMembership.objects.filter(partnership=partnership, school=school).current(today).first()
    if current is not None:
        raise ValidationError(f"{school.name} is already a member (since {current.joined_on:%d %B %Y}).")


@transaction.atomic
def propose_school(*, partnership, school: School, actor) -> JoinRequest:
    """A coordinator proposes that a school join: nothing of the school's is shared until it accepts."""
    # Lock the school so two proposals at once cannot both pass the checks.
    School.objects.select_for_update().get(pk=school.pk)
    _refuse_if_member(partnership, school)
    pending = JoinRequest.objects.pending().filter(partnership=partnership, school=school).first()
    if pending is not None:
        raise ValidationError(
            f"{school.name} was already proposed on {timezone.localtime(pending.proposed_at):%d %B %Y}; "
            "the school has not decided yet."
        )
    join_request = JoinRequest.objects.create(partnership=partnership, school=school, proposed_by=actor)
    record(
        actor=actor,
        verb="schools.join_request.proposed",
        target=join_request,
        partnership=partnership,
        data={"school": school.urn},
    )
    return join_request


def _pending_for_update(join_request_id: int) -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_for_update().select_related("school", "partnership").get(pk=join_request_id)
    )
    if not join_request.is_pending:
        raise ValidationError(f"This request is no longer open: it was {join_request.get_status_display().lower()}.")
    return join_request


def _decide(join_request: JoinRequest, *, status: str, actor, reason: str, verb: str) -> JoinRequest:
    join_request.status = status
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.reason = reason.strip()[:500]
    join_request.save(update_fields=["status", "decided_by", "decided_at", "reason", "membership"])
    record(
        actor=actor,
        verb=verb,
        target=join_request,
        partnership=join_request.partnership,
        data={"school": join_request.school.urn, "reason": join_request.reason},
    )
    return join_request


@transaction.atomic
def accept_join_request(*, join_request_id: int, actor, reason: str = "") -> JoinRequest:
    """The school accepts: it joins the partnership today."""
    join_request = _pending_for_update(join_request_id)
    join_request.membership = add_school_to_partnership(
        partnership=join_request.partnership, school=join_request.school, joined_on=timezone.localdate(), actor=actor
    )
    return _decide(
        join_request,
        status=JoinRequest.Status.ACCEPTED,
        actor=actor,
        reason=reason,
        verb="schools.join_request.accepted",
    )


@transaction.atomic
def decline_join_request(*, join_request_id: int, actor, reason: str = "") -> JoinRequest:
    join_request = _pending_for_update(join_request_id)
    return _decide(
        join_request,
        status=JoinRequest.Status.DECLINED,
        actor=actor,
        reason=reason,
        verb="schools.join_request.declined",
    )


@transaction.atomic
def withdraw_join_request(*, join_request_id: int, actor) -> JoinRequest:
    join_request = _pending_for_update(join_request_id)
    return _decide(
        join_request, status=JoinRequest.Status.WITHDRAWN, actor=actor, reason="", verb="schools.join_request.withdrawn"
    )


@transaction.atomic
def record_leaving(*, membership_id: int, notice_given_on: date | None, left_on: date, actor) -> PartnershipMembership:
    """A school leaves: the membership keeps its history and gains an end date."""
    membership = PartnershipMembership.objects.select_for_update().select_related("school").get(pk=membership_id)
    if membership.left_on is not None:
        raise ValidationError(f"{membership.school.name} already left on {membership.left_on:%d %B %Y}.")
    if left_on < membership.joined_on:
        raise ValidationError(f"The leaving date is before the school joined ({membership.joined_on:%d %B %Y}).")
    if notice_given_on is not None and notice_given_on > left_on:
        raise ValidationError("Notice is given on or before the leaving date.")
    membership.left_on = left_on
    membership.notice_given_on = notice_given_on
    membership.save(update_fields=["left_on", "notice_given_on"])
    transaction.on_commit(registry_changed)
    record(
        actor=actor,
        verb="schools.membership.left",
        target=membership,
        partnership=membership.partnership,
        data={"left_on": left_on.isoformat(), "notice_given_on": notice_given_on and notice_given_on.isoformat()},
    )
    return membership


@transaction.atomic
def save_school_contacts(*, form, actor, partnership=None) -> School:
    school = form.save()
    record(
        actor=actor,
        verb="schools.school.contacts_changed",
        target=school,
        partnership=partnership,
        data={"fields": sorted(form.changed_data)},
    )
    return school


def _contact_changed(*, actor, verb: str, target, partnership, old: str, new: str) -> None:
    """Audits a change to an address that receives confidential material and tells the
    previous address, once the change is committed."""
    from .tasks import send_contact_changed_notice

    entry = record(actor=actor, verb=verb, target=target, partnership=partnership, data={"old": old, "new": new})
    if old:
        enqueue_on_commit(send_contact_changed_notice, entry.pk)


@transaction.atomic
def save_person(*, form, actor, partnership=None) -> Person:
    """Saves the person; a changed e-mail is audited and the previous address told."""
    is_new = form.instance.pk is None
    old_email = "" if is_new else form.initial.get("email", "")
    if is_new:
        form.instance.created_by = actor if getattr(actor, "is_authenticated", False) else None
    person = form.save()
    record(actor=actor, verb="schools.person.saved", target=person, partnership=partnership, data={})
    if not is_new and person.email != old_email:
        _contact_changed(
            actor=actor,
            verb="schools.person.email_changed",
            target=person,
            partnership=partnership,
            old=old_email,
            new=person.email,
        )
    return person


@transaction.atomic
def add_expertise(*, specialism, details: str, actor, school=None, person=None, partnership=None) -> Expertise:
    if (school is None) == (person is None):
        raise ValueError("Expertise belongs to a school or to a person.")
    expertise, created = Expertise.objects.get_or_create(
        specialism=specialism, school=school, person=person, defaults={"details": details}
    )
    if not created:
        expertise.details = details
        expertise.save(update_fields=["details"])
    record(
        actor=actor,
        verb="schools.expertise.added",
        target=expertise,
        partnership=partnership,
        data={"specialism": specialism.name},
    )
    return expertise


@transaction.atomic
def remove_expertise(*, expertise: Expertise, actor, partnership=None) -> None:
    record(
        actor=actor,
        verb="schools.expertise.removed",
        target=expertise,
        partnership=partnership,
        data={"specialism": expertise.specialism.name, "of": str(expertise.provider)},
    )
    expertise.delete()


@transaction.atomic
def start_gias_import(*, upload, la_codes: str, skip_bad_rows: bool, dry_run: bool, actor) -> ImportJob:
    """Keeps the upload in private storage and queues the import. GIAS is national data:
    only a deployment administrator (every row) or an LA-wide officer (their authority's
    schools) may import it."""
    from .permissions import gias_import_scope
    from .tasks import run_gias_import

    scope = gias_import_scope(actor)
    if scope is not None and not scope:
        raise PermissionDenied("Only a deployment administrator or an LA-wide officer may import GIAS.")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    stored_name = storages["private"].save(unique_name(f"gias/{stamp}-{actor.pk}.csv"), upload)
    job = ImportJob.objects.create(
        uploaded_by=actor,
        original_name=upload.name[:200],
        stored_name=stored_name,
        size=upload.size,
        la_codes=la_codes,
        skip_bad_rows=skip_bad_rows,
        dry_run=dry_run,
        writes_every_la=scope is None,
        la_scope=" ".join(sorted(scope or ())),
    )
    record(
        actor=actor,
        verb="schools.gias.uploaded",
        target=job,
        data={"file": job.original_name, "size": job.size, "la_scope": job.la_scope or "every local authority"},
    )
    enqueue_on_commit(run_gias_import, job.pk)
    return job


@transaction.atomic
def save_governing_body(*, form, actor, partnership) -> "GoverningBody":
    """Saves the body and which schools it governs: ticking several makes a federation."""
    old_clerk_email = form.initial.get("clerk_email", "")
    body = form.save()
    if body.clerk_email != old_clerk_email:
        _contact_changed(
            actor=actor,
            verb="schools.governing_body.clerk_email_changed",
            target=body,
            partnership=partnership,
            old=old_clerk_email,
            new=body.clerk_email,
        )
    chosen = {school.pk for school in form.cleaned_data["schools"]}
    offered = form.fields["schools"].queryset
    School.objects.filter(pk__in=chosen).update(governing_body=body)
    # Only schools the coordinator could choose from are let go of; others are not theirs.
    School.objects.filter(governing_body=body, pk__in=offered.values("pk")).exclude(pk__in=chosen).update(
        governing_body=None
    )
    record(
        actor=actor,
        verb="schools.governing_body.saved",
        target=body,
        partnership=partnership,
        data={"schools": sorted(chosen), "chair": body.chair_id},
    )
    return body


@transaction.atomic
def change_clerk_email(*, body_id: int, clerk_email: str, actor) -> GoverningBody:
    body = GoverningBody.objects.select_for_update().get(pk=body_id)
    old = body.clerk_email
    if clerk_email == old:
        return body
    body.clerk_email = clerk_email
    body.save(update_fields=["clerk_email"])
    _contact_changed(
        actor=actor,
        verb="schools.governing_body.clerk_email_changed",
        target=body,
        partnership=None,
        old=old,
        new=clerk_email,
    )
    return body


# Job titles for people created from an invitation, by the role they were invited to.
INVITED_JOB_ROLES = {
    "coordinator": "Partnership coordinator",
    "la_officer": "LA officer",
    "clerk": "Clerk",
    "headteacher": "Headteacher",
    "staff": "",
}


def link_person_on_invitation(*, invitation, user) -> Person | None:
    """Connects the account that accepted `invitation` to its person record: the unlinked
    person with the same e-mail at the invited school (or, for a partnership-wide role, of
    the partnership) when there is one, otherwise a new person. A user already linked keeps
    their person. Runs inside accept_invitation's transaction (the core's
    `invitation_accepted` signal)."""
    existing = Person.objects.filter(user=user).first()
    if existing is not None:
        return existing
    email = invitation.email.strip()
    candidates = Person.objects.select_for_update().filter(email__iexact=email, user__isnull=True)
    if invitation.school_id:
        person = candidates.filter(school_id=invitation.school_id).order_by("pk").first()
    else:
        person = (
            candidates.filter(partnership=invitation.partnership).order_by("pk").first()
            or candidates.in_partnership(invitation.partnership).order_by("pk").first()
        )
    created = person is None
    if created:
        person = Person.objects.create(
            first_name=user.first_name or invitation.first_name or email.split("@")[0],
            last_name=user.last_name or invitation.last_name,
            email=email,
            kind=Person.Kind.LA_OFFICER if invitation.role == "la_officer" else Person.Kind.STAFF,
            job_role=INVITED_JOB_ROLES.get(invitation.role, ""),
            school_id=invitation.school_id,
            partnership=None if invitation.school_id else invitation.partnership,
            user=user,
        )
    else:
        person.user = user
        person.save(update_fields=["user"])
    record(
        actor=user,
        verb="schools.person.created_for_user" if created else "schools.person.linked_to_user",
        target=person,
        partnership=invitation.partnership,
        data={"invitation": invitation.pk},
    )
    return person


def on_invitation_accepted(sender, *, invitation, user, **kwargs) -> None:
    link_person_on_invitation(invitation=invitation, user=user)


@transaction.atomic
def record_agreed_pupil_count(
    *, partnership, school: School, pupils: int, applies_from: date, note: str, actor
) -> AgreedPupilCount:
    """The partnership's own pupil figure for a member school, from a date: its formula uses
    it instead of the census. The national record and other partnerships' figures stay."""
    if not 1990 <= applies_from.year <= 2100:
        raise ValidationError("Enter a date between 1990 and 2100.")
    # Lock the school's memberships of this partnership so two coordinators saving at once
    # cannot both create the same date's figure.
    memberships = PartnershipMembership.objects.select_for_update().filter(partnership=partnership, school=school)
    if not list(memberships.values_list("pk", flat=True)):
        raise ValidationError(f"{school.name} is not a member school of {partnership}.")
    agreed, created = AgreedPupilCount.objects.update_or_create(
        partnership=partnership,
        school=school,
        applies_from=applies_from,
        defaults={"pupils": pupils, "note": note.strip(), "recorded_by": actor},
    )
    record(
        actor=actor,
        verb="schools.agreed_pupil_count.recorded" if created else "schools.agreed_pupil_count.changed",
        target=agreed,
        partnership=partnership,
        data={"school": school.urn, "pupils": pupils, "applies_from": applies_from.isoformat()},
    )
    return agreed


@transaction.atomic
def remove_agreed_pupil_count(*, agreed: AgreedPupilCount, actor) -> None:
    """From then on the formula uses the census figure again (or an earlier agreed one)."""
    record(
        actor=actor,
        verb="schools.agreed_pupil_count.removed",
        target=agreed,
        partnership=agreed.partnership,
        data={"school": agreed.school.urn, "pupils": agreed.pupils, "applies_from": agreed.applies_from.isoformat()},
    )
    agreed.delete()
