"""Background task of the premises: recompute the match when the directory changed."""

from django_tasks import task

from tierslieux.premises.models import PremisesOffer
from tierslieux.premises.services import premises_offers_match_recompute
from tierslieux.premises.workflow import PUBLIC_STATES


@task()
def premises_match_recompute_run() -> int:
    """Recompute the match of every public offer; how many (``places.changes`` subscriber)."""
    return premises_offers_match_recompute(by=None)


def premises_match_recompute_enqueue() -> None:
    """Subscribed to ``places.changes``: queue the recompute when there is an offer to update."""
    if PremisesOffer.objects.filter(state__in=PUBLIC_STATES).exists():
        premises_match_recompute_run.enqueue()
