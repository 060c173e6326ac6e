"""A full disk is not a damaged index: it is said to be full, and nothing is moved or deleted.

Before: on a full file system a plain `ask` reported the index "unreadable (... database or disk
is full)", moved it aside as `<name>.corrupt-<time>` and tried to rebuild it; the rebuild failed,
and the next `ask` did the same, deleting the first copy, which was the healthy index. An `add`
on a nearly full disk failed with "InternalError: Error in compaction" and never said why, and
`index --rebuild` deleted the index before finding there was no room to write the new one.

The faults here are real: a small tmpfs of its own (root only: skipped, saying why, where
mounting is not permitted), filled with a file. The CLI runs in a child process, as a user runs
it, embedding with a counting fake so re-embedding shows.
"""

import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from conftest import ROOT, TINY, write_corpus

CHILD = f"""
import atexit, sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from assistant import core
from helpers import CountingEmbedder
embedder = CountingEmbedder()
core.LocalEmbedder = lambda: embedder
atexit.register(lambda: print(f"embedded {{embedder.texts}} texts", file=sys.stderr))
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""
QUESTION = "When will the library open?"


def run_cli(*args):
    done = subprocess.run([sys.executable, "-c", CHILD, *map(str, args)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    embedded = [line for line in done.stderr.splitlines() if line.startswith("embedded ")]
    return done.returncode, done.stdout, done.stderr, embedded[-1] if embedded else None


@pytest.fixture
def small_disk(tmp_path):
    """A 32 MB tmpfs of its own: filling it fills nothing else."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs (a real file system to fill) needs root and mount")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(disk)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"mounting a tmpfs is not permitted here ({done.stderr.strip()})")
    yield disk
    if subprocess.run(["umount", str(disk)], capture_output=True).returncode:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk, leave: int = 0):
    """Fill the file system with one file until about `leave` bytes are free (none: until the
    file system refuses)."""
    filler = disk / "filler"
    block = b"\0" * (1 << 20)
    with open(filler, "wb", buffering=0) as f:
        try:
            while (room := shutil.disk_usage(disk).free - leave) > 0:
                f.write(block[:room])
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def state(disk):
    """Every file on the disk but the filler: its modification time and content hash."""
    return {str(p.relative_to(disk)): (p.stat().st_mtime_ns,
                                       hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(disk.rglob("*")) if p.is_file() and p.name != "filler"}


def manifest_rows(index):
    """What the manifest records (read-only, as a person would inspect it)."""
    uri = f"{(index / 'manifest.sqlite3').resolve().as_uri()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        return (db.execute("SELECT * FROM documents ORDER BY source").fetchall(),
                db.execute("SELECT * FROM meta ORDER BY key").fetchall())


def set_aside(disk):
    return sorted(p.name for p in disk.iterdir() if ".corrupt-" in p.name)


def big_text(paragraphs: int = 600) -> str:
    """About 170 kB of prose in 3,000 sentences: about 11 MB in the store."""
    import random

    rnd = random.Random(0)
    vocab = [f"w{i}" for i in range(3000)]
    body = "\n\n".join(" ".join(" ".join(rnd.choice(vocab) for _ in range(10)).capitalize() + "."
                                for _ in range(5)) for _ in range(paragraphs))
    return f"A long report\n\n{body}\n"


def build(corpus, index):
    code, out, err, _ = run_cli("index", "--corpus", corpus, "--index", index)
    assert code == 0, (out, err)
    code, out, err, baseline = run_cli("ask", "-g", "extractive", QUESTION,
                                       "--corpus", corpus, "--index", index)
    assert code == 0 and "June 2022" in out, (out, err)
    return baseline  # what answering alone embeds


def says_disk_full(err, index):
    assert "disk full" in err and str(index) in err and "free" in err.lower(), err
    assert "Traceback" not in err and "moved it" not in err and "unexpected" not in err, err


def test_ask_on_a_full_disk_says_so_and_changes_nothing(small_disk, tiny_corpus):
    index = small_disk / "ix"
    baseline = build(tiny_corpus, index)
    filler = fill(small_disk)
    before, rows = state(small_disk), manifest_rows(index)
    for _ in range(2):  # the second ask deleted the copy the first had set aside
        code, out, err, _ = run_cli("ask", "-g", "extractive", QUESTION,
                                    "--corpus", tiny_corpus, "--index", index)
        assert code == 2, (out, err)
        says_disk_full(err, index)
        assert state(small_disk) == before and not set_aside(small_disk)
    filler.unlink()
    code, out, err, embedded = run_cli("ask", "-g", "extractive", QUESTION,
                                       "--corpus", tiny_corpus, "--index", index)
    assert code == 0 and "June 2022" in out, (out, err)
    assert embedded == baseline and manifest_rows(index) == rows  # nothing re-embedded


