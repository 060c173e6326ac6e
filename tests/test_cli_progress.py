"""`python -m assistant index` shows progress to a person at a terminal, and nothing in logs."""

import io
import sys

from assistant import cli, core
from assistant.embeddings import HashingEmbedder
from assistant.index import SyncProgress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_index_shows_files_chunks_rate_and_eta_on_a_terminal(tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(core, "LocalEmbedder", HashingEmbedder)
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert cli.main(["index", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "ix")]) == 0
    shown = term.getvalue()
    assert "indexing" in shown and "2/2 files" in shown and "chunk/s" in shown


def test_index_is_quiet_when_stderr_is_not_a_terminal(tiny_corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(core, "LocalEmbedder", HashingEmbedder)
    assert cli.main(["index", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "ix")]) == 0
    assert capsys.readouterr().err == ""


def test_the_bar_follows_the_counts():
    out = Terminal()
    bar = cli.ProgressBar(enabled=True)
    sys_stderr, sys.stderr = sys.stderr, out
    try:
        for done in range(4):
            bar(SyncProgress(done, 3, 10 * done, 30, f"f{done}.txt" if done else None))
        assert bar._bar.n == bar._bar.total == 30
        bar.close()
    finally:
        sys.stderr = sys_stderr
    assert "3/3 files" in out.getvalue()
