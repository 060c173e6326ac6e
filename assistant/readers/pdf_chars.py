"""A PDF page's text as `layout.Piece`s (runs of characters on one line, with their box and font
size), read from PDFium's text page by character index, so every character is read once.

PDFium's text page holds the page's characters in its own reading order, with a line break
("\\r\\n") where a line ends, a space where words are apart, ligatures split into their letters,
each with a box. That text (`get_text_range()`) is right; what went wrong before was reading it
by rectangle: `get_text_bounded(rect)` returns every character whose box touches the rectangle,
and where a line is drawn in many pieces (a browser's "Save as PDF" draws words and single
letters as pieces, their boxes overlapping by a fraction of a letter) each letter came out in
two pieces ("Harbour TrTrust", "the slipway.y."), a ligature's second letter twice ("diff,ff"),
and a short word set in another font inside a longer piece was lost.

Here each of PDFium's lines (the characters between two line breaks) is one piece when PDFium
gives it one rectangle (one text object: a line typeset in one go, the common case, and the
fast one: no call per character); a line in several rectangles is read character by character
and cut into runs wherever the next character is not beside the last (a gap of GAP font sizes:
table cells, columns side by side, or back to the left: a new line), changes size by more than
SIZE_CHANGE (a browser sets code and brackets a little larger or smaller than the text around
them: that is one run, in the size most of its characters have), or stands on another line. A
character smaller than its run, raised or lowered beside it (a superscript footnote mark, an
exponent, a subscript) stays in the run, a space apart, without stretching its box, so it
cannot make a line of its own; so does a short piece in small type set at a line's end or
start (`attach_marks`). A spacing accent that TeX sets before its letter ("Gr¨unbacher") is
composed with it.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata

from .base import clean_inline
from .layout import Piece

GAP = 0.6  # font sizes of blank between two characters that starts a new run (a space is ~0.3)
SIZE_CHANGE = 0.3  # a change of font size this large (a fraction) starts a new run
SMALL = 0.85  # a character this much smaller than its run, beside it, is a super/subscript
MARK_CHARS = 3  # a piece this short in small type beside a line is a mark (a footnote's number)
_ACCENTS = {"\u00a8": "\u0308", "\u00b4": "\u0301", "\u02c6": "\u0302",
            "\u02dc": "\u0303", "\u00b8": "\u0327", "\u02c7": "\u030c", "\u02d8": "\u0306",
            "\u02d9": "\u0307", "\u02da": "\u030a", "\u00af": "\u0304", "\u02dd": "\u030b",
            "\u02db": "\u0328"}  # as TeX sets them; never the ASCII ^ ~ ` of code
_ACCENTED = re.compile("([" + re.escape("".join(_ACCENTS)) + r"])([^\W\d_])")


def page_pieces(textpage) -> list[Piece]:
    """The runs of text on a PDFium text page (pypdfium2 PdfTextPage)."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters beyond the BMP: one call per character keeps indexes
        text = "".join((textpage.get_text_range(i, 1) or " ")[:1] for i in range(count))
    pieces: list[Piece] = []
    for a, b in _line_ranges(text):
        rects = textpage.count_rects(a, b - a)
        if rects == 1:
            line = clean_text(text[a:b])
            if line:
                x0, y0, x1, y1 = textpage.get_rect(0)
                pieces.append(Piece(x0, y0, x1, y1, _size(raw, text, a, b, y1 - y0), line))
        elif rects > 1:
            pieces += _runs(raw, text, a, b)
    return attach_marks(pieces)


def attach_marks(pieces: list[Piece]) -> list[Piece]:
    """Short pieces in small type (MARK_CHARS characters at most) set just after or before a
    larger piece on the same line (a footnote mark PDFium put on a line of its own, raised
    above the text) joined to that piece, a space apart, so they cannot make a line or a
    paragraph of their own."""
    marks = [k for k, p in enumerate(pieces) if len(p.text) <= MARK_CHARS]
    if not marks:
        return pieces
    out = list(pieces)
    gone = set()
    for k in marks:
        m = out[k]
        for j, p in enumerate(out):
            if j == k or j in gone or m.size >= SMALL * p.size or not p.y0 <= m.y0 <= p.y1:
                continue
            if m.x1 >= p.x1 - 0.5 * p.size and m.x0 - p.x1 <= p.size:  # at its end
                out[j] = p._replace(x1=max(p.x1, m.x1), text=f"{p.text} {m.text}")
            elif m.x0 <= p.x0 + 0.5 * p.size and p.x0 - m.x1 <= p.size:  # at its start
                out[j] = p._replace(x0=min(p.x0, m.x0), text=f"{m.text} {p.text}")
            else:
                continue
            gone.add(k)
            break
    return [p for k, p in enumerate(out) if k not in gone]


