"""How Chroma lays out an embedded store on disk, read without opening it through Chroma.

Measured with chromadb 1.5.9: the index directory holds `chroma.sqlite3` (collections, their
records and metadata, and a log of recent writes) and one folder per *vector segment*, named
by the segment's UUID (table `segments`, scope VECTOR), holding that collection's HNSW graph:
`header.bin`, `data_level0.bin`, `length.bin`, `link_lists.bin` and, once Chroma has
persisted it, `index_metadata.pickle` (id ↔ label maps). Chroma persists a segment after every
`sync_threshold` (1,000) records and then records the last write it holds in table
`max_seq_id`; writes after that live in the log and are replayed into memory on open.

So a persisted segment whose folder is gone or incomplete has lost vectors that nothing
replays: Chroma silently recreates an empty folder, still counts every record (counts come
from SQLite), and its searches miss them or fail with "Error finding id". Checking the
folders is cheap, and must not go through Chroma, which would recreate them.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
DATABASE = "chroma.sqlite3"
FILES = ("header.bin", "data_level0.bin", "length.bin", "link_lists.bin")
PERSISTED = "index_metadata.pickle"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class VectorSegment:
    collection: str  # collection name
    folder: Path
    persisted: bool  # Chroma has written this segment's graph to its folder

    def missing(self) -> list[str]:
        """What is missing from the folder that this segment's state requires."""
        if not self.folder.is_dir():
            return [f"its folder {self.folder.name}/"] if self.persisted else []
        needed = FILES + (PERSISTED,) if self.persisted else ()
        return [name for name in needed if not (self.folder / name).is_file()]


def vector_segments(index: Path) -> list[VectorSegment] | None:
    """The vector segments Chroma's database lists, or None when it is not there or not laid
    out as measured (another Chroma version): then nothing is checked rather than guessed."""
    database = Path(index) / DATABASE
    if not database.is_file():
        return None
    query = ("SELECT c.name, s.id, m.seq_id FROM segments s JOIN collections c "
             "ON s.collection = c.id LEFT JOIN max_seq_id m ON m.segment_id = s.id "
             "WHERE s.scope = 'VECTOR'")
    try:
        with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute(query).fetchall()
    except sqlite3.Error as exc:
        log.debug("cannot read Chroma's segment table in %s: %s", database, exc)
        return None
    return [VectorSegment(name, Path(index) / sid, seq is not None) for name, sid, seq in rows]


def remove_orphans(index: Path) -> list[Path]:
    """Delete segment folders of collections that no longer exist (Chroma leaves them behind
    when a collection is deleted); returns what was deleted."""
    segments = vector_segments(index)
    if segments is None:
        return []
    keep = {s.folder.name for s in segments}
    removed = []
    for folder in Path(index).iterdir():
        if folder.is_dir() and _UUID.match(folder.name) and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
