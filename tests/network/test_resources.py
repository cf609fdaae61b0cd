"""The resources library (issue 16, part 5): for signed-in partners and holders, searchable,
each with a licence; files checked as every upload (type, size), links http(s) only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.network.factories import ResourceFactory
from tierslieux.network.models import Resource

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def network(client):
    user = UserFactory(network=True)
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _data(**extra):
    return {
        "title": "Modèle de convention de mise à disposition",
        "kind": "model_document",
        "licence": "etalab-2.0",
        "description": "Le modèle des locaux.",
        **extra,
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("holder", 200),
        ("authority", 200),
        ("reader", 200),
        ("instructor", 200),
        ("network", 200),
    ],
)
def test_the_library_is_for_signed_in_partners_and_holders(client, role, status):
    ResourceFactory()
    if role:
        client.force_login(UserFactory(**{role: True}))
    assert client.get(reverse("network:resource_list"), **EN).status_code == status


def test_only_the_network_shares_a_resource(client):
    client.force_login(UserFactory(holder=True))
    assert client.get(reverse("network:resource_create"), **EN).status_code == 403
    assert (
        client.post(reverse("network:resource_create"), _data(url="https://a.org")).status_code
        == 403
    )
    assert not Resource.objects.exists()


def test_the_library_is_searched_in_titles_and_descriptions(client, network):
    ResourceFactory(title="Guide de la gouvernance partagée")
    ResourceFactory(
        title="Enregistrement du webinaire", kind="recording", description="Gouvernance"
    )
    ResourceFactory(title="Modèle de budget")
    html = client.get(reverse("network:resource_list"), {"q": "gouvernance"}, **EN).content.decode()
    assert "Guide de la gouvernance" in html and "Enregistrement du webinaire" in html
    assert "Modèle de budget" not in html
    html = client.get(
        reverse("network:resource_list"), {"q": "gouvernance", "kind": "recording"}, **EN
    ).content.decode()
    assert "Guide de la gouvernance" not in html and "Enregistrement du webinaire" in html


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "/relative", "ftp://a.org/x", "https://"],
)
def test_only_http_links_are_kept(client, network, url):
    response = client.post(reverse("network:resource_create"), _data(url=url), **EN)
    assert response.status_code == 200
    assert "http:// or https://" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_link_resource_is_rendered_as_a_safe_link(client, network):
    response = client.post(
        reverse("network:resource_create"), _data(url="https://example.org/m.odt")
    )
    assert response.status_code == 302
    html = client.get(reverse("network:resource_list"), **EN).content.decode()
    assert 'href="https://example.org/m.odt" rel="noopener noreferrer nofollow"' in html
    assert "Licence Ouverte / Etalab 2.0" in html


def test_a_checked_file_is_stored_privately_and_downloaded_by_partners(client, network):
    upload = SimpleUploadedFile("modèle.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(reverse("network:resource_create"), {**_data(), "file": upload}).status_code
        == 302
    )
    resource = Resource.objects.get()
    assert resource.file_name == "modèle.pdf" and resource.content_type == "application/pdf"
    assert "modèle" not in resource.file.name  # the user's name never reaches the disk
    url = reverse("network:resource_file", args=[resource.pk])
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(holder=True))
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_whose_content_is_not_its_type_is_refused(client, network):
    fake = SimpleUploadedFile("guide.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("network:resource_create"), {**_data(), "file": fake}, **EN)
    assert response.status_code == 200 and not Resource.objects.exists()
    exe = SimpleUploadedFile("outil.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(reverse("network:resource_create"), {**_data(), "file": exe}, **EN)
    assert response.status_code == 200 and not Resource.objects.exists()


def test_a_file_too_large_is_refused(client, network):
    big = SimpleUploadedFile(
        "gros.pdf", PDF + b"0" * (21 * 1024 * 1024), content_type="application/pdf"
    )
    response = client.post(reverse("network:resource_create"), {**_data(), "file": big}, **EN)
    assert response.status_code == 200 and not Resource.objects.exists()
    assert "20" in response.content.decode()


def test_a_link_and_a_file_together_are_refused(client, network):
    upload = SimpleUploadedFile("m.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("network:resource_create"), {**_data(url="https://a.org"), "file": upload}, **EN
    )
    assert response.status_code == 200 and "one of the two" in response.content.decode()
    assert not Resource.objects.exists()
