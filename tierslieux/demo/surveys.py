"""The yearly panorama surveys of the places: created through the surveys' service, the
invitations of the open places (a demo survey e-mails nobody) and the answers of most."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tierslieux.core import clock
from tierslieux.demo.base import GeneratorBase
from tierslieux.demo.labels import DEMO_PLACE_SOURCE, DEMO_SUFFIX
from tierslieux.demo.names import (
    date_of,
    plus,
)
from tierslieux.demo.policy import (
    SURVEYS_FROM_YEAR,
)
from tierslieux.places.models import Place, PlaceService
from tierslieux.surveys import services as surveys
from tierslieux.surveys.models import (
    BusinessModelConfidence,
    GovernanceKind,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    TurnoverRange,
    token_hash,
)


class SurveyYears(GeneratorBase):
    """The yearly panorama surveys, their invitations and answers."""

    def surveys(self) -> None:
        """The yearly panorama: invitations of the open places and the answers of most."""
        rng = self.rng
        taken_years = set(Survey.objects.values_list("year", flat=True))
        services = [s.value for s in PlaceService]
        profiles: dict[int, tuple] = {}
        for year in range(max(self.from_year, SURVEYS_FROM_YEAR), self.to_year + 1):
            opens_on, closes_on = date_of(year, 3, 1), date_of(year, 4, 30)
            if year in taken_years or opens_on > self.today:
                continue
            self.clock.step(plus(opens_on, -7))
            survey = surveys.survey_create(
                year=year,
                title=f"Panorama {year}{DEMO_SUFFIX}",
                opens_on=opens_on,
                closes_on=closes_on,
                is_demo=True,
                by=self.instructor,
            )
            self.summary.surveys += 1
            places = list(
                Place.objects.open_on(opens_on)
                .filter(Q(is_published=True) | Q(source=DEMO_PLACE_SOURCE))
                .order_by("pk")
                .values_list("pk", "source")
            )
            rate = rng.uniform(0.55, 0.70)
            invitations, answered = [], []
            self.clock.step(opens_on)
            for place_id, _source in places:
                invitation = SurveyInvitation(
                    survey=survey,
                    place_id=place_id,
                    email="",  # a demo survey never e-mails anyone
                    token_hash=token_hash(f"demo-{year}-{place_id}-{rng.random()}"),
                    sent_at=clock.now(),
                )
                invitations.append(invitation)
                if rng.random() < rate and opens_on <= self.today:
                    answered.append(invitation)
            # Validated one by one as ``save`` would (fields, constraints, foreign keys), then
            # written in one query: a survey has as many invitations as open places.
            for invitation in invitations:
                invitation.full_clean()
            SurveyInvitation.objects.bulk_create(invitations)
            self.summary.invitations += len(invitations)
            responses = []
            for invitation in answered:
                profile = profiles.setdefault(invitation.place_id, self._place_profile())
                governance, size, services_base = profile
                submitted = plus(opens_on, rng.randrange(1, 58))
                if submitted > self.today:
                    continue
                moment = timezone.make_aware(
                    datetime.datetime.combine(submitted, datetime.time(rng.randrange(8, 20)))
                )
                users = max(3, int(size * rng.uniform(0.8, 1.25) * (1 + 0.04 * (year - 2019))))
                offered = set(services_base)
                if rng.random() < 0.3:
                    offered.add(rng.choice(services))
                responses.append(
                    SurveyResponse(
                        survey=survey,
                        place_id=invitation.place_id,
                        invitation=invitation,
                        submitted_at=moment,
                        users_per_week=users,
                        jobs_hosted=max(1, int(users / rng.uniform(4, 9))),
                        turnover_range=_turnover(users, TurnoverRange),
                        business_model_confidence=rng.choices(
                            [c.value for c in BusinessModelConfidence], weights=[14, 30, 40, 16]
                        )[0],
                        services=sorted(offered) if rng.random() < 0.98 else [],
                        governance=governance
                        if governance in GovernanceKind.values
                        else GovernanceKind.OTHER,
                        comments="",
                    )
                )
                invitation.responded_at = moment
            for response in responses:
                response.full_clean()
            SurveyResponse.objects.bulk_create(responses)
            SurveyInvitation.objects.bulk_update(
                [i for i in answered if i.responded_at], ["responded_at"]
            )
            self.summary.responses += len(responses)

    def _place_profile(self) -> tuple[str, int, tuple[str, ...]]:
        rng = self.rng
        governance = rng.choices(
            ["association", "scic", "company", "local_authority", "informal", "other"],
            weights=[55, 12, 15, 12, 4, 2],
        )[0]
        size = int(rng.lognormvariate(math.log(35), 0.6))
        services = tuple(sorted(rng.sample([s.value for s in PlaceService], rng.randint(1, 5))))
        return governance, size, services


def _turnover(users_per_week: int, choices: Any) -> str:
    if users_per_week < 10:
        return choices.LT_10K
    if users_per_week < 30:
        return choices.FROM_10K_TO_50K
    if users_per_week < 80:
        return choices.FROM_50K_TO_150K
    if users_per_week < 200:
        return choices.FROM_150K_TO_500K
    return choices.GT_500K
