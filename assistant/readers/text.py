"""Plain text (.txt): the decoded file, untouched. Each paragraph is a "body" block, with
hard-wrapped lines joined (`language.sentences.paragraphs`); the corpus classifies them
(headline, byline, furniture, comments) afterwards, so this reader adds nothing of its own."""

from __future__ import annotations

import re

from .base import BODY, Block, Extracted, ReadError


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding) with the corpus's own rules (UTF-8, else Windows-1252; binary files
    refused), or ReadError with its reason. Imported here, on use: the corpus imports readers."""
    from ..corpus import decode

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

    blocks = tuple(Block(a, b, BODY) for a, b in paragraphs(text))
    return Extracted(text=text, blocks=blocks, format="text", encoding=encoding)
