"""Download the real PyPI files the tests use into .cache/test-corpus (once; kept between runs).

Each entry of CORPUS is (file name, sha256 or ""); files come from PyPI's JSON API (its simple API when that fails). Run by
scripts/setup-test-machine; tests read the folder and skip with this script's name when a file is
missing. Every network read has a deadline.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("BUILDDOCTOR_TEST_CORPUS", ROOT / ".cache" / "test-corpus"))
TIMEOUT = 60

#: project -> (version, [file names]); tests name the files they use.
CORPUS: dict[str, tuple[str, list[str]]] = {
    # a real sdist with a C extension and a setuptools floor: tests/e2e/test_backend_resolution.py
    "markupsafe": ("3.0.2", ["markupsafe-3.0.2.tar.gz"]),
}


def _files(project: str, version: str) -> dict[str, dict[str, object]]:
    """File name -> {url, digests} from PyPI's JSON API, else its simple API (PEP 691), which mirrors serve too."""
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{project}/{version}/json", timeout=TIMEOUT) as resp:
            doc = json.load(resp)
        return {u["filename"]: u for u in doc["urls"]}
    except OSError:
        pass
    req = urllib.request.Request(f"https://pypi.org/simple/{project}/",
                                 headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        simple = json.load(resp)
    return {f["filename"]: {"url": f["url"], "digests": {"sha256": f["hashes"].get("sha256", "")}}
            for f in simple["files"]}


def main() -> int:
    CACHE.mkdir(parents=True, exist_ok=True)
    failed = 0
    for project, (version, names) in CORPUS.items():
        wanted = [n for n in names if not (CACHE / n).is_file()]
        if not wanted:
            continue
        try:
            files = _files(project, version)
        except OSError as exc:
            print(f"fetch_test_corpus: {project} {version}: {exc}", file=sys.stderr)
            failed += len(wanted)
            continue
        for name in wanted:
            info = files.get(name)
            if info is None:
                print(f"fetch_test_corpus: {name} is not on PyPI", file=sys.stderr)
                failed += 1
                continue
            tmp = CACHE / (name + ".part")
            try:
                with urllib.request.urlopen(str(info["url"]), timeout=TIMEOUT) as resp, open(tmp, "wb") as out:
                    while chunk := resp.read(1 << 20):
                        out.write(chunk)
            except OSError as exc:
                print(f"fetch_test_corpus: {name}: {exc}", file=sys.stderr)
                tmp.unlink(missing_ok=True)
                failed += 1
                continue
            digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
            if digest != info["digests"]["sha256"]:  # type: ignore[index]
                print(f"fetch_test_corpus: {name}: sha256 mismatch", file=sys.stderr)
                tmp.unlink()
                failed += 1
                continue
            tmp.replace(CACHE / name)
    if failed:
        print(f"fetch_test_corpus: {failed} file(s) missing; the tests that need them will skip", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
