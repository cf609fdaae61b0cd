"""Every asset ships with the product: no page loads a script, style or image from elsewhere."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/territoire/",
    "/tiers-lieux/",
    "/tiers-lieux/carte/",
    "/tiers-lieux/pres-de-chez-moi/?q=Pau",
    "/tiers-lieux/proposer/",
    "/api/docs",
    "/comptes/connexion/",
]
ASSET = re.compile(r'<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)="([^"]+)"', re.IGNORECASE)


@pytest.mark.parametrize("url", PAGES)
def test_page_assets_are_local(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assets = ASSET.findall(response.content.decode())
    assert assets, "the page should load at least its stylesheet"
    remote = [a for a in assets if re.match(r"^(https?:)?//", a)]
    assert remote == []


def test_every_page_names_its_favicon_and_the_files_exist(client):
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="/static/([^"]+)"', html)
    assert {"img/favicon.svg", "img/favicon-32.png"} <= set(icons)
    for icon in icons:
        assert finders.find(icon), icon
