"""Test helpers importable from tests and from the subprocesses tests start."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time

from assistant.embeddings import HashingEmbedder


class CountingEmbedder(HashingEmbedder):
    """Counts how many texts it embedded: proves re-indexing work is (not) done."""

    def __init__(self, *args, delay: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.texts = 0
        self.delay = delay

    def embed(self, texts):
        self.calls += 1
        self.texts += len(texts)
        if self.delay:
            time.sleep(self.delay)
        return super().embed(texts)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def offline(cmd: list[str]) -> list[str]:
    """Wrap `cmd` so it runs with no network but loopback, when this machine allows it."""
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        if probe.returncode == 0:
            script = 'ip link set lo up && exec "$@"'
            return ["unshare", "-n", "sh", "-c", script, "sh", *cmd]
    return cmd


PY = sys.executable
