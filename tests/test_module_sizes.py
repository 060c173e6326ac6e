"""No module of the assistant or of its evaluations is over 400 lines (STYLE.md: a module per
concept, under ~400 lines): a longer one is split by what it holds. Counted from the source, as
`wc -l` counts, so nothing is imported to check it."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

LIMIT = 400
CHECKED = ("assistant", "evals")


def line_counts() -> dict[str, int]:
    """Every .py file under the checked folders (hidden folders left out) → its line count."""
    counts = {}
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if any(part.startswith(".") for part in rel.parts):
                continue
            counts[rel.as_posix()] = path.read_bytes().count(b"\n")
    return counts


def test_modules_are_found():
    counts = line_counts()
    assert "assistant/__init__.py" in counts and "evals/retrieval_scale.py" in counts


def test_no_module_over_400_lines():
    over = {name: n for name, n in line_counts().items() if n > LIMIT}
    assert not over, (
        f"{len(over)} module(s) over {LIMIT} lines; split each by what it holds: "
        + ", ".join(f"{name} ({n})" for name, n in sorted(over.items(), key=lambda kv: -kv[1])))
