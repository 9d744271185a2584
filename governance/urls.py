from django.urls import path

from . import views

app_name = "governance"

P = "p/<slug:partnership_slug>/governance/"

urlpatterns = [
    path(P, views.committee_list, name="committee_list"),
    path(f"{P}committees/new/", views.committee_create, name="committee_create"),
    path(f"{P}my-actions/", views.my_actions, name="my_actions"),
    path(f"{P}calendar/", views.calendar, name="calendar"),
    path("governance/committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("governance/committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("governance/committees/<int:pk>/members/", views.committee_members, name="committee_members"),
    path("governance/committees/<int:pk>/resolution/", views.committee_resolution, name="committee_resolution"),
    path("governance/committees/<int:pk>/attendance/", views.committee_attendance, name="committee_attendance"),
    path("governance/committees/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("governance/memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("governance/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("governance/meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("governance/meetings/<int:pk>/publish/", views.meeting_publish, name="meeting_publish"),
    path("governance/meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("governance/meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("governance/meetings/<int:pk>/interests/", views.meeting_interests, name="meeting_interests"),
    path("governance/meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("governance/meetings/<int:pk>/actions/", views.meeting_actions, name="meeting_actions"),
    path("governance/items/<int:pk>/papers/", views.item_paper, name="item_paper"),
    path("governance/items/<int:pk>/votes/", views.item_votes, name="item_votes"),
    path("governance/papers/<int:pk>/", views.paper_download, name="paper_download"),
    path("governance/actions/<int:pk>/", views.action_update, name="action_update"),
    path("governance/minutes/<int:pk>/approve/", views.minutes_approve, name="minutes_approve"),
    path("governance/minutes/<int:pk>/sign/", views.minutes_sign, name="minutes_sign"),
    path("governance/minutes/<int:pk>/correct/", views.minutes_correct, name="minutes_correct"),
    path("governance/minutes/<int:pk>/distribution/", views.minutes_distribution, name="minutes_distribution"),
    path("governance/documents/<int:pk>/", views.document_download, name="document_download"),
    path("governance/calendar/<int:pk>/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("governance/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
