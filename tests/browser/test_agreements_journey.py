"""The follow-up of a funded project in a real Chromium: from an accepted application the
instructor writes the agreement, signs it, pays the advance, is refused an early intermediate
payment, holds the three meetings (kick-off, mid-term steering committee, final review with the
indicators' values), pays the tranches in order and closes the agreement.

Elements are found by the stable ids and names of the forms, so that the test reads the French
interface without depending on every translated word.
"""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory, CallFactory
from tierslieux.agreements.models import (
    Agreement,
    AgreementEvent,
    IndicatorKind,
    MilestoneDecision,
    TrancheState,
)
from tierslieux.agreements.workflow import AgreementState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EUR = "\u00a0€"


def euros(text: str) -> str:
    return text.replace(" ", "\u202f") + EUR


def _record(page, agreement: Agreement, kind: str, values: dict[str, str] | None = None):
    """Open the meeting's page from the agreement's page, fill it in and approve it."""
    page.locator(f"#meeting-{kind} a.button").click()
    expect(page.locator("#milestone-form")).to_be_visible()
    page.locator("#id_participants").fill("Le collectif, la commune, la Région")
    page.locator("#id_minutes").fill(f"Compte rendu du rendez-vous {kind}.")
    for selector, value in (values or {}).items():
        page.locator(selector).fill(value)
    page.locator("input[name=decision][value=approved]").check()
    page.locator("#record-meeting").click()
    expect(page.locator(".messages")).to_be_visible()
    milestone = agreement.milestones.get(kind=kind)
    assert milestone.decision == MilestoneDecision.APPROVED


def _pay(page, order: int):
    page.locator(f"#tranche-{order} button[type=submit]").click()


def test_a_funded_project_from_signature_to_final_review(session):
    call = CallFactory(name="AMI Tiers-lieux")
    application = ApplicationFactory(
        call=call, accepted=True, title="La Fabrique du Périgord"
    )  # 30,000 € granted
    instructor = UserFactory(instructor=True, username="instructrice")
    page = session(instructor)

    # The accepted application waits for its agreement in the list.
    page.goto("/conventions/")
    awaiting = page.locator("#awaiting")
    expect(awaiting).to_contain_text("La Fabrique du Périgord")
    awaiting.locator(f'a[href="/conventions/nouvelle/{application.pk}/"]').click()

    # The agreement is written: object prefilled, two indicators, the default schedule.
    expect(page.locator("#id_object")).to_have_value("La Fabrique du Périgord")
    expect(page.locator("#id_tranches-1-amount")).to_have_value("12000")
    page.locator("#id_indicators-0-kind").select_option(IndicatorKind.QUANTITATIVE)
    page.locator("#id_indicators-0-label").fill("Abonnés au coworking")
    page.locator("#id_indicators-0-unit").fill("abonnés")
    page.locator("#id_indicators-0-baseline").fill("0")
    page.locator("#id_indicators-0-target").fill("40")
    page.locator("#id_indicators-1-kind").select_option(IndicatorKind.QUALITATIVE)
    page.locator("#id_indicators-1-label").fill("Gouvernance")
    page.locator("#id_indicators-1-baseline").fill("Informelle")
    page.locator("#id_indicators-1-target").fill("SCIC constituée")
    page.locator("#create-agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La Fabrique du Périgord")
    agreement = Agreement.objects.get(application=application)
    assert agreement.state == AgreementState.DRAFT
    quantitative, qualitative = agreement.indicators.order_by("order")
    expect(page.locator("#money-granted")).to_have_text(euros("30 000,00"))

    # Signed today: the advance becomes payable and is paid.
    page.locator("button[name=to][value=signed]").click()
    expect(page.locator(".messages")).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED
    # Only the advance can be paid; the other tranches say why not yet.
    expect(page.locator("#tranches .pay-form")).to_have_count(1)
    expect(page.locator("#tranche-2-blocker")).to_contain_text("mi-financement")

    # Paying more than the advance is refused: the reason is at the top of the page, focused.
    page.locator("#tranche-1 input[name$=amount]").fill("9000,01")
    _pay(page, 1)
    refusal = page.locator("#payment-refused")
    expect(refusal).to_be_focused()
    expect(refusal).to_have_attribute("role", "alert")
    expect(refusal.locator("a[href='#tranche-1']")).to_be_visible()
    assert agreement.tranches.get(order=1).state != TrancheState.PAID

    page.locator("#tranche-1 input[name$=amount]").fill("9000")
    _pay(page, 1)
    expect(page.locator("#total-paid")).to_have_text(euros("9 000,00"))

    # The intermediate tranche waits for the mid-term committee: no pay form, the reason.
    expect(page.locator("#tranche-2 .pay-form")).to_have_count(0)
    expect(page.locator("#tranche-2-blocker")).to_contain_text("mi-financement")
    assert agreement.tranches.get(order=2).state == TrancheState.SCHEDULED

    # The kick-off meeting and the mid-term steering committee are held and approved.
    _record(page, agreement, "kickoff")
    _record(
        page,
        agreement,
        "midterm",
        {f"#id_ind-{quantitative.pk}-value": "18", f"#id_ind-{qualitative.pk}-text": "Statuts"},
    )
    _pay(page, 2)
    expect(page.locator("#total-paid")).to_have_text(euros("21 000,00"))

    # The final review records every indicator's value; the balance is paid.
    _record(
        page,
        agreement,
        "final",
        {
            f"#id_ind-{quantitative.pk}-value": "42",
            f"#id_ind-{qualitative.pk}-text": "SCIC constituée en juin",
        },
    )
    expect(page.locator("#indicators")).to_contain_text("42 abonnés")
    expect(page.locator("#indicators")).to_contain_text("SCIC constituée en juin")
    _pay(page, 3)
    expect(page.locator("#total-paid")).to_have_text(euros("30 000,00"))
    expect(page.locator("#money-remaining")).to_have_text(euros("0,00"))

    # Total paid = grant: the agreement is closed, and its history tells the story.
    page.locator("button[name=to][value=closed]").click()
    expect(page.locator(".messages")).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.CLOSED
    assert agreement.logs.filter(event=AgreementEvent.TRANCHE_PAID).count() == 3
    assert agreement.logs.filter(event=AgreementEvent.MEETING_RECORDED).count() == 3
    expect(page.locator("#history tbody tr")).to_have_count(agreement.logs.count())
