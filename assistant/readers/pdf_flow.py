"""A PDF's pages laid out as one text: per page, its running header, its paragraphs, tables and
headings in reading order (`layout`, `pdf_tables`), its footer; and a paragraph that a page
break cuts in two written once, whole.

Running headers and footers are lines at a page's top or bottom that repeat across pages
(`layout.furniture_keys`, page numbers included): they are written as FURNITURE blocks, never
indexed, inside their page's span, so a citation's page still has its printed number and head.

A page's last body paragraph goes on over the page break when it does not end a sentence (no
. ! ? : ; at its end) and the next page's first paragraph, in reading order after that page's
header, is body text of the same size that goes on with it: it starts in lower case, or the
paragraph broke after a comma or a hyphen, or on a word that cannot end a sentence ("the",
"of", "and"). Smaller type after a page's last body paragraph (footnotes) is written before
it, with the page's footer, so nothing stands between the two halves. The joined paragraph's
text is split between the two pages' spans in `Extracted.pages` where the page broke, so a
quote's page is the page its words are printed on.
"""

from __future__ import annotations

import re
from collections import Counter

from .base import BODY, FURNITURE, HEADING, LIST, Extracted, TextBuilder
from .layout import (Piece, Vocabulary, edge_pieces, furniture_key, furniture_keys, heading_levels,
                     is_list_item, join_lines, outer_pieces, paragraphs, reading_order)
from .pdf_tables import PageTable, Rule, carry_header, find_tables, interleave, without_tables
from .tables import add_grid

HEADING_RATIO = 1.15  # type this much larger than the body text, in a short paragraph
FOOTNOTE_RATIO = 0.9  # type this much smaller than the body after a page's last paragraph
SAME_SIZE = 0.15  # two paragraphs within this fraction of each other's size are the same type
_ENDED = re.compile(r"[.!?:;\u2026][\"'\u201d\u2019)\]]*$")
_OPEN_WORDS = frozenset(
    "a an the of to and or nor but in on at by for from with into as than that which who whose "
    "is are was were be been has have had its their our your this these those".split())


def lay_out(pages: list[list[Piece]], rules: list[list[Rule]] | None = None,
            find=find_tables) -> Extracted:
    """Blocks page by page (module docstring), with each page's span of the text; tables by
    `find` (pdf_tables.find_tables)."""
    vocabulary = Vocabulary(p.text for page in pages for p in page)
    held = _small_furniture(pages)  # out of the tables' way
    free = [[p for p in pieces if p not in h] for pieces, h in zip(pages, held)]
    tables = [find(pieces, drawn, vocabulary)  # tables next: their cells are not furniture
              for pieces, drawn in zip(free, rules or [[]] * len(pages))]
    everything = pages
    pages = [without_tables(pieces, found) + h for pieces, found, h in zip(free, tables, held)]
    keys = furniture_keys(pages)
    body_size = _body_size(pages if any(pages) else everything)  # tables only: their size
    plan = []
    for pieces, found in zip(pages, tables):
        furniture = [p for p in edge_pieces(pieces)  # in title type: a title page's title
                     if furniture_key(p.text) in keys and p.size < HEADING_RATIO * body_size]
        content = [p for p in pieces if p not in furniture]
        plan.append((furniture, interleave(paragraphs(reading_order(content)), found)))
    sizes = [item[0].size for _, items in plan for item in items
             if not isinstance(item, PageTable) and is_heading(item, body_size)]
    flow = _Flow(vocabulary, body_size, heading_levels(sizes))
    for number, (furniture, items) in enumerate(plan, 1):
        flow.page(number, furniture, items)
    return flow.build()


def _body_size(pages: list[list[Piece]]) -> float:
    """The commonest size of type, counted in characters."""
    by_size: Counter[float] = Counter()
    for page in pages:
        for p in page:
            by_size[round(p.size, 1)] += len(p.text)
    return by_size.most_common(1)[0][0]


def _small_furniture(pages: list[list[Piece]]) -> list[list[Piece]]:
    """Per page, the running header and footer lines in the outermost bands that are set in
    smaller type than the body (a browser's date, title, address and page count): taken out
    before tables are looked for, so a table at the top of a page does not take the header
    in as its first row. Running heads in body type stay where tables may claim them (a
    table's header row repeated on every page is not furniture)."""
    if not any(pages):
        return [[] for _ in pages]
    keys, small = furniture_keys(pages), FOOTNOTE_RATIO * _body_size(pages)
    return [[p for p in outer_pieces(pieces) if p.size < small and furniture_key(p.text) in keys]
            for pieces in pages]


def is_heading(para: list[Piece], body_size: float) -> bool:
    words = sum(len(line.text.split()) for line in para)
    return len(para) <= 3 and words <= 20 and para[0].size >= HEADING_RATIO * body_size


