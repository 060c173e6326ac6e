"""`local`: the embedded default model, run in-process by llama.cpp (xllamacpp) on the CPU.

The GGUF file is sha256-verified before it is loaded. llama.cpp keeps the previous prompt's
KV cache, so the stable system prompt is only processed once. One generation runs at a time
(a lock): concurrent callers queue rather than share the model unsafely.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..config import Config
from ..errors import BackendError, ModelError
from ..models import DEFAULT_MODEL, ModelSpec, verify_model
from . import register
from .base import TokenLogprob, estimate_tokens

_DONE = object()
TOP_LOGPROBS = 5  # alternatives kept per token: how close the model came to another reply


@contextlib.contextmanager
def _quiet_stderr():
    """llama.cpp logs to file descriptor 2 from C++; silence it while the model loads."""
    if os.environ.get("ASSISTANT_DEBUG"):
        yield
        return
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class LocalLLM:
    name = "local"
    caches_prefix = True  # worth warming up with the fixed system prompt

    def __init__(self, model_path: Path, threads: int = 2, context_window: int = 4096,
                 spec: ModelSpec = DEFAULT_MODEL):
        verify_model(Path(model_path), spec)
        import xllamacpp as xlc

        self.model = spec.name
        self.path = Path(model_path)
        self.context_window = context_window
        params = xlc.CommonParams()
        params.model.path = str(self.path)
        # Two slots: llama.cpp keeps each one's last prompt cached and picks the slot sharing the
        # longest prefix, so alternating prompts (answer / follow-up rewrite, or a judge's two
        # steps) each keep their fixed prefix cached. Generations still run one at a time.
        params.n_ctx = 2 * context_window
        params.n_parallel = 2
        params.n_predict = 512
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.warmup = False
        params.verbosity = -1
        params.sampling.temp = 0.0
        params.sampling.top_k = 1
        params.sampling.seed = 7
        with _quiet_stderr():
            try:
                self._server = xlc.Server(params)
            except Exception as exc:  # a truncated or foreign file that passed no check
                raise ModelError(f"llama.cpp could not load {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self.last_timings: dict[str, Any] = {}
        self.last_logprobs: list[TokenLogprob] = []  # of the last reply, token by token

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def stream(self, messages: Sequence[dict], *, max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None, stop: Sequence[str] = ()) -> Iterator[str]:
        request: dict[str, Any] = {"messages": list(messages), "max_tokens": max_tokens,
                                   "temperature": temperature, "stream": True,
                                   "cache_prompt": True, "logprobs": True, "top_logprobs": TOP_LOGPROBS}
        tokens: list[TokenLogprob] = []
        if json_schema is not None:
            request["json_schema"] = json_schema
        if stop:
            request["stop"] = list(stop)
        chunks: queue.Queue = queue.Queue()
        cancelled = threading.Event()

        def on_chunk(chunk) -> bool:
            chunks.put(chunk)
            return cancelled.is_set()  # True stops generation

        def run() -> None:
            try:
                with self._lock:
                    self._server.handle_chat_completions(request, on_chunk)
            except Exception as exc:  # surfaces in the consumer
                chunks.put(BackendError(f"local model failed: {exc}"))
            finally:
                chunks.put(_DONE)

        worker = threading.Thread(target=run, name="local-llm", daemon=True)
        worker.start()
        try:
            while (chunk := chunks.get()) is not _DONE:
                if isinstance(chunk, Exception):
                    raise chunk
                text = self._text(chunk, tokens)
                if text:
                    yield text
        finally:
            cancelled.set()
            self.last_logprobs = tokens

    def _text(self, chunk: Any, tokens: list[TokenLogprob]) -> str:
        if isinstance(chunk, str):
            import json

            chunk = json.loads(chunk)
        if "error" in chunk:
            raise BackendError(f"local model error: {chunk['error']}")
        if "timings" in chunk:
            self.last_timings = chunk["timings"]
        choices = chunk.get("choices") or [{}]
        for token in (choices[0].get("logprobs") or {}).get("content") or ():
            tokens.append(TokenLogprob(
                token["token"], token["logprob"],
                tuple((t["token"], t["logprob"]) for t in token.get("top_logprobs") or ())))
        return (choices[0].get("delta") or {}).get("content") or ""

    def close(self) -> None:
        self._server = None


@register("local")
def _from_config(cfg: Config) -> LocalLLM:
    return LocalLLM(cfg.model_path, threads=cfg.threads, context_window=cfg.context_window)
