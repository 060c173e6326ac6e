"""The real-documents benchmark: its files are the ones SOURCES.md lists, unchanged; every gold
answer is in its document as the assistant reads it (or is marked as lost by the readers);
splits are by document; counts meet the minimums; a tiny run goes end to end (extractive
backend, fake embedder)."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from collections import Counter
from functools import lru_cache

import pytest

from assistant.corpus import parse_document
from assistant.types import INDEXED_KINDS
from evals import realdocs as rd
from evals.everyday import contains, normalise

QUESTIONS = rd.load_questions()
BY_ID = {q.id: q for q in QUESTIONS}
ANSWERABLE = [q for q in QUESTIONS if q.answerable]
LOOKALIKES = [q for q in QUESTIONS if not q.answerable]
SOURCES = (rd.HERE / "SOURCES.md").read_text(encoding="utf-8")


def text_of(doc: str) -> str:
    return rd.read(doc).text


@lru_cache(maxsize=None)
def shipped_text(doc: str) -> str:
    """The file's own words where they can be had without the readers: text formats as they
    are, HTML with its tags stripped. (PDFs have no such second reading here.)"""
    raw = (rd.DOCS / doc).read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw)) if doc.endswith(".html") else raw


# ---------------------------------------------------------------- documents

def listed() -> dict[str, str]:
    """file name -> sha256, from the table in SOURCES.md."""
    rows = re.findall(r"^\| ([\w.-]+) \|.*\| `([0-9a-f]{64})` \|$", SOURCES, re.M)
    return dict(rows)


def test_every_document_is_listed_in_sources_and_unchanged():
    files = sorted(p.name for p in rd.DOCS.iterdir())
    assert sorted(listed()) == files, "SOURCES.md and docs/ list different files"
    for name, sha in listed().items():
        data = (rd.DOCS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha, f"{name} was edited: the files are data"
        assert len(data) < 1_000_000, name


def test_the_formats_the_brief_asks_for_are_there():
    files = sorted(p.name for p in rd.DOCS.iterdir())
    suffixes = Counter(f.rsplit(".", 1)[1] for f in files)
    assert 14 <= len(files) <= 18
    assert suffixes["pdf"] >= 3 and suffixes["html"] >= 2 and suffixes["md"] >= 2
    assert suffixes["txt"] >= 3
    assert SOURCES.count("printed to PDF by headless Chromium") >= 1
    assert all(f"| {f} |" in SOURCES for f in files)
    for f in files:
        assert len(text_of(f).split()) >= 150, f  # every file reads as text


# ---------------------------------------------------------------- questions

def test_ids_fields_and_counts():
    assert len(BY_ID) == len(QUESTIONS)
    assert {q.doc for q in QUESTIONS} == {p.name for p in rd.DOCS.iterdir()}
    assert len(ANSWERABLE) >= 80 and len(LOOKALIKES) >= 26
    report = rd.select(QUESTIONS, "report")
    assert sum(q.answerable for q in report) >= 60
    assert sum(not q.answerable for q in report) >= 20
    assert all(q.answers and q.evidence for q in ANSWERABLE)
    assert {q.kind for q in LOOKALIKES} == {"lookalike"}
    kinds = Counter(q.kind for q in ANSWERABLE)
    assert len(kinds) >= 8 and min(kinds[k] for k in ("number", "option", "name", "yesno",
                                                          "reason", "definition")) >= 3
    assert sum(q.faq for q in ANSWERABLE) >= 20  # answers under a question line


def test_splits_are_by_document():
    splits = rd.document_splits(QUESTIONS)
    tune = {d for d, s in splits.items() if s == "tune"}
    assert 3 <= len(tune) <= 5 and set(splits.values()) == {"tune", "report"}
    assert not {q.doc for q in rd.select(QUESTIONS, "tune")} & {
        q.doc for q in rd.select(QUESTIONS, "report")}
    assert len(rd.select(QUESTIONS, "all")) == len(QUESTIONS)
    split = {q.id: q.split for q in QUESTIONS}
    assert all(split[q.lookalike_of] == q.split for q in LOOKALIKES)
    with pytest.raises(ValueError, match="in both splits"):
        rd.document_splits([rd.Question("a", "x.txt", "?", "name", True, split="tune"),
                            rd.Question("b", "x.txt", "?", "name", True, split="report")])
    with pytest.raises(ValueError, match="split must be one of"):
        rd.select(QUESTIONS, "train")


def test_a_question_with_an_unknown_split_is_refused(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text(json.dumps({"id": "a", "doc": "x.txt", "question": "?", "kind": "name",
                               "answerable": True, "split": "dev"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="split must be one of"):
        rd.load_questions(bad)


def located_kinds(doc: str, evidence: str) -> set[str] | None:
    d = rd.read(doc)
    m = re.search(r"\s+".join(map(re.escape, evidence.split())), d.text)
    if m is None:
        return None
    return {s.kind for s in d.spans if s.start < m.end() and m.start() < s.end}


@pytest.mark.parametrize("q", [q for q in ANSWERABLE if not q.lost], ids=lambda q: q.id)
def test_evidence_is_in_the_text_as_read_indexed_and_holds_an_answer(q):
    assert normalise(q.evidence) in normalise(text_of(q.doc)), "evidence not in the text as read"
    assert contains(q.evidence, q.answers), "no answer inside the evidence"
    kinds = located_kinds(q.doc, q.evidence)
    assert kinds is None or kinds & INDEXED_KINDS, f"evidence only in unindexed spans {kinds}"


@pytest.mark.parametrize("q", [q for q in ANSWERABLE if q.lost], ids=lambda q: q.id)
def test_answers_marked_lost_are_really_not_in_the_text_as_read(q):
    """When a reader is fixed this fails: drop the question's `lost` and `read_as` then."""
    assert not contains(text_of(q.doc), q.answers), "the readers now give this answer"
    if q.read_as:
        assert normalise(q.read_as) in normalise(text_of(q.doc))
    if not q.doc.endswith(".pdf"):
        assert normalise(q.evidence) in normalise(shipped_text(q.doc)), "evidence not in the file"


