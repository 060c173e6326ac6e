"""Tables set in columns by white space alone, on a PDF page: the half of `pdf_tables` that
needs no lines drawn. Pure geometry over `layout`'s pieces.

Consecutive lines whose pieces, cut into cells at gaps wider than CELL_GAP font sizes, stay in
the same columns (no cell reaches across a blank strip between two columns) are a table when
at least MIN_ROWS of them have two cells or more, one column holds short cells (SHORT_WORDS
words on average: names, figures) and no column is made of bullets (a list). Lines of running
text (every cell PROSE_WORDS words or more: two columns of a page side by side) end a table and
never start one, nor does the line right under one. Rows: a line with text in the first column
starts a row; a line without (a cell's second line) joins the nearer row above or below it, so
a cell set in two lines beside a value centred on them stays one row.
"""

from __future__ import annotations

from statistics import median
from typing import NamedTuple

from .layout import Piece, Vocabulary, is_list_item, join_lines, merge_line

CELL_GAP = 0.8  # font sizes of blank between two cells of a line (a word space is ~0.3)
ROW_GAP = 3.0  # font sizes of blank that end a whitespace-aligned table
JOIN_GAP = 0.8  # font sizes: a line this close to the row above or below may belong to it
MIN_ROWS = 3  # lines with two cells or more that a whitespace-aligned table needs
PROSE_WORDS = 5  # a line whose every cell has this many words is running text
SHORT_WORDS = 2.5  # a table has a column of cells this short on average (layout.COLUMN_WORDS)

# A table found: its box (x0, y0, x1, y1), its rows of cell texts, the indexes of its pieces.
Found = tuple[tuple[float, float, float, float], list[list[str]], frozenset[int]]


class _Chunk(NamedTuple):
    x0: float
    x1: float
    y0: float
    y1: float
    ids: tuple[int, ...]
    words: int


def aligned_tables(pieces: list[Piece], ids: list[int], vocabulary: Vocabulary) -> list[Found]:
    """The whitespace-aligned tables among pieces[ids], top to bottom."""
    if not ids:
        return []
    size = median(pieces[i].size for i in ids)
    lines = _chunked_lines(pieces, ids, size)
    tables, at = [], 0
    while at < len(lines):
        run = _run(lines, at, size)
        table = _aligned_table(pieces, run, size, vocabulary) if run else None
        if table is None:
            at += 1
            continue
        tables.append(table)
        at += len(run)
    return tables


def _chunked_lines(pieces: list[Piece], ids: list[int], size: float) -> list[list[_Chunk]]:
    """The pieces as lines top to bottom, each cut into chunks at gaps wider than CELL_GAP."""
    lines: list[list[int]] = []
    low = 0.0
    for i in sorted(ids, key=lambda i: -(pieces[i].y0 + pieces[i].y1) / 2):
        p = pieces[i]
        if lines and low <= (p.y0 + p.y1) / 2:
            lines[-1].append(i)
            low = min(low, p.y0)
        else:
            lines.append([i])
            low = p.y0
    out = []
    for line in lines:
        groups: list[list[int]] = []
        for i in sorted(line, key=lambda i: pieces[i].x0):
            if groups and pieces[i].x0 - max(pieces[j].x1 for j in groups[-1]) < CELL_GAP * size:
                groups[-1].append(i)
            else:
                groups.append([i])
        out.append([_Chunk(min(pieces[j].x0 for j in g), max(pieces[j].x1 for j in g),
                           min(pieces[j].y0 for j in g), max(pieces[j].y1 for j in g), tuple(g),
                           sum(len(pieces[j].text.split()) for j in g)) for g in groups])
    return out


def _is_prose(line: list[_Chunk]) -> bool:
    return all(c.words >= PROSE_WORDS for c in line)


def _run(lines: list[list[_Chunk]], at: int, size: float) -> list[list[_Chunk]]:
    """The longest run of lines from `at` whose chunks stay in their columns; [] when line
    `at` cannot start a table."""
    first = lines[at]
    if len(first) < 2 or _is_prose(first):
        return []
    columns = [[c.x0, c.x1] for c in first]
    if at and _is_prose(lines[at - 1]) and _fits(lines[at - 1], [list(c) for c in columns]):
        gap = min(c.y0 for c in lines[at - 1]) - max(c.y1 for c in first)
        if gap <= JOIN_GAP * size:
            return []  # the last lines of paragraphs set side by side
    run = [first]
    for line in lines[at + 1:]:
        gap = min(c.y0 for c in run[-1]) - max(c.y1 for c in line)
        if gap > ROW_GAP * size or _is_prose(line) or not _fits(line, columns):
            break
        run.append(line)
    while len(run) > 1 and len(run[-1]) == 1:  # a short line after the table, or a cell's end
        gap = min(c.y0 for c in run[-2]) - max(c.y1 for c in run[-1])
        if gap <= JOIN_GAP * size:
            break
        run.pop()
    return run


