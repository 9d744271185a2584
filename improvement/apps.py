from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "School improvement"

    def ready(self):
        from celery.schedules import crontab

        from partnership.registry import (
            DashboardPanel,
            DemoSeeder,
            NavItem,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
            register_periodic_task,
        )

        from . import dashboard, demo, report, rules

        register_nav(
            NavItem(
                "Improvement",
                "improvement:overview",
                lambda user, p: rules.is_member(user, p),
                order=60,
                also_under="/improvement/",
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                "improvement_support",
                "Schools needing support",
                "improvement/panels/support.html",
                dashboard.support_panel,
                order=35,
            )
        )
        register_dashboard_panel(
            DashboardPanel("improvement_news", "News", "improvement/panels/news.html", dashboard.news_panel, order=5)
        )
        register_demo_seeder(DemoSeeder("improvement", demo.seed, order=50))
        register_periodic_task(
            "improvement-survey-reminders", "improvement.tasks.send_survey_reminders", crontab(hour=8, minute=30)
        )
        register_periodic_task(
            "improvement-news-digest",
            "improvement.tasks.send_news_digests",
            crontab(day_of_week="mon", hour=7, minute=0),
        )
        report.register()

        from partnership.registry import BenchPage, ScaleSeeder, register_bench_page, register_scale_seeder

        from . import scale

        register_scale_seeder(ScaleSeeder("improvement", scale.seed, order=50))
        members = ("coordinator", "head", "la_officer")
        register_bench_page(BenchPage("improvement overview", "improvement:overview", roles=members, order=50))
        register_bench_page(BenchPage("improvement plan", "improvement:plan_detail", scale.latest_plan, members, 51))
        register_bench_page(BenchPage("categorisation", "improvement:categorisation_list", roles=members, order=52))
        register_bench_page(BenchPage("support", "improvement:support_list", roles=members, order=53))
        register_bench_page(
            BenchPage("survey page", "improvement:survey_detail", scale.latest_survey, ("coordinator",), 54)
        )
        register_bench_page(BenchPage("news", "improvement:news_list", order=55))
