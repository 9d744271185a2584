import pytest
from django.urls import reverse

from partnership.audit import record
from partnership.templatetags.portal import verb_label


def test_an_audit_verb_reads_as_words():
    assert verb_label("improvement.support.visit_logged") == "Support visit logged"
    assert verb_label("partnership.report.downloaded") == "Report downloaded"
    assert verb_label("single") == "Single"
    assert verb_label(None) == ""


@pytest.mark.django_db
def test_the_audit_log_shows_what_happened_in_words_not_the_raw_verb(world, client):
    coordinator = world.user("coordinator")
    record(actor=coordinator, verb="improvement.peer_round.created", target=world.school, partnership=world.partnership)
    client.force_login(coordinator)

    page = client.get(reverse("audit_log", args=[world.partnership.slug])).content.decode()

    assert "Peer round created" in page
    assert "peer_round" not in page
