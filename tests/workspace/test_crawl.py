"""Follow every link a role is shown, from its start page and the home page (issue 12).

For each role (anonymous, every role group, superuser) the crawler starts on the home page and
the start page, follows each internal ``<a href>`` and each GET form's action to depth 3,
visiting one URL per URL shape (numbers and tokens in the path normalised, the query string of
the first URL of each shape kept), and asserts that none answers 4xx or 5xx, and that no link
shown sends the user to the login page.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

# Tests that read the database say so one by one: the others check pure rules.

MAX_DEPTH = 3
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/")
DOWNLOADS = re.compile(r"\.(pdf|docx|xlsx)$")
"""Generated documents are tested by their own apps (rendering a PDF takes seconds)."""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.urls.append(attributes["href"])
        elif tag == "form" and (attributes.get("method") or "get").lower() == "get":
            self.urls.append(attributes.get("action") or "")


def links_of(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.urls:
        if href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.scheme and parts.netloc not in ("", "testserver"):
            continue
        path = parts.path
        if not path or path.startswith(SKIPPED_PREFIXES) or DOWNLOADS.search(path):
            continue
        found.append(path + (f"?{parts.query}" if parts.query else ""))
    return found


def shape(url: str) -> str:
    """The URL's path with its numbers and tokens replaced (one visit per page kind)."""
    path = urlsplit(url).path
    path = re.sub(r"/\d+(?=/|$|\.)", "/<n>", path)
    return re.sub(r"/[A-Za-z0-9_-]{20,}(?=/|$)", "/<token>", path)


def crawl(client, starts: list[str]) -> tuple[dict[str, int], list[str]]:
    """Visit what the pages link to; return the status of each visited URL and the failures."""
    login = reverse(settings.LOGIN_URL)
    seen_shapes: set[str] = set()
    statuses: dict[str, int] = {}
    failures: list[str] = []
    queue = deque((url, 0, "(start)") for url in starts)
    while queue:
        url, depth, source = queue.popleft()
        key = shape(url)
        if key in seen_shapes:
            continue
        seen_shapes.add(key)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        statuses[url] = response.status_code
        if response.status_code >= 400:
            failures.append(f"{url} answered {response.status_code} (linked from {source})")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            location = response["Location"]
            if urlsplit(location).path == login:
                failures.append(f"{url} sends to the login page (linked from {source})")
            elif depth < MAX_DEPTH:
                queue.append((location, depth + 1, url))
            continue
        if depth >= MAX_DEPTH or "html" not in response.get("Content-Type", ""):
            continue
        for link in links_of(response.content.decode(), url):
            if shape(link) not in seen_shapes:
                queue.append((link, depth + 1, url))
    return statuses, failures


ROLES = [
    "anonymous",
    "holder",
    "instructor",
    "network",
    "authority",
    "reader",
    "national_reader",
    "superuser",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_link_shown_to_a_role_answers_an_error(client, world, role):
    starts = [reverse("workspace:home")]
    if role != "anonymous":
        client.force_login(world.users[role])
        starts.insert(0, reverse("workspace:start"))
    statuses, failures = crawl(client, starts)
    assert not failures, "\n".join(failures)
    assert len(statuses) > 10  # the crawl did go somewhere


def _start_links(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("workspace:start"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return {urlsplit(u).path for u in links_of(response.content.decode(), "/mon-espace/")}


@pytest.mark.django_db
def test_the_instructor_reaches_the_applications_list_from_its_start_page(client, world):
    links = _start_links(client, world.users["instructor"])
    assert reverse("calls:application_list") in links
    assert reverse("calls:budget_detail", args=[world.call.pk]) in links
    assert reverse("agreements:reminder_list") in links


@pytest.mark.django_db
def test_the_network_reaches_its_opinions_and_reviews(client, world):
    links = _start_links(client, world.users["network"])
    assert reverse("calls:opinion_list_mine") in links
    assert reverse("calls:review_list") in links
    assert reverse("agreements:journal_list") in links
    assert reverse("agreements:pipeline_detail") in links


@pytest.mark.django_db
def test_the_authority_reaches_its_premises_agreements_and_opinions(client, world):
    links = _start_links(client, world.users["authority"])
    assert reverse("agreements:premises_list") in links
    assert reverse("agreements:premises_detail", args=[world.premises.pk]) in links
    assert reverse("calls:opinion_list_mine") in links


@pytest.mark.django_db
def test_the_national_reader_reaches_every_regions_files_read_only(client, world):
    links = _start_links(client, world.users["national_reader"])
    assert reverse("calls:application_list") in links
    assert reverse("agreements:agreement_list") in links
    assert reverse("calls:review_list") in links
    assert reverse("agreements:premises_list") in links
    assert reverse("dashboard:dashboard_detail") in links


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["authority", "instructor"])
def test_authorities_and_the_region_reach_the_premises_on_offer(client, world, role):
    links = _start_links(client, world.users[role])
    assert reverse("premises:offer_create") in links
    assert reverse("premises:offer_list") in links


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["instructor", "network"])
def test_the_region_and_the_network_reach_the_programme_and_the_cohorts(client, world, role):
    links = _start_links(client, world.users[role])
    assert reverse("network:programme_list") in links
    assert reverse("training:cohort_list") in links
    assert reverse("network:resource_list") in links


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["holder", "authority", "reader"])
def test_partners_and_holders_reach_the_resources_only(client, world, role):
    links = _start_links(client, world.users[role])
    assert reverse("network:resource_list") in links
    assert reverse("network:programme_list") not in links


def test_shapes_normalise_numbers_and_tokens():
    assert shape("/appels/dossiers/12/instruction/?x=1") == "/appels/dossiers/<n>/instruction/"
    assert shape("/panorama/reponse/abcdefghijklmnopqrstuvwxyz/") == "/panorama/reponse/<token>/"
    assert shape("/conventions/3/convention.pdf") == "/conventions/<n>/convention.pdf"


@pytest.mark.django_db
def test_the_premises_match_is_reached_by_the_authority_and_the_holder(client, world):
    """The offer's page leads the authority to the agreement of the accepted project; the
    holder's start page lists its interests; the public map page links to the offers' layer."""
    links = _start_links(client, world.users["authority"])
    detail = reverse("premises:offer_detail", args=[world.offer.pk])
    assert detail in links
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    accepted = world.offer.interests.get(state="accepted")
    agreement = reverse("agreements:premises_detail", args=[accepted.agreement_id])
    assert agreement in links_of(page, detail)
    assert client.get(agreement, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    photo = reverse("premises:photo_view", args=[world.offer.photos.get().pk])
    assert f'src="{photo}"' in page and client.get(photo).status_code == 200
    assert detail in _start_links(client, world.users["holder"])
