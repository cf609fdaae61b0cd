"""System checks of the API's settings: a bad rate is reported at start, not at each request."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from tierslieux.api.throttling import parse_rate


@register()
def check_api_rates(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for name in ("API_ANON_RATE", "API_AUTH_RATE"):
        value = getattr(settings, name, "")
        try:
            parse_rate(value)
        except ValueError as exc:
            errors.append(Error(f"{name}: {exc}", id="api.E001"))
    return errors
