"""Directory pages per role: list, search, filters, detail, proposals, review, import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.places.models import Place, PlaceProposal, ProposalState

pytestmark = pytest.mark.django_db


def test_list_shows_published_places_only_to_the_public(client):
    PlaceFactory(name="Le Visible")
    PlaceFactory(name="Le Caché", unpublished=True)
    html = client.get(reverse("places:place_list")).content.decode()
    assert "Le Visible" in html
    assert "Le Caché" not in html


def test_directory_staff_see_unpublished_places(client):
    PlaceFactory(name="Le Caché", unpublished=True)
    client.force_login(UserFactory(network=True))
    assert "Le Caché" in client.get(reverse("places:place_list")).content.decode()


def test_holder_does_not_see_unpublished_places(client):
    place = PlaceFactory(name="Le Caché", unpublished=True)
    client.force_login(UserFactory(holder=True))
    assert "Le Caché" not in client.get(reverse("places:place_list")).content.decode()
    assert client.get(reverse("places:place_detail", args=[place.pk])).status_code == 404


def test_search_ignores_accents_and_case_and_needs_every_word(client):
    PlaceFactory(name="La Fabrique Numérique", commune=commune("64122"))
    PlaceFactory(name="La Fabrique du Bois", commune=commune("33063"))
    url = reverse("places:place_list")
    html = client.get(url, {"q": "fabrique NUMERIQUE"}).content.decode()
    assert "La Fabrique Numérique" in html and "La Fabrique du Bois" not in html
    html = client.get(url, {"q": "biarritz"}).content.decode()
    assert "La Fabrique Numérique" in html and "La Fabrique du Bois" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"departement": "64"}, {"Biarritz"}),
        ({"epci": "243300316"}, {"Bordeaux"}),
        ({"commune": "33063"}, {"Bordeaux"}),
        ({"commune": "bordeaux"}, {"Bordeaux"}),
        ({"commune": "33000"}, {"Bordeaux"}),
        ({"commune": "Biarritz (64)", "commune_code": "64122"}, {"Biarritz"}),
        ({"kind": "fablab"}, {"Biarritz"}),
        ({"service": "cafe"}, {"Bordeaux"}),
        ({"state": "project"}, {"Biarritz"}),
    ],
)
def test_filters(client, params, expected):
    PlaceFactory(name="Lieu Bordeaux", services=["cafe"])
    PlaceFactory(name="Lieu Biarritz", commune=commune("64122"), kinds=["fablab"], project=True)
    html = client.get(reverse("places:place_list"), params).content.decode()
    shown = {city for city in ("Bordeaux", "Biarritz") if f"Lieu {city}" in html}
    assert shown == expected


def test_pagination_keeps_the_filters(client):
    for i in range(25):
        PlaceFactory(name=f"Lieu {i:02d}")
    response = client.get(reverse("places:place_list"), {"q": "lieu"})
    html = response.content.decode()
    assert "25 tiers-lieux" in html
    assert "q=lieu&amp;page=2" in html
    assert (
        "Lieu 24"
        in client.get(reverse("places:place_list"), {"q": "lieu", "page": 2}).content.decode()
    )


def test_htmx_request_gets_only_the_results(client):
    PlaceFactory(name="Lieu X")
    response = client.get(reverse("places:place_list"), HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "Lieu X" in response.content.decode()


def test_bad_filter_keeps_what_was_typed_and_says_why(client):
    html = client.get(
        reverse("places:place_list"), {"commune": "99999", "q": "abc"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'value="99999"' in html and 'value="abc"' in html
    assert "No commune of Nouvelle-Aquitaine matches “99999”" in html


def test_an_ambiguous_commune_filter_lists_the_communes_to_choose(client):
    PlaceFactory(name="Lieu Mérignac", commune=commune("33281"))
    url = reverse("places:place_list")
    html = client.get(url, {"commune": "Mérignac"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Several communes match “Mérignac”" in html
    assert 'name="commune_choice" value="33281"' in html
    html = client.get(url, {"commune": "Mérignac", "commune_choice": "33281"}).content.decode()
    assert "Lieu Mérignac" in html


def test_detail_shows_the_attribution_of_the_source(client):
    place = PlaceFactory(source="cget_2019", source_id="1")
    html = client.get(reverse("places:place_detail", args=[place.pk])).content.decode()
    assert place.name in html
    assert "CGET / ANCT, Mission Coworking, 2019" in html


PROPOSAL = {
    "name": "Le Nouveau Lieu",
    "kinds": ["coworking"],
    "state": "open",
    "commune": "87085",
    "proposer_name": "Alex",
    "proposer_email": "alex@example.org",
}


def test_visitor_proposes_a_place_that_waits_unpublished(client):
    response = client.post(reverse("places:proposal_create"), PROPOSAL)
    assert response.status_code == 302
    proposal = PlaceProposal.objects.get()
    assert proposal.state == ProposalState.PENDING and proposal.is_new_place
    assert not Place.objects.exists()


def test_invalid_proposal_keeps_what_was_typed(client):
    response = client.post(
        reverse("places:proposal_create"),
        {**PROPOSAL, "commune": "00000"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Le Nouveau Lieu"' in html
    assert "No commune of Nouvelle-Aquitaine matches “00000”" in html
    assert 'value="00000"' in html
    assert not PlaceProposal.objects.exists()


def test_a_citizen_proposes_a_place_by_typing_bressuire(client):
    """Issue 12: the commune is typed by its name; the INSEE code is kept behind it."""
    response = client.post(reverse("places:proposal_create"), {**PROPOSAL, "commune": "Bressuire"})
    assert response.status_code == 302
    assert PlaceProposal.objects.get().data["commune"] == "79049"


def test_a_citizen_proposes_a_place_by_typing_a_shared_postcode(client):
    """79300 is the postcode of four communes (and Sainte-Verge's INSEE code): the form lists
    them as radio buttons, the citizen picks Bressuire, the proposal is sent."""
    url = reverse("places:proposal_create")
    response = client.post(url, {**PROPOSAL, "commune": "79300"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Several communes match “79300”" in html
    for code in ("79013", "79038", "79049", "79238", "79300"):
        assert f'name="commune_choice" value="{code}"' in html
    assert 'value="Le Nouveau Lieu"' in html  # nothing typed is lost
    assert not PlaceProposal.objects.exists()
    response = client.post(url, {**PROPOSAL, "commune": "79300", "commune_choice": "79049"})
    assert response.status_code == 302
    assert PlaceProposal.objects.get().data["commune"] == "79049"


def test_the_proposal_form_offers_the_commune_autocomplete(client):
    html = client.get(reverse("places:proposal_create")).content.decode()
    assert "data-commune-field" in html
    assert 'name="commune_code"' in html
    assert "js/commune-field.js" in html
    # The old INSEE-only field cut "Bressuire" to 5 characters.
    assert 'name="commune" maxlength="100"' in html or 'maxlength="100"' in html


def test_staff_accepts_a_proposal_and_the_place_is_published(client):
    client.post(reverse("places:proposal_create"), PROPOSAL)
    proposal = PlaceProposal.objects.get()
    url = reverse("places:proposal_review", args=[proposal.pk])
    client.force_login(UserFactory(holder=True))
    assert client.post(url, {"decision": "accept"}).status_code == 403
    client.force_login(UserFactory(instructor=True))
    response = client.post(url, {"decision": "accept"})
    place = Place.objects.get()
    assert response.status_code == 302
    assert (place.name, place.commune_id, place.is_published) == ("Le Nouveau Lieu", "87085", True)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED and proposal.place == place
    # A second decision on the same proposal is refused.
    html = client.post(url, {"decision": "accept"}).content.decode()
    assert Place.objects.count() == 1
    assert "déjà été examinée" in html or "Examinée" in html or "Reviewed" in html


def test_correction_shows_current_and_proposed_values_then_applies(client):
    place = PlaceFactory(name="Ancien nom")
    data = {**PROPOSAL, "name": "Nouveau nom", "commune": place.commune_id}
    client.post(reverse("places:proposal_correct", args=[place.pk]), data)
    proposal = PlaceProposal.objects.get()
    assert proposal.place == place
    client.force_login(UserFactory(network=True))
    html = client.get(reverse("places:proposal_review", args=[proposal.pk])).content.decode()
    assert "Ancien nom" in html and "Nouveau nom" in html
    client.post(reverse("places:proposal_review", args=[proposal.pk]), {"decision": "accept"})
    place.refresh_from_db()
    assert place.name == "Nouveau nom"


def test_rejecting_needs_a_reason(client):
    client.post(reverse("places:proposal_create"), PROPOSAL)
    proposal = PlaceProposal.objects.get()
    client.force_login(UserFactory(instructor=True))
    url = reverse("places:proposal_review", args=[proposal.pk])
    html = client.post(url, {"decision": "reject", "note": ""}).content.decode()
    assert "raison du refus" in html
    client.post(url, {"decision": "reject", "note": "Lieu déjà connu"})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.REJECTED


def test_proposal_list_per_role(client):
    url = reverse("places:proposal_list")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(authority=True))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(network=True))
    assert client.get(url).status_code == 200


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


CSV = (
    "ID,NOM_TL,ADRESSE,CP,INSEECOM,NOMCOM,TYPO,LAT,LONG,INSEEREG\n"
    "1,Lieu importé,1 rue A,33000,33063,Bordeaux,Tiers lieux à dominante fablab,44.84,-0.58,75\n"
)


def test_import_page_per_role(client):
    url = reverse("places:place_import")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(holder=True))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(network=True))
    assert client.get(url).status_code == 200


def test_import_page_dry_run_then_import(client):
    client.force_login(UserFactory(network=True))
    url = reverse("places:place_import")
    data = {"format": "cget_2019", "dry_run": "on", "publish": "on"}
    response = client.post(url, {**data, "file": upload("lieux.csv", CSV.encode())}, follow=True)
    assert response.status_code == 200 and not Place.objects.exists()
    assert "rien n'a été écrit" in response.content.decode()
    data.pop("dry_run")
    client.post(url, {**data, "file": upload("lieux.csv", CSV.encode())})
    assert Place.objects.get().name == "Lieu importé"


def test_import_page_lists_bad_rows(client):
    client.force_login(UserFactory(network=True))
    bad = CSV.replace("44.84", "nord")
    response = client.post(
        reverse("places:place_import"),
        {"format": "cget_2019", "publish": "on", "file": upload("lieux.csv", bad.encode())},
        follow=True,
    )
    assert response.status_code == 422
    assert "latitude illisible" in response.content.decode()
    assert not Place.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lieux.xlsx", b"PK\x03\x04", "fichier se terminant par .csv"),
        ("lieux.csv", b"\x00\x01\x02binary", "pas un fichier texte"),
        ("lieux.csv", b"x" * (10 * 1024 * 1024 + 1), "plus de 10"),
    ],
)
def test_import_upload_is_checked(client, name, content, message):
    client.force_login(UserFactory(network=True))
    response = client.post(
        reverse("places:place_import"),
        {"format": "cget_2019", "file": upload(name, content)},
    )
    assert message in response.content.decode()
    assert not Place.objects.exists()


def test_staff_edits_a_place_in_the_admin_and_it_is_audited(client):
    from auditlog.models import LogEntry

    place = PlaceFactory(name="Avant")
    client.force_login(UserFactory(superuser=True))
    url = reverse("admin:places_place_change", args=[place.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("admin:places_place_changelist"),
        {"action": "unpublish", "_selected_action": [place.pk]},
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.is_published is False
    assert LogEntry.objects.get_for_object(place).exists()


def test_an_ambiguous_commune_filter_refreshed_by_htmx_says_it_is_not_applied(client):
    html = client.get(
        reverse("places:place_list"),
        {"commune": "Mérignac"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "The commune filter is not applied" in html
    assert "Several communes match “Mérignac”" in html
    assert 'href="?commune=M%C3%A9rignac"' in html
