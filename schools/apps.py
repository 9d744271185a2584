from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools and people"

    def ready(self):
        from datetime import timedelta

        from django.db.models.signals import post_save

        from partnership.permissions import has_role
        from partnership.registry import (
            DashboardPanel,
            DemoSeeder,
            DeploymentNavItem,
            NavItem,
            ReportSection,
            register_dashboard_panel,
            register_demo_seeder,
            register_deployment_nav,
            register_nav,
            register_periodic_task,
            register_report_section,
            registry,
        )
        from partnership.signals import invitation_accepted

        from . import dashboard, demo, report, services
        from .models import School
        from .permissions import headteacher_refusal, shows_gias_imports_link

        registry.schools_in = School.objects.in_partnership
        registry.headteacher_refusal = headteacher_refusal
        invitation_accepted.connect(services.on_invitation_accepted, dispatch_uid="schools.link_person_on_invitation")
        register_nav(
            NavItem(
                "Schools", "schools:school_list", lambda user, p: has_role(user, p), order=10, also_under="/schools/"
            )
        )
        register_deployment_nav(
            DeploymentNavItem("GIAS imports", "schools:import_list", shows_gias_imports_link, order=10)
        )
        register_nav(NavItem("People", "schools:person_list", lambda user, p: has_role(user, p), order=12))
        register_nav(NavItem("Expertise", "schools:expertise_search", lambda user, p: has_role(user, p), order=14))
        register_dashboard_panel(
            DashboardPanel(
                "schools",
                "Member schools",
                "schools/panels/schools.html",
                dashboard.schools_panel,
                order=10,
                width="col-lg-7",
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                "join_requests",
                "Requests to join",
                "schools/panels/join_requests.html",
                dashboard.join_requests_panel,
                order=5,
                width="col-lg-5",
            )
        )
        # A proposal concerns the school's deciders in other partnerships too: their cached
        # dashboards are refreshed as well as the proposing partnership's.
        from partnership.dashboard_cache import changed_everywhere

        post_save.connect(
            changed_everywhere, sender="schools.JoinRequest", dispatch_uid="schools.join_request_dashboards"
        )
        register_report_section(
            ReportSection(
                key="schools",
                title="Schools",
                template="schools/report_section.html",
                data=report.schools_section,
                order=10,
                csv_tables=report.schools_csv,
            )
        )
        register_demo_seeder(DemoSeeder("schools", demo.seed, order=10))
        register_periodic_task(
            "schools: fail stale GIAS imports", "schools.tasks.fail_stale_gias_imports", timedelta(minutes=10)
        )

        from partnership.registry import BenchPage, register_bench_page

        register_bench_page(BenchPage("school list", "schools:school_list", order=10))
        register_bench_page(
            BenchPage("school page", "schools:school_detail", lambda target: [target.school.pk], order=11)
        )
        register_bench_page(
            BenchPage("people", "schools:person_list", roles=("coordinator", "clerk", "head", "la_officer"), order=12)
        )
