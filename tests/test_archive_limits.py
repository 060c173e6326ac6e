"""What a file may expand to is bounded, not only its size on disk (`readers.archive`,
`readers.base.MAX_PAGES`): a small .docx that unzips to 100 MB, a zip whose members give more
than its directory says, one of thousands of members, XML nested past lxml's limit, and a PDF
whose page tree lists one page 100,000 times are each skipped with their reason, and the other
files are indexed.

Before: a 306 KB .docx whose word/document.xml unzips to 100 MB ran for over 600 s at 2.45 GB
(python-docx unzips every part, then looked each paragraph's style up by scanning every style),
and 586 KB of PDF made 100,000 pages to read."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile

import pytest

from assistant.corpus import load_corpus
from assistant.readers import ReadError, read_document
from assistant.readers.archive import MAX_MEMBERS, MAX_TOTAL_BYTES, MB, check_zip

from conftest import ROOT
from fixtures_docs import policy_docx

PARAGRAPH = (b"<w:p><w:r><w:t>The council met on Tuesday to discuss the budget for the new "
             b"library building.</w:t></w:r></w:p>")
BODY_TAG = b"<w:body>"


def docx_parts(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {n: z.read(n) for n in z.namelist()}


def write_docx(parts: dict[str, bytes], body: bytes = b"", repeat: int = 1) -> bytes:
    """A .docx of `parts` whose document.xml has `body` inserted `repeat` times (streamed
    into the zip, so a 100 MB part is never held whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if name != "word/document.xml" or not body:
                z.writestr(name, data)
                continue
            head, tail = data.split(BODY_TAG, 1)
            with z.open(name, "w", force_zip64=True) as member:
                member.write(head + BODY_TAG)
                for _ in range(repeat):
                    member.write(body)
                member.write(tail)
    return out.getvalue()


@pytest.fixture(scope="module")
def word_file(tmp_path_factory):
    return policy_docx(tmp_path_factory.mktemp("docx") / "policy.docx")


@pytest.fixture(scope="module")
def word_parts(word_file) -> dict[str, bytes]:
    return docx_parts(word_file.read_bytes())


# Reads the folder in a grandchild and reports its peak resident memory as the child sees it
# (RUSAGE_CHILDREN): Linux carries a process's peak over into the program it starts, so a
# child of this test process would report this process's peak, not its own.
MEASURE = """
import json, resource, subprocess, sys, time
if sys.argv[1] == "read":
    sys.path.insert(0, sys.argv[3])
    from assistant.corpus import load_corpus
    t = time.perf_counter()
    corpus = load_corpus(sys.argv[2])
    print(json.dumps({"seconds": time.perf_counter() - t,
                      "read": [d.source for d in corpus.documents],
                      "skipped": {s.path: s.reason for s in corpus.skipped}}))
else:
    done = subprocess.run([sys.executable, "-c", sys.argv[-1], "read", *sys.argv[1:]],
                          capture_output=True, text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({**json.loads(done.stdout), "peak_mb": peak}))
"""


def measure_corpus(folder) -> dict:
    """load_corpus(folder) in another process: what it read and skipped, its seconds and its
    peak resident memory (MB)."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(folder), str(ROOT), MEASURE],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_docx_that_unzips_to_100_mb_is_skipped_quickly_and_the_rest_indexed(word_parts,
                                                                             word_file, tmp_path):
    bomb = write_docx(word_parts, PARAGRAPH * 1000, repeat=100 * MB // (len(PARAGRAPH) * 1000) + 1)
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        assert z.getinfo("word/document.xml").file_size > 100 * MB and len(bomb) < 1 * MB
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "bomb.docx").write_bytes(bomb)
    (folder / "policy.docx").write_bytes(word_file.read_bytes())
    (folder / "notes.txt").write_text("The hall opens at nine on Mondays.\n")
    got = measure_corpus(folder)
    assert sorted(got["read"]) == ["notes.txt", "policy.docx"]
    assert got["skipped"]["bomb.docx"] == (
        "Word file: word/document.xml unzips to 100.0 MB, over the 32 MB limit on what one "
        "part may expand to; skipped")
    assert got["seconds"] <= 10 and got["peak_mb"] < 500, got


def lie_about_sizes(raw: bytes, name: str, size: int) -> bytes:
    """`raw` with member `name` said to unzip to `size` bytes, in its local header and its
    directory entry (its CRC left as it was)."""
    data = bytearray(raw)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        struct.pack_into("<I", data, z.getinfo(name).header_offset + 22, size)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == name.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 46 + length)
    return bytes(data)


def test_a_member_that_gives_more_than_its_directory_says_is_refused(word_parts, tmp_path):
    honest = write_docx(word_parts, PARAGRAPH, repeat=20_000)  # 2 MB of XML, said to be 1 KB
    lying = lie_about_sizes(honest, "word/document.xml", 1024)
    with pytest.raises(ReadError, match=r"^Word file: word/document.xml unzips to more than its "
                                        r"directory says \(1,024 bytes\); skipped$"):
        read_document(tmp_path / "lying.docx", lying)


def test_thousands_of_members_or_too_much_in_all_is_refused(word_parts):
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for i in range(MAX_MEMBERS + 1):
            z.writestr(f"word/media/{i}.bin", b"")
    with pytest.raises(ReadError, match="more than 10,000 parts; skipped"):
        check_zip(many.getvalue(), "Word file")
    parts = {**word_parts, **{f"word/media/{i}.xml": b"<a/>" * (8 * MB) for i in range(5)}}
    assert sum(map(len, parts.values())) > MAX_TOTAL_BYTES
    with pytest.raises(ReadError, match=r"^Word file unzips to 16\d MB, over the 128 MB limit"):
        check_zip(write_docx(parts), "Word file")


def test_xml_nested_past_the_parser_limit_is_skipped_with_its_reason(word_parts, tmp_path):
    deep = b"<w:sdt><w:sdtContent>" * 300 + PARAGRAPH + b"</w:sdtContent></w:sdt>" * 300
    raw = write_docx(word_parts, deep)
    with pytest.raises(ReadError, match="Word file cannot be read: its XML is nested too deeply"):
        read_document(tmp_path / "deep.docx", raw)


def one_page_pdf_listed(times: int) -> bytes:
    """A PDF whose page tree lists its one page `times` times."""
    stream = b"BT /F1 12 Tf 72 720 Td (The hall opens at nine on Mondays.) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b"3 0 R " * times + b"] /Count %d >>" % times,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_of_100000_pages_is_skipped_and_a_short_one_read(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "many.pdf").write_bytes(one_page_pdf_listed(100_000))
    (folder / "three.pdf").write_bytes(one_page_pdf_listed(3))
    corpus = load_corpus(folder)
    assert [d.source for d in corpus.documents] == ["three.pdf"]
    assert corpus.documents[0].meta.page_count == 3
    assert [(s.path, s.reason) for s in corpus.skipped] == [
        ("many.pdf", "PDF has 100,000 pages, over the 20,000-page limit; skipped")]
