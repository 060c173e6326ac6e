"""Local models for ragas: the judge LLM (JSON-schema constrained decoding through any
`assistant` LLM backend) and the embeddings (all-MiniLM-L6-v2 from its package directory)."""

from __future__ import annotations

import asyncio
import json
import typing as t

from pydantic import BaseModel, ValidationError
from ragas.embeddings.base import BaseRagasEmbedding
from ragas.llms.base import InstructorBaseRagasLLM

M = t.TypeVar("M", bound=BaseModel)


class JudgeError(RuntimeError):
    pass


def decision_first(schema: dict) -> dict:
    """Reorder object properties so a `verdict` is written before its `reason`.

    ragas' schemas ask for the reason first. A 1.5B judge then talks itself out of obvious
    verdicts ("the context says the report made 17 recommendations, but ..." → 0); deciding
    first, then explaining, fixed every such case we saw without blurring faithful/unfaithful.
    """
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict) and "verdict" in props:
            first = [k for k in ("statement", "verdict") if k in props]
            schema["properties"] = {k: props[k] for k in first + [k for k in props if k not in first]}
        for value in schema.values():
            decision_first(value)
    elif isinstance(schema, list):
        for value in schema:
            decision_first(value)
    return schema


class LocalJudge(InstructorBaseRagasLLM):
    """ragas' structured-output LLM interface over an `assistant` LLM backend: the reply is
    constrained to the response model's JSON schema (decision first), then validated."""

    def __init__(self, llm, max_tokens: int = 1024):
        self.llm = llm
        self.max_tokens = max_tokens
        self.calls = 0

    def generate(self, prompt: str, response_model: type[M]) -> M:
        self.calls += 1
        schema = decision_first(response_model.model_json_schema())
        messages = [{"role": "user", "content": prompt}]
        for attempt in range(2):
            text = "".join(self.llm.stream(messages, max_tokens=self.max_tokens,
                                           temperature=0.0, json_schema=schema))
            try:
                return response_model.model_validate_json(text)
            except ValidationError as exc:
                if attempt:
                    raise JudgeError(f"judge reply does not fit {response_model.__name__}: "
                                     f"{text[:300]!r}") from exc
                messages = [{"role": "user", "content": prompt + "\n\nReply with complete JSON only."}]
        raise AssertionError("unreachable")

    async def agenerate(self, prompt: str, response_model: type[M]) -> M:
        return await asyncio.to_thread(self.generate, prompt, response_model)


class LocalEmbeddings(BaseRagasEmbedding):
    """ragas' modern embedding interface over an `assistant` embedder."""

    def __init__(self, embedder):
        super().__init__()
        self.embedder = embedder

    def embed_text(self, text: str, **kwargs) -> list[float]:
        return self.embedder.embed([text])[0].tolist()

    async def aembed_text(self, text: str, **kwargs) -> list[float]:
        return self.embed_text(text)

    def embed_texts(self, texts: list[str], **kwargs) -> list[list[float]]:
        return self.embedder.embed(list(texts)).tolist()

    async def aembed_texts(self, texts: list[str], **kwargs) -> list[list[float]]:
        return self.embed_texts(texts)


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
