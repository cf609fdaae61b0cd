"""The agreements' documents: French formatting, the convention (DOCX, PDF), the minutes of a
meeting, a broken template, and the download views per role."""

import datetime
import io
import zipfile
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.accounts.factories import UserFactory
from tests.agreements.factories import AgreementFactory, IndicatorFactory
from tests.calls.factories import holder_user
from tierslieux.agreements import documents
from tierslieux.agreements.documents import (
    DocumentTemplateError,
    agreement_document_context,
    euros_in_words,
    format_date,
    format_euros,
    format_number,
    milestone_document_context,
    months_between,
    number_in_words,
)
from tierslieux.agreements.models import (
    IndicatorValue,
    MilestoneDecision,
    MilestoneKind,
    PaymentTranche,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def flat(text: str) -> str:
    """Text with every kind of space as one plain space (Word and PDF differ there)."""
    return " ".join(text.replace(NNBSP, " ").replace(NBSP, " ").split())


def docx_text(content: bytes) -> str:
    """Every paragraph of a Word document: body, tables, headers and footers."""
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return flat("\n".join(parts))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return flat(" ".join(page.extract_text() for page in reader.pages))


# --- French formatting (pure) ------------------------------------------------------------------


def test_amounts_are_formatted_the_french_way():
    assert format_euros(6_000_000) == f"60{NNBSP}000,00{NBSP}€"
    assert format_euros(123_456_789) == f"1{NNBSP}234{NNBSP}567,89{NBSP}€"
    assert format_euros(5) == f"0,05{NBSP}€"
    assert format_euros(-150) == f"-1,50{NBSP}€"


def test_numbers_drop_useless_decimals():
    assert format_number(Decimal("40.00")) == "40"
    assert format_number(Decimal("1250.50")) == f"1{NNBSP}250,5"
    assert format_number(Decimal("0.25")) == "0,25"
    assert format_number(None) == ""


def test_dates_in_french_with_the_first_of_the_month():
    assert format_date(datetime.date(2026, 7, 1)) == "1er juillet 2026"
    assert format_date(datetime.date(2026, 2, 15)) == "15 février 2026"
    assert format_date(None) == ""


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zéro"),
        (1, "un"),
        (16, "seize"),
        (21, "vingt et un"),
        (22, "vingt-deux"),
        (71, "soixante et onze"),
        (77, "soixante-dix-sept"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (91, "quatre-vingt-onze"),
        (100, "cent"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (1000, "mille"),
        (80_000, "quatre-vingt mille"),
        (200_000, "deux cent mille"),
        (60_000, "soixante mille"),
        (1_000_000, "un million"),
        (2_300_000, "deux millions trois cent mille"),
        (1_000_000_000, "un milliard"),
    ],
)
def test_numbers_in_french_words(n, words):
    assert number_in_words(n) == words


def test_amounts_in_words():
    assert euros_in_words(6_000_000) == "soixante mille euros"
    assert euros_in_words(100) == "un euro"
    assert euros_in_words(150) == "un euro et cinquante centimes"
    assert euros_in_words(1) == "un centime"
    assert euros_in_words(200_000_000) == "deux millions d'euros"


def test_months_between_counts_the_last_day():
    assert months_between(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == 12
    assert months_between(datetime.date(2026, 1, 15), datetime.date(2027, 1, 15)) == 12
    assert months_between(datetime.date(2026, 1, 15), datetime.date(2026, 4, 14)) == 3


# --- the convention ----------------------------------------------------------------------------


@pytest.fixture
def agreement(db):
    """A draft agreement of 60,000 € with a quantitative and a qualitative indicator."""
    agreement = AgreementFactory(
        application__organisation__name="Coopérative La Fabrique & Cie",
        amount_cents=6_000_000,
        reference="CP-2026-04-17",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    IndicatorFactory(agreement=agreement, label="Postes de coworking occupés", order=1)
    IndicatorFactory(agreement=agreement, qualitative=True, label="Gouvernance du lieu", order=2)
    return agreement


def sign(agreement):
    agreement.state = "signed"
    agreement.signed_on = datetime.date(2026, 1, 10)
    agreement.save()
    return agreement


@pytest.mark.django_db
def test_context_formats_everything_the_template_shows(agreement):
    context = agreement_document_context(agreement)

    assert context["draft"] is True
    assert context["reference"] == "CP-2026-04-17"
    assert context["holder"]["name"] == "Coopérative La Fabrique & Cie"
    assert context["holder"]["siret"] == agreement.application.organisation.siret
    assert context["holder"]["address"].endswith("Périgueux")
    assert context["region"]["siret"] == "20005375900011"
    assert context["amount"] == f"60{NNBSP}000,00{NBSP}€"
    assert context["amount_words"] == "soixante mille euros"
    assert context["starts_on"] == "1er janvier 2026"
    assert context["ends_on"] == "31 décembre 2027"
    assert context["duration_months"] == 24
    assert context["signed_on"] == ""
    assert [i["label"] for i in context["indicators"]] == [
        "Postes de coworking occupés",
        "Gouvernance du lieu",
    ]
    quantitative, qualitative = context["indicators"]
    assert (quantitative["kind"], quantitative["baseline"], quantitative["target"]) == (
        "quantitatif",
        "0",
        "40",
    )
    assert qualitative["target"] == "Gouvernance partagée (SCIC)"
    assert [(t["order"], t["label"], t["amount"]) for t in context["tranches"]] == [
        (1, "Avance à la signature", f"18{NNBSP}000,00{NBSP}€"),
        (2, "Versement intermédiaire", f"24{NNBSP}000,00{NBSP}€"),
        (3, "Solde", f"18{NNBSP}000,00{NBSP}€"),
    ]
    assert context["tranches"][0]["due"] == "à la signature de la convention"
    assert context["tranches"][1]["due"] == (
        "après l'approbation du comité de pilotage à mi-financement"
    )
    assert context["tranches_total"] == context["amount"]
    assert context["meetings"]["kickoff"]["planned_on"] == "1er janvier 2026"
    assert context["meetings"]["midterm"]["planned_on"] == "31 décembre 2026"
    assert context["meetings"]["final"]["planned_on"] == "31 décembre 2027"
    assert [m["kind"] for m in context["meeting_list"]] == ["kickoff", "midterm", "final"]

    sign(agreement)
    context = agreement_document_context(agreement)
    assert context["draft"] is False
    assert context["signed_on"] == "10 janvier 2026"


@pytest.mark.django_db
def test_a_customtranche_condition_is_shown_but_not_the_default_one(agreement):
    from django.utils import translation

    from tierslieux.agreements.services import tranche_condition

    with translation.override("fr"):
        default = tranche_condition("")
    PaymentTranche.objects.filter(agreement=agreement, order=1).update(condition=default)
    PaymentTranche.objects.filter(agreement=agreement, order=2).update(
        condition="Sur présentation des factures."
    )
    notes = [t["note"] for t in agreement_document_context(agreement)["tranches"]]
    assert notes == ["", "Sur présentation des factures.", ""]


@pytest.mark.django_db
def test_docx_holds_the_holder_the_amount_every_indicator_and_every_tranche(agreement):
    text = docx_text(documents.agreement_docx(agreement))

    assert "Coopérative La Fabrique & Cie" in text
    assert agreement.application.organisation.siret in text
    assert "60 000,00 €" in text
    assert "soixante mille euros" in text
    assert "Postes de coworking occupés" in text and "Gouvernance du lieu" in text
    for label, amount in [
        ("Avance à la signature", "18 000,00 €"),
        ("Versement intermédiaire", "24 000,00 €"),
        ("Solde", "18 000,00 €"),
    ]:
        assert f"{label} {amount}" in text
    assert "31 décembre 2026" in text  # the mid-funding steering committee
    assert "{{" not in text and "{%" not in text


@pytest.mark.django_db
def test_projet_is_printed_on_a_draft_only(agreement):
    assert "PROJET" in docx_text(documents.agreement_docx(agreement))

    text = docx_text(documents.agreement_docx(sign(agreement)))
    assert "PROJET" not in text
    assert "10 janvier 2026" in text  # signed on


@pytest.mark.django_db
def test_docx_escapes_text_and_keeps_line_breaks(agreement, built_templates):
    agreement.object = "Ouvrir un tiers-lieu <rural>\r\navec un fablab"
    agreement.save()
    content = documents.agreement_docx(agreement, template=built_templates / "convention.docx")
    document = docx.Document(io.BytesIO(content))
    assert document.core_properties.title == "Convention de partenariat n° CP-2026-04-17"
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Objet :"))
    assert paragraph.text == "Objet : Ouvrir un tiers-lieu <rural>\navec un fablab"


@pytest.mark.django_db
def test_pdf_is_made_from_the_docx_with_the_same_facts(agreement):
    draft = pdf_text(documents.agreement_pdf(agreement))

    assert "Coopérative La Fabrique & Cie" in draft
    assert "60 000,00 €" in draft
    assert "Postes de coworking occupés" in draft and "Gouvernance du lieu" in draft
    for label in ("Avance à la signature", "Versement intermédiaire", "Solde"):
        assert label in draft
    assert "PROJET" in draft
    assert "page 1 / " in draft
    assert "Convention n° CP-2026-04-17" in draft

    signed = documents.agreement_pdf(sign(agreement))
    assert signed.startswith(b"%PDF")
    assert "PROJET" not in pdf_text(signed)


@pytest.mark.django_db
def test_an_edit_of_the_template_shows_in_both_documents(agreement, built_templates, tmp_path):
    template = edited_template(
        built_templates, tmp_path, "Article 6 — Communication", "Article 6 — Visibilité"
    )
    assert "Article 6 — Visibilité" in docx_text(
        documents.agreement_docx(agreement, template=template)
    )
    assert "Article 6 — Visibilité" in pdf_text(
        documents.agreement_pdf(agreement, template=template)
    )


# --- a broken template -------------------------------------------------------------------------


def load_build_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_document_templates",
        documents.TEMPLATES_DIR.parents[2] / "scripts" / "build_document_templates.py",
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


@pytest.fixture(scope="session")
def built_templates(tmp_path_factory):
    """The script's templates: tests that edit a template start from them, not from the
    committed ones, whose wording is the Région's to change."""
    directory = tmp_path_factory.mktemp("built_templates")
    assert load_build_script().main(["--output-dir", str(directory)]) == 0
    return directory


def edited_template(built_templates, tmp_path, old: str, new: str, name="convention.docx"):
    """A copy of a template built by the script with ``old`` replaced by ``new``."""
    source = built_templates / name
    target = tmp_path / name
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode()
                assert old in xml
                data = xml.replace(old, new).encode()
            dst.writestr(info, data)
    return target


@pytest.mark.django_db
def test_a_broken_tag_gives_a_clear_error(agreement, built_templates, tmp_path):
    template = edited_template(built_templates, tmp_path, "{{ object }}", "{{ object }")
    with pytest.raises(DocumentTemplateError) as caught:
        documents.agreement_docx(agreement, template=template)
    message = " ".join(caught.value.messages)
    assert "“convention.docx” cannot be used: a tag is malformed" in message
    assert "Objet :" in message  # the text around the error


@pytest.mark.django_db
def test_a_misspelt_variable_gives_a_clear_error(agreement, built_templates, tmp_path):
    template = edited_template(built_templates, tmp_path, "{{ object }}", "{{ objet }}")
    with pytest.raises(DocumentTemplateError) as caught:
        documents.agreement_pdf(agreement, template=template)
    message = " ".join(caught.value.messages)
    assert "unknown variable" in message and "objet" in message


@pytest.mark.django_db
def test_a_file_that_is_not_a_word_document_gives_a_clear_error(agreement, tmp_path):
    template = tmp_path / "convention.docx"
    template.write_bytes(b"not a zip")
    with pytest.raises(DocumentTemplateError, match="not a Word"):
        documents.agreement_docx(agreement, template=template)
    with pytest.raises(DocumentTemplateError, match="missing"):
        documents.agreement_docx(agreement, template=tmp_path / "nothing.docx")


@pytest.mark.django_db
def test_the_script_builds_templates_that_render_and_never_overwrites_silently(agreement, tmp_path):
    """The committed templates may have been edited by the Région: only the script's own
    output is checked here (it renders, every tag is resolved)."""
    script = load_build_script()
    assert script.main(["--output-dir", str(tmp_path)]) == 0
    first = (tmp_path / "convention.docx").read_bytes()
    text = docx_text(documents.agreement_docx(agreement, template=tmp_path / "convention.docx"))
    assert "Convention de partenariat" in text and "{{" not in text
    milestone = agreement.milestones.first()
    text = docx_text(
        documents.milestone_minutes_docx(milestone, template=tmp_path / "minutes.docx")
    )
    assert "Compte rendu" in text and "{{" not in text

    assert script.main(["--output-dir", str(tmp_path)]) == 1  # refuses to overwrite
    assert script.main(["--output-dir", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "convention.docx").read_bytes() == first  # reproducible


# --- the minutes of a meeting ------------------------------------------------------------------


@pytest.fixture
def held_midterm(agreement):
    sign(agreement)
    kickoff = agreement.milestones.get(kind=MilestoneKind.KICKOFF)
    kickoff.held_on, kickoff.decision = datetime.date(2026, 1, 10), MilestoneDecision.APPROVED
    kickoff.save()
    midterm = agreement.milestones.get(kind=MilestoneKind.MIDTERM)
    midterm.held_on = datetime.date(2027, 1, 12)
    midterm.participants = "Mme Durand (Région)\nM. Martin (porteur)"
    midterm.minutes = "Fréquentation en hausse ; le fablab ouvre le samedi."
    midterm.decision = MilestoneDecision.APPROVED
    midterm.save()
    quantitative, qualitative = agreement.indicators.order_by("order")
    IndicatorValue.objects.create(
        milestone=midterm, indicator=quantitative, value=Decimal("27"), comment="Objectif à 40."
    )
    IndicatorValue.objects.create(
        milestone=midterm, indicator=qualitative, text="Collège des usagers créé"
    )
    return midterm


@pytest.mark.django_db
def test_minutes_context_holds_the_values_and_the_tranches_unlocked(held_midterm):
    context = milestone_document_context(held_midterm)
    assert context["draft"] is False
    assert context["meeting"]["name"] == "Comité de pilotage à mi-financement"
    assert context["meeting"]["held_on"] == "12 janvier 2027"
    assert context["meeting"]["decision"] == "approuvé"
    assert [(v["label"], v["baseline"], v["target"], v["value"]) for v in context["values"]] == [
        ("Postes de coworking occupés", "0", "40", "27"),
        (
            "Gouvernance du lieu",
            "Gouvernance informelle",
            "Gouvernance partagée (SCIC)",
            "Collège des usagers créé",
        ),
    ]
    assert [t["label"] for t in context["tranches"]] == ["Versement intermédiaire"]


@pytest.mark.django_db
def test_minutes_docx_holds_the_meeting(held_midterm):
    text = docx_text(documents.milestone_minutes_docx(held_midterm))

    assert "Comité de pilotage à mi-financement" in text
    assert "Coopérative La Fabrique & Cie" in text
    assert "12 janvier 2027" in text
    assert "Mme Durand (Région)" in text and "M. Martin (porteur)" in text
    assert "Fréquentation en hausse" in text
    assert "Postes de coworking occupés abonnés 0 40 27 Objectif à 40." in text
    assert "Collège des usagers créé" in text
    assert "approuvé" in text
    assert "Versement intermédiaire 24 000,00 €" in text
    assert "PROJET" not in text


@pytest.mark.django_db
def test_minutes_of_a_meeting_not_held_yet_are_a_draft_to_fill(agreement):
    final = agreement.milestones.get(kind=MilestoneKind.FINAL)
    text = docx_text(documents.milestone_minutes_docx(final))
    assert "PROJET" in text
    assert "Rendez-vous bilan" in text
    assert "en attente" in text
    assert "Solde 18 000,00 €" in text


# --- views -------------------------------------------------------------------------------------


DOCX = documents.DOCX_CONTENT_TYPE


@pytest.fixture
def users(agreement):
    return {
        "holder": holder_user(agreement.application.organisation),
        "other_holder": holder_user(),
        "instructor": UserFactory(instructor=True),
        "network": UserFactory(network=True),
    }


def urls(agreement):
    kickoff = agreement.milestones.get(kind=MilestoneKind.KICKOFF)
    return {
        "docx": reverse("agreements:agreement_docx", args=[agreement.pk]),
        "pdf": reverse("agreements:agreement_pdf", args=[agreement.pk]),
        "minutes": reverse("agreements:milestone_minutes_docx", args=[kickoff.pk]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["docx", "pdf", "minutes"])
def test_anonymous_users_go_to_the_login_page(client, agreement, kind):
    response = client.get(urls(agreement)[kind])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["docx", "pdf", "minutes"])
def test_another_holder_gets_a_404(client, agreement, users, kind):
    client.force_login(users["other_holder"])
    assert client.get(urls(agreement)[kind]).status_code == 404


@pytest.mark.django_db
def test_a_role_without_access_to_agreements_is_refused(client, agreement, users):
    client.force_login(users["network"])
    assert client.get(urls(agreement)["docx"]).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["instructor", "holder"])
def test_the_convention_docx_is_downloaded(client, agreement, users, role):
    client.force_login(users[role])
    response = client.get(urls(agreement)["docx"])
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        'attachment; filename="convention-CP-2026-04-17.docx"'
    )
    assert "Coopérative La Fabrique & Cie" in docx_text(b"".join(response.streaming_content))


@pytest.mark.django_db
def test_the_convention_pdf_is_downloaded_by_the_instructor(client, agreement, users):
    agreement.reference = ""
    agreement.save()
    client.force_login(users["instructor"])
    response = client.get(urls(agreement)["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="convention-{agreement.pk}.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_the_minutes_are_downloaded_by_the_instructor(client, agreement, users):
    client.force_login(users["instructor"])
    response = client.get(urls(agreement)["minutes"])
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert 'filename="compte-rendu-CP-2026-04-17-kickoff.docx"' in response["Content-Disposition"]
    assert "Rendez-vous de démarrage" in docx_text(b"".join(response.streaming_content))


@pytest.mark.django_db
def test_a_broken_template_is_reported_on_the_agreement_page(
    client, agreement, users, built_templates, tmp_path, monkeypatch
):
    broken = edited_template(built_templates, tmp_path, "{{ object }}", "{{ object }")
    monkeypatch.setattr(documents, "CONVENTION_TEMPLATE", broken)
    client.force_login(users["instructor"])
    response = client.get(urls(agreement)["docx"], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:agreement_detail", args=[agreement.pk])
    stored = [str(m) for m in response.wsgi_request._messages]
    assert any("convention.docx" in m and "malformed" in m for m in stored)


@pytest.mark.django_db
def test_the_convention_pdf_is_tagged_in_french_with_its_title(agreement):
    """PDF/UA: a structure tree, marked content, French as the language, the title."""
    reader = PdfReader(io.BytesIO(documents.agreement_pdf(agreement)))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]) == "fr"
    assert reader.metadata.title.startswith("Convention de partenariat")
