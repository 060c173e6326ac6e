"""What the command line shows a person at a terminal: indexing progress, file names made safe
for one line, and an answer as checked, with its notes and citations."""

from __future__ import annotations

import sys
from typing import Iterator

from .types import Answer


class ProgressBar:
    """Indexing progress on stderr (chunks done of total, files done, rate, ETA) for a person
    watching a terminal, after a line for the pages being OCR'd; silent when stderr is a pipe
    or a file, so logs stay clean. Called with a `SyncProgress` from the index's writer
    thread (OCR's from the reading one)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._bar = None
        self._reading = False

    def __call__(self, p) -> None:
        if self.enabled and p.reading:
            print(f"\rreading {p.reading}\033[K", end="", file=sys.stderr, flush=True)
            self._reading = True
        if not self.enabled or not p.files_total:
            return
        self._end_reading()
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=p.chunks_total, unit="chunk", desc="indexing",
                             file=sys.stderr, dynamic_ncols=True)
        self._bar.update(p.chunks_done - self._bar.n)
        self._bar.set_postfix_str(f"{p.files_done}/{p.files_total} files", refresh=True)

    def close(self) -> None:
        self._end_reading()
        if self._bar is not None:
            self._bar.close()

    def _end_reading(self) -> None:
        if self._reading:
            print(file=sys.stderr)
            self._reading = False


def printable(name: str) -> str:
    """A file name for one line of a terminal: a line break, tab, escape or other character
    that is not printed as itself is written as its escape ("two\\nlines.txt"), so a name
    cannot break a table or send the terminal a command; other letters stay as they are."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)


def show(stream: Iterator[str | Answer]) -> None:
    """Print a checked stream (`ask_stream(..., checked=True)`) as it comes, each sentence once
    it is checked, then its notes and the citations. The draft is not printed: the check may
    strike sentences, renumber citations or replace the whole answer (a quote of the evidence,
    or "the documents don't say"), and a person should read one answer, the one the chat
    settles on too; struck sentences are listed as removed."""
    answer = None
    printed = False
    for item in stream:
        if isinstance(item, Answer):
            answer = item
        elif item:
            print(item, end="", flush=True)
            printed = True
    if answer is None:
        raise RuntimeError("the answer stream ended without an Answer")
    if printed:
        print()
    if answer.fallback:
        print(f"  (note: {answer.fallback})")
    for s in answer.sentences:
        if not s.supported:
            print(f"  ✗ removed, not supported by its source: {s.text} ({'; '.join(s.problems)})")
    if answer.standalone_question:
        print(f"  (understood as: {answer.standalone_question})")
    for c in answer.citations:
        when = f", {c.date}" if c.date else ""
        tag = " — reader comment" if c.is_comment else ""
        print(f"  [{c.number}] {c.where} ({c.title}{when}){tag}\n      “{c.quote}”")
