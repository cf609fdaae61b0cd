"""The agreements' documents: the convention (DOCX and PDF) and the minutes of a meeting (DOCX).

The wording is the Région's and lives in Word templates committed under
``document_templates/`` (``convention.docx``, ``minutes.docx``), which the Région edits in Word
or LibreOffice. They hold docxtpl's Jinja2 tags (``{{ holder.name }}``, ``{%tr for t in
tranches %}``...); the variables are built here by pure formatting functions, in French (a
document, not the interface): amounts ``60 000,00 €``, dates ``1er juillet 2026``.

The PDF is made from the generated DOCX (DOCX → HTML with mammoth → PDF with WeasyPrint and
``document_templates/print.css``), so that an edit of the template shows in both. A template
that cannot be rendered (a broken tag, an unknown variable) raises ``DocumentTemplateError``
naming the template, the problem and the text around it. See ADR 0011 and docs/documents.md.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

import jinja2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tierslieux.agreements.models import (
    MILESTONE_ORDER,
    Agreement,
    AgreementIndicator,
    IndicatorKind,
    Milestone,
    MilestoneDecision,
    PaymentTranche,
)
from tierslieux.agreements.scdl import grantor
from tierslieux.agreements.services import tranche_condition
from tierslieux.agreements.workflow import AgreementState
from tierslieux.core import clock, money

TEMPLATES_DIR = Path(__file__).resolve().parent / "document_templates"
CONVENTION_TEMPLATE = TEMPLATES_DIR / "convention.docx"
MINUTES_TEMPLATE = TEMPLATES_DIR / "minutes.docx"
PRINT_STYLESHEET = TEMPLATES_DIR / "print.css"

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"

NNBSP, NBSP = "\u202f", "\u00a0"
DRAFT_MARK = "PROJET"

# Word styles of the templates -> HTML for the PDF (mammoth keeps structure, not layout).
MAMMOTH_STYLE_MAP = """
p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Draft mark'] => p.draft-mark:fresh
p[style-name='Small'] => p.small:fresh
p[style-name='List Bullet'] => ul > li:fresh
table[style-name='Table Grid'] => table.grid:fresh
table[style-name='Signatures'] => table.signatures:fresh
br[type='page'] => hr.page-break
"""


def format_euros(cents: int) -> str:
    """Amounts of the document are French whatever the language of the interface."""
    return money.format_euros(cents, language="fr")


class DocumentTemplateError(ValidationError):
    """A document template cannot be rendered (a broken tag, an unknown variable...)."""


# --- French formatting (pure) ------------------------------------------------------------------

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MEETING_NAMES = {
    "kickoff": "rendez-vous de démarrage",
    "midterm": "comité de pilotage à mi-financement",
    "final": "rendez-vous bilan",
}
MEETING_WHEN = {
    "kickoff": "à la signature",
    "midterm": "à mi-financement",
    "final": "en fin de financement",
}
MEETING_PURPOSES = {
    "kickoff": "rencontre avec le collectif et ses partenaires, revue du plan de financement",
    "midterm": "bilan intermédiaire et ajustements éventuels",
    "final": (
        "indicateurs qualitatifs et quantitatifs de la convention, perspectives de développement"
    ),
}
DECISION_NAMES = {
    MilestoneDecision.PENDING: "en attente",
    MilestoneDecision.APPROVED: "approuvé",
    MilestoneDecision.ADJUSTMENTS_REQUIRED: "ajustements demandés",
}
INDICATOR_KINDS = {
    IndicatorKind.QUALITATIVE: "qualitatif",
    IndicatorKind.QUANTITATIVE: "quantitatif",
}
TRANCHE_STATES = {"scheduled": "prévue", "payable": "payable", "paid": "versée"}
TRANCHE_LABELS = {
    "advance": "Avance à la signature",
    "intermediate": "Versement intermédiaire",
    "balance": "Solde",
}
AGREEMENT_STATES = {
    AgreementState.DRAFT: "projet",
    AgreementState.SIGNED: "signée",
    AgreementState.CLOSED: "clôturée",
    AgreementState.TERMINATED: "résiliée",
}


def format_date(day: datetime.date | None) -> str:
    """``2026-07-01`` -> ``"1er juillet 2026"``; ``None`` -> ``""``."""
    if day is None:
        return ""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def _group(integer: int) -> str:
    return f"{integer:,}".replace(",", NNBSP)


def format_number(value: Decimal | int | None) -> str:
    """``Decimal("1250.50")`` -> ``"1 250,5"``; whole numbers without decimals; None -> ""."""
    if value is None:
        return ""
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == value.to_integral_value():
        return f"{sign}{_group(int(value))}"
    whole, _dot, decimals = f"{value.quantize(Decimal('0.01')):f}".partition(".")
    return f"{sign}{_group(int(whole))},{decimals.rstrip('0')}"


_UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens == 7:
        return "soixante et onze" if unit == 1 else f"soixante-{_UNITS[10 + unit]}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    if tens == 9:
        return f"quatre-vingt-{_UNITS[10 + unit]}"
    if unit == 0:
        return _TENS[tens]
    if unit == 1:
        return f"{_TENS[tens]} et un"
    return f"{_TENS[tens]}-{_UNITS[unit]}"


def _below_1000(n: int, *, before_mille: bool = False) -> str:
    """1..999 in words; ``cents`` / ``quatre-vingts`` lose their s before ``mille``."""
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        word = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent"
        if hundreds > 1 and rest == 0 and not before_mille:
            word += "s"
        parts.append(word)
    if rest:
        words = _below_100(rest)
        if before_mille and words.endswith("quatre-vingts"):
            words = words[:-1]
        parts.append(words)
    return " ".join(parts)


def number_in_words(n: int) -> str:
    """A whole number in French words (traditional spelling): 71 -> ``soixante et onze``."""
    if n < 0:
        return f"moins {number_in_words(-n)}"
    if n == 0:
        return "zéro"
    billions, rest = divmod(n, 10**9)
    millions, rest = divmod(rest, 10**6)
    thousands, units = divmod(rest, 1000)
    parts = []
    if billions:
        parts.append(f"{number_in_words(billions)} milliard{'s' if billions > 1 else ''}")
    if millions:
        parts.append(f"{_below_1000(millions)} million{'s' if millions > 1 else ''}")
    if thousands:
        parts.append(
            "mille" if thousands == 1 else f"{_below_1000(thousands, before_mille=True)} mille"
        )
    if units:
        parts.append(_below_1000(units))
    return " ".join(parts)


def euros_in_words(cents: int) -> str:
    """``6000050`` -> ``"soixante mille euros et cinquante centimes"``."""
    euros, rest = divmod(abs(int(cents)), 100)
    parts = []
    if euros or not rest:
        words = number_in_words(euros)
        of = " d'" if words.endswith(("million", "millions", "milliard", "milliards")) else " "
        parts.append(f"{words}{of}euro{'s' if euros > 1 else ''}")
    if rest:
        parts.append(f"{number_in_words(rest)} centime{'s' if rest > 1 else ''}")
    return " et ".join(parts)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (1 Jan -> 31 Dec is 12: the last day counts)."""
    end = end + datetime.timedelta(days=1)
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(value: Any) -> str:
    """Text safe in a Word document: ``\\r\\n`` -> ``\\n`` (a line break), control chars out."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


# --- contexts ----------------------------------------------------------------------------------


def _region() -> dict[str, str]:
    name, siret = grantor()
    return {
        "name": name,
        "siret": siret,
        "address": getattr(
            settings, "AGREEMENTS_REGION_ADDRESS", "14 rue François de Sourdis, 33077 Bordeaux"
        ),
        "signatory": getattr(
            settings, "AGREEMENTS_REGION_SIGNATORY", "le Président du Conseil régional"
        ),
    }


def _reference(agreement: Agreement) -> str:
    return agreement.reference or str(agreement.pk)


def _holder(agreement: Agreement) -> dict[str, str]:
    application = agreement.application
    commune = application.commune
    town = commune.name
    if commune.postal_codes:
        town = f"{commune.postal_codes[0]} {commune.name}"
    address = ", ".join(p for p in (clean_text(application.address), town) if p)
    return {
        "name": clean_text(application.organisation.name),
        "siret": application.organisation.siret,
        "address": address,
    }


def _meeting(milestone: Milestone) -> dict[str, Any]:
    name = MEETING_NAMES[milestone.kind]
    return {
        "kind": milestone.kind,
        "name": name[0].upper() + name[1:],
        "name_lower": name,
        "when": MEETING_WHEN[milestone.kind],
        "purpose": MEETING_PURPOSES[milestone.kind],
        "planned_on": format_date(milestone.planned_on),
        "held_on": format_date(milestone.held_on),
        "decision": DECISION_NAMES[milestone.decision],
        "approved": milestone.decision == MilestoneDecision.APPROVED,
    }


def _default_conditions(depends_on: str) -> set[str]:
    """The conditions the service writes by default, in every language of the site."""
    conditions = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            conditions.add(tranche_condition(depends_on))
    return conditions


def _tranche(tranche: PaymentTranche) -> dict[str, Any]:
    if tranche.depends_on:
        due = f"après l'approbation du {MEETING_NAMES[tranche.depends_on]}"
    else:
        due = "à la signature de la convention"
    condition = clean_text(tranche.condition)
    return {
        "order": tranche.order,
        "label": TRANCHE_LABELS.get(tranche.label, clean_text(tranche.label)),
        "amount": format_euros(tranche.amount_cents),
        "depends_on": tranche.depends_on,
        "meeting": MEETING_NAMES.get(tranche.depends_on, ""),
        "due": due,
        "condition": condition,
        "note": "" if condition in _default_conditions(tranche.depends_on) else condition,
        "state": TRANCHE_STATES.get(tranche.state, tranche.state),
        "paid_on": format_date(tranche.paid_on),
        "paid_amount": (
            format_euros(tranche.paid_amount_cents) if tranche.paid_amount_cents else ""
        ),
    }


def _indicator(indicator: AgreementIndicator) -> dict[str, str]:
    quantitative = indicator.kind == IndicatorKind.QUANTITATIVE
    return {
        "label": clean_text(indicator.label),
        "kind": INDICATOR_KINDS.get(indicator.kind, indicator.kind),
        "unit": clean_text(indicator.unit),
        "baseline": (
            format_number(indicator.baseline_value)
            if quantitative
            else clean_text(indicator.baseline_text)
        ),
        "target": (
            format_number(indicator.target_value)
            if quantitative
            else clean_text(indicator.target_text)
        ),
    }


def agreement_document_context(agreement: Agreement) -> dict[str, Any]:
    """Everything the convention template can show, formatted in French (see docs/documents.md).

    ``draft`` is true until the agreement is signed (then ``PROJET`` is printed).
    """
    application = agreement.application
    decision = getattr(application, "decision", None)
    milestones = sorted(agreement.milestones.all(), key=lambda m: MILESTONE_ORDER.index(m.kind))
    tranches = sorted(agreement.tranches.all(), key=lambda t: t.order)
    indicators = sorted(agreement.indicators.all(), key=lambda i: (i.order, i.pk))
    meetings = [_meeting(m) for m in milestones]
    empty_meeting = {"name": "", "planned_on": "", "held_on": "", "decision": "", "when": ""}
    return {
        "draft": agreement.state == AgreementState.DRAFT,
        "state": AGREEMENT_STATES.get(agreement.state, agreement.state),
        "reference": _reference(agreement),
        "generated_on": format_date(clock.today()),
        "region": _region(),
        "holder": _holder(agreement),
        "project": {
            "title": clean_text(application.title),
            "commune": application.commune.name,
        },
        "call": {"name": clean_text(application.call.name), "year": application.call.year},
        "decision": {
            "reference": decision.reference if decision else "",
            "committee_on": format_date(decision.committee_on) if decision else "",
        },
        "parties": clean_text(agreement.parties),
        "object": clean_text(agreement.object),
        "amount": format_euros(agreement.amount_cents),
        "amount_words": euros_in_words(agreement.amount_cents),
        "starts_on": format_date(agreement.starts_on),
        "ends_on": format_date(agreement.ends_on),
        "duration_months": months_between(agreement.starts_on, agreement.ends_on),
        "signed_on": format_date(agreement.signed_on),
        "indicators": [_indicator(i) for i in indicators],
        "tranches": [_tranche(t) for t in tranches],
        "tranches_total": format_euros(sum(t.amount_cents for t in tranches)),
        "meetings": dict.fromkeys(MILESTONE_ORDER, empty_meeting)
        | {m["kind"]: m for m in meetings},
        "meeting_list": meetings,
    }


def milestone_document_context(milestone: Milestone) -> dict[str, Any]:
    """Everything the minutes template can show about one meeting (see docs/documents.md)."""
    agreement = milestone.agreement
    values = {v.indicator_id: v for v in milestone.values.all()}
    rows = []
    for indicator in sorted(agreement.indicators.all(), key=lambda i: (i.order, i.pk)):
        row = _indicator(indicator)
        value = values.get(indicator.pk)
        observed = ""
        if value is not None:
            observed = (
                format_number(value.value) if value.value is not None else clean_text(value.text)
            )
        row.update(value=observed, comment=clean_text(value.comment) if value else "")
        rows.append(row)
    meeting = _meeting(milestone)
    decided_by = milestone.decided_by
    meeting.update(
        participants=clean_text(milestone.participants),
        minutes=clean_text(milestone.minutes),
        decided_on=(
            format_date(timezone.localtime(milestone.decided_at).date())
            if milestone.decided_at
            else ""
        ),
        decided_by=(decided_by.get_full_name() or decided_by.username) if decided_by else "",
    )
    return {
        "draft": milestone.decision == MilestoneDecision.PENDING,
        "generated_on": format_date(clock.today()),
        "region": _region(),
        "holder": _holder(agreement),
        "project": {
            "title": clean_text(agreement.application.title),
            "commune": agreement.application.commune.name,
        },
        "agreement": {
            "reference": _reference(agreement),
            "amount": format_euros(agreement.amount_cents),
            "starts_on": format_date(agreement.starts_on),
            "ends_on": format_date(agreement.ends_on),
            "signed_on": format_date(agreement.signed_on),
            "state": AGREEMENT_STATES.get(agreement.state, agreement.state),
        },
        "meeting": meeting,
        "values": rows,
        "tranches": [
            _tranche(t)
            for t in sorted(agreement.tranches.all(), key=lambda t: t.order)
            if t.depends_on == milestone.kind
        ],
    }


# --- rendering ---------------------------------------------------------------------------------


def _template_error(template: Path, problem: str, near: str = "") -> DocumentTemplateError:
    message = _("The document template “%(template)s” cannot be used: %(problem)s.") % {
        "template": template.name,
        "problem": problem,
    }
    if near:
        message += " " + _("Near: “%(text)s”.") % {"text": near}
    message += " " + _("Correct the template (see docs/documents.md) or restore it.")
    return DocumentTemplateError(message, code="document_template")


def _near(exc: Exception) -> str:
    """The template's text around a Jinja error (docxtpl gives the paragraphs around it)."""
    lines = [" ".join(line.split()) for line in getattr(exc, "docx_context", None) or []]
    text = " … ".join(line for line in lines if line)
    return text[:300]


