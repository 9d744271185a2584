from collections import Counter

import pytest
from django.urls import reverse

from cpd.allocation import WorkshopSpace, allocate, benchmark
from cpd.models import AllocationRun, Event, Placement
from cpd.services import publish_allocation, run_allocation, save_choices
from schools.tests.factories import PersonFactory

from .factories import EventFactory, ProgrammeFactory, WorkshopFactory


def test_everyone_gets_their_first_choice_when_there_is_room():
    people = {1: 10, 2: 10, 3: 20}
    result = allocate(people, [WorkshopSpace(100, 5), WorkshopSpace(200, 5)], {1: [100, 200], 2: [200, 100], 3: [100]})
    assert result.placements == {1: 100, 2: 200, 3: 100}
    assert result.by_rank == {"1": 3}


def test_workshop_capacity_and_per_school_caps_are_never_exceeded():
    # 30 people in 3 schools all want workshop 1 first; it takes 6, at most 2 a school.
    people = {p: p % 3 for p in range(30)}
    workshops = [WorkshopSpace(1, 6, per_school_cap=2), WorkshopSpace(2, 12, per_school_cap=4), WorkshopSpace(3, 20)]
    result = allocate(people, workshops, {p: [1, 2, 3] for p in people})
    load = Counter(result.placements.values())
    assert load[1] == 6 and load[2] == 12 and load[3] == 12
    by_school = Counter((people[p], w) for p, w in result.placements.items())
    assert max(n for (s, w), n in by_school.items() if w == 1) == 2
    assert max(n for (s, w), n in by_school.items() if w == 2) == 4
    assert result.unplaced == []


def test_the_optimiser_beats_first_come_first_served():
    # First come first served gives person 1 workshop A and leaves person 2 with their second choice;
    # the optimum gives both their first choice.
    result = allocate({1: 0, 2: 0}, [WorkshopSpace(10, 1), WorkshopSpace(20, 1)], {1: [10, 20], 2: [10]})
    assert result.placements == {1: 20, 2: 10}
    result = allocate({1: 0, 2: 0}, [WorkshopSpace(10, 1), WorkshopSpace(20, 1)], {1: [10, 20], 2: [20, 10]})
    assert result.by_rank == {"1": 2}


def test_people_who_ranked_nothing_or_lost_out_are_placed_wherever_there_is_room():
    people = {1: 0, 2: 0, 3: 1, 4: 1}
    workshops = [WorkshopSpace(10, 1), WorkshopSpace(20, 1), WorkshopSpace(30, 2, per_school_cap=1)]
    result = allocate(people, workshops, {1: [10], 2: [10]})
    assert sorted(result.placements) == [1, 2, 3, 4]
    assert Counter(result.placements.values()) == {10: 1, 20: 1, 30: 2}
    assert result.by_rank["1"] == 1 and result.by_rank["unranked"] == 1 and result.by_rank["no_choices"] == 2


def test_when_there_is_not_enough_room_the_rest_are_left_unplaced_not_squeezed_in():
    result = allocate({p: 0 for p in range(5)}, [WorkshopSpace(1, 3)], {p: [1] for p in range(5)})
    assert len(result.placements) == 3 and len(result.unplaced) == 2


def test_the_benchmark_allocates_1500_staff_to_60_workshops_in_under_five_seconds():
    figures = benchmark(staff=1500, workshops=60)
    assert figures["staff"] == 1500 and figures["workshops"] == 60
    assert figures["placed"] == 1500
    assert figures["seconds"] < 5
    assert figures["first_choice_share"] > 0.5


def _inset(world, places=2):
    event = EventFactory(programme=ProgrammeFactory(partnership=world.partnership), kind=Event.Kind.WHOLE_TOWN_INSET)
    workshops = [WorkshopFactory(event=event, title=t, capacity=places, per_school_cap=1) for t in ("Oracy", "Maths")]
    return event, workshops


