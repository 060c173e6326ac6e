"""Page layout for PDF text, from positioned pieces of text (one per run of characters on a line,
as PDFium reports them): reading order, paragraphs, line-end hyphenation and repeated page
furniture. Pure geometry and strings, no PDF library, so every rule here has a table test.

Coordinates are PDF points with y growing upwards; a piece is (x0, y0, x1, y1, size, text).

Reading order is a recursive XY cut: a region is first split at every wide horizontal gap (a
blank band across the whole region: between a heading and two columns, between paragraphs);
what is left is split at a column gutter when there is one (a vertical blank strip with lines
of text on both sides); else at its widest horizontal gap; a region that cannot be cut is one
line. So two columns come out column by column whatever order the PDF drew their lines in, and
a table's rows stay rows (its cells are too short to pass for columns).
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import median
from typing import NamedTuple

WIDE_GAP = 0.8  # a blank band this many font sizes tall separates regions (paragraph spacing)
GUTTER = 0.6  # a column gutter is at least this many font sizes wide
COLUMN_WORDS = 2.5  # mean words per line a column must have (table cells have fewer)
RUNNING_PAGES = 2  # a line at the very top or bottom of this many pages may be a running head
RUNNING_WORDS = 12  # ... when it is this short (a chapter's or section's title)
HYPHENS = "-\u00ad\u2010"  # hyphen-minus, soft hyphen (PDFium's line-end mark), hyphen
_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]$")
_BULLET = re.compile(r"^(?:[•·▪◦‣●○■□➢►–—-]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–—]?\s*#\s*[-–—]?(?:\s*(?:of|/)\s*#)?$|^[ivx]{1,5}$", re.I)
_ADDRESS = re.compile(r"(?:^|\s)((?:https?|ftp)://\S*[/.]|/\S*/)$")  # broken at a line end
# A word that already has a hyphen is broken only at a hyphen ("end-of-" "stream"): TeX never
# hyphenates such a word, and browsers break lines at hyphens, not inside words.
_COMPOUND_END = re.compile(r"[^\W\d_]+-[^\W\d_]+$")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Prefixes kept hyphenated at a line end even before a lower-case word ("well-known").
_HYPHEN_PREFIXES = frozenset(
    "well self ill all half cross long short high low full non ex anti multi so mid part off "
    "one two three four five six seven eight nine ten first second third".split())


class Piece(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    text: str


# ---------------------------------------------------------------- reading order

def reading_order(pieces: list[Piece]) -> list[Piece]:
    """The page's lines in reading order, each the pieces of one line of one column merged."""
    if not pieces:
        return []
    size = median(p.size for p in pieces)
    return [merge_line(line) for line in _cut(pieces, size)]


def _cut(pieces: list[Piece], size: float) -> list[list[Piece]]:
    bands, gaps = _bands(pieces)
    wide = [i for i, gap in enumerate(gaps) if gap >= WIDE_GAP * size]
    if wide:
        return _split_bands(bands, wide, size)
    columns = _column_split(pieces, size)
    if columns:
        return _cut(columns[0], size) + _cut(columns[1], size)
    if gaps:
        return _split_bands(bands, [max(range(len(gaps)), key=gaps.__getitem__)], size)
    return _lines(pieces)


def _split_bands(bands: list[list[Piece]], at: list[int], size: float) -> list[list[Piece]]:
    out, first = [], 0
    for i in at + [len(bands) - 1]:
        out += _cut([p for band in bands[first:i + 1] for p in band], size)
        first = i + 1
    return out


def _bands(pieces: list[Piece]) -> tuple[list[list[Piece]], list[float]]:
    """Pieces grouped into horizontal bands with blank space between them, top to bottom, and
    the height of each blank."""
    bands: list[list[Piece]] = []
    gaps: list[float] = []
    bottom = 0.0
    for p in sorted(pieces, key=lambda p: -p.y1):
        if not bands or p.y1 < bottom - 0.5:
            if bands:
                gaps.append(bottom - p.y1)
            bands.append([p])
            bottom = p.y0
        else:
            bands[-1].append(p)
            bottom = min(bottom, p.y0)
    return bands, gaps


