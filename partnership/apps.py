from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership (core)"

    def ready(self):
        from celery.schedules import crontab

        from . import lookups
        from .permissions import can_invite, can_manage_partnership, can_read_reports, has_role
        from .registry import (
            BenchPage,
            DashboardPanel,
            DemoSeeder,
            NavItem,
            register_bench_page,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
            register_periodic_task,
        )
        from .reports.panels import reports_panel, seed_demo_report

        lookups.register()
        register_nav(NavItem("Dashboard", "partnership_dashboard", lambda user, p: True, order=0, exact=True))
        register_nav(NavItem("Terms", "term_list", lambda user, p: has_role(user, p), order=90))
        register_nav(NavItem("Invitations", "invitation_list", can_invite, order=95))
        register_nav(NavItem("Audit log", "audit_log", can_manage_partnership, order=99))
        register_nav(
            NavItem("Termly reports", "reports:report_list", can_read_reports, order=80, also_under="/reports/")
        )
        register_dashboard_panel(
            DashboardPanel(
                "reports", "Termly reports", "partnership/report/panel.html", reports_panel, order=90, width="col-lg-5"
            )
        )
        # Last of the demo seeders: the report gathers what every app seeded.
        register_demo_seeder(DemoSeeder("reports", seed_demo_report, order=1000))
        # Termly reports: each partnership's report the morning after its term ends, and a
        # sweep that queues again the jobs of workers that died.
        register_periodic_task(
            "termly-reports-for-ended-terms",
            "partnership.reports.tasks.queue_reports_for_ended_terms",
            crontab(hour=6, minute=15),
        )
        register_periodic_task(
            "termly-reports-requeue-stale", "partnership.reports.tasks.requeue_stale_reports", crontab(minute="*/5")
        )
        # Messages the broker refused while it was down (e-mails included), sent again.
        register_periodic_task("send-unsent-tasks", "partnership.tasks.send_unsent_tasks", 60.0)
        register_periodic_task(
            "clear-expired-sessions", "partnership.tasks.clear_expired_sessions", crontab(hour=3, minute=30)
        )
        register_periodic_task(
            "delete-old-form-tokens", "partnership.tasks.delete_old_form_tokens", crontab(hour=3, minute=40)
        )

        # The core's main pages, measured by `make bench` (apps register theirs the same way).
        register_bench_page(BenchPage("dashboard", "partnership_dashboard", order=0))
        # Every view of it rendered afresh, as on a person's first visit after a change.
        register_bench_page(
            BenchPage(
                "dashboard, uncached", "partnership_dashboard", order=1, settings=(("DASHBOARD_CACHE_SECONDS", 0),)
            )
        )
        register_bench_page(BenchPage("terms", "term_list", order=90))
        register_bench_page(BenchPage("invitations", "invitation_list", roles=("coordinator",), order=95))
        register_bench_page(BenchPage("audit log", "audit_log", roles=("coordinator",), order=99))

        from . import dashboard_cache, la_grants

        dashboard_cache.connect()
        la_grants.connect()
