"""Writes on API tokens."""

import hashlib
import logging
import secrets
from typing import Any

from django.db import transaction

from tierslieux.api.models import ApiToken
from tierslieux.core.permissions import Actor

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "tl_"


def api_token_hash(key: str) -> str:
    """The SHA-256 hex digest under which a token is stored (the key itself never is)."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: Any, name: str, by: Actor = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with its clear key, which is not kept anywhere."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, key_prefix=key[:10], key_hash=api_token_hash(key))
    token.full_clean()
    token.save()
    logger.info("API token %s created for user %s", token.pk, token.user_id)
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: Actor = None) -> ApiToken:
    """Revoke ``token``: it authenticates no more (kept for the record)."""
    token.revoked = True
    token.save(update_fields=["revoked"])
    logger.info("API token %s revoked", token.pk)
    return token
