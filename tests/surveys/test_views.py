"""Pages of the survey, per role: the personal link (anonymous with a valid token only) and the
staff pages (instructors and the regional network; 403 for others, login for anonymous)."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.surveys.factories import (
    InvitationFactory,
    ResponseFactory,
    SurveyFactory,
    answer_post,
    invitation_with_token,
)
from tierslieux.surveys.models import Survey, SurveyInvitation, SurveyResponse

pytestmark = pytest.mark.django_db


def _url(raw: str) -> str:
    return reverse("surveys:response_create", args=[raw])


@pytest.fixture
def french(settings):
    settings.LANGUAGE_CODE = "fr"


# --- the questionnaire ---------------------------------------------------------------------


def test_a_valid_link_shows_the_questionnaire(client):
    invitation, raw = invitation_with_token(place=PlaceFactory(name="La Ruche", email="r@ex.org"))
    response = client.get(_url(raw))
    assert response.status_code == 200
    html = response.content.decode()
    assert "La Ruche" in html and str(invitation.survey.year) in html
    assert html.count("<fieldset") >= 5 and "<legend>" in html
    assert 'name="users_per_week"' in html and 'name="services"' in html
    assert "noindex" in html
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_an_unknown_link_shows_a_clear_error(client):
    invitation_with_token()
    response = client.get(_url("not-a-real-token"))
    assert response.status_code == 404
    assert "<form" not in response.content.decode().split("<main")[1]
    assert response.context["code"] == "invalid_link"


def test_a_closed_survey_says_so(client):
    _inv, raw = invitation_with_token(survey=SurveyFactory(closed=True, year=2023))
    response = client.get(_url(raw))
    assert response.status_code == 410
    assert response.context["code"] == "closed"
    response = client.post(_url(raw), answer_post())
    assert response.status_code == 410
    assert not SurveyResponse.objects.exists()


def test_submitting_stores_and_thanks(client):
    invitation, raw = invitation_with_token()
    response = client.post(_url(raw), answer_post(users_per_week=21))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:response_thanks", args=[raw])
    stored = SurveyResponse.objects.get()
    assert stored.place == invitation.place and stored.users_per_week == 21
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["response"] == stored and page.context["is_open"]


def test_errors_keep_the_input(client):
    _inv, raw = invitation_with_token()
    data = answer_post(users_per_week=-4, comments="Nous ouvrons un fablab")
    response = client.post(_url(raw), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'value="-4"' in html and "Nous ouvrons un fablab" in html
    assert 'value="scic"' in html and "checked" in html
    assert 'aria-invalid="true"' in html
    assert not SurveyResponse.objects.exists()


def test_unknown_services_are_refused_by_the_form(client):
    _inv, raw = invitation_with_token()
    response = client.post(_url(raw), answer_post(services=["cafe", "spa"]))
    assert response.status_code == 200 and response.context["form"].errors["services"]
    assert not SurveyResponse.objects.exists()


def test_the_same_link_updates_the_answer_and_says_so(client):
    _inv, raw = invitation_with_token()
    client.post(_url(raw), answer_post(jobs_hosted=2))
    page = client.get(_url(raw))
    assert page.context["existing"] is not None
    assert page.context["form"].initial["jobs_hosted"] == 2
    client.post(_url(raw), answer_post(jobs_hosted=9))
    assert SurveyResponse.objects.get().jobs_hosted == 9


def test_thanks_without_an_answer_goes_back_to_the_form(client):
    _inv, raw = invitation_with_token()
    response = client.get(reverse("surveys:response_thanks", args=[raw]))
    assert response.status_code == 302 and response["Location"] == _url(raw)


def test_the_page_is_french_by_default(client, french):
    _inv, raw = invitation_with_token()
    html = client.get(_url(raw)).content.decode()
    assert 'lang="fr"' in html


# --- staff pages, per role -----------------------------------------------------------------


STAFF_PAGES = [
    ("get", "surveys:survey_list", False),
    ("get", "surveys:survey_detail", True),
    ("get", "surveys:survey_export", True),
    ("get", "surveys:survey_response_record", True),
    ("post", "surveys:survey_invitations_send", True),
    ("post", "surveys:survey_reminders_send", True),
]


@pytest.mark.parametrize("method,name,with_pk", STAFF_PAGES)
def test_staff_pages_send_anonymous_users_to_login(client, method, name, with_pk):
    survey = SurveyFactory()
    url = reverse(name, args=[survey.pk] if with_pk else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("role", ["holder", "authority", "reader"])
@pytest.mark.parametrize("method,name,with_pk", STAFF_PAGES)
def test_staff_pages_refuse_other_roles(client, role, method, name, with_pk):
    survey = SurveyFactory()
    client.force_login(UserFactory(**{role: True}))
    url = reverse(name, args=[survey.pk] if with_pk else [])
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("role", ["instructor", "network"])
def test_staff_see_the_list_and_the_detail(client, role):
    survey = SurveyFactory()
    answered = InvitationFactory(survey=survey, place=PlaceFactory(name="Lieu qui répond"))
    ResponseFactory(invitation=answered)
    InvitationFactory(survey=survey, place=PlaceFactory(name="Lieu silencieux"))
    client.force_login(UserFactory(**{role: True}))

    listing = client.get(reverse("surveys:survey_list"))
    assert listing.status_code == 200
    row = listing.context["rows"][0]
    assert (row.invited, row.responded, row.rate) == (2, 1, 0.5)

    detail = client.get(reverse("surveys:survey_detail", args=[survey.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "1/2" in html
    assert "Lieu silencieux" in html.split('id="non-respondents"')[1]
    assert "Lieu qui répond" not in html.split('id="non-respondents"')[1]
    assert [(r.code, r.invited, r.responded) for r in detail.context["by_departement"]] == [
        ("33", 2, 1)
    ]


def test_unknown_survey_is_404(client):
    client.force_login(UserFactory(instructor=True))
    assert client.get(reverse("surveys:survey_detail", args=[999_999])).status_code == 404


def test_staff_create_a_survey(client):
    client.force_login(UserFactory(instructor=True))
    response = client.post(
        reverse("surveys:survey_list"),
        {
            "year": 2035,
            "title": "Panorama 2035",
            "opens_on": "2035-01-10",
            "closes_on": "2035-02-28",
        },
    )
    survey = Survey.objects.get(year=2035)
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    bad = client.post(
        reverse("surveys:survey_list"),
        {"year": 2036, "title": "x", "opens_on": "2036-03-01", "closes_on": "2036-02-01"},
    )
    assert bad.status_code == 400 and not Survey.objects.filter(year=2036).exists()


def test_staff_send_invitations_then_reminders(client, django_capture_on_commit_callbacks):
    survey = SurveyFactory()
    PlaceFactory(email="a@ex.org")
    PlaceFactory(email="", name="Lieu sans courriel")
    client.force_login(UserFactory(network=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("surveys:survey_invitations_send", args=[survey.pk]), follow=True
        )
    assert [m.to for m in mail.outbox] == [["a@ex.org"]]
    assert "http://testserver/panorama/reponse/" in mail.outbox[0].body
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Lieu sans courriel" in text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:survey_reminders_send", args=[survey.pk]))
    assert [m.to for m in mail.outbox] == [["a@ex.org"]]
    assert SurveyInvitation.objects.get().reminder_count == 1


def test_staff_record_an_answer_by_phone(client):
    survey = SurveyFactory()
    place = PlaceFactory(email="", name="Lieu au téléphone")
    staff = UserFactory(instructor=True)
    client.force_login(staff)
    url = reverse("surveys:survey_response_record", args=[survey.pk])
    assert client.get(url, {"place": place.pk}).context["form"].initial["place"] == place.pk
    response = client.post(url, {"place": place.pk, **answer_post(jobs_hosted=6)})
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert stored.place == place and stored.recorded_by == staff and stored.jobs_hosted == 6


def test_csv_export(client):
    survey = SurveyFactory()
    ResponseFactory(
        invitation=InvitationFactory(survey=survey, place=PlaceFactory(name="Le Bocal")),
        users_per_week=42,
        jobs_hosted=3,
        services=["cafe", "training"],
        comments='=HYPERLINK("http://evil")',
    )
    ResponseFactory(invitation=InvitationFactory(survey=SurveyFactory(year=2018)))  # another year
    client.force_login(UserFactory(instructor=True))
    response = client.get(reverse("surveys:survey_export", args=[survey.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"panorama-{survey.year}.csv" in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 1
    row = rows[0]
    assert row["tiers_lieu"] == "Le Bocal" and row["departement"] == "33"
    assert row["utilisateurs_par_semaine"] == "42" and row["emplois_accueillis"] == "3"
    assert row["services"] == "Café associatif, Formation"  # labels in the page's language
    assert row["commentaires"].startswith("'=")
