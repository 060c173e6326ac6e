"""Documents with tables, made here from data written here, for the table benchmark
(`evals/tables_bench.py`) and the table tests (`tests/test_tables.py`): every cell is known.

    CASES          name -> Case: a file in one format holding one table, with the names its
                   columns must be given and the rows it must come out as
    build(name, folder)            writes that case's file
    QUESTIONS      (case, question, answer, column): questions about single cells, asked of
                   the QA_CASES together (one file per table: the other cases repeat tables)

PDFs are drawn with reportlab's canvas (a test-only tool), so each table's lines, wrapping,
alignment and page breaks are exactly as written here; Word files with python-docx (merged
cells by its `merge`, header rows by w:tblHeader); HTML and Markdown are text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGE_W, PAGE_H = 595, 842  # A4, points
MARGIN = 60


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    names: tuple[str, ...]  # the column names a reader must give
    rows: tuple[tuple[str, ...], ...]  # the data rows ("" = an empty cell)


ORCHARDS = (("Hillside", "420", "61.5", "12.0", "Replanted in 2019 after the storm damaged the older trees"),
            ("Riverside", "310", "44.2", "18.7", ""),
            ("Old Mill", "150", "20.9", "3.4", "Organic since 2015"),
            ("Long Acre", "505", "77.3", "9.8", "Frost in April cut the pear crop by half"),
            ("Church Field", "95", "11.6", "6.1", ""))
LIGHTHOUSES = (("Gull Point", "1856", "31", "Mara Quinn", "18"),
               ("Black Rock", "1872", "24", "Tom Reyes", "14"),
               ("North Head", "1901", "40", "Ada Novak", "22"),
               ("Seal Skerry", "1888", "19", "Ivo Brandt", "11"),
               ("Cape Lorn", "1925", "35", "Lena Park", "20"))
BUSES = (("4", "Quay", "Hospital", "6", "05:40"),
         ("7", "Station", "Airport", "2", "04:55"),
         ("12", "Market Square", "University", "8", "06:10"),
         ("19", "Harbour", "Retail Park", "3", "07:00"),
         ("22", "Old Town", "Beach Road", "4", "06:25"))
STATIONS = ("Eastmoor", "Fenwick", "Gorse Hill", "Highcliff", "Ingleby", "Juniper Bay")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _weather() -> tuple[tuple[str, ...], ...]:
    rows = []
    for s, station in enumerate(STATIONS):
        for m, month in enumerate(MONTHS):
            k = s * 12 + m
            rows.append((station, month, str(40 + (k * 37) % 90), str(30 + (k * 53) % 200),
                         f"{4 + (k * 7) % 19}.{k % 10}"))
    return tuple(rows)


WEATHER = _weather()
RESERVOIRS = (("Upper Linn", "4,200", "1894", "31", "Brown trout"),
              ("Coldwell", "1,850", "1911", "18", "Rainbow trout"),
              ("Ashby Water", "9,600", "1958", "42", "Pike and perch"),
              ("Marden", "720", "1879", "12", "none"),
              ("Stonecross", "3,300", "1932", "27", "Brown trout"),
              ("Howe Bank", "2,050", "1966", "22", "Rainbow trout"))
MUSEUMS = (("Harbour Museum", "Coast", "41,200", "45,900", "23"),
           ("Lifeboat House", "Coast", "12,800", "13,450", "6"),
           ("Mill Museum", "Valley", "8,300", "9,100", "5"),
           ("Rail Heritage Centre", "Valley", "22,000", "19,750", "14"),
           ("Stone Circle Visitor Centre", "Moor", "30,100", "31,600", "11"))
LIBRARIES = (("Central", "9am to 7pm", "9am to 4pm", "84,000", "Priya Shah"),
             ("Eastgate", "10am to 6pm", "9am to 1pm", "21,500", "Owen Hart"),
             ("Westfield", "10am to 5pm", "closed", "15,200", "Nina Ruiz"),
             ("Harbourside", "9am to 6pm", "10am to 2pm", "18,900", "Colm Byrne"))
ALLOTMENTS = (("A1", "Jo Okafor", "250", "42", "yes"),
              ("A2", "Sam Wilde", "125", "24", "yes"),
              ("A3", "Bea Marsh", "250", "42", "no"),
              ("B1", "Raj Patel", "500", "75", "yes"),
              ("B2", "Kit Lowe", "125", "", "yes"),  # empty cell
              ("B3", "Dee Fox", "250"))  # ragged row: fewer cells than the header

CASES: dict[str, Case] = {c.name: c for c in (
    Case("pdf-ruled", "orchards.pdf", ("Orchard", "Trees", "Apples (t)", "Pears (t)", "Notes"), ORCHARDS),
    Case("pdf-unruled", "lighthouses.pdf", ("Lighthouse", "Built", "Height (m)", "Keeper", "Range (nm)"),
         LIGHTHOUSES),
    Case("pdf-columns", "buses.pdf", ("Route", "From", "To", "Buses per hour", "First bus"), BUSES),
    Case("pdf-two-page", "weather.pdf", ("Station", "Month", "Rain (mm)", "Sunshine (h)", "Max temp (C)"),
         WEATHER),
    Case("pdf-two-page-unruled", "weather-unruled.pdf",
         ("Station", "Month", "Rain (mm)", "Sunshine (h)", "Max temp (C)"), WEATHER),
    *(Case(f"pdf-platypus-{style}", f"reservoirs-{style}.pdf",
           ("Reservoir", "Capacity (Ml)", "Opened", "Depth (m)", "Fish stocked"), RESERVOIRS)
      for style in ("grid", "booktabs", "zebra")),
    Case("docx", "museums.docx", ("Museum", "Region", "Visitors › 2022", "Visitors › 2023", "Staff"),
         MUSEUMS),
    Case("html", "libraries.html", ("Branch", "Opening hours › Weekdays", "Opening hours › Saturday",
                                    "Books", "Manager"), LIBRARIES),
    Case("markdown", "allotments.md", ("Plot", "Holder", "Size (m2)", "Rent (£)", "Water"), ALLOTMENTS),
)}

# (case, question, answer, column): each answered by one cell of that case's table.
QUESTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("pdf-ruled", "How many tonnes of apples did the Long Acre orchard produce?", "77.3", "Apples (t)"),
    ("pdf-ruled", "How many trees are in the Riverside orchard?", "310", "Trees"),
    ("pdf-ruled", "When was the Hillside orchard replanted?", "2019", "Notes"),
    ("pdf-unruled", "How tall is the North Head lighthouse?", "40", "Height (m)"),
    ("pdf-unruled", "Who is the keeper of the Seal Skerry lighthouse?", "Ivo Brandt", "Keeper"),
    ("pdf-unruled", "When was the Black Rock lighthouse built?", "1872", "Built"),
    ("pdf-columns", "When does the first bus on route 12 leave?", "06:10", "First bus"),
    ("pdf-columns", "Where does bus route 19 go to?", "Retail Park", "To"),
    ("pdf-two-page", "How much rain fell at Highcliff in October?", WEATHER[3 * 12 + 9][2], "Rain (mm)"),
    ("pdf-two-page", "How many hours of sunshine did Juniper Bay have in March?", WEATHER[5 * 12 + 2][3],
     "Sunshine (h)"),
    ("pdf-platypus-grid", "How deep is the Ashby Water reservoir?", "42", "Depth (m)"),
    ("pdf-platypus-grid", "When was the Coldwell reservoir opened?", "1911", "Opened"),
    ("docx", "How many visitors did the Lifeboat House have in 2023?", "13,450", "2023"),
    ("docx", "Which region is the Lifeboat House in?", "Coast", "Region"),
    ("docx", "How many staff work at the Mill Museum?", "5", "Staff"),
    ("html", "When does the Westfield branch library open on Saturday?", "closed", "Saturday"),
    ("html", "Who manages the Eastgate branch library?", "Owen Hart", "Manager"),
    ("html", "How many books does the Harbourside branch library hold?", "18,900", "Books"),
    ("markdown", "What is the rent for allotment plot B1?", "75", "Rent"),
    ("markdown", "Who holds allotment plot A3?", "Bea Marsh", "Holder"),
)


# One case per table, for a corpus to ask questions of: the others hold the same rows again.
QA_CASES = ("pdf-ruled", "pdf-unruled", "pdf-columns", "pdf-two-page", "pdf-platypus-grid", "docx", "html",
            "markdown")


def build(name: str, folder: Path) -> Path:
    """Write case `name`'s file into `folder`; its path."""
    case = CASES[name]
    path = Path(folder) / case.file
    _BUILDERS[name](path, case)
    return path


