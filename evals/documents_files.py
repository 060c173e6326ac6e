"""The corpora of `python -m evals.documents_bench`: a long PDF and a mixed folder from the test
fixtures, a folder of distinct files in five formats, plain-text files of Brown prose of a given
size. A child process makes them (`--build`), so their memory is not counted."""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20


def brown_sentences() -> list[str]:
    """Every Brown sentence, detagged, in catalogue order (see evals/scale.py)."""
    from evals.scale import brown_dir, detag

    brown = brown_dir()
    cats = dict(line.split() for line in (brown / "cats.txt").read_text().splitlines()
                if line.strip())
    out: list[str] = []
    for name in sorted(cats):
        out += [detag(line) for line in (brown / name).read_text(encoding="utf-8").splitlines()
                if line.strip()]
    return out


def write_text(path: Path, size: int, sentences: list[str]) -> int:
    """A text file of at most `size` bytes: a title line, then paragraphs of four sentences;
    each pass over the corpus after the first deals the sentences in a new shuffled order."""
    rng, order, written = random.Random(0), list(range(len(sentences))), 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        head = "The Brown corpus as one long text\n\n"
        f.write(head)
        written += len(head.encode())
        while True:
            for i in range(0, len(order), 4):
                para = " ".join(sentences[j] for j in order[i:i + 4]) + "\n\n"
                n = len(para.encode())
                if written + n > size:
                    return written
                f.write(para)
                written += n
            rng.shuffle(order)



FOLDER_SENTENCES = 30  # per file of the distinct folder: ~650 words, a page or two


def distinct_folder(folder: Path, n: int, sentences: list[str]) -> None:
    """n files cycling through .pdf, .docx, .html, .md and .txt like `mixed_folder`, but each
    holding different prose (the next 30 Brown sentences, as paragraphs of three, under a title
    and two section headings), so none is skipped as a duplicate of another."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        said = sentences[i * FOLDER_SENTENCES:(i + 1) * FOLDER_SENTENCES]
        paras = [" ".join(said[j:j + 3]) for j in range(0, len(said), 3)]
        title = f"Report {i}: " + " ".join(said[0].split()[:6]).rstrip(",;:")
        half = len(paras) // 2
        sections = [("Background", paras[:half]), ("Findings", paras[half:])]
        path = folder / f"{i:03d}.{('pdf', 'docx', 'html', 'md', 'txt')[i % 5]}"
        WRITERS[path.suffix](path, i, title, sections)


def _pdf(path: Path, i: int, title: str, sections: list) -> None:
    """Title, headings and wrapped paragraphs, with the fixtures' running header and footer."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    import fixtures_docs as F

    c = F._canvas(str(path), title=title, author="Benchmark")
    page, y = 1, F.PAGE_H - 100
    F._furniture(c, page, 2)
    lines = [("VeraBd", 14, title)]
    for heading, body in sections:
        lines.append(("VeraBd", 12, heading))
        for para in body:
            words, line = para.split(), []
            for w in words:
                if stringWidth(" ".join(line + [w]), "Vera", 11) > 450:
                    lines.append(("Vera", 11, " ".join(line)))
                    line = []
                line.append(w)
            lines.append(("Vera", 11, " ".join(line)))
            lines.append(None)  # paragraph gap
    for item in lines:
        if y < 80:
            c.showPage()
            page, y = page + 1, F.PAGE_H - 100
            F._furniture(c, page, 2)
        if item is None:
            y -= 10
            continue
        font, size, text = item
        c.setFont(font, size)
        c.drawString(F.MARGIN, y, text)
        y -= size + 4
    c.showPage()
    c.save()


def _docx(path: Path, i: int, title: str, sections: list) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.add_heading(title, level=1)
    for heading, body in sections:
        d.add_heading(heading, level=2)
        for para in body:
            d.add_paragraph(para)
    d.sections[0].footer.paragraphs[0].text = f"Benchmark document {i}"
    d.save(str(path))


def _html(path: Path, i: int, title: str, sections: list) -> None:
    body = "".join(f"<h2>{h}</h2>" + "".join(f"<p>{p}</p>" for p in ps)
                   for h, ps in sections)
    path.write_text(
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
        f"<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        f"<footer><p>© Benchmark pages. All rights reserved.</p></footer></body></html>",
        encoding="utf-8")


def _md(path: Path, i: int, title: str, sections: list) -> None:
    path.write_text(f"# {title}\n\n" + "".join(
        f"## {h}\n\n" + "".join(f"{p}\n\n" for p in ps) for h, ps in sections),
        encoding="utf-8")


def _txt(path: Path, i: int, title: str, sections: list) -> None:
    path.write_text(f"{title}\n\n" + "".join(
        f"{h}\n\n" + "".join(f"{p}\n\n" for p in ps) for h, ps in sections),
        encoding="utf-8")


WRITERS = {".pdf": _pdf, ".docx": _docx, ".html": _html, ".md": _md, ".txt": _txt}


def build_files(work: Path, pages: int, files: int, text_mb: list[float]) -> dict:
    """Make the benchmark's corpora (a child process runs this: its memory is not counted)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import fixtures_docs as F

    made: dict = {}
    sentences = brown_sentences() if files or text_mb else []
    if pages:
        (work / "pdf").mkdir(parents=True, exist_ok=True)
        F.long_pdf(work / "pdf" / "long.pdf", pages)
        made["pdf"] = (work / "pdf" / "long.pdf").stat().st_size
    if files:
        distinct_folder(work / "folder", files, sentences)
        made["folder"] = sum(p.stat().st_size for p in (work / "folder").iterdir())
        F.mixed_folder(work / "fixture-folder", files)
        made["fixture-folder"] = sum(p.stat().st_size for p in (work / "fixture-folder").iterdir())
    if text_mb:
        for mb in text_mb:
            made[f"text-{mb:g}"] = write_text(work / f"text-{mb:g}" / "long.txt", int(mb * MB),
                                              sentences)
    return made
