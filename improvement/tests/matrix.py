"""Permission matrix rows for every improvement URL (collected by
partnership/tests/test_permission_matrix.py).

Everyone in the partnership reads plans, the rubric, peer review rounds and news. A
school's category, its support and its peer review report are confidential: its own head,
the coordinator and (except peer review reports) the LA officer see them; anyone else gets
404. Surveys are the coordinator's, read by the LA officer. Writes are the coordinator's
unless said otherwise."""

from partnership.tests.matrix import Case, members_read, only, statuses


def _imp(world):
    from .factories import build_improvement

    if getattr(world, "_improvement", None) is None:
        world._improvement = build_improvement(world)
    return world._improvement


def _slug(world):
    return [world.partnership.slug]


def _pk(name):
    def args(world):
        _imp(world)
        return [getattr(world._improvement, name).pk]

    return args


def _own_school(world):
    _imp(world)
    return [world.partnership.slug, world.school.pk]


def _today(world):
    from django.utils import timezone

    return timezone.localdate().isoformat()


CONFIDENTIAL_READ = statuses(404, anonymous=302, head=200, la_officer=200, coordinator=200)
# Heads of both schools in a support agreement see it; staff and clerks do not.
BOTH_HEADS_READ = statuses(404, anonymous=302, head=200, other_head=200, la_officer=200, coordinator=200)
SCHOOL_PAGES = statuses(403, anonymous=302, outsider=404, head=200, other_head=200, la_officer=200, coordinator=200)
SURVEY_READ = only("coordinator", "la_officer")

