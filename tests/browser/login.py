"""The one browser login of the suite: the real login form, in any interface language."""

from playwright.sync_api import expect

# The password of every account made by tests.accounts.factories.UserFactory.
PASSWORD = "correct-horse-battery"


def log_in(page, username: str, *, password: str = PASSWORD, next_url: str | None = None):
    """Fill and send the login form (``/comptes/connexion/``, then ``next_url`` if given); the
    page is logged in when this returns: the header names the user, or (``next_url``) the page
    left the login form."""
    page.goto("/comptes/connexion/" + (f"?next={next_url}" if next_url else ""))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_password")).to_have_count(0)
    return page
