from django.urls import path

from .views import expertise, imports, join_requests, people, schools

app_name = "schools"

urlpatterns = [
    path("p/<slug:partnership_slug>/schools/", schools.school_list, name="school_list"),
    path("p/<slug:partnership_slug>/schools/export.csv", schools.school_export, name="school_export"),
    path("p/<slug:partnership_slug>/schools/add/", join_requests.school_add, name="school_add"),
    path("p/<slug:partnership_slug>/expertise/", expertise.expertise_search, name="expertise_search"),
    path("p/<slug:partnership_slug>/people/", people.person_list, name="person_list"),
    path("p/<slug:partnership_slug>/people/add/", people.person_add, name="person_add"),
    path("p/<slug:partnership_slug>/governing-bodies/", people.governing_body_list, name="governing_body_list"),
    path("schools/<int:pk>/", schools.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", schools.school_edit, name="school_edit"),
    path("schools/<int:pk>/expertise/", expertise.school_expertise_add, name="school_expertise_add"),
    path("schools/memberships/<int:pk>/leave/", schools.membership_leave, name="membership_leave"),
    path("schools/expertise/<int:pk>/remove/", expertise.expertise_remove, name="expertise_remove"),
    path("schools/people/<int:pk>/", people.person_detail, name="person_detail"),
    path("schools/people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("schools/people/<int:pk>/expertise/", expertise.person_expertise_add, name="person_expertise_add"),
    path("schools/governing-bodies/<int:pk>/", people.governing_body_detail, name="governing_body_detail"),
    path("schools/governing-bodies/<int:pk>/edit/", people.governing_body_edit, name="governing_body_edit"),
    path("gias/imports/", imports.import_list, name="import_list"),
    path("gias/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("gias/imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("schools/governing-bodies/<int:pk>/clerk-email/", people.clerk_email_edit, name="clerk_email_edit"),
    path("schools/join-requests/", join_requests.join_request_list, name="join_request_list"),
    path("schools/join-requests/<int:pk>/", join_requests.join_request_detail, name="join_request_detail"),
    path("schools/join-requests/<int:pk>/decide/", join_requests.join_request_decide, name="join_request_decide"),
    path("schools/join-requests/<int:pk>/withdraw/", join_requests.join_request_withdraw, name="join_request_withdraw"),
]
