"""A Chroma server for `python -m evals.retrieval_scale --store server`: `chroma run` started
and stopped by its pid, its memory and CPU read from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .scale_probes import rss_mb


class Server:
    """`chroma run --path DIR --host 127.0.0.1 --port N`, started and stopped by its pid."""

    def __init__(self, path: Path, port: int):
        self.path, self.port, self.proc = path, port, None
        self.log = path.parent / f"chroma-server-{port}.log"

    def start(self) -> float:
        chroma = Path(sys.executable).with_name("chroma")
        self.path.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([str(chroma), "run", "--path", str(self.path),
                                      "--host", "127.0.0.1", "--port", str(self.port)],
                                     stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"chroma server exited ({self.proc.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=2):
                    return time.perf_counter() - t0
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"chroma server did not answer within 120 s; see {self.log}")

    def memory(self) -> dict:
        """The server's RSS now and at its peak, and the CPU seconds it has used."""
        pid = self.proc.pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return {"rss_mb": rss_mb(pid), "peak_rss_mb": rss_mb(pid, "VmHWM"),
                "cpu_s": (int(fields[11]) + int(fields[12])) / ticks}

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
