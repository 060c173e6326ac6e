"""The synthetic corpus of `python -m evals.retrieval_scale`: plain-text documents of real
Brown sentences cut and recombined (seeded), chunked with the project's own chunker until they
hold the chunks asked for, `seeds/` beside them, and questions made from them."""

from __future__ import annotations

import random
import re
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPHS = 4  # per synthetic document
SENTENCES = 4  # per paragraph


def brown_sentences() -> list[tuple[str, str, list[str]]]:
    """(sample name, category, its plain sentences) for the 500 Brown samples."""
    from .scale import brown_dir, detag

    brown = brown_dir()
    cats = dict(line.split() for line in (brown / "cats.txt").read_text().splitlines()
                if line.strip())
    return [(name, cats[name], [detag(line) for line in
                                (brown / name).read_text(encoding="utf-8").splitlines()
                                if line.strip()])
            for name in sorted(cats)]


def synthetic_doc(n: int, samples, rng: random.Random) -> str:
    _, cat, sents = rng.choice(samples)
    head = " ".join(rng.choice(sents).split()[:8]).rstrip(".,;:!?\"'")
    paragraphs = []
    for _ in range(PARAGRAPHS):
        _, _, sents = rng.choice(samples)
        at = rng.randrange(0, max(1, len(sents) - SENTENCES))
        paragraphs.append(" ".join(sents[at:at + SENTENCES]))
    return f"Report {n:06d} ({cat}): {head}\n\n" + "\n\n".join(paragraphs) + "\n"


def build_corpus(chunks: int, dest: Path, questions: int, seed: int = 15) -> dict:
    """Synthetic documents until they hold `chunks` chunks (counted with the project's own
    parser and chunker, as the index will cut them), seeds/ beside them, and questions."""
    import hashlib

    from assistant.chunking import chunk_document
    from assistant.corpus import parse_document

    t0 = time.perf_counter()
    samples = [s for s in brown_sentences() if len(s[2]) > SENTENCES]
    rng = random.Random(seed)
    total, n, words = 0, 0, 0
    picks: list[tuple[str, str]] = []  # (source, text) of a few documents, for questions
    every = max(1, chunks // (20 * max(questions, 1)))  # ~5 candidate documents a question
    while total < chunks:
        text = synthetic_doc(n, samples, rng)
        rel = f"synthetic/{n // 1000:03d}/doc{n:06d}.txt"
        raw = text.encode("utf-8")
        doc = parse_document(rel, text, hashlib.sha256(raw).hexdigest())
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        total += len(chunk_document(doc))
        words += len(text.split())
        if n % every == 0:
            picks.append((rel, text))
        n += 1
    for seed_file in sorted((ROOT / "seeds").glob("*")):
        shutil.copy(seed_file, dest / seed_file.name)
    qs = make_questions(picks, questions, random.Random(seed + 1))
    return {"documents": n, "chunks": total, "words": words, "questions": qs,
            "seed_files": len(list((ROOT / "seeds").glob("*"))),
            "seconds": time.perf_counter() - t0}


def make_questions(picks: list[tuple[str, str]], count: int, rng: random.Random) -> list[dict]:
    """Questions about six consecutive words of a random body sentence of a random document."""
    from assistant.language.sentences import sentences as split_sentences

    out = []
    for source, text in rng.sample(picks, min(count, len(picks))):
        body = text.split("\n\n", 1)[1]
        sents = [body[a:b] for a, b in split_sentences(body, 0, len(body))]
        sents = [s for s in sents if len(re.findall(r"[A-Za-z]+", s)) >= 10] or sents
        words = rng.choice(sents).split()
        at = rng.randrange(0, max(1, len(words) - 6))
        phrase = " ".join(words[at:at + 6]).strip(".,;:!?\"'()")
        out.append({"question": f"What does it say about {phrase}?", "phrase": phrase,
                    "source": source})
    return out