# ---------------------------------------------------------------- PDF

def _font(c, size: float, bold: bool = False) -> None:
    c.setFont("Helvetica-Bold" if bold else "Helvetica", size)


def _wrap(text: str, width: float, size: float) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    return simpleSplit(text, "Helvetica", size, width) or [""]


def _paragraph(c, text: str, x: float, y: float, width: float, size: float = 10) -> float:
    """Wrapped text from the top line at y; the y below it."""
    _font(c, size)
    for line in _wrap(text, width, size):
        c.drawString(x, y, line)
        y -= size * 1.25
    return y - size * 0.6


def draw_table(c, x: float, y: float, widths: list[float], header: tuple[str, ...],
               rows, *, ruled: bool, size: float = 9, pad: float = 4, middle: bool = False,
               repeat_header: bool = True, bottom: float = MARGIN) -> float:
    """A table from its top at y, breaking onto new pages (header repeated when told); each
    cell wrapped to its column, set at the top of its row or in the middle (`middle`)."""
    lead = size * 1.2

    def row(cells, y: float, bold: bool) -> float:
        wrapped = [_wrap(t, w - 2 * pad, size) for t, w in zip(cells, widths)]
        height = max(len(w) for w in wrapped) * lead + 2 * pad
        _font(c, size, bold)
        left = x
        for lines, w in zip(wrapped, widths):
            top = y - pad - size + (height - 2 * pad - len(lines) * lead) / 2 * middle
            for k, line in enumerate(lines):
                c.drawString(left + pad, top - k * lead, line)
            left += w
        if ruled:
            c.setLineWidth(0.5)
            c.line(x, y, x + sum(widths), y)
            c.line(x, y - height, x + sum(widths), y - height)
            edge = x
            for w in [0] + list(widths):
                edge += w
                c.line(edge, y, edge, y - height)
        return y - height

    y = row(header, y, True)
    for cells in rows:
        cells = tuple(cells) + ("",) * (len(widths) - len(cells))
        needed = max(len(_wrap(t, w - 2 * pad, size)) for t, w in zip(cells, widths)) * lead + 2 * pad
        if y - needed < bottom:
            c.showPage()
            y = PAGE_H - MARGIN
            if repeat_header:
                y = row(header, y, True)
        y = row(cells, y, False)
    return y


