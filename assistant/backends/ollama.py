"""`ollama`: a model served by Ollama (ASSISTANT_OLLAMA_URL, ASSISTANT_OLLAMA_MODEL)."""

from __future__ import annotations

from typing import Iterator, Sequence

from ..config import Config
from ..errors import BackendError
from .registry import register
from .base import estimate_tokens
from ._http import parse_json, stream_lines


class OllamaLLM:
    name = "ollama"

    def __init__(self, url: str, model: str, timeout: float = 120.0):
        self.url = url.rstrip("/")
        self.model = model
        self.timeout = timeout

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def stream(self, messages: Sequence[dict], *, max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None, stop: Sequence[str] = ()) -> Iterator[str]:
        url = f"{self.url}/api/chat"
        payload = {"model": self.model, "messages": list(messages), "stream": True,
                   "options": {"temperature": temperature, "num_predict": max_tokens,
                               **({"stop": list(stop)} if stop else {})}}
        if json_schema is not None:
            payload["format"] = json_schema
        for line in stream_lines(url, payload, headers=None, timeout=self.timeout,
                                 setting="ASSISTANT_OLLAMA_URL / ASSISTANT_OLLAMA_MODEL"):
            if not line.strip():
                continue
            data = parse_json(line, url)
            if "error" in data:
                raise BackendError(f"Ollama: {data['error']} (ASSISTANT_OLLAMA_MODEL="
                                   f"{self.model!r})")
            if text := (data.get("message") or {}).get("content"):
                yield text
            if data.get("done"):
                return


@register("ollama")
def _from_config(cfg: Config) -> OllamaLLM:
    return OllamaLLM(cfg.ollama_url, cfg.ollama_model, cfg.request_timeout)
