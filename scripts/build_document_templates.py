#!/usr/bin/env python3
"""Build the initial Word templates of the agreements' documents with python-docx.

Maintainer script, not imported by the Django project. It writes
``tierslieux/agreements/document_templates/convention.docx`` (the partnership agreement) and
``minutes.docx`` (the minutes of one of the three meetings). Run it from the repository root::

    uv run python scripts/build_document_templates.py            # refuses to overwrite
    uv run python scripts/build_document_templates.py --force    # rebuild from scratch

Once committed, the ``.docx`` files are the source: the Région edits them in Word or
LibreOffice (wording, layout, logo) and this script is only a way to start again from a known,
reproducible state (``--force`` discards the region's edits). The output is byte-identical from
one run to the next (fixed document dates and zip timestamps).

The templates use docxtpl's Jinja2 tags: ``{{ variable }}``, ``{% if %}``, ``{%p if %}`` (a
paragraph kept or dropped), ``{%tr for %}`` (one table row per item). The variables are those
of ``tierslieux.agreements.documents.agreement_document_context`` and
``milestone_document_context``, listed in ``docs/documents.md``.
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "tierslieux" / "agreements" / "document_templates"
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
RED = RGBColor(0xC0, 0x00, 0x00)
BLUE = RGBColor(0x1F, 0x3A, 0x5F)


# --- document scaffolding ----------------------------------------------------------------------


def new_document(title: str) -> Document:
    """An A4 document with the house styles (Normal, headings, draft mark, signatures)."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 20), ("Subtitle", 12), ("Heading 1", 13), ("Heading 2", 11)):
        style = styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
    styles["Heading 1"].paragraph_format.space_before = Pt(14)

    draft = styles.add_style("Draft mark", WD_STYLE_TYPE.PARAGRAPH)
    draft.base_style = normal
    draft.font.bold = True
    draft.font.size = Pt(14)
    draft.font.color.rgb = RED
    draft.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    small = styles.add_style("Small", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(8.5)

    signatures = styles.add_style("Signatures", WD_STYLE_TYPE.TABLE)
    signatures.base_style = styles["Normal Table"]

    props = doc.core_properties
    props.title = title
    props.author = "Région Nouvelle-Aquitaine"
    props.last_modified_by = "Région Nouvelle-Aquitaine"
    props.created = props.modified = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    return doc


def field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``paragraph``."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def header_footer(doc: Document, header: str, footer: str) -> None:
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = header
    head.style = doc.styles["Small"]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot = section.footer.paragraphs[0]
    foot.style = doc.styles["Small"]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run(footer + " — page ")
    field(foot, "PAGE")
    foot.add_run(" / ")
    field(foot, "NUMPAGES")


def para(doc: Document, text: str = "", style: str | None = None, *, bold: bool = False):
    paragraph = doc.add_paragraph(style=style)
    if text:
        paragraph.add_run(text).bold = bold
    return paragraph


def draft_mark(doc: Document, text: str) -> None:
    """A paragraph shown only while ``draft`` is true."""
    para(doc, "{%p if draft %}")
    para(doc, text, "Draft mark")
    para(doc, "{%p endif %}")


def _header_row(row) -> None:
    """Mark a row as the table's header (repeated on each page, ``<th>`` in HTML)."""
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
    for cell in row.cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def loop_table(
    doc: Document,
    headers: list[str],
    loop: str,
    cells: list[str],
    *,
    total: list[str] | None = None,
    widths_cm: list[float] | None = None,
):
    """A bordered table: a header row, one row per item of ``loop``, an optional total row."""
    n = len(headers)
    table = doc.add_table(rows=0, cols=n)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = [
        headers,
        [f"{{%tr for {loop} %}}"] + [""] * (n - 1),
        cells,
        ["{%tr endfor %}"] + [""] * (n - 1),
    ]
    if total:
        rows.append(total)
    for values in rows:
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            cell.paragraphs[0].add_run(value)
    _header_row(table.rows[0])
    if total:
        for run in table.rows[-1].cells[0].paragraphs[0].runs:
            run.bold = True
    if widths_cm:
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)
    return table


def signatures(doc: Document, left: list[str], right: list[str]) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.style = doc.styles["Signatures"]
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.paragraphs[0].add_run(lines[0]).bold = True
        for line in lines[1:]:
            cell.add_paragraph(line)


# --- the convention ----------------------------------------------------------------------------