def _pdf(path: Path, draw) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    c.setTitle(path.stem.replace("-", " ").title())
    draw(c)
    c.showPage()
    c.save()


def _orchards(path: Path, case: Case) -> None:
    def draw(c):
        y = _paragraph(c, "Orchard report 2024", MARGIN, PAGE_H - MARGIN, 400, 16)
        y = _paragraph(c, "The harvest from each of the trust's orchards is set out below, in tonnes.",
                       MARGIN, y, PAGE_W - 2 * MARGIN)
        y = draw_table(c, MARGIN, y, [80, 45, 65, 60, 225], case.names, case.rows, ruled=True,
                       middle=True)
        _paragraph(c, "The figures were checked by the orchard managers in November.", MARGIN, y - 12,
                   PAGE_W - 2 * MARGIN)
    _pdf(path, draw)


def _lighthouses(path: Path, case: Case) -> None:
    def draw(c):
        y = _paragraph(c, "Lighthouses of the north coast", MARGIN, PAGE_H - MARGIN, 400, 16)
        y = _paragraph(c, "Five lighthouses still stand on the north coast. Their keepers are named "
                       "below with the year each tower was built.", MARGIN, y, PAGE_W - 2 * MARGIN)
        y = draw_table(c, MARGIN, y, [100, 60, 80, 110, 80], case.names, case.rows, ruled=False)
        _paragraph(c, "Range is the distance at which the light can be seen in clear weather.",
                   MARGIN, y - 12, PAGE_W - 2 * MARGIN)
    _pdf(path, draw)


_PROSE = ("The town's buses are run by a single operator under a contract that was renewed last "
          "spring. Timetables change twice a year, in April and in October, and the changes are "
          "posted at every stop a fortnight before they begin.",
          "Fares are the same on every route, and children under five travel free with an adult. "
          "The depot is on the edge of the industrial estate, beside the recycling centre, and "
          "its workshop can service six buses at a time.")


def _buses(path: Path, case: Case) -> None:
    """Two columns of prose, a table across both, two columns again."""
    def columns(c, y: float) -> float:
        width = (PAGE_W - 2 * MARGIN - 20) / 2
        left, right = _wrap(_PROSE[0], width, 10), _wrap(_PROSE[1], width, 10)
        _font(c, 10)
        for k in range(max(len(left), len(right))):
            if k < len(left):
                c.drawString(MARGIN, y - k * 12.5, left[k])
            if k < len(right):
                c.drawString(MARGIN + width + 20, y - k * 12.5, right[k])
        return y - max(len(left), len(right)) * 12.5 - 10

    def draw(c):
        y = _paragraph(c, "Bus routes", MARGIN, PAGE_H - MARGIN, 400, 16)
        y = columns(c, y)
        y = draw_table(c, MARGIN, y, [60, 110, 110, 100, 95], case.names, case.rows, ruled=False)
        columns(c, y - 14)
    _pdf(path, draw)


def _weather_pdf(ruled: bool, repeat: bool):
    def make(path: Path, case: Case) -> None:
        def draw(c):
            y = _paragraph(c, "Weather stations: monthly readings", MARGIN, PAGE_H - MARGIN, 400, 16)
            y = _paragraph(c, "Each station's rain, sunshine and highest temperature, month by month.",
                           MARGIN, y, PAGE_W - 2 * MARGIN)
            draw_table(c, MARGIN, y, [100, 90, 80, 90, 90], case.names, case.rows, ruled=ruled,
                       repeat_header=repeat, size=8, pad=2.5)
        _pdf(path, draw)
    return make


