"""A PDF page as an image, with the lines of a quote highlighted: what a person checks a PDF
citation against.

    image = render_page("report.pdf", 2, "In 2023 the ferry carried 41,350 passengers")
    image.png, image.width, image.height   # the page, quoted lines marked
    image.found, image.boxes, image.top     # where the quote is on it

`cited_page(bot.corpus, c.source, c.page, c.start, c.end)` renders the page a citation `c`
points at, checking the page and the offsets against the corpus (they may come from a browser),
and keeps the last pages rendered, keyed by the document's content.

The quote is found in PDFium's text of the page, compared on letters and digits only: the
corpus's text of a PDF joins lines, undoes line-end hyphens and ligatures and drops running
headers, so it is never the page's text character for character. On a scanned page (no text
layer: `readers.ocr.is_scanned`) and on an image file, the page is OCR'd again and the quote
found among its words: the same engine on the same rendering reads the same words the index
holds. That costs about a second per page shown (the pages shown last are cached), where
keeping every word's box with the extracted text would cost ~10 KB per page in the
extraction cache and in every loaded Document, for pages few people ever open. The highlight is multiplied
into the page, so the text stays black. pypdfium2 and Pillow are imported on first use, and
PDFium is used under the readers' lock (`readers.pdf.PDFIUM_LOCK`): it is not thread-safe.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CorpusError
from .readers import ReadError, ocr
from .readers.image import SUFFIXES as IMAGE_SUFFIXES
from .readers.pdf import PDFIUM_LOCK

if TYPE_CHECKING:
    from .corpus import Corpus

PAGE_SCALE = 1.5  # rendered pixels per PDF point
HIGHLIGHT = (253, 214, 74)  # RGB, multiplied into the page
MARGIN = 2.0  # PDF points the highlight reaches beyond the text's boxes
EDGE = 40  # letters: a quote not found whole is matched by its first and last this many
CACHED_PAGES = 32

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PageImage:
    """One rendered page. `boxes` are the quoted text's boxes in the image's pixels (left, top,
    right, bottom; the origin at the top left), in reading order; the highlight reaches
    MARGIN points beyond them. `found` is False when no quote was given or it is not on
    the page (the page is then unmarked)."""

    png: bytes
    width: int
    height: int
    boxes: tuple[Box, ...] = ()
    found: bool = False

    @property
    def top(self) -> float | None:
        """The top of the first highlighted line as a fraction (0-1) of the page's height."""
        if not self.boxes:
            return None
        return max(0.0, min(top for _, top, _, _ in self.boxes) / self.height)


