"""External links of places: only http(s) stored (importers, proposals, API, model), only
http/https/mailto rendered as links, and the old bad values neutralised by a migration."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.api.conftest import bearer
from tests.places.factories import PlaceFactory
from tests.places.test_importers import cget_file, cget_row
from tierslieux.core.links import safe_href, validate_social_links
from tierslieux.places.models import Place, PlaceProposal
from tierslieux.places.services import ImportRejected, places_import

SCRIPT_URLS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " \tjava\tscript:alert(1)",
    "javascript:alert('a b')//",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]


# --- the filter --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*SCRIPT_URLS, "ftp://example.org/", "//evil.example", "/x", ""])
def test_safe_url_renders_no_link_for_other_schemes(url):
    assert safe_href(url) == ""


@pytest.mark.parametrize(
    "url", ["https://tiers-lieux.example.org/a?b=c", "http://example.org", "mailto:a@example.org"]
)
def test_safe_url_keeps_web_and_mail_addresses(url):
    assert safe_href(url) == url


def test_safe_url_filter_in_a_template():
    template = Template('{% load links %}<a href="{{ url|safe_url }}">')
    assert template.render(Context({"url": "javascript:alert(1)"})) == '<a href="">'
    rendered = template.render(Context({"url": 'https://e.example/"onmouseover=x'}))
    assert rendered == '<a href="https://e.example/&quot;onmouseover=x">'


# --- model ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "links",
    [
        {"twitter": "javascript:alert(1)"},
        {"facebook": "ftp://example.org"},
        {"Bad Name": "https://example.org"},
        {"twitter": 3},
        ["https://example.org"],
        {f"n{i}": "https://example.org" for i in range(11)},
    ],
)
def test_social_links_validator_refuses(links):
    with pytest.raises(ValidationError):
        validate_social_links(links)


@pytest.mark.django_db
def test_model_refuses_script_and_ftp_websites():
    place = PlaceFactory.build(website="ftp://example.org/", social_links={})
    with pytest.raises(ValidationError) as error:
        place.full_clean(exclude=["search_text"])
    assert "website" in error.value.message_dict
    place = PlaceFactory.build(social_links={"twitter": "javascript:alert(1)"})
    with pytest.raises(ValidationError) as error:
        place.full_clean(exclude=["search_text"])
    assert "social_links" in error.value.message_dict


# --- importer ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["TWITTER", "FACEBOOK", "WEB"])
@pytest.mark.parametrize("url", SCRIPT_URLS[:3])
def test_import_row_with_a_script_link_is_refused_with_line_and_reason(column, url):
    staff = UserFactory(network=True)
    data = cget_file(cget_row(ID="1"), cget_row(ID="2", **{column: url}))
    with pytest.raises(ImportRejected) as caught:
        places_import(source="cget_2019", data=data, by=staff)
    assert [e.line for e in caught.value.errors] == [3]
    assert "http://" in caught.value.errors[0].reason or "link" in caught.value.errors[0].reason
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_import_keeps_good_social_links_and_warns_about_notes():
    staff = UserFactory(network=True)
    data = cget_file(cget_row(ID="1", TWITTER="twitter.com/lieu", FACEBOOK="voir la page du lieu"))
    report = places_import(source="cget_2019", data=data, by=staff)
    place = Place.objects.get()
    assert place.social_links == {"twitter": "https://twitter.com/lieu"}
    assert [w.line for w in report.warnings] == [2]


# --- page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_place_page_renders_no_script_link(client):
    """A bad value already stored (before this check existed) is shown as text, not a link."""
    place = PlaceFactory(website="https://ok.example.org")
    Place.objects.filter(pk=place.pk).update(
        social_links={"twitter": "javascript:alert(document.domain)"}
    )
    html = client.get(place.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html.lower()
    assert "javascript:alert" not in html
    assert 'href="https://ok.example.org"' in html


# --- proposals and API ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/"])
def test_proposal_refuses_a_non_web_address(client, url):
    response = client.post(
        reverse("places:proposal_create"),
        {
            "name": "Le Nouveau Lieu",
            "kinds": ["coworking"],
            "state": "open",
            "commune": "87085",
            "website": url,
            "proposer_name": "Alex",
            "proposer_email": "alex@example.org",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["website"]
    assert not PlaceProposal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/"])
def test_api_refuses_a_non_web_address(client, url):
    from tierslieux.api.services import api_token_create

    instructor = UserFactory(instructor=True)
    token = api_token_create(user=instructor, name="test", by=instructor)[1]
    response = client.post(
        "/api/places",
        {"nom": "Lieu", "commune": "87085", "site_web": url},
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 422, response.content
    assert "site_web" in response.json()["errors"]
    assert not Place.objects.exists()


# --- migration -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_migration_neutralises_stored_bad_links():
    good = PlaceFactory(website="https://ok.example.org", social_links={})
    bad = PlaceFactory()
    Place.objects.filter(pk=bad.pk).update(
        website="javascript:alert(1)",
        social_links={"twitter": "javascript:alert(1)", "facebook": "https://fb.example/x"},
    )
    migration = importlib.import_module("tierslieux.places.migrations.0003_http_only_links")
    migration.neutralise_links(django_apps, None)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.website == "" and bad.social_links == {"facebook": "https://fb.example/x"}
    assert good.website == "https://ok.example.org"


# --- hostile characters in an import -------------------------------------------------------


@pytest.mark.django_db
def test_import_refuses_a_nul_character_anywhere_in_the_file():
    """The form checks the first 8 KB; the reader checks the whole file (PostgreSQL would
    refuse the row at save time with a server error)."""
    staff = UserFactory(network=True)
    rows = [cget_row(ID=str(i)) for i in range(1, 200)] + [cget_row(ID="200", ADRESSE="a\x00b")]
    with pytest.raises(ImportRejected) as caught:
        places_import(source="cget_2019", data=cget_file(*rows), by=staff)
    assert "NUL" in caught.value.errors[0].reason
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_import_strips_bidirectional_overrides_from_names():
    staff = UserFactory(network=True)
    places_import(
        source="cget_2019", data=cget_file(cget_row(ID="1", NOM_TL="Lieu\u202e ffo")), by=staff
    )
    assert Place.objects.get().name == "Lieu ffo"
