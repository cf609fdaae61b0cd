"""axe-core on every main page of every role: no violation of impact serious or critical.

The axe script is the one shipped by the dev dependency axe-playwright-python (its
``axe.min.js``), injected from the installed file: nothing is fetched from the network.
Pages are shown in English (``page_en``) so that new strings need no translation yet.
"""

from pathlib import Path

import axe_playwright_python
import pytest

from tests.browser.world import build_world

# slow: axe on every main page of five roles (about a minute); the HTML does not depend on the
# database engine, so it runs once, in the SQLite pass.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE_SCRIPT = Path(axe_playwright_python.__file__).parent / "axe.min.js"
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[str]:
    """The serious and critical violations on the page, one readable line per node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        """async () => await axe.run(document, {
            resultTypes: ['violations'],
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


@pytest.mark.parametrize(
    "roles",
    [("public",), ("holder",), ("instructor",), ("network", "authority", "reader")],
    ids=["public", "holder", "instructor", "partners-and-reader"],
)
def test_main_pages_have_no_serious_accessibility_violation(page_en, login_as, roles):
    page_en.set_default_timeout(90_000)  # a loaded machine: the first pages compute figures
    world = build_world()
    found = []
    for role in roles:
        if role != "public":
            login_as(page_en, world.users[role])
        found += _check(page_en, world.pages[role])
    assert not found, "\n".join(found)


def _check(page, pages) -> list[str]:
    found = []
    for name, url in pages:
        response = page.goto(url)
        assert response.status == 200, (name, url, response.status)
        page.wait_for_load_state("networkidle")
        found += [f"{name} {url}: {line}" for line in axe_violations(page)]
    return found