def _column_split(pieces: list[Piece], size: float) -> tuple[list[Piece], list[Piece]] | None:
    """(left, right) at the widest vertical blank strip with text columns on both sides."""
    spans = sorted((p.x0, p.x1) for p in pieces)
    reach, strips = spans[0][1], []
    for x0, x1 in spans[1:]:
        if x0 - reach >= GUTTER * size:
            strips.append((x0 - reach, reach, x0))
        reach = max(reach, x1)
    for _, left_edge, right_edge in sorted(strips, reverse=True):
        left = [p for p in pieces if p.x1 <= left_edge + 0.01]
        right = [p for p in pieces if p.x0 >= right_edge - 0.01]
        if _is_column(left) and _is_column(right) and _overlap(left, right):
            return left, right
    return None


def _is_column(pieces: list[Piece]) -> bool:
    lines = len(_bands(pieces)[0])
    words = sum(len(p.text.split()) for p in pieces)
    return lines >= 2 and words / len(pieces) >= COLUMN_WORDS


def _overlap(a: list[Piece], b: list[Piece]) -> bool:
    """Side by side: their vertical extents share at least half the shorter one."""
    a0, a1 = min(p.y0 for p in a), max(p.y1 for p in a)
    b0, b1 = min(p.y0 for p in b), max(p.y1 for p in b)
    return min(a1, b1) - max(a0, b0) >= 0.5 * min(a1 - a0, b1 - b0)


