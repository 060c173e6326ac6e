"""Tables as text that keeps its header: every reader that re-makes its text (PDF, Word, HTML)
turns a table into a `Grid` and writes each data row as one "table" block, each value named by
its column's header:

    Year | Revenue (£m) | Staff                 Year: 2022 | Revenue (£m): 16.1 | Staff: 198
    2022 | 16.1         | 198           ->      Year: 2023 | Revenue (£m): 18.4 | Staff: 214
    2023 | 18.4         | 214

Why this layout. A question about one cell ("What was the revenue in 2023?") is answered from
one sentence, and only a row that names its columns can be that sentence: the row alone is
retrieved (its words include "Revenue" and "2023"), quoted verbatim with its header, and read
on a citation card without the table around it. "The header row, then each row" reads more
like the page but leaves every row but the first a list of bare numbers, which neither the
embedder, nor BM25, nor a person looking at one quote can tie to a column. The header row is
therefore not written on its own (each row already carries it); a table whose only row is its
header is written as that row. A row is one line, its cells joined by " | " and its values by
": " to their names, so the sentence splitter (which never splits before "|" and always splits
at a line break) keeps a row one sentence; a cell's own line breaks become spaces.

Empty cells are left out of their row (nothing to name); a row with fewer cells than the header
names what it has (a ragged row); cells beyond the header, or under an empty header cell, are
written bare. A cell that spans columns is written once, under the first column's name (or the
names of all its columns when they differ). Header rows that name columns in two levels
("Revenue" over "2022" and "2023") give names joined by " › ": "Revenue › 2023: 18.4".

Which rows are the header. A reader that knows (Word's "repeat as header row", HTML's <th>)
says how many; otherwise the first row is the header when it looks like one: at least two rows,
at least half its cells filled, and no cell in it a number other than a year (a table of
figures without a header row keeps its rows as "cell | cell"). A two-level header is taken when
the first row's cells span columns and the row below is made of names too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .base import TABLE, TextBuilder, clean_inline

CELL_SEP = " | "
NAME_SEP = ": "
LEVEL_SEP = " › "
_NUMBER = re.compile(r"^[-+−(]?[£$€¥]?\s?\d[\d,.\s]*(?:%|[kmb]n?|bn)?\)?$", re.I)
_YEAR = re.compile(r"^(?:1[89]|20|21)\d\d(?:[-–/]\d{2,4})?$")
MAX_NAME_WORDS = 12  # a "header" cell longer than this is data


@dataclass(frozen=True)
class Grid:
    """A table as rows of cell texts, every row as wide as the widest (short rows padded with
    ""), with its first `header_rows` rows naming the columns.

    spans: (row, column) positions that continue the cell to their left (a cell spanning
    columns): they hold the same text and are written once."""

    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 0
    spans: frozenset[tuple[int, int]] = frozenset()

    @property
    def columns(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def make_grid(rows: list[list[str]], header_rows: int | None = None,
              spans: set[tuple[int, int]] | frozenset = frozenset()) -> Grid:
    """A Grid from ragged rows of raw cell text (cleaned here). `header_rows` None: guess."""
    cleaned = [[clean_inline(c or "") for c in row] for row in rows]
    width = max((len(r) for r in cleaned), default=0)
    padded = tuple(tuple(r + [""] * (width - len(r))) for r in cleaned)
    if header_rows is None:
        header_rows = guess_header_rows(padded, frozenset(spans))
    return Grid(padded, min(header_rows, len(padded)), frozenset(spans))


def guess_header_rows(rows: tuple[tuple[str, ...], ...], spans: frozenset = frozenset()) -> int:
    """0, 1 or 2 leading rows that name the columns, for a table nobody marked (module doc)."""
    if len(rows) < 2 or not looks_like_names(rows[0]):
        return 0
    return 2 if len(rows) >= 3 and is_subheader(rows[1], {c for r, c in spans if r == 0}) else 1


def is_subheader(cells: tuple[str, ...] | list[str], spanned: set[int]) -> bool:
    """Whether `cells`, under a header row whose cells span the columns in `spanned` (each
    continuing the cell to its left), names those columns: a second header row. It must have
    text under every column of each spanning cell, and names only (no figures)."""
    if not spanned:
        return False
    under = spanned | {c - 1 for c in spanned}
    filled = [c for c in cells if c]
    return (all(cells[c] for c in under if c < len(cells))
            and all(not is_figure(c) and len(c.split()) <= MAX_NAME_WORDS for c in filled))


def looks_like_names(cells: tuple[str, ...] | list[str]) -> bool:
    """Whether a row reads as column names: half or more filled, no figures but years."""
    filled = [c for c in cells if c]
    if not filled or 2 * len(filled) < len(cells):
        return False
    return all(not is_figure(c) and len(c.split()) <= MAX_NAME_WORDS for c in filled)


def is_figure(cell: str) -> bool:
    """A number, amount or percentage that is not a year ("18.4", "£2.50", "12%", "1,200")."""
    cell = cell.strip()
    return bool(_NUMBER.match(cell)) and not _YEAR.match(cell)


def column_names(grid: Grid) -> list[str]:
    """Each column's name: its header cells top to bottom, repeats and blanks dropped, joined
    by LEVEL_SEP ("Revenue › 2023")."""
    names = []
    for col in range(grid.columns):
        parts: list[str] = []
        for r in range(grid.header_rows):
            cell = grid.rows[r][col].rstrip(":").strip()
            if cell and cell not in parts:
                parts.append(cell)
        names.append(LEVEL_SEP.join(parts))
    return names


def row_text(grid: Grid, index: int, names: list[str] | None = None) -> str:
    """Row `index` as one line: "Name: value | Name: value", or "value | value" without a
    header; "" when the row is empty."""
    names = column_names(grid) if names is None else names
    row = grid.rows[index]
    parts: list[str] = []
    col = 0
    while col < len(row):
        end = col + 1
        while end < len(row) and (index, end) in grid.spans:
            end += 1
        value = row[col]
        if value:
            label = _label(names[col:end]) if grid.header_rows and index >= grid.header_rows else ""
            parts.append(f"{label}{NAME_SEP}{value}" if label else value)
        col = end
    return CELL_SEP.join(parts)


def _label(names: list[str]) -> str:
    distinct = [n for i, n in enumerate(names) if n and n not in names[:i]]
    return " / ".join(distinct)


def row_texts(grid: Grid) -> Iterator[tuple[int, str]]:
    """(row index, text) for every row to write: the data rows (each with its header), or the
    header rows themselves when the table has no other rows. Empty rows are skipped."""
    names = column_names(grid)
    data = range(grid.header_rows, len(grid.rows))
    if not data:
        data = range(len(grid.rows))
        grid = Grid(grid.rows, 0, grid.spans)
    for i in data:
        text = row_text(grid, i, names)
        if text:
            yield i, text


def add_grid(out: TextBuilder, grid: Grid) -> int:
    """Write `grid` into `out` as table blocks (one per row); the number of blocks written."""
    written = 0
    for _, text in row_texts(grid):
        if out.add(text, TABLE) is not None:
            written += 1
    return written
