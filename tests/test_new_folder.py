"""A new or empty corpus folder: `Assistant.load()` makes it, answers "no documents yet", and
answers from the documents once files are added (issue: the Python API failed on an empty
folder although the README says an empty folder is fine)."""

import pytest

from assistant import Assistant, CorpusError

from conftest import TINY


def test_a_new_folder_is_made_and_says_it_has_no_documents_yet(tmp_path, fake_embedder):
    corpus = tmp_path / "my-docs" / "new"
    bot = Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                         embedder=fake_embedder)
    try:
        assert corpus.is_dir() and bot.documents == [] and bot.list_documents() == []
        assert bot.retrieve("library opening hours") == []
        ans = bot.ask("When does the library open?")
        assert ans.abstained and ans.citations == ()
        assert "no documents yet" in ans.text and str(corpus) in ans.text
        streamed = [p for p in bot.ask_stream("When does the library open?") if isinstance(p, str)]
        assert "".join(streamed) == ans.text  # the stream says the same, not nothing
        # files added later are answered from
        source = tmp_path / "alpha.txt"
        source.write_text(TINY["alpha.txt"], encoding="utf-8")
        outcomes, _ = bot.add([source])
        assert [o.status for o in outcomes] == ["added"] and len(bot.documents) == 1
        assert "£4 million" in bot.ask("How much will the library cost?").text
    finally:
        bot.close()


def test_an_emptied_folder_is_no_documents_not_an_error(tmp_path, fake_embedder):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "scan.bin.txt").write_bytes(b"\x00\x01binary")  # skipped: nothing readable
    bot = Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                         embedder=fake_embedder)
    try:
        assert bot.documents == [] and [s.path for s in bot.corpus.skipped] == ["scan.bin.txt"]
        assert "no documents yet" in bot.ask("Anything?").text
    finally:
        bot.close()


def test_a_file_where_the_folder_should_be_is_a_clear_error(tmp_path, fake_embedder):
    path = tmp_path / "notes.txt"
    path.write_text("a file, not a folder")
    with pytest.raises(CorpusError, match="is a file, not a folder"):
        Assistant.load(corpus=path, index=tmp_path / "index", generator="extractive",
                       embedder=fake_embedder)
    assert path.read_text() == "a file, not a folder"  # untouched

