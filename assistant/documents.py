"""Managing the documents of a corpus folder: adding files (copied in), removing them (set aside,
never deleted), and listing what is indexed. `Assistant.add/remove/list_documents` wrap these
and bring the index up to date; the CLI and the chat's Documents panel call those.

Adding is idempotent: a file whose content is already in the corpus (under any name) is not
copied again, and is reported as a duplicate. A file that cannot be read (a scanned or
encrypted PDF, a corrupt file, an unsupported type, one over the size limit) is reported with
its reason and never copied, so it cannot break the corpus for the next start.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from .config import Config
from .corpus import Corpus, load_corpus, read_file
from .errors import CorpusError
from .index import SyncProgress
from .readers import ocr

ADDED, UPDATED, DUPLICATE, UNCHANGED, SKIPPED = "added", "updated", "duplicate", "unchanged", "skipped"
REMOVED_DIR = ".removed"  # hidden: the corpus reader never looks inside it
HIDDEN = ("its name begins with a dot, which hides a file: the corpus never reads hidden "
          "files. Rename it without the dot to add it; skipped")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file given to `add`."""

    path: str  # as given
    name: str  # its name in the corpus folder
    status: str  # added, updated, duplicate, unchanged or skipped
    detail: str = ""  # the reason of a skip, the document a duplicate repeats

    def describe(self) -> str:
        return f"{self.status} {self.name}" + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class DocumentInfo:
    """One row of the document list."""

    name: str
    format: str
    title: str
    pages: int | None
    chunks: int | None
    sentences: int | None
    indexed_at: str | None  # ISO time, None while not (completely) indexed

    def to_dict(self) -> dict:
        return asdict(self)


def expand(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(file, name in the corpus) for every file given or found under a folder given, folders
    keeping their inner layout ("reports/2024.pdf"); hidden files and folders left out."""
    out: list[tuple[Path, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                rel = f.relative_to(p)
                if not any(part.startswith(".") for part in rel.parts):
                    out.append((f, rel.as_posix()))
        elif p.is_file():
            out.append((p, p.name))
        else:
            raise CorpusError(f"No such file or folder: {p}")
    return out


def add_files(corpus: Corpus, paths: Iterable[str | Path], *, max_bytes: int,
              cache: Path | None = None) -> list[FileOutcome]:
    """Copy readable files into the corpus folder; nothing is copied for a file that is
    unreadable, hidden (a name beginning with a dot), already there, or repeats another
    document's content."""
    by_sha = {d.meta.sha256: d.source for d in corpus.documents}
    by_name = {d.source: d.meta.sha256 for d in corpus.documents}
    outcomes = []
    for path, name in expand(paths):
        hidden = name.startswith(".")  # given by name: a folder's hidden files are left out
        doc, problem = (None, HIDDEN) if hidden else read_file(path, name, max_bytes, cache)
        if problem:
            outcomes.append(FileOutcome(str(path), name, SKIPPED, problem))
            continue
        sha = doc.meta.sha256
        if by_name.get(name) == sha:
            outcomes.append(FileOutcome(str(path), name, UNCHANGED, "already indexed"))
            continue
        if sha in by_sha and by_sha[sha] != name:
            outcomes.append(FileOutcome(str(path), name, DUPLICATE, f"same content as {by_sha[sha]}"))
            continue
        target = corpus.root / name
        status = UPDATED if name in by_name else ADDED
        _copy(path, target)
        by_sha[sha], by_name[name] = name, sha
        outcomes.append(FileOutcome(str(path), name, status))
    return outcomes


def _copy(src: Path, target: Path) -> None:
    """Copy through a temporary name, so a reader never sees half a file."""
    if src.resolve() == target.resolve():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    shutil.copyfile(src, tmp)
    tmp.replace(target)


def remove_file(corpus: Corpus, name: str) -> Path:
    """Move document `name` out of the corpus into its `.removed/` folder (a later copy of the
    same name is kept with a time suffix); return where it went."""
    if name not in {d.source for d in corpus.documents}:
        known = ", ".join(sorted(d.source for d in corpus.documents)[:10])
        raise CorpusError(f"No document named {name!r} in {corpus.root}. Documents: {known}")
    src = corpus.root / name
    dest = corpus.root / REMOVED_DIR / name
    if dest.exists():
        dest = dest.with_name(f"{dest.stem}.{time.strftime('%Y%m%d-%H%M%S')}{dest.suffix}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    src.replace(dest)
    return dest


def list_documents(corpus: Corpus, states: dict) -> list[DocumentInfo]:
    """The corpus's documents with what the index's manifest holds about each."""
    rows = []
    for d in corpus.documents:
        st = states.get(d.source)
        done = st is not None and st.complete and st.sha256 == d.meta.sha256
        rows.append(DocumentInfo(
            d.source, d.meta.format, d.meta.title, d.meta.page_count,
            st.chunks if done else None, st.sentences if done else None,
            time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(st.indexed_at)) if done else None))
    return rows


# ---------------------------------------------------------------- the folder, with the settings

def add_to_folder(corpus: str | Path | None, paths,
                  progress: Callable[[SyncProgress], None] | None = None,
                  **settings: Any) -> list[FileOutcome]:
    """Copy files into a corpus folder (created if need be, empty is fine) without opening the
    index: what `python -m assistant add` does before it indexes them. `progress` hears of
    pages being OCR'd (`SyncProgress.reading`)."""
    cfg = Config.load(corpus=corpus, **settings)
    corpus_folder(cfg)
    return copy_in(cfg, read_folder(cfg, progress), paths, progress)


def copy_in(cfg: Config, corpus: Corpus, paths, progress=None) -> list[FileOutcome]:
    with ocr.reporting(_ocr_listener(progress)):
        return add_files(corpus, [paths] if isinstance(paths, (str, Path)) else paths,
                         max_bytes=_max_bytes(cfg), cache=extraction_cache(cfg))


def corpus_folder(cfg: Config) -> Path:
    """The corpus folder, created (with its parents) when it does not exist yet: a new
    assistant starts with no documents. A file in its place, or a folder that cannot be made,
    is a CorpusError saying so."""
    root = Path(cfg.corpus)
    if root.is_dir():
        return root
    if root.exists():
        raise CorpusError(f"The corpus path {root} is a file, not a folder. Point ASSISTANT_CORPUS "
                          f"or --corpus at a folder of documents.")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusError(f"The corpus folder {root} does not exist and cannot be made "
                          f"({exc.strerror or exc}). Point ASSISTANT_CORPUS or --corpus at a "
                          f"folder of documents.") from exc
    log.info("made the corpus folder %s (no documents yet)", root)
    return root


def read_folder(cfg: Config, progress: Callable[[SyncProgress], None] | None = None) -> Corpus:
    """Every readable document of the settings' corpus folder (none is fine)."""
    with ocr.reporting(_ocr_listener(progress)):
        return load_corpus(cfg.corpus, max_bytes=_max_bytes(cfg), cache=extraction_cache(cfg),
                           allow_empty=True)


def _ocr_listener(progress: Callable[[SyncProgress], None] | None):
    """OCR's page-by-page news as `SyncProgress.reading`: a scan can take minutes to read."""
    if progress is None:
        return None
    return lambda name, page, pages: progress(
        SyncProgress(0, 0, 0, 0, None, reading=f"{name}: OCR page {page} of {pages}"))


def _max_bytes(cfg: Config) -> int:
    return int(cfg.max_file_mb * 2**20)


def extraction_cache(cfg: Config) -> Path:
    """Extracted text of PDFs, Word files and web pages, by content hash (see corpus)."""
    return Path(cfg.index) / "extracted"
