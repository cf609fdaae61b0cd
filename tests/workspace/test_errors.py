"""The product's error pages with DEBUG off: status, layout, language, no traceback."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.workspace.urls_errors")]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _page(client, url, status, language="en", **kwargs):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, **kwargs)
    assert response.status_code == status
    html = response.content.decode()
    assert "Traceback" not in html and "Exception" not in html
    return html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_404_in_the_layout_with_the_language(client, language):
    html = _page(client, "/nulle-part/", 404, language)
    assert f'<html lang="{language}">' in html
    assert 'class="main-nav"' in html and 'id="language-select"' in html
    assert f'href="{reverse("workspace:home")}"' in html


def test_404_in_english_says_why_and_where_to_go(client):
    html = _page(client, "/nulle-part/", 404)
    assert "This page does not exist" in html
    assert "Where to go now" in html


def test_404_of_a_missing_object(client):
    _page(client, reverse("places:place_detail", args=[987654]), 404)


def test_403_for_a_signed_in_user_links_to_its_start_page(client, world):
    client.force_login(world.users["reader"])
    html = _page(client, reverse("agreements:agreement_list"), 403)
    assert '<html lang="en">' in html
    assert "You may not open this page" in html
    assert f'href="{reverse("workspace:start")}"' in html
    assert 'class="main-nav"' in html


def test_403_for_an_anonymous_visitor_offers_to_log_in(client):
    html = _page(client, "/erreurs/403/", 403)
    assert f'href="{reverse("accounts:login")}?next=/erreurs/403/"' in html


def test_400(client):
    html = _page(client, "/erreurs/400/", 400)
    assert "could not be understood" in html and 'class="main-nav"' in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_500_is_a_plain_page_in_the_language(client, language):
    client.raise_request_exception = False
    html = _page(client, "/erreurs/500/", 500, language)
    assert f'<html lang="{language}">' in html
    assert "main-nav" not in html  # no request context: no menu that could fail again
    assert "boom" not in html


def test_csrf_failure_page(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="en">' in html and "The form could not be sent" in html
    assert 'class="main-nav"' in html
    assert "CSRF cookie not set" not in html and "Help" not in html  # not Django's page
