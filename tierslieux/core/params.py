"""Query-string values read safely: a bad value is ignored or refused, never a server error.

``int("²")`` raises although ``"²".isdigit()`` is true, an id of 25 digits overflows the
database's integer, and a NUL byte in a text filter makes PostgreSQL refuse the query: each of
these answered 500. Read ids with ``query_id`` and free text through a form (Django's
``CharField`` refuses NUL) or ``query_text``.
"""

import re
from collections.abc import Mapping
from typing import Any

from tierslieux.core.text import strip_invisible

_ID = re.compile(r"[0-9]{1,9}")


def query_id(query: Mapping[str, Any], name: str) -> int | None:
    """The value of ``name`` as a positive id (1 to 9 ASCII digits), else ``None``."""
    value = query.get(name)
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number or None


def query_text(query: Mapping[str, Any], name: str, *, max_length: int = 100) -> str:
    """The value of ``name`` as text: control and invisible characters (NUL included)
    removed, at most ``max_length`` characters."""
    value = query.get(name)
    if not isinstance(value, str):
        return ""
    return strip_invisible(value[: max_length * 2])[:max_length]
