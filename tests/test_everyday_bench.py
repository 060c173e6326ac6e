"""The everyday-documents benchmark: its documents and questions are well formed, its scorer
matches answers and judges cut quotes as documented, its PDF and Word files are what
make_docs builds, and a tiny run goes end to end (extractive backend, fake embedder)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from functools import lru_cache

import pytest

from assistant.readers import read_document
from assistant.types import Answer, Citation
from evals import everyday as ev

QUESTIONS = ev.load_questions()
BY_ID = {q.id: q for q in QUESTIONS}
KINDS = {"money", "percent", "quantity", "clock_time", "date", "duration", "name", "role",
         "reason", "yesno", "other"}


@lru_cache(maxsize=None)
def extracted(doc: str) -> str:
    return read_document(ev.DOCS / doc).text


def collapsed(s: str) -> str:
    return " ".join(s.split())


# ---------------------------------------------------------------- documents

def test_every_format_is_there_as_the_brief_describes():
    docs = sorted(p.name for p in ev.DOCS.iterdir())
    suffixes = Counter(p.rsplit(".", 1)[1] for p in docs)
    assert len(docs) >= 10 and suffixes["pdf"] >= 2 and suffixes["docx"] >= 1
    assert suffixes["html"] >= 2 and suffixes["md"] >= 1 and suffixes["txt"] >= 2
    widths = {max(map(len, (ev.DOCS / d).read_text(encoding="utf-8").splitlines()))
              for d in docs if d.endswith(".txt")}
    assert {72, 100} <= widths  # hard-wrapped at 72 and at 100 columns
    for doc in docs:
        words = len(extracted(doc).split())
        assert 400 <= words <= 1500, (doc, words)


def test_markdown_has_headings_wrapped_list_items_and_a_pipe_table():
    for doc in (d.name for d in ev.DOCS.glob("*.md")):
        text = (ev.DOCS / doc).read_text(encoding="utf-8")
        assert re.search(r"^# ", text, re.M) and re.search(r"^## ", text, re.M), doc
        assert re.search(r"^(- |\d+\. ).*\n   ?\S", text, re.M), doc  # an item wraps
        assert re.search(r"^\|.*\|\n\|[-| ]+\|$", text, re.M), doc


def test_html_pages_hide_their_furniture_from_the_reader():
    for page in ev.DOCS.glob("*.html"):
        raw = page.read_text(encoding="utf-8")
        assert all(tag in raw for tag in ("<nav", "<header", "<footer", "<aside", "cookie"))
        assert "cookie" not in extracted(page.name).lower()
    assert any("<table" in p.read_text(encoding="utf-8") for p in ev.DOCS.glob("*.html"))


# ---------------------------------------------------------------- questions

def test_question_ids_docs_counts_and_kinds():
    assert len(BY_ID) == len(QUESTIONS)
    assert all((ev.DOCS / q.doc).is_file() for q in QUESTIONS)
    answerable = [q for q in QUESTIONS if q.answerable]
    lookalikes = [q for q in QUESTIONS if not q.answerable]
    assert len(answerable) >= 80 and len(lookalikes) >= 30
    assert len({q.doc for q in QUESTIONS}) >= 10
    assert len({q.id.split("-")[0] for q in QUESTIONS}) >= 8  # subjects
    assert KINDS <= {q.kind for q in answerable} and {q.kind for q in lookalikes} == {"lookalike"}
    assert all(q.answers and q.evidence for q in answerable)


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.answerable], ids=lambda q: q.id)
def test_evidence_is_in_the_extracted_text_and_holds_an_answer(q):
    assert collapsed(q.evidence) in collapsed(extracted(q.doc)), "evidence not in the document"
    assert ev.contains(q.evidence, q.answers), "no answer inside the evidence"


@pytest.mark.parametrize("q", [q for q in QUESTIONS if not q.answerable], ids=lambda q: q.id)
def test_lookalikes_name_a_term_their_document_does_not_hold(q):
    assert q.missing and q.missing.lower() not in extracted(q.doc).lower()
    assert q.lookalike_of in BY_ID and BY_ID[q.lookalike_of].answerable
    assert BY_ID[q.lookalike_of].doc == q.doc


def test_at_least_ten_answers_sit_in_a_sentence_across_a_line_break():
    wrapped = 0
    for q in QUESTIONS:
        if q.answerable and q.doc.endswith((".txt", ".md")):
            pattern = r"\s+".join(map(re.escape, q.evidence.split()))
            m = re.search(pattern, (ev.DOCS / q.doc).read_text(encoding="utf-8"))
            wrapped += bool(m and "\n" in m.group(0))
    assert wrapped >= 10


def test_money_comes_in_many_currencies_and_forms():
    money = " ".join(a for q in QUESTIONS if q.kind == "money" for a in q.answers)
    for form in ("€", "EUR", "euros", "SEK", "kronor", "AUD", "US$", "CHF", "¥", "CAD", "NOK"):
        assert form in money, form


def test_splits_are_halves_by_id_and_disjoint():
    tune, report = ev.select(QUESTIONS, "tune"), ev.select(QUESTIONS, "report")
    assert not {q.id for q in tune} & {q.id for q in report}
    assert len(tune) + len(report) == len(QUESTIONS) == len(ev.select(QUESTIONS, "all"))
    assert 0.3 < len(tune) / len(QUESTIONS) < 0.7
    with pytest.raises(ValueError, match="split must be one of"):
        ev.select(QUESTIONS, "train")


# ---------------------------------------------------------------- matching answers

@pytest.mark.parametrize("text, gold", [
    ("The first ferry leaves at 07:10 [1].", "07:10"),
    ("It is the landlord’s agent.", "landlord's agent"),
    ("Growth of 6–8% is expected.", "6-8%"),
    ("A card costs SEK\u00a02,400.", "SEK 2,400"),
    ("It is NOT PERMITTED.", "not permitted"),
    ("Heated to 34 \u2103.", "34 °C"),
    ("Dogs are not allowed in the saloon.", "not allowed"),
])
def test_answers_found_after_normalisation(text, gold):
    assert ev.contains(text, (gold,))


@pytest.mark.parametrize("text, gold", [
    ("The first ferry leaves at 0710.", "07:10"),  # punctuation is kept
    ("The first ferry leaves at 07:10.", "7:10"),  # not part of a longer time
    ("The last one leaves at 17:10.", "7:10"),
    ("A card costs SEK 2400.", "SEK 2,400"),  # separators as written
    ("A jar costs €12,50.", "€12.50"),
    ("Margins rose by 2.12% this year.", "12%"),
    ("Heating is not included in the rent.", "included in the rent"),  # negated
    ("See the notice [1].", "1"),  # citation markers are not answers
])
def test_answers_not_found(text, gold):
    assert not ev.contains(text, (gold,))


# ---------------------------------------------------------------- cut quotes

WRAPPED = ("WEEKDAY SAILINGS\n\nOn weekdays the first ferry leaves Norrvik at 07:10, and the "
           "return\nsailing is at 17:05, except in January. Dogs are welcome on deck but are\n"
           "not allowed in the saloon.\n")


def cuts(text: str, quote: str, occurrence: int = 0) -> tuple[bool, bool]:
    start = [m.start() for m in re.finditer(re.escape(quote), text)][occurrence]
    return ev.quote_cuts(text, start, start + len(quote))


def test_a_quote_ending_at_a_wrap_mid_sentence_is_cut():
    assert cuts(WRAPPED, "On weekdays the first ferry leaves Norrvik at 07:10, and the return") \
        == (False, True)


def test_a_whole_sentence_across_a_wrap_is_whole():
    sentence = "On weekdays the first ferry leaves Norrvik at 07:10, and the return\nsailing " \
               "is at 17:05, except in January."
    assert cuts(WRAPPED, sentence) == (False, False)
    assert cuts(WRAPPED, "Dogs are welcome on deck but are\nnot allowed in the saloon.") \
        == (False, False)


def test_a_quote_starting_after_a_wrap_or_a_comma_is_cut():
    assert cuts(WRAPPED, "sailing is at 17:05, except in January.") == (True, False)
    assert cuts(WRAPPED, "and the return\nsailing is at 17:05") == (True, True)
    assert cuts(WRAPPED, "WEEKDAY SAILINGS") == (False, False)  # a heading paragraph


MARKDOWN = ("## Practical details\n\n- Bring an apron and a 1.5 litre container with a lid "
            "for\n  the dough you take home on Saturday evening\n- Eight participants at most\n"
            "\n| Day | Time | What we do |\n|---|---|---|\n| Sunday | 16:00 | End of the course |\n"
            "| Monday | 09:00 | Nothing at all |\n\nThe chair told the members what she said: "
            "the orchestra\ngrew by four percent over the year, and more is to come.\n")


def test_list_items_table_rows_and_headings_are_whole():
    assert cuts(MARKDOWN, "Practical details") == (False, False)
    assert cuts(MARKDOWN, "Eight participants at most") == (False, False)
    item = "Bring an apron and a 1.5 litre container with a lid for\n  the dough you take home " \
           "on Saturday evening"
    assert cuts(MARKDOWN, item) == (False, False)
    assert cuts(MARKDOWN, "| Sunday | 16:00 | End of the course |") == (False, False)
    assert cuts(MARKDOWN, "Sunday | 16:00 | End of the course") == (False, False)


def test_a_list_item_cut_at_its_own_wrap_is_cut():
    assert cuts(MARKDOWN, "Bring an apron and a 1.5 litre container with a lid for") \
        == (False, True)


def test_a_quote_ending_in_said_colon_is_whole_and_mid_sentence_ends_are_cut():
    assert cuts(MARKDOWN, "The chair told the members what she said:") == (False, False)
    assert cuts(MARKDOWN, "the orchestra\ngrew by four percent over the year") == (True, True)


def test_deliberate_short_lines_are_boundaries_in_text_and_extracted_formats():
    letter = ("CATARAQUI COMMUNITY ORCHESTRA\nSpring Newsletter, April 2024\n\nDear members, "
              "this paragraph is long enough to set the width of the wrapped text here.\n"
              "With best wishes for a good season,\nMartin Keller, President")
    assert cuts(letter, "CATARAQUI COMMUNITY ORCHESTRA") == (False, False)
    assert cuts(letter, "Spring Newsletter, April 2024") == (False, False)
    assert cuts(letter, "Martin Keller, President") == (False, False)


# ---------------------------------------------------------------- scoring rows

def answer(text: str, *quotes: tuple[str, int], abstained: bool = False) -> Answer:
    cites = tuple(Citation(number=i, source="doc.txt", quote=q, start=s, end=s + len(q))
                  for i, (q, s) in enumerate(quotes, 1))
    return Answer(question="q", text=text, citations=cites, abstained=abstained)


def test_rows_and_summary():
    text = WRAPPED
    whole = "Dogs are welcome on deck but are\nnot allowed in the saloon."
    cut = "On weekdays the first ferry leaves Norrvik at 07:10, and the return"
    q_dog = ev.Question("d-01", "doc.txt", "Dogs in the saloon?", "yesno", True, ("not allowed",))
    q_time = ev.Question("d-02", "doc.txt", "First ferry?", "clock_time", True, ("07:10",))
    q_fake = ev.Question("d-L01", "doc.txt", "Cats?", "lookalike", False, missing="cat")
    rows = [ev.score(q_dog, answer("They are not allowed [1].", (whole, text.index(whole))),
                     lambda s: text),
            ev.score(q_time, answer("At 07:10 [1].", (cut, text.index(cut))), lambda s: text),
            ev.score(q_fake, answer("Cats are welcome [1].", (cut, text.index(cut))),
                     lambda s: text),
            ev.score(q_time, answer("The documents don't say.", abstained=True), lambda s: text)]
    assert [r["grounded"] for r in rows] == [True, True, False, False]
    assert [r["cut"] for r in rows] == [0, 1, 1, 0]
    s = ev.summarise(rows)
    assert (s["answerable_n"], s["lookalike_n"], s["answered_n"]) == (3, 1, 3)
    assert s["grounded"] == pytest.approx(2 / 3) and s["false_abstain"] == pytest.approx(1 / 3)
    assert s["lookalike_abstain"] == 0.0 and s["precision"] == pytest.approx(2 / 3)
    assert (s["quotes"], s["cut_quotes"], s["unlocated_quotes"]) == (3, 2, 0)
    assert s["by_kind"]["clock_time"] == {"n": 2, "grounded": 0.5}
    assert s["by_format"] == {".txt": {"n": 3, "grounded": pytest.approx(2 / 3)}}
    assert "| cut quotes (of cited quotes) | 2 of 3 |" in ev.table({"x": s})


def test_a_quote_not_at_its_offsets_is_not_judged():
    q = ev.Question("d-02", "doc.txt", "First ferry?", "clock_time", True, ("07:10",))
    row = ev.score(q, answer("At 07:10 [1].", ("07:10 nowhere", 0)), lambda s: WRAPPED)
    assert row["quotes"][0]["located"] is False and row["cut"] == 0


def test_a_quote_differing_only_in_whitespace_is_judged_and_counted():
    q = ev.Question("d-02", "doc.txt", "First ferry?", "clock_time", True, ("07:10",))
    span = WRAPPED[:WRAPPED.index("the return") + len("the return")]  # heading, blank line, ...
    cite = Citation(number=1, source="doc.txt", quote=" ".join(span.split()), start=0,
                    end=len(span))
    ans = Answer(question="q", text="At 07:10 [1].", citations=(cite,))
    row = ev.score(q, ans, lambda s: WRAPPED)
    x = row["quotes"][0]
    assert x["located"] and not x["verbatim"] and (x["cut_start"], x["cut_end"]) == (False, True)
    assert ev.summarise([row])["non_verbatim_quotes"] == 1


def test_rescore_scores_a_saved_run_again_against_the_current_gold():
    q = BY_ID["ferry-01"]
    text = extracted(q.doc)
    start = text.index("On weekdays")
    quote = text[start:text.index("17:05") + len("17:05")]
    saved_row = {"question": q.question, "answer": "At 07:10 [1].", "abstained": False,
                 "quotes": [{"source": q.doc, "quote": quote, "start": start,
                             "end": start + len(quote)}], "seconds": 1.5}
    gone = {**saved_row, "question": "A question no longer in the file?"}
    result = ev.rescore({"local": {"rows": [saved_row, gone], "seconds": 9}}, QUESTIONS)
    (row,) = result["local"]["rows"]
    assert row["id"] == "ferry-01" and row["grounded"] and row["cut"] == 1  # ends mid-sentence
    assert row["seconds"] == 1.5 and result["local"]["answerable_n"] == 1


# ---------------------------------------------------------------- generated files

def test_generated_pdf_and_docx_are_up_to_date(monkeypatch):
    # a script beside the data, not a package module (evals/everyday.py holds the name)
    spec = importlib.util.spec_from_file_location("everyday_make_docs", ev.HERE / "make_docs.py")
    make_docs = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, make_docs)  # its dataclasses look it up
    spec.loader.exec_module(make_docs)
    assert {t.name.rsplit(".", 1)[1] for t in make_docs.TARGETS} == {"pdf", "docx"}
    for target in make_docs.TARGETS:
        assert make_docs.built(target) == (ev.DOCS / target.name).read_bytes(), (
            f"{target.name} is out of date: run python evals/everyday/make_docs.py")


# ---------------------------------------------------------------- a tiny run

def test_runner_end_to_end_with_the_extractive_backend(tmp_path, fake_embedder):
    chosen = [BY_ID["ferry-01"], BY_ID["tenancy-05"], BY_ID["walk-L01"]]
    result = ev.run(["extractive"], chosen, embedder=fake_embedder, index=tmp_path / "index")
    r = result["extractive"]
    assert (r["answerable_n"], r["lookalike_n"], len(r["rows"])) == (2, 1, 3)
    for row in r["rows"]:
        assert all(x["located"] for x in row["quotes"]), row["id"]  # offsets are the text's
    json.dumps(result)  # per-question rows are plain data
