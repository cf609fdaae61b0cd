"""Background tasks of the territory app."""

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tierslieux.core.tasks import tracked
from tierslieux.territory.candidates import COMMUNES, candidates_named
from tierslieux.territory.mesh import MeshParams, mesh_recommend

SCENARIO_LABEL = "Mesh scenario"
"""Label of the progress rows of scenarios (how the pages recognise them)."""

# The messages ``mesh_recommend`` reports, as shown to the person who asked.
PROGRESS_MESSAGES = {
    "Reading the territory and the places": _("Reading the territory and the places"),
    "Optimising": _("Optimising"),
    "Preparing the results": _("Preparing the results"),
}


@task()
def mesh_scenario(
    *,
    progress_id: int,
    params: dict[str, Any],
    new: int | None,
    exact: bool,
    request: dict[str, Any],
    language: str = "fr",
    candidates: str = COMMUNES,
) -> None:
    """Where to open the next places (``mesh_recommend``), reporting progress.

    ``params`` are ``MeshParams`` fields (settings fill the others); ``request`` is the form as
    submitted, kept with the result; ``candidates`` names the set of candidate sites
    (``territory.candidates``: the communes' town halls, or e.g. the published premises).
    """
    with tracked(progress_id) as (report, outcome), translation.override(language):

        def say(fraction: float, message: str = "") -> None:
            report(fraction, str(PROGRESS_MESSAGES.get(message, message)))

        recommendation = mesh_recommend(
            MeshParams.from_settings(**params),
            new=new,
            exact=exact,
            report=say,
            candidates=None if candidates == COMMUNES else candidates_named(candidates),
        )
        result = recommendation.as_dict()
        result["params"].pop("osm_path", None)  # a server path, not for pages
        result["request"] = request
        result["candidates"] = candidates
        outcome.result = result