CASES = [
    Case("improvement:overview", members_read(), args=_slug),
    # The plan.
    Case("improvement:plan_list", members_read(), args=_slug),
    Case(
        "improvement:plan_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"title": "Plan", "kind": "development", "starts_on": "2026-09-01", "ends_on": "2027-08-31"},
        label="create",
    ),
    Case("improvement:plan_detail", members_read(), args=_pk("plan")),
    Case(
        "improvement:plan_detail",
        only("coordinator", ok=302),
        args=_pk("plan"),
        method="post",
        data=lambda w: {"title": "Attendance", "baseline": "92%", "target": "95%"},
        label="add-priority",
    ),
    Case(
        "improvement:plan_approve",
        only("coordinator", ok=302),
        args=_pk("plan"),
        method="post",
        data=lambda w: {"approved_on": _today(w), "minute_ref": "STR/1"},
    ),
    Case("improvement:priority_detail", members_read(), args=_pk("priority")),
    Case(
        "improvement:priority_detail",
        only("coordinator", ok=302),
        args=_pk("priority"),
        method="post",
        data=lambda w: {"reviewed_on": _today(w), "rag": "amber", "commentary": "Started"},
        label="review",
    ),
    # Categorisation.
    Case("improvement:category_list", members_read(), args=_slug),
    Case(
        "improvement:category_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"name": "Causing concern"},
        label="add",
    ),
    Case("improvement:categorisation_list", SCHOOL_PAGES, args=_slug),
    Case("improvement:school_category", CONFIDENTIAL_READ, args=_own_school),
    Case(
        "improvement:school_category",
        statuses(404, anonymous=302, head=403, la_officer=403, coordinator=302),
        args=_own_school,
        method="post",
        data=lambda w: {"category": _imp(w).categories[3].pk, "evidence": "Better", "agreed_on": _today(w)},
        label="set",
    ),
    # School-to-school support.
    Case("improvement:support_list", SCHOOL_PAGES, args=_slug),
    Case(
        "improvement:support_list",
        # other_head may not ask on behalf of world.school: the form refuses it (200, nothing written).
        statuses(403, anonymous=302, outsider=404, head=302, other_head=200, coordinator=302),
        args=_slug,
        method="post",
        data=lambda w: {"school": w.school.pk, "need": "Attendance"},
        label="raise",
    ),
    Case("improvement:request_detail", CONFIDENTIAL_READ, args=_pk("raised")),
    Case(
        "improvement:request_match",
        statuses(404, anonymous=302, head=403, la_officer=403, coordinator=302),
        args=_pk("raised"),
        method="post",
        data=lambda w: {"expertise": _imp(w).expertise.pk},
    ),
    Case(
        "improvement:request_agree",
        statuses(404, anonymous=302, head=403, other_head=403, la_officer=403, coordinator=302),
        args=_pk("matched"),
        method="post",
        data=lambda w: {
            "objectives": "Phonics",
            "baseline": "58%",
            "target": "75%",
            "days": "3",
            "cost_per_day": "300.00",
            "starts_on": _today(w),
            "ends_on": _today(w),
            "paid_to": w.other_school.pk,
        },
    ),
    # A missing reason is refused with the page shown again (200) to those allowed to withdraw.
    Case(
        "improvement:request_withdraw",
        statuses(404, anonymous=302, head=200, la_officer=403, coordinator=200),
        args=_pk("raised"),
        method="post",
        data=lambda w: {"reason": ""},
    ),
    Case("improvement:agreement_detail", BOTH_HEADS_READ, args=_pk("agreement")),
    Case(
        "improvement:agreement_visit",
        statuses(404, anonymous=302, head=403, other_head=302, la_officer=403, coordinator=302),
        args=_pk("agreement"),
        method="post",
        data=lambda w: {"visited_on": _today(w), "days_used": "1", "notes": "Learning walk"},
    ),
    Case(
        "improvement:agreement_review",
        statuses(404, anonymous=302, head=302, other_head=403, la_officer=403, coordinator=302),
        args=_pk("agreement"),
        method="post",
        data=lambda w: {"reviewed_on": _today(w), "rag": "green", "impact": "21/25"},
    ),
    # Without an evaluation the close is refused with the form shown again (200, nothing
    # written) to those allowed to close; a successful close is tested on its own.
    Case(
        "improvement:agreement_close",
        statuses(404, anonymous=302, head=200, other_head=403, la_officer=403, coordinator=200),
        args=_pk("agreement"),
        method="post",
        data=lambda w: {"closed_on": _today(w), "target_met": "met", "evaluation": ""},
    ),
    # Peer review.
    Case("improvement:round_list", members_read(), args=_slug),
    Case(
        "improvement:round_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"name": "Round three", "starts_on": "2027-01-10", "ends_on": "2027-02-10"},
        label="create",
    ),
    Case("improvement:round_detail", members_read(), args=_pk("round")),
    Case(
        "improvement:round_groups",
        only("coordinator", ok=302),
        args=_pk("empty_round"),
        method="post",
        data=lambda w: {f"school-{w.school.pk}": "1", f"school-{w.other_school.pk}": "1"},
    ),
    Case("improvement:review_detail", statuses(404, anonymous=302, head=200, coordinator=200), args=_pk("review")),
    Case(
        "improvement:review_report",
        statuses(404, anonymous=302, head=403, coordinator=302),
        args=_pk("review"),
        method="post",
        data=lambda w: {
            "focus": "Reading",
            "reviewer_names": "Two heads",
            "strengths": "Phonics",
            "areas_for_development": "Catch-up",
        },
    ),
    # Unsharing keeps the report private while every role is tried.
    Case(
        "improvement:review_share",
        statuses(404, anonymous=302, head=302, coordinator=403),
        args=_pk("review"),
        method="post",
        data=lambda w: {"share": "no"},
    ),
    Case(
        "improvement:review_action_add",
        statuses(404, anonymous=302, head=302, coordinator=302),
        args=_pk("review"),
        method="post",
        data=lambda w: {"description": "Reading for pleasure", "owner": "Head", "due_on": _today(w)},
    ),
    Case(
        "improvement:action_update",
        statuses(404, anonymous=302, head=302, coordinator=302),
        args=_pk("action"),
        method="post",
        data=lambda w: {"status": "done"},
    ),
    # Surveys.
    Case("improvement:survey_list", SURVEY_READ, args=_slug),
    Case(
        "improvement:survey_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"template": "impact"},
        label="create",
    ),
    Case("improvement:survey_detail", SURVEY_READ, args=_pk("open_survey")),
    Case("improvement:survey_rates", only("coordinator", "la_officer", ok=302), args=_pk("open_survey")),
    Case("improvement:survey_csv", SURVEY_READ, args=_pk("open_survey")),
    Case(
        "improvement:survey_question_add",
        only("coordinator", ok=302),
        args=_pk("draft_survey"),
        method="post",
        data=lambda w: {"text": "Anything else?", "kind": "text"},
    ),
    Case(
        "improvement:survey_send",
        only("coordinator", ok=302),
        args=_pk("draft_survey"),
        method="post",
        data=lambda w: {"audiences": ["heads"]},
    ),
    Case("improvement:survey_close", only("coordinator", ok=302), args=_pk("open_survey"), method="post"),
    # The personal link works for whoever holds it: the token is the secret.
    Case("improvement:survey_respond", statuses(200), args=lambda w: [_imp(w).recipient.token]),
    # News.
    Case("improvement:news_list", members_read(), args=_slug),
    Case(
        "improvement:news_list",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda w: {"kind": "news", "title": "Newsletter", "body": "Autumn newsletter"},
        label="post",
    ),
    Case("improvement:news_detail", members_read(), args=_pk("news")),
    Case(
        "improvement:news_digest",
        statuses(302, outsider=404),
        args=_slug,
        method="post",
        data=lambda w: {"digest": "on"},
    ),
]
