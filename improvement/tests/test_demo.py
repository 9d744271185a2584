from improvement.models import Categorisation, NewsItem, PeerReviewGroup, Plan, SupportAgreement, SurveyRecipient
from partnership.demo import seed_demo


def test_the_demo_gives_winsford_a_plan_categories_support_triads_a_survey_and_news(db):
    partnership = seed_demo()
    assert Plan.objects.filter(partnership=partnership, approved_on__isnull=False).count() == 1
    assert Plan.objects.get(kind="business").approved_on is None  # left for the coordinator to approve
    assert Categorisation.objects.filter(partnership=partnership).count() == 15
    assert set(SupportAgreement.objects.values_list("status", flat=True)) == {"active", "closed"}
    latest = PeerReviewGroup.objects.filter(round__partnership=partnership).order_by("-round__starts_on").first()
    assert PeerReviewGroup.objects.filter(round=latest.round).count() == 5
    assert SurveyRecipient.objects.filter(responded_at__isnull=False).count() == 9
    assert NewsItem.objects.filter(partnership=partnership).count() == 3
    seed_demo()  # loading twice changes nothing
    assert Plan.objects.count() == 2 and NewsItem.objects.count() == 3
