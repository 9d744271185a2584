from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self):
        from partnership.registry import (
            DashboardPanel,
            DemoSeeder,
            NavItem,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
            register_periodic_task,
        )

        from . import dashboard, demo, report
        from .rules import can_see_funding

        register_nav(NavItem("Funding", "funding:overview", can_see_funding, order=40, also_under="/funding/"))
        register_dashboard_panel(
            DashboardPanel("funding", "Funding", "funding/panels/funding.html", dashboard.funding_panel, order=30)
        )
        register_demo_seeder(DemoSeeder("funding", demo.seed, order=30))
        report.register()
        register_periodic_task(
            "funding-requeue-stale-statements", "funding.tasks.requeue_stale_statement_jobs", 10 * 60
        )

        from partnership.registry import BenchPage, ScaleSeeder, register_bench_page, register_scale_seeder

        from . import scale

        register_scale_seeder(ScaleSeeder("funding", scale.seed, order=30))
        readers = ("coordinator", "la_officer")
        register_bench_page(BenchPage("funding overview", "funding:overview", roles=(*readers, "head"), order=30))
        register_bench_page(BenchPage("funding round", "funding:round_detail", scale.current_round, readers, 31))
        register_bench_page(
            BenchPage("funding statement", "funding:statement", scale.head_statement, (*readers, "head"), 32)
        )
