"""`local`: the embedded default model, run in-process by llama.cpp (xllamacpp) on the CPU.

The GGUF file is sha256-verified before it is loaded. llama.cpp keeps the previous prompt's
KV cache, so the stable system prompt is only processed once. Questions asked at once are
answered at once: llama.cpp's server loop (xllamacpp's `Server` is thread-safe) gives each
request a slot of its own and decodes the slots together in one batch (continuous batching), so
four users share each pass over the weights instead of queueing behind each other. `slots`
(ASSISTANT_SLOTS) sets how many; a request beyond them waits for a free slot inside llama.cpp.
Each slot keeps its last prompt cached, and llama.cpp gives a request the slot sharing the
longest prefix, so alternating prompts (answer / follow-up rewrite) keep their fixed prefix.
What one reply leaves behind (`last_timings`, `last_logprobs`) is kept per calling thread.
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
from .registry import register
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
                 spec: ModelSpec = DEFAULT_MODEL, slots: int = 2):
        verify_model(Path(model_path), spec)
        import xllamacpp as xlc

        self.model = spec.name
        self.path = Path(model_path)
        self.context_window = context_window
        params = xlc.CommonParams()
        params.model.path = str(self.path)
        self.slots = max(1, int(slots))
        params.n_ctx = self.slots * context_window  # each slot gets a whole context window
        params.n_parallel = self.slots
        params.cont_batching = True
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
        self._reply = threading.local()  # what the last reply left, per calling thread

    @property
    def last_timings(self) -> dict[str, Any]:
        """llama.cpp's timings of this thread's last reply (prompt_n, cache_n, predicted_n, …)."""
        return getattr(self._reply, "timings", {})

    @property
    def last_logprobs(self) -> list[TokenLogprob]:
        """This thread's last reply, token by token, with the alternatives considered."""
        return getattr(self._reply, "logprobs", [])

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
                self._server.handle_chat_completions(request, on_chunk)
            except Exception as exc:  # surfaces in the consumer
                chunks.put(BackendError(f"local model failed: {exc}"))
            finally:
                chunks.put(_DONE)

        self._reply.timings = {}
        self._reply.logprobs = tokens  # filled as the reply is read: a caller may look mid-reply
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
            self._reply.logprobs = tokens

    def _text(self, chunk: Any, tokens: list[TokenLogprob]) -> str:
        if isinstance(chunk, str):
            import json

            chunk = json.loads(chunk)
        if "error" in chunk:
            raise BackendError(f"local model error: {chunk['error']}")
        if "timings" in chunk:
            self._reply.timings = chunk["timings"]
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
    return LocalLLM(cfg.model_path, threads=cfg.threads, context_window=cfg.context_window,
                    slots=cfg.slots)
