"""A user's own documents through the public API and the CLI: PDF, DOCX, HTML and Markdown read,
cited by page and section, bad files reported one by one, and add / remove / list."""

from __future__ import annotations

import pytest
from conftest import write_corpus
from fixtures_docs import (HTML_PAGES, NOTES_MD, corrupt_pdf, encrypted_pdf, html_page,
                           policy_docx, report_pdf, scanned_pdf)

from assistant import Assistant
from assistant.cli import main


def own_folder(root):
    root.mkdir(parents=True, exist_ok=True)
    report_pdf(root / "report.pdf")
    policy_docx(root / "policy.docx")
    html_page(root / "news.html", "news")
    (root / "handbook.md").write_text(NOTES_MD, encoding="utf-8")
    return root


def cited(answer, source):
    return [c for c in answer.citations if c.source == source]


@pytest.mark.integration
def test_answers_cite_the_page_and_the_section(tmp_path, real_embedder):
    corpus = own_folder(tmp_path / "docs")
    with Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                        embedder=real_embedder) as bot:
        a = bot.ask("How many passengers did the ferry carry in 2023?")
        pdf = cited(a, "report.pdf")
        assert pdf and pdf[0].page == 2 and "41,350 passengers" in pdf[0].quote
        assert pdf[0].where == "report.pdf, p. 2"
        text = bot.source_text("report.pdf")
        assert all(text[c.start:c.end] == c.quote for c in a.citations if c.source == "report.pdf")

        a = bot.ask("What time does the central library close on Saturdays?")
        docx = cited(a, "policy.docx")
        assert docx and docx[0].section == "Opening hours › Weekend hours" and docx[0].page is None
        assert docx[0].where == "policy.docx, § Opening hours › Weekend hours"

        a = bot.ask("How long do volunteer shifts last?")
        md = cited(a, "handbook.md")
        assert md and md[0].section == "Volunteer handbook › Shifts"

        chunks = [c.text for c in bot.index.iter_chunks() if c.source == "news.html"]
        assert chunks and not [f for f in HTML_PAGES["news"]["furniture"]
                               for c in chunks if f in c]
        assert any("41,350 last year" in c for c in chunks)


def test_each_bad_file_is_reported_and_the_others_are_indexed(tmp_path, fake_embedder):
    corpus = write_corpus(tmp_path / "docs")
    scanned_pdf(corpus / "scan.pdf")
    encrypted_pdf(corpus / "locked.pdf")
    corrupt_pdf(corpus / "cut.pdf")
    (corpus / "data.xyz").write_text("not a document format")
    with Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                        embedder=fake_embedder) as bot:
        reasons = {s.path: s.reason for s in bot.corpus.skipped}
        assert sorted(d.source for d in bot.documents) == ["alpha.txt", "beta.md"]
    assert "no text layer" in reasons["scan.pdf"]
    assert "encrypted" in reasons["locked.pdf"]
    assert "corrupt" in reasons["cut.pdf"]
    assert reasons["data.xyz"] == "unsupported file type .xyz; skipped"


