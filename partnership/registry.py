"""Where apps plug into the core without the core importing them.

Each app registers, from its AppConfig.ready():
- navigation links (`register_nav`), shown to the roles whose predicate says yes, and
  links to deployment-wide pages (`register_deployment_nav`);
- dashboard panels (`register_dashboard_panel`);
- termly report sections (`register_report_section`);
- demo data seeders (`register_demo_seeder`), run by `seed_demo` in app order;
- periodic jobs for celery beat (`register_periodic_task`);
- large synthetic data (`register_scale_seeder`), run by `seed_scale` after the core and
  schools data, so each area adds its own rows in proportion;
- the main pages the benchmark measures (`register_bench_page`), run by `make bench`;
- other charges to a school (`register_school_charges`), which funding's school statement
  lists beside the contribution without importing the app that raised them.
(The shape follows pretix's plugin registries: `src/pretix/base/signals.py`.)
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str  # reversed with the partnership slug as its only argument
    is_visible: Callable[[Any, Any], bool]  # (user, partnership) -> bool
    order: int = 100
    # The link is marked current on its own URL and the URLs below it; `also_under` adds
    # another prefix (for example "/schools/" for school pages reached by id).
    also_under: str = ""
    exact: bool = False


@dataclass(frozen=True)
class DeploymentNavItem:
    """A link to a page of the deployment as a whole (no partnership in its URL), shown on
    every page to the people `is_visible(user)` admits: for example GIAS imports."""

    label: str
    url_name: str  # reversed with no arguments
    is_visible: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class DashboardPanel:
    """`context(request, partnership)` returns the template context, or None to hide the panel."""

    name: str
    title: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100
    width: str = "col-lg-6"


@dataclass(frozen=True)
class ReportSection:
    """A termly report section: `data(partnership, term)` gathers everything the template
    needs in a fixed number of queries; `csv_tables(data)` (optional) returns
    {filename: rows} for the CSV pack."""

    key: str
    title: str
    template: str
    data: Callable[[Any, Any], dict]
    order: int = 100
    csv_tables: Callable[[dict], dict[str, list[list]]] | None = None


@dataclass(frozen=True)
class DemoSeeder:
    """`seed(partnership, accounts)`: `accounts` maps demo role names to users."""

    name: str
    seed: Callable[..., Any]
    order: int = 100


@dataclass(frozen=True)
class ScaleSeeder:
    """`seed(context)`: `context` is a `partnership.scale.ScaleContext` with the ids of the
    partnerships, schools, users and terms `seed_scale` created, the sizes, the academic
    years and a seeded `random.Random`. Insert in bulk (`context.bulk_insert`)."""

    name: str
    seed: Callable[..., Any]
    order: int = 100


@dataclass(frozen=True)
class BenchPage:
    """A main page for `make bench`: `args(target)` gives the URL arguments, where `target`
    is a `bench.pages.Target` (a seeded partnership, one of its schools, its users by role).
    `roles` lists who is measured on it: coordinator, clerk, head, la_officer, staff.
    `settings` are (name, value) pairs overridden while it is measured."""

    name: str
    url_name: str
    args: Callable[[Any], list] = lambda target: [target.partnership.slug]
    roles: tuple[str, ...] = ("coordinator", "clerk", "head", "la_officer", "staff")
    order: int = 100
    settings: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class SchoolCharge:
    on: Any  # date
    description: str
    amount: Any  # Decimal
    url: str = ""


@dataclass(frozen=True)
class SchoolChargeSource:
    """`charges(partnership, school, start, end)` returns the `SchoolCharge`s the app raised to
    `school` between the dates (inclusive), in a fixed number of queries."""

    key: str
    title: str  # e.g. "CPD places"
    charges: Callable[[Any, Any, Any, Any], list[SchoolCharge]]
    order: int = 100


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    deployment_nav: list[DeploymentNavItem] = field(default_factory=list)
    dashboard_panels: list[DashboardPanel] = field(default_factory=list)
    report_sections: list[ReportSection] = field(default_factory=list)
    demo_seeders: list[DemoSeeder] = field(default_factory=list)
    scale_seeders: list[ScaleSeeder] = field(default_factory=list)
    bench_pages: list[BenchPage] = field(default_factory=list)
    school_charges: list[SchoolChargeSource] = field(default_factory=list)
    # Set by the schools app: partnership -> QuerySet of its current member schools.
    schools_in: Callable[[Any], Any] | None = None
    # Set by the schools app: (partnership=, school=, email=) -> why that e-mail may not be
    # made the school's headteacher through that partnership, or "" when it may.
    headteacher_refusal: Callable[..., str] | None = None


registry = Registry()


def _add(items: list, item) -> None:
    # ready() can run twice (tests, autoreload); keep one entry per name.
    key = getattr(item, "key", None) or getattr(item, "name", None) or getattr(item, "url_name", None)
    items[:] = [
        i for i in items if (getattr(i, "key", None) or getattr(i, "name", None) or getattr(i, "url_name", None)) != key
    ]
    items.append(item)
    items.sort(key=lambda i: i.order)


def register_nav(item: NavItem) -> None:
    _add(registry.nav, item)


def register_deployment_nav(item: DeploymentNavItem) -> None:
    _add(registry.deployment_nav, item)


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _add(registry.dashboard_panels, panel)


def register_report_section(section: ReportSection) -> None:
    _add(registry.report_sections, section)


def register_demo_seeder(seeder: DemoSeeder) -> None:
    _add(registry.demo_seeders, seeder)


def register_scale_seeder(seeder: ScaleSeeder) -> None:
    _add(registry.scale_seeders, seeder)


def register_bench_page(page: BenchPage) -> None:
    _add(registry.bench_pages, page)


def register_school_charges(source: SchoolChargeSource) -> None:
    _add(registry.school_charges, source)


def register_periodic_task(name: str, task: str, schedule, **options) -> None:
    """Adds a beat entry; with django-celery-beat's DatabaseScheduler the entries are
    synced into the database when beat starts, where operators can change them."""
    settings.CELERY_BEAT_SCHEDULE[name] = {"task": task, "schedule": schedule, **options}
