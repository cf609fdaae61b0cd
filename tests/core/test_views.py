"""Pages of the core app, per role, in French by default and English on demand."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tierslieux.core.models import TaskProgress, TaskState

pytestmark = pytest.mark.django_db


def test_home_shows_the_region_figures_in_french(client):
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "4\u202f293" in html or "4 293" in html or "4\xa0293" in html
    assert "50,66\xa0%" in html
    assert "Aller au contenu principal" in html  # skip link, translated
    for label in ["Annuaire", "Carte", "Maillage territorial", "Tableau de bord"]:
        assert label in html


def test_home_in_english_when_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("workspace:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "50.66%" in html


def test_page_has_landmarks(client):
    html = client.get(reverse("workspace:home")).content.decode()
    for landmark in ['role="banner"', "<nav", '<main id="content"', 'role="contentinfo"']:
        assert landmark in html


def test_healthz(client):
    assert client.get(reverse("core:healthz")).content == b"ok"


def test_task_progress_is_visible_to_its_requester_only(client):
    owner = UserFactory(instructor=True)
    other = UserFactory(instructor=True)
    progress = TaskProgress.objects.create(label="x", requested_by=owner, fraction=0.5)
    url = reverse("core:task_progress_detail", args=[progress.pk])

    assert client.get(url).status_code == 403  # anonymous
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    data = client.get(url).json()
    assert data["fraction"] == 0.5
    assert data["state"] == TaskState.QUEUED
    assert data["finished"] is False