def render_page(pdf_path: str | Path, page: int, quote: str | None = None, *,
                scale: float = PAGE_SCALE) -> PageImage:
    """Page `page` (1-based) of the PDF (or image file: .png, .jpg, .tif) at `pdf_path` as a
    PNG, `scale` pixels per point, with the lines that hold `quote` highlighted. Raises
    ValueError for a page the file does not have or a scale that is not positive, OSError when
    the file cannot be read, CorpusError when it cannot be opened (damaged, encrypted, not a
    PDF or image)."""
    if not scale > 0:
        raise ValueError(f"scale must be greater than 0. Currently, scale is {scale!r}")
    if Path(pdf_path).suffix.lower() in IMAGE_SUFFIXES:
        return _render_image(Path(pdf_path), page, quote, scale)
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(str(pdf_path))
        except pdfium.PdfiumError as exc:
            raise CorpusError(f"{pdf_path} cannot be opened as a PDF ({exc}). Check that the "
                              f"file is a complete PDF that needs no password.") from exc
        try:
            if not 1 <= page <= len(pdf):
                raise ValueError(f"page must be between 1 and {len(pdf)} (the pages of "
                                 f"{pdf_path}). Currently, page is {page!r}")
            height, boxes, image = _render(pdf[page - 1], quote, scale)
        finally:
            pdf.close()
    pixels = tuple((left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
                   for left, bottom, right, top in boxes)
    return PageImage(_highlighted_png(image, pixels, scale), image.width, image.height,
                     pixels, bool(pixels))


def cited_page(corpus: "Corpus", source: str, page: int, start: int, end: int, *,
               scale: float = PAGE_SCALE) -> PageImage:
    """Page `page` of corpus document `source` with `text[start:end]` (the part on that page)
    highlighted: for a citation `c`, `cited_page(bot.corpus, c.source, c.page, c.start, c.end)`.
    Raises KeyError when `source` is not in the corpus, ValueError when it is not a PDF, has no
    such page, or `start`/`end` are not a span of its text. Recent pages are cached."""
    doc = corpus.get(source)
    spans = {number: (lo, hi) for lo, hi, number in doc.pages}
    if doc.meta.format not in ("pdf", "image") or not spans:
        raise ValueError(f"{source} is a {doc.meta.format} document, not a PDF or image: it "
                         f"has no pages to show.")
    if page not in spans:
        raise ValueError(f"page must be a page of {source} (1 to {max(spans)}). Currently, "
                         f"page is {page!r}")
    if not 0 <= start < end <= len(doc.text):
        raise ValueError(f"start and end must be offsets into the text of {source} (0 to "
                         f"{len(doc.text)}), start before end. Currently, they are {start!r} "
                         f"and {end!r}")
    lo, hi = spans[page]
    quote = doc.text[max(start, lo):min(end, hi)]
    return _cached_page(Path(corpus.root) / doc.source, doc.meta.sha256, page, quote, scale)


@functools.lru_cache(maxsize=CACHED_PAGES)
def _cached_page(path: Path, sha256: str, page: int, quote: str, scale: float) -> PageImage:
    """render_page, remembered by the file's content (`sha256`), not by its path alone."""
    return render_page(path, page, quote, scale=scale)


def _render(pg, quote: str | None, scale: float):
    """(page height in points, the quote's boxes in PDF points, the page as a PIL image)."""
    try:
        height = pg.get_size()[1]
        textpage = pg.get_textpage()
        try:
            boxes = _quote_boxes(textpage, quote) if quote else []
            layer = textpage.get_text_range() if quote and not boxes else ""
        finally:
            textpage.close()
        if quote and not boxes and ocr.is_scanned(pg, layer):
            scanned = ocr.pdf_page_ocr(pg, PDFIUM_LOCK)
            k = 72 / scanned.dpi  # OCR pixels to PDF points, y upwards
            boxes = [(left * k, height - bottom * k, right * k, height - top * k)
                     for left, top, right, bottom in _ocr_boxes(scanned, quote)]
        return height, boxes, pg.render(scale=scale).to_pil().convert("RGB")
    finally:
        pg.close()


def _render_image(path: Path, page: int, quote: str | None, scale: float) -> PageImage:
    """An image file's frame `page`, shown at `scale` pixels per point of its resolution."""
    from PIL import Image

    from .readers import image as image_reader

    try:
        _, _, frame, dpi = next(image_reader.frames(path.read_bytes(), first=page))
    except ReadError as exc:
        raise CorpusError(f"{path} cannot be opened as an image ({exc}). Check that the file "
                          f"is a complete PNG, JPEG or TIFF image.") from exc
    boxes = _ocr_boxes(ocr.recognise(frame, dpi), quote) if quote else []
    k = scale * 72 / dpi
    shown = frame.convert("RGB").resize((max(1, round(frame.width * k)),
                                         max(1, round(frame.height * k))), Image.LANCZOS)
    pixels = tuple((left * k, top * k, right * k, bottom * k) for left, top, right, bottom in boxes)
    return PageImage(_highlighted_png(shown, pixels, scale), shown.width, shown.height,
                     pixels, bool(pixels))


def _highlighted_png(image, boxes: tuple[Box, ...], scale: float) -> bytes:
    from PIL import Image, ImageChops, ImageDraw

    mask = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(mask)
    pad = MARGIN * scale
    for left, top, right, bottom in boxes:
        draw.rectangle([left - pad, top - pad, right + pad, bottom + pad], fill=HIGHLIGHT)
    out = io.BytesIO()
    ImageChops.multiply(image, mask).quantize(colors=64).save(out, "PNG", optimize=True)
    return out.getvalue()


def _quote_boxes(textpage, quote: str) -> list[Box]:
    """The boxes (PDF points: left, bottom, right, top) of the text on a PDFium text page that
    reads as `quote`, compared on letters and digits only. A quote not found whole is matched
    by its first and last EDGE letters. Empty when not found."""
    count = textpage.count_chars()
    raw = textpage.get_text_range(0, count)
    if len(raw) != count:  # characters beyond the BMP: one call per character keeps indexes
        raw = [textpage.get_text_range(i, 1) for i in range(count)]
    letters, index = [], []
    for i, ch in enumerate(raw):
        for x in _letters(ch):
            letters.append(x)
            index.append(i)
    found = _locate("".join(letters), _letters(quote))
    if found is None and TABLE_NAME.search(quote):  # a table row: its values, as on the page
        found = _locate("".join(letters), _letters(TABLE_NAME.sub(" ", quote)))
    if found is None:
        return []
    first, last = index[found[0]], index[found[1] - 1]
    return [textpage.get_rect(k) for k in range(textpage.count_rects(first, last - first + 1))]


# The column names a table row's text carries ("Year: 2023 | Revenue: 18.4", readers/tables.py)
# are not on the page beside each value.
TABLE_NAME = re.compile(r"(?:^|(?<= \| ))[^|]*?: ")


def _ocr_boxes(page, quote: str) -> list[Box]:
    """The boxes (pixels of the scan as given: left, top, right, bottom) of the lines of an
    OCR'd page that hold `quote`, one per line, matched on letters and digits as on a text
    layer."""
    letters, owner = [], []
    for li, line in enumerate(page.lines):
        for wi, word in enumerate(line.words):
            for x in _letters(word.text):
                letters.append(x)
                owner.append((li, wi))
    found = _locate("".join(letters), _letters(quote))
    if found is None:
        return []
    (first_line, first_word), (last_line, last_word) = owner[found[0]], owner[found[1] - 1]
    boxes = []
    for li in range(first_line, last_line + 1):
        words = page.lines[li].words
        lo = first_word if li == first_line else 0
        hi = last_word if li == last_line else len(words) - 1
        chosen = [w.box for w in words[lo:hi + 1]]
        boxes.append(page.original_box((min(b[0] for b in chosen), min(b[1] for b in chosen),
                                        max(b[2] for b in chosen), max(b[3] for b in chosen))))
    return boxes


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _locate(page: str, quote: str, edge: int = EDGE) -> tuple[int, int] | None:
    """(start, end) of `quote` in `page`, or of its first to its last `edge` letters."""
    if not quote:
        return None
    at = page.find(quote)
    if at >= 0:
        return at, at + len(quote)
    head, tail = quote[:edge], quote[-edge:]
    a = page.find(head)
    b = page.find(tail, a + 1) if a >= 0 else -1
    return (a, b + len(tail)) if b >= 0 else None
