"""Deleting the demo records (``demo_records --delete`` and ``--reset``)."""

from collections import Counter
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import Q

from tierslieux.agreements.models import Agreement, JournalEntry, PremisesAgreement
from tierslieux.calls.models import Application, Call, Decision, ProjectReview
from tierslieux.dashboard.models import OtherGrant
from tierslieux.demo.labels import DEMO_SUFFIX, demo_organisations, demo_places, demo_users
from tierslieux.network.models import Programme, Resource
from tierslieux.premises.models import PremisesOffer
from tierslieux.surveys.models import Survey, SurveyInvitation, SurveyResponse
from tierslieux.training.models import Cohort, Course, Registration, Session


@transaction.atomic
def demo_records_delete() -> dict[str, int]:
    """Delete every demo record and what hangs on it; real records are left untouched.

    Demo: calls with ``is_demo`` (their applications, decisions, agreements, meetings,
    tranches, reviews...), places with source "demo", organisations named "... (démo)", users
    named "demo-...", surveys and other grants with ``is_demo``, journal entries about a demo
    project, premises offers with ``is_demo`` (their photos and interests). Returns the number of
    rows deleted per model.
    """

    counts: Counter = Counter()

    def delete(queryset: Any) -> None:
        _total, per_model = queryset.delete()
        counts.update({k: v for k, v in per_model.items() if v})

    demo_calls = Call.objects.filter(is_demo=True)
    demo_apps = Application.objects.filter(call__in=demo_calls)
    places = demo_places()
    organisations = demo_organisations()
    with disable_auditlog():
        # Before the organisations that offer them and the agreements they led to.
        delete(PremisesOffer.objects.filter(Q(is_demo=True) | Q(authority__in=organisations)))
        delete(
            JournalEntry.objects.filter(
                Q(project_label__endswith=DEMO_SUFFIX)
                | Q(application__in=demo_apps)
                | Q(place__in=places)
                | Q(organisation__in=organisations)
            )
        )
        delete(
            PremisesAgreement.objects.filter(
                Q(place__in=places) | Q(authority__in=organisations) | Q(application__in=demo_apps)
            )
        )
        delete(Survey.objects.filter(is_demo=True))
        delete(SurveyResponse.objects.filter(place__in=places))
        delete(SurveyInvitation.objects.filter(place__in=places))
        delete(Agreement.objects.filter(application__in=demo_apps))
        delete(Decision.objects.filter(application__in=demo_apps))
        delete(ProjectReview.objects.filter(call__in=demo_calls))
        delete(demo_apps)
        delete(demo_calls)
        delete(places)
        delete(OtherGrant.objects.filter(is_demo=True))
        _network_delete(delete)
        delete(organisations)
        delete(demo_users())
    return dict(sorted(counts.items()))


def _network_delete(delete: Any) -> None:
    """The network's demo records: programmes (after their grants), resources (and their
    files), demo courses with their sessions, registrations and cohorts."""
    delete(Programme.objects.filter(is_demo=True))
    for resource in Resource.objects.filter(is_demo=True).exclude(file=""):
        resource.file.delete(save=False)
    delete(Resource.objects.filter(is_demo=True))
    courses = Course.objects.filter(is_demo=True)
    delete(Registration.objects.filter(session__course__in=courses))
    delete(Session.objects.filter(course__in=courses))
    delete(Cohort.objects.filter(course__in=courses))
    delete(courses)
