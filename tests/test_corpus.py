import codecs

import pytest

from assistant.corpus import load_corpus, parse_document
from assistant.errors import CorpusError
from assistant.types import BODY, COMMENT, FURNITURE, INDEXED_KINDS

from conftest import SEEDS, write_corpus


@pytest.fixture(scope="module")
def seeds():
    return load_corpus(SEEDS)


def test_reads_every_seed_with_metadata(seeds):
    meta = {d.source: d.meta for d in seeds.documents}
    assert len(meta) == 5
    cyp = meta["003_a310f2980b1c4954.txt"]
    assert cyp.title == "Troubled council shelves plans to outsource children's services"
    assert (cyp.date, cyp.author, cyp.publisher) == ("2018-08-24", "Joe Lepper", "CYP Now")
    assert meta["001_2ba70a0c4e9ed977.txt"].date == "2015-02-23"
    assert meta["002_7221a45d64e2d799.txt"].date == "2015-12-08"
    assert meta["004_50a226ac8d1ad7c1.txt"].date == "2016-04-27"
    assert meta["004_50a226ac8d1ad7c1.txt"].author == "The Newsroom"
    assert meta["000_7bd80a9f28212646.txt"].date is None  # the text states none
    assert all(m.title for m in meta.values())


def test_text_is_the_file_untouched(seeds):
    for doc in seeds.documents:
        assert doc.text == (SEEDS / doc.source).read_text(encoding="utf-8")
        for span in doc.spans:
            assert doc.text[span.start:span.end].strip() == doc.text[span.start:span.end]


def _indexed_text(doc):
    return "\n".join(doc.text[s.start:s.end] for s in doc.spans if s.kind in INDEXED_KINDS)


def test_page_furniture_is_not_indexed(seeds):
    indexed = "\n".join(_indexed_text(d) for d in seeds.documents)
    for furniture in ("Sign up to our daily newsletter", "Subscribe", "From £15 / month",
                      "Latest digital issues", "CYP Now Digital membership",
                      "Click link below for related CYP Now content:",
                      "Opinion: Public sector market failures undermine social care reforms"):
        assert furniture not in indexed
    hopkins = seeds.get("004_50a226ac8d1ad7c1.txt")
    lone = [s for s in hopkins.spans if hopkins.text[s.start:s.end] == "Alex Hopkins"]
    assert len(lone) == 4 and all(s.kind == FURNITURE for s in lone)
    # a repeated caption is indexed once
    assert indexed.count("Picture: Lucie Carlier") == 1


def test_reporting_is_kept(seeds):
    doc = seeds.get("004_50a226ac8d1ad7c1.txt")
    assert "A total 43 per cent of the department’s social workers" in _indexed_text(doc)


def test_reader_comments_are_tagged(seeds):
    doc = seeds.get("000_7bd80a9f28212646.txt")
    kinds = [(doc.text[s.start:s.end][:20], s.kind) for s in doc.spans]
    comments = [t for t, k in kinds if k == COMMENT]
    assert [c[:4] for c in comments] == ["Wow ", "Mari", "Pity"]
    assert kinds[-4][1] == BODY  # the last line of reporting ("...deemed ‘inadequate’...")
    for other in seeds.documents[1:]:
        assert not any(s.kind == COMMENT for s in other.spans)


def test_comment_detection_in_other_text():
    article = parse_document("x.txt", "A headline\n12 May 2021\nThe board said it would act.\n"
                             "Well said Bob, my kids would love it too!\n")
    assert [s.kind for s in article.spans][-1] == COMMENT
    thread = parse_document("y.txt", "A headline\nThe board said it would act.\n"
                            "Well said Bob, my kids would love it too!\nWow, I agree!\n")
    assert [s.kind for s in thread.spans][-2:] == [COMMENT, COMMENT]


def test_a_letter_that_ends_warmly_has_no_reader_comments():
    letter = parse_document("letter.txt", "Summer camp\n\nThe camp runs from 4 to 8 August "
                            "and costs AUD 150.\n\nAny questions? Call me on 0400 000 000!\n")
    assert COMMENT not in [s.kind for s in letter.spans]


def test_everyday_lines_are_not_page_furniture_or_bylines():
    doc = parse_document("club.txt", "Rowing Club Notes\n\nHelen Marsh\n\nMembership costs "
                         "EUR 40 a year.\n\nRent: CHF 1,850 per month.\n\n- Bring a towel\n")
    kinds = {doc.text[s.start:s.end]: s.kind for s in doc.spans}
    assert kinds["Membership costs EUR 40 a year."] == BODY
    assert kinds["Rent: CHF 1,850 per month."] == BODY
    assert kinds["- Bring a towel"] == BODY
    assert kinds["Helen Marsh"] == BODY  # a name is a byline only beside the article's date


