"""Template access to the permission helper: ``{% if request.user|can:"territory.view" %}``."""

from django import template

from tierslieux.core.permissions import user_can

register = template.Library()


@register.filter
def can(user, action: str) -> bool:
    return user_can(user, action)
