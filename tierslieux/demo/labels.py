"""How demo records are labelled, and the querysets that find them.

Calls have ``is_demo``; places have ``source == "demo"`` and names ending with " (démo)" and
are not published; organisations' names end with " (démo)"; users' usernames start with
"demo-" (the generator's actors have no usable password); surveys have ``is_demo`` and titles
"Panorama AAAA (démo)"; other grants have ``is_demo``; journal entries' projects end with
" (démo)"; committee references start with "DÉMO"; training courses, partnership
programmes and shared resources have ``is_demo`` and titles ending with " (démo)" (sessions,
registrations and cohorts hang from a demo course).
"""

from django.db.models import QuerySet

from tierslieux.accounts.models import Organisation, User
from tierslieux.calls.models import Call
from tierslieux.dashboard.models import OtherGrant
from tierslieux.network.models import Programme
from tierslieux.places.models import Place, PlaceSource
from tierslieux.surveys.models import Survey
from tierslieux.training.models import Course

DEMO_SUFFIX = " (démo)"
DEMO_USER_PREFIX = "demo-"
DEMO_PLACE_SOURCE = PlaceSource.DEMO
DEMO_REFERENCE_PREFIX = "DÉMO"


def demo_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(name__endswith=DEMO_SUFFIX)


def demo_users() -> QuerySet[User]:
    return User.objects.filter(username__startswith=DEMO_USER_PREFIX)


def demo_places() -> QuerySet[Place]:
    return Place.objects.filter(source=DEMO_PLACE_SOURCE)


def demo_records_exist() -> bool:
    """True when the generator's records are in the database.

    A demo call alone (``ensure_demo_call`` makes one open call to try the product) does not
    count; demo places, organisations, users, surveys, other grants or a demo call with
    applications do.
    """
    return (
        demo_places().exists()
        or demo_organisations().exists()
        or demo_users().exists()
        or Call.objects.filter(is_demo=True, applications__isnull=False).exists()
        or Survey.objects.filter(is_demo=True).exists()
        or OtherGrant.objects.filter(is_demo=True).exists()
        or Programme.objects.filter(is_demo=True).exists()
        or Course.objects.filter(is_demo=True).exists()
    )
