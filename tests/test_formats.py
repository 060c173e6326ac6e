"""The formats added to the readers (issue 26): spreadsheets (.xlsx, .ods, .csv), slides (.pptx,
.odp), e-mail (.eml, .mbox), e-books (.epub), OpenDocument text (.odt) and rich text (.rtf).
Each is read with its text and its location (sheet and row, slide, message, chapter); bad,
encrypted and zip-bomb files are skipped with a reason; and a question about one spreadsheet
cell is answered, end to end, by quoting its row with the column headers.

Fixtures are written here with the libraries that write the formats (openpyxl, python-pptx, the
standard library's email and mailbox) or, for OpenDocument, EPUB and RTF, as the few XML parts
or control words those formats need."""

from __future__ import annotations

import datetime as dt
import io
import mailbox
import zipfile
from email.message import EmailMessage

import pytest

from assistant import readers
from assistant.readers import HEADING, LIST, TABLE, ReadError, read_document, section_of
from assistant.readers.archive import MAX_MEMBER_BYTES


@pytest.fixture(autouse=True)
def builtin_readers(monkeypatch):
    """Only the built-in readers (another test registers its own reader for .csv)."""
    monkeypatch.setattr(readers, "_custom", {})


def read(path_name: str, raw: bytes):
    from pathlib import Path

    return read_document(Path(path_name), raw)


def located(ex, needle: str) -> tuple[str, str | None]:
    """(the block holding `needle`, its section)."""
    for b in ex.blocks:
        if needle in ex.text[b.start:b.end]:
            return ex.text[b.start:b.end], section_of(ex, b.start)
    raise AssertionError(f"{needle!r} not in {ex.text!r}")


# ---------------------------------------------------------------- fixtures

def budget_xlsx(created: dt.datetime | None = dt.datetime(2024, 3, 14, 9, 30)) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws["A1"] = "Village hall budget 2024"
    ws.append([])
    ws.append(["Item", "Cost", "Due", "Paid"])
    ws.append(["Roof repair", 4200, dt.date(2024, 5, 1), True])
    ws.append(["Boiler service", 310.5, dt.date(2024, 9, 12), False])
    ws.append(["Chair hire", 95, None, True])
    for row in (4, 5):
        ws.cell(row, 2).number_format = '"£"#,##0.00'
    staff = wb.create_sheet("Staff")
    staff.append(["Name", "Role"])
    staff.append(["Ann Lee", "Treasurer"])
    hidden = wb.create_sheet("Lookups")
    hidden.append(["secret", "value"])
    hidden.sheet_state = "hidden"
    if created:
        wb.properties.created = created
    wb.properties.title = "Hall budget"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def package(parts: dict[str, str | bytes], mimetype: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if mimetype:
            z.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


_ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"')
_MANIFEST = ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
             '<manifest:file-entry manifest:full-path="/" manifest:media-type="{}"/>{}</manifest:manifest>')


def odf(body: str, mimetype: str, meta: str = "", encrypted: bool = False, styles: str = "") -> bytes:
    secret = ('<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
              '<manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry>'
              if encrypted else "")
    return package({"content.xml": f'<office:document-content {_ODF}><office:automatic-styles>'
                                   f'{styles}</office:automatic-styles><office:body>{body}'
                                   f'</office:body></office:document-content>',
                    "styles.xml": f'<office:document-styles {_ODF}/>',
                    "meta.xml": f'<office:document-meta {_ODF}><office:meta>{meta}</office:meta>'
                                f'</office:document-meta>',
                    "META-INF/manifest.xml": _MANIFEST.format(mimetype, secret)},
                   mimetype=mimetype)


ODT_STYLES = ('<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>'
              '<style:style style:name="Title" style:family="paragraph"/>')
