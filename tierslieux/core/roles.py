"""The roles of the product, held as Django groups (one group per role)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role; its value is the name of the matching ``auth.Group``."""

    PUBLIC = "public", _("Public visitor")
    HOLDER = "holder", _("Project holder")
    INSTRUCTOR = "instructor", _("Region instructor")
    NETWORK = "network", _("Regional network")
    AUTHORITY = "authority", _("Partner local authority")
    READER = "reader", _("Reader / elected official")
    NATIONAL_READER = "national_reader", _("National reader (State, France Tiers-Lieux)")


# Roles a user can be given (PUBLIC is what anyone has, it is not a group).
ASSIGNABLE_ROLES: tuple[Role, ...] = tuple(r for r in Role if r is not Role.PUBLIC)
