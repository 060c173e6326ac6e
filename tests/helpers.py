"""Test helpers importable from tests and from the subprocesses tests start."""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from assistant.embeddings import HashingEmbedder
from assistant.text import tokenize


class CountingEmbedder(HashingEmbedder):
    """Counts how many texts it embedded: proves re-indexing work is (not) done."""

    def __init__(self, *args, delay: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.texts = 0
        self.delay = delay

    def embed(self, texts):
        self.calls += 1
        self.texts += len(texts)
        if self.delay:
            time.sleep(self.delay)
        return super().embed(texts)


class DenseHashingEmbedder(HashingEmbedder):
    """Like `HashingEmbedder`, but each token is a fixed pseudo-random *dense* unit vector
    (seeded by its sha256) rather than one signed coordinate, so vectors look like a real
    model's: every pair of texts has some graded similarity.

    `HashingEmbedder`'s vectors are sparse (a sentence touches about 8 of 256 coordinates):
    most pairs of sentences are exactly orthogonal and sentences cut from one template are
    exactly equidistant. Chroma's HNSW graph cannot be navigated through such ties (its
    neighbour heuristic prunes them), so whether a dense search reaches a given record
    depends on the order records were inserted in. Use this embedder where a test needs a
    particular record found by dense search."""

    def __init__(self, dim: int = 256, salt: str = ""):
        super().__init__(dim, salt)
        self.identity = "dense-" + self.identity
        self._tokens: dict[str, np.ndarray] = {}

    def _token(self, tok: str) -> np.ndarray:
        vector = self._tokens.get(tok)
        if vector is None:
            seed = int.from_bytes(hashlib.sha256((self._salt + tok).encode()).digest()[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            vector /= np.linalg.norm(vector)
            self._tokens[tok] = vector
        return vector

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for tok in tokenize(text) or ["<empty>"]:
                out[row] += self._token(tok)
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


class CountingDenseEmbedder(CountingEmbedder, DenseHashingEmbedder):
    """`CountingEmbedder` with `DenseHashingEmbedder`'s vectors."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def offline(cmd: list[str]) -> list[str]:
    """Wrap `cmd` so it runs with no network but loopback, when this machine allows it."""
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        if probe.returncode == 0:
            script = 'ip link set lo up && exec "$@"'
            return ["unshare", "-n", "sh", "-c", script, "sh", *cmd]
    return cmd


PY = sys.executable


@contextmanager
def served(asgi_app) -> Iterator[str]:
    """An ASGI app served by uvicorn on a free loopback port in a thread: yields its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(asgi_app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started:
        if not thread.is_alive() or time.time() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