def _platypus(style: str):
    """A table laid out by reportlab's own Table (centred, cells padded, text set by platypus)
    rather than by `draw_table`: with a full grid, with rules under the header and at the
    ends only ("booktabs"), or with shaded alternate rows and no lines ("zebra")."""
    def make(path: Path, case: Case) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

        styles = getSampleStyleSheet()
        rules = {"grid": [("GRID", (0, 0), (-1, -1), 0.5, colors.black)],
                 "booktabs": [("LINEABOVE", (0, 0), (-1, 0), 1, colors.black),
                              ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                              ("LINEBELOW", (0, -1), (-1, -1), 1, colors.black)],
                 "zebra": [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.lightgrey])]}[style]
        table = Table([case.names, *case.rows])
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), *rules]))
        SimpleDocTemplate(str(path), title="Reservoirs").build([
            Paragraph("Reservoirs", styles["Heading1"]),
            Paragraph("The water company's reservoirs, how much each holds and what swims in it.",
                      styles["Normal"]), Spacer(1, 8), table, Spacer(1, 8),
            Paragraph("Capacity is given in megalitres at the top water level.", styles["Normal"])])
    return make


# ---------------------------------------------------------------- Word, HTML, Markdown

def _museums(path: Path, case: Case) -> None:
    import docx
    from docx.oxml import OxmlElement

    d = docx.Document()
    d.add_heading("Museum visitors", level=1)
    d.add_paragraph("Visitor numbers for the county's museums over the last two years.")
    t = d.add_table(rows=2 + len(case.rows), cols=5)
    t.style = "Table Grid"
    for r, cells in enumerate(case.rows, 2):
        for col, value in enumerate(cells):
            if col != 1:
                t.cell(r, col).text = value
    for col, name in ((0, "Museum"), (1, "Region"), (4, "Staff")):  # header: two rows, merged
        t.cell(0, col).merge(t.cell(1, col)).text = name
    t.cell(0, 2).merge(t.cell(0, 3)).text = "Visitors"
    t.cell(1, 2).text, t.cell(1, 3).text = "2022", "2023"
    start = 2  # the region column: one merged cell per run of equal regions
    for r in range(3, len(case.rows) + 3):
        if r == len(case.rows) + 2 or case.rows[r - 2][1] != case.rows[start - 2][1]:
            t.cell(start, 1).merge(t.cell(r - 1, 1)).text = case.rows[start - 2][1]
            start = r
    for tr in t.rows[:2]:  # "repeat as header row"
        tr._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    d.add_paragraph("Figures for 2024 will be published in the spring.")
    d.save(str(path))


def _libraries(path: Path, case: Case) -> None:
    body = "".join(f"<tr>{''.join(f'<td>{v}</td>' for v in row)}</tr>" for row in case.rows)
    path.write_text(f"""<!DOCTYPE html><html><head><title>Branch libraries</title></head><body>
<nav><a href="/">Home</a> <a href="/visit">Visit us</a></nav>
<main><article><h1>Branch libraries</h1>
<p>Our four branch libraries, their opening hours, the size of their collections and who runs
each of them.</p>
<table><thead><tr><th rowspan="2">Branch</th><th colspan="2">Opening hours</th><th rowspan="2">Books</th>
<th rowspan="2">Manager</th></tr><tr><th>Weekdays</th><th>Saturday</th></tr></thead>
<tbody>{body}</tbody></table>
<p>All branches are closed on Sundays and on bank holidays.</p></article></main>
<footer>Contact the library service</footer></body></html>""", encoding="utf-8")


def _allotments(path: Path, case: Case) -> None:
    lines = ["| " + " | ".join(row) + " |" for row in case.rows]
    path.write_text("# Allotments\n\nThe plots on the Mill Lane site and who holds each of them.\n\n"
                    "| Plot | Holder | Size (m2) | Rent (£) | Water |\n|---|---|--:|--:|---|\n"
                    + "\n".join(lines) + "\n\nRent is due on the first of October.\n", encoding="utf-8")


_BUILDERS = {"pdf-ruled": _orchards, "pdf-unruled": _lighthouses, "pdf-columns": _buses,
             "pdf-two-page": _weather_pdf(ruled=True, repeat=True),
             "pdf-two-page-unruled": _weather_pdf(ruled=False, repeat=False),
             **{f"pdf-platypus-{style}": _platypus(style) for style in ("grid", "booktabs", "zebra")},
             "docx": _museums, "html": _libraries, "markdown": _allotments}