class _Flow:
    """Writes pages' blocks in order, holding back a page's last paragraph until the next page
    shows whether it goes on there, and records each page's span of the text."""

    def __init__(self, vocabulary: Vocabulary, body_size: float, levels: dict[float, int]) -> None:
        self.out = TextBuilder()
        self.vocabulary, self.body_size, self.levels = vocabulary, body_size, levels
        self.spans: dict[int, list[int]] = {}
        self.held: list[tuple[int, list[Piece]]] = []  # a paragraph's parts, page by page
        self.last_table: PageTable | None = None  # ended the page before: may go on at the top

    def page(self, number: int, furniture: list[Piece], items: list) -> None:
        items = list(items)
        if self.held and items and self._goes_on(self.held[-1][1], items[0]):
            self.held.append((number, items.pop(0)))
            self._write_held()
            joined = True
        else:
            self._write_held()
            joined = False
        top = max((t.y1 if isinstance(t, PageTable) else max(p.y1 for p in t) for t in items),
                  default=0)
        furniture = sorted(furniture, key=lambda p: -p.y1)
        for p in furniture:
            if p.y1 > top:
                self._add(number, p.text, FURNITURE)
        last = None if joined else self._last_paragraph(items)
        tail = items[last + 1:] if last is not None else []
        for k, item in enumerate(items[:last] if last is not None else items):
            self._item(number, item, first=k == 0 and not joined)
        for item in tail:  # footnotes: before the paragraph that may go on
            self._item(number, item, first=False)
        for p in furniture:
            if p.y1 <= top:
                self._add(number, p.text, FURNITURE)
        if last is not None:
            self.held = [(number, items[last])]
        if not items or not isinstance(items[-1], PageTable):
            self.last_table = None

    def build(self) -> Extracted:
        self._write_held()
        built = self.out.build()
        pages = tuple((a, b, n) for n, (a, b) in sorted(self.spans.items()))
        return Extracted(text=built.text, blocks=built.blocks, pages=pages, sections=built.sections)

    # ------------------------------------------------------------ deciding

    def _last_paragraph(self, items: list) -> int | None:
        """The index of the page's last body paragraph when it may go on over the page break
        (only footnote-sized paragraphs after it), else None."""
        for k in range(len(items) - 1, -1, -1):
            item = items[k]
            if isinstance(item, PageTable) or is_heading(item, self.body_size):
                return None
            if item[0].size < FOOTNOTE_RATIO * self.body_size:
                continue
            if _same_size(item[-1].size, self.body_size) and not _ENDED.search(item[-1].text):
                return k
            return None
        return None

    def _goes_on(self, para: list[Piece], item) -> bool:
        """Whether `item` (a page's first) continues `para` (the last page's last paragraph)."""
        if isinstance(item, PageTable) or is_heading(item, self.body_size):
            return False
        if not _same_size(item[0].size, para[-1].size):
            return False
        before, after = para[-1].text.rstrip(), item[0].text.lstrip()
        if not after or is_list_item(after):
            return False
        last_word = before.split()[-1] if before.split() else ""
        return (after[0].islower() or before[-1:] in ",-\u2010\u2013\u2014"
                or last_word in _OPEN_WORDS)

    # ------------------------------------------------------------ writing

    def _item(self, number: int, item, first: bool) -> None:
        if isinstance(item, PageTable):  # tables (pdf_tables): one block per row
            self.last_table = carry_header(self.last_table if first else None, item)
            start = len(self.out.blocks)
            add_grid(self.out, self.last_table.grid)
            for block in self.out.blocks[start:]:
                self._span(number, block.start, block.end)
            return
        text = join_lines([line.text for line in item], self.vocabulary)
        if is_heading(item, self.body_size):
            self._add(number, text, HEADING, self.levels[round(item[0].size * 2) / 2])
        else:
            self._add(number, text, LIST if is_list_item(text) else BODY)

    def _write_held(self) -> None:
        """The held paragraph, whole, its text split between the pages it is printed on."""
        if not self.held:
            return
        held, self.held = self.held, []
        lines = [line.text for _, para in held for line in para]
        text = join_lines(lines, self.vocabulary)
        block = self.out.add(text, LIST if is_list_item(text) else BODY)
        if block is None:
            return
        cuts, count = [0], 0
        for _, para in held[:-1]:
            count += len(para)
            cuts.append(_cut(join_lines(lines[:count], self.vocabulary), text))
        cuts.append(len(text))
        for (number, _), a, b in zip(held, cuts, cuts[1:]):
            self._span(number, block.start + a, block.start + b)

    def _add(self, number: int, text: str, kind: str, level: int = 0) -> None:
        block = self.out.add(text, kind, level)
        if block is not None:
            self._span(number, block.start, block.end)

    def _span(self, number: int, start: int, end: int) -> None:
        span = self.spans.setdefault(number, [start, end])
        span[0], span[1] = min(span[0], start), max(span[1], end)


def _same_size(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_SIZE * max(a, b)


def _cut(prefix: str, text: str) -> int:
    """Where the text of a paragraph's first lines (`prefix`) ends in the paragraph's `text`
    (a line-end hyphen undone there drops a character), after the space that follows."""
    n = 0
    for a, b in zip(prefix, text):
        if a != b:
            break
        n += 1
    while n < len(text) and text[n] == " ":
        n += 1
    return n