ODT_BODY = """<office:text>
  <text:p text:style-name="P1">Hall guide</text:p>
  <text:h text:outline-level="2">Opening hours</text:h>
  <text:p>The hall is open<text:s/> every day.</text:p>
  <text:h text:outline-level="3">Weekend hours</text:h>
  <text:p>On Saturdays the hall closes at 4 pm.</text:p>
  <text:list><text:list-item><text:p>Bring a key card</text:p></text:list-item></text:list>
  <table:table>
    <table:table-header-rows><table:table-row>
      <table:table-cell><text:p>Room</text:p></table:table-cell>
      <table:table-cell><text:p>Capacity</text:p></table:table-cell>
    </table:table-row></table:table-header-rows>
    <table:table-row>
      <table:table-cell><text:p>Main hall</text:p></table:table-cell>
      <table:table-cell><text:p>120</text:p></table:table-cell>
    </table:table-row>
    <table:table-row table:number-rows-repeated="1048000">
      <table:table-cell table:number-columns-repeated="16384"/>
    </table:table-row>
  </table:table>
</office:text>"""


def odp_body() -> str:
    def page(title, frames):
        inner = "".join(f'<draw:frame svg:y="{y}cm"><draw:text-box><text:p>{t}</text:p>'
                        f'</draw:text-box></draw:frame>' for y, t in frames)
        return (f'<draw:page draw:name="p"><draw:frame presentation:class="title" svg:y="1cm">'
                f'<draw:text-box><text:p>{title}</text:p></draw:text-box></draw:frame>{inner}'
                f'<presentation:notes><draw:frame presentation:class="notes"><draw:text-box>'
                f'<text:p>Notes for {title}</text:p></draw:text-box></draw:frame>'
                f'</presentation:notes></draw:page>')
    return ("<office:presentation>" + page("Welcome", [(5, "Agenda for the evening")])
            + page("Quarterly results", [(9, "Second line"), (4, "Sales rose by a third")])
            + '<draw:page><draw:frame svg:y="6cm"><draw:text-box><text:p>Questions welcome at the '
              'door, and tea after.</text:p></draw:text-box></draw:frame><draw:frame svg:y="1cm">'
              '<draw:text-box><text:p>Thank you</text:p></draw:text-box></draw:frame></draw:page>'
            + "</office:presentation>")


