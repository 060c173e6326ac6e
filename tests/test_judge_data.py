"""The judge's FAQ training pairs: read as the assistant reads an FAQ, labelled by layout."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

from training import judge_data
from training.judge_data import faq_entries, faq_pairs, pod_to_markdown

POD = """=head1 NAME

perlfaqX - Things

=head2 How do I count the lines of a file?
X<lines, count>

Read it line by line and add one for each C<readline>; see L<perlfunc/eof>.

    while (<$fh>) { $n++ }

=head2 Why is my output buffered?

Because E<lt>STDOUTE<gt> is line-buffered only when it goes to a terminal.

=cut
"""


def test_pod_becomes_markdown_headings_with_inline_codes_unwrapped():
    md = pod_to_markdown(POD)
    assert "## How do I count the lines of a file?" in md
    assert "lines, count" not in md  # an index entry is not text
    assert "add one for each readline; see perlfunc/eof." in md
    assert "<STDOUT>" in md and "=cut" not in md


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


def test_an_entry_is_its_question_heading_and_the_sentences_under_it(tmp_path):
    entries = faq_entries(_write(tmp_path, "things.pod", POD))
    questions = [q for q, *_ in entries]
    assert questions == ["How do I count the lines of a file?", "Why is my output buffered?"]
    q, section, written, sents = entries[1]
    assert section.endswith("Why is my output buffered?") and "buffered" in written
    assert sents[0].startswith("Because <STDOUT> is line-buffered")


def test_numbered_plain_text_questions_lose_their_numbers(tmp_path):
    text = ("Frequently Asked Questions\n\n 1. Can the library read archives?\n\n"
            "    Yes, it reads zip and tar archives of any size.\n\n"
            " 2. Is the library thread safe?\n\n    It is safe when each thread has its own "
            "handle and nothing is shared.\n")
    entries = faq_entries(_write(tmp_path, "lib-faq.txt", text))
    assert [q for q, *_ in entries] == ["Can the library read archives?",
                                        "Is the library thread safe?"]


def test_pairs_label_the_first_answer_sentence_and_never_the_question_line(tmp_path, monkeypatch):
    monkeypatch.setattr(judge_data, "FAQ", tmp_path)
    _write(tmp_path, "things.pod", POD.replace("=cut", (
        "=head2 How do I read a file one line at a time?\n\n"
        "Open the file and call readline; the lines of a file come one at a time.\n\n=cut")))
    pairs = faq_pairs(random.Random(0))
    positives = [p for p in pairs if p.label == 1]
    assert {p.text.split()[0] for p in positives} == {"Read", "Because", "Open"}
    for p in positives:  # read under its heading, with the question line before it
        assert p.question in p.title and p.question in p.before
    lines = [p for p in pairs if p.origin == "faq-question-line"]
    assert len(lines) == 3 and all(p.label == 0 and p.question in p.text for p in lines)
    # another entry's answer sharing the question's words is a negative, read under its own
    # heading
    count = "How do I count the lines of a file?"
    others = [p for p in pairs if p.origin == "faq-other-entry" and p.question == count]
    assert others and all(p.label == 0 for p in others)
    assert any(p.text.startswith("Open the file") and "one line at a time" in p.title
               for p in others)


def test_the_shipped_faq_files_give_pairs_from_every_file():
    pairs = faq_pairs(random.Random(1))
    files = {p.group.split("-", 1)[1].rsplit("-", 1)[0] for p in pairs}
    assert files == {p.name for p in judge_data.FAQ.glob("*.gz")}
    assert sum(p.label for p in pairs) > 400