def _line_ranges(text: str):
    """(start, end) of each of PDFium's lines: the text between line breaks."""
    start = 0
    for m in re.finditer(r"\r\n|[\r\n]", text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _size(raw, text: str, a: int, b: int, height: float) -> float:
    """The font size of the first visible character in text[a:b], or the box's height where
    the text matrix scales the font (a size unlike the box's)."""
    import pypdfium2.raw as pdfium_c

    at = next((i for i in range(a, b) if not text[i].isspace()), a)
    size = pdfium_c.FPDFText_GetFontSize(raw, at)
    height = max(height, 0.1)
    return size if 0.6 * height <= size <= 3 * height else height


class _Run:
    __slots__ = ("x0", "y0", "x1", "y1", "base", "size", "sizes", "chars", "space", "small")

    def __init__(self, box, size: float, ch: str, base: float) -> None:
        self.x0, self.y0, self.x1, self.y1 = box
        self.base = base  # the first character's baseline
        self.size, self.sizes = size, {size: 1}
        self.chars, self.space, self.small = [ch], False, False

    def piece(self) -> Piece | None:
        """The run as a Piece, in the size most of its characters have."""
        text = clean_text("".join(self.chars))
        height = max(self.y1 - self.y0, 0.1)
        size = max(self.sizes, key=self.sizes.__getitem__)
        size = size if 0.6 * height <= size <= 3 * height else height  # see _size
        return Piece(self.x0, self.y0, self.x1, self.y1, size, text) if text else None


def _runs(raw, text: str, a: int, b: int) -> list[Piece]:
    """text[a:b] (one of PDFium's lines in several rectangles) cut into runs, character by
    character (module docstring)."""
    import pypdfium2.raw as pdfium_c

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, right, bottom, top)]
    ox, oy = ctypes.c_double(), ctypes.c_double()

    def baseline(i: int) -> float:
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(ox), ctypes.byref(oy))
        return oy.value

    runs: list[_Run] = []
    run = None
    for i in range(a, b):
        ch = text[i]
        if ch.isspace():
            if run is not None:
                run.space = True
            continue
        pdfium_c.FPDFText_GetCharBox(raw, i, *refs)
        box = (left.value, bottom.value, right.value, top.value)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        if box[2] - box[0] < 0.01 or box[3] - box[1] < 0.01:  # no extent: with its neighbours
            if run is not None:
                run.chars.append(ch)
            continue
        if run is not None and _joins(run, box, size, ch, lambda: baseline(i)):
            continue
        run = _Run(box, size, ch, baseline(i))
        runs.append(run)
    return [p for p in (r.piece() for r in runs) if p is not None]


def _joins(run: _Run, box, size: float, ch: str, baseline) -> bool:
    """Adds the character to `run` when it continues it (module docstring); False otherwise.
    `baseline()` is the character's baseline (asked only of a smaller character)."""
    x0, y0, x1, y1 = box
    s = run.size
    centre = (y0 + y1) / 2
    if x0 < run.x1 - 0.5 * s or x0 - run.x1 > GAP * max(s, size):
        return False  # back to the left (another line) or far to the right (another cell)
    if not run.y0 - 0.3 * s <= centre <= run.y1 + 0.3 * s:
        return False  # above or below: another line
    small = size < SMALL * s and abs(baseline() - run.base) > 0.15 * s  # raised or lowered
    space = run.space or (small and not run.small and run.chars[-1][-1:] != " ")
    text = (" " if space else "") + ch
    run.space = False
    if small:  # a superscript or subscript: in the run, set apart, its box unchanged
        run.chars.append(text)
        run.x1, run.small = max(run.x1, x1), True
        return True
    run.small = False
    if size > s / SMALL and len(run.chars) <= 3 and run.base > baseline() + 0.15 * size:
        run.size, run.sizes, run.y0, run.y1 = size, {}, y0, y1  # the run so far: a raised mark
        run.base = baseline()
        text = text if text.startswith(" ") else " " + text
    elif abs(size - s) > SIZE_CHANGE * max(size, s):
        return False
    run.sizes[size] = run.sizes.get(size, 0) + 1
    run.chars.append(text)
    run.x0, run.y0 = min(run.x0, x0), min(run.y0, y0)
    run.x1, run.y1 = max(run.x1, x1), max(run.y1, y1)
    return True


def clean_text(text: str) -> str:
    """A run's text, normalised: PDFium's line-end hyphen mark (U+0002, U+FFFE in some builds)
    made a hyphen for `layout.join_lines` to judge, other such marks dropped, a spacing accent
    before its letter composed with it, whitespace and ligatures as `clean_inline`."""
    text = text.replace("\r", " ").replace("\n", " ").rstrip()
    if text[-1:] in "\x02\ufffe\u00ad":
        text = text[:-1] + "-"
    text = text.replace("\x02", "").replace("\ufffe", "")
    if _ACCENTED.search(text):
        text = _ACCENTED.sub(_compose, text)
    return clean_inline(text)


def _compose(m: re.Match) -> str:
    composed = unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)])
    return composed if len(composed) == 1 else m.group(0)
