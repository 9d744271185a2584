from django.contrib import admin
from django.urls import include, path

from . import views

# Each app owns its paths: partnership-scoped pages under p/<partnership_slug>/<app>/,
# pages of one object under <app>/<id>/.
urlpatterns = [
    path("", views.home, name="home"),
    path("ping/", views.ping, name="ping"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("p/<slug:partnership_slug>/", views.partnership_dashboard, name="partnership_dashboard"),
    path("p/<slug:partnership_slug>/terms/", views.term_list, name="term_list"),
    path("p/<slug:partnership_slug>/invitations/", views.invitation_list, name="invitation_list"),
    path("p/<slug:partnership_slug>/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("p/<slug:partnership_slug>/audit/", views.audit_log, name="audit_log"),
    path("invite/<str:token>/", views.invitation_accept, name="accept_invitation"),
    path("", include("partnership.reports.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("schools.urls")),
    path("", include("governance.urls")),
    path("", include("funding.urls")),
    path("", include("cpd.urls")),
    path("", include("improvement.urls")),
]
