"""HTTP helpers shared by the login throttle, the API throttle and the logs."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request``.

    With ``TRUSTED_PROXY_COUNT = 0`` (the default: the server faces the clients) it is
    ``REMOTE_ADDR`` and any ``X-Forwarded-For`` header is ignored, since a client can write it.
    With ``n`` trusted reverse proxies in front, each proxy appends the address it received the
    request from, so the client is the ``n``-th entry from the right; entries further left were
    written by the client and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # Fewer hops than proxies: the request did not come through all of them.
        return forwarded[0] if forwarded else remote
    return forwarded[-count]


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) on the site's public address ``settings.SITE_URL``: links in
    e-mails never come from the request's Host header, which a client chooses."""
    return f"{settings.SITE_URL}/{path.lstrip('/')}"
