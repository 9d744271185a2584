from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership (core)"

    def ready(self):
        from .permissions import can_invite, can_manage_partnership, has_role
        from .registry import BenchPage, NavItem, register_bench_page, register_nav

        register_nav(NavItem("Dashboard", "partnership_dashboard", lambda user, p: True, order=0, exact=True))
        register_nav(NavItem("Terms", "term_list", lambda user, p: has_role(user, p), order=90))
        register_nav(NavItem("Invitations", "invitation_list", can_invite, order=95))
        register_nav(NavItem("Audit log", "audit_log", can_manage_partnership, order=99))

        # The core's main pages, measured by `make bench` (apps register theirs the same way).
        register_bench_page(BenchPage("dashboard", "partnership_dashboard", order=0))
        register_bench_page(BenchPage("terms", "term_list", order=90))
        register_bench_page(BenchPage("invitations", "invitation_list", roles=("coordinator",), order=95))
        register_bench_page(BenchPage("audit log", "audit_log", roles=("coordinator",), order=99))
