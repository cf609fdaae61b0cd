"""A new project holder, end to end in a real Chromium (English interface): signs up, confirms
the address from the e-mailed link, logs out, resets a forgotten password from the e-mailed
link, logs in with the new one through the login form, registers an organisation and creates
an application on an open call. E-mails are read from the test outbox (locmem backend)."""

import contextlib
import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.accounts.helpers import last_mail, link_in, path_of
from tests.browser.login import log_in
from tests.calls.factories import CallFactory, valid_siret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "camille.dupont@example.org"
FIRST_PASSWORD = "Tiers-lieux-first-2026"
NEW_PASSWORD = "Tiers-lieux-second-2026"


@pytest.fixture
def page_en(browser, live_server, territory, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "django_language", "value": "en", "domain": host, "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=15_000)
    context.close()
    time.sleep(0.2)


def _open_emailed_link(page, live_server, to, contains):
    link = link_in(last_mail(to), contains)
    page.goto(path_of(link, live_server.url))


def test_a_new_holder_signs_up_confirms_resets_the_password_and_applies(page_en, live_server):
    page = page_en
    call = CallFactory(name="AMI Teletravail Demo")
    mail.outbox.clear()

    # The call's page offers to create an account.
    page.goto(f"/appels/{call.pk}/")
    page.locator("#apply #create-account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a project holder account")
    page.get_by_label("First name").fill("Camille")
    page.get_by_label("Last name").fill("Dupont")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.locator("#id_password1").fill(FIRST_PASSWORD)
    page.locator("#id_password2").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mailbox")

    # The confirmation link from the e-mail; the button confirms and logs in.
    _open_emailed_link(page, live_server, EMAIL, "/comptes/confirmer/")
    page.get_by_role("button", name="Confirm my account").click()
    expect(page.locator(".message--success")).to_contain_text("Your account is confirmed")
    page.goto("/comptes/mon-compte/")
    expect(page.locator("#account-roles")).to_have_text("Project holder")

    # Log out, then "forgot password" from the login page.
    page.get_by_role("button", name="Log out").click()
    page.goto("/comptes/connexion/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mailbox")

    _open_emailed_link(page, live_server, EMAIL, "/comptes/reinitialiser/")
    expect(page).to_have_url(re.compile(r"/comptes/reinitialiser/[^/]+/set-password/$"))
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")

    # Log in through the real form with the new password, back to the call.
    log_in(page, EMAIL, password=NEW_PASSWORD, next_url=f"/appels/{call.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("AMI Teletravail Demo")

    # Apply: the organisation first, then the draft.
    page.locator(f"a[href='/appels/{call.pk}/candidater/']").click()
    expect(page).to_have_url(re.compile(r"/appels/mon-organisation/"))
    page.get_by_label("Name of the organisation").fill("La Fabrique de Thiviers")
    page.get_by_label("Kind of organisation").select_option("association")
    page.get_by_label("SIRET number").fill(valid_siret(424242))
    page.get_by_role("button", name="Register the organisation").click()
    expect(page).to_have_url(re.compile(rf"/appels/{call.pk}/candidater/$"))
    page.locator("#id_title").fill("Tiers-lieu de Thiviers")
    page.get_by_role("button", name="Create the draft").click()
    expect(page).to_have_url(re.compile(r"/appels/dossiers/\d+/modifier/$"))
    expect(page.locator("#id_title")).to_have_value("Tiers-lieu de Thiviers")
