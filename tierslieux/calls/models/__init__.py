"""Calls for expressions of interest (AMI), their applications, instruction and decisions.

Money is in integer cents (``*_cents``), rates are ``Decimal``. The workflow of an application
is in ``workflow.py``; every state change goes through ``services.application_transition``,
which writes an ``ApplicationLog`` row. The models live in three modules (``calls``,
``applications``, ``instruction``), all imported from here.
"""

from tierslieux.calls.models.applications import (
    Application,
    ApplicationLog,
    ApplicationMessage,
    ApplicationQuerySet,
    Attachment,
    CoFinancer,
    CriterionAnswer,
    ExpenseLine,
    ResourceLine,
)
from tierslieux.calls.models.calls import (
    Call,
    CallAidRule,
    CallCriterion,
    CallDepartementCeiling,
    CallKind,
    CallQuerySet,
    VulnerabilityProfile,
)
from tierslieux.calls.models.instruction import (
    Assessment,
    Decision,
    Opinion,
    OpinionQuerySet,
    OpinionVerdict,
    PartnerKind,
    ProjectReview,
    ProjectReviewItem,
)

__all__ = [
    "Application",
    "ApplicationLog",
    "ApplicationMessage",
    "ApplicationQuerySet",
    "Assessment",
    "Attachment",
    "Call",
    "CallAidRule",
    "CallCriterion",
    "CallDepartementCeiling",
    "CallKind",
    "CallQuerySet",
    "CoFinancer",
    "CriterionAnswer",
    "Decision",
    "ExpenseLine",
    "Opinion",
    "OpinionQuerySet",
    "OpinionVerdict",
    "PartnerKind",
    "ProjectReview",
    "ProjectReviewItem",
    "ResourceLine",
    "VulnerabilityProfile",
]
