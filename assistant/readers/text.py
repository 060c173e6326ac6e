"""Plain text (.txt): the decoded file, untouched: blocks and headings are offsets into the
file's own text, never a re-made copy. Each paragraph is a "body" block, with hard-wrapped
lines joined (`language.sentences.paragraphs`); the corpus classifies them (headline, byline,
furniture, comments) afterwards. The reader adds the structure the layout itself shows:

- an underlined heading ("XZ Utils" over a line of "=", "-" or "~") is a heading block, of
  level 1, 2 or 3 in the order the underline characters first appear;
- an FAQ question, a short paragraph of its own ending with "?" ("Q: Can xz open .7z
  archives?") followed by a paragraph that is not a question, is a heading block one level
  below the heading it is under, so its answer is located by its question (`base.question_text`);
  a question inside a paragraph of prose, or one with no answer after it, stays body text; a
  "Q: …?" line with its "A: …" on the very next line is set apart from it the same way;
- the title is the first heading, else the first line of the opening paragraph when it stands
  as a title (short, no stop at its end); none ("") when the file opens with a copyright line
  or an address; else undecided (None), and the corpus looks for a headline."""

from __future__ import annotations

import re

from .base import (BODY, HEADING, Block, Extracted, ReadError, Sections, answer_follows,
                   answer_line_start, question_text)
from .encoding import decode


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding) with the corpus's own rules (UTF-8, else Windows-1252; binary files
    refused), or ReadError with its reason."""
    text, encoding, problem = decode(raw)
    if problem:
        raise ReadError(problem)
    if not text.strip():
        raise ReadError("empty file; skipped")
    return text, encoding


def line_blocks(text: str, start: int = 0, end: int | None = None) -> list[Block]:
    """A body block per non-blank line of text[start:end], surrounding spaces left out."""
    blocks = []
    for m in re.finditer(r"[^\n]+", text[start:end] if end is not None else text[start:]):
        line = m.group(0)
        if line.strip():
            a = start + m.start() + (len(line) - len(line.lstrip()))
            blocks.append(Block(a, start + m.start() + len(line.rstrip()), BODY))
    return blocks


def read(raw: bytes, name: str) -> Extracted:
    text, encoding = decode_text(raw)
    from ..language.sentences import paragraphs

    blocks, sections, title = structure(text, paragraphs(text))
    return Extracted(text=text, blocks=tuple(blocks), sections=tuple(sections), title=title,
                     format="text", encoding=encoding)


_UNDERLINE = re.compile(r"^[ \t]*([=\-~])\1{2,}[ \t]*$")


def structure(text: str, paras: list[tuple[int, int]]):
    """(blocks, heading paths, title) of plain text from its paragraphs' offsets."""
    paras = _split_answers(text, _join_underlines(text, paras))
    blocks: list[Block] = []
    sections = Sections()
    marks: list[str] = []  # underline characters, in the order met: their heading levels
    level = 0  # of the heading in force
    for i, (a, b) in enumerate(paras):
        lines = text[a:b].split("\n")
        mark = _underline(lines)
        if mark:
            if mark not in marks:
                marks.append(mark)
            level = min(marks.index(mark) + 1, 6)
            blocks.append(Block(a, b, HEADING, level))
            sections.enter(level, lines[0], a)
            continue
        following = text[paras[i + 1][0]:paras[i + 1][1]] if i + 1 < len(paras) else None
        question = question_text(text[a:b])
        if answer_follows(question is not None, following):
            blocks.append(Block(a, b, HEADING, min(level + 1, 6)))
            sections.enter(level + 1, question, a)
        else:
            blocks.append(Block(a, b, BODY))
    return blocks, sections.items, _title(text, blocks)


def _split_answers(text: str, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Paragraphs, with a "Q: …?" line and the "A: …" lines under it set apart."""
    out: list[tuple[int, int]] = []
    for a, b in paras:
        at = answer_line_start(text[a:b])
        if at is None:
            out.append((a, b))
        else:
            q = text[a:a + at].rstrip()
            out += [(a, a + len(q)), (a + at, b)]
    return out


def _underline(lines: list[str]) -> str | None:
    """The underline character of a two-line paragraph that is a title over its underline."""
    if len(lines) != 2 or not lines[0].strip() or not _UNDERLINE.match(lines[1]):
        return None
    if abs(len(lines[1].strip()) - len(lines[0].strip())) > max(3, len(lines[0].strip()) // 4):
        return None
    return lines[1].strip()[0]


def _join_underlines(text: str, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Paragraphs, with an underline the paragraph finder set apart joined to its one line."""
    out: list[tuple[int, int]] = []
    for a, b in paras:
        if (out and _UNDERLINE.match(text[a:b]) and "\n" not in text[out[-1][0]:out[-1][1]]
                and text[out[-1][1]:a].count("\n") == 1):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


_NEVER_TITLE = re.compile(r"(?i)^(?:copyright\b|\(c\)|©)|://|www\.")  # a copyright line, an address
_SENTENCE_END = re.compile(r"[.,;:]$")


def _title(text: str, blocks: list[Block]) -> str | None:
    """The first heading's line, else the opening paragraph's first line if it reads as a
    title; "" when the file opens with what is never one (a copyright line, an address), so
    the corpus does not take it for a headline; None: undecided."""
    if not blocks:
        return None
    first = blocks[0]
    line = text[first.start:first.end].split("\n")[0].strip()
    if first.kind == HEADING:  # an underlined heading; an FAQ's first question is no title
        return line if _underline(text[first.start:first.end].split("\n")) else ""
    if first.kind == BODY and _NEVER_TITLE.search(line):
        return ""  # a copyright line or an address opens the file: it has no title
    if first.kind != BODY or not 1 <= len(line.split()) <= 10 or _SENTENCE_END.search(line):
        return None
    lines = [x.strip() for x in text[first.start:first.end].split("\n")]
    if len(lines) < 2 or len(line) > 0.6 * max(len(x) for x in lines):
        return None  # one line, or a wrapped paragraph's first: the corpus finds a headline
    return line
