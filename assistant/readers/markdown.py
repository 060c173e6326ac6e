"""Markdown (.md): the file's own text, verbatim (markup included), with its structure from
markdown-it-py's block tokens and their source line maps. ATX and setext headings are heading
blocks with their level and nested section paths; list items are "list" blocks, table rows
"table" blocks, paragraphs, quotes and code "body". A YAML front matter block, thematic breaks,
link reference definitions and a table's delimiter row are "furniture". The title is the front
matter's `title`, else the first level-1 heading; a file whose headings are all of lower levels
has none ("", so the corpus takes none of its sections for one). An FAQ question, a short
paragraph of its own ending with "?" with an answer after it, is a heading one level below
the heading it is under (`base.question_text`).

markdown-it-py (MIT) is CommonMark-compliant, reports line maps, and was already installed
(through rich); it is now a direct dependency."""

from __future__ import annotations

import re

from .base import (BODY, FURNITURE, HEADING, LIST, SECTION_SEP, TABLE, Block, Extracted, Sections,
                   answer_follows, answer_line_start, iso_date, meta_text, question_text)
from .text import decode_text, line_blocks

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_FRONT_FIELD = re.compile(r"^(title|date|author)\s*:\s*(.+?)\s*$", re.M | re.I)


def read(raw: bytes, name: str) -> Extracted:
    text, encoding = decode_text(raw)
    meta, body_start = _front_matter(text)
    blocks = [Block(0, _rstrip_end(text, body_start), FURNITURE)] if body_start else []
    sections = Sections()
    title = meta.get("title")
    for block, heading in _questions(text, list(_parse(text, body_start))):
        blocks.append(block)
        if heading is not None:
            sections.enter(block.level, heading, block.start)
            if title is None and block.level == 1 and not question_text(heading):
                title = heading
    if title is None and any(b.kind == HEADING for b in blocks):
        title = ""  # headings, none of them the document's: it has no title (not its first section)
    blocks = _fill_gaps(text, blocks)
    items = _with_table_headers(text, blocks, sections.items)
    return Extracted(text=text, blocks=tuple(blocks), sections=tuple(items),
                     title=meta_text(title) if title else title, date=iso_date(meta.get("date")),
                     author=meta_text(meta.get("author")), format="markdown", encoding=encoding)


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    """The simple `key: value` fields of a leading YAML block, and where the Markdown starts."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, 0
    fields = {k.lower(): v.strip("\"'") for k, v in _FRONT_FIELD.findall(m.group(1))}
    return fields, m.end()


def _parse(text: str, offset: int):
    """(Block, heading text or None) for each leaf block of the Markdown after `offset`."""
    from markdown_it import MarkdownIt

    source = text[offset:]
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    in_list = in_quote = 0
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
        elif tok.type in ("blockquote_open", "blockquote_close"):
            in_quote += 1 if tok.type == "blockquote_open" else -1
        kind = _KIND.get(tok.type)
        if kind is None or tok.map is None:
            continue
        if kind == BODY and in_list:
            kind = LIST
        start, end = _span(source, line_starts, tok.map)
        if end <= start:
            continue
        if kind == HEADING:
            level = int(tok.tag[1])
            yield Block(offset + start, offset + end, HEADING, level), _plain(tokens[i + 1])
        elif tok.type == "paragraph_open" and not in_list and not in_quote:
            yield Block(offset + start, offset + end, kind), _PARAGRAPH
        else:
            yield Block(offset + start, offset + end, kind), None


_PARAGRAPH = object()  # _parse's mark of a paragraph of its own: _questions decides whether it heads


def _questions(text: str, parsed: list[tuple[Block, str | None]]):
    """The parsed blocks, with an FAQ question (a paragraph of its own that is a short question,
    "**Can I pay by card?**", followed by a block that is not one) made a heading one level
    below the heading it is under. Paragraphs that stay body have no heading text."""
    level = 0
    for i, (block, heading) in enumerate(parsed):
        if heading is _PARAGRAPH and (at := answer_line_start(text[block.start:block.end])):
            q_end = block.start + len(text[block.start:block.start + at].rstrip())
            yield Block(block.start, q_end, HEADING, min(level + 1, 6)), question_text(text[block.start:q_end])
            yield Block(block.start + at, block.end, BODY), None
            continue
        if heading is _PARAGRAPH:
            question = question_text(text[block.start:block.end])
            after = parsed[i + 1][0] if i + 1 < len(parsed) else None
            following = text[after.start:after.end] if after is not None else None
            if answer_follows(question is not None, following):
                yield Block(block.start, block.end, HEADING, min(level + 1, 6)), question
            else:
                yield block, None
            continue
        if heading is not None:
            level = block.level
        yield block, heading


_KIND = {"heading_open": HEADING, "paragraph_open": BODY, "fence": BODY, "code_block": BODY,
         "html_block": BODY, "tr_open": TABLE}


def _plain(inline) -> str:
    """A heading's words without their markup ("**Weekend** `hours`" -> "Weekend hours")."""
    parts = [c.content if c.type in ("text", "code_inline", "html_inline") else " "
             for c in inline.children or () if c.type in ("text", "code_inline", "softbreak")]
    return "".join(parts) or inline.content


