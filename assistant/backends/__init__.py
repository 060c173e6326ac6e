"""Generator backends, chosen by name.

A *generator* turns a question and its evidence into a stream of text followed by a final
Answer (`Generator` protocol). `extractive` needs no language model; the others wrap an *LLM*
(`LLM` protocol, see `assistant.backends.base`) in the evidence-first, citation-checked
`LLMGenerator`. Backends register in `registry.LLMS`: adding one is a new module plus one line.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..errors import BackendError
from ..answering.extractive import ExtractiveGenerator
from .base import LLM, Generator
from .registry import LLMS, register


def make_llm(cfg: Config) -> LLM:
    from . import fake, local, ollama, openai_compat  # noqa: F401 - register themselves

    try:
        factory = LLMS[cfg.generator]
    except KeyError:
        raise BackendError(f"No LLM backend named {cfg.generator!r}; choose one of "
                           f"{', '.join(sorted(LLMS))} or 'extractive'.") from None
    return factory(cfg)


def make_generator(cfg: Config, embedder: Any, llm: Any = None,
                   threshold: float | None = None) -> Generator:
    """`threshold`: the judge's probability an answer needs, unless the settings give one."""
    bar = cfg.abstain_below if cfg.abstain_below is not None else threshold
    extractive = ExtractiveGenerator() if bar is None else ExtractiveGenerator(abstain_below=bar)
    if cfg.generator == "extractive" and llm is None:
        return extractive
    from ..answering.generation import LLMGenerator

    return LLMGenerator(llm if llm is not None else make_llm(cfg), fallback=extractive,
                        embedder=embedder, context_window=cfg.context_window)


__all__ = ["Generator", "LLM", "make_generator", "make_llm", "register"]
