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
