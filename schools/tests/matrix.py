"""Permission matrix rows for every URL of the schools app."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import ATTACKER_ROLES
from partnership.tests.matrix import Case, members_read, only, statuses

FIXED_EXPERTISE_PK = 990001


def _slug(world):
    return [world.partnership.slug]


def _school(world):
    return [world.school.pk]


def _new_membership(world):
    from .factories import MembershipFactory

    return [MembershipFactory(partnership=world.partnership).pk]


def _person(world):
    from .factories import PersonFactory

    return [PersonFactory(school=world.school, first_name="Priya", last_name="Nair").pk]


def _governing_body(world):
    from schools.models import GoverningBody

    # Several cases ask for it: reuse the school's body, or a second one would orphan the first.
    world.school.refresh_from_db(fields=["governing_body"])
    if world.school.governing_body is None:
        world.school.governing_body = GoverningBody.objects.create(name="Governing body of Darnhall")
        world.school.save(update_fields=["governing_body"])
    return [world.school.governing_body.pk]


def _import_job(world):
    """An import run by a deployment administrator: no partnership role may see it."""
    from partnership.tests.factories import UserFactory
    from schools.models import ImportJob

    admin = UserFactory(is_superuser=True)
    job = ImportJob.objects.create(uploaded_by=admin, original_name="edubase.csv", stored_name="x.csv")
    return [job.pk]


def _specialism_id():
    from schools.models import Specialism

    return Specialism.objects.get(abbreviation="SEN").pk


def _expertise(world):
    _recreate_expertise(world)
    return [FIXED_EXPERTISE_PK]


def _recreate_expertise(world):
    """Each role gets to try removing the same offer, so it is put back before each try."""
    from schools.models import Expertise

    Expertise.objects.get_or_create(
        pk=FIXED_EXPERTISE_PK, defaults={"school": world.school, "specialism_id": _specialism_id()}
    )
    return {}


def _new_urn(world):
    from .factories import SchoolFactory

    return {"urn": SchoolFactory().urn, "joined_on": datetime.date(2026, 9, 1)}


def _person_data(world):
    return {"first_name": "Asha", "last_name": "Patel", "kind": "staff", "job_role": "SENCO", "school": world.school.pk}


def _upload(world):
    from schools.gias import gias_bytes

    return {"file": SimpleUploadedFile("edubasealldata.csv", gias_bytes([]), content_type="text/csv")}


def _contacts(world):
    return {"telephone": "01606 123456", "head_name": "Mrs Helen Ashworth", "town": "Winsford"}


def _outsiders_proposal(world):
    """The other partnership proposes Darnhall: its head decides, the proposers follow it."""
    from schools.models import JoinRequest

    return [JoinRequest.objects.create(partnership=world.other_partnership, school=world.school).pk]


# Who sees a proposal: the school's deciders (its head) and the proposing partnership.
PROPOSAL_SEEN = {"anonymous": 302, "head": 200, "outsider": 200}


def _proposal(**by_role):
    return statuses(404, **{**PROPOSAL_SEEN, **by_role})


CASES = [
    Case("schools:join_request_list", statuses(200, anonymous=302)),
    Case("schools:join_request_detail", _proposal(), args=_outsiders_proposal),
    Case(
        "schools:join_request_decide",
        _proposal(head=302, outsider=403),
        args=_outsiders_proposal,
        method="post",
        data=lambda world: {"decision": "accept", "reason": ""},
    ),
    Case(
        "schools:join_request_withdraw",
        # Only the proposing partnership's coordinator withdraws; its other people may not.
        _proposal(head=403, outsider=302, **dict.fromkeys(ATTACKER_ROLES, 403)),
        args=_outsiders_proposal,
        method="post",
    ),
    Case("schools:clerk_email_edit", only("head"), args=_governing_body),
    Case(
        "schools:clerk_email_edit",
        only("head", ok=302),
        args=_governing_body,
        method="post",
        data=lambda world: {"clerk_email": "governors@darnhall.example.org"},
        label="save",
    ),
    Case("schools:school_list", members_read(), args=_slug),
    Case("schools:school_export", members_read(), args=_slug),
    Case("schools:school_add", only("coordinator"), args=_slug),
    Case("schools:school_add", only("coordinator", ok=302), args=_slug, method="post", data=_new_urn, label="join"),
    # GIAS is national data: deployment administrators and LA-wide officers import it, no
    # partnership role does (schools/tests/test_gias_ownership.py covers the two who may).
    Case("schools:import_list", statuses(403, anonymous=302)),
    Case("schools:import_list", statuses(403, anonymous=302), method="post", data=_upload, label="upload"),
    Case("schools:import_detail", statuses(404, anonymous=302), args=_import_job),
    Case("schools:import_progress", statuses(404, anonymous=302), args=_import_job),
    Case("schools:expertise_search", members_read(), args=_slug),
    Case("schools:person_list", members_read(), args=_slug),
    Case("schools:person_add", only("coordinator"), args=_slug),
    Case("schools:person_add", only("coordinator", ok=302), args=_slug, method="post", data=_person_data, label="add"),
    Case("schools:governing_body_list", members_read(), args=_slug),
    Case("schools:governing_body_detail", members_read(), args=_governing_body),
    Case("schools:governing_body_edit", only("coordinator"), args=_governing_body),
    Case(
        "schools:governing_body_edit",
        only("coordinator", ok=302),
        args=_governing_body,
        method="post",
        data=lambda world: {"name": "Darnhall governors", "schools": [world.school.pk]},
        label="save",
    ),
    Case("schools:school_detail", members_read(), args=_school),
    Case("schools:school_edit", only("head", "coordinator"), args=_school),
    # Coordinators read the national record; only the head changes it (schools/permissions.py).
    Case(
        "schools:school_edit",
        only("head", ok=302),
        args=_school,
        method="post",
        data=_contacts,
        label="save",
    ),
    Case(
        "schools:school_expertise_add",
        only("head", "coordinator", ok=302),
        args=_school,
        method="post",
        data=lambda world: {"specialism": _specialism_id(), "details": "Outreach"},
    ),
    Case(
        "schools:expertise_remove",
        only("head", "coordinator", ok=302),
        args=_expertise,
        method="post",
        data=_recreate_expertise,
    ),
    Case("schools:membership_leave", only("coordinator"), args=_new_membership),
    Case(
        "schools:membership_leave",
        only("coordinator", ok=302),
        args=_new_membership,
        method="post",
        data=lambda world: {"left_on": "2026-12-18", "notice_given_on": "2026-09-01"},
        label="leave",
    ),
    Case("schools:person_detail", members_read(), args=_person),
    Case("schools:person_edit", only("head", "coordinator"), args=_person),
    Case(
        "schools:person_edit",
        only("head", "coordinator", ok=302),
        args=_person,
        method="post",
        data=_person_data,
        label="save",
    ),
    Case(
        "schools:person_expertise_add",
        only("head", "coordinator", ok=302),
        args=_person,
        method="post",
        data=lambda world: {"specialism": _specialism_id()},
    ),
]