def _fits(line: list[_Chunk], columns: list[list[float]]) -> bool:
    """Whether every chunk lies in one column (a line of one chunk: in an existing column);
    widens the columns to take the line when it fits."""
    placed = []
    for c in line:
        hit = [k for k, (x0, x1) in enumerate(columns) if c.x0 < x1 and c.x1 > x0]
        if len(hit) > 1 or (not hit and len(line) == 1):
            return False
        placed.append((hit[0] if hit else None, c))
    trial = [list(col) for col in columns]
    for k, c in placed:
        if k is None:
            trial.append([c.x0, c.x1])
        else:
            trial[k] = [min(trial[k][0], c.x0), max(trial[k][1], c.x1)]
    trial.sort()
    if any(a[1] > b[0] for a, b in zip(trial, trial[1:])):
        return False
    columns[:] = trial
    return True


def _aligned_table(pieces, run: list[list[_Chunk]], size: float,
                   vocabulary: Vocabulary) -> Found | None:
    if sum(1 for line in run if len(line) >= 2) < MIN_ROWS:
        return None
    columns = _union([(c.x0, c.x1) for line in run for c in line])
    if len(columns) < 2:
        return None
    placed = [[(_column_of(c, columns), c) for c in line] for line in run]
    by_column: list[list[_Chunk]] = [[] for _ in columns]
    for line in placed:
        for k, c in line:
            by_column[k].append(c)
    if not any(col and sum(c.words for c in col) <= SHORT_WORDS * len(col) for col in by_column):
        return None  # no column of short cells (names, figures): columns of a page, not a table
    if all(is_list_item(pieces[c.ids[0]].text + " ") for c in by_column[0]):
        return None  # bullets or item numbers and their text: a list
    cells = []
    for row in _rows(placed, size):
        held: list[list[Piece]] = [[] for _ in columns]
        for k, c in row:
            held[k].extend(pieces[i] for i in c.ids)
        cells.append([cell_text(p, vocabulary) for p in held])
    used = frozenset(i for line in run for c in line for i in c.ids)
    chunks = [c for line in run for c in line]
    box = (min(c.x0 for c in chunks), min(c.y0 for c in chunks), max(c.x1 for c in chunks),
           max(c.y1 for c in chunks))
    return box, cells, used


def _union(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if out and x0 < out[-1][1]:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def _column_of(chunk: _Chunk, columns: list[tuple[float, float]]) -> int:
    return next(k for k, (x0, x1) in enumerate(columns)
                if chunk.x0 >= x0 - 0.01 and chunk.x1 <= x1 + 0.01)


def _rows(run: list[list[tuple[int, _Chunk]]], size: float) -> list[list[tuple[int, _Chunk]]]:
    """The run's lines grouped into rows (module docstring): a line with a first-column cell
    starts one, unless it is only that cell set close under the line above (a wrapped first
    cell); a line without one joins the nearer neighbouring line's row."""
    def gap(a: int, b: int) -> float:  # blank between line a and the line b below it
        return min(c.y0 for _, c in run[a]) - max(c.y1 for _, c in run[b])

    keyed = [any(k == 0 for k, _ in line) for line in run]
    owner = list(range(len(run)))
    for j in range(1, len(run)):
        above = gap(j - 1, j)
        below = gap(j, j + 1) if j + 1 < len(run) else float("inf")
        if keyed[j]:
            if len(run[j]) == 1 and above <= JOIN_GAP * size:
                owner[j] = owner[j - 1]
        elif min(above, below) <= JOIN_GAP * size or len(run[j]) == 1:
            owner[j] = owner[j + 1] if below < above and keyed[j + 1] else owner[j - 1]
    rows: dict[int, list[tuple[int, _Chunk]]] = {}
    for j, line in enumerate(run):
        rows.setdefault(owner[j], []).extend(line)
    return [rows[k] for k in sorted(rows)]


def cell_text(pieces: list[Piece], vocabulary: Vocabulary) -> str:
    """A cell's pieces as text: lines top to bottom, each left to right, joined."""
    lines: list[list[Piece]] = []
    for p in sorted(pieces, key=lambda p: -(p.y0 + p.y1) / 2):
        if lines and min(q.y0 for q in lines[-1]) <= (p.y0 + p.y1) / 2:
            lines[-1].append(p)
        else:
            lines.append([p])
    texts = [merge_line(sorted(line, key=lambda p: p.x0)).text for line in lines]
    return join_lines(texts, vocabulary) if texts else ""
