"""The runtime: settings from the environment, the real Celery worker, the browser."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from conftest import needs_service, sign_in_browser
from partnership.tasks import ping

ROOT = settings.BASE_DIR


def run_manage(*args, env_extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_", "SECRET"))}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_without_a_secret_key_refuses_to_start_with_a_clear_message():
    result = run_manage("check", env_extra={"DJANGO_PRODUCTION": "true", "ALLOWED_HOSTS": "portal.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_reports_nothing_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_PRODUCTION": "true",
            "SECRET_KEY": "x" * 30 + "-a-very-long-random-production-secret-key-123456",
            "ALLOWED_HOSTS": "portal.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_data_is_refused_when_debug_is_off(tmp_path):
    result = run_manage(
        "seed_demo",
        env_extra={
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": "y" * 60,
            "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        },
    )
    assert result.returncode != 0 and "Refusing to load demo accounts" in result.stderr


def test_a_debug_value_that_is_not_true_or_false_is_an_error():
    result = run_manage("check", env_extra={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0 and "DJANGO_DEBUG must be true or false" in result.stderr


def test_a_real_task_runs_through_redis_on_a_real_worker(celery_worker_real):
    assert not celery_worker_real.conf.task_always_eager
    assert "redis" in celery_worker_real.conf.broker_url
    assert ping.delay(41).get(timeout=30) == 42


@pytest.mark.django_db(transaction=True)
def test_the_database_in_ci_is_postgresql():
    from django.db import connection

    if os.environ.get("CI", "").lower() == "true" or os.environ.get("DATABASE_URL"):
        if connection.vendor != "postgresql":
            needs_service("PostgreSQL (set DATABASE_URL)")
        with connection.cursor() as cursor:
            cursor.execute("select 1")
            assert cursor.fetchone() == (1,)
    else:
        assert connection.vendor == "sqlite"


def test_the_demo_data_loads_winsford_with_its_fifteen_schools_and_five_accounts(db):
    from partnership.demo import seed_demo
    from partnership.models import Role, RoleGrant, Term
    from schools.models import School

    partnership = seed_demo()
    schools = School.objects.in_partnership(partnership)
    assert schools.count() == 15
    assert schools.filter(phase="Primary").count() == 12
    assert schools.filter(type_of_establishment="Community special school").count() == 2
    assert schools.filter(name__icontains="Infant").exists() and schools.filter(name__icontains="Junior").exists()
    assert Term.current_for(partnership) is not None
    head = RoleGrant.objects.get(user__email="head.darnhall@demo.test")
    assert head.role == Role.HEADTEACHER and head.school.name == "Darnhall Primary School"
    seed_demo()  # loading twice changes nothing
    assert School.objects.count() == 15


@pytest.mark.browser
def test_a_headteacher_signs_in_and_sees_the_dashboard_in_chromium(live_server, page, transactional_db):
    from conftest import build_world

    build_world()
    sign_in_browser(page, live_server, "head@example.org")
    page.wait_for_url(f"{live_server.url}/p/winsford/")
    assert page.get_by_role("heading", name="Winsford Education Partnership").is_visible()
    assert page.get_by_role("cell", name="412").is_visible()
    assert page.get_by_role("link", name="Skip to main content").count() == 1


def test_the_health_check_answers_without_signing_in(client, db):
    response = client.get("/healthz", HTTP_HOST="not-an-allowed-host.example")
    assert response.status_code == 200 and response.content == b"ok"


def test_docker_compose_validates_and_names_the_whole_set_of_services():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            "docker-compose.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    compose = (ROOT / "docker-compose.yml").read_text()
    for service in ("web:", "worker:", "beat:", "db:", "redis:"):
        assert f"\n  {service}" in compose
    assert "gunicorn" in compose and "celery" in compose


def test_private_files_are_not_served_from_any_public_url(client, db, tmp_path, settings):
    from partnership.pdf import save_private_file

    name, checksum, size = save_private_file("checks/secret-minutes.pdf", b"%PDF-1.7 secret")
    assert size == 15 and len(checksum) == 64
    for url in (f"/{name}", f"/media/{name}", f"/static/{name}", f"/private_media/{name}"):
        response = client.get(url)
        assert response.status_code == 404, url
    assert settings.PRIVATE_MEDIA_ROOT != settings.STATIC_ROOT


def test_a_worker_process_warms_pdf_rendering_up_when_it_starts_and_a_failure_never_stops_it(monkeypatch, caplog):
    from celery.signals import worker_process_init

    from partnership import celery, pdf

    rendered = []
    monkeypatch.setattr(pdf, "render_pdf", lambda html: rendered.append(html) or (b"%PDF", 1))
    worker_process_init.send(sender=None)
    assert len(rendered) == 1 and "lang=" in rendered[0]

    def broken(html):
        raise OSError("libpango missing")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    celery.warm_up_pdf_rendering()  # logged, not raised
    assert "PDF warm-up failed" in caplog.text


def test_expired_sessions_are_cleared_every_night(db):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from partnership.tasks import clear_expired_sessions

    Session.objects.create(session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=timezone.now() + timedelta(days=1))
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == "partnership.tasks.clear_expired_sessions"
