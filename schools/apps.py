from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools and people"

    def ready(self):
        from partnership.registry import (
            DashboardPanel,
            DemoSeeder,
            register_dashboard_panel,
            register_demo_seeder,
            registry,
        )

        from . import dashboard, demo
        from .models import School

        registry.schools_in = School.objects.in_partnership
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
        register_demo_seeder(DemoSeeder("schools", demo.seed, order=10))
