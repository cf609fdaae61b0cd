"""The yearly survey in a real Chromium: a manager opens the personal link, fills the
questionnaire, sends it and sees the thank-you page; staff then see the response rate 1/N."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.surveys.factories import InvitationFactory, SurveyFactory, invitation_with_token
from tierslieux.surveys.models import SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_answers_and_staff_see_the_rate(live_server, page, session):
    survey = SurveyFactory()
    invitation, raw = invitation_with_token(
        survey=survey, place=PlaceFactory(name="La Ruche du Bocage", email="ruche@ex.org")
    )
    InvitationFactory(survey=survey)
    InvitationFactory(survey=survey)

    # The manager opens the link of the e-mail: no account needed.
    page.goto(f"/panorama/reponse/{raw}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(survey.year))
    expect(page.locator("main")).to_contain_text("La Ruche du Bocage")

    # A mistake is reported and what was typed is kept.
    page.locator("#id_users_per_week").fill("-5")
    page.locator("#id_jobs_hosted").fill("4")
    page.locator("#survey-submit").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_jobs_hosted")).to_have_value("4")

    page.locator("#id_users_per_week").fill("35")
    page.locator("input[name=turnover_range][value='10k_50k']").check()
    page.locator("input[name=business_model_confidence][value='fairly_confident']").check()
    page.locator("input[name=services][value='cafe']").check()
    page.locator("input[name=services][value='digital_mediation']").check()
    page.locator("input[name=governance][value='scic']").check()
    page.locator("#id_comments").fill("Un nouvel atelier partagé ouvre en septembre.")
    page.locator("#survey-submit").click()

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/panorama/reponse/{raw}/merci/")
    expect(page.locator("main")).to_contain_text("La Ruche du Bocage")
    response = SurveyResponse.objects.get()
    assert response.place == invitation.place
    assert response.users_per_week == 35 and response.services == ["digital_mediation", "cafe"]

    # Staff see one answer out of three invitations.
    staff = UserFactory(network=True, username="reseau")
    staff_page = session(staff)
    expect(staff_page.locator("header")).to_contain_text(staff.username)
    staff_page.goto("/panorama/")
    staff_page.get_by_role("link", name=survey.title).click()
    expect(staff_page.locator("#response-rate")).to_contain_text("1/3")
    expect(staff_page.locator("#response-rate")).to_contain_text("33")
    expect(staff_page.locator("#non-respondents")).not_to_contain_text("La Ruche du Bocage")
