"""Images of text (.png, .jpg/.jpeg, .tif/.tiff): OCR'd (`ocr`, Tesseract) and laid out like a
PDF's pages (reading order, paragraphs, hyphenation, headings, running heads and page numbers
left out). A multi-page TIFF is one page per frame, so a citation gives its `p. N`; every image
is read one frame at a time, so a long scan never sits in memory whole.

Bad input, each a ReadError for this file only: an image Pillow cannot open (corrupt,
truncated, not an image), one larger than Pillow's decompression-bomb limit (about 89
megapixels: 9,500 x 9,500, far above a 600 dpi A4 page), and one in which OCR finds no text.
"""

from __future__ import annotations

import io
import warnings

from . import ocr
from .base import MAX_PAGES, Extracted, ReadError
from .pdf import _first_heading, _layout

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
NO_TEXT = "no text found in the image (OCR read nothing); skipped"
DEFAULT_DPI = 300  # when the file records no resolution


def read(raw: bytes, name: str) -> Extracted:
    pages = []
    for number, total, frame, dpi in frames(raw):
        ocr.report(name, number, total)
        pages.append(ocr.recognise(frame, dpi).pieces())
    if not any(pages):
        raise ReadError(NO_TEXT)
    extracted = _layout(pages)
    return Extracted(text=extracted.text, blocks=extracted.blocks, pages=extracted.pages,
                     sections=extracted.sections, title=_first_heading(extracted),
                     format="image", page_count=len(pages))


def frames(raw: bytes, first: int = 1):
    """(page number, pages, greyscale frame, dpi) for each frame from page `first` on, one at
    a time. ValueError when there is no page `first`."""
    image = open_image(raw)
    total = getattr(image, "n_frames", 1)
    if total > MAX_PAGES:
        image.close()
        raise ReadError(f"image has {total:,} pages (frames), over the {MAX_PAGES:,}-page "
                        f"limit; skipped")
    if not 1 <= first <= total:
        image.close()
        raise ValueError(f"page must be between 1 and {total} (the pages of the image). "
                         f"Currently, page is {first!r}")
    with image:
        for index in range(first - 1, total):
            try:
                image.seek(index)
                frame = _greyscale(image)
            except (OSError, ValueError, SyntaxError) as exc:
                where = f"page {index + 1} of {total}" if total > 1 else "it"
                raise ReadError(f"corrupt image ({where} cannot be decoded: {exc}); "
                                f"skipped") from exc
            yield index + 1, total, frame, _dpi(image)


def open_image(raw: bytes):
    """The image (first frame selected) with Pillow's checks as ReadErrors: not an image or
    corrupt, or over the decompression-bomb limit (refused before its pixels are decoded)."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(raw))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ReadError(too_large(None)) from exc
        except UnidentifiedImageError as exc:
            raise ReadError("not an image Pillow can read (corrupt, truncated or another "
                            "format); skipped") from exc
        except OSError as exc:
            raise ReadError(f"corrupt image ({exc}); skipped") from exc


def too_large(size: tuple[int, int] | None) -> str:
    from PIL import Image

    shown = f"{size[0]:,} x {size[1]:,} pixels, " if size else ""
    limit = (Image.MAX_IMAGE_PIXELS or 0) / 1e6
    return (f"image too large to read ({shown}over the {limit:.0f}-megapixel limit against "
            f"decompression bombs); skipped")


def _check_size(size: tuple[int, int]) -> None:
    """Every frame, not only the first (which Image.open checks), against Pillow's limit."""
    from PIL import Image

    if Image.MAX_IMAGE_PIXELS and size[0] * size[1] > Image.MAX_IMAGE_PIXELS:
        raise ReadError(too_large(size))


def _greyscale(image):
    """The current frame decoded, as 8-bit greyscale (transparency on white, as printed)."""
    from PIL import Image

    _check_size(image.size)
    image.load()
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(white, rgba).convert("L")
    return image.convert("L")


def _dpi(image) -> float:
    """The frame's horizontal resolution when it records a plausible one, else DEFAULT_DPI."""
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 50 <= value <= 2400 else DEFAULT_DPI
