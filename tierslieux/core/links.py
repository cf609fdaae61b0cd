"""External links: stored only as http(s) addresses, rendered only when their scheme is safe.

A ``javascript:`` (or ``data:``, ``vbscript:``) address in an ``href`` runs when clicked, and
autoescaping does not stop it. So every external address is checked twice: when stored (model
validators, importers, proposals, API: http and https only) and when rendered (the
``safe_url`` template filter: http, https and mailto only, else no link).
"""

import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

HTTP_SCHEMES: tuple[str, ...] = ("http", "https")
RENDERED_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
MAX_URL_LENGTH = 300
MAX_SOCIAL_LINKS = 10
_NETWORK = re.compile(r"^[a-z0-9_-]{1,30}$")
# What a browser ignores when it reads the scheme of an address: leading and trailing C0
# controls and spaces, and tabs and line breaks anywhere (WHATWG URL standard).
_EDGES = "".join(chr(c) for c in range(0x21))
_INSIDE = re.compile(r"[\t\n\r]")

validate_http_url = URLValidator(
    schemes=list(HTTP_SCHEMES),
    message=_("Enter a web address starting with http:// or https://."),
)


def scheme_of(value: str) -> str:
    """The scheme a browser would see in ``value`` (lower case), or "" for a relative one."""
    text = _INSIDE.sub("", str(value or "")).strip(_EDGES)
    try:
        return urlsplit(text).scheme.lower()
    except ValueError:
        return "?"


def is_http_url(value: Any) -> bool:
    """Whether ``value`` is a complete http(s) address (what the product stores)."""
    if not isinstance(value, str) or len(value) > MAX_URL_LENGTH:
        return False
    try:
        validate_http_url(value)
    except ValidationError:
        return False
    return True


def safe_href(value: Any) -> str:
    """``value`` when a link to it is safe to render (http, https, mailto), else ""."""
    if not isinstance(value, str) or not value.strip():
        return ""
    scheme = scheme_of(value)
    if scheme not in RENDERED_SCHEMES:
        return ""
    if scheme in HTTP_SCHEMES and not is_http_url(value.strip()):
        return ""
    return value.strip()


def validate_social_links(value: Any) -> None:
    """Social links: ``{"network": "https://…"}``, at most 10, each an http(s) address."""
    if not isinstance(value, dict):
        raise ValidationError(_("Social links must be a mapping of network to address."))
    if len(value) > MAX_SOCIAL_LINKS:
        raise ValidationError(_("At most %(count)s social links.") % {"count": MAX_SOCIAL_LINKS})
    for network, url in value.items():
        if not isinstance(network, str) or not _NETWORK.match(network):
            raise ValidationError(
                _("Unknown social network name: “%(name)s”.") % {"name": str(network)[:30]}
            )
        if not is_http_url(url):
            raise ValidationError(
                _("The %(network)s link is not a web address starting with http:// or https://.")
                % {"network": network}
            )
