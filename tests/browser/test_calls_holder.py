"""A project holder prepares and submits an application in a real Chromium: the call's page,
a draft, the sections, the financing plan with its running balance, a file, the submission."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.login import log_in
from tests.calls.factories import CallFactory, holder_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_holder_fills_and_submits_an_application(page, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    call = CallFactory(name="AMI télétravail Démo")
    holder_user(username="alice")
    log_in(page, "alice", next_url=f"/appels/{call.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("AMI télétravail Démo")

    # The call's page offers to apply; the draft gets a name first.
    page.locator(f"a[href='/appels/{call.pk}/candidater/']").click()
    page.locator("#id_title").fill("La Fabrique de Thiviers")
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/appels/dossiers/\d+/modifier/$"))

    # The sections.
    for field, text in {
        "summary": "Un tiers-lieu rural.",
        "collective": "Quinze habitants.",
        "governance": "Collégiale.",
        "service_offer": "Coworking et atelier.",
        "business_model": "Abonnements.",
        "timeline": "Ouverture au printemps.",
        "premises": "L'ancienne poste.",
        "premises_authority": "Commune de Thiviers",
        "commune": "24551",
    }.items():
        page.locator(f"#id_{field}").fill(text)
    page.locator("#id_premises_lent_by_authority_1").check()
    answers = page.locator("textarea[name^=answer_]")
    for i in range(answers.count()):
        answers.nth(i).fill("Oui, en détail.")

    # The plan: the balance follows what is typed (HTMX), before anything is saved.
    page.locator("#id_expenses-0-label").fill("Travaux")
    page.locator("#id_expenses-0-amount").fill("10 000")
    page.locator("#id_resources-0-financer").select_option("region")
    page.locator("#id_resources-0-amount").fill("3 000")
    balance = page.locator("#plan-balance .plan-balance")
    expect(balance).to_have_attribute("data-balanced", "false")
    expect(page.locator("#plan-expenses-total")).to_contain_text("10\u202f000,00")
    page.locator("#id_resources-1-financer").select_option("own_funds")
    page.locator("#id_resources-1-amount").fill("7000")
    page.locator("#id_resources-1-amount").blur()
    expect(balance).to_have_attribute("data-balanced", "true")

    page.locator("#save-draft").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("#id_summary")).to_have_value("Un tiers-lieu rural.")
    expect(page.locator("#current-commune")).to_contain_text("Thiviers")

    # The application's page: a file, then the submission.
    page.locator("a[href$='#attachments']").first.click()
    page.locator("#id_file").set_input_files(
        {"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator("#attachments a[download]")).to_have_count(1)

    page.locator("#submit-application").click()
    expect(page.locator("#application-state")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#submit-application")).to_have_count(0)
