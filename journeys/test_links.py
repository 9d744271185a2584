"""Every link works: on seeded data with every area's activity (seed_scale, three small
partnerships), each role follows the links of every page it can reach, as a person
clicking around would, and no link leads to an error page.

The permission matrix proves what each role may open; this proves the pages only offer
what the role may open (a federation governing a school of another partnership once
linked to a page that role could not see)."""

from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from bench.pages import find_target
from partnership.scale import seed_scale
from partnership.testing import Client
from schools.models import School

PAGES_PER_ROLE = 300
VARIANTS_PER_PATH = 4  # query strings (filters, sorting, pages) of one path
SKIPPED = ("/accounts/logout/", "/static/", "/media/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def local(base: str, href: str) -> str | None:
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None  # mailto:, tel:, other sites
    if parts.path.startswith(SKIPPED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client) -> tuple[int, list[str]]:
    """Follows links breadth first from the home page; returns pages seen and broken links."""
    queue, seen, broken = deque([("/", "(start)")]), set(), []
    variants = defaultdict(int)
    while queue and len(seen) < PAGES_PER_ROLE:
        url, found_on = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            target = local(url, response["Location"])
            if target:
                queue.appendleft((target, found_on))
            continue
        if response.status_code >= 400:
            broken.append(f"{url} answered {response.status_code} (linked from {found_on})")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue  # a download
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = local(url, href)
            if target is None or target in seen:
                continue
            path = urlsplit(target).path
            if "?" in target:
                if variants[path] >= VARIANTS_PER_PATH:
                    continue
                variants[path] += 1
            queue.append((target, url))
    return len(seen), broken


@pytest.mark.django_db
def test_no_link_any_role_is_shown_leads_to_an_error_page():
    seed_scale(schools=45, partnerships=3, years=2, log=lambda message: None)
    target = find_target()
    # A federation across two partnerships (the seeder makes one only by chance).
    members = School.objects.in_partnership(target.partnership)
    own = members.exclude(governing_body=None).order_by("pk").first()
    School.objects.filter(
        pk=School.objects.exclude(partnership_memberships__partnership=target.partnership)[:1]
    ).update(governing_body=own.governing_body_id)
    problems, visited = [], {}
    for role, user in sorted(target.users.items()):
        client = Client()
        client.force_login(user)
        visited[role], broken = crawl(client)
        problems += [f"as {role}: {line}" for line in broken]
    assert all(count > 40 for count in visited.values()), visited  # the crawl really went round
    assert not problems, "Links to error pages:\n" + "\n".join(problems)