def test_losses_are_recorded_for_several_documents():
    lost = [q for q in ANSWERABLE if q.lost]
    assert lost  # the readers were fixed for most (sqlfaq-09 and -12: the HTML reader keeps a quote's text)
    assert all(q.read_as is None or q.read_as != q.evidence for q in lost)


@pytest.mark.parametrize("q", LOOKALIKES, ids=lambda q: q.id)
def test_lookalikes_name_a_term_their_document_does_not_hold(q):
    assert q.missing and q.missing.lower() not in text_of(q.doc).lower()
    if not q.doc.endswith(".pdf"):
        assert q.missing.lower() not in shipped_text(q.doc).lower()
    assert q.lookalike_of in BY_ID and BY_ID[q.lookalike_of].answerable
    assert BY_ID[q.lookalike_of].doc == q.doc


# ---------------------------------------------------------------- question lines and headings

FAQ = ("XZ Utils FAQ\n============\n\nQ:  What do the letters XZ mean?\n\nA:  Nothing. They "
       "are just two letters, which come from the file\n    format suffix .xz.\n\n"
       'Q:  Is it "free"?\n')


def at(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_question_lines_and_underlined_headings_are_labels():
    doc = parse_document("faq.txt", FAQ)
    assert rd.label_of(doc, *at(FAQ, "Q:  What do the letters XZ mean?")) == "question"
    assert rd.label_of(doc, *at(FAQ, 'Q:  Is it "free"?')) == "question"  # closing quote
    assert rd.label_of(doc, *at(FAQ, "XZ Utils FAQ")) == "heading"
    assert rd.label_of(doc, *at(FAQ, "Nothing. They are just two letters")) is None
    assert rd.label_of(doc, *at(FAQ, "XZ mean")) is None  # a piece of a line


def test_a_sphinx_heading_with_its_pilcrow_is_a_question():
    doc = rd.read("python-general-faq.html")
    assert rd.label_of(doc, *at(doc.text, "Why is it called Python?")) == "question"
    assert rd.label_of(doc, *at(doc.text, "Python in the real world")) == "heading"


def row(doc, label=None, answerable=True, grounded=True, abstained=False, lost=False, split="tune"):
    quotes = [{"source": doc, "start": 0, "end": 1, "quote": "x", "verbatim": True,
               "located": True, "cut_start": False, "cut_end": False, "label": label}]
    return {"id": doc, "doc": doc, "kind": "name" if answerable else "lookalike", "split": split,
            "answerable": answerable, "abstained": abstained, "right": grounded or abstained,
            "grounded": grounded and answerable, "quotes": [] if abstained else quotes, "cut": 0,
            "faq": True, "lost": lost, "label_quotes": int(bool(label) and not abstained),
            "label_answer": bool(label) and not abstained}


def test_summary_counts_label_answers_lost_questions_and_documents():
    rows = [row("a.txt"), row("a.txt", label="question", grounded=False),
            row("b.md", lost=True, grounded=False, abstained=True, split="report"),
            row("b.md", answerable=False, abstained=True, grounded=False, split="report")]
    s = rd.summarise(rows)
    assert (s["answerable_n"], s["lookalike_n"], s["label_answers"], s["lost_n"]) == (3, 1, 1, 1)
    assert s["grounded"] == pytest.approx(1 / 3) and s["grounded_readable"] == 0.5
    assert s["by_doc"]["a.txt"]["label_answers"] == 1 and s["by_doc"]["b.md"]["split"] == "report"
    assert s["by_doc"]["b.md"]["lookalike_abstain"] == 1.0
    text = rd.table({"extractive": s})
    assert "| answers quoting a question line or heading | 1 |" in text
    assert "| a.txt | tune | 2+0 |" in rd.doc_table({"extractive": s}, "extractive")


# ---------------------------------------------------------------- a tiny run

def test_runner_end_to_end_with_the_extractive_backend(tmp_path, fake_embedder):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    chosen = [BY_ID["xzfaq-01"], BY_ID["gitfaq-06"], BY_ID["sqlfaq-09"], BY_ID["xzfaq-L01"]]
    for q in chosen:
        shutil.copy(rd.DOCS / q.doc, corpus / q.doc)
    result = rd.run(["extractive"], chosen, embedder=fake_embedder, corpus=corpus,
                    index=tmp_path / "index")
    r = result["extractive"]
    assert (r["answerable_n"], r["lookalike_n"], r["lost_n"], len(r["rows"])) == (3, 1, 0, 4)
    assert set(r["by_doc"]) == {"xz-faq.txt", "gitfaq.html", "sqlite-faq.html"}
    for x in (x for row_ in r["rows"] for x in row_["quotes"]):
        assert x["located"] and x["label"] in (None, "question", "heading")
    json.dumps(result)  # per-question rows are plain data
    assert "| xz-faq.txt | tune |" in rd.markdown(result, {"label": "t", "split": "all",
                                                           "when": "now", "seconds": 1.0})


def test_the_quality_table_has_the_real_documents_set_beside_everyday():
    from evals import quality

    sets = [s for s, *_ in quality.ROWS]
    assert sets.index("realdocs") > sets.index("everyday")
    report = {"meta": {"label": "a", "when": "now", "n": {"realdocs_answerable": 120,
                                                          "realdocs_unanswerable": 30},
                       "squad": {"answerable": 1, "unanswerable": 1, "seed": 0, "split": "report"}},
              "results": {"extractive": {"realdocs": {"grounded": 0.5, "label_answers": 3}}}}
    text = quality.table(report)
    assert "| real documents: answerable grounded (n=120) | 0.500 |" in text
    assert "| real documents: answers quoting a question line or heading | 3 |" in text
