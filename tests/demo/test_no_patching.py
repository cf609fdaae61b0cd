"""Production code is never patched: no ``unittest.mock`` and no monkeypatching under
``tierslieux/`` (time comes from ``core.clock``, e-mails and the mesh gain are arguments)."""

import re
from pathlib import Path

import tierslieux

FORBIDDEN = re.compile(
    r"unittest\.mock|from unittest import mock|mock\.patch|monkeypatch|import mock\b"
)


def test_no_mock_or_patching_under_tierslieux():
    root = Path(tierslieux.__file__).parent
    found = [
        f"{path.relative_to(root.parent)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert found == []


def test_the_check_finds_a_patch():
    assert FORBIDDEN.search("from unittest import mock")
    assert FORBIDDEN.search("    with mock.patch.object(timezone, 'now', clock):")
    assert not FORBIDDEN.search("with clock.at(day):")
