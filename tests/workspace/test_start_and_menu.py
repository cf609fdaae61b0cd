"""The menu and the start page of each role show exactly what the role may open (issue 12)."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tierslieux.core.context_processors import NAVIGATION, navigation_for
from tierslieux.core.permissions import user_can
from tierslieux.core.roles import Role

# Tests that read the database say so one by one: the others check pure rules.

EVERYONE = {
    "places:place_list",
    "places:place_map",
    "territory:territory_detail",
    "calls:call_list",
    "premises:offer_list",
    "dashboard:dashboard_detail",
    "training:course_list",
}
MENU = {
    "anonymous": EVERYONE,
    "holder": EVERYONE | {"workspace:start", "agreements:agreement_list"},
    "instructor": EVERYONE
    | {
        "workspace:start",
        "calls:application_list",
        "agreements:agreement_list",
        "surveys:survey_list",
    },
    "network": EVERYONE
    | {
        "workspace:start",
        "calls:opinion_list_mine",
        "agreements:journal_list",
        "surveys:survey_list",
    },
    "authority": EVERYONE
    | {"workspace:start", "calls:opinion_list_mine", "agreements:premises_list"},
    "reader": EVERYONE | {"workspace:start"},
    "national_reader": EVERYONE
    | {"workspace:start", "calls:application_list", "agreements:agreement_list"},
    "superuser": EVERYONE
    | {
        "workspace:start",
        "calls:application_list",
        "calls:opinion_list_mine",
        "agreements:agreement_list",
        "surveys:survey_list",
    },
}


def _menu_urls(html: str) -> list[str]:
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(MENU))
def test_the_menu_of_each_role_links_exactly_the_pages_it_may_open(client, world, role):
    _login(client, world, role)
    html = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    shown = _menu_urls(html)
    assert sorted(shown) == sorted(reverse(name) for name in MENU[role])
    for url in shown:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["network", "authority", "reader"])
def test_agreements_list_is_not_offered_to_roles_it_refuses(client, world, role):
    _login(client, world, role)
    assert client.get(reverse("agreements:agreement_list")).status_code == 403
    html = client.get(reverse("workspace:home")).content.decode()
    assert f'href="{reverse("agreements:agreement_list")}"' not in html


@pytest.mark.django_db
def test_a_user_with_two_roles_gets_the_union_of_menus_and_panels(client, world):
    user = UserFactory(
        roles=[Role.NETWORK, Role.AUTHORITY], organisation=world.users["network"].organisation
    )
    names = {item["url_name"] for item in navigation_for(user)}
    # One "Agreements" item: its first page the user may open (premises), whose sub-menu
    # links the journal.
    assert names == (MENU["network"] | MENU["authority"]) - {"agreements:journal_list"}
    client.force_login(user)
    html = client.get(reverse("workspace:start")).content.decode()
    assert _panels(html) == START_PANELS["network"] | START_PANELS["authority"]
    assert (
        reverse("agreements:journal_list")
        in client.get(reverse("agreements:premises_list")).content.decode()
    )


def test_every_menu_item_names_known_actions():
    for item in NAVIGATION:
        for target in item.targets:
            for action in target.actions:
                user_can(None, action)  # KeyError on an unknown action
            reverse(target.url_name)


@pytest.mark.django_db
def test_the_current_section_is_marked(client, world):
    client.force_login(world.users["instructor"])
    html = client.get(reverse("calls:application_list")).content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    assert re.search(rf'href="{reverse("calls:application_list")}" aria-current="page"', nav)
    assert nav.count('aria-current="page"') == 1


# --- the start page ------------------------------------------------------------------------------


def _panels(html: str) -> set[str]:
    return set(re.findall(r'id="panel-([a-z_]+)"', html))


START_PANELS = {
    "holder": {
        "applications_mine",
        "organisation",
        "agreements_mine",
        "calls_open",
        "premises_offers",
        "resources",
        "evaluation",
    },
    "instructor": {
        "calls_open",
        "instruction",
        "reminders",
        "reviews",
        "agreements",
        "premises",
        "accompaniment",
        "surveys",
        "premises_offers",
        "partnership",
        "resources",
        "evaluation",
    },
    "network": {
        "opinions",
        "reviews",
        "accompaniment",
        "surveys",
        "premises_offers",
        "training",
        "partnership",
        "resources",
        "evaluation",
    },
    "authority": {"opinions", "premises", "premises_offers", "resources", "evaluation"},
    "reader": {"calls_open", "premises_offers", "resources", "evaluation"},
    "national_reader": {
        "calls_open",
        "national",
        "reviews",
        "premises",
        "accompaniment",
        "premises_offers",
        "evaluation",
        "resources",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(START_PANELS))
def test_start_page_panels_per_role(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("workspace:start"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert _panels(response.content.decode()) == START_PANELS[role]


@pytest.mark.django_db
def test_start_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("workspace:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_holder_start_page_lists_its_applications_agreement_and_organisation(client, world):
    client.force_login(world.users["holder"])
    html = client.get(reverse("workspace:start"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("calls:application_detail", args=[world.applications["draft"].pk]) in html
    assert "Draft" in html
    assert reverse("agreements:agreement_detail", args=[world.agreement.pk]) in html
    assert "Association Test" in html
    assert reverse("calls:application_create", args=[world.call.pk]) in html
    # Other organisations' applications are not listed.
    assert (
        reverse("calls:application_detail", args=[world.applications["instructing"].pk]) not in html
    )


@pytest.mark.django_db
def test_instructor_start_page_counts_applications_by_state(client, world):
    client.force_login(world.users["instructor"])
    html = client.get(reverse("workspace:start"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    base = reverse("calls:application_list")
    assert f'href="{base}?state=under_instruction"' in html
    assert f'href="{base}?state=accepted"' in html
    assert "?state=draft" not in html  # drafts are the holders' own
    accepted = re.search(
        r'state=accepted">[^<]+</a>\s*<span class="badge workspace__count">(\d+)', html
    )
    assert accepted.group(1) == "2"
    # The filtered list the count links to shows as many applications.
    listed = client.get(f"{base}?state=accepted", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 applications" in listed


@pytest.mark.django_db
def test_network_start_page_lists_the_opinion_asked(client, world):
    client.force_login(world.users["network"])
    html = client.get(reverse("workspace:start"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Instruit" in html
    assert reverse("agreements:pipeline_detail") in html


@pytest.mark.django_db
def test_login_lands_on_the_start_page_unless_next_says_otherwise(client, world):
    user = world.users["reader"]
    user.set_password("correct-horse-battery")
    user.save()
    url = reverse("accounts:login")
    response = client.post(url, {"username": "lecteur", "password": "correct-horse-battery"})
    assert response["Location"] == reverse("workspace:start")
    client.logout()
    response = client.post(
        f"{url}?next=/appels/",
        {"username": "lecteur", "password": "correct-horse-battery", "next": "/appels/"},
    )
    assert response["Location"] == "/appels/"


@pytest.mark.django_db
def test_dashboard_links_to_the_survey_only_for_those_who_may_open_it(client, world):
    client.force_login(world.users["reader"])
    html = client.get(reverse("dashboard:dashboard_detail")).content.decode()
    assert reverse("surveys:survey_list") not in html


@pytest.mark.django_db
def test_home_offers_search_near_me_and_the_count_of_open_places(client, world):
    html = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="{reverse("places:place_list")}"' in html
    assert f'action="{reverse("places:place_near")}"' in html
    assert "1 open tiers-lieu" in html  # the project place is not open
    response = client.get(reverse("places:place_near"), {"q": "Bressuire"})
    assert response.status_code == 200