def test_a_rebuild_with_no_room_fails_first_and_the_old_index_still_answers(small_disk, tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {**TINY, "report.txt": big_text()})
    index = small_disk / "ix"
    baseline = build(corpus, index)
    fill(small_disk, leave=1 << 20)
    rows, names = manifest_rows(index), sorted(state(small_disk))
    code, out, err, embedded = run_cli("index", "--rebuild", "--corpus", corpus, "--index", index)
    assert code == 2, (out, err)
    says_disk_full(err, index)
    assert embedded == "embedded 0 texts" and manifest_rows(index) == rows
    # the disk is still nearly full, and the old index answers without embedding anything again
    code, out, err, embedded = run_cli("ask", "-g", "extractive", QUESTION,
                                       "--corpus", corpus, "--index", index)
    assert code == 0 and "June 2022" in out, (out, err)
    assert embedded == baseline and manifest_rows(index) == rows
    assert sorted(state(small_disk)) == names and not set_aside(small_disk)


def test_add_on_a_nearly_full_disk_says_so_and_keeps_the_old_index(small_disk, tmp_path,
                                                                     tiny_corpus):
    index = small_disk / "ix"
    baseline = build(tiny_corpus, index)
    big = tmp_path / "incoming" / "big.txt"
    big.parent.mkdir()
    big.write_text(big_text(), encoding="utf-8")
    filler = fill(small_disk, leave=3 << 20)
    rows = manifest_rows(index)
    code, out, err, _ = run_cli("add", big, "--corpus", tiny_corpus, "--index", index)
    assert code == 2, (out, err)  # was "InternalError: Error in compaction", cause unsaid
    says_disk_full(err, index)
    assert manifest_rows(index) == rows and not set_aside(small_disk)

    # the user takes the new file back out: the old index answers as it was
    (tiny_corpus / "big.txt").rename(tmp_path / "big.txt")
    code, out, err, embedded = run_cli("ask", "-g", "extractive", QUESTION,
                                       "--corpus", tiny_corpus, "--index", index)
    assert code == 0 and "June 2022" in out, (out, err)
    assert embedded == baseline and manifest_rows(index) == rows

    # with room again, the new file is indexed and nothing indexed before is embedded again
    filler.unlink()
    (tmp_path / "big.txt").rename(tiny_corpus / "big.txt")
    code, out, err, _ = run_cli("ask", "-g", "extractive", QUESTION,
                                "--corpus", tiny_corpus, "--index", index)
    assert code == 0 and "June 2022" in out, (out, err)
    documents, _ = manifest_rows(index)
    assert [d for d in documents if d[0] != "big.txt"] == rows[0]  # same sha256, same indexed_at
    assert [d[4] for d in documents if d[0] == "big.txt"] == ["complete"]


def test_storage_faults_are_told_from_damage(small_disk, tmp_path):
    from assistant import IndexDiskFull, IndexReadOnly
    from assistant.store.faults import storage_fault

    compaction = RuntimeError("Error in compaction: Failed to apply logs to the hnsw segment "
                              "writer")
    roomy, full = tmp_path / "ix", small_disk / "ix"
    fill(small_disk)
    # the same words mean a full disk only where there is no room
    assert isinstance(storage_fault(full, compaction), IndexDiskFull)
    assert storage_fault(roomy, compaction) is None
    for exc in (OSError(errno.ENOSPC, "No space left on device"),
                RuntimeError("error returned from database: (code: 13) database or disk is full")):
        assert isinstance(storage_fault(roomy, exc), IndexDiskFull)
    for exc in (OSError(errno.EROFS, "Read-only file system"),
                RuntimeError("attempt to write a readonly database"),
                PermissionError(errno.EACCES, "Permission denied")):
        assert isinstance(storage_fault(roomy, exc), IndexReadOnly)
    damage = RuntimeError("error returned from database: (code: 26) file is not a database")
    assert storage_fault(roomy, damage) is None
    message = str(storage_fault(full, compaction))
    assert "disk full" in message and str(full) in message and "Free some space" in message