def test_missing_and_empty_corpus_are_clear_errors(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no readable documents"):
        load_corpus(tmp_path / "empty")


def test_binary_and_legacy_encodings(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"good.txt": "Plain text about the council.\n"})
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (corpus / "legacy.txt").write_bytes("Caf\xe9 prices rose \x9310%\x94.\n".encode("latin-1"))
    (corpus / "blank.md").write_text("   \n")
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4")
    c = load_corpus(corpus)
    assert sorted(d.source for d in c.documents) == ["good.txt", "legacy.txt"]
    legacy = c.get("legacy.txt")
    assert legacy.meta.encoding == "cp1252" and "Café prices rose “10%”." in legacy.text
    assert {s.path: s.reason for s in c.skipped} == {
        "image.txt": "binary file (NUL bytes); skipped", "blank.md": "empty file; skipped",
        "notes.pdf": "corrupt or truncated PDF; skipped"}


def test_unicode_text_with_a_byte_order_mark_is_read(tmp_path):
    """Windows Notepad's "Unicode" (UTF-16 LE with a BOM), and UTF-16 BE and UTF-32: read,
    not skipped as binary for the NUL bytes of their wide characters."""
    text = "Riverton café opens at nine.\r\nThe ferry “Kestrel” leaves at ten — daily.\r\n"
    corpus = write_corpus(tmp_path / "c", {"good.txt": "Plain text about the council.\n"})
    for name, raw in {"notepad.txt": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
                      "mac.md": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
                      "wide.txt": codecs.BOM_UTF32_LE + text.encode("utf-32-le")}.items():
        (corpus / name).write_bytes(raw)
    (corpus / "broken.txt").write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # half a pair
    (corpus / "nul.txt").write_bytes(codecs.BOM_UTF16_LE + "a\x00b".encode("utf-16-le"))
    c = load_corpus(corpus)
    assert sorted(d.source for d in c.documents) == ["good.txt", "mac.md", "notepad.txt",
                                                     "wide.txt"]
    for name, encoding in (("notepad.txt", "utf-16"), ("mac.md", "utf-16"), ("wide.txt", "utf-32")):
        doc = c.get(name)
        assert doc.text == text and doc.meta.encoding == encoding
        assert any("“Kestrel” leaves at ten — daily." in doc.text[s.start:s.end]
                   for s in doc.spans)
    assert {s.path: s.reason for s in c.skipped} == {
        "broken.txt": "not valid UTF-16 text, though it starts with a UTF-16 byte order mark; "
                      "skipped",
        "nul.txt": "binary file (NUL characters); skipped"}


def test_only_binary_files_is_a_corpus_error(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "x.txt").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(CorpusError, match="x.txt: binary"):
        load_corpus(tmp_path / "c")


def test_a_nul_byte_anywhere_makes_a_file_binary(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"good.txt": "Plain text about the council.\n"})
    (corpus / "late.txt").write_bytes(b"Plain text line.\n" * 1000 + b"\x00\x01 tail\n")
    (corpus / "noisy.txt").write_bytes(b"Plain text line.\n" * 1000 + b"\x01\x02\x03\x04\x05" * 40)
    c = load_corpus(corpus)
    assert [d.source for d in c.documents] == ["good.txt"]
    assert {s.path: s.reason for s in c.skipped} == {
        "late.txt": "binary file (NUL bytes); skipped",
        "noisy.txt": "binary file (control characters); skipped"}


def test_a_file_over_the_size_limit_is_skipped_before_it_is_read(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", {"good.txt": "Plain text about the council.\n"})
    with open(corpus / "huge.txt", "wb") as f:  # sparse: 73.2 MB on paper, nothing on disk
        f.truncate(int(73.2 * 2**20))
    read = []
    real_read_bytes = type(corpus).read_bytes
    monkeypatch.setattr(type(corpus), "read_bytes",
                        lambda self: read.append(self.name) or real_read_bytes(self))
    c = load_corpus(corpus)
    assert [d.source for d in c.documents] == ["good.txt"] and "huge.txt" not in read
    assert [(s.path, s.reason) for s in c.skipped] == [
        ("huge.txt", "73.2 MB is over the 50 MB limit (ASSISTANT_MAX_FILE_MB); skipped")]
    (corpus / "small.txt").write_text("Plain text. " * 200)  # 2.4 KB
    c = load_corpus(corpus, max_bytes=2048)
    assert [d.source for d in c.documents] == ["good.txt"]
    assert "MB is over the" in dict((s.path, s.reason) for s in c.skipped)["small.txt"]


def test_the_file_size_limit_is_a_setting(monkeypatch):
    from assistant.config import Config
    from assistant.errors import ConfigError

    assert Config.load(env={}).max_file_mb == 50
    assert Config.load(env={"ASSISTANT_MAX_FILE_MB": "2.5"}).max_file_mb == 2.5
    with pytest.raises(ConfigError, match="max_file_mb"):
        Config.load(env={"ASSISTANT_MAX_FILE_MB": "0"})
