"""Tables on a PDF page, from the same positioned pieces of text as `layout` (one per run of
characters, as PDFium reports them) and the straight lines drawn on the page. Pure geometry,
like `layout`, so every rule has a test; `page_rules` at the end is the one part that reads
PDFium.

Two kinds are found, ruled first:

- Ruled: horizontal and vertical lines that touch make a grid (at least 2 x 2 cells). Rows and
  columns lie between the lines; a line missing between two cells merges them (a cell spanning
  columns is written once, one spanning rows in each of its rows). A piece belongs to the cell
  holding its centre, so a cell's text may run over several lines (they are joined, line-end
  hyphens undone). Two rows at least, and at least half the rows that hold text, must hold it
  in two cells or more, and most cells must be closed (the merged regions at least half the
  cells): a browser's "Save as PDF" draws the boxes of a page's parts (page, header, note and
  code backgrounds), whose sides make a grid of a few large regions, one value a row.
- Whitespace-aligned (`pdf_columns`), among the pieces no grid took: lines whose cells stay
  in the same columns.

A table is written where it stands in reading order: after the last paragraph above it that
shares its horizontal extent, before the next one that starts below it (`interleave`). A table
at the top of a page, right after a table that ended the page before with as many columns,
continues it: it is given that table's header when it has none of its own (`carry_header`); a
header repeated on the new page is taken as its header and, like every header row, not written
on its own.

Why our own geometry. `python -m evals.tables_bench --compare` on its eight PDF tables (ruled,
unruled, a multi-line cell, a table across a two-column page, two-page tables with and without
the header repeated, and three laid out by reportlab's own Table: full grid, rules under the
header and at the ends only, shaded rows without lines); cells found under their column's name,
of 883, and pages per CPU-second (reading included, 2 shared cores):

    ours (pdf_tables)           883 (1.00)   58-266 (the same reader without tables: 80-339)
    camelot-py 2.0 stream       882 (0.999)  3.5-8
    pdfplumber 0.11 text        583 (0.66)   10-65
    pdfplumber 0.11 lines       413 (0.47)   the three full grids only
    camelot-py 2.0 lattice      413 (0.47)   the three full grids only

Measured generously to them: their header row is looked for among their rows (a paragraph
they took into the table is dropped), and a page without it continues the last table. The
geometry here was written against the first five of these tables; reportlab's three came after
and passed unchanged, but the comparison still flatters it. On the 53 pages of two real PDFs
on this machine (a TeX manual, a DocBook spec; no tables) it found none, and a 300-page PDF of
prose reads as fast with table finding as without (137 and 141 pages per CPU-second). camelot's
stream mode matches it at 20-40 times the CPU time, with opencv, pandas and their kin behind it
(~400 MB installed with pdfplumber); pdfplumber finds only full grids reliably. Neither earns a
dependency.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, replace
from typing import NamedTuple

from .layout import Piece, Vocabulary
from .pdf_columns import aligned_tables, cell_text
from .tables import Grid, make_grid

TOL = 2.0  # points: lines this close are one line; a line reaches this far past its ends


class Rule(NamedTuple):
    """A straight line drawn on the page, as a box (a stroke, or an edge of a filled box)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class PageTable:
    """A table found on a page: its box, its cells, and the indexes of the pieces it holds."""

    x0: float
    y0: float
    x1: float
    y1: float
    grid: Grid
    used: frozenset[int]


def find_tables(pieces: list[Piece], rules: list[Rule] = (),
                vocabulary: Vocabulary | None = None) -> list[PageTable]:
    """The tables on a page, top to bottom: ruled grids, then whitespace-aligned tables among
    the pieces no grid took."""
    vocabulary = vocabulary or Vocabulary(())
    tables = _ruled(pieces, rules, vocabulary)
    taken = {i for t in tables for i in t.used}
    rest = [i for i in range(len(pieces)) if i not in taken]
    tables += [PageTable(*box, make_grid(cells), used)
               for box, cells, used in aligned_tables(pieces, rest, vocabulary)]
    return sorted(tables, key=lambda t: -t.y1)


def without_tables(pieces: list[Piece], tables: list[PageTable]) -> list[Piece]:
    taken = {i for t in tables for i in t.used}
    return [p for i, p in enumerate(pieces) if i not in taken]


