"""Storage faults: the file system refused to write the index (no space left, read-only, or
permission denied). They are not damage, and nothing is moved aside, rebuilt or deleted for them.

Before, a full disk looked like damage: at open, Chroma's "(code: 13) database or disk is full"
made a plain `ask` move the healthy index aside as `<name>.corrupt-<time>` and try to rebuild it;
the rebuild failed, and the next `ask` did the same and deleted the first, healthy, copy.

How a full disk shows, measured with chromadb 1.5.9 on small tmpfs file systems:
- opening with no room: "error returned from database: (code: 13) database or disk is full",
  and no file of the index has changed;
- adding records: that, or "Error in compaction: Failed to apply logs to the hnsw segment writer"
  (or "... to the metadata segment"), which does not say why; the room left on the index's file
  system does (70 kB to 1.4 MB of 40 MB free after such failures);
- Chroma rewrites a collection's vector segment files in place (same inodes) when it compacts,
  so a compaction cut short can leave `index_metadata.pickle` truncated and the collection
  unreadable. So writes check for room before they start (`require_room`), and the writer
  checks again before each batch.

The space a write takes was measured the same way (dimensions 256, 384 and 768; sentences of 13
to 150 characters): about 970 bytes per record, 4.2 per vector dimension, and 16.5 per
character of a document's text (stored with its sentences, with its chunks, and in Chroma's
full-text index). The estimates below round these up.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from ..errors import IndexDiskFull, IndexReadOnly, IndexStorageError, IndexUnusable
from .files import is_permission_error, read_only_message

MiB = 1 << 20
PER_RECORD = 1024  # bytes of store per record, besides its vector and its text
PER_DIMENSION = 5  # bytes per dimension of a record's vector
PER_CHARACTER = 20  # bytes per character of a document's text
MARGIN = 4 * MiB  # left free by every write: SQLite's journal, the manifest, Chroma's compaction
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_WORDS = ("database or disk is full", "no space left on device", "disk quota exceeded")


def storage_fault(index: Path, exc: BaseException, *, changed: bool = False
                  ) -> IndexStorageError | None:
    """The storage fault behind `exc`, as the error to raise (its message naming the cause, the
    path and what to do), or None when `exc` is not one. `changed`: whether the failed
    operation may have written part of its change (the message then says what is kept)."""
    if isinstance(exc, IndexStorageError):
        return exc
    if is_permission_error(exc):
        return IndexReadOnly(read_only_message(index, f"the store refused to write ({exc})"))
    if is_disk_full(index, exc):
        return IndexDiskFull(disk_full_message(index, f"the store failed: {exc}", changed))
    return None


def not_restarted(index: Path, aside: Path, exc: BaseException) -> IndexUnusable:
    """The error when a damaged index was set aside but a new one could not be started."""
    fault = storage_fault(index, exc)
    what = {IndexDiskFull: "; the disk is full: free some space there",
            IndexReadOnly: "; the file system refused to write: make it writable"}
    return (type(fault) if fault is not None else IndexUnusable)(
        f"The index at {index} was unreadable and was moved to {aside}, where it is kept, but "
        f"a new one could not be started ({type(exc).__name__}: {exc}){what.get(type(fault), '')}"
        f". Then run `python -m assistant index` to build it.")


def is_disk_full(index: Path, exc: BaseException) -> bool:
    """Whether `exc` comes from a full file system: it says so (ENOSPC, SQLite's "database or
    disk is full"), or the file system that holds the index has next to no room left (Chroma's
    "Error in compaction" does not say why). Taking damage for a full disk costs a retry once
    there is room; taking a full disk for damage cost users their index."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.errno in _FULL_ERRNOS:
            return True
        if any(word in str(cause).lower() for word in _FULL_WORDS):
            return True
        cause = cause.__cause__ or cause.__context__
    room = _room(index)
    return room is not None and room.free < _low(room.total)


def require_room(index: Path, needed: int, what: str, changed: bool = False) -> None:
    """Raise `IndexDiskFull` unless the file system that holds `index` has room for `needed`
    bytes and the margin: checked before writing, so that a full disk changes nothing."""
    room = _room(index)
    if room is not None and room.free < needed + MARGIN:
        raise IndexDiskFull(disk_full_message(
            index, f"{what} needs about {_size(needed + MARGIN)}", changed))


def disk_full_message(index: Path, cause: str, changed: bool = False) -> str:
    room = _room(index)
    free = f"{_size(room.free)} free of {_size(room.total)}" if room else "no room"
    after = ("What was indexed before is kept, and once there is room a document cut short "
             "is finished without embedding the rest again." if changed else
             "Nothing was changed, moved aside or deleted.")
    return (f"The index at {index} cannot be used: disk full ({free} on the file system that "
            f"holds it; {cause}). Free some space there (the store writes to its files even to "
            f"answer a question), or point --index / ASSISTANT_INDEX at a disk with room, and "
            f"run the command again. {after}")


def records_space(records: int, characters: int, dim: int) -> int:
    """About what `records` records holding `characters` characters of text take in the store."""
    return records * (PER_RECORD + PER_DIMENSION * dim) + characters * PER_CHARACTER


def text_space(text: str, dim: int) -> int:
    """About what indexing `text` takes, at most a few times over, without cutting it into
    sentences (that is slow for a large file, and the writer does it anyway): a record per
    sentence end or line break."""
    records = sum(text.count(mark) for mark in ".!?\n") + 1
    return records_space(records, len(text), dim)


def folder_size(*folders: Path) -> int:
    total = 0
    for folder in folders:
        for root, _, files in os.walk(folder):
            for name in files:
                try:
                    total += os.lstat(os.path.join(root, name)).st_size
                except OSError:  # gone meanwhile
                    pass
    return total


def _room(index: Path):
    """Disk usage of the file system that holds `index` (or would, before it exists)."""
    for candidate in (Path(index), *Path(index).parents):
        try:
            return shutil.disk_usage(candidate)
        except FileNotFoundError:
            continue
        except OSError:
            return None
    return None


def _low(total: int) -> int:
    """Room below which a failed write is put down to a full disk: 64 MiB, or a twentieth of a
    small file system (at least 1 MiB)."""
    return min(64 * MiB, max(MiB, total // 20))


def _size(n: int) -> str:
    if n < MiB:
        return f"{n // 1024} KiB"
    return f"{n / MiB:.1f} MiB" if n < 1 << 30 else f"{n / (1 << 30):.1f} GiB"