def test_add_is_idempotent_and_remove_drops_the_chunks(tmp_path, fake_embedder):
    corpus = write_corpus(tmp_path / "corpus")
    inbox = own_folder(tmp_path / "inbox")
    (inbox / "copy-of-report.pdf").write_bytes((inbox / "report.pdf").read_bytes())
    corrupt_pdf(inbox / "broken.pdf")
    with Assistant.load(corpus=corpus, index=tmp_path / "index", generator="extractive",
                        embedder=fake_embedder) as bot:
        before = bot.index.count()
        outcomes, report = bot.add([inbox])
        status = {o.name: o.status for o in outcomes}
        assert status == {"broken.pdf": "skipped", "copy-of-report.pdf": "added",
                          "handbook.md": "added", "news.html": "added", "policy.docx": "added",
                          "report.pdf": "duplicate"}
        assert not (corpus / "broken.pdf").exists() and not (corpus / "report.pdf").exists()
        assert sorted(report.added) == ["copy-of-report.pdf", "handbook.md", "news.html",
                                        "policy.docx"]
        rows = {r.name: r for r in bot.list_documents()}
        assert rows["copy-of-report.pdf"].format == "pdf" and rows["copy-of-report.pdf"].pages == 4
        assert rows["copy-of-report.pdf"].chunks > 0 and rows["copy-of-report.pdf"].indexed_at
        assert bot.index.count() == before + sum(rows[n].chunks for n in report.added)
        a = bot.ask("How many passengers did the ferry carry in 2023?")
        assert cited(a, "copy-of-report.pdf")

        again, report = bot.add([inbox / "policy.docx"])
        assert [o.status for o in again] == ["unchanged"] and not report.changed

        pdf_chunks = rows["copy-of-report.pdf"].chunks
        count = bot.index.count()
        where, report = bot.remove("copy-of-report.pdf")
        assert report.removed == ["copy-of-report.pdf"] and bot.index.count() == count - pdf_chunks
        assert where.exists() and not (corpus / "copy-of-report.pdf").exists()
        assert "copy-of-report.pdf" not in {r.name for r in bot.list_documents()}
        a = bot.ask("How many passengers did the ferry carry in 2023?")
        assert not cited(a, "copy-of-report.pdf")
        with pytest.raises(Exception, match="No document named"):
            bot.remove("copy-of-report.pdf")


def test_extracted_text_is_kept_so_a_restart_does_not_parse_again(tmp_path, fake_embedder,
                                                                  monkeypatch):
    corpus = own_folder(tmp_path / "docs")
    kwargs = dict(corpus=corpus, index=tmp_path / "index", generator="extractive",
                  embedder=fake_embedder)
    Assistant.load(**kwargs).close()
    import assistant.readers as readers

    calls = []
    real = readers.read_document
    monkeypatch.setattr(readers, "read_document", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    with Assistant.load(**kwargs) as bot:
        assert len(bot.documents) == 4
        assert {c.name for c in calls} == set()  # every PDF, DOCX, HTML and Markdown from cache
    (corpus / "report.pdf").write_bytes((corpus / "report.pdf").read_bytes() + b"\n%changed\n")
    with Assistant.load(**kwargs):
        assert [c.name for c in calls] == ["report.pdf"]  # new content: read again


def test_cli_add_list_remove(tmp_path, capsys, monkeypatch, fake_embedder):
    import assistant.core as core

    monkeypatch.setattr(core, "LocalEmbedder", lambda: fake_embedder)
    corpus = write_corpus(tmp_path / "corpus")
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    pdf = report_pdf(tmp_path / "report.pdf")
    assert main(["add", str(pdf), str(scanned_pdf(tmp_path / "scan.pdf")), *where]) == 1
    out, err = capsys.readouterr()
    assert "added report.pdf" in out and "skipped scan.pdf: PDF has no text layer" in err

    assert main(["list", *where]) == 0
    out, _ = capsys.readouterr()
    line = next(x for x in out.splitlines() if x.startswith("report.pdf"))
    assert line.split()[1:3] == ["pdf", "4"] and "not indexed" not in line

    assert main(["ask", "How many passengers did the ferry carry in 2023?", *where,
                 "-g", "extractive"]) == 0
    assert "report.pdf, p. 2" in capsys.readouterr().out

    assert main(["remove", "report.pdf", *where]) == 0
    assert "removed report.pdf" in capsys.readouterr().out
    assert main(["list", *where]) == 0
    assert "report.pdf" not in capsys.readouterr().out


def test_cli_add_into_a_new_empty_folder(tmp_path, capsys, monkeypatch, fake_embedder):
    import assistant.core as core

    monkeypatch.setattr(core, "LocalEmbedder", lambda: fake_embedder)
    where = ["--corpus", str(tmp_path / "new"), "--index", str(tmp_path / "index")]
    assert main(["add", str(report_pdf(tmp_path / "report.pdf")), *where]) == 0
    out = capsys.readouterr().out
    assert "added report.pdf" in out and "from 1 documents" in out
    assert (tmp_path / "new" / "report.pdf").exists()
