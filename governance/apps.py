from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self):
        from partnership.permissions import has_role
        from partnership.registry import (
            BenchPage,
            DashboardPanel,
            DemoSeeder,
            NavItem,
            ReportSection,
            ScaleSeeder,
            register_bench_page,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
            register_periodic_task,
            register_report_section,
            register_scale_seeder,
        )

        from . import dashboard, demo, report, scale

        register_nav(
            NavItem(
                "Committees",
                "governance:committee_list",
                lambda user, p: has_role(user, p),
                order=20,
                also_under="/governance/",
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                "governance",
                "Committees",
                "governance/panels/committees.html",
                dashboard.committees_panel,
                order=20,
                width="col-lg-5",
            )
        )
        register_report_section(
            ReportSection(
                key="governance",
                title="Governance",
                template="governance/report_section.html",
                data=report.governance_section,
                order=20,
                csv_tables=report.governance_csv,
            )
        )
        register_demo_seeder(DemoSeeder("governance", demo.seed, order=20))
        register_periodic_task(
            "governance-requeue-stalled-documents", "governance.tasks.requeue_stalled_documents", 600.0
        )
        register_scale_seeder(ScaleSeeder("governance", scale.seed, order=20))
        members = ("coordinator", "clerk", "head", "la_officer")
        register_bench_page(BenchPage("committee list", "governance:committee_list", roles=members, order=20))
        register_bench_page(
            BenchPage("committee page", "governance:committee_detail", scale.strategic_committee, members, order=21)
        )
        register_bench_page(
            BenchPage("meeting page", "governance:meeting_detail", scale.latest_held_meeting, members, order=22)
        )