def interleave(paragraphs: list, tables: list[PageTable]) -> list:
    """Paragraphs (lists of line pieces) in reading order, with each table placed after the
    last paragraph above it that shares its horizontal extent, before the next paragraph that
    starts below it (else at the end)."""
    items = list(paragraphs)
    for table in sorted(tables, key=lambda t: -t.y1):
        text = [k for k, item in enumerate(items) if not isinstance(item, PageTable)]
        above = [k for k in text if _above(items[k], table)]
        after = above[-1] if above else -1
        at = next((k for k in text if k > after and items[k][0].y1 <= table.y0 + TOL), None)
        items.insert(len(items) if at is None else at, table)
    return items


def _above(para: list[Piece], table: PageTable) -> bool:
    """Whether the paragraph ends above the table, over some of its width."""
    return (para[-1].y0 >= table.y1 - TOL and min(p.x0 for p in para) < table.x1
            and max(p.x1 for p in para) > table.x0)


def carry_header(previous: PageTable | None, table: PageTable) -> PageTable:
    """`table` (first on its page) with the header of `previous` (last on the page before) when
    it continues it: as many columns, and no header of its own."""
    if previous is None or not previous.grid.header_rows or table.grid.header_rows:
        return table
    if previous.grid.columns != table.grid.columns:
        return table
    n = previous.grid.header_rows
    spans = {(r, c) for r, c in previous.grid.spans if r < n}
    spans |= {(r + n, c) for r, c in table.grid.spans}
    grid = Grid(previous.grid.rows[:n] + table.grid.rows, n, frozenset(spans))
    return replace(table, grid=grid)


# ---------------------------------------------------------------- ruled tables

def _ruled(pieces: list[Piece], rules: list[Rule], vocabulary: Vocabulary) -> list[PageTable]:
    across = _joined([r for r in rules if r.y1 - r.y0 <= TOL and r.x1 - r.x0 > TOL], across=True)
    down = _joined([r for r in rules if r.x1 - r.x0 <= TOL and r.y1 - r.y0 > TOL], across=False)
    tables = []
    free = set(range(len(pieces)))
    for h, v in _touching(across, down):
        table = _grid_table(pieces, free, h, v, vocabulary)
        if table is not None:
            tables.append(table)
            free -= table.used
    return tables


def _joined(rules: list[Rule], across: bool) -> list[Rule]:
    """Collinear lines that touch or overlap joined into one (a grid is often drawn a cell side
    at a time), so a grid has one line per row and column boundary."""
    def key(r: Rule):
        return ((r.y0 + r.y1) / 2, r.x0) if across else ((r.x0 + r.x1) / 2, r.y0)

    out: list[Rule] = []
    for r in sorted(rules, key=key):
        if out:
            last = out[-1]
            (at, start), (last_at, _) = key(r), key(last)
            end = last.x1 if across else last.y1
            if abs(at - last_at) <= TOL / 2 and start <= end + TOL:
                out[-1] = Rule(min(last.x0, r.x0), min(last.y0, r.y0), max(last.x1, r.x1), max(last.y1, r.y1))
                continue
        out.append(r)
    return out


