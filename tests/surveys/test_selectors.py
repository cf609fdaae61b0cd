"""Response rate and results on small hand-made cases."""

import pytest

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tests.surveys.factories import InvitationFactory, ResponseFactory, SurveyFactory
from tierslieux.surveys import selectors
from tierslieux.surveys.models import SurveyResponse
from tierslieux.territory.models import Departement

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_with_answers():
    """Gironde: 3 invited, 2 answered; Dordogne: 1 invited, 1 answered; another year: noise."""
    survey = SurveyFactory()
    gironde = [InvitationFactory(survey=survey) for _ in range(3)]
    dordogne = InvitationFactory(
        survey=survey, place=PlaceFactory(commune=commune("24322"), email="p@ex.org")
    )
    ResponseFactory(
        invitation=gironde[0],
        users_per_week=10,
        jobs_hosted=2,
        business_model_confidence="confident",
        services=["cafe"],
        governance="association",
        turnover_range="lt_10k",
    )
    ResponseFactory(
        invitation=gironde[1],
        users_per_week=50,
        jobs_hosted=8,
        business_model_confidence="unsure",
        services=["cafe", "training"],
        governance="scic",
        turnover_range="lt_10k",
    )
    ResponseFactory(
        invitation=dordogne,
        users_per_week=30,
        jobs_hosted=0,
        business_model_confidence="very_unsure",
        services=[],
        governance="scic",
        turnover_range="none",
    )
    other = SurveyFactory(year=2019)
    ResponseFactory(invitation=InvitationFactory(survey=other), users_per_week=999)
    return survey


def test_response_rate_overall_and_per_departement(survey_with_answers):
    survey = survey_with_answers
    assert selectors.response_rate(survey) == (4, 3, 0.75)
    assert selectors.response_rate(survey, "33") == (3, 2, pytest.approx(2 / 3))
    assert selectors.response_rate(survey, Departement.objects.get(code="24")) == (1, 1, 1.0)
    assert selectors.response_rate(survey, "40") == (0, 0, None)
    rows = selectors.response_rate_by_departement(survey)
    assert [(r.code, r.invited, r.responded) for r in rows] == [("24", 1, 1), ("33", 3, 2)]
    assert rows[1].rate == pytest.approx(2 / 3)


def test_non_respondents(survey_with_answers):
    missing = list(selectors.non_respondents(survey_with_answers))
    assert len(missing) == 1
    assert missing[0].place.commune.departement_id == "33"
    assert not SurveyResponse.objects.filter(invitation=missing[0]).exists()


def test_results(survey_with_answers):
    results = selectors.survey_results(survey_with_answers)
    assert results.responded == 3
    assert results.mean_users_per_week == pytest.approx(30.0)  # (10 + 50 + 30) / 3
    assert results.jobs_hosted_total == 10
    assert results.unsure_count == 2 and results.unsure_share == pytest.approx(2 / 3)
    confidence = {s.code: s.count for s in results.confidence}
    assert confidence == {"confident": 1, "fairly_confident": 0, "unsure": 1, "very_unsure": 1}
    services = {s.code: (s.count, s.share) for s in results.services}
    assert services["cafe"] == (2, pytest.approx(2 / 3))
    assert services["training"] == (1, pytest.approx(1 / 3))
    assert services["childcare"] == (0, 0.0)
    assert {s.code: s.count for s in results.governance}["scic"] == 2
    assert {s.code: s.count for s in results.turnover}["lt_10k"] == 2


def test_results_in_a_departement(survey_with_answers):
    results = selectors.survey_results(survey_with_answers, "24")
    assert results.responded == 1 and results.mean_users_per_week == 30


def test_results_without_answers():
    results = selectors.survey_results(SurveyFactory())
    assert results.responded == 0
    assert results.mean_users_per_week is None and results.unsure_share is None


def test_survey_list_counts_and_permissions(survey_with_answers):
    rows = selectors.survey_list(user=UserFactory(network=True))
    counts = {r.survey.year: (r.invited, r.responded, r.rate) for r in rows}
    assert counts[survey_with_answers.year] == (4, 3, 0.75)
    assert counts[2019] == (1, 1, 1.0)
    assert selectors.survey_list(user=UserFactory(holder=True)) == []
    assert selectors.survey_get(user=UserFactory(holder=True), pk=survey_with_answers.pk) is None
