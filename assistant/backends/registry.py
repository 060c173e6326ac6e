"""The backends' registry: each LLM backend module registers its factory here by name, so the
package (`assistant.backends`) imports the modules and they import only this, never it."""

from __future__ import annotations

from typing import Callable

from ..config import Config
from .base import LLM

LLMS: dict[str, Callable[[Config], LLM]] = {}


def register(name: str):
    """Decorator: `@register("local")` on a factory `Config -> LLM`."""
    def deco(factory: Callable[[Config], LLM]):
        LLMS[name] = factory
        return factory
    return deco
