from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from improvement import services
from improvement.report import improvement_csv, improvement_section
from partnership.models import Term
from partnership.registry import registry


def _render(world, data, term):
    section = next(s for s in registry.report_sections if s.key == "improvement")
    return render_to_string(
        section.template, {"section": section, "data": data, "partnership": world.partnership, "term": term}
    )


def test_a_term_without_activity_says_so_in_a_plain_sentence(world):
    term = Term.current_for(world.partnership)
    data = improvement_section(world.partnership, term)
    assert data["has_activity"] is False and data["charts"] == []
    assert "No plan reviews, school-to-school support, peer reviews or surveys this term." in _render(world, data, term)


def test_the_section_reports_priorities_support_peer_reviews_and_survey_results(world, improvement):
    today = timezone.localdate()
    term = world.term_holding_today()
    services.record_priority_update(
        priority=improvement.priority, reviewed_on=today, rag="amber", commentary="Half way", actor=None
    )
    services.record_review_report(
        review=improvement.review,
        focus="Reading",
        reviewer_names="r",
        starts_on=today,
        ends_on=today,
        strengths="s",
        areas_for_development="a",
        actor=None,
    )
    q = list(improvement.open_survey.questions.all())
    services.submit_response(
        recipient=improvement.recipient, answers={str(q[0].pk): 5, str(q[1].pk): q[1].choice_list[0]}
    )
    services.close_agreement(
        agreement=improvement.agreement, closed_on=today, evaluation="Rose to 22/25", target_met="met", actor=None
    )
    data = improvement_section(world.partnership, term)
    assert data["plan_rows"][0]["rag_label"] == "Amber" and data["plan_rows"][0]["commentary"] == "Half way"
    assert data["support_counts"] == {"opened": 1, "active": 0, "closed": 1}
    assert data["support_rows"][0]["target_met"] == "Met"
    assert [r["school__name"] for r in data["reviews"]] == [world.school.name]
    survey = data["surveys"][0]
    assert (survey["invited"], survey["responded"]) == (2, 1)
    assert survey["summaries"][0]["average"] == 5
    assert {c["title"] for c in data["charts"]} == {
        "Plan priorities by RAG status at the end of term",
        "School-to-school support agreements",
    }
    html = _render(world, data, term)
    assert "Rose to 22/25" in html and "£1,302.00" in html and "1 of 2 responded (50%)" in html
    assert '<table class="report-table">' in html and "<h2" not in html
    tables = improvement_csv(data)
    assert tables["support_agreements.csv"][1][0] == world.school.name


def test_a_term_before_everything_has_no_activity(world, improvement):
    term = Term.current_for(world.partnership)
    earlier = Term(start=term.start - timedelta(days=800), end=term.start - timedelta(days=700))
    assert improvement_section(world.partnership, earlier)["has_activity"] is False
