"""Scanned pages made here, from text written here, for the OCR benchmark (`evals.ocr_bench`)
and the OCR tests: every expected word is known, nothing is downloaded.

    image, gold = page_image(DOCUMENTS[0].pages[0], dpi=150, rotate=1.5, noise=0.01)
    scanned_pdf(path, [image, ...])               # image-only pages: no text layer
    save_tiff(path, [image, ...], dpi=300)        # a multi-page TIFF

Pages are A4, 11 pt Bitstream Vera (the font inside reportlab, a test and eval dependency), a
bold 15 pt heading, ragged right, a blank line between paragraphs; `columns=2` sets the body
in two columns. `gold` is the page's text in reading order (heading, then the first column,
then the second), words separated by single spaces.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

A4_INCHES = (8.27, 11.69)
BODY_PT, HEADING_PT, LEADING = 11, 15, 1.45


@dataclass(frozen=True)
class Page:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ScanDoc:
    """A document to scan: its file name (.pdf, .png, .tif), pages, and how it was scanned."""

    name: str
    pages: tuple[Page, ...]
    dpi: int = 300
    columns: int = 1
    rotate: float = 0.0
    noise: float = 0.0


DOCUMENTS = (
    ScanDoc("harbour-office-report.pdf", (
        Page("Harbour Office Annual Report", (
            "The harbour office opened on 4 March 1987 and has since handled 12,480 mooring "
            "permits. It is staffed by four officers and a part-time clerk, and it is open "
            "every day except Christmas Day.",
            "This report covers the year that ended on 31 March 2024. It was approved by the "
            "board of trustees at their meeting in May.")),
        Page("Finance and repairs", (
            "The office spent £318,500 in the year, of which 41 per cent went on wages. The "
            "pier inspector, Margaret Ellison, reported cracks in three of the eleven concrete "
            "piles and asked for repairs before the winter storms.",
            "The repairs were carried out by Tidewater Marine in October and cost £86,200, "
            "which was paid from the harbour reserve fund.")),
    )),
    ScanDoc("ferry-notice.png", (
        Page("Notice to ferry passengers", (
            "Crossings to Gull Island were cancelled on 17 days last winter because the wind was "
            "above force eight. From 1 April the adult fare rises from £6.50 to £7.10, while "
            "the fare for children stays at £3.20.",
            "Bicycles are carried free of charge on the first crossing of the day. Dogs must be "
            "kept on a lead at all times on the deck.")),
    ), dpi=150, rotate=1.2, noise=0.004),
    ScanDoc("library-survey.tif", (
        Page("Reading room survey", (
            "The survey asked 640 visitors how they use the reading room. Most came to study "
            "or to use the computers, and almost half visited at least once a week.",
            "Visitors asked for longer opening hours on Saturdays, more power sockets near the "
            "tables and a quieter area away from the entrance.",
            "The librarian, Owen Pritchard, said the room would stay open until eight o'clock "
            "on Saturdays from September.")),
        Page("Survey results", (
            "Of the visitors who answered, 212 said the room was too cold in winter, and 95 "
            "said the chairs were uncomfortable. The heating will be replaced next summer at a "
            "cost of £24,000.",
            "A second survey will be held in 2026, after the new heating has been in use for a "
            "full winter.")),
    ), columns=2),
)

# Questions answered from the pages above: (question, text the right answer holds).
QUESTIONS = (
    ("When did the harbour office open?", "4 March 1987"),
    ("How many mooring permits has the harbour office handled?", "12,480"),
    ("How much did the harbour office spend in the year?", "£318,500"),
    ("Who reported cracks in the concrete piles?", "Margaret Ellison"),
    ("How much did the pile repairs cost?", "£86,200"),
    ("How many days were crossings to Gull Island cancelled last winter?", "17"),
    ("What will the adult ferry fare be from 1 April?", "£7.10"),
    ("How many visitors did the reading room survey ask?", "640"),
    ("How many visitors said the reading room was too cold in winter?", "212"),
    ("How much will the new heating cost?", "£24,000"),
)


def _fonts(dpi: int):
    import reportlab
    from PIL import ImageFont

    folder = Path(reportlab.__file__).parent / "fonts"
    return (ImageFont.truetype(str(folder / "Vera.ttf"), round(BODY_PT * dpi / 72)),
            ImageFont.truetype(str(folder / "VeraBd.ttf"), round(HEADING_PT * dpi / 72)))


def _wrap(draw, text: str, font, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


def page_image(page: Page, *, dpi: int = 300, columns: int = 1, rotate: float = 0.0,
               noise: float = 0.0, seed: int = 0):
    """(greyscale PIL image of the page, its text in reading order)."""
    from PIL import Image, ImageDraw

    width, height = round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    body, bold = _fonts(dpi)
    margin, gutter, step = dpi, round(0.3 * dpi), round(BODY_PT * LEADING * dpi / 72)
    draw.text((margin, margin), page.heading, font=bold, fill=0)
    top = margin + round(HEADING_PT * 2.2 * dpi / 72)
    column_width = (width - 2 * margin - (columns - 1) * gutter) / columns
    lines: list[str | None] = []  # None: the blank line between paragraphs
    for paragraph in page.paragraphs:
        lines += _wrap(draw, paragraph, body, column_width) + [None]
    per_column = -(-len(lines) // columns)
    for c in range(columns):
        y = top
        for line in lines[c * per_column:(c + 1) * per_column]:
            if line:
                draw.text((margin + c * (column_width + gutter), y), line, font=body, fill=0)
            y += step
    if rotate:
        image = image.rotate(rotate, resample=Image.BICUBIC, fillcolor=255)
    if noise:
        _speckle(image, noise, seed)
    gold = " ".join([page.heading] + [line for line in lines if line])
    return image, gold


def _speckle(image, share: float, seed: int) -> None:
    """Flip `share` of the pixels, as dust and a poor scanner do."""
    rnd = random.Random(seed)
    pixels = image.load()
    for _ in range(int(image.width * image.height * share)):
        x, y = rnd.randrange(image.width), rnd.randrange(image.height)
        pixels[x, y] = 0 if pixels[x, y] > 127 else 255


def doc_images(doc: ScanDoc, seed: int = 0):
    """Each page of `doc` as scanned: (image, gold) one at a time."""
    for i, page in enumerate(doc.pages):
        yield page_image(page, dpi=doc.dpi, columns=doc.columns, rotate=doc.rotate,
                         noise=doc.noise, seed=seed + i)


def scanned_pdf(path: Path, images, text_pages: dict[int, str] | None = None,
                numbered: bool = False) -> Path:
    """A PDF of A4 pages that are the given images, full page, no text layer; `text_pages` puts a
    page with a real text layer (the text, one line) at those 0-based positions (a mixed
    PDF); `numbered` gives each image page a text layer of its page number alone, as some
    scanning software adds. Images are taken one at a time, so a long scan is never held
    whole."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    text_pages = text_pages or {}
    size = (A4_INCHES[0] * 72, A4_INCHES[1] * 72)
    c = canvas.Canvas(str(path), pagesize=size, invariant=1)

    def typed(at: int) -> int:
        """Draw the text pages due at position `at` on; the position after them."""
        while at in text_pages:
            c.setFont("Helvetica", 11)
            c.drawString(72, size[1] - 100, text_pages[at])
            c.showPage()
            at += 1
        return at

    at = 0
    for image in images:
        at = typed(at)
        c.drawImage(ImageReader(image), 0, 0, width=size[0], height=size[1])
        if numbered:
            c.setFont("Helvetica", 9)
            c.drawCentredString(size[0] / 2, 20, str(at + 1))
        c.showPage()
        at += 1
    typed(at)
    c.save()
    return path


def save_tiff(path: Path, images: list, dpi: int = 300) -> Path:
    """A multi-page TIFF (one page per image), compressed, with its resolution recorded."""
    first, *rest = images
    first.save(path, save_all=True, append_images=rest, dpi=(dpi, dpi), compression="tiff_lzw")
    return path


def save_doc(doc: ScanDoc, folder: Path) -> Path:
    """Write `doc` as its file type into `folder`."""
    path = folder / doc.name
    images = [image for image, _ in doc_images(doc)]
    if path.suffix == ".pdf":
        return scanned_pdf(path, images)
    if path.suffix in (".tif", ".tiff"):
        return save_tiff(path, images, doc.dpi)
    images[0].save(path, dpi=(doc.dpi, doc.dpi))
    return path
