"""A read-only or permission-denied index is a clear error that names the path and changes
nothing; a damaged index is said to be moved aside only once it has been, and no set-aside copy
is ever deleted by the assistant (`index --purge-quarantined` deletes them, naming each).

Before: a raw PermissionError reached the user, the log said "moved aside" when nothing had
moved, `*.corrupt-<time>` copies piled up, and when only `chroma.sqlite3` was read-only a valid
index was moved aside and silently rebuilt. Keeping only the latest copy then proved worse: on a
full disk each `ask` set the index aside, and the second deleted the first copy, the healthy
index (`test_storage_faults.py`). Copies are kept now, and the user deletes them.

Chroma cannot open a store it may not write (it writes on open), so a read-only index cannot
answer either: the error says so. The tests run the CLI in a child process as a user the file
modes bind. Root ignores them, so as root the child runs with the capabilities that let root
override file modes dropped (`setpriv`), which is what an ordinary user meets."""

import hashlib
import os
import shutil
import stat
import subprocess
import sys

import pytest

from assistant import Assistant
from assistant.embeddings import HashingEmbedder
from assistant.store.files import is_permission_error

from conftest import ROOT

CHILD = f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from assistant import core
from assistant.embeddings import HashingEmbedder
core.LocalEmbedder = HashingEmbedder
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""


def unprivileged(scratch) -> list[str]:
    """A command prefix under which file modes are enforced (skip when there is none)."""
    if os.geteuid() != 0:
        return []
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
    if not shutil.which("setpriv"):
        pytest.skip("running as root, where chmod denies nothing, and setpriv is not installed")
    probe = scratch / "read-only-probe"
    probe.write_text("")
    probe.chmod(0o444)
    denied = subprocess.run(drop + ["sh", "-c", f'test ! -w "{probe}"'], capture_output=True)
    probe.unlink()
    if denied.returncode != 0:
        pytest.skip("running as root, where chmod denies nothing, and setpriv cannot drop "
                    "root's override of file modes here")
    return drop


