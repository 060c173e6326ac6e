"""Build the everyday benchmark's PDF and Word documents from their text in sources/.

    python evals/everyday/make_docs.py          # rewrite docs/*.pdf and docs/*.docx
    python evals/everyday/make_docs.py --check  # exit 1 if a committed file is out of date

Why a script: a user's PDFs and Word files are made by programs, so the benchmark's are too,
from plain text anyone can read and edit (sources/*.src). The output must be byte-stable, so
that the committed files can be checked against their sources: reportlab runs with
`invariant=1` (fixed dates and ids), and the .docx zip is rewritten with fixed timestamps and
fixed core properties.

The source markup is deliberately tiny: `# ` a title, `## ` a heading, `- ` a bullet, `1. ` a
numbered item, `| a | b |` a table row (the first row of a table is its header; `|---|` rows
are skipped); any other non-blank line is a paragraph. The .txt, .md and .html documents are
written by hand and live in docs/ as they are.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
SOURCES = HERE / "sources"
DOCS = HERE / "docs"
FIXED_TIME = datetime(2024, 1, 1, 12, 0, 0)


@dataclass(frozen=True)
class Item:
    """One unit of a source: kind is title, heading, bullet, number, row or para."""

    kind: str
    text: str
    cells: tuple[str, ...] = ()


def parse(source: str) -> list[Item]:
    """The source's items in order (see the module docstring for the markup)."""
    items: list[Item] = []
    for line in source.splitlines():
        line = line.strip()
        if not line or re.fullmatch(r"\|[\s|:-]*\|", line):
            continue
        if line.startswith("# "):
            items.append(Item("title", line[2:]))
        elif line.startswith("## "):
            items.append(Item("heading", line[3:]))
        elif line.startswith("- "):
            items.append(Item("bullet", line[2:]))
        elif m := re.match(r"(\d+)\. (.*)", line):
            items.append(Item("number", m.group(2), (m.group(1),)))
        elif line.startswith("|"):
            cells = tuple(c.strip() for c in line.strip("|").split("|"))
            items.append(Item("row", line, cells))
        else:
            items.append(Item("para", line))
    return items


def tables(items: list[Item]) -> list[list[Item] | Item]:
    """Items with each run of table rows grouped into one list."""
    out: list[list[Item] | Item] = []
    for item in items:
        if item.kind == "row" and out and isinstance(out[-1], list):
            out[-1].append(item)
        else:
            out.append([item] if item.kind == "row" else item)
    return out


# ---------------------------------------------------------------- PDF (reportlab)

def _styles():
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10.5,
                          leading=14, spaceAfter=6)
    return {"title": ParagraphStyle("t", parent=base["Title"], fontName="Helvetica-Bold",
                                    fontSize=18, leading=22, alignment=0, spaceAfter=10),
            "heading": ParagraphStyle("h", parent=base["Heading2"], fontName="Helvetica-Bold",
                                      fontSize=13, leading=16, spaceBefore=8, spaceAfter=4),
            "body": body, "cell": ParagraphStyle("c", parent=body, spaceAfter=0)}


def _flowables(items: list[Item], width: float) -> list:
    """reportlab flowables for the items; width is the frame width (for tables)."""
    from reportlab.lib import colors
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, Table, TableStyle

    st = _styles()
    out: list = []
    for unit in tables(items):
        if isinstance(unit, list):
            rows = [[Paragraph(escape(c), st["cell"]) for c in r.cells] for r in unit]
            table = Table(rows, colWidths=[width / len(rows[0])] * len(rows[0]), repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            out.append(table)
        elif unit.kind in ("bullet", "number"):
            kind = "bullet" if unit.kind == "bullet" else "1"
            start = int(unit.cells[0]) if unit.cells else None
            para = Paragraph(escape(unit.text), st["body"])
            out.append(ListFlowable([ListItem(para)], bulletType=kind, start=start or "•",
                                    leftIndent=14))
        else:
            out.append(Paragraph(escape(unit.text), st[{"para": "body"}.get(unit.kind,
                                                                            unit.kind)]))
    return out


def build_pdf(source: str, running: str, columns: int = 1) -> bytes:
    """A PDF of the source on A4, in one or two columns, with `running` as a page footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    items = parse(source)
    title = next(i.text for i in items if i.kind == "title")
    buf = io.BytesIO()
    margin, gap = 2 * cm, 0.8 * cm
    doc = BaseDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin,
                          topMargin=margin, bottomMargin=margin, title=title,
                          author=running.split(" · ")[0], invariant=1)
    width = (doc.width - gap * (columns - 1)) / columns
    frames = [Frame(doc.leftMargin + n * (width + gap), doc.bottomMargin, width, doc.height,
                    id=f"col{n}") for n in range(columns)]

    def footer(canvas, d):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(margin, 1.2 * cm, running)
        canvas.drawRightString(A4[0] - margin, 1.2 * cm, f"Page {d.page}")
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=footer)])
    doc.build(_flowables(items, width))
    return buf.getvalue()


# ---------------------------------------------------------------- Word (python-docx)

def build_docx(source: str, running: str) -> bytes:
    """A .docx of the source: Word headings, list styles, a header-row table, a page header."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = running
    for unit in tables(parse(source)):
        if isinstance(unit, list):
            _docx_table(document, unit)
        elif unit.kind == "title":
            document.add_heading(unit.text, level=0)
        elif unit.kind == "heading":
            document.add_heading(unit.text, level=1)
        elif unit.kind in ("bullet", "number"):
            document.add_paragraph(unit.text, style="List Bullet" if unit.kind == "bullet"
                                   else "List Number")
        else:
            document.add_paragraph(unit.text)
    props = document.core_properties
    props.title = next(i.text for i in parse(source) if i.kind == "title")
    props.author = props.last_modified_by = running.split(" · ")[0]
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    return _stable_zip(buf.getvalue())


def _docx_table(document, rows: list[Item]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0].cells))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row.cells):
            cell = table.cell(r, c)
            cell.text = text
            if r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _stable_zip(raw: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- the documents

@dataclass(frozen=True)
class Target:
    name: str  # the file in docs/
    source: str  # the file in sources/
    build: Callable[[str], bytes]


TARGETS = (
    Target("annual-results-2023.pdf", "annual-results-2023.src",
           lambda s: build_pdf(s, "Calloway Instruments Inc. · Annual results 2023")),
    Target("museum-visitor-guide.pdf", "museum-visitor-guide.src",
           lambda s: build_pdf(s, "Hoshino Museum of Textile Art · Visitor guide", columns=2)),
    Target("tenancy-agreement.docx", "tenancy-agreement.src",
           lambda s: build_docx(s, "Harbourview Lettings Ltd · Tenancy agreement")),
)


def built(target: Target) -> bytes:
    return target.build((SOURCES / target.source).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python evals/everyday/make_docs.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare, do not write")
    args = ap.parse_args(argv)
    stale = []
    for target in TARGETS:
        data, path = built(target), DOCS / target.name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(target.name)
            continue
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")
    if stale:
        print("out of date (run python evals/everyday/make_docs.py): " + ", ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
