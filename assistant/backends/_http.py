"""Streaming HTTP for the remote backends (httpx). Connection problems become BackendError
naming the setting to fix."""

from __future__ import annotations

import json
from typing import Iterator

import httpx

from ..errors import BackendError


def stream_lines(url: str, payload: dict, *, headers: dict | None, timeout: float,
                 setting: str) -> Iterator[str]:
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout, connect=5.0)) as client:
            with client.stream("POST", url, json=payload, headers=headers or {}) as resp:
                if resp.status_code >= 400:
                    body = resp.read().decode(errors="replace")[:300]
                    raise BackendError(f"{url} answered HTTP {resp.status_code}: {body}. "
                                       f"Check {setting} and the model name.")
                yield from resp.iter_lines()
    except httpx.HTTPError as exc:
        raise BackendError(f"Cannot reach {url} ({type(exc).__name__}: {exc}). "
                           f"Is the server running? Check {setting}.") from exc


def parse_json(line: str, url: str):
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise BackendError(f"{url} sent something that is not JSON: {line[:200]!r}") from exc