def test_running_and_publishing_an_allocation_gives_each_person_a_timetable(
    world, client, django_capture_on_commit_callbacks
):
    event, (oracy, maths) = _inset(world)
    staff_person = PersonFactory(school=world.school, user=world.user("staff"))
    colleague = PersonFactory(school=world.school)
    grange = PersonFactory(school=world.other_school)
    for person in (staff_person, colleague, grange):
        save_choices(event=event, person=person, workshop_ids=[oracy.pk, maths.pk], chosen_by=world.user("coordinator"))
    client.force_login(world.user("coordinator"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cpd:allocation", args=[event.pk]))
    run = AllocationRun.objects.get()
    assert run.status == AllocationRun.Status.DONE
    assert (run.people, run.placed) == (3, 3)
    # Oracy takes one person from each school (cap 1); the second Darnhall person goes to Maths.
    assert Placement.objects.filter(run=run, workshop=oracy).values("person__school").distinct().count() == 2
    assert run.by_rank == {"1": 2, "2": 1}
    page = client.get(reverse("cpd:allocation", args=[event.pk])).content.decode()
    assert "66.7%" in page and "Not published yet" in page
    client.force_login(world.user("staff"))
    assert (
        "Whole-town INSET timetable" not in client.get(reverse("cpd:my_bookings", args=["winsford"])).content.decode()
    )
    publish_allocation(run=run, published_by=world.user("coordinator"))
    page = client.get(reverse("cpd:my_bookings", args=["winsford"])).content.decode()
    mine = Placement.objects.get(run=run, person=staff_person).workshop.title
    assert "Whole-town INSET timetable" in page and mine in page


def test_staff_rank_their_choices_and_a_repeated_workshop_is_refused(world, client):
    event, (oracy, maths) = _inset(world)
    PersonFactory(school=world.school, user=world.user("staff"))
    client.force_login(world.user("staff"))
    url = reverse("cpd:choices", args=[event.pk])
    response = client.post(url, {"rank_1": oracy.pk, "rank_2": oracy.pk})
    assert "Choose each workshop only once." in response.content.decode()
    assert not event.choices.exists()
    assert client.post(url, {"rank_1": maths.pk, "rank_2": oracy.pk}).status_code == 302
    assert list(event.choices.order_by("rank").values_list("workshop__title", flat=True)) == ["Maths", "Oracy"]


def test_the_allocation_places_staff_who_made_no_choices(world):
    event, _ = _inset(world)
    PersonFactory(school=world.school)
    PersonFactory(school=world.other_school)
    run = run_allocation(event=event, run_by=world.user("coordinator"))
    assert (run.people, run.placed) == (2, 2)
    assert run.by_rank == {"no_choices": 2}


def test_published_shares_show_on_the_event_page_and_the_organiser_exports_the_timetable(world, client):
    import csv
    import io

    event, (oracy, maths) = _inset(world, places=1)
    people = [PersonFactory(school=world.school, first_name=n) for n in ("Ann", "Bob")]
    for person in people:
        save_choices(event=event, person=person, workshop_ids=[oracy.pk, maths.pk], chosen_by=None)
    run = run_allocation(event=event, run_by=world.user("coordinator"))
    publish_allocation(run=run, published_by=world.user("coordinator"))
    client.force_login(world.user("staff"))
    page = client.get(event.get_absolute_url()).content.decode()
    assert "50% got their first choice, 50% their second and 0% their third" in page
    client.force_login(world.user("coordinator"))
    rows = list(csv.reader(io.StringIO(client.get(reverse("cpd:attendees_csv", args=[event.pk])).content.decode("utf-8-sig"))))
    assert rows[0][4] == "Workshop"
    assert sorted((r[0], r[4], r[7]) for r in rows[1:]) in (
        [("Ann", "Oracy", "1"), ("Bob", "Maths", "2")],
        [("Ann", "Maths", "2"), ("Bob", "Oracy", "1")],
    )


def test_the_allocation_runs_in_a_task_and_the_page_polls_its_status_until_it_is_done(
    world, client, django_capture_on_commit_callbacks
):
    from cpd.tasks import allocate_workshops

    event, (oracy, maths) = _inset(world)
    for person in (PersonFactory(school=world.school), PersonFactory(school=world.other_school)):
        save_choices(event=event, person=person, workshop_ids=[maths.pk, oracy.pk], chosen_by=None)
    client.force_login(world.user("coordinator"))
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("cpd:allocation", args=[event.pk]))
        # Asking again while the run waits for a worker does not queue a second one.
        client.post(reverse("cpd:allocation", args=[event.pk]))
    assert queued  # the run's task waits for the commit
    run = AllocationRun.objects.get()  # one run: asking again queued nothing more
    assert run.status == AllocationRun.Status.QUEUED and not run.placements.exists()
    page = client.get(reverse("cpd:allocation", args=[event.pk])).content.decode()
    status_url = reverse("cpd:allocation_status", args=[run.pk])
    assert f'hx-get="{status_url}"' in page and "waiting for a worker" in page
    assert "Publish timetables" not in page and "Run the allocation" not in page
    assert client.post(reverse("cpd:allocation_publish", args=[run.pk])).status_code == 404

    allocate_workshops(run.pk)
    allocate_workshops(run.pk)  # a duplicate delivery finds nothing to claim
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.DONE and run.finished_at is not None
    assert (run.people, run.placed, run.by_rank) == (2, 2, {"1": 2})
    assert run.placements.count() == 2
    response = client.get(status_url, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    page = client.get(reverse("cpd:allocation", args=[event.pk])).content.decode()
    assert "100.0%" in page and "Publish timetables" in page and "hx-get" not in page


def test_a_failed_allocation_is_shown_plainly_and_can_be_run_again(world, client, monkeypatch):
    from cpd import allocation
    from cpd.tasks import allocate_workshops

    event, _ = _inset(world)
    PersonFactory(school=world.school)
    run = AllocationRun.objects.create(event=event, run_by=world.user("coordinator"))

    def broken(*args, **kwargs):
        raise RuntimeError("solver unavailable")

    monkeypatch.setattr(allocation, "allocate", broken)
    with pytest.raises(RuntimeError):
        allocate_workshops(run.pk)
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.FAILED and run.error == "solver unavailable"
    client.force_login(world.user("coordinator"))
    page = client.get(reverse("cpd:allocation", args=[event.pk])).content.decode()
    assert "it failed: solver unavailable" in page and "Run the allocation" in page and "hx-get" not in page


def test_a_run_no_worker_finished_is_abandoned_when_the_organiser_asks_again(
    world, client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    event, _ = _inset(world)
    PersonFactory(school=world.school)
    stuck = AllocationRun.objects.create(
        event=event, status=AllocationRun.Status.RUNNING, ran_at=timezone.now() - timedelta(minutes=11)
    )
    client.force_login(world.user("coordinator"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cpd:allocation", args=[event.pk]))
    stuck.refresh_from_db()
    assert stuck.status == AllocationRun.Status.FAILED and "No worker finished" in stuck.error
    fresh = AllocationRun.objects.exclude(pk=stuck.pk).get()
    assert fresh.status == AllocationRun.Status.DONE and fresh.placed == 1


def test_a_run_whose_message_the_broker_refused_is_sent_again_by_the_sweep(world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from cpd.tasks import requeue_stuck_documents

    event, _ = _inset(world)
    PersonFactory(school=world.school)
    lost = AllocationRun.objects.create(event=event, ran_at=timezone.now() - timedelta(hours=1))
    just_queued = AllocationRun.objects.create(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_documents() == 1
    lost.refresh_from_db()
    just_queued.refresh_from_db()
    assert lost.status == AllocationRun.Status.DONE and lost.placed == 1
    assert just_queued.status == AllocationRun.Status.QUEUED


def test_the_job_sweep_is_on_the_beat_schedule():
    from django.conf import settings

    assert any(entry["task"] == "cpd.tasks.requeue_stuck_documents" for entry in settings.CELERY_BEAT_SCHEDULE.values())
