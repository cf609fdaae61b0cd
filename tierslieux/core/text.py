"""Text helpers: accent-free, case-free forms for search and name comparison; invisible
characters removed from what users send."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-case ``text`` without accents, punctuation collapsed to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()


# Unicode categories never kept in a name: controls (Cc), format characters (Cf: the
# right-to-left override U+202E, isolates, zero-width characters), separators other than the
# space (Zl, Zp), surrogates and private use.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_SPACES = re.compile(r"\s+")


def strip_invisible(text: str) -> str:
    """``text`` without control, bidirectional-override or other invisible format characters;
    runs of white space collapsed to one space."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in unicodedata.normalize("NFC", text or "")
        if ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    return _SPACES.sub(" ", kept).strip()
