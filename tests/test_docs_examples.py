"""Every example in README.md and docs/*.md runs, and shows what it prints.

Each fenced block is one example: ```python blocks run as a script; shell blocks (```, ```bash,
```sh, ```console) run each command, and where a block uses `$ ` prompts, the lines after a
command are its output, compared with what the command prints; ```json blocks must parse.
Examples run in a subprocess with ASSISTANT_GENERATOR=extractive and a copy of the seeds index,
so the default run needs no language model.

An HTML comment right before a block says how to run it (visible in the docs' source only):

    <!-- example: llm; cite -->          run only under `-m llm`, with the default (local) backend;
                                          compare the citations shown, not the model's wording
    <!-- example: server; serves=127.0.0.1:7861 -->
                                          each command is a server: started, waited for, stopped
    <!-- example: server; needs=python -m assistant serve @ 127.0.0.1:7861 -->
                                          starts that server first (retrying the example while it
                                          loads)
    <!-- example: files=own-docs -->      runs in a folder holding the files the example names
    <!-- example: contains=£22 million -->   the output must hold this text
    <!-- example: exit=1 assistant add -->   a command holding `assistant add` exits with 1
    <!-- example: skip-example: why -->  cannot run in a test (the reason is shown by pytest)

Markers are the project's pytest markers (llm, browser, server, slow). Shown output is compared
line by line after two normalisations (a timestamp and a duration in seconds may differ), and
`…` in a shown line stands for any text.

Commands of examples that only run under a marker are still checked in the default run: each
`python -m MODULE` they use must define the options they pass.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKERS = {"llm", "browser", "server", "slow"}
SHELL = {"", "bash", "sh", "shell", "console"}
DIRECTIVE = re.compile(r"^<!--\s*example:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^```(\S*)\s*$")
BIN = Path(sys.executable).parent


@dataclass
class Example:
    doc: str
    line: int
    lang: str
    body: str
    markers: set[str] = field(default_factory=set)
    options: dict[str, list[str]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    def option(self, name: str) -> str | None:
        return self.options.get(name, [None])[0]


def parse_directive(text: str) -> tuple[set[str], dict[str, list[str]]]:
    markers, options = set(), {}
    text, _, reason = text.partition("skip-example")
    if _:  # the reason is the rest of the comment, whatever it holds
        options["skip"] = [reason.lstrip(" :").strip()]
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if "=" in part:
            key, _, value = part.partition("=")
            options.setdefault(key.strip(), []).append(value.strip())
        elif part in MARKERS or part == "cite":
            markers.add(part)
        else:
            raise ValueError(f"unknown example directive {part!r}")
    return markers, options


def examples(path: Path) -> list[Example]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            assert not lines[i].lstrip().startswith("```") or lines[i].startswith("```"), (
                f"{path.name}:{i + 1}: an indented code fence (the runner reads top-level ones)")
            i += 1
            continue
        start = i
        i += 1
        while not lines[i].startswith("```"):
            i += 1
        j = start - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        d = DIRECTIVE.match(lines[j]) if j >= 0 else None
        markers, options = parse_directive(d.group(1)) if d else (set(), {})
        found.append(Example(path.relative_to(ROOT).as_posix(), start + 1, m.group(1),
                             "\n".join(lines[start + 1:i]) + "\n", markers, options))
        i += 1
    return found


ALL = [e for doc in DOCS for e in examples(doc)]


def params(select) -> list:
    out = []
    for e in filter(select, ALL):
        marks = [getattr(pytest.mark, m) for m in sorted(e.markers & MARKERS)]
        if "skip" in e.options:
            marks.append(pytest.mark.skip(reason=f"skip-example: {e.option('skip')}"))
        out.append(pytest.param(e, id=e.id, marks=marks))
    return out


# ---------------------------------------------------------------- shell blocks

@dataclass
class Command:
    line: str
    shown: list[str] | None  # the output the docs show, or None when they show none


def commands(body: str) -> list[Command]:
    """The block's commands: `$ ` lines with the output under each, or every line."""
    raw = body.splitlines()
    prompted = any(line.startswith("$ ") for line in raw)
    cmds: list[Command] = []
    pending = ""
    for line in raw:
        if prompted and not line.startswith("$ ") and not pending:
            if cmds:
                cmds[-1].shown.append(line)
            continue
        text = line[2:] if prompted and line.startswith("$ ") else line
        if not pending and (not text.strip() or text.lstrip().startswith("#")):
            continue
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        cmds.append(Command(pending + text, [] if prompted else None))
        pending = ""
    for c in cmds:
        if c.shown is not None and not c.shown:
            c.shown = None
    return cmds


STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
SECONDS = re.compile(r"\(\d+(?:\.\d+)? s\)")


def normal(line: str) -> str:
    return SECONDS.sub("(N s)", STAMP.sub("YYYY-MM-DD hh:mm:ss", line.rstrip()))


