"""Load figures for `make bench`: the GIAS import (schools.gias.benchmark_import) and the
school list with many schools in one partnership (benchmark_school_list)."""

import statistics
import time
from datetime import date

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse


class _Discard(Exception):
    pass


def benchmark_school_list(schools: int = 25_000, repeat: int = 5) -> dict:
    """Puts `schools` schools in one partnership (inside a transaction that is rolled back),
    then times the school list as a headteacher sees it: median milliseconds per request
    for the first page, a sort by pupils, a phase filter, a name search and the last page."""
    import tempfile
    from pathlib import Path

    from partnership.models import LocalAuthority, Partnership, Role, RoleGrant, User

    from .gias import import_gias, write_gias_csv
    from .models import PartnershipMembership, School

    figures: dict = {"schools": schools}
    try:
        with transaction.atomic():
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "extract.csv"
                write_gias_csv(path, schools, start_urn=600000)
                with open(path, "rb") as binary:
                    import_gias(binary, source="list benchmark")
            la, _ = LocalAuthority.objects.get_or_create(code="999", defaults={"name": "Benchmark County"})
            partnership = Partnership.objects.create(
                name="Benchmark Partnership", slug="benchmark-list", local_authority=la
            )
            ids = list(School.objects.filter(urn__gte=600000, urn__lt=600000 + schools).values_list("pk", flat=True))
            PartnershipMembership.objects.bulk_create(
                [
                    PartnershipMembership(partnership=partnership, school_id=pk, joined_on=date(2020, 9, 1))
                    for pk in ids
                ],
                batch_size=5000,
            )
            if connection.vendor == "postgresql":
                # Autovacuum would have analysed tables this size in production; an open
                # transaction hides the new rows from it, so analyse them here.
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {School._meta.db_table}, {PartnershipMembership._meta.db_table}")
            user = User.objects.create_user(email="bench.head@example.org", password=None)
            RoleGrant.objects.create(user=user, partnership=partnership, role=Role.HEADTEACHER, school_id=ids[0])
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            url = reverse("schools:school_list", args=[partnership.slug])
            last_page = (len(ids) + 49) // 50
            for label, url_params in [
                ("ping", (reverse("ping"), {})),
                ("school_page", (reverse("schools:school_detail", args=[ids[0]]), {})),
            ]:
                client.get(*url_params)
                figures[f"{label}_ms"] = _median_ms(client, *url_params, repeat=repeat)
            for label, params in [
                ("first_page", {}),
                ("sorted_by_pupils", {"sort": "-pupils"}),
                ("phase_filter", {"phase": "Secondary"}),
                ("name_search", {"q": "chad"}),
                ("last_page", {"page": last_page}),
            ]:
                client.get(url, params)  # warm up
                figures[f"{label}_ms"] = _median_ms(client, url, params, repeat=repeat)
            raise _Discard
    except _Discard:
        pass
    return figures


def _median_ms(client, url, params, *, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return round(statistics.median(timings), 1)
