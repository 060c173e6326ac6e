"""The reading-fidelity benchmark: its metrics count what they claim to (a doubled run, a dropped
word, a moved paragraph, a running header left in, a wrong date), a format without a reader is
reported, not crashed on, its files are the ones SOURCES.md lists, and a small run goes end to
end on real files of the set."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from assistant.readers.base import BODY, FURNITURE, HEADING, TABLE, TextBuilder
from evals import fidelity as fb

SOURCES = (fb.SET_DIR / "SOURCES.md").read_text(encoding="utf-8")


def paged(*pages: list[tuple[str, str]]):
    """An Extracted with one page per argument, each a list of (kind, text) blocks."""
    tb = TextBuilder()
    for number, blocks in enumerate(pages, 1):
        tb.begin_page()
        for kind, text in blocks:
            tb.add(text, kind)
        tb.end_page(number)
    return tb.build(format="pdf", page_count=len(pages))


# ---------------------------------------------------------------- the metrics

def test_words_are_casefolded_and_stripped_at_the_edges_only():
    assert fb.words("The “secrets.choice(sequence)” call, isn’t it?") == [
        "the", "secrets.choice", "sequence", "call", "isn't", "it"]
    assert fb.words("3.2.Changed QUILT_PATCHES") == ["3.2.changed", "quilt", "patches"]


def test_a_dropped_word_lowers_recall_and_an_extra_word_precision():
    ref = fb.words("one two three four")
    assert fb.word_scores(ref, fb.words("one two four"))["recall"] == pytest.approx(0.75)
    scores = fb.word_scores(ref, fb.words("one two three four five"))
    assert scores["recall"] == 1.0 and scores["precision"] == pytest.approx(0.8)
    assert scores["extra"] == ["five ×1"]
    assert scores["differences"] == ["insert:  → five"]


def test_ignore_extra_forgives_only_the_words_it_names():
    ref = fb.words("Contents Introduction Usage")
    scores = fb.word_scores(ref, fb.words("Contents Introduction 1 Usage 2 junk"), r"^\d+$")
    assert scores["ignored_extra"] == 2
    assert scores["precision"] == pytest.approx(3 / 4)


def test_a_moved_paragraph_counts_as_out_of_order_and_not_as_lost():
    ref = fb.words("alpha beta gamma delta epsilon zeta eta theta")
    got = fb.words("epsilon zeta eta theta alpha beta gamma delta")
    scores = fb.word_scores(ref, got)
    assert scores["recall"] == 1.0 and scores["precision"] == 1.0
    assert scores["out_of_order"] == pytest.approx(0.5)
    assert fb.word_scores(ref, ref)["out_of_order"] == 0.0


def test_a_footnote_listed_as_floating_may_sit_anywhere_but_other_moves_still_count():
    ref = fb.words("one two three four five six. 1 A note of five words. seven eight")
    note = (tuple(fb.words("1 A note of five words.")),)
    got = fb.words("one two three four five six seven eight 1A note of five words.")
    assert fb.word_scores(ref, got)["out_of_order"] > 0
    assert fb.word_scores(ref, got, floats=note)["out_of_order"] == 0.0  # mark glued: still found
    moved = fb.words("seven eight one two three four five six 1 A note of five words.")
    assert fb.word_scores(ref, moved, floats=note)["out_of_order"] == pytest.approx(2 / 14)


def test_doubled_letter_runs_are_counted_unless_the_reference_has_the_word():
    ref = set(fb.words("Trust the slipway and Tom; it needed care"))
    assert fb.doubled_runs("TrTrust the slipway.y. and ToTom", ref) == [
        "trtrust", "slipway.y.", "totom"]
    assert fb.doubled_runs("it needed care", ref) == []  # "needed" ends in "eded": a real word
    assert fb.doubled_runs("bonbon murmur", ref) == []  # repeats, but no reference word inside
    assert fb.doubled_runs("f(x ,int,int);", set(fb.words("int x"))) == []  # code, not a run


def test_table_rows_count_their_column_names_once_per_table():
    doc = paged([(BODY, "Required directories:"),
                 (TABLE, "Directory: bin | Description: Essential command binaries"),
                 (TABLE, "Directory: boot | Description: Static files of the boot loader"),
                 (BODY, "Commands:"), (TABLE, "Command: cat | Description: concatenate")])
    assert fb.words(fb.header_once_text(doc)) == fb.words(
        "Required directories: Directory Description bin Essential command binaries "
        "boot Static files of the boot loader Commands: Command Description cat concatenate")
    assert fb.body_text(doc).count("Directory:") == 2  # the text itself is left as read


def test_a_running_header_left_in_the_body_is_counted_per_page():
    furniture = ((1, ("How to use bzip2", "3")), (2, ("How to use bzip2", "4")))
    clean = paged([(FURNITURE, "How to use bzip2"), (BODY, "Compression is always done."),
                   (FURNITURE, "3")],
                  [(FURNITURE, "How to use bzip2"), (BODY, "Files of less than 100 bytes."),
                   (FURNITURE, "4")])
    assert fb.furniture_left(clean, furniture)["left_in"] == 0
    leaked = paged([(BODY, "How to use bzip2\nCompression is always done."), (FURNITURE, "3")],
                   [(HEADING, "How to use bzip2"), (BODY, "Files of less than 100 bytes. 4")])
    result = fb.furniture_left(leaked, furniture)
    assert result["left_in"] == 2 and result["clean"] == 0.0
    assert result["examples"] == ["p1: How to use bzip2", "p2: How to use bzip2"]


def test_a_long_furniture_line_is_found_inside_a_paragraph():
    url = "file:///tmp/rd/x/sqlite3-doc/limits.html 2/5"
    doc = paged([(BODY, "first page")], [(BODY, f"the schema is held in memory. {url} more")])
    assert fb.furniture_left(doc, ((1, (url.replace("2/5", "1/5"),)), (2, (url,))))[
        "left_in"] == 1


def test_a_header_written_a_character_at_a_time_is_still_found():
    header = "12/6/26, 4:38 AM Filesystem Hierarchy Standard"
    spaced = "1 2 / 6 / 2 6 , 4:3 8 A M File s y s t e m Hie r a r c h y S t a n d a r d"
    doc = paged([(BODY, "Table of Contents"), (BODY, spaced)])
    assert fb.furniture_left(doc, ((1, (header,)),))["left_in"] == 1
    part = paged([(BODY, "3.1. Purpose"), (TABLE, "12/6/26, 4:38 AM Directory | Description")])
    assert fb.furniture_left(part, ((1, (header,)),))["left_in"] == 1  # a part left in
    title_only = paged([(HEADING, "Filesystem Hierarchy Standard"), (BODY, "Version 3.0")])
    assert fb.furniture_left(title_only, ((1, (header,)),))["left_in"] == 0  # the real title


def test_titles_and_dates_are_right_absent_or_wrong():
    assert fb.judge("2022-01-20", "2022-01-20", ()) == "right"
    assert fb.judge("2026-12-06", "2022-01-20", ()) == "wrong"
    assert fb.judge("2026-12-06", None, ("2026-12-06",)) == "right"
    assert fb.judge(None, "2022-01-20", ()) == "absent"
    assert fb.judge("2019-07-13", None, ()) == "wrong"  # none is right: must be absent
    assert fb.judge("General Python FAQ¶", "General Python FAQ", ()) == "wrong"
    assert fb.judge("  sqlite  FREQUENTLY asked questions", "SQLite Frequently Asked Questions",
                    ()) == "right"


def test_a_format_without_a_reader_is_reported_not_crashed_on(tmp_path):
    odd = tmp_path / "deck.fidelity-unknown"
    odd.write_bytes(b"PK\x03\x04 not really anything")
    ref = tmp_path / "deck.ref.txt"
    ref.write_text("some words\n", encoding="utf-8")
    item = fb.Item(name=odd.name, path=odd, ref=ref, format="unknown", producer="test")
    report = fb.run([item], repeat=1)
    assert report["files"][0]["status"] == "unsupported"
    assert report["pooled"]["unsupported"] == 1 and report["pooled"]["read"] == 0
    assert "unsupported" in fb.group_table(report["groups"], report["pooled"])


def test_a_file_the_reader_fails_on_is_an_error_row(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not a PDF")
    ref = tmp_path / "broken.ref.txt"
    ref.write_text("words\n", encoding="utf-8")
    row = fb.measure(fb.Item(name=bad.name, path=bad, ref=ref, format="pdf", producer="x"), 1)
    assert row["status"] == "error" and row["error"]


# ---------------------------------------------------------------- the set

def test_the_manifest_names_existing_files_and_references():
    items = fb.load_manifest()
    assert 15 <= len(items) <= 25
    assert len({i.name for i in items}) == len(items)
    for item in items:
        assert item.path.is_file(), item.path
        if item.ref is not None:
            assert item.ref.is_file() and fb.words(item.ref.read_text(encoding="utf-8")), item.ref
    groups = {i.group for i in items}
    assert {"pdf-typeset", "pdf-chromium", "pdf-libreoffice", "html", "docx", "odt", "xlsx",
            "ods", "pptx", "odp"} <= groups


def test_files_made_here_are_the_ones_sources_lists_unchanged():
    rows = dict(re.findall(r"^\| ((?:docs|sources)/[\w.-]+) \|.*\| `([0-9a-f]{64})` \|$",
                           SOURCES, re.M))
    on_disk = sorted(str(p.relative_to(fb.SET_DIR)) for d in ("docs", "sources")
                     for p in (fb.SET_DIR / d).iterdir())
    assert sorted(rows) == on_disk
    for name, sha in rows.items():
        data = (fb.SET_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha, f"{name} was edited: the files are data"


def test_a_small_run_end_to_end(tmp_path):
    out = tmp_path / "fidelity.json"
    assert fb.main(["--files", "*.docx", "--repeat", "1", "--out", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    rows = {r["name"]: r for r in report["files"]}
    assert set(rows) == {"sorting-howto.docx", "apache-2.0.docx"}
    for row in rows.values():
        assert row["status"] == "read"
        assert row["recall"] > 0.9 and row["precision"] > 0.9
        assert row["title"] in {"right", "absent", "wrong"}
    assert report["groups"]["docx"]["read"] == 2
    assert report["pooled"]["files_per_s"] > 0


def test_no_file_matching_is_a_clear_exit(capsys):
    assert fb.main(["--files", "no-such-file-*", "--repeat", "1"]) == 2
    assert "no file of" in capsys.readouterr().err


def test_quality_runs_the_fidelity_set_alone_without_a_model(monkeypatch):
    from evals import quality

    calls = []
    monkeypatch.setattr(fb, "main", lambda argv: calls.append(argv) or 0)
    assert quality.main(["--sets", "fidelity"]) == 0
    assert calls == [[]]
