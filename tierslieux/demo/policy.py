"""The figures the generator aims at (the Région's: about 1 M€ a year of calls and about
140 k€ a year to the regional network, ~60 % of applications accepted, ~90 % survival), and
the shape of the current year's work in progress."""

from tierslieux.calls import demo_call
from tierslieux.calls.models import CallKind
from tierslieux.calls.workflow import ApplicationState

DEFAULT_SEED = 2016
DEFAULT_FROM_YEAR = 2016
DEFAULT_TO_YEAR = 2025
SURVEYS_FROM_YEAR = 2019
LOCAL_NETWORK_YEARS = frozenset({2018, 2021, 2024})

CREATION_APPLICATIONS = (14, 20)
DEVELOPMENT_APPLICATIONS = (5, 10)
LOCAL_NETWORK_APPLICATIONS = (3, 5)
ACCEPT_SHARE = {CallKind.CREATION: 0.64, CallKind.DEVELOPMENT: 0.66, CallKind.LOCAL_NETWORK: 0.6}
CLOSURE_SHARE = 0.09
CHANGES_REQUESTED_SHARE = 0.12
WITHDRAWN_SHARE = 0.05
NETWORK_GRANT_EUROS = (95_000, 150_000)

# The current year's slice: work in progress on the open demo call of the year (the one
# ``ensure_demo_call`` makes, or one made the same way): one application per entry, in order.
CURRENT_YEAR_STATES = (
    ApplicationState.DRAFT,
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.SUBMITTED,
    ApplicationState.UNDER_INSTRUCTION,
    ApplicationState.UNDER_INSTRUCTION,
    ApplicationState.CHANGES_REQUESTED,
    ApplicationState.PROPOSED,
    ApplicationState.ACCEPTED,
    ApplicationState.ACCEPTED,
)
# When there is none, it is made as ``ensure_demo_call`` makes it (``calls.demo_call``).
CURRENT_CALL_OPENED_DAYS_AGO = demo_call.OPENED_DAYS_AGO
