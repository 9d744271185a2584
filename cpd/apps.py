from django.apps import AppConfig


class CpdConfig(AppConfig):
    name = "cpd"
    verbose_name = "CPD"

    def ready(self):
        from celery.schedules import crontab

        from partnership.permissions import has_role
        from partnership.registry import (
            DashboardPanel,
            DemoSeeder,
            NavItem,
            ReportSection,
            SchoolChargeSource,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
            register_periodic_task,
            register_report_section,
            register_school_charges,
        )

        from . import costs, dashboard, demo, report

        register_nav(NavItem("CPD", "cpd:programme", lambda user, p: has_role(user, p), order=40, also_under="/cpd/"))
        register_dashboard_panel(
            DashboardPanel("cpd", "CPD", "cpd/panels/cpd.html", dashboard.cpd_panel, order=40, width="col-lg-5")
        )
        register_report_section(
            ReportSection(
                key="cpd",
                title="Professional development",
                template="cpd/report_section.html",
                data=report.cpd_section,
                order=40,
                csv_tables=report.cpd_csv,
            )
        )
        register_demo_seeder(DemoSeeder("cpd", demo.seed, order=40))
        register_school_charges(SchoolChargeSource("cpd", "CPD places", costs.school_charges, order=40))
        register_periodic_task("cpd-impact-follow-ups", "cpd.tasks.send_impact_follow_ups", crontab(hour=7, minute=15))
        register_periodic_task("cpd-requeue-stuck-jobs", "cpd.tasks.requeue_stuck_documents", crontab(minute="*/5"))

        from partnership.registry import BenchPage, ScaleSeeder, register_bench_page, register_scale_seeder

        from . import scale

        register_scale_seeder(ScaleSeeder("cpd", scale.seed, order=40))
        register_bench_page(BenchPage("CPD programme", "cpd:programme", order=40))
        register_bench_page(
            BenchPage("CPD event page", "cpd:event_detail", scale.busiest_event, ("coordinator", "head", "staff"), 41)
        )
