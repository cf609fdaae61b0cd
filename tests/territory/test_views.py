"""Territory pages and the background per-département summary, per role."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tierslieux.core.models import TaskProgress, TaskState

pytestmark = pytest.mark.django_db


def test_territory_page_lists_the_12_departements(client):
    response = client.get(reverse("territory:territory_detail"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gironde (33)" in html
    assert "Pyrénées-Atlantiques (64)" in html
    # The public does not see the background analysis form.
    assert reverse("territory:departement_summary_run") not in html


def test_anonymous_cannot_run_the_summary(client):
    response = client.post(reverse("territory:departement_summary_run"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_holder_cannot_run_the_summary(client):
    client.force_login(UserFactory(holder=True))
    assert client.post(reverse("territory:departement_summary_run")).status_code == 403


def test_instructor_runs_the_summary_in_the_background(client):
    instructor = UserFactory(instructor=True)
    client.force_login(instructor)
    html = client.get(reverse("territory:territory_detail")).content.decode()
    assert reverse("territory:departement_summary_run") in html

    response = client.post(reverse("territory:departement_summary_run"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    progress = TaskProgress.objects.get(requested_by=instructor)
    assert progress.state == TaskState.SUCCEEDED
    assert progress.fraction == 1.0
    assert progress.task_id
    rows = progress.result["departements"]
    assert len(rows) == 12
    assert sum(r["population"] for r in rows) == 6_150_451
    assert "Gironde" in response.content.decode()


def test_summary_result_of_someone_else_is_not_found(client):
    owner = UserFactory(instructor=True)
    progress = TaskProgress.objects.create(label="x", requested_by=owner)
    client.force_login(UserFactory(network=True))
    url = reverse("territory:departement_summary_result", args=[progress.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Bordeaux", "33063"), ("33063", "33063"), ("64200", "64122"), ("bord", "33063")],
)
def test_commune_search_by_name_code_or_postcode(client, query, expected):
    response = client.get(reverse("territory:commune_search"), {"q": query})
    codes = [r["code"] for r in response.json()["results"]]
    assert expected in codes


def test_commune_search_with_empty_query(client):
    assert client.get(reverse("territory:commune_search")).json() == {"results": []}