def deck_pptx() -> bytes:
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = "Harbour Trust"
    second = deck.slides.add_slide(deck.slide_layouts[1])
    second.shapes.title.text = "Quarterly results"
    body = second.placeholders[1].text_frame
    body.text = "Ferry passengers rose to 41,350"
    body.add_paragraph().text = "Two new volunteers"
    table = second.shapes.add_table(3, 2, Inches(1), Inches(5), Inches(4), Inches(1)).table
    for r, row in enumerate([("Quarter", "Passengers"), ("Q1", "9,800"), ("Q2", "11,200")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    second.notes_slide.notes_text_frame.text = "Thank the harbour master."
    third = deck.slides.add_slide(deck.slide_layouts[6])  # blank: no title placeholder
    third.shapes.add_textbox(Inches(1), Inches(3), Inches(6), Inches(2)).text_frame.text = \
        "Saturday mornings, from nine"
    third.shapes.add_textbox(Inches(1), Inches(0.5), Inches(6), Inches(1)).text_frame.text = \
        "Volunteers wanted"
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def message(subject: str, body: str, *, date="Thu, 14 Mar 2024 09:30:00 +0000", html=None,
            attachment=None) -> EmailMessage:
    m = EmailMessage()
    m["From"] = "Ann Lee <ann@example.org>"
    m["To"] = "committee@example.org"
    m["Subject"] = subject
    if date:
        m["Date"] = date
    m.set_content(body)
    if html:
        m.add_alternative(html, subtype="html")
    if attachment:
        m.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename=attachment)
    return m


def book_epub(drm: bool = False, ncx: bool = False) -> bytes:
    chapter = ('<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
               '<head><title>x</title><style>p {{}}</style></head><body>{}</body></html>')
    items = "".join(f'<item id="{i}" href="{href}" media-type="{kind}"{extra}/>' for i, href, kind, extra in [
        ("nav", "nav.xhtml", "application/xhtml+xml", ' properties="nav"'),
        ("c1", "text/one.xhtml", "application/xhtml+xml", ""),
        ("c2", "text/two.xhtml", "application/xhtml+xml", ""), ("css", "style.css", "text/css", "")])
    parts = {
        "META-INF/container.xml": (
            '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/book.opf" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>'),
        "OEBPS/book.opf": (
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Harbour Year'
            '</dc:title><dc:creator>Ann Lee</dc:creator><dc:date>2021-06-01</dc:date></metadata>'
            f'<manifest>{items}</manifest><spine><itemref idref="nav"/><itemref idref="c1"/>'
            '<itemref idref="c2"/></spine></package>'),
        "OEBPS/nav.xhtml": chapter.format(
            '<nav><ol><li><a href="text/one.xhtml">Chapter 1: Spring</a></li>'
            '<li><a href="text/two.xhtml#top">Chapter 2: The storm</a></li></ol></nav>'),
        "OEBPS/text/one.xhtml": chapter.format(
            '<h1>Chapter 1: Spring</h1><p>The ferry started its <em>spring</em> timetable in '
            'April.</p><p><span>Call the </span><span>harbour office</span> for tickets.</p>'
            '<ul><li>Sailings at nine</li></ul>'),
        "OEBPS/text/two.xhtml": chapter.format(
            '<section><h2>At sea</h2><p>The storm closed the harbour for three days.</p><table>'
            '<tr><th>Day</th><th>Wind</th></tr><tr><td>Monday</td><td>Force 9</td></tr></table>'
            '</section>'),
        "OEBPS/style.css": "p {}",
    }
    if ncx:  # EPUB 2: the table of contents in an NCX file named by the spine, no nav document
        points = "".join(f'<navPoint id="n{i}"><navLabel><text>{label}</text></navLabel>'
                         f'<content src="text/{name}.xhtml"/></navPoint>'
                         for i, (label, name) in enumerate([("Chapter 1: Spring", "one"),
                                                            ("Chapter 2: The storm", "two")]))
        parts["OEBPS/toc.ncx"] = ('<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
                                  f'<navMap>{points}</navMap></ncx>')
        parts["OEBPS/book.opf"] = (parts["OEBPS/book.opf"]
                                   .replace(' properties="nav"', "")
                                   .replace('<itemref idref="nav"/>', "")
                                   .replace("<spine>", '<spine toc="ncx">')
                                   .replace("</manifest>", '<item id="ncx" href="toc.ncx" '
                                            'media-type="application/x-dtbncx+xml"/></manifest>'))
        del parts["OEBPS/nav.xhtml"]
    if drm:
        parts["META-INF/encryption.xml"] = (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod '
            'Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData>'
            '<enc:CipherReference URI="OEBPS/text/one.xhtml"/></enc:CipherData></enc:EncryptedData>'
            '</encryption>')
    return package(parts, mimetype="application/epub+zip")


RTF = (rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}{\info{\title Minutes}{\author Ann Lee}"
       rb"{\creatim\yr2024\mo3\dy14\hr9}}\f0 Caf\'e9 opening times | summer\par"
       rb"\trowd\cellx1000\cellx2000 Day\cell Hours\cell\row"
       rb"\trowd\cellx1000\cellx2000 Monday\cell 9 to 5\cell\row"
       rb"\u8226? Bring a key card\par After the table.\par}")


# ---------------------------------------------------------------- spreadsheets

def test_xlsx_rows_carry_their_header_sheet_and_row():
    ex = read("budget.xlsx", budget_xlsx())
    block, where = located(ex, "Roof repair")
    assert block == "Item: Roof repair | Cost: £4,200.00 | Due: 2024-05-01 | Paid: TRUE"
    assert where == "Budget › row 4"
    assert located(ex, "Boiler")[0] == "Item: Boiler service | Cost: £310.50 | Due: 2024-09-12 | Paid: FALSE"
    assert located(ex, "Chair hire")[0] == "Item: Chair hire | Cost: 95 | Paid: TRUE"
    assert located(ex, "Village hall budget")[1] == "Budget › row 1"
    assert located(ex, "Ann Lee") == ("Name: Ann Lee | Role: Treasurer", "Staff › row 2")
    assert "secret" not in ex.text  # a hidden sheet
    assert [ex.text[b.start:b.end] for b in ex.blocks if b.kind == HEADING] == ["Budget", "Staff"]
    assert sum(b.kind == TABLE for b in ex.blocks) == 4
    assert (ex.format, ex.title, ex.date) == ("xlsx", "Hall budget", "2024-03-14")


def test_ods_is_read_like_xlsx():
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    money = ('<table:table-cell office:value-type="currency" office:currency="GBP" '
             'office:value="4200"><text:p>£4,200.00</text:p></table:table-cell>')
    empty = ('<table:table-row table:number-rows-repeated="{}">'
             '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    rows = "".join("<table:table-row>" + "".join(cell.format(v) for v in row) + "</table:table-row>"
                   for row in [("Day", "Volunteer", "Float", "From")])
    when = ('<table:table-cell office:value-type="date" office:date-value="2024-03-04">'
            '<text:p>04/03/24</text:p></table:table-cell>')
    rows += f'<table:table-row>{cell.format("Monday")}{cell.format("Ann Lee")}{money}{when}</table:table-row>'
    rows += empty.format(5000)
    rows += f'<table:table-row>{cell.format("Tuesday")}{cell.format("Bo Chen")}</table:table-row>'
    rows += empty.format(1048000)
    hidden = ('<table:table table:name="Lookups" table:style-name="ta2"><table:table-row>'
              f'{cell.format("secret")}</table:table-row></table:table>')
    body = (f'<office:spreadsheet><table:table table:name="Rota">{rows}</table:table>{hidden}'
            f'<table:table table:name="Empty">{empty.format(10)}</table:table></office:spreadsheet>')
    styles = ('<style:style style:name="ta2" style:family="table"><style:table-properties '
              'table:display="false"/></style:style>')
    ex = read("rota.ods", odf(body, "application/vnd.oasis.opendocument.spreadsheet", styles=styles))
    assert "secret" not in ex.text  # a hidden sheet
    assert located(ex, "Monday") == ("Day: Monday | Volunteer: Ann Lee | Float: £4,200.00 | "
                                     "From: 2024-03-04", "Rota › row 2")
    assert located(ex, "Tuesday") == ("Tuesday | Bo Chen", "Rota › row 5003")  # a table of its own
    assert [ex.text[b.start:b.end] for b in ex.blocks if b.kind == HEADING] == ["Rota"]
    assert ex.format == "ods"


@pytest.mark.parametrize("value, number_format, shown", [
    (4200, '"£"#,##0.00', "£4,200.00"), (4200.5, "[$€-407]#,##0.00", "€4,200.50"),
    (1234.5, "#,##0.00 [$€-407]", "1,234.50 €"), (0.125, "0.0%", "12.5%"), (0.3, "0%", "30%"),
    (-5, '"$"#,##0.00_);("$"#,##0.00)', "-$5.00"), (1234567, "#,##0", "1,234,567"),
    (1234567, '#,##0,"K"', "1,235 K"), (2500000, '0.0,,"m"', "2.5 m"), (12, '0" kg"', "12 kg"),
    (0.1 + 0.2, "General", "0.3"), (3.0, "General", "3"), (1.5e-5, "0.00E+00", "1.5e-05"),
    (dt.datetime(2024, 3, 14, 9, 30), "yyyy-mm-dd hh:mm", "2024-03-14 09:30"),
    (dt.datetime(2024, 3, 14), "dd/mm/yyyy", "2024-03-14"), (True, "General", "TRUE"),
])
def test_xlsx_values_are_shown_with_their_number_format(value, number_format, shown):
    from assistant.readers.sheet import display

    assert display(value, number_format) == shown


def test_csv_rows_with_their_header_and_record_number():
    raw = "Day;Opens;Closes\nMonday;09:00;17:00\nSaturday;10:00;16:00\n".encode("cp1252")
    ex = read("hours.csv", raw)
    assert located(ex, "Saturday") == ("Day: Saturday | Opens: 10:00 | Closes: 16:00", "row 3")
    with pytest.raises(ReadError, match="binary file"):
        read("data.csv", b"a,b\x00\x01")


def test_a_sheet_declaring_a_huge_area_is_read_and_one_with_too_many_cells_refused(monkeypatch):
    from assistant.readers import sheet

    raw = budget_xlsx()
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = parts[name].replace(b'<dimension ref="A1:D6"/>', b'<dimension ref="A1:XFD1048576"/>')
    ex = read("wide.xlsx", package(parts))
    assert located(ex, "Roof repair")[1] == "Budget › row 4"
    monkeypatch.setattr(sheet, "MAX_CELLS", 10)
    with pytest.raises(ReadError, match=r"^Excel file: sheet 'Budget' has over 10 cells, the limit"):
        read("budget.xlsx", raw)


def test_an_encrypted_workbook_is_skipped_with_its_reason(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(budget_xlsx())).encrypt("secret", locked)
    with pytest.raises(ReadError, match=r"^password-protected Excel file .*; skipped$"):
        read("locked.xlsx", locked.getvalue())
    locked_ods = odf("<office:spreadsheet/>", "application/vnd.oasis.opendocument.spreadsheet",
                     encrypted=True)
    with pytest.raises(ReadError, match=r"^password-protected OpenDocument spreadsheet; skipped$"):
        read("locked.ods", locked_ods)


def test_corrupt_files_are_skipped_with_a_reason():
    cut = budget_xlsx()[:3000]
    for name, raw in [("cut.xlsx", cut), ("cut.pptx", deck_pptx()[:2000]),
                      ("cut.odt", b"PK\x03\x04 not really"), ("cut.epub", book_epub()[:500])]:
        with pytest.raises(ReadError, match=r"corrupt|not a"):
            read(name, raw)
    not_a_workbook = package({"hello.txt": "hi"})
    with pytest.raises(ReadError, match=r"; skipped$"):
        read("odd.xlsx", not_a_workbook)
    with pytest.raises(ReadError, match=r"^not an RTF file"):
        read("notes.rtf", b"plain text")
    with pytest.raises(ReadError, match=r"^not an e-mail message"):
        read("note.eml", b"just some words\n\nand more")


def test_a_zip_bomb_is_refused_before_any_library_opens_it():
    bomb = package({"xl/worksheets/sheet1.xml": b"\0" * (MAX_MEMBER_BYTES + 1)})
    assert len(bomb) < MAX_MEMBER_BYTES // 500
    for name in ("bomb.xlsx", "bomb.pptx", "bomb.odt", "bomb.epub", "bomb.ods"):
        with pytest.raises(ReadError, match=r"unzips to .* over the 32 MB limit"):
            read(name, bomb)


# ---------------------------------------------------------------- slides

def test_pptx_blocks_are_located_by_slide_and_title():
    ex = read("deck.pptx", deck_pptx())
    assert located(ex, "41,350")[1] == "Slide 2 › Quarterly results"
    assert located(ex, "Q2") == ("Quarter: Q2 | Passengers: 11,200", "Slide 2 › Quarterly results")
    assert located(ex, "harbour master")[1] == "Slide 2 › Quarterly results"
    assert located(ex, "Harbour Trust")[1] == "Slide 1 › Harbour Trust"
    assert located(ex, "Saturday mornings")[1] == "Slide 3 › Volunteers wanted"  # topmost line
    assert ex.page_count == 3 and ex.pages == ()  # a slide number is a section, not a page image
    assert ex.date is None  # python-pptx's template says 2013; the package was written today


def test_odp_slides_in_order_with_titles_and_notes():
    ex = read("talk.odp", odf(odp_body(), "application/vnd.oasis.opendocument.presentation"))
    texts = [ex.text[b.start:b.end] for b in ex.blocks]
    assert texts.index("Sales rose by a third") < texts.index("Second line")  # top to bottom
    assert located(ex, "Sales rose")[1] == "Slide 2 › Quarterly results"
    assert located(ex, "Notes for Welcome")[1] == "Slide 1 › Welcome"
    assert located(ex, "Questions welcome")[1] == "Slide 3 › Thank you"  # untitled: topmost line
    assert ex.page_count == 3


# ---------------------------------------------------------------- OpenDocument text, RTF

def test_odt_headings_lists_and_tables():
    meta = ("<meta:creation-date>2024-03-14T09:00:00</meta:creation-date>"
            f"<dc:date>{dt.date.today().isoformat()}T08:00:00</dc:date><dc:title>Hall guide</dc:title>")
    ex = read("guide.odt", odf(ODT_BODY, "application/vnd.oasis.opendocument.text", meta, styles=ODT_STYLES))
    # "Hall guide" is a paragraph styled "Title": a heading
    assert located(ex, "closes at 4 pm")[1] == "Hall guide › Opening hours › Weekend hours"
    assert located(ex, "open every")[0] == "The hall is open every day."
    assert located(ex, "key card")[0] == "Bring a key card"
    assert [b.kind for b in ex.blocks if "key card" in ex.text[b.start:b.end]] == [LIST]
    assert located(ex, "Main hall")[0] == "Room: Main hall | Capacity: 120"
    assert len(ex.text) < 2000  # 1,048,000 repeated empty rows were not written out
    assert (ex.title, ex.date) == ("Hall guide", "2024-03-14")


def test_rtf_paragraphs_table_rows_and_info():
    ex = read("minutes.rtf", RTF)
    assert located(ex, "Café")[0] == "Café opening times | summer"
    assert located(ex, "Monday")[0] == "Day: Monday | Hours: 9 to 5"
    assert [ex.text[b.start:b.end] for b in ex.blocks if b.kind == LIST] == ["Bring a key card"]
    assert (ex.title, ex.author, ex.date) == ("Minutes", "Ann Lee", "2024-03-14")
    escaped = RTF.replace(rb"{\title Minutes}", rb"{\title Minutes \u8212\'97 Caf\'e9}")
    assert read("minutes.rtf", escaped).title == "Minutes — Café"  # escapes decoded


# ---------------------------------------------------------------- e-mail

def test_eml_subject_sender_and_date_locate_the_body():
    m = message("Roof repair quote", "Hello all,\n\nThe roofer quoted 4,200 pounds\nfor the hall.\n\n"
                "-- \nAnn Lee\nTreasurer\n", attachment="quote.pdf")
    ex = read("quote.eml", bytes(m))
    block, where = located(ex, "4,200")
    assert block == "The roofer quoted 4,200 pounds for the hall."
    assert where == "Roof repair quote (Ann Lee, 2024-03-14)"
    assert (ex.title, ex.author, ex.date) == ("Roof repair quote", "Ann Lee", "2024-03-14")
    assert located(ex, "Attachments")[0] == "Attachments: quote.pdf"
    assert "Treasurer" in ex.text and all(b.kind == "furniture" for b in ex.blocks
                                          if "Treasurer" in ex.text[b.start:b.end])


def test_mail_headers_and_bodies_in_other_charsets_are_decoded():
    raw = ("From: =?iso-8859-1?q?Ren=E9e_Dupr=E9?= <renee@example.org>\r\n"
           "Subject: =?utf-8?b?Q2Fmw6kgcm90YQ==?=\r\nDate: Mon, 4 Mar 2024 18:00:00 +0100\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\nLe caf\xe9 ouvre \xe0 9 h.\r\n").encode("latin-1")
    ex = read("rota.eml", raw)
    assert located(ex, "ouvre") == ("Le café ouvre à 9 h.", "Café rota (Renée Dupré, 2024-03-04)")


def test_html_only_mail_goes_through_the_html_reader():
    m = EmailMessage()
    m["Subject"], m["From"], m["Date"] = "Newsletter", "news@example.org", "Fri, 1 Mar 2024 08:00:00 +0000"
    m.set_content("<html><body><article><h2>Ferry news</h2><p>The ferry carried 41,350 passengers "
                  "in 2023, more than in any year before, and the new timetable starts in May.</p>"
                  "<p>The harbour office will open on Saturdays from April onwards for tickets.</p>"
                  "</article></body></html>", subtype="html")
    ex = read("news.eml", bytes(m))
    assert located(ex, "41,350")[1].startswith("Newsletter (news@example.org, 2024-03-01)")
    assert "<p>" not in ex.text


def test_a_short_html_mail_is_read_line_by_line():
    m = EmailMessage()
    m["Subject"], m["From"] = "Re: Hall booking", "ann@example.org"
    m.set_content('<div dir="ltr">Agreed, the 3rd of May.<br>Ann</div>', subtype="html")
    ex = read("re.eml", bytes(m))
    assert located(ex, "Agreed")[0] == "Agreed, the 3rd of May."


def test_an_encrypted_mail_is_skipped():
    m = EmailMessage()
    m["Subject"], m["From"] = "Secret", "ann@example.org"
    m.set_content(b"-----BEGIN PGP MESSAGE-----", maintype="application", subtype="octet-stream")
    m.replace_header("Content-Type",
                     'multipart/encrypted; protocol="application/pgp-encrypted"; boundary="x"')
    with pytest.raises(ReadError, match=r"^encrypted e-mail"):
        read("secret.eml", bytes(m))


def test_mbox_one_section_per_message(tmp_path):
    box = mailbox.mbox(tmp_path / "in.mbox")
    box.add(message("Hall booking", "The hall is booked for the 3rd of May."))
    box.add(message("Re: Hall booking", "Confirmed, thanks.", date="Fri, 15 Mar 2024 10:00:00 +0000"))
    box.add(message("No date here", "Undated note.", date=None))
    box.flush()
    ex = read("in.mbox", (tmp_path / "in.mbox").read_bytes())
    assert located(ex, "3rd of May")[1] == "Hall booking (Ann Lee, 2024-03-14)"
    assert located(ex, "Confirmed")[1] == "Re: Hall booking (Ann Lee, 2024-03-15)"
    assert located(ex, "Undated")[1] == "No date here (Ann Lee)"
    assert ex.date is None and ex.format == "mbox"


# ---------------------------------------------------------------- e-books

def test_epub_chapters_from_the_table_of_contents():
    ex = read("year.epub", book_epub())
    assert located(ex, "spring timetable")[1] == "Chapter 1: Spring"
    assert ex.text.count("Chapter 1: Spring") == 1  # the opening heading is the chapter's name
    assert located(ex, "three days")[1] == "Chapter 2: The storm › At sea"
    assert located(ex, "Monday") == ("Day: Monday | Wind: Force 9", "Chapter 2: The storm › At sea")
    assert located(ex, "Sailings")[0] == "Sailings at nine"
    assert located(ex, "harbour office")[0] == "Call the harbour office for tickets."  # span edges
    assert "p {" not in ex.text and "Chapter 2: The storm" in ex.text
    assert (ex.title, ex.author, ex.date, ex.format) == ("The Harbour Year", "Ann Lee", "2021-06-01", "epub")
    assert read("year2.epub", book_epub(ncx=True)).text == ex.text
    with pytest.raises(ReadError, match=r"^EPUB e-book is DRM-protected"):
        read("locked.epub", book_epub(drm=True))


# ---------------------------------------------------------------- end to end

@pytest.mark.integration
def test_a_question_about_a_cell_is_answered_with_its_row_and_header(tmp_path, real_embedder):
    from assistant import Assistant

    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "budget.xlsx").write_bytes(budget_xlsx())
    (corpus / "deck.pptx").write_bytes(deck_pptx())
    (corpus / "year.epub").write_bytes(book_epub())
    (corpus / "quote.eml").write_bytes(bytes(message(
        "Roof repair quote", "Hello all,\n\nThe roofer can start work on the 6th of May if the "
        "committee agrees by Friday.\n\n-- \nAnn Lee\n")))
    with Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                        embedder=real_embedder) as bot:
        answer = bot.ask("How much does the roof repair cost?")
        located_answers = {q: bot.ask(q) for q in (
            "How many passengers were there in Q2?", "When can the roofer start work?",
            "How long did the storm close the harbour?")}
    cited = [c for c in answer.citations if c.source == "budget.xlsx"]
    assert cited, answer
    quote = "Item: Roof repair | Cost: £4,200.00 | Due: 2024-05-01 | Paid: TRUE"
    assert cited[0].quote == quote
    assert cited[0].section == "Budget › row 4"
    assert cited[0].where == "budget.xlsx, § Budget › row 4"
    assert "£4,200.00" in answer.text
    wheres = {q: [c.where for c in a.citations] for q, a in located_answers.items()}
    assert wheres == {
        "How many passengers were there in Q2?": ["deck.pptx, § Slide 2 › Quarterly results"],
        "When can the roofer start work?": ["quote.eml, § Roof repair quote (Ann Lee, 2024-03-14)"],
        "How long did the storm close the harbour?": ["year.epub, § Chapter 2: The storm › At sea"],
    }, wheres