def build_convention() -> Document:
    doc = new_document("Convention de partenariat")
    header_footer(
        doc,
        "Région Nouvelle-Aquitaine — Convention n° {{ reference }}"
        "{% if draft %} — PROJET{% endif %}",
        "Convention n° {{ reference }}",
    )

    para(doc, "RÉGION NOUVELLE-AQUITAINE", bold=True)
    para(doc, "Politique régionale en faveur des tiers-lieux", "Small")
    draft_mark(
        doc, "PROJET — document de travail, sans valeur contractuelle tant qu'il n'est pas signé"
    )
    para(doc, "Convention de partenariat", "Title")
    para(doc, "{{ project.title }}", "Subtitle")
    para(doc, "Convention n° {{ reference }}", bold=True)
    para(
        doc,
        "Appel à manifestation d'intérêt « {{ call.name }} » ({{ call.year }}). Décision de la "
        "commission permanente du {{ decision.committee_on }}"
        "{% if decision.reference %}, référence {{ decision.reference }}{% endif %}.",
    )

    doc.add_heading("Entre les soussignés", level=1)
    para(
        doc,
        "{{ region.name }}, {{ region.address }}, SIRET {{ region.siret }}, représentée par "
        "{{ region.signatory }}, ci-après dénommée « la Région »,",
    )
    para(doc, "d'une part,")
    para(doc, "et", bold=True)
    para(
        doc,
        "{{ holder.name }}, {{ holder.address }}"
        "{% if holder.siret %}, SIRET {{ holder.siret }}{% endif %}, porteur du projet "
        "« {{ project.title }} », ci-après dénommé « le bénéficiaire »,",
    )
    para(doc, "d'autre part.")
    para(doc, "Parties à la convention : {{ parties }}.", "Small")
    para(doc, "Il est convenu ce qui suit.", bold=True)

    doc.add_heading("Article 1 — Objet", level=1)
    para(
        doc,
        "La présente convention définit les conditions dans lesquelles la Région soutient le "
        "projet « {{ project.title }} » porté par le bénéficiaire à {{ project.commune }}, "
        "au titre de sa politique en faveur des tiers-lieux.",
    )
    para(doc, "Objet : {{ object }}")

    doc.add_heading("Article 2 — Durée", level=1)
    para(
        doc,
        "La convention prend effet à sa signature par les deux parties. La période de "
        "financement court du {{ starts_on }} au {{ ends_on }} ({{ duration_months }} mois). "
        "La convention prend fin après l'approbation du rendez-vous bilan et le versement du "
        "solde.",
    )

    doc.add_heading("Article 3 — Montant de la subvention et modalités de versement", level=1)
    para(
        doc,
        "La Région attribue au bénéficiaire une subvention d'un montant de {{ amount }} "
        "({{ amount_words }}). Elle est versée selon l'échéancier ci-dessous ; chaque tranche "
        "n'est payable qu'après l'approbation du rendez-vous dont elle dépend. Le total des "
        "versements ne peut excéder le montant de la subvention.",
    )
    loop_table(
        doc,
        ["N°", "Tranche", "Montant", "Condition de versement"],
        "t in tranches",
        [
            "{{ t.order }}",
            "{{ t.label }}",
            "{{ t.amount }}",
            "{{ t.due }}{% if t.note %} ({{ t.note }}){% endif %}",
        ],
        total=["Total", "", "{{ tranches_total }}", ""],
        widths_cm=[1.2, 5, 3.3, 7],
    )

    doc.add_heading("Article 4 — Suivi du projet : les trois rendez-vous", level=1)
    para(
        doc,
        "Le projet est suivi au cours de trois rendez-vous réunissant le bénéficiaire, la "
        "Région et leurs partenaires :",
    )
    para(
        doc,
        "le rendez-vous de démarrage, à la signature (date prévue : "
        "{{ meetings.kickoff.planned_on }}) : rencontre avec le collectif et ses partenaires, "
        "revue du plan de financement ;",
        "List Bullet",
    )
    para(
        doc,
        "le comité de pilotage à mi-financement (date prévue : "
        "{{ meetings.midterm.planned_on }}) : bilan intermédiaire et ajustements éventuels ;",
        "List Bullet",
    )
    para(
        doc,
        "le rendez-vous bilan, en fin de financement (date prévue : "
        "{{ meetings.final.planned_on }}) : indicateurs qualitatifs et quantitatifs de la "
        "convention, perspectives de développement.",
        "List Bullet",
    )
    para(
        doc,
        "Chaque rendez-vous fait l'objet d'un compte rendu (participants, valeur des "
        "indicateurs, décision : approuvé ou ajustements demandés). Les dates peuvent être "
        "modifiées d'un commun accord.",
    )

    doc.add_heading("Article 5 — Indicateurs et évaluation", level=1)
    para(
        doc,
        "Le bénéficiaire s'engage sur les indicateurs suivants ; il en communique la valeur à "
        "chaque rendez-vous et répond chaque année à l'enquête régionale sur les tiers-lieux.",
    )
    loop_table(
        doc,
        ["Indicateur", "Nature", "Unité", "Situation initiale", "Objectif"],
        "i in indicators",
        ["{{ i.label }}", "{{ i.kind }}", "{{ i.unit }}", "{{ i.baseline }}", "{{ i.target }}"],
        widths_cm=[5, 2.4, 2.2, 3.4, 3.5],
    )
    para(doc, "{%p if not indicators %}")
    para(doc, "Les indicateurs seront précisés au rendez-vous de démarrage.")
    para(doc, "{%p endif %}")

    doc.add_heading("Article 6 — Communication", level=1)
    para(
        doc,
        "Le bénéficiaire mentionne le soutien de la Région Nouvelle-Aquitaine sur tout support "
        "de communication relatif au projet (publications, site internet, signalétique du "
        "lieu) et y fait figurer son logo. Il autorise la Région à citer le projet dans sa "
        "propre communication et dans l'annuaire régional des tiers-lieux.",
    )

    doc.add_heading("Article 7 — Résiliation", level=1)
    para(
        doc,
        "En cas de non-respect par l'une des parties de ses engagements, la convention peut "
        "être résiliée par l'autre partie par lettre recommandée avec accusé de réception, "
        "après une mise en demeure restée sans effet pendant un mois. La Région peut alors "
        "demander le reversement de tout ou partie des sommes versées. Les litiges relèvent du "
        "tribunal administratif de Bordeaux.",
    )

    doc.add_heading("Signatures", level=1)
    para(
        doc,
        "Fait à Bordeaux, le {% if signed_on %}{{ signed_on }}{% else %}……………………{% endif %}, "
        "en deux exemplaires originaux.",
    )
    signatures(
        doc,
        ["Pour la Région Nouvelle-Aquitaine,", "{{ region.signatory }}", "", "", ""],
        ["Pour le bénéficiaire,", "{{ holder.name }}", "son représentant légal", "", ""],
    )
    return doc


