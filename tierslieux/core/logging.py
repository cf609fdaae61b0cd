"""Log filters: personal links (survey tokens, account tokens) never reach the logs in clear."""

import logging
import re

# Path segments that carry a secret: /panorama/reponse/<token>/, the account confirmation and
# password links (/comptes/.../<uidb64>/<token>/). Add a pattern when a new personal link appears.
SECRET_PATH_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(/panorama/reponse/)[^/\s?\"]+"),
    re.compile(r"(/comptes/(?:[\w-]+/)*?(?:reinitialiser|confirmer|invitation)[\w-]*/)[^\s?\"]+"),
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with the secret segments of known personal links replaced."""
    for pattern in SECRET_PATH_PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrite a record's message and arguments so personal links are not logged in clear."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            # In place: the mapping may be a subclass with its own lookup rules (gunicorn's
            # access log atoms answer "-" for a missing key).
            for key, value in list(record.args.items()):
                if isinstance(value, str):
                    record.args[key] = redact(value)
        return True


def actor_id(user: object) -> int | None:
    """The id of who acts, for a log line (never a name or an e-mail); None: anonymous, system."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)
