from django.urls import path

from .views import categories, news, overview, peer, plan, support, surveys

app_name = "improvement"

P = "p/<slug:partnership_slug>/improvement"

urlpatterns = [
    # Partnership-scoped pages.
    path(f"{P}/", overview.overview, name="overview"),
    path(f"{P}/plans/", plan.plan_list, name="plan_list"),
    path(f"{P}/categories/", categories.category_list, name="category_list"),
    path(f"{P}/categorisation/", categories.categorisation_list, name="categorisation_list"),
    path(f"{P}/categorisation/schools/<int:school_pk>/", categories.school_category, name="school_category"),
    path(f"{P}/support/", support.support_list, name="support_list"),
    path(f"{P}/peer-review/", peer.round_list, name="round_list"),
    path(f"{P}/surveys/", surveys.survey_list, name="survey_list"),
    path(f"{P}/news/", news.news_list, name="news_list"),
    path(f"{P}/news/digest/", news.news_digest, name="news_digest"),
    # Pages of one object.
    path("improvement/plans/<int:pk>/", plan.plan_detail, name="plan_detail"),
    path("improvement/plans/<int:pk>/approve/", plan.plan_approve, name="plan_approve"),
    path("improvement/priorities/<int:pk>/", plan.priority_detail, name="priority_detail"),
    path("improvement/support/requests/<int:pk>/", support.request_detail, name="request_detail"),
    path("improvement/support/requests/<int:pk>/match/", support.request_match, name="request_match"),
    path("improvement/support/requests/<int:pk>/agree/", support.request_agree, name="request_agree"),
    path("improvement/support/requests/<int:pk>/withdraw/", support.request_withdraw, name="request_withdraw"),
    path("improvement/support/agreements/<int:pk>/", support.agreement_detail, name="agreement_detail"),
    path("improvement/support/agreements/<int:pk>/visits/", support.agreement_visit, name="agreement_visit"),
    path("improvement/support/agreements/<int:pk>/reviews/", support.agreement_review, name="agreement_review"),
    path("improvement/support/agreements/<int:pk>/close/", support.agreement_close, name="agreement_close"),
    path("improvement/peer-review/rounds/<int:pk>/", peer.round_detail, name="round_detail"),
    path("improvement/peer-review/rounds/<int:pk>/groups/", peer.round_groups, name="round_groups"),
    path("improvement/peer-review/reviews/<int:pk>/", peer.review_detail, name="review_detail"),
    path("improvement/peer-review/reviews/<int:pk>/report/", peer.review_report, name="review_report"),
    path("improvement/peer-review/reviews/<int:pk>/share/", peer.review_share, name="review_share"),
    path("improvement/peer-review/reviews/<int:pk>/actions/", peer.review_action_add, name="review_action_add"),
    path("improvement/peer-review/actions/<int:pk>/", peer.action_update, name="action_update"),
    path("improvement/surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("improvement/surveys/<int:pk>/rates/", surveys.survey_rates, name="survey_rates"),
    path("improvement/surveys/<int:pk>/questions/", surveys.survey_question_add, name="survey_question_add"),
    path("improvement/surveys/<int:pk>/send/", surveys.survey_send, name="survey_send"),
    path("improvement/surveys/<int:pk>/close/", surveys.survey_close, name="survey_close"),
    path("improvement/surveys/<int:pk>/responses.csv", surveys.survey_csv, name="survey_csv"),
    path("improvement/news/<int:pk>/", news.news_detail, name="news_detail"),
    # The personal survey link: no sign-in; the token is the secret.
    path("survey/<str:token>/", surveys.survey_respond, name="survey_respond"),
]