def _span(source: str, line_starts: list[int], line_map) -> tuple[int, int]:
    """Character offsets of source lines [first, last), surrounding whitespace left out."""
    first, last = line_map
    start = line_starts[first] if first < len(line_starts) else len(source)
    end = line_starts[last] if last < len(line_starts) else len(source)
    chunk = source[start:end]
    return start + len(chunk) - len(chunk.lstrip()), start + len(chunk.rstrip())


def _fill_gaps(text: str, blocks: list[Block]) -> list[Block]:
    """Blocks in order, with every non-blank line no token claimed (thematic breaks, link
    definitions, a table's delimiter row) added as furniture, so the blocks cover the text."""
    blocks = sorted(blocks, key=lambda b: b.start)
    out: list[Block] = []
    at = 0
    for block in blocks:
        if block.start < at:  # a token nested in one already taken (never expected)
            continue
        out.extend(Block(b.start, b.end, FURNITURE) for b in line_blocks(text, at, block.start))
        out.append(block)
        at = block.end
    out.extend(Block(b.start, b.end, FURNITURE) for b in line_blocks(text, at))
    return out


def _rstrip_end(text: str, end: int) -> int:
    return len(text[:end].rstrip())


# ---------------------------------------------------------------- table rows

_DELIMITER_ROW = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_PIPE = re.compile(r"(?<!\\)\|")
_MARKUP = re.compile(r"[*_`]+")


def _with_table_headers(text: str, blocks: list[Block], items: list[tuple[int, str]]):
    """The heading paths, plus, for each table, its header line as the section of its data
    rows (from the first row's start to the last row's end)."""
    extra: list[tuple[int, str]] = []
    i = 0
    while i + 2 < len(blocks):
        head, rule = blocks[i], blocks[i + 1]
        if not (head.kind == TABLE and rule.kind == FURNITURE
                and _DELIMITER_ROW.match(text[rule.start:rule.end])):
            i += 1
            continue
        j = i + 2
        while j < len(blocks) and blocks[j].kind == TABLE:
            j += 1
        if j > i + 2:
            before = _path_at(items, head.start)
            header = " | ".join(_header_cells(text[head.start:head.end]))
            extra.append((blocks[i + 2].start, f"{before}{SECTION_SEP}{header}" if before else header))
            extra.append((blocks[j - 1].end, before))
        i = j
    return sorted(items + extra, key=lambda item: item[0]) if extra else items


def _header_cells(line: str) -> list[str]:
    """A pipe table's header line as cell names, markup and escapes left out."""
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    cells = (" ".join(_MARKUP.sub("", c).replace("\\|", "|").split()) for c in _PIPE.split(line))
    return [c for c in cells if c]


def _path_at(items: list[tuple[int, str]], offset: int) -> str:
    path = ""
    for start, value in items:
        if start > offset:
            break
        path = value
    return path
