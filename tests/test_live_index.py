"""A long-lived assistant (the chat) sees index changes another process makes, without a restart.

Before, the running assistant kept the corpus and BM25 it started with: after another process
added a document, the new document could not be quoted in context (its text and title were
unknown), and one that was removed stayed in BM25's ranking."""

import subprocess
import sys
import textwrap

from assistant import Assistant

from conftest import ROOT
from helpers import offline

INDEX_IN_ANOTHER_PROCESS = textwrap.dedent("""
    import sys
    from assistant import Assistant
    from assistant.embeddings import HashingEmbedder
    Assistant.load(corpus=sys.argv[1], index=sys.argv[2], generator="extractive",
                   embedder=HashingEmbedder()).close()
""")


def index_elsewhere(corpus, index):
    subprocess.run(offline([sys.executable, "-c", INDEX_IN_ANOTHER_PROCESS, str(corpus),
                            str(index)]), check=True, cwd=ROOT, timeout=300)


def test_running_assistant_follows_another_process_adding_and_removing(tiny_corpus, tmp_path,
                                                                       fake_embedder):
    index = tmp_path / "index"
    bot = Assistant.load(corpus=tiny_corpus, index=index, generator="extractive",
                         embedder=fake_embedder)
    assert bot.ask("When will the library open?").citations[0].source == "alpha.txt"

    (tiny_corpus / "gamma.txt").write_text("Bridge works\n\nThe old bridge will be repaired "
                                           "in May 2023, the engineers said.\n")
    (tiny_corpus / "beta.md").unlink()
    index_elsewhere(tiny_corpus, index)

    answer = bot.ask("When will the old bridge be repaired?")
    cited = answer.citations[0]
    assert "May 2023" in answer.text and cited.source == "gamma.txt"
    assert cited.title == "Bridge works"  # the new document is known, not only its vectors
    assert bot.source_text("gamma.txt")[cited.start:cited.end] == cited.quote
    for question in ("Why was the library paused?", "rising costs", "How much will it cost?"):
        assert all(p.source != "beta.md" for p in bot.retrieve(question, k=5))
    assert {d.source for d in bot.documents} == {"alpha.txt", "gamma.txt"}
    assert not bot.refresh()  # nothing new since
    bot.close()
