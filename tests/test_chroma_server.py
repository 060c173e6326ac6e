"""Client/server mode: a real `chroma run` on loopback replaces the embedded store."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant, IndexUnusable
from assistant.embeddings import HashingEmbedder

from helpers import free_port

pytestmark = pytest.mark.server


@pytest.fixture
def chroma_server(tmp_path):
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        exe = shutil.which("chroma")
    port = free_port()
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "server-data"),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def test_index_and_answer_through_a_chroma_server(chroma_server, tiny_corpus, tmp_path):
    kw = dict(corpus=tiny_corpus, index=tmp_path / "local", generator="extractive",
              embedder=HashingEmbedder(), chroma_host="127.0.0.1", chroma_port=chroma_server)
    bot = Assistant.load(**kw)
    assert bot.sync_report.added == ["alpha.txt", "beta.md"]
    assert bot.info()["index"] == f"chroma://127.0.0.1:{chroma_server}"
    assert not (tmp_path / "local" / "chroma.sqlite3").exists()  # nothing stored locally
    ans = bot.ask("When will the library open?")
    assert "June 2022" in ans.text
    again = Assistant.load(**kw)
    assert again.sync_report.unchanged == ["alpha.txt", "beta.md"]


def test_unreachable_server_names_the_setting(tiny_corpus, tmp_path):
    with pytest.raises(IndexUnusable, match="ASSISTANT_CHROMA_HOST"):
        Assistant.load(corpus=tiny_corpus, index=tmp_path / "ix", generator="extractive",
                       embedder=HashingEmbedder(), chroma_host="127.0.0.1", chroma_port=free_port())
