"""Issue 12, finding 1, end to end: a running chat app (its own process) keeps answering while
another process adds and removes documents with the CLI, and its next answer cites the new
document and never the removed one, with no restart and no error."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, write_corpus
from helpers import free_port, offline

pytestmark = pytest.mark.integration


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(offline([sys.executable, "-m", "assistant", *args]), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def app(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    assert cli("index", "--corpus", str(corpus), "--index", str(index)).returncode == 0
    port = free_port()
    env = {**os.environ, "ASSISTANT_CORPUS": str(corpus), "ASSISTANT_INDEX": str(index)}
    # not in a network namespace of its own: the test must reach it on loopback
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "-g", "extractive"],
                            cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_served(url, proc)
        yield url, corpus, index
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_until_served(url: str, proc: subprocess.Popen, timeout: float = 600) -> None:
    """Until the page is served and the assistant behind it is ready (the page is served
    first, while the assistant loads: its /status API says when it is ready)."""
    import httpx
    from gradio_client import Client

    deadline = time.monotonic() + timeout
    client = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited: {proc.stdout.read()[-2000:]}")
        try:
            if client is None and httpx.get(f"{url}/", timeout=2).status_code == 200:
                client = Client(f"{url}/", verbose=False)
            if client is not None and client.predict(api_name="/status")["ready"]:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("the app did not start in time")


def test_running_app_follows_documents_added_and_removed_by_another_process(app, tmp_path):
    from gradio_client import Client

    url, corpus, index = app
    client = Client(f"{url}/", verbose=False)
    first = client.predict("When will the library open?", api_name="/ask")
    assert first["citations"][0]["source"] == "alpha.txt"

    new = tmp_path / "bridge.txt"
    new.write_text("Bridge works\n\nThe old bridge will be repaired in May 2023, the engineers "
                   "said.\n", encoding="utf-8")
    where = ["--corpus", str(corpus), "--index", str(index)]
    added = cli("add", str(new), *where)
    assert added.returncode == 0 and "added bridge.txt" in added.stdout, added.stderr
    removed = cli("remove", "beta.md", *where)
    assert removed.returncode == 0, removed.stderr

    answer = client.predict("When will the old bridge be repaired?", api_name="/ask")
    assert "May 2023" in answer["text"]
    assert [c["source"] for c in answer["citations"]][:1] == ["bridge.txt"]
    for question in ("Why was the library paused?", "How much will the library cost now?"):
        answer = client.predict(question, api_name="/ask")
        assert all(c["source"] != "beta.md" for c in answer["citations"]), answer
