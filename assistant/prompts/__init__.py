"""Prompts are package data: one copy of each, rendered strictly (a missing or unused
placeholder is an error, not a silent blank)."""

from __future__ import annotations

import functools
import string
from importlib import resources


@functools.cache
def load(name: str) -> str:
    return resources.files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")


def render(name: str, **values: str) -> str:
    template = load(name)
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    if fields != set(values):
        raise KeyError(f"prompt {name!r} takes {sorted(fields)}, got {sorted(values)}")
    return template.format(**values).strip()
