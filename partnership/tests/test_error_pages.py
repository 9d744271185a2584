"""Error pages are the portal's own: the layout, a plain explanation and a way back."""

from django.template import loader
from django.urls import reverse

from partnership.testing import Client


def test_a_page_that_does_not_exist_says_so_in_the_portal_layout(world, client):
    client.force_login(world.user("head"))
    response = client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and 'href="/">Go to your dashboard' in page and 'id="main"' in page


def test_another_partnerships_page_is_not_found_for_an_outsider(world, client):
    client.force_login(world.user("outsider"))
    response = client.get(reverse("schools:school_detail", args=[world.school.pk]))
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_a_read_only_role_trying_to_change_something_is_told_plainly(world, client):
    client.force_login(world.user("staff"))
    response = client.post(reverse("term_list", args=[world.partnership.slug]), {"name": "x"})
    assert response.status_code == 403 and "You cannot do this" in response.content.decode()


def test_a_form_posted_without_its_csrf_token_is_refused_with_an_explanation(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("coordinator"))
    response = client.post(reverse("term_list", args=[world.partnership.slug]), {"name": "Spring"})
    page = response.content.decode()
    assert response.status_code == 403 and "This form has expired" in page and "Nothing was saved" in page


def test_the_server_error_page_renders_without_a_request():
    page = loader.get_template("500.html").render()  # as Django's server_error view renders it
    assert "Something went wrong" in page and '<html lang="en-GB">' in page
