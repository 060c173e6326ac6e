"""What callers of the store see besides the store itself: its configuration, the report of a
sync, and the rule that a store failure reaches the user as an `IndexUnusable` (a storage
fault as the `IndexStorageError` that names it)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IndexUnusable
from .faults import storage_fault

SCHEMA = "12"  # bump when what is stored or embedded changes: old indexes are rebuilt
# 6: paragraphs of wrapped text joined and sentences cut by syntok (assistant/language)
# 7: sentences bounded (MAX_SENTENCE_CHARS): an index holding a 5 MB "sentence" is rebuilt
# 8: the readers read PDFs, web pages and text files anew (FAQ questions as headings, running
#    heads out, paragraphs joined over page breaks): chunks of unchanged files change too
# 9: a stop with no space after it ends no sentence ("gzip.GzipFile"), and a text file that
#    opens with a copyright line has no headline: sentences of unchanged files change
# 10: a bracket after a sentence without a stop stays in it ("too big (maybe 1-2 %) but"),
#     and a stop right after " %" ends a sentence ("by 5 %. Then")
# 11: a headline taken for a text file's title loses its underline ("FAQ\n===" is "FAQ")
# 12: a stop after a Markdown link's target ends a sentence ("[guide](/doc/guide). To set")
PAGE = 5000  # records per read or delete: far below SQLite's 32,766 query variables
# Records per read that returns texts and metadata: the store's memory for such a read follows
# its page (a read of every chunk of a 20 MB file: +154 MB of RSS in pages of 5,000, +40 MB in
# pages of 1,000, taking 1.9 s instead of 1.6 s), so the read of every chunk at the end of each
# sync, for BM25, pages smaller.
READ_PAGE = 1000


@dataclass(frozen=True)
class StoreConfig:
    path: Path  # local index directory (also holds the lock file in server mode)
    name: str = "corpus"
    host: str | None = None  # set to use a Chroma server instead of the embedded store
    port: int = 8000
    lock_timeout: float = 600.0


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # damaged, re-embedded by `--repair`
    rebuilt: str | None = None  # why the whole index was rebuilt, when it was
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.repaired)

    def describe(self) -> list[str]:
        """What the sync did, one line per kind of change, for people."""
        lines = [f"{label}: {', '.join(items)}" for label, items in
                 (("added", self.added), ("updated", self.updated), ("removed", self.removed),
                  ("repaired (re-embedded)", self.repaired))
                 if items]
        if self.rebuilt:
            lines.append(f"rebuilt ({self.rebuilt})")
        elif not self.changed:
            lines.append("up to date: nothing to re-embed")
        return lines


def store_errors(method):
    """A failure inside the store reaches the user as an IndexUnusable that says what happened
    and what to do, never as a raw database error."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except IndexUnusable:
            raise
        except Exception as exc:
            fault = None if self.cfg.host else storage_fault(self.cfg.path, exc, changed=True)
            if fault is not None:  # disk full, read-only: not damage, and not to be repaired
                raise fault from exc
            where = (f"the Chroma server at {self.cfg.host}:{self.cfg.port}" if self.cfg.host
                     else f"the index at {self.cfg.path}")
            raise IndexUnusable(
                f"Reading or writing {where} failed ({type(exc).__name__}: {exc}). "
                f"`python -m assistant index --check` shows what is damaged and "
                f"`python -m assistant index --repair` re-embeds it; or rebuild it all with "
                f"`python -m assistant index --rebuild`, and if that fails too, delete "
                f"{self.cfg.path} and run `python -m assistant index`.") from exc
    return wrapper
