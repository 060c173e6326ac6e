"""The index directory on disk: whether this process may use it, and setting a damaged one aside.

Chroma writes to its store whenever it opens it (measured with chromadb 1.5.9: a
`PersistentClient` on a read-only directory fails with "attempt to write a readonly
database", and opening a writable one rewrites its vector segment files), so an index this
process cannot write cannot be read either. Found late, that failure looked like corruption:
the index was moved aside and silently rebuilt. Found first, from the file modes, it is an
`IndexReadOnly` that names the path, and nothing on disk has changed.

A damaged index is renamed to `<name>.corrupt-<time>` beside it (a rename: it either happens
whole or not at all), and only when the store says its files are damaged (`looks_damaged`), or
when `index --repair` asks for it. The assistant never deletes such a copy: one may be the only
copy of an index that was healthy (before, a full disk looked like damage, and each new copy
deleted the one before it). `index --purge-quarantined` deletes them, naming each.
"""

from __future__ import annotations

import errno
import getpass
import glob
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Iterator

from ..errors import IndexReadOnly, IndexUnusable

log = logging.getLogger(__name__)
_DIR = os.R_OK | os.W_OK | os.X_OK
_FILE = os.R_OK | os.W_OK
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
_DENIED_WORDS = ("readonly database", "read-only file system", "permission denied")
# What SQLite says of a file that is not, or no longer, a database (chromadb 1.5.9 passes it on
# as "error returned from database: (code: 26) file is not a database", code 11 "malformed")
_DAMAGED_WORDS = ("file is not a database", "database disk image is malformed")


# ---------------------------------------------------------------- may this process use it?

def require_access(index: Path, lock: Path) -> None:
    """Raise `IndexReadOnly` if this process may not read and write everything the index needs:
    the index directory and all it holds (or, before it exists, the folder it goes in), and
    the lock file beside it."""
    denied = _first_denied(Path(index), Path(lock))
    if denied is not None:
        path, what = denied
        raise IndexReadOnly(read_only_message(index, f"{path} is {what}"))


def is_permission_error(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error behind it, is a refusal to read or write rather than damage."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DENIED_ERRNOS:
            return True
        if any(word in str(exc).lower() for word in _DENIED_WORDS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def read_only_message(index: Path, problem: str) -> str:
    return (f"The index at {index} cannot be used: {problem}. The assistant writes to its index "
            f"even to answer questions (the store updates its files whenever it opens), so it "
            f"needs write access to the whole directory. Give it (for example "
            f"`chmod -R u+rwX {index}`, or run as the user who built it), or point --index / "
            f"ASSISTANT_INDEX at a copy you can write. Nothing was changed.")


def _first_denied(index: Path, lock: Path) -> tuple[Path, str] | None:
    if not index.exists():
        parent = _existing_ancestor(index)
        return None if _allowed(parent, _DIR) else (parent, _what(parent, _DIR))
    stack = [index]
    while stack:
        folder = stack.pop()
        if not _allowed(folder, _DIR):
            return folder, _what(folder, _DIR)
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif not _allowed(entry.path, _FILE):
                return Path(entry.path), _what(entry.path, _FILE)
    target, mode = (lock, _FILE) if lock.exists() else (lock.parent, _DIR)
    return None if _allowed(target, mode) else (target, _what(target, mode))


def _allowed(path, mode: int) -> bool:
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def _what(path, mode: int) -> str:
    if not _allowed(path, os.R_OK | (mode & os.X_OK)):
        return f"not readable for this user ({_user()})"
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "on a read-only file system"
    except OSError:
        pass
    return f"read-only for this user ({_user()})"


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def _user() -> str:
    try:
        return f"{getpass.getuser()}, uid {os.geteuid()}"
    except Exception:  # no name for this uid
        return f"uid {os.geteuid()}"


# ---------------------------------------------------------------- setting a damaged index aside

def looks_damaged(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error behind it, is the store saying its files are damaged."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if any(word in str(exc).lower() for word in _DAMAGED_WORDS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def set_aside(index: Path, why: BaseException) -> Path:
    """Rename the damaged `index` to `<name>.corrupt-<time>` (never deleted by the assistant).
    If the rename fails, nothing has moved and the error says so."""
    index = Path(index)
    aside = _aside_name(index)
    try:
        os.rename(index, aside)
    except OSError as err:
        problem = (f"it is unreadable ({why}) and could not be moved aside to {aside} "
                   f"({err.strerror or err})")
        if is_permission_error(err):
            raise IndexReadOnly(read_only_message(index, problem)) from why
        raise IndexUnusable(f"The index at {index} cannot be used: {problem}. Delete it and run "
                            f"`python -m assistant index`.") from why
    return aside


def _aside_name(index: Path) -> Path:
    base = index.with_name(f"{index.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    aside, n = base, 1
    while aside.exists():
        n += 1
        aside = base.with_name(f"{base.name}-{n}")
    return aside


def quarantined(index: Path) -> list[Path]:
    """The copies of `index` set aside as damaged, oldest first."""
    index = Path(index)
    return sorted(index.parent.glob(f"{glob.escape(index.name)}.corrupt-*"))


def purge_quarantined(index: Path) -> Iterator[Path]:
    """Delete the set-aside copies of `index`, yielding each once it is gone (only ever on
    the user's explicit request: `python -m assistant index --purge-quarantined`)."""
    for old in quarantined(index):
        try:
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        except OSError as exc:
            problem = f"{old} could not be deleted ({exc.strerror or exc})"
            if is_permission_error(exc):
                raise IndexReadOnly(read_only_message(index, problem)) from exc
            raise IndexUnusable(f"{problem[0].upper()}{problem[1:]}; delete it yourself.") from exc
        log.info("deleted the set-aside index %s", old)
        yield old