def matches(shown: str, printed: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in normal(shown).split("…"))
    return re.fullmatch(pattern, normal(printed)) is not None


def citations(lines: list[str]) -> list[str]:
    """The citation lines of a CLI answer (`[n] where (title)` and the quote under it)."""
    return [line.strip() for line in lines if re.match(r"\s+(\[\d+\] |“)", line)]


def compare(example: Example, cmd: Command, printed: str) -> None:
    got = printed.rstrip("\n").splitlines()
    where = f"{example.id}: `{cmd.line}`"
    if "cite" in example.markers:
        want = citations(cmd.shown)
        have = citations(got)
        assert len(want) == len(have) and all(map(matches, want, have)), (
            f"{where}: citations differ\n--- shown:\n" + "\n".join(want)
            + "\n--- printed:\n" + printed)
        if any("The documents don't say." in s for s in cmd.shown):
            assert "The documents don't say." in printed, f"{where}: expected a decline\n{printed}"
        return
    ok = len(cmd.shown) == len(got) and all(map(matches, cmd.shown, got))
    assert ok, f"{where}: output differs\n--- shown:\n" + "\n".join(cmd.shown) + \
        "\n--- printed:\n" + printed


# ---------------------------------------------------------------- where examples run

def environment(index: Path, corpus: Path, home: Path, llm: bool) -> dict[str, str]:
    env = {**os.environ, "ASSISTANT_INDEX": str(index), "ASSISTANT_CORPUS": str(corpus),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(home),
           "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
    env.pop("ASSISTANT_AUTH", None)
    if llm:
        env.pop("ASSISTANT_GENERATOR", None)  # the default backend: the local model
    else:
        env["ASSISTANT_GENERATOR"] = "extractive"
    return env


def own_docs(folder: Path) -> None:
    """report.pdf, policy.docx, saved-page.html and notes/ (a copy of the report and a photo
    in which OCR finds no text)."""
    import fixtures_docs as f
    from PIL import Image

    f.report_pdf(folder / "report.pdf")
    f.policy_docx(folder / "policy.docx")
    f.html_page(folder / "saved-page.html")
    (folder / "notes").mkdir()
    shutil.copy(folder / "report.pdf", folder / "notes" / "report-copy.pdf")
    Image.new("RGB", (600, 400), "white").save(folder / "notes" / "photo.png")


def tables(folder: Path) -> None:
    """lighthouses.pdf (the tables benchmark's unruled PDF) in the corpus folder, dated as the
    docs show it (reportlab stamps the PDF with SOURCE_DATE_EPOCH, else the time it is made)."""
    from evals import table_docs

    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1796299200"  # 2026-12-03 12:00 UTC
    try:
        table_docs.build("pdf-unruled", folder / "my-docs")
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


FIXTURES = {"own-docs": own_docs, "tables": tables}


@pytest.fixture
def place(request, tmp_path):
    """(working folder, environment) for one example: a copy of the seeds index over seeds/, or
    an empty corpus and index beside the files a `files=` fixture writes."""
    example: Example = request.param
    home = tmp_path / "home"
    home.mkdir()
    fixture = example.option("files")
    if fixture:
        (tmp_path / "my-docs").mkdir()
        FIXTURES[fixture](tmp_path)
        corpus, index, cwd = tmp_path / "my-docs", tmp_path / "my-index", tmp_path
    else:
        seeds_index = request.getfixturevalue("seeds_index")
        index = tmp_path / "index"
        shutil.copytree(seeds_index, index)  # not the session's: its bot holds that one open
        corpus, cwd = ROOT / "seeds", (ROOT if example.lang in SHELL else tmp_path)
    return cwd, environment(index, corpus, home, llm="llm" in example.markers)


def free(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


def wait_for(host: str, port: int, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while free(host, port):
        assert proc.poll() is None, f"the server exited ({proc.returncode}) before listening"
        assert time.monotonic() < deadline, f"nothing listened on {host}:{port} in {seconds} s"
        time.sleep(0.5)


def start(command: str, cwd: Path, env: dict, address: str) -> subprocess.Popen:
    host, _, port = address.rpartition(":")
    assert free(host, int(port)), f"{address} is in use: the example's server cannot start"
    proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        wait_for(host, int(port), proc)
    except BaseException:
        stop(proc)
        raise
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def run_example(example: Example, cwd: Path, env: dict) -> str:
    """Run the example once; what it printed (stdout and stderr, in order)."""
    if example.lang == "python":
        done = subprocess.run([sys.executable, "-c", example.body], cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
        assert done.returncode == 0, f"{example.id}: exit {done.returncode}\n{done.stdout[-4000:]}"
        return done.stdout
    printed = []
    statuses = [e.partition(" ") for e in example.options.get("exit", [])]
    for cmd in commands(example.body):
        done = subprocess.run(["bash", "-c", cmd.line], cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=None if "slow" in example.markers else 900)
        want = next((int(code) for code, _, part in statuses if part in cmd.line), 0)
        assert done.returncode == want, (
            f"{example.id}: `{cmd.line}` exited {done.returncode}, not {want}\n"
            f"{done.stdout[-4000:]}")
        if cmd.shown is not None:
            compare(example, cmd, done.stdout)
        printed.append(done.stdout)
    return "".join(printed)


@pytest.mark.integration
@pytest.mark.parametrize("place", params(lambda e: e.lang == "python" or e.lang in SHELL),
                         indirect=True)
def test_example_runs_and_prints_what_it_shows(request, place):
    example: Example = request.node.callspec.params["place"]
    cwd, env = place
    if example.lang in SHELL and "serves" in example.options:
        started = []
        try:  # each in turn, as a reader would start them, then all stopped
            for cmd, address in zip(commands(example.body), example.options["serves"], strict=True):
                started.append(start(cmd.line, cwd, env, address))
        finally:
            for proc in reversed(started):
                stop(proc)
        return
    servers = []
    try:
        for need in example.options.get("needs", []):
            command, _, address = need.rpartition("@")
            servers.append(start(command.strip(), ROOT, env, address.strip()))
        deadline = time.monotonic() + (300 if servers else 0)
        while True:
            try:
                printed = run_example(example, cwd, env)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(5)  # a server that listens before its assistant is loaded
    finally:
        for proc in servers:
            stop(proc)
    for text in example.options.get("contains", []):
        assert text in printed, f"{example.id}: {text!r} not in what it printed:\n{printed[-4000:]}"


@pytest.mark.parametrize("example", params(lambda e: e.lang == "json"))
def test_json_example_parses(example):
    json.loads(example.body)


def test_every_block_is_an_example_the_runner_knows():
    unknown = [e.id for e in ALL if e.lang not in SHELL | {"python", "json"}
               and "skip" not in e.options]
    assert not unknown, f"blocks in a language the runner does not run: {unknown}"
    unexplained = [e.id for e in ALL if "skip" in e.options and not e.option("skip")]
    assert not unexplained, f"skip-example without a reason: {unexplained}"


# ------------------------------------------------- marked examples' commands still exist

def module_flags() -> dict[str, set[str]]:
    """`python -m MODULE` used by examples left out of the default run → the options they pass."""
    wanted: dict[str, set[str]] = {}
    for e in ALL:
        if e.lang not in SHELL or not e.markers & MARKERS:
            continue
        for cmd in commands(e.body):
            words = shlex.split(cmd.line, comments=True)
            if "-m" in words:
                module = words[words.index("-m") + 1]
                flags = {w.split("=")[0] for w in words if w.startswith("--")}
                if module in ("assistant",) and len(words) > words.index("-m") + 2:
                    module = f"assistant {words[words.index('-m') + 2]}"
                wanted.setdefault(module, set()).update(flags)
    return wanted


def source_of(module: str) -> str:
    """The text of the module (and of its package, where options may be shared)."""
    name = module.split()[0]
    path = ROOT / (name.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / name.replace(".", "/") / "cli.py"
    package = path.parent
    return path.read_text(encoding="utf-8") + "".join(
        f.read_text(encoding="utf-8") for f in sorted(package.glob("*.py")) if f != path)


def test_marked_examples_commands_accept_their_options():
    """Read, not run: some benchmarks start work whatever their arguments."""
    missing = {}
    for module, flags in module_flags().items():
        text = source_of(module)
        gone = sorted(f for f in flags if f'"{f}"' not in text and f"'{f}'" not in text)
        if gone:
            missing[module] = gone
    assert not missing, f"options the docs use that their module does not define: {missing}"


# ---------------------------------------------------------------- the pages themselves

def test_readme_is_a_front_door():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"
    assert "CHANGELOG.md" in readme


def anchors(path: Path) -> set[str]:
    """GitHub's ids of a page's headings."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    heads = re.findall(r"^#+ (.+)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in heads}


def test_links_and_images_point_at_files():
    for doc in [*DOCS, ROOT / "CHANGELOG.md"]:
        text = doc.read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path = doc.parent / target if target else doc
            assert path.exists(), f"{doc.name}: broken link {target}"
            if anchor:
                assert anchor in anchors(path), f"{doc.name}: no heading #{anchor} in {target}"
    used = "".join(d.read_text(encoding="utf-8") for d in DOCS)
    for image in (ROOT / "docs").glob("*.png"):
        assert image.name in used, f"docs/{image.name} is referenced nowhere"


def test_user_commands_change_no_tracked_file():
    """Commands that rewrite tracked files (the eval baseline, the shipped judge) are kept out of
    the examples a user runs."""
    for e in ALL:
        if e.lang in SHELL and "skip" not in e.options:
            assert "--update-baseline" not in e.body and "training.train_judge" not in e.body, e.id
