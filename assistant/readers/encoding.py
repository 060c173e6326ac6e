"""Bytes to text for plain-text files: byte order marks (UTF-16/32), UTF-8, then Windows-1252,
and binary files told apart from text (a NUL, or a block heavy in control characters), each
refusal a reason for a person ending in "; skipped"."""

from __future__ import annotations

import codecs

BLOCK = 8192  # control characters are counted per block, so a binary tail cannot hide
_CONTROL = bytes(b for b in range(32) if chr(b) not in "\n\r\t\f")


def decode(raw: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, problem). A file that starts with a UTF-16 or UTF-32 byte order mark
    (Windows Notepad's "Unicode") is read in that encoding; otherwise UTF-8 first, then
    Windows-1252 for legacy text files. Anything with a NUL, or a block with many control
    characters, anywhere in the text is binary and skipped (a text header must not smuggle a
    binary body into the index)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _decode_wide(raw[len(bom):], encoding)
    if b"\x00" in raw:
        return "", "", "binary file (NUL bytes); skipped"
    if _control_heavy(raw):
        return "", "", "binary file (control characters); skipped"
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, ("utf-8" if encoding == "utf-8-sig" else encoding), None
    return "", "", "not UTF-8 or Windows-1252 text; skipped"


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),  # 32 first:
          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))  # FF FE 00 00


def _decode_wide(raw: bytes, encoding: str) -> tuple[str, str, str | None]:
    """A UTF-16 or UTF-32 file's text after its byte order mark, checked like any other."""
    name = encoding[:6].upper()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return "", "", f"not valid {name} text, though it starts with a {name} byte order mark; skipped"
    if "\x00" in text:
        return "", "", "binary file (NUL characters); skipped"
    if _control_heavy(text.encode("utf-8", "surrogatepass")):
        return "", "", "binary file (control characters); skipped"
    return text, encoding[:6], None


def _control_heavy(raw: bytes) -> bool:
    """True when some block has more than 1% control characters (at least 5). Bytes below 32
    are the same characters in UTF-8 and Windows-1252, so the bytes can be counted directly."""
    for at in range(0, len(raw), BLOCK):
        block = raw[at:at + BLOCK]
        control = len(block) - len(block.translate(None, _CONTROL))
        if control > max(4, len(block) // 100):
            return True
    return False
