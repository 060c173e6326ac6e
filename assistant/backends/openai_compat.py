"""`openai`: any OpenAI-compatible chat-completions server (llama.cpp server, vLLM, LM Studio,
a hosted API). Base URL, model and key come from ASSISTANT_OPENAI_BASE_URL,
ASSISTANT_OPENAI_MODEL and ASSISTANT_OPENAI_API_KEY (or OPENAI_API_KEY)."""

from __future__ import annotations

from typing import Iterator, Sequence

from ..config import Config
from ..errors import BackendError, ConfigError
from .registry import register
from .base import estimate_tokens
from ._http import parse_json, stream_lines

SETTING = "ASSISTANT_OPENAI_BASE_URL / ASSISTANT_OPENAI_MODEL / ASSISTANT_OPENAI_API_KEY"


class OpenAICompatibleLLM:
    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: str | None = None,
                 timeout: float = 120.0):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._key = api_key
        self.timeout = timeout

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def stream(self, messages: Sequence[dict], *, max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None, stop: Sequence[str] = ()) -> Iterator[str]:
        url = f"{self.base_url}/chat/completions"
        payload: dict = {"model": self.model, "messages": list(messages), "stream": True,
                         "max_tokens": max_tokens, "temperature": temperature}
        if stop:
            payload["stop"] = list(stop)
        if json_schema is not None:
            payload["response_format"] = {"type": "json_schema", "json_schema": {
                "name": "answer", "schema": json_schema, "strict": True}}
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else None
        for line in stream_lines(url, payload, headers=headers, timeout=self.timeout,
                                 setting=SETTING):
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                return
            chunk = parse_json(data, url)
            if "error" in chunk:
                raise BackendError(f"{url}: {chunk['error']}. Check {SETTING}.")
            for choice in chunk.get("choices") or []:
                if text := (choice.get("delta") or {}).get("content"):
                    yield text


@register("openai")
def _from_config(cfg: Config) -> OpenAICompatibleLLM:
    missing = [name for name, value in (("ASSISTANT_OPENAI_BASE_URL", cfg.openai_base_url),
                                        ("ASSISTANT_OPENAI_MODEL", cfg.openai_model)) if not value]
    if missing:
        raise ConfigError(f"The openai backend needs {' and '.join(missing)} "
                          f"(e.g. http://127.0.0.1:8080/v1 and a model name).")
    return OpenAICompatibleLLM(cfg.openai_base_url, cfg.openai_model, cfg.openai_api_key,
                               cfg.request_timeout)
