"""Opening a zip archive (a Word .docx is one) without letting it expand beyond bounds.

The corpus's size limit (ASSISTANT_MAX_FILE_MB) is the size on disk; a zip's members are
compressed, and deflate packs a run of one byte about 1,000 to 1. A 306 KB .docx whose
word/document.xml unzips to 100 MB ran for over 600 s at 2.45 GB before these limits. Before
a reader's library opens an archive, `check_zip` refuses it, with a ReadError saying why, when

    its directory lists more than MAX_MEMBERS members (counted in the bytes before the
        directory is parsed: a million tiny entries would cost zipfile a million objects),
    its directory says a member unzips to more than MAX_MEMBER_BYTES, or all of them to
        more than MAX_TOTAL_BYTES,
    or a member, inflated here CHUNK bytes at a time and thrown away, gives more than its
        directory says: what is held at once is one piece, whatever the member holds.

The library then unzips members whose sizes are known and bounded (and Python's zipfile
stops each at its stated size). XML inside is parsed by lxml with its default limits (no
XML_PARSE_HUGE: elements nested at most 256 deep, a text node at most 10 MB, no entities
expanded), which `xml_problem` puts in words.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from .base import ReadError

MB = 2**20
MAX_MEMBERS = 10_000  # a large .docx has a few hundred parts (one per image)
MAX_MEMBER_BYTES = 32 * MB  # word/document.xml of 300,000 paragraphs: 12 s, 370 MB to read
MAX_TOTAL_BYTES = 128 * MB  # everything unzipped (python-docx holds it all); images stay as stored
CHUNK = MB  # what is unzipped at once while a member is measured
_CENTRAL_ENTRY = b"PK\x01\x02"  # the signature that opens each member's directory entry


def check_zip(raw: bytes, kind: str) -> None:
    """ReadError ("… ; skipped") unless `raw` is a zip archive within the limits above.
    `kind` names the file for the message ("Word file")."""
    if raw.count(_CENTRAL_ENTRY) > MAX_MEMBERS:  # an upper bound, found without parsing
        raise ReadError(f"{kind} holds more than {MAX_MEMBERS:,} parts; skipped")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
        _check_directory(members, kind)
        total = 0
        for info in members:
            total += _unzipped_size(raw, info, kind, MAX_TOTAL_BYTES - total)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error) as exc:
        raise ReadError(f"corrupt {kind} ({type(exc).__name__}: {exc}); skipped") from exc


def _check_directory(members: list[zipfile.ZipInfo], kind: str) -> None:
    """What the archive's directory says each member unzips to, against the limits."""
    for info in members:
        if info.file_size > MAX_MEMBER_BYTES:
            raise ReadError(f"{kind}: {info.filename} unzips to {info.file_size / MB:,.1f} MB, "
                            f"over the {MAX_MEMBER_BYTES // MB} MB limit on what one part may "
                            f"expand to; skipped")
    total = sum(info.file_size for info in members)
    if total > MAX_TOTAL_BYTES:
        raise ReadError(f"{kind} unzips to {total / MB:,.0f} MB, over the "
                        f"{MAX_TOTAL_BYTES // MB} MB limit on what a file may expand to; skipped")


def _unzipped_size(raw: bytes, info: zipfile.ZipInfo, kind: str, room: int) -> int:
    """Inflate one member from the archive's bytes, CHUNK at a time, keeping none of it, and
    return its size: ReadError as soon as it gives more than its directory says (which is
    below the limits, and `room`, what is left of the total)."""
    limit = min(info.file_size, room)
    if info.compress_type == zipfile.ZIP_STORED:
        size = info.compress_size
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        size = _inflated_size(_member_data(raw, info), limit)
    else:  # bzip2, lzma: not in Office files; zipfile stops them at their stated size
        return info.file_size
    if size > limit:
        raise ReadError(f"{kind}: {info.filename} unzips to more than its directory says "
                        f"({info.file_size:,} bytes); skipped")
    return size


def _member_data(raw: bytes, info: zipfile.ZipInfo) -> memoryview:
    """The compressed bytes of a member (after its local header)."""
    name, extra = struct.unpack_from("<HH", raw, info.header_offset + 26)
    start = info.header_offset + 30 + name + extra
    return memoryview(raw)[start:start + info.compress_size]


def _inflated_size(data: memoryview, limit: int) -> int:
    """How many bytes `data` inflates to, counting no further than just past `limit`."""
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    for at in range(0, len(data), CHUNK):
        pending = data[at:at + CHUNK]
        while pending and size <= limit:
            size += len(inflate.decompress(pending, CHUNK))
            pending = inflate.unconsumed_tail
        if size > limit or inflate.eof:
            break
    return size


def xml_problem(exc: Exception) -> str | None:
    """A person's words for lxml's refusal of XML beyond its limits, else None."""
    text = str(exc)
    if "Excessive depth" in text:
        return "its XML is nested too deeply (over 256 levels)"
    if "huge" in text.lower() or "too big" in text.lower():
        return "its XML holds a text too long to read (over 10 MB in one piece)"
    return None
