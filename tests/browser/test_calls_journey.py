"""The journey of an application in a real Chromium: a holder submits, an instructor assesses
and asks for changes, the holder answers and resubmits, the instructor proposes it, the committee
accepts it and the budget of the call shows the grant.

Each person has a browser context of their own (their session). Elements are found by role,
label or the stable names of the forms, so that the test reads the French interface without
depending on every translated word.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory, CallFactory, holder_user
from tierslieux.calls.models import Application
from tierslieux.calls.workflow import ApplicationState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = ApplicationState


def _state(application: Application) -> str:
    application.refresh_from_db()
    return application.state


def test_an_application_from_submission_to_the_committee(session):
    call = CallFactory(name="AMI Tiers-lieux", budget_cents=100_000_000)
    application = ApplicationFactory(call=call, title="La Fabrique du Périgord")
    holder = holder_user(application.organisation, username="porteuse")
    instructor = UserFactory(
        instructor=True, username="instructrice", first_name="Inès", last_name="Martin"
    )

    # The holder submits the complete draft.
    holder_page = session(holder)
    holder_page.goto(f"/appels/dossiers/{application.pk}/")
    holder_page.locator("#submit-application").click()
    expect(holder_page.locator(".messages")).to_be_visible()
    assert _state(application) == S.SUBMITTED

    # The instructor finds it in the list, takes it and assesses it.
    page = session(instructor)
    page.goto("/appels/dossiers/")
    page.get_by_role("link", name="La Fabrique du Périgord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La Fabrique du Périgord")
    page.locator("#assignment button[type=submit]").first.click()  # assign me
    expect(page.locator("#assignment")).to_contain_text("Inès Martin")
    page.locator("button[name=to][value=under_instruction]").click()
    expect(page.locator("button[name=to][value=changes_requested]")).to_be_visible()

    criteria = list(call.criteria.order_by("order"))
    for score, criterion in zip([4, 3, 3, 4, 2], criteria, strict=True):
        block = page.locator(f"#criterion-{criterion.pk}")
        block.locator(f"#id_crit-{criterion.pk}-score").fill(str(score))
        block.locator(f"#id_crit-{criterion.pk}-comment").fill(f"Note {score}")
        block.locator("button[type=submit]").click()
        # HTMX swaps the criterion alone and confirms the save inside it.
        expect(page.locator(f"#criterion-{criterion.pk} [role=status]")).to_be_visible()
    expect(page.locator("#weighted-score")).to_have_text(re.compile(r"^80"))

    # It asks for changes, with the reason the holder will read.
    reason = page.locator("#id_to-changes_requested-reason")
    reason.fill("Précisez le modèle économique de la deuxième année.")
    page.locator("button[name=to][value=changes_requested]").click()
    expect(page.locator("#history")).to_contain_text("Précisez le modèle économique")
    assert _state(application) == S.CHANGES_REQUESTED

    # The holder reads the request, edits the application and submits it again.
    holder_page.goto(f"/appels/dossiers/{application.pk}/")
    expect(holder_page.locator("main")).to_contain_text("Précisez le modèle économique")
    holder_page.goto(f"/appels/dossiers/{application.pk}/modifier/")
    holder_page.locator("#id_business_model").fill(
        "Abonnements, location de salles ; la deuxième année, formations mutualisées."
    )
    holder_page.locator("#save-draft").click()
    # Wait for the save to land before leaving the page (a new navigation would cancel it).
    expect(holder_page.locator(".messages")).to_be_visible()
    assert application.expenses.count() == 2  # the plan is kept
    holder_page.goto(f"/appels/dossiers/{application.pk}/")
    holder_page.locator("#submit-application").click()
    expect(holder_page.locator(".messages")).to_be_visible()
    assert _state(application) == S.SUBMITTED

    # The instructor takes it back, keeps the suggested amount and proposes it.
    page.goto(f"/appels/dossiers/{application.pk}/instruction/")
    expect(page.locator("#content-section")).to_contain_text("formations mutualisées")
    page.locator("button[name=to][value=under_instruction]").click()
    expect(page.locator("button[name=to][value=proposed]")).to_be_visible()
    page.locator("#amount select[name=profile]").select_option("standard")
    page.locator("#amount button[type=submit]").click()
    expect(page.locator("#amount")).to_contain_text("30\u202f000,00\u00a0€")
    page.locator("button[name=to][value=proposed]").click()
    expect(page.locator("#decision form")).to_be_visible()
    assert _state(application) == S.PROPOSED

    # The committee accepts it: the decision is recorded and the budget is updated.
    page.locator("#decision input[name=outcome][value=accepted]").check()
    page.locator("#id_reference").fill("CP 2025-11")
    page.locator("#decision button[type=submit]").click()
    expect(page.locator("#decision")).to_contain_text("CP 2025-11")
    assert _state(application) == S.ACCEPTED
    assert application.decision.granted_cents == 3_000_000

    page.goto(f"/appels/{call.pk}/budget/")
    figures = page.locator(".figures")
    expect(figures).to_contain_text("1\u202f000\u202f000,00\u00a0€")  # envelope
    expect(figures).to_contain_text("30\u202f000,00\u00a0€")  # committed
    expect(figures).to_contain_text("970\u202f000,00\u00a0€")  # remaining

    # The holder sees the decision.
    holder_page.goto(f"/appels/dossiers/{application.pk}/")
    expect(holder_page.locator("main")).to_contain_text("30\u202f000")
