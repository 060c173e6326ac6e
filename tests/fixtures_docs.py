"""Builders of real document files for the reader tests and the readers benchmark.

Every file is made here, from text written here, with test-only tools (reportlab for PDFs,
python-docx for DOCX), so nothing is downloaded and every expected string is known:

    report_pdf        4 pages: a header and footer on every page, a fact on page 2, a two-column
                      page whose lines are drawn left/right interleaved (so only layout, not
                      drawing order, gives the reading order), line-end hyphenation, ligatures
    scanned_pdf       two pages that are only pictures without text (no text layer, no OCR text)
    encrypted_pdf     needs a password to open
    corrupt_pdf       the report cut off at a third of its bytes
    policy_docx       headings (two levels), a bulleted list and a table, core properties
    HTML_PAGES        five saved web pages in common shapes, each with the sentences that must be
                      read (`gold`) and the navigation, banner, sidebar and footer text that must
                      not (`furniture`)
    NOTES_MD          Markdown with nested ATX and setext headings and a fenced code block
    long_pdf          any number of pages of prose (the benchmark's 300-page PDF)
    mixed_folder      a folder of n files cycling through every format (the benchmark)
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 72
HEADER = "Harbour Trust · Annual Report 2024"
FACT = "In 2023 the ferry carried 41,350 passengers between Northport and Gull Island."
LIGATURE_WORDS = ("ﬁnancial", "ﬂoor")  # drawn with U+FB01 / U+FB02, read back as fi / fl
TITLE = "Harbour Trust Annual Report 2024"

# Lines are given exactly as they are drawn: the tests know where every line break falls.
REPORT_PAGES: list[list[tuple[str, list[str]]]] = [
    [  # page 1
        ("title", [TITLE]),
        ("body", ["This report describes the work of the Harbour Trust during the ﬁnancial",
                  "year that ended on 31 March 2024. The trust runs the ferry, the two piers",
                  "and the harbour office on the ground ﬂoor of the old customs house."]),
        ("body", ["Visitors can find timetables, fares and other useful infor-",
                  "mation at the harbour office on the quay, which is open every",
                  "day except Christmas Day."]),
        ("heading", ["1. Ferry services"]),
        ("body", ["The ferry runs every hour in summer and every two hours in winter.",
                  "Crossings are cancelled when the wind is above force eight."]),
    ],
    [  # page 2: the fact
        ("heading", ["2. Passengers and fares"]),
        ("body", ["Passenger numbers rose again after the new timetable began in May.",
                  "In 2023 the ferry carried 41,350 passengers between",
                  "Northport and Gull Island. Most crossings were made in August."]),
        ("body", ["The crossing is a well-",
                  "known landmark, and the return fare stayed at £6.50 for adults",
                  "and £3.20 for children throughout the year."]),
    ],
    [  # page 3: a heading across the page, then two columns drawn interleaved
        ("heading", ["3. Piers"]),
        ("columns", []),
    ],
    [  # page 4
        ("heading", ["4. Outlook"]),
        ("body", ["The trustees expect the new pontoon at the south pier to open in",
                  "the spring of 2025, subject to the marine licence."]),
    ],
]
LEFT_COLUMN = ["The north pier was rebuilt in", "1998 with timber from the old",
               "warehouse. Its deck was re-", "laid last winter and the lamps",
               "were replaced with LED lights.", "Anglers may fish from the end",
               "of the north pier at any time."]
RIGHT_COLUMN = ["The south pier carries the", "fuel pipeline and is closed to",
                "the public. A survey in June", "found cracks in two of its", "concrete piles, and repairs",
                "will cost about £180,000.", "Work starts in October."]
LEFT_TEXT = ("The north pier was rebuilt in 1998 with timber from the old warehouse. Its deck was "
             "relaid last winter and the lamps were replaced with LED lights. Anglers may fish "
             "from the end of the north pier at any time.")
RIGHT_TEXT = ("The south pier carries the fuel pipeline and is closed to the public. A survey in "
              "June found cracks in two of its concrete piles, and repairs will cost about "
              "£180,000. Work starts in October.")


def _font() -> str:
    """Register Bitstream Vera (shipped inside reportlab; it has the fi/fl ligature glyphs)."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        fonts = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", str(fonts / "VeraBd.ttf")))
    return "Vera"


