"""Hostile query strings: a NUL byte, a superscript digit, a 25-digit id, a long text. Each
answers 200 (ignored) or 400 (refused), never 500. Run on PostgreSQL too:
``scripts/with_postgres.sh uv run pytest -p no:cacheprovider -q tests/core/test_params.py``."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tierslieux.core.params import query_id, query_text

NUL = "Bor\x00deaux"
HOSTILE_IDS = ["²", "٣", "1" * 25, "-1", "0", "1e3", " 7", "abc", "\x00"]


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_query_id_ignores_what_is_not_a_small_ascii_number(value):
    assert query_id({"id": value}, "id") is None


def test_query_id_reads_an_id():
    assert query_id({"id": "42"}, "id") == 42
    assert query_id({}, "id") is None


def test_query_text_drops_control_characters_and_bounds_the_length():
    assert query_text({"q": NUL}, "q") == "Bordeaux"
    assert query_text({"q": "\u202eabc" + "x" * 500}, "q", max_length=10) == "abcxxxxxxx"
    assert query_text({}, "q") == ""


@pytest.mark.django_db
def test_commune_autocomplete_refuses_a_nul_byte(client):
    response = client.get(reverse("territory:commune_search"), {"q": NUL})
    assert response.status_code == 400
    assert response.json()["results"] == []
    response = client.get(reverse("territory:commune_search"), {"q": "x" * 81})
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("places:place_list", {"q": NUL}, 200),
        ("places:place_list", {"commune": "\x00"}, 200),
        ("places:place_near", {"q": NUL}, 200),
        ("places:place_near", {"code": "\x00"}, 200),
        ("places:place_map", {"q": NUL}, 200),
        ("places:places_geojson", {"q": NUL, "departement": "\x00"}, 200),
        ("places:opendata_csv", {"q": NUL, "departement": "\x00", "commune": "\x00"}, 200),
        ("places:opendata_geojson", {"epci": "\x00"}, 200),
        ("places:outlines_geojson", {"departement": "\x00"}, 400),
        ("calls:funded_list", {"q": NUL}, 200),
    ],
)
def test_public_pages_answer_a_nul_byte_without_error(client, url, params, status):
    """Text filters drop the NUL byte and the page answers; the outlines of a département code
    that cannot be one are refused (400)."""
    response = client.get(reverse(url), params)
    assert response.status_code == status
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "1" * 25, "\x00"])
def test_task_ids_in_the_query_string_are_ignored_when_not_numbers(client, value):
    client.force_login(UserFactory(instructor=True))
    response = client.get(reverse("dashboard:dashboard_detail"), {"report": value})
    assert response.status_code == 200
    response = client.get(reverse("territory:commune_times"), {"scenario": value})
    assert response.status_code == 404
    if value == "²":
        response = client.get(reverse("territory:territory_detail"), {"scenario": value})
        assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "abc", "1" * 25])
def test_survey_record_page_ignores_a_bad_place(client, value):
    from tests.surveys.factories import SurveyFactory

    survey = SurveyFactory()
    client.force_login(UserFactory(instructor=True))
    url = reverse("surveys:survey_response_record", args=[survey.pk])
    assert client.get(url, {"place": value}).status_code == 200
