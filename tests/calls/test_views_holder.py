"""Pages of the project holder, per role (anonymous, the holder of the organisation, the holder
of another organisation, an instructor), and the whole journey of an application with the test
client: organisation, draft, sections, plan, attachments, submission."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.calls.factories import (
    ApplicationFactory,
    CallFactory,
    HolderOrganisationFactory,
    holder_user,
    valid_siret,
)
from tierslieux.accounts.models import Organisation
from tierslieux.calls import services
from tierslieux.calls.models import Application, ApplicationMessage, Attachment, CoFinancer
from tierslieux.calls.storage import attachment_policy
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core.uploads import check_upload
from tierslieux.places.models import Place

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
LOGIN = reverse("accounts:login")


@pytest.fixture
def organisation():
    return HolderOrganisationFactory(name="Association La Fabrique")


@pytest.fixture
def holder(organisation):
    return holder_user(organisation, username="alice")


@pytest.fixture
def other_holder():
    return holder_user(username="bob")


@pytest.fixture
def instructor():
    return UserFactory(username="ines", instructor=True)


@pytest.fixture
def draft(organisation):
    return ApplicationFactory(organisation=organisation, title="La Fabrique")


@pytest.fixture
def attachment(draft, holder):
    return services.attachment_add(
        application=draft,
        upload=check_upload(
            SimpleUploadedFile("statuts.pdf", PDF, content_type="application/pdf"),
            policy=attachment_policy(),
        ),
        label="Statuts",
        by=holder,
    )


def _as(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def plan_data(expenses=(), resources=(), extra=2) -> dict[str, str]:
    """POST data of the two formsets: ``expenses`` as (label, euros, eligible), ``resources``
    as (financer, label, euros)."""
    data = {}
    for prefix, lines in (("expenses", expenses), ("resources", resources)):
        total = len(lines) + extra
        data |= {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": str(len(lines)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, line in enumerate(lines):
            if prefix == "expenses":
                label, amount, eligible = line
                data |= {f"expenses-{i}-label": label, f"expenses-{i}-amount": amount}
                if eligible:
                    data[f"expenses-{i}-is_eligible"] = "on"
            else:
                financer, label, amount = line
                data |= {
                    f"resources-{i}-financer": financer,
                    f"resources-{i}-label": label,
                    f"resources-{i}-amount": amount,
                }
        for i in range(len(lines), total):  # blank extra rows, as the browser sends them
            if prefix == "expenses":
                data |= {f"expenses-{i}-label": "", f"expenses-{i}-amount": ""}
                data[f"expenses-{i}-is_eligible"] = "on"
            else:
                data |= {
                    f"resources-{i}-financer": "",
                    f"resources-{i}-label": "",
                    f"resources-{i}-amount": "",
                }
    return data


def edit_data(application, *, expenses=(), resources=(), **project) -> dict[str, str]:
    data = {
        "title": "La Fabrique de Thiviers",
        "summary": "Un tiers-lieu rural.",
        "collective": "Quinze habitants.",
        "governance": "Collégiale.",
        "service_offer": "Coworking et atelier.",
        "business_model": "Abonnements.",
        "premises": "L'ancienne poste.",
        "premises_lent_by_authority": "yes",
        "premises_authority": "Commune de Thiviers",
        "timeline": "Ouverture au printemps.",
        "commune": "24551",
        "address": "1 place de la Poste",
    }
    data |= project
    for criterion in application.call.criteria.all():
        data[f"answer_{criterion.pk}"] = f"Réponse au critère {criterion.code}."
    return data | plan_data(expenses, resources)


BALANCED_EXPENSES = (("Travaux", "8 000", True), ("Mobilier", "2000,50", False))
BALANCED_RESOURCES = (
    (CoFinancer.REGION, "AMI", "3000"),
    (CoFinancer.OWN_FUNDS, "", "7 000,50"),
)


# --- access per role -------------------------------------------------------------------------


def test_pages_send_anonymous_visitors_to_the_login_page(client, draft, attachment):
    call = draft.call
    for url in (
        reverse("calls:organisation_register"),
        reverse("calls:application_create", args=[call.pk]),
        reverse("calls:application_mine"),
        reverse("calls:application_detail", args=[draft.pk]),
        reverse("calls:application_edit", args=[draft.pk]),
        reverse("calls:attachment_download", args=[attachment.pk]),
    ):
        assert _is_login_redirect(client.get(url)), url
    for url in (
        reverse("calls:application_submit", args=[draft.pk]),
        reverse("calls:application_withdraw", args=[draft.pk]),
        reverse("calls:attachment_upload", args=[draft.pk]),
        reverse("calls:application_message_post", args=[draft.pk]),
        reverse("calls:application_plan_balance", args=[draft.pk]),
        reverse("calls:attachment_delete", args=[attachment.pk]),
    ):
        assert _is_login_redirect(client.post(url)), url
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_the_holder_of_the_organisation_sees_and_edits_the_draft(client, holder, draft):
    _as(client, holder)
    assert client.get(reverse("calls:application_mine")).status_code == 200
    detail = client.get(reverse("calls:application_detail", args=[draft.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert reverse("calls:application_edit", args=[draft.pk]) in html
    assert reverse("calls:application_submit", args=[draft.pk]) in html
    assert reverse("calls:application_withdraw", args=[draft.pk]) in html
    assert client.get(reverse("calls:application_edit", args=[draft.pk])).status_code == 200


def test_a_holder_of_another_organisation_gets_404(client, other_holder, draft, attachment):
    _as(client, other_holder)
    for url in (
        reverse("calls:application_detail", args=[draft.pk]),
        reverse("calls:application_edit", args=[draft.pk]),
        reverse("calls:attachment_download", args=[attachment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("calls:application_submit", args=[draft.pk]),
        reverse("calls:application_withdraw", args=[draft.pk]),
        reverse("calls:attachment_upload", args=[draft.pk]),
        reverse("calls:application_message_post", args=[draft.pk]),
        reverse("calls:attachment_delete", args=[attachment.pk]),
    ):
        assert client.post(url, {"body": "Bonjour"}).status_code == 404, url
    mine = client.get(reverse("calls:application_mine"))
    assert "La Fabrique" not in mine.content.decode()
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert not ApplicationMessage.objects.exists()


def test_an_instructor_does_not_see_drafts_nor_acts_as_holder(
    client, instructor, draft, attachment
):
    _as(client, instructor)
    assert client.get(reverse("calls:application_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("calls:attachment_download", args=[attachment.pk])).status_code == 404
    for url in (
        reverse("calls:organisation_register"),
        reverse("calls:application_create", args=[draft.call.pk]),
        reverse("calls:application_mine"),
        reverse("calls:application_edit", args=[draft.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("calls:application_submit", args=[draft.pk])).status_code == 403


def test_an_instructor_reads_a_submitted_application_and_writes_to_the_holder(
    client, instructor, organisation
):
    application = ApplicationFactory(organisation=organisation, submitted=True)
    _as(client, instructor)
    response = client.get(reverse("calls:application_detail", args=[application.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("calls:application_edit", args=[application.pk]) not in html
    assert reverse("calls:application_submit", args=[application.pk]) not in html
    assert reverse("calls:application_instruct", args=[application.pk]) in html
    response = client.post(
        reverse("calls:application_message_post", args=[application.pk]),
        {"body": "Pouvez-vous préciser le budget ?"},
    )
    assert response.status_code == 302
    assert ApplicationMessage.objects.get().author == instructor


def test_a_partner_who_is_neither_holder_nor_instructor_is_refused(client, organisation):
    application = ApplicationFactory(organisation=organisation, submitted=True)
    from tests.calls.factories import OpinionFactory

    opinion = OpinionFactory(application=application)
    partner = UserFactory(authority=True, organisation=opinion.organisation)
    _as(client, partner)
    assert client.get(reverse("calls:application_detail", args=[application.pk])).status_code == 403


# --- organisation ----------------------------------------------------------------------------


def test_a_holder_with_an_organisation_is_sent_back_from_the_register_page(client, holder):
    response = _as(client, holder).get(reverse("calls:organisation_register"))
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:application_mine")


def test_an_existing_siret_is_refused_with_a_message_on_the_field(client, organisation):
    user = UserFactory(holder=True)
    response = _as(client, user).post(
        reverse("calls:organisation_register"),
        {"name": "Doublon", "kind": "association", "siret": organisation.siret},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["siret"]
    user.refresh_from_db()
    assert user.organisation is None


def test_the_rna_number_is_checked_and_kept(client):
    user = UserFactory(holder=True)
    register = reverse("calls:organisation_register")
    data = {"name": "L'Asso", "kind": "association", "siret": valid_siret(5_151_515)}
    response = _as(client, user).post(register, {**data, "rna": "W12"})
    assert response.status_code == 200
    assert response.context["form"].errors["rna"]
    response = client.post(register, {**data, "rna": "w 332 001 234"})
    assert response.status_code == 302, response.context["form"].errors
    user.refresh_from_db()
    assert user.organisation.rna == "W332001234"


# --- creating an application -----------------------------------------------------------------


def test_a_holder_without_organisation_is_asked_to_register_it_first(client):
    user = UserFactory(holder=True)
    call = CallFactory()
    url = reverse("calls:application_create", args=[call.pk])
    response = _as(client, user).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('calls:organisation_register')}?next={url}"


def test_no_application_to_a_closed_call(client, holder):
    call = CallFactory(closed=True)
    _as(client, holder)
    url = reverse("calls:application_create", args=[call.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Trop tard"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Application.objects.exists()


def test_application_create_of_an_unknown_call_is_404(client, holder):
    url = reverse("calls:application_create", args=[999_999])
    assert _as(client, holder).get(url).status_code == 404


# --- editing -------------------------------------------------------------------------------


def test_invalid_input_keeps_everything_typed_and_saves_nothing(client, holder, draft):
    _as(client, holder)
    data = edit_data(
        draft,
        title="",
        commune="99999",
        summary="Un résumé tout neuf.",
        expenses=(("Travaux", "douze mille", True),),
        resources=((CoFinancer.REGION, "", "-5"),),
    )
    response = client.post(reverse("calls:application_edit", args=[draft.pk]), data)

    assert response.status_code == 200
    assert response.context["has_errors"]
    project = response.context["project"]
    assert set(project.errors) == {"title", "commune"}
    assert response.context["expenses"].forms[0].errors["amount"]
    assert response.context["resources"].forms[0].errors["amount"]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    for typed in (
        "Un résumé tout neuf.",
        "douze mille",
        "99999",
        "Réponse au critère open_to_all.",
    ):
        assert typed in html
    draft.refresh_from_db()
    assert draft.summary == "Un tiers-lieu inventé pour les tests."
    assert draft.expenses.count() == 2  # the factory's plan is untouched


def test_the_holder_types_the_commune_by_name_or_by_postcode(client, holder, draft):
    """Issue 12: "Bressuire" or "79300" in the commune field, the INSEE code kept behind it."""
    _as(client, holder)
    url = reverse("calls:application_edit", args=[draft.pk])
    response = client.post(url, edit_data(draft, commune="Bressuire"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.commune_id == "79049"

    # 79300 is shared by four communes (and is Sainte-Verge's INSEE code): the form lists them.
    response = client.post(url, edit_data(draft, commune="79300"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Several communes match “79300”" in html
    assert 'name="commune_choice" value="79049"' in html
    assert 'value="79300"' in html  # what was typed is kept
    response = client.post(url, edit_data(draft, commune="79300", commune_choice="79038"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.commune_id == "79038"  # Boismé


def test_a_development_application_names_the_place_developed(client, holder, organisation):
    from tests.places.factories import PlaceFactory

    place = PlaceFactory(name="La Grange numérique")
    application = ApplicationFactory(
        organisation=organisation, call=CallFactory(development=True), complete=False
    )
    _as(client, holder)
    response = client.get(reverse("calls:application_edit", args=[application.pk]))
    assert "La Grange numérique" in response.content.decode()
    data = edit_data(application, place=str(place.pk), staff_fte="1,5")
    response = client.post(reverse("calls:application_edit", args=[application.pk]), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.place == place
    assert str(application.staff_fte) == "1.50"


def test_an_application_sent_to_instruction_can_no_longer_be_edited(client, holder, organisation):
    application = ApplicationFactory(organisation=organisation, submitted=True)
    _as(client, holder)
    response = client.get(reverse("calls:application_edit", args=[application.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:application_detail", args=[application.pk])
    response = client.post(
        reverse("calls:application_edit", args=[application.pk]), edit_data(application)
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title != "La Fabrique de Thiviers"


def test_the_running_balance_is_recomputed_without_saving(client, holder, draft):
    _as(client, holder)
    data = plan_data(
        expenses=(("Travaux", "1 000,50", True), ("Écran", "abc", True)),
        resources=((CoFinancer.REGION, "", "400"),),
    )
    response = client.post(
        reverse("calls:application_plan_balance", args=[draft.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.context["balance"].expenses_cents == 100_050
    assert response.context["balance"].resources_cents == 40_000
    html = response.content.decode()
    assert 'data-balanced="false"' in html
    assert "<html" not in html  # a fragment
    assert draft.expenses.count() == 2


# --- attachments -----------------------------------------------------------------------------


def test_attachment_download_streams_the_file_privately(client, holder, attachment):
    response = _as(client, holder).get(reverse("calls:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statuts.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_instructor_downloads_the_attachments_of_a_submitted_application(
    client, instructor, holder, attachment
):
    Application.objects.filter(pk=attachment.application_id).update(
        state=ApplicationState.SUBMITTED
    )
    response = _as(client, instructor).get(
        reverse("calls:attachment_download", args=[attachment.pk])
    )
    assert response.status_code == 200


def test_a_docx_bomb_is_refused_by_the_form_and_nothing_is_stored(client, holder, draft):
    """The issue's upload: a DOCX whose document part inflates to 1 GiB (1 MB sent)."""
    import io
    import zipfile

    content_types = (
        b'<Types><Override PartName="/word/document.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        with archive.open("word/document.xml", "w") as handle:
            zeros = bytes(1024 * 1024)
            for _ in range(1024):
                handle.write(zeros)
    bomb = SimpleUploadedFile("statuts.docx", out.getvalue())
    response = _as(client, holder).post(
        reverse("calls:attachment_upload", args=[draft.pk]),
        {"file": bomb},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "more than 50 MB" in response.context["upload_form"].errors["file"][0]
    assert not Attachment.objects.exists()


def test_unknown_attachment_is_404(client, holder):
    assert (
        _as(client, holder).get(reverse("calls:attachment_download", args=[9999])).status_code
        == 404
    )


def test_the_holder_removes_an_attachment_of_a_draft(client, holder, attachment):
    response = _as(client, holder).post(reverse("calls:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302
    assert not Attachment.objects.exists()


# --- messages and withdrawal -----------------------------------------------------------------


def test_the_holder_posts_a_message_with_htmx_and_sees_the_thread(client, holder, draft):
    _as(client, holder)
    url = reverse("calls:application_message_post", args=[draft.pk])
    response = client.post(url, {"body": "Une question sur le plan."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="timeline"' in html and "<html" not in html
    assert "Une question sur le plan." in html
    assert ApplicationMessage.objects.get().author == holder

    response = client.post(url, {"body": ""})
    assert response.status_code == 200
    assert response.context["message_form"].errors["body"]


def test_the_holder_withdraws_the_application_with_a_reason(client, holder, draft):
    _as(client, holder)
    response = client.post(
        reverse("calls:application_withdraw", args=[draft.pk]), {"reason": "Projet abandonné."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ApplicationState.WITHDRAWN
    assert draft.logs.get().reason == "Projet abandonné."
    detail = client.get(reverse("calls:application_detail", args=[draft.pk]))
    html = detail.content.decode()
    assert "Projet abandonné." in html
    assert reverse("calls:application_withdraw", args=[draft.pk]) not in html
    # Withdrawing twice is refused by the workflow, and said on the page.
    response = client.post(reverse("calls:application_withdraw", args=[draft.pk]))
    assert response.status_code == 200


def test_an_application_sent_back_for_changes_is_submitted_again(client, holder, organisation):
    application = ApplicationFactory(organisation=organisation, changes_requested=True)
    _as(client, holder)
    detail = client.get(reverse("calls:application_detail", args=[application.pk]))
    assert detail.context["is_resubmission"]
    response = client.post(reverse("calls:application_submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


# --- the whole journey -----------------------------------------------------------------------


def test_holder_journey_from_organisation_to_submitted_application(client, other_holder):
    user = UserFactory(username="chloe", holder=True)
    call = CallFactory(creation=True, name="AMI création")
    _as(client, user)

    # 1. The organisation: a SIRET with a wrong key is refused, a valid one accepted.
    register = reverse("calls:organisation_register")
    assert client.get(register).status_code == 200
    good_siret = valid_siret(4_242_424)
    bad_siret = good_siret[:-1] + str((int(good_siret[-1]) + 1) % 10)
    response = client.post(
        register, {"name": "La Fabrique", "kind": "association", "siret": bad_siret}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["siret"]
    assert not Organisation.objects.filter(name="La Fabrique").exists()
    spaced = f"{good_siret[:3]} {good_siret[3:6]} {good_siret[6:9]} {good_siret[9:]}"
    response = client.post(
        register, {"name": "La Fabrique", "kind": "association", "siret": spaced}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.organisation.siret == good_siret

    # 2. A draft.
    response = client.post(
        reverse("calls:application_create", args=[call.pk]), {"title": "La Fabrique"}
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("calls:application_edit", args=[application.pk])
    assert application.state == ApplicationState.DRAFT
    assert application.organisation == user.organisation
    detail_url = reverse("calls:application_detail", args=[application.pk])
    edit_url = reverse("calls:application_edit", args=[application.pk])

    # 3. Submitting at once: refused, with what is missing listed.
    response = client.post(reverse("calls:application_submit", args=[application.pk]))
    assert response.status_code == 200
    missing = response.context["submit_missing"]
    assert len(missing) >= 10
    html = unescape(response.content.decode())
    assert 'id="submit-missing"' in html
    assert all(item in html for item in missing)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT

    # 4. The sections with an unbalanced plan: saved (a draft may be unbalanced), and said.
    unbalanced = edit_data(
        application,
        expenses=BALANCED_EXPENSES,
        resources=((CoFinancer.REGION, "AMI", "3000"),),
    )
    response = client.post(edit_url, unbalanced, follow=True)
    assert response.status_code == 200
    assert response.context["balance"].expenses_cents == 1_000_050
    assert response.context["balance"].resources_cents == 300_000
    html = response.content.decode()
    assert 'data-balanced="false"' in html
    assert "message--warning" in html
    for typed in ("La Fabrique de Thiviers", "Un tiers-lieu rural.", "Commune de Thiviers"):
        assert typed in html
    assert 'value="8000,00"' in html and 'value="2000,50"' in html
    application.refresh_from_db()
    assert application.title == "La Fabrique de Thiviers"
    assert application.commune_id == "24551"
    assert application.premises_lent_by_authority is True
    assert application.answers.count() == call.criteria.count()
    assert sorted(application.expenses.values_list("amount_cents", "is_eligible")) == [
        (200_050, False),
        (800_000, True),
    ]

    # ... then balanced; the existing lines come back as initial rows.
    balanced = edit_data(application, expenses=BALANCED_EXPENSES, resources=BALANCED_RESOURCES)
    balanced["expenses-INITIAL_FORMS"] = "2"
    balanced["resources-INITIAL_FORMS"] = "1"
    response = client.post(edit_url, balanced, follow=True)
    assert response.context["balance"].is_balanced
    assert 'data-balanced="true"' in response.content.decode()
    assert application.resources.count() == 2

    # 5. Attachments: a PDF is accepted; a wrong type and a file over 10 MB are refused.
    upload = reverse("calls:attachment_upload", args=[application.pk])
    response = client.post(
        upload,
        {"file": SimpleUploadedFile("budget.pdf", PDF), "label": "Budget détaillé"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "budget.pdf"

    response = client.post(upload, {"file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")})
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"]
    assert 'id="upload-form"' in response.content.decode()

    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    response = client.post(upload, {"file": big})
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"]
    assert Attachment.objects.count() == 1

    detail = client.get(detail_url)
    assert reverse("calls:attachment_download", args=[attachment.pk]) in detail.content.decode()
    assert detail.context["missing"] == []

    # 6. Submitted: the mesh figures are computed (no place in the test database).
    response = client.post(reverse("calls:application_submit", args=[application.pk]))
    assert response.status_code == 302
    assert response["Location"] == detail_url
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.mesh_computed_at is not None
    assert application.logs.get().to_state == ApplicationState.SUBMITTED
    detail = client.get(detail_url)
    html = detail.content.decode()
    assert 'data-state="submitted"' in html
    assert 'id="mesh"' in html
    assert edit_url not in html
    assert client.get(edit_url).status_code == 302

    # 7. Another holder sees neither the application nor its file.
    client.force_login(other_holder)
    assert client.get(detail_url).status_code == 404
    assert client.get(reverse("calls:attachment_download", args=[attachment.pk])).status_code == 404


def test_a_creation_project_near_an_open_place_is_refused_with_the_reason(
    client, holder, organisation
):
    from tests.places.factories import PlaceFactory
    from tierslieux.territory.models import Commune

    application = ApplicationFactory(organisation=organisation, call=CallFactory(creation=True))
    PlaceFactory(commune=Commune.objects.get(code="24322"))
    assert Place.objects.count() == 1
    response = _as(client, holder).post(reverse("calls:application_submit", args=[application.pk]))
    assert response.status_code == 200
    assert response.context["submit_reasons"]
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_a_plan_line_is_removed_by_ticking_it(client, holder, draft):
    _as(client, holder)
    data = edit_data(draft, expenses=BALANCED_EXPENSES, resources=BALANCED_RESOURCES)
    data |= {"expenses-INITIAL_FORMS": "2", "expenses-1-DELETE": "on"}
    response = client.post(reverse("calls:application_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    assert list(draft.expenses.values_list("label", flat=True)) == ["Travaux"]