def _lines(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces that cannot be cut apart, as lines: grouped by vertical centre, left to right."""
    lines: list[list[Piece]] = []
    for p in sorted(pieces, key=lambda p: -(p.y0 + p.y1) / 2):
        centre = (p.y0 + p.y1) / 2
        if lines and min(q.y0 for q in lines[-1]) <= centre:
            lines[-1].append(p)
        else:
            lines.append([p])
    return [sorted(line, key=lambda p: p.x0) for line in lines]


def merge_line(pieces: list[Piece]) -> Piece:
    """One piece for a line: texts joined left to right (a space where there is a gap)."""
    text = pieces[0].text
    for prev, p in zip(pieces, pieces[1:]):
        spaced = text.endswith(" ") or p.text.startswith(" ") or p.x0 - prev.x1 < 0.15 * p.size
        text += p.text if spaced else " " + p.text
    return Piece(min(p.x0 for p in pieces), min(p.y0 for p in pieces), max(p.x1 for p in pieces),
                 max(p.y1 for p in pieces), max(p.size for p in pieces), text)


# ---------------------------------------------------------------- paragraphs

def paragraphs(lines: list[Piece]) -> list[list[Piece]]:
    """Consecutive lines grouped into paragraphs: a PDF line break is not a paragraph break."""
    out: list[list[Piece]] = []
    for line in lines:
        if out and not _breaks(out[-1], line):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _breaks(para: list[Piece], b: Piece) -> bool:
    """Whether line b starts a new paragraph after the lines of `para`."""
    a = para[-1]
    size = max(a.size, b.size)
    text_a, text_b = a.text.rstrip(), b.text.lstrip()
    if abs(a.size - b.size) > 0.15 * size or _BULLET.match(text_b):
        return True
    below = b.y1 <= a.y0 + 0.3 * size and b.x0 < a.x1 and b.x1 > a.x0
    if not below:  # next column or page region: a sentence may carry on there
        return bool(_SENTENCE_END.search(text_a)) or not text_b[:1].islower()
    if a.y0 - b.y1 > WIDE_GAP * size:
        return True
    right = max(p.x1 for p in para + [b])
    ended = bool(_SENTENCE_END.search(text_a))
    return ended and (a.x1 < right - 4 * size or b.x0 > a.x0 + size)


def is_list_item(text: str) -> bool:
    """Starts with a bullet or an item number ("• ", "3. ", "(b) ")."""
    return bool(_BULLET.match(text))


def join_lines(texts: list[str], vocabulary: "Vocabulary") -> str:
    """A paragraph's lines joined by spaces, undoing line-end hyphenation: "infor-" + "mation"
    is "information" when the next line goes on in lower case, unless the hyphenated word is the
    document's own spelling or a usual prefix ("well-" + "known" stays "well-known"). A web
    address or an absolute path broken at a line end goes on without a space."""
    out = texts[0].strip()
    for text in texts[1:]:
        text = text.strip()
        if not text:
            continue
        if out[-1:] in HYPHENS and len(out) > 1 and out[-2].isalnum():
            stem = out[:-1]
            if (stem[-1].isalpha() and text[:1].islower() and not _COMPOUND_END.search(stem)
                    and not vocabulary.keeps_hyphen(_last_word(stem), _first_word(text))):
                out = stem + text
            else:
                out = stem + "-" + text
        elif _address_goes_on(out, text):
            out += text
        else:
            out = f"{out} {text}"
    return out


def _address_goes_on(out: str, text: str) -> bool:
    """Whether `text` goes on a web address or an absolute path that `out` ends with, broken
    after a slash (or after a dot, in a web address); the next line going on in lower case or
    digits, or in anything after a web address's slash."""
    m = _ADDRESS.search(out)
    if not m or not text[:1].isalnum():
        return False
    return (text[:1].islower() or text[:1].isdigit()
            or (m.group(1).endswith("/") and "://" in m.group(1)))


def _last_word(s: str) -> str:
    m = re.search(r"[^\W\d_]+$", s)
    return m.group(0) if m else ""


def _first_word(s: str) -> str:
    m = re.match(r"[^\W\d_]+", s)
    return m.group(0) if m else ""


class Vocabulary:
    """The words a document spells, to decide line-end hyphens by its own usage."""

    def __init__(self, texts) -> None:
        self.words: set[str] = set()
        self.hyphenated: set[str] = set()
        for text in texts:
            for w in _WORD.findall(text.lower()):
                (self.hyphenated if "-" in w else self.words).add(w)

    def keeps_hyphen(self, left: str, right: str) -> bool:
        left, right = left.lower(), right.lower()
        if f"{left}-{right}" in self.hyphenated:
            return True
        if left + right in self.words:
            return False
        return left in _HYPHEN_PREFIXES


# ---------------------------------------------------------------- furniture and headings

def furniture_keys(pages: list[list[Piece]]) -> set[str]:
    """Keys (see `furniture_key`) of the lines at the top or bottom of pages that are running
    headers and footers: on at least half the pages (two at least); or on three with a number
    that changes ("Chapter 2: Handling 7"); or, with words in it, in the outermost line of
    RUNNING_PAGES pages or more, on at least half the pages of the stretch between its first
    and last (a chapter's running head, on its chapter's pages only, a chapter of 2 pages
    included). Page numbers ("3", "Page 3 of 10", "- 3 -", "iv") are
    furniture anyway."""
    counts: Counter[str] = Counter()
    variants: dict[str, set[str]] = {}
    outer: dict[str, list[int]] = {}
    for number, pieces in enumerate(pages):
        bands, _ = _bands(pieces)
        edge = {furniture_key(p.text): p.text for p in edge_pieces(pieces, bands)}
        counts.update(edge.keys())
        for key, text in edge.items():
            variants.setdefault(key, set()).add(text)
        for key in {furniture_key(p.text) for band in bands[:1] + bands[-1:] for p in band}:
            outer.setdefault(key, []).append(number)
    need = max(2, (sum(1 for p in pages if p) + 1) // 2)
    numbered = min(need, 3)  # "Chapter 2: Handling 7" heads only the pages of its chapter
    running = {key for key, at in outer.items()
               if len(at) >= RUNNING_PAGES and 2 * len(at) >= at[-1] - at[0] + 1
               and len(key.split()) <= RUNNING_WORDS and _WORD.search(key)}
    return running | {key for key, n in counts.items()
                      if n >= need or (n >= numbered and "#" in key and len(variants[key]) > 1)
                      or _PAGE_NUMBER.match(key)}


def outer_pieces(pieces: list[Piece]) -> list[Piece]:
    """The pieces of a page's top and bottom bands: where a browser prints its header and footer."""
    bands, _ = _bands(pieces)
    return [p for band in (bands[:1] + bands[-1:] if len(bands) > 1 else bands) for p in band]


def edge_pieces(pieces: list[Piece], bands: list[list[Piece]] | None = None) -> list[Piece]:
    """The pieces of a page's two top and two bottom bands: where running heads and feet sit."""
    bands = _bands(pieces)[0] if bands is None else bands
    chosen = bands[:2] + bands[-2:] if len(bands) > 4 else bands
    return [p for band in chosen for p in band]


def furniture_key(text: str) -> str:
    """A line's text with digits as '#' and spacing collapsed: 'Page 3 of 10' -> 'page # of #'."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def heading_levels(candidates: list[float]) -> dict[float, int]:
    """Heading level (1 = largest) for each distinct heading font size, rounded to 0.5 pt."""
    sizes = sorted({round(s * 2) / 2 for s in candidates}, reverse=True)
    return {s: min(i + 1, 6) for i, s in enumerate(sizes)}
