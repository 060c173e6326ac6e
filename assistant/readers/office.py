"""What the zip-based office formats share (Office Open XML: .xlsx, .pptx; OpenDocument:
.odt, .ods, .odp; EPUB): opening the package within the archive limits, telling an encrypted
file from a corrupt one, parsing a part's XML safely, and the document's own properties
(title, author, date) — the date only when it is believable.

Encrypted files. A password-protected Office file is not a zip at all but an OLE compound
file (the same signature as a legacy .xls/.ppt/.doc), so it is recognised before any library
sees it. An encrypted OpenDocument file is a zip whose manifest gives its parts
<manifest:encryption-data>; its XML parts are ciphertext.

Dates. A package's properties say when it was created and modified, but a file made by a
program that copies a template's properties keeps the template's dates: every presentation
python-pptx makes says it was created on the same day in 2013. What the writer cannot fake
is the time it stamped on each zip member when it wrote it; so when the members are dated
(Microsoft Office dates them all 1980-01-01: no information) and the newest is more than
STALE_DAYS after the properties' last-modified date, the properties were not kept by the
program that wrote the file, and the document gets no date rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

from .archive import check_zip, xml_problem
from .base import ReadError, iso_date, meta_text

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and the legacy binary formats
STALE_DAYS = 2
# what unzipping a damaged member raises (a bad CRC, a garbled header or compression method)
UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)
_NS = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
       "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
       "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"}


MAX_TITLE_WORDS = 12


def is_title_like(lines: list[str]) -> bool:
    """Whether a slide's topmost text can stand as its title when it has no title placeholder:
    one line of at most MAX_TITLE_WORDS words."""
    return len(lines) == 1 and len(lines[0].split()) <= MAX_TITLE_WORDS


def open_package(raw: bytes, kind: str) -> zipfile.ZipFile:
    """The file as a zip archive, after the archive limits (`archive.check_zip`); ReadError
    with the reason when it is encrypted, corrupt or too large when unzipped. `kind` names
    the file for messages ("Excel file")."""
    if raw.startswith(OLE):
        raise ReadError(f"password-protected {kind} (or an old binary file renamed); skipped")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ReadError(f"corrupt or not a {kind}; skipped")
    try:
        check_zip(raw, kind)  # its own ReadError for what is over the limits or damaged
        package = zipfile.ZipFile(io.BytesIO(raw))
    except UNZIP_ERRORS as exc:  # what check_zip lets through: "zip file version 21.4"
        raise ReadError(f"corrupt {kind} ({exc}); skipped") from exc
    if _odf_encrypted(package):
        raise ReadError(f"password-protected {kind}; skipped")
    return package


def _odf_encrypted(package: zipfile.ZipFile) -> bool:
    try:
        manifest = package.read("META-INF/manifest.xml")
    except (KeyError, *UNZIP_ERRORS):  # none, or damaged: the parts themselves will tell
        return False
    return b"encryption-data" in manifest


def parse_part(package: zipfile.ZipFile, member: str, kind: str, required: bool = True):
    """The root element of XML part `member` (lxml, no entities, no network), None when an
    optional part is missing; ReadError when the XML is damaged or over lxml's limits."""
    from lxml import etree

    try:
        data = package.read(member)
    except KeyError:
        if required:
            raise ReadError(f"corrupt {kind} ({member} is missing); skipped") from None
        return None
    except UNZIP_ERRORS as exc:
        raise ReadError(f"corrupt {kind} ({member}: {exc}); skipped") from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        why = xml_problem(exc) or f"{member} is not well-formed XML"
        raise ReadError(f"{kind} cannot be read: {why}; skipped") from exc


def properties(package: zipfile.ZipFile, kind: str) -> dict:
    """title, author and date (ISO, or None when not believable: module doc) from the
    package's Office core properties or OpenDocument meta.xml."""
    core = _ooxml_core(package, kind)
    if core is None:
        core = _odf_meta(package, kind)
    title, author, created, modified = core or (None, None, None, None)
    date = iso_date(created or modified)
    if date and _stale(package, modified or created):
        date = None
    return {"title": meta_text(title), "author": meta_text(author), "date": date}


def _ooxml_core(package, kind):
    root = parse_part(package, "docProps/core.xml", kind, required=False) if \
        "docProps/core.xml" in package.namelist() else None
    if root is None:
        return None
    return tuple(root.findtext(key, None, _NS)
                 for key in ("dc:title", "dc:creator", "dcterms:created", "dcterms:modified"))


def _odf_meta(package, kind):
    root = parse_part(package, "meta.xml", kind, required=False)
    if root is None:
        return None
    meta = root.find("office:meta", _NS)
    if meta is None:
        return None
    return (meta.findtext("dc:title", None, _NS),
            meta.findtext("dc:creator", None, _NS)
            or meta.findtext("meta:initial-creator", None, _NS),
            meta.findtext("meta:creation-date", None, _NS), meta.findtext("dc:date", None, _NS))


def _stale(package: zipfile.ZipFile, modified: str | None) -> bool:
    """Whether the zip members were written STALE_DAYS or more after the properties say the
    file was last modified (the properties are a template's)."""
    said = iso_date(modified)
    written = [dt.date(*info.date_time[:3]) for info in package.infolist()
               if info.date_time[0] > 1980]
    if not said or not written:
        return False
    return (max(written) - dt.date.fromisoformat(said)).days >= STALE_DAYS