def render_docx(template: Path, context: dict[str, Any]) -> bytes:
    """Render a docxtpl template with ``context``; ``DocumentTemplateError`` when it is broken.

    Values are XML-escaped (autoescape); an unknown variable is an error (StrictUndefined), so
    that a misspelt tag is reported instead of printing nothing.
    """
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    if not Path(template).is_file():
        raise _template_error(template, _("the file is missing"))
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    try:
        document = DocxTemplate(str(template))
        document.render(context, jinja_env=env, autoescape=True)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _template_error(template, _("it is not a Word (.docx) document")) from exc
    except jinja2.UndefinedError as exc:
        raise _template_error(
            template, _("unknown variable (%(error)s)") % {"error": exc.message}, _near(exc)
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise _template_error(
            template, _("a tag is malformed (%(error)s)") % {"error": exc.message}, _near(exc)
        ) from exc
    except jinja2.TemplateError as exc:
        raise _template_error(template, str(exc), _near(exc)) from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_title(docx: bytes, title: str) -> bytes:
    from docx import Document

    document = Document(io.BytesIO(docx))
    document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def agreement_docx(agreement: Agreement, *, template: Path | None = None) -> bytes:
    """The convention as a Word document, from ``convention.docx`` (or ``template``)."""
    context = agreement_document_context(agreement)
    docx = render_docx(template or CONVENTION_TEMPLATE, context)
    return _set_title(docx, f"Convention de partenariat n° {context['reference']}")


def milestone_minutes_docx(milestone: Milestone, *, template: Path | None = None) -> bytes:
    """The minutes of one meeting as a Word document, from ``minutes.docx`` (or ``template``)."""
    context = milestone_document_context(milestone)
    docx = render_docx(template or MINUTES_TEMPLATE, context)
    title = f"Compte rendu — {context['meeting']['name']} — n° {context['agreement']['reference']}"
    return _set_title(docx, title)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def docx_to_pdf(docx: bytes, *, title: str, footer: str = "", draft: bool = False) -> bytes:
    """A PDF of a generated Word document: mammoth (DOCX -> HTML), then WeasyPrint.

    The print stylesheet gives A4 pages, margins, bordered tables and "page X / Y"; ``footer``
    goes at the bottom left of every page and ``draft`` prints PROJET at the top of each page.
    """
    import mammoth
    from weasyprint import CSS, HTML

    body = mammoth.convert_to_html(io.BytesIO(docx), style_map=MAMMOTH_STYLE_MAP).value
    html = (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        f'<body class="{"draft" if draft else ""}">{body}</body></html>'
    )
    page = f"@page {{ @bottom-left {{ content: {_css_string(footer)}; }} }}"
    if draft:
        page += f"@page {{ @top-center {{ content: {_css_string(DRAFT_MARK)}; }} }}"
    return HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_STYLESHEET)), CSS(string=page)],
        pdf_variant="pdf/ua-1",  # tagged, with the document's language and title
    )


def agreement_pdf(agreement: Agreement, *, template: Path | None = None) -> bytes:
    """The convention as a PDF, made from the same generated DOCX as ``agreement_docx``."""
    reference = _reference(agreement)
    return docx_to_pdf(
        agreement_docx(agreement, template=template),
        title=f"Convention de partenariat n° {reference}",
        footer=f"Convention n° {reference}",
        draft=agreement.state == AgreementState.DRAFT,
    )


def agreement_filename(agreement: Agreement, extension: str) -> str:
    """``convention-<reference or pk>.<extension>``, safe as a file name."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", agreement.reference).strip("-.") or str(agreement.pk)
    return f"convention-{stem}.{extension}"


def minutes_filename(milestone: Milestone) -> str:
    """``compte-rendu-<reference or pk>-<meeting kind>.docx``."""
    stem = agreement_filename(milestone.agreement, "docx").removeprefix("convention-")
    return f"compte-rendu-{stem.removesuffix('.docx')}-{milestone.kind}.docx"