# --- the minutes of a meeting ------------------------------------------------------------------


def build_minutes() -> Document:
    doc = new_document("Compte rendu de rendez-vous")
    header_footer(
        doc,
        "Région Nouvelle-Aquitaine — Convention n° {{ agreement.reference }} — compte rendu"
        "{% if draft %} — PROJET{% endif %}",
        "Compte rendu — {{ meeting.name }} — convention n° {{ agreement.reference }}",
    )
    para(doc, "RÉGION NOUVELLE-AQUITAINE", bold=True)
    para(
        doc,
        "Politique régionale en faveur des tiers-lieux — la règle des trois rendez-vous",
        "Small",
    )
    draft_mark(doc, "PROJET — compte rendu en attente de décision")
    para(doc, "Compte rendu : {{ meeting.name }}", "Title")
    para(doc, "{{ project.title }} — {{ holder.name }}", "Subtitle")

    doc.add_heading("Le rendez-vous", level=1)
    para(
        doc,
        "Convention n° {{ agreement.reference }}, du {{ agreement.starts_on }} au "
        "{{ agreement.ends_on }}, subvention de {{ agreement.amount }}.",
    )
    para(doc, "Objet du rendez-vous : {{ meeting.purpose }}.")
    para(doc, "Date prévue : {{ meeting.planned_on }}.")
    para(
        doc,
        "Date de tenue : "
        "{% if meeting.held_on %}{{ meeting.held_on }}{% else %}……………………{% endif %}.",
    )

    doc.add_heading("Participants", level=1)
    para(
        doc, "{% if meeting.participants %}{{ meeting.participants }}{% else %}……………………{% endif %}"
    )

    doc.add_heading("Compte rendu", level=1)
    para(doc, "{% if meeting.minutes %}{{ meeting.minutes }}{% else %}……………………{% endif %}")

    doc.add_heading("Indicateurs", level=1)
    loop_table(
        doc,
        [
            "Indicateur",
            "Unité",
            "Situation initiale",
            "Objectif",
            "Valeur constatée",
            "Commentaire",
        ],
        "v in values",
        [
            "{{ v.label }}",
            "{{ v.unit }}",
            "{{ v.baseline }}",
            "{{ v.target }}",
            "{{ v.value }}",
            "{{ v.comment }}",
        ],
        widths_cm=[4, 1.8, 2.6, 2.6, 2.6, 3],
    )

    doc.add_heading("Décision", level=1)
    para(doc, "Décision : {{ meeting.decision }}.", bold=True)
    para(doc, "{%p if meeting.decided_on %}")
    para(
        doc,
        "Décision enregistrée le {{ meeting.decided_on }}"
        "{% if meeting.decided_by %} par {{ meeting.decided_by }}{% endif %}.",
    )
    para(doc, "{%p endif %}")

    doc.add_heading("Tranches liées à ce rendez-vous", level=1)
    para(doc, "{%p if tranches %}")
    para(doc, "L'approbation de ce rendez-vous rend payables les tranches suivantes :")
    para(doc, "{%p else %}")
    para(doc, "Aucune tranche de l'échéancier ne dépend de ce rendez-vous.")
    para(doc, "{%p endif %}")
    loop_table(
        doc,
        ["N°", "Tranche", "Montant", "État"],
        "t in tranches",
        ["{{ t.order }}", "{{ t.label }}", "{{ t.amount }}", "{{ t.state }}"],
        widths_cm=[1.2, 7, 4, 4.3],
    )

    doc.add_heading("Signatures", level=1)
    signatures(
        doc,
        ["Pour la Région Nouvelle-Aquitaine,", "", "", ""],
        ["Pour le bénéficiaire,", "{{ holder.name }}", "", ""],
    )
    return doc