def run_cli(*args, prefix=()):
    done = subprocess.run([*prefix, sys.executable, "-c", CHILD, *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return done.returncode, done.stdout, done.stderr


def snapshot(folder):
    """Every file under `folder` (and its siblings' names) with its content hash and mode."""
    files = {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                          stat.S_IMODE(p.stat().st_mode))
             for p in sorted(folder.rglob("*")) if p.is_file()}
    return files, sorted(p.name for p in folder.parent.iterdir())


@pytest.fixture
def built(tiny_corpus, tmp_path):
    index = tmp_path / "ix"
    Assistant.load(corpus=tiny_corpus, index=index, generator="extractive",
                   embedder=HashingEmbedder()).close()
    yield tiny_corpus, index
    for path in [tmp_path, *tmp_path.rglob("*")]:  # let pytest clean up
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def make_read_only(index, which):
    targets = {"the whole index": [index, *index.rglob("*")],
               "the index directory": [index],
               "chroma.sqlite3": [index / "chroma.sqlite3"],
               "manifest.sqlite3": [index / "manifest.sqlite3"]}[which]
    for path in sorted(targets, key=lambda p: -len(p.parts)):  # contents before their folder
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
    return {"the whole index": index, "the index directory": index}.get(which, targets[0])


@pytest.mark.parametrize("which", ["the whole index", "the index directory", "chroma.sqlite3",
                                   "manifest.sqlite3"])
@pytest.mark.parametrize("command", ["index", "ask"])
def test_a_read_only_index_is_a_clear_error_and_nothing_changes(built, tmp_path, which, command):
    prefix = unprivileged(tmp_path)
    corpus, index = built
    named = make_read_only(index, which)
    before = snapshot(index)
    args = ["ask", "-g", "extractive", "When will the library open?"] if command == "ask" else ["index"]
    code, out, err = run_cli(*args, "--corpus", corpus, "--index", index, prefix=prefix)
    assert code == 2, (out, err)
    assert err.startswith(f"error: The index at {index} cannot be used: {named} is read-only "
                          f"for this user")
    assert "Nothing was changed" in err and "Traceback" not in err and "moved" not in err
    assert snapshot(index) == before  # no file changed, nothing set aside, nothing rebuilt


def test_add_to_a_read_only_index_copies_nothing_and_says_why(built, tmp_path):
    """Before: `add` copied the file into the corpus, then failed to open the index and said
    "Nothing was changed"."""
    prefix = unprivileged(tmp_path)
    corpus, index = built
    new = tmp_path / "incoming" / "hours.txt"
    new.parent.mkdir()
    new.write_text("The pool opens at six on Sundays.\n")
    make_read_only(index, "the whole index")
    before, files = snapshot(index), sorted(p.name for p in corpus.iterdir())
    code, out, err = run_cli("add", new, "--corpus", corpus, "--index", index, prefix=prefix)
    assert code == 2, (out, err)
    assert err.startswith(f"error: The index at {index} cannot be used: {index} is read-only")
    assert "Nothing was changed" in err and "Traceback" not in err
    assert sorted(p.name for p in corpus.iterdir()) == files  # nothing copied in
    assert snapshot(index) == before


@pytest.mark.parametrize("command", ["index", "ask"])
def test_an_index_on_a_read_only_file_system(built, command):
    """A read-only bind mount (root only): the message says what is read-only, and a question
    on it moves nothing aside."""
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        pytest.skip("needs root, unshare and mount for a read-only bind mount")
    corpus, index = built
    before = snapshot(index)
    mount = (f'mount --bind "{index}" "{index}" && mount -o remount,bind,ro "{index}" "{index}" '
             f'&& exec "$@"')
    prefix = ["unshare", "-m", "sh", "-c", mount, "sh"]
    if subprocess.run(prefix + ["true"], capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow a private read-only bind mount")
    question = ["ask", "-g", "extractive", "When will the library open?"]
    args = question if command == "ask" else ["index"]
    code, _, err = run_cli(*args, "--corpus", corpus, "--index", index, prefix=prefix)
    assert code == 2 and f"{index} is on a read-only file system" in err
    assert snapshot(index) == before


def test_a_corrupt_index_that_cannot_be_moved_aside_is_not_said_to_be(built, tmp_path):
    prefix = unprivileged(tmp_path)
    corpus, index = built
    (index / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    index.parent.chmod(0o555)  # the index may not be renamed within its folder
    before = snapshot(index)
    code, out, err = run_cli("index", "--corpus", corpus, "--index", index, prefix=prefix)
    assert code == 2 and "moved it to" not in err
    assert "could not be moved aside" in err and "Traceback" not in err
    assert snapshot(index) == before


def test_set_aside_copies_are_never_deleted(built, caplog):
    """Each one may be the only copy of an index that was healthy (a full disk once looked like
    damage): the assistant keeps them all, and only `index --purge-quarantined` deletes them."""
    corpus, index = built
    for n in range(3):
        (index / "chroma.sqlite3").write_bytes(f"damaged, time {n} ".encode() * 100)
        with caplog.at_level("WARNING"):
            bot = Assistant.load(corpus=corpus, index=index, generator="extractive",
                                 embedder=HashingEmbedder())
        assert bot.sync_report.rebuilt == "corrupt index"
        bot.close()
        kept = sorted(index.parent.glob("ix.corrupt-*"))
        assert len(kept) == n + 1
        assert f"moved it to {bot.index.recovered_from}" in caplog.text
        assert "--purge-quarantined" in caplog.text
    assert sorted((k / "chroma.sqlite3").read_bytes()[:15] for k in kept) == [
        f"damaged, time {n}".encode() for n in range(3)]


def test_purge_quarantined_deletes_only_the_set_aside_copies_and_names_each(built, capsys):
    from assistant.cli import main

    corpus, index = built
    copies = [index.with_name("ix.corrupt-20240101-000000"),
              index.with_name("ix.corrupt-20240101-000000-2")]
    for copy in copies:
        shutil.copytree(index, copy)
    others = [index.with_name("ix.backup"), index.with_name("ixcorrupt-not-ours")]
    for other in others:
        other.mkdir()
    purge = ["index", "--purge-quarantined", "--corpus", str(corpus), "--index", str(index)]
    assert main(purge) == 0
    out = capsys.readouterr().out
    assert sorted(out.splitlines()) == sorted(f"removed {c}" for c in copies)
    assert not any(c.exists() for c in copies)
    assert all(p.exists() for p in others) and (index / "chroma.sqlite3").exists()
    assert main(purge) == 0
    assert capsys.readouterr().out == f"no set-aside copies of {index}\n"


@pytest.mark.parametrize("error, refused", [
    (PermissionError(13, "Permission denied"), True),
    (OSError(30, "Read-only file system"), True),
    (RuntimeError("error returned from database: (code: 8) attempt to write a readonly "
                  "database"), True),
    (RuntimeError("error returned from database: (code: 26) file is not a database"), False),
    (RuntimeError("Error executing plan: Internal error: Error finding id"), False),
])
def test_refusals_are_told_apart_from_damage(error, refused):
    assert is_permission_error(error) is refused
    try:
        try:
            raise error
        except Exception as inner:
            raise RuntimeError("store failed") from inner
    except RuntimeError as outer:
        assert is_permission_error(outer) is refused