def _canvas(target, *, title: str, author: str, encrypt: str | None = None):
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(target, pagesize=(PAGE_W, PAGE_H), encrypt=encrypt, invariant=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setDateFormatter(lambda *_: "D:20240314093000+00'00'")
    return c


def _furniture(c, page: int, pages: int) -> None:
    c.setFont("Vera", 8)
    c.drawString(MARGIN, PAGE_H - 40, HEADER)
    c.drawCentredString(PAGE_W / 2, 30, f"Page {page} of {pages}")


def _draw_blocks(c, blocks: list[tuple[str, list[str]]], y: float) -> float:
    sizes = {"title": ("VeraBd", 20, 30), "heading": ("VeraBd", 14, 22), "body": ("Vera", 11, 15)}
    for kind, lines in blocks:
        if kind == "columns":
            y = _draw_columns(c, y)
            continue
        font, size, leading = sizes[kind]
        c.setFont(font, size)
        for line in lines:
            c.drawString(MARGIN, y, line)
            y -= leading
        y -= 10  # paragraph gap
    return y


def _draw_columns(c, y: float) -> float:
    """Two columns, drawn line by line left, right, left, right: a reader that follows the
    drawing order interleaves them."""
    c.setFont("Vera", 11)
    for left, right in zip(LEFT_COLUMN, RIGHT_COLUMN):
        c.drawString(MARGIN, y, left)
        c.drawString(PAGE_W / 2 + 12, y, right)
        y -= 15
    return y - 10


def report_pdf(path: Path, *, encrypt: str | None = None) -> Path:
    c = _canvas(str(path), title=TITLE, author="Harbour Trust Board", encrypt=encrypt)
    for number, blocks in enumerate(REPORT_PAGES, 1):
        _furniture(c, number, len(REPORT_PAGES))
        _draw_blocks(c, blocks, PAGE_H - 100)
        c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path) -> Path:
    return report_pdf(path, encrypt="secret")


