"""A huge table (rows x columns of figures, headed "Row", "Col 1", ...) in PDF, Word, HTML or
Markdown, for the table benchmark's memory and time figures and the test that a long table comes
out whole: `huge(fmt, path, rows, cols)`, and `huge_cell(row, col)` for what each cell holds.
Written directly (XML, HTML, Markdown text, reportlab's canvas): python-docx's cell API and
reportlab's Table are far too slow for 100,000 cells."""

from __future__ import annotations

from pathlib import Path

from evals.table_docs import PAGE_H, PAGE_W


def huge_cell(r: int, c: int) -> str:
    return f"{r}" if c == 0 else f"{(r * 31 + c * 17) % 100000}"


def huge(fmt: str, path: Path, rows: int, cols: int) -> Path:
    """A table of `rows` data rows and `cols` columns ("Row", "Col 1"...) in format `fmt`."""
    header = ["Row"] + [f"Col {c}" for c in range(1, cols)]
    data = ([huge_cell(r, c) for c in range(cols)] for r in range(1, rows + 1))
    if fmt == "md":
        with open(path, "w", encoding="utf-8") as f:
            f.write("# Readings\n\n| " + " | ".join(header) + " |\n|" + "---|" * cols + "\n")
            for row in data:
                f.write("| " + " | ".join(row) + " |\n")
    elif fmt == "html":
        with open(path, "w", encoding="utf-8") as f:
            f.write("<html><body><article><h1>Readings</h1><p>All the readings taken this year, "
                    "one row per reading.</p><table><tr>")
            f.write("".join(f"<th>{h}</th>" for h in header) + "</tr>")
            for row in data:
                f.write("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>\n")
            f.write("</table></article></body></html>")
    elif fmt == "docx":
        _huge_docx(path, header, data)
    elif fmt == "pdf":
        _huge_pdf(path, header, data, cols)
    else:
        raise ValueError(f"fmt must be one of md, html, docx, pdf. Currently, fmt is {fmt!r}")
    return path


def _huge_docx(path: Path, header: list[str], data) -> None:
    """The table's XML written directly: python-docx's cell API is far too slow for 100,000 cells."""
    from xml.sax.saxutils import escape

    import docx
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def tr(cells) -> str:
        return "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{escape(v)}</w:t></w:r></w:p></w:tc>"
                                  for v in cells) + "</w:tr>"

    xml = f'<w:tbl xmlns:w="{w}"><w:tblPr/><w:tblGrid/>' + tr(header) + "".join(map(tr, data)) + "</w:tbl>"
    d = docx.Document()
    d.add_paragraph("All the readings taken this year, one row per reading.")
    d.element.body.insert(1, etree.fromstring(xml))
    d.save(str(path))


def _huge_pdf(path: Path, header: list[str], data, cols: int) -> None:
    from reportlab.pdfgen import canvas

    width, height = PAGE_H, PAGE_W  # landscape
    c = canvas.Canvas(str(path), pagesize=(width, height))
    widths = [(width - 2 * 30) / cols] * cols
    y = height - 30
    rows = list(data)
    lead, pad, size = 8.4, 2.0, 6.5
    per_page = int((height - 60) // (lead + 2 * pad)) - 1
    for at in range(0, len(rows), per_page):
        y = height - 30
        for k, cells in enumerate([header] + rows[at:at + per_page]):
            c.setFont("Helvetica-Bold" if k == 0 else "Helvetica", size)
            for i, v in enumerate(cells):
                c.drawString(30 + i * widths[0] + pad, y - pad - size, v)
            c.setLineWidth(0.3)
            c.line(30, y, width - 30, y)
            y -= lead + 2 * pad
        c.line(30, y, width - 30, y)
        for i in range(cols + 1):
            c.line(30 + i * widths[0], height - 30, 30 + i * widths[0], y)
        c.showPage()
    c.save()