def _touching(across: list[Rule], down: list[Rule]) -> list[tuple[list[Rule], list[Rule]]]:
    """Groups of horizontal and vertical lines that touch one another (one group per grid)."""
    parent = list(range(len(across) + len(down)))
    root = functools.partial(_root, parent)
    for i, h in enumerate(across):
        y = (h.y0 + h.y1) / 2
        for j, v in enumerate(down):
            x = (v.x0 + v.x1) / 2
            if h.x0 - TOL <= x <= h.x1 + TOL and v.y0 - TOL <= y <= v.y1 + TOL:
                parent[root(i)] = root(len(across) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(across):
        groups.setdefault(root(i), ([], []))[0].append(h)
    for j, v in enumerate(down):
        groups.setdefault(root(len(across) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if g[0] and g[1]]


def _root(parent: list[int], i: int) -> int:
    """Union-find: the representative of i's group (halving the path on the way)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _positions(values: list[float]) -> list[float]:
    """Distinct positions, values within TOL of each other taken as one (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= TOL:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _grid_table(pieces, free: set[int], across: list[Rule], down: list[Rule],
                vocabulary: Vocabulary) -> PageTable | None:
    ys = _positions([(r.y0 + r.y1) / 2 for r in across])[::-1]  # top to bottom
    xs = _positions([(r.x0 + r.x1) / 2 for r in down])
    if len(ys) < 3 or len(xs) < 3:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    region = _regions(rows, cols, ys, xs, across, down)
    down_ys = [-y for y in ys]  # ascending, for bisect
    held: dict[int, list[int]] = {}
    for i in sorted(free):
        p = pieces[i]
        cx, cy = (p.x0 + p.x1) / 2, (p.y0 + p.y1) / 2
        if not (xs[0] - TOL <= cx <= xs[-1] + TOL and ys[-1] - TOL <= cy <= ys[0] + TOL):
            continue
        c = min(bisect.bisect_left(xs, cx, 1, cols) - 1, cols - 1)
        r = min(bisect.bisect_left(down_ys, -cy, 1, rows) - 1, rows - 1)
        held.setdefault(region[r * cols + c], []).append(i)
    texts = {k: cell_text([pieces[i] for i in v], vocabulary) for k, v in held.items()}
    cells = [[texts.get(region[r * cols + c], "") for c in range(cols)] for r in range(rows)]
    spans = {(r, c) for r in range(rows) for c in range(1, cols)
             if region[r * cols + c] == region[r * cols + c - 1]}
    keep = [r for r in range(rows) if any(cells[r])]
    split = sum(len({region[r * cols + c] for c in range(cols) if cells[r][c]}) >= 2 for r in keep)
    if split < 2 or split < len(keep) / 2 or len(set(region)) < rows * cols / 2:
        return None  # boxes drawn around a page's parts, not a table (module docstring)
    renumber = {r: k for k, r in enumerate(keep)}
    grid = make_grid([cells[r] for r in keep],
                     spans={(renumber[r], c) for r, c in spans if r in renumber})
    used = frozenset(i for v in held.values() for i in v)
    return PageTable(xs[0], ys[-1], xs[-1], ys[0], grid, used)


def _regions(rows: int, cols: int, ys, xs, across: list[Rule], down: list[Rule]) -> list[int]:
    """For each cell (row-major), the id of the merged region it belongs to: neighbouring cells
    with no line drawn between them are one region."""
    parent = list(range(rows * cols))
    root = functools.partial(_root, parent)
    at_x = {c: [(v.y0, v.y1) for v in down if abs((v.x0 + v.x1) / 2 - xs[c]) <= TOL]
            for c in range(1, cols)}
    at_y = {r: [(h.x0, h.x1) for h in across if abs((h.y0 + h.y1) / 2 - ys[r]) <= TOL]
            for r in range(1, rows)}
    for r in range(rows):
        mid_y = (ys[r] + ys[r + 1]) / 2
        for c in range(cols):
            mid_x = (xs[c] + xs[c + 1]) / 2
            if c and not any(a <= mid_y <= b for a, b in at_x[c]):
                parent[root(r * cols + c)] = root(r * cols + c - 1)
            if r and not any(a <= mid_x <= b for a, b in at_y[r]):
                parent[root(r * cols + c)] = root((r - 1) * cols + c)
    return [root(i) for i in range(rows * cols)]


# ---------------------------------------------------------------- PDFium

def page_rules(page) -> list[Rule]:
    """The horizontal and vertical straight lines among a pypdfium2 page's path objects (page
    level; line segments and the sides of rectangles, in page coordinates). PDFium's raw calls:
    pypdfium2's object wrappers cost more than the lines' geometry."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    rules: list[Rule] = []
    box = [ctypes.c_float() for _ in range(4)]
    for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, k)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in box)):
            continue
        x0, y0, x1, y1 = (v.value for v in box)
        if (x1 - x0 <= TOL) != (y1 - y0 <= TOL):  # a line (or a thin box): its bounds will do
            rules.append(Rule(x0, y0, x1, y1))
        elif x1 - x0 > TOL:
            _path_rules(obj, rules)
    return rules


def _path_rules(obj, rules: list[Rule]) -> None:
    """The straight horizontal and vertical segments of one path object (rectangle sides)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float]] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not points:
            points = [point]
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO:
            _add_rule(rules, points[-1], point)
        points.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            _add_rule(rules, point, points[0])


def _add_rule(rules: list[Rule], a: tuple[float, float], b: tuple[float, float]) -> None:
    (x0, x1), (y0, y1) = sorted((a[0], b[0])), sorted((a[1], b[1]))
    if (y1 - y0 <= TOL) != (x1 - x0 <= TOL):  # horizontal or vertical, not a dot
        rules.append(Rule(x0, y0, x1, y1))