def corrupt_pdf(path: Path) -> Path:
    """The report cut off at a third of its bytes, as an interrupted download leaves it."""
    report_pdf(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def scanned_pdf(path: Path) -> Path:
    """Pages that are only pictures, with no text in them either (a scanned photograph): no
    text layer, and nothing for OCR to read."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    c = _canvas(str(path), title="", author="")
    for page in range(2):
        img = Image.linear_gradient("L").resize((600, 300))
        draw = ImageDraw.Draw(img)
        draw.ellipse((200 + 40 * page, 60, 380, 240), fill=40)
        draw.rectangle((420, 100, 560, 200), fill=220)
        c.drawImage(ImageReader(img), MARGIN, PAGE_H - 400, width=450, height=225)
        c.showPage()
    c.save()
    return path


def long_pdf(path: Path, pages: int = 300) -> Path:
    """`pages` pages of real prose (the seeds' news text, wrapped), each with the report's
    header and footer."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    words = words.split()
    c = _canvas(str(path), title="Long report", author="Benchmark")
    at = 0
    for number in range(1, pages + 1):
        _furniture(c, number, pages)
        c.setFont("Vera", 11)
        y = PAGE_H - 100
        while y > 80:
            line: list[str] = []
            while stringWidth(" ".join(line + [words[at % len(words)]]), "Vera", 11) < 450:
                line.append(words[at % len(words)])
                at += 1
            c.drawString(MARGIN, y, " ".join(line))
            y -= 15 if at % 97 > 8 else 25  # a paragraph gap now and then
        c.showPage()
    c.save()
    return path


# ---------------------------------------------------------------- DOCX

POLICY_TITLE = "Library opening policy"


def policy_docx(path: Path) -> Path:
    import datetime

    import docx

    d = docx.Document()
    props = d.core_properties
    props.title, props.author = POLICY_TITLE, "Riverton Council"
    props.created = datetime.datetime(2023, 9, 1, 10, 0, 0)
    d.add_heading("Library opening policy", level=1)
    d.add_paragraph("This policy sets the opening hours of Riverton's three libraries.")
    d.add_heading("Opening hours", level=1)
    d.add_paragraph("All libraries open at 9am on weekdays.")
    d.add_heading("Weekend hours", level=2)
    d.add_paragraph("On Saturdays the central library closes at 4pm; the branches close at 1pm.")
    d.add_paragraph("Self-service kiosks stay on until 6pm", style="List Bullet")
    d.add_paragraph("Returns can be posted through the book drop", style="List Bullet")
    d.add_heading("Charges", level=1)
    table = d.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("Item", "Adult", "Child"), ("Late return per day", "£0.25", "free"),
                                        ("Lost card", "£2.50", "£1.00")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    d.add_paragraph("Charges are reviewed every April.")
    section = d.sections[0]
    section.header.paragraphs[0].text = "Riverton Council – internal"
    section.footer.paragraphs[0].text = "Policy LIB-7, version 3"
    d.save(str(path))
    return path


# ---------------------------------------------------------------- Markdown

NOTES_MD = """\
# Volunteer handbook

Welcome to the volunteer team at the Riverton museum.

## Shifts

Shifts last four hours.

### Weekend shifts

Weekend volunteers get a free lunch in the café.

Tours
-----

Tours start at **11am** and 2pm from the front desk.

```python
# not a heading: a comment inside code
print("hello")
```

## Safety

- Wear your badge at all times.
- Report any incident to the duty manager.
"""


# ---------------------------------------------------------------- HTML

_COOKIE = ('<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your '
           'experience on our site. By continuing you agree to our cookie policy.</p>'
           '<button>Accept all cookies</button><button>Manage preferences</button></div>')
_SCRIPT = ('<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}'
           'gtag("config","UA-000000-1");</script><style>.nav{display:flex} body{margin:0}</style>')

HTML_PAGES: dict[str, dict] = {
    "news": {
        "html": f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Ferry fares frozen for a second year | Northport Gazette</title>
<meta property="og:title" content="Ferry fares frozen for a second year">
<meta name="author" content="Sam Porter">
<meta property="article:published_time" content="2024-03-18T08:30:00Z">
{_SCRIPT}
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Ferry fares"}}</script>
</head><body>
{_COOKIE}
<header class="site-header"><a class="logo" href="/">Northport Gazette</a>
<nav aria-label="Main"><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/whats-on">What's on</a></li><li><a href="/subscribe">Subscribe today</a></li></ul></nav></header>
<main><article>
<h1>Ferry fares frozen for a second year</h1>
<p class="byline">By Sam Porter · 18 March 2024</p>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<p>The Harbour Trust has frozen ferry fares for a second year running, keeping the adult return at £6.50.</p>
<p>Trust chair Ann Lee said the decision would help islanders who cross daily for work.</p>
<h2>Passenger numbers</h2>
<p>Passenger numbers rose to 41,350 last year, the highest since the service began in 1987.</p>
<blockquote><p>“We want the ferry to stay affordable for everyone,” Ms Lee said.</p></blockquote>
<h2>Repairs to the south pier</h2>
<p>Repairs to the south pier will cost about £180,000 and start in October.</p>
<ul><li>The north pier stays open during the works.</li><li>Fuel deliveries move to Tuesdays.</li></ul>
<div class="newsletter"><h3>Get the Gazette daily</h3><form><input type="email"><button>Sign up</button></form></div>
</article></main>
<aside class="sidebar"><h2>Most read</h2><ol><li><a href="/a">Council tax to rise by 4.9 per cent</a></li>
<li><a href="/b">New café opens on the quay</a></li></ol></aside>
<footer><p>© 2024 Northport Gazette Ltd. All rights reserved.</p><a href="/privacy">Privacy notice</a>
<a href="/terms">Terms and conditions</a></footer>
<script src="/static/app.js"></script></body></html>""",
        "gold": ["Ferry fares frozen for a second year",
                 "The Harbour Trust has frozen ferry fares for a second year running, keeping the adult return at £6.50.",
                 "Trust chair Ann Lee said the decision would help islanders who cross daily for work.",
                 "Passenger numbers rose to 41,350 last year, the highest since the service began in 1987.",
                 "“We want the ferry to stay affordable for everyone,” Ms Lee said.",
                 "Repairs to the south pier will cost about £180,000 and start in October.",
                 "The north pier stays open during the works."],
        "headings": ["Ferry fares frozen for a second year", "Passenger numbers",
                     "Repairs to the south pier"],
        "furniture": ["We use cookies", "Accept all cookies", "Subscribe today", "What's on",
                      "Share on Facebook", "Get the Gazette daily", "Most read",
                      "Council tax to rise", "All rights reserved", "Privacy notice", "dataLayer",
                      "display:flex", "NewsArticle"],
        "title": "Ferry fares frozen for a second year", "date": "2024-03-18", "author": "Sam Porter",
    },
    "help": {  # div soup: no semantic elements at all
        "html": f"""<html><head><title>Opening hours - Riverton Libraries</title>{_SCRIPT}</head><body>
<div id="topbar"><div class="logo">Riverton Libraries</div><ul class="menu"><li><a href="/">Home</a></li>
<li><a href="/catalogue">Search the catalogue</a></li><li><a href="/events">Events for children</a></li>
<li><a href="/login">Log in to your account</a></li></ul></div>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/help">Help</a> › Opening hours</div>
<div id="wrapper"><div id="content">
<h1>Opening hours</h1>
<p>All Riverton libraries are open from 9am to 7pm on weekdays, except on bank holidays.</p>
<h2>Weekend hours</h2>
<p>On Saturdays the central library closes at 4pm and the branch libraries close at 1pm.</p>
<p>All libraries are closed on Sundays.</p>
<h3>Sunday events</h3>
<p>The central library opens on the first Sunday of each month for the book swap, from 10am to noon.</p>
<table><tr><th>Library</th><th>Saturday</th></tr><tr><td>Central</td><td>9am to 4pm</td></tr>
<tr><td>Eastgate branch</td><td>9am to 1pm</td></tr></table>
</div>
<div id="sidebar"><div class="widget"><h4>Quick links</h4><ul><li><a href="/renew">Renew your books online</a></li>
<li><a href="/join">Join the library</a></li></ul></div></div></div>
<div id="footer"><p>Riverton Borough Council, Town Hall, Riverton RV1 1AA</p><p>Accessibility statement | Contact us</p></div>
<div class="cookie-notice">This website uses cookies. <a href="/cookies">Find out more about cookies</a></div>
</body></html>""",
        "gold": ["All Riverton libraries are open from 9am to 7pm on weekdays, except on bank holidays.",
                 "On Saturdays the central library closes at 4pm and the branch libraries close at 1pm.",
                 "All libraries are closed on Sundays.",
                 "The central library opens on the first Sunday of each month for the book swap, from 10am to noon.",
                 "Library: Eastgate branch | Saturday: 9am to 1pm"],
        "headings": ["Opening hours", "Weekend hours", "Sunday events"],
        "furniture": ["Search the catalogue", "Events for children", "Log in to your account",
                      "Renew your books online", "Quick links", "Town Hall, Riverton",
                      "Accessibility statement", "This website uses cookies", "Find out more about cookies",
                      "dataLayer"],
        "title": "Opening hours",  # the site's name after the dash is left out
    },
    "blog": {
        "html": """<!doctype html><html><head><title>Growing tomatoes on a balcony – Plot Notes</title>
<meta name="description" content="How I grew tomatoes in pots.">
<meta property="og:title" content="Growing tomatoes on a balcony"></head><body>
<a class="skip-link" href="#main">Skip to content</a>
<div class="wrapper"><header class="site-header"><p class="site-title">Plot Notes</p>
<ul class="main-navigation"><li>Archive</li><li>About me</li><li>Seed swap</li></ul></header>
<div class="post"><h1 class="entry-title">Growing tomatoes on a balcony</h1>
<p class="entry-meta">Posted on <time datetime="2023-06-02">2 June 2023</time> by Priya</p>
<div class="entry-content">
<p>I grew six tomato plants in 20-litre pots on a south-facing balcony this year.</p>
<p>The cherry variety Sungold gave the most fruit, about two kilos per plant.</p>
<h3>Watering</h3>
<p>In July the pots needed water twice a day, or the leaves curled by the afternoon.</p>
</div>
<div class="post-tags">Tags: <a>tomatoes</a>, <a>containers</a></div>
<div class="comments"><h3>2 comments</h3><p class="comment">Great post, thanks for sharing!</p></div>
</div>
<div class="widget-area"><section class="widget"><h2>Recent posts</h2><ul><li>Pruning the plum tree</li></ul></section></div>
<footer class="site-footer">Proudly powered by WordPress · Theme by Example</footer></div>
</body></html>""",
        "gold": ["I grew six tomato plants in 20-litre pots on a south-facing balcony this year.",
                 "The cherry variety Sungold gave the most fruit, about two kilos per plant.",
                 "In July the pots needed water twice a day, or the leaves curled by the afternoon."],
        "headings": ["Growing tomatoes on a balcony", "Watering"],
        "furniture": ["Skip to content", "About me", "Seed swap", "Recent posts", "Pruning the plum tree",
                      "Proudly powered by WordPress", "Great post, thanks for sharing"],
        "title": "Growing tomatoes on a balcony", "date": "2023-06-02",
    },
    "gov": {
        "html": f"""<!DOCTYPE html><html lang="en"><head><title>Apply for a mooring permit - GOV.EXAMPLE</title>
<meta name="DC.date.issued" content="2024-01-09">{_SCRIPT}</head><body>
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
{_COOKIE}
<header role="banner"><div class="govuk-header">GOV.EXAMPLE</div><nav><a>Departments</a> <a>Worldwide</a></nav></header>
<div class="govuk-breadcrumbs"><ol><li><a>Home</a></li><li><a>Transport</a></li><li><a>Boats and moorings</a></li></ol></div>
<main id="main-content" role="main">
<h1>Apply for a mooring permit</h1>
<nav aria-label="Contents"><h2>Contents</h2><ol><li><a href="#who">Who can apply</a></li><li><a href="#fees">Fees</a></li></ol></nav>
<h2 id="who">Who can apply</h2>
<p>You can apply if your boat is registered and insured for at least £2 million third-party cover.</p>
<h2 id="fees">Fees</h2>
<p>A permit costs £420 a year for boats up to 10 metres long.</p>
<p>Longer boats pay £48 for each extra metre.</p>
<div class="govuk-feedback"><h2>Is this page useful?</h2><button>Yes</button><button>No</button>
<a>Report a problem with this page</a></div>
</main>
<footer class="govuk-footer" role="contentinfo"><a>Help</a> <a>Cookies</a> <a>Contact</a>
<p>All content is available under the Open Government Licence v3.0, except where otherwise stated</p></footer>
</body></html>""",
        "gold": ["You can apply if your boat is registered and insured for at least £2 million third-party cover.",
                 "A permit costs £420 a year for boats up to 10 metres long.",
                 "Longer boats pay £48 for each extra metre."],
        "headings": ["Apply for a mooring permit", "Who can apply", "Fees"],
        "furniture": ["Skip to main content", "We use cookies", "Departments", "Boats and moorings",
                      "Is this page useful?", "Report a problem", "Open Government Licence", "dataLayer"],
        "title": "Apply for a mooring permit", "date": "2024-01-09",
    },
    "plain": {  # a short hand-written page: nothing to remove, everything must stay
        "html": """<html><head><title>Bell ringing practice</title></head><body>
<h1>Bell ringing practice</h1>
<p>Practice is on Thursdays at 7.30pm in St Mary's tower.</p>
<p>Beginners are welcome; bring soft-soled shoes.</p>
</body></html>""",
        "gold": ["Practice is on Thursdays at 7.30pm in St Mary's tower.",
                 "Beginners are welcome; bring soft-soled shoes."],
        "headings": [],  # the extractor takes a short page's lone <h1> for the title, not the text
        "furniture": [],
        "title": "Bell ringing practice",
    },
}


def html_page(path: Path, name: str = "news") -> Path:
    path.write_text(HTML_PAGES[name]["html"], encoding="utf-8")
    return path


# ---------------------------------------------------------------- folders

def mixed_folder(folder: Path, n: int = 100) -> Path:
    """n files cycling through .pdf, .docx, .html, .md and .txt (names numbered)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    pages = list(HTML_PAGES)
    for i in range(n):
        kind = i % 5
        if kind == 0:
            report_pdf(folder / f"{i:03d}.pdf")
        elif kind == 1:
            policy_docx(folder / f"{i:03d}.docx")
        elif kind == 2:
            html_page(folder / f"{i:03d}.html", pages[i % len(pages)])
        elif kind == 3:
            (folder / f"{i:03d}.md").write_text(NOTES_MD, encoding="utf-8")
        else:
            (folder / f"{i:03d}.txt").write_bytes(seeds[i % len(seeds)].read_bytes())
    return folder


