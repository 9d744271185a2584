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
