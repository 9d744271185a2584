from django.urls import path

from . import views

app_name = "cpd"

P = "p/<slug:partnership_slug>/cpd/"

urlpatterns = [
    path(P, views.programme, name="programme"),
    path(P + "my-bookings/", views.my_bookings, name="my_bookings"),
    path(P + "schools/<int:school_pk>/", views.school_bookings, name="school_bookings"),
    path(P + "organise/", views.organiser, name="organiser"),
    path(P + "events/new/", views.event_create, name="event_create"),
    path(P + "impact/", views.impact, name="impact"),
    path(P + "calendars/", views.feeds, name="feeds"),
    path("cpd/events/<int:pk>/", views.event_detail, name="event_detail"),
    path("cpd/events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("cpd/events/<int:pk>/costs/", views.event_costs, name="event_costs"),
    path("cpd/costs/<int:pk>/remove/", views.event_cost_remove, name="event_cost_remove"),
    path("cpd/events/<int:pk>/sessions/new/", views.session_add, name="session_add"),
    path("cpd/events/<int:pk>/book/", views.book, name="book"),
    path("cpd/events/<int:pk>/attendees.csv", views.attendees_csv, name="attendees_csv"),
    path("cpd/events/<int:pk>/choices/", views.choices, name="choices"),
    path("cpd/events/<int:pk>/allocation/", views.allocation, name="allocation"),
    path("cpd/allocations/<int:pk>/publish/", views.allocation_publish, name="allocation_publish"),
    path("cpd/allocations/<int:pk>/status/", views.allocation_status, name="allocation_status"),
    path("cpd/bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("cpd/bookings/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("cpd/bookings/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("cpd/sessions/<int:pk>/register/", views.register, name="register"),
    path("cpd/sessions/<int:pk>/sign-in-sheet/", views.sign_in_sheet, name="sign_in_sheet"),
    path("cpd/documents/<int:pk>/", views.document_download, name="document_download"),
    path("cpd/calendars/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    # Calendar apps cannot sign in: the token in the URL is the secret, and can be revoked.
    path("cpd/calendar/<str:token>.ics", views.feed, name="feed"),
    path("cpd/follow-up/<str:token>/", views.follow_up, name="follow_up"),
]