# --- lean, reproducible output -----------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Styles kept in the templates besides those used: what the Région needs to edit them.
USEFUL_STYLES = {
    "Normal",
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "List Bullet",
    "List Number",
    "Table Grid",
    "Header",
    "Footer",
    "Strong",
    "Emphasis",
    "Quote",
}


def prune(doc: Document) -> None:
    """Drop python-docx's unused styles, ``stylesWithEffects`` and thumbnail (a 800 KB
    template becomes 40 KB, and mammoth reads it ten times faster)."""
    root = doc.styles.element
    by_id = {s.get(f"{W}styleId"): s for s in root.findall(f"{W}style")}
    parts = [doc.element, *(s.header._element for s in doc.sections)]
    parts += [s.footer._element for s in doc.sections]
    used = {
        el.get(f"{W}val")
        for part in parts
        for tag in ("pStyle", "rStyle", "tblStyle")
        for el in part.iter(f"{W}{tag}")
    }
    for style_id, style in by_id.items():
        name = style.find(f"{W}name")
        if (name is not None and name.get(f"{W}val") in USEFUL_STYLES) or style.get(
            f"{W}default"
        ) == "1":
            used.add(style_id)
    # Keep what the kept styles depend on (basedOn, next, linked character styles).
    todo = list(used)
    while todo:
        style = by_id.get(todo.pop())
        if style is None:
            continue
        for tag in ("basedOn", "next", "link"):
            ref = style.find(f"{W}{tag}")
            if ref is not None and ref.get(f"{W}val") not in used:
                used.add(ref.get(f"{W}val"))
                todo.append(ref.get(f"{W}val"))
    for style_id, style in by_id.items():
        if style_id not in used:
            root.remove(style)
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                rels.pop(r_id)


def reproducible_bytes(doc: Document) -> bytes:
    """The .docx with fixed zip timestamps, so that two runs give the same bytes."""
    prune(doc)
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(
            src.infolist(), key=lambda i: (i.filename != "[Content_Types].xml", i.filename)
        ):
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


BUILDERS = {"convention.docx": build_convention, "minutes.docx": build_minutes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    parser.add_argument(
        "--force", action="store_true", help="overwrite existing templates (loses their edits)"
    )
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    status = 0
    for name, build in BUILDERS.items():
        target = args.output_dir / name
        if target.exists() and not args.force:
            print(f"{target} exists (the region may have edited it); use --force to rebuild")
            status = 1
            continue
        target.write_bytes(reproducible_bytes(build()))
        print(f"wrote {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
