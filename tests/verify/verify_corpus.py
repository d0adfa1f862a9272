"""The real PyPI wheels scripts/fetch_test_corpus.py downloads, and a helper to mutate them."""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = "run scripts/setup-test-machine (or python scripts/fetch_test_corpus.py) to download the test corpus"


def _load_corpus() -> dict[str, tuple[str, list[str]]]:
    spec = importlib.util.spec_from_file_location("fetch_test_corpus", ROOT / "scripts" / "fetch_test_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.CORPUS)


CACHE = Path(os.environ.get("BUILDDOCTOR_TEST_CORPUS", ROOT / ".cache" / "test-corpus"))
CORPUS = _load_corpus()
WHEELS = sorted(n for _, names in CORPUS.values() for n in names if n.endswith(".whl"))


def corpus_wheel(name: str) -> Path:
    """A corpus wheel by its exact file name (it must be listed in CORPUS); skipped when not downloaded."""
    assert name in WHEELS, f"{name} is not in scripts/fetch_test_corpus.py CORPUS"
    path = CACHE / name
    if not path.is_file():
        pytest.skip(f"{name} is missing: {SETUP}")
    return path


def find(prefix: str, *parts: str) -> Path:
    """The corpus wheel whose name starts with prefix and contains every part."""
    hits = [n for n in WHEELS if n.startswith(prefix) and all(p in n for p in parts)]
    assert len(hits) == 1, (prefix, parts, hits)
    return corpus_wheel(hits[0])


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def rewrite(src: Path, out_dir: Path, *, name: str | None = None, replace: dict[str, bytes] | None = None,
            add: dict[str, bytes] | None = None, wheel_tags: list[str] | None = None,
            fix_record: bool = True) -> Path:
    """A copy of a real wheel with members replaced/added, WHEEL retagged and RECORD rewritten to match
    (unless fix_record=False: then RECORD keeps the original hashes)."""
    with zipfile.ZipFile(src) as zin:
        members = {i.filename: zin.read(i) for i in zin.infolist() if not i.is_dir()}
    dist = next(n.split("/", 1)[0] for n in members if n.split("/", 1)[0].endswith(".dist-info"))
    members.update(replace or {})
    members.update(add or {})
    if wheel_tags is not None:
        lines = [ln for ln in members[f"{dist}/WHEEL"].decode().splitlines() if not ln.startswith("Tag:")]
        members[f"{dist}/WHEEL"] = ("\n".join(lines + [f"Tag: {t}" for t in wheel_tags]) + "\n").encode()
    if fix_record:
        record = [record_line(n, d) for n, d in members.items() if n != f"{dist}/RECORD"]
        members[f"{dist}/RECORD"] = ("\n".join([*record, f"{dist}/RECORD,,"]) + "\n").encode()
    dst = out_dir / (name or src.name)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, d in members.items():
            zout.writestr(n, d)
    return dst


def member_bytes(wheel: Path, suffix: str) -> tuple[str, bytes]:
    """(name, bytes) of the one member whose name ends with suffix."""
    with zipfile.ZipFile(wheel) as zf:
        [name] = [n for n in zf.namelist() if n.endswith(suffix)]
        return name, zf.read(name)
