"""Download the real PyPI files the tests use into .cache/test-corpus (once; kept between runs).

Files come from PyPI's JSON API (its simple API when that fails) and are checked against its sha256. Run by
scripts/setup-test-machine; tests read the folder and skip with this script's name when a file is
missing. Every network read has a deadline.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("BUILDDOCTOR_TEST_CORPUS", ROOT / ".cache" / "test-corpus"))
TIMEOUT = 60

#: project (optionally "name@version" to list a second version) -> (version, [file names]); tests name
#: the files they use.
CORPUS: dict[str, tuple[str, list[str]]] = {
    # a real sdist with a C extension and a setuptools floor: tests/e2e/test_backend_resolution.py
    "markupsafe@3.0.2": ("3.0.2", ["markupsafe-3.0.2.tar.gz"]),
    # builddoctor verify corpus (tests/verify/test_corpus.py, bench/bench_verify.py): small real wheels
    # covering every platform tag family, abi3 and free-threaded builds.
    "orjson": ("3.13.0", [
        "orjson-3.13.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "orjson-3.13.0-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
        "orjson-3.13.0-cp313-cp313-manylinux2014_i686.manylinux_2_17_i686.whl",
        "orjson-3.13.0-cp313-cp313-musllinux_1_2_x86_64.whl",
        "orjson-3.13.0-cp313-cp313-musllinux_1_2_aarch64.whl",
        "orjson-3.13.0-cp313-cp313-macosx_10_15_x86_64.macosx_11_0_arm64.macosx_10_15_universal2.whl",
        "orjson-3.13.0-cp313-cp313-macosx_15_0_arm64.whl",
        "orjson-3.13.0-cp313-cp313-win_amd64.whl",
        "orjson-3.13.0-cp313-cp313-win_arm64.whl",
    ]),
    "psutil": ("7.2.2", [
        "psutil-7.2.2-cp36-abi3-manylinux2010_x86_64.manylinux_2_12_x86_64.manylinux_2_28_x86_64.whl",
        "psutil-7.2.2-cp36-abi3-manylinux2014_aarch64.manylinux_2_17_aarch64.manylinux_2_28_aarch64.whl",
        "psutil-7.2.2-cp36-abi3-musllinux_1_2_x86_64.whl",
        "psutil-7.2.2-cp36-abi3-macosx_10_9_x86_64.whl",
        "psutil-7.2.2-cp36-abi3-macosx_11_0_arm64.whl",
        "psutil-7.2.2-cp37-abi3-win_amd64.whl",
        "psutil-7.2.2-cp37-abi3-win_arm64.whl",
        "psutil-7.2.2-cp313-cp313t-manylinux2010_x86_64.manylinux_2_12_x86_64.manylinux_2_28_x86_64.whl",
        "psutil-7.2.2-cp313-cp313t-win_amd64.whl",
        "psutil-7.2.2-cp314-cp314t-macosx_11_0_arm64.whl",
        "psutil-7.2.2-cp314-cp314t-win_arm64.whl",
    ]),
    "markupsafe": ("3.0.4", [
        "markupsafe-3.0.4-cp313-cp313-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl",
        "markupsafe-3.0.4-cp313-cp313-macosx_10_13_x86_64.whl",
        "markupsafe-3.0.4-cp313-cp313-macosx_11_0_arm64.whl",
        "markupsafe-3.0.4-cp313-cp313-win32.whl",
        "markupsafe-3.0.4-cp313-cp313-win_arm64.whl",
        "markupsafe-3.0.4-cp314-cp314t-win32.whl",
        "markupsafe-3.0.4-cp314-cp314t-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl",
        "markupsafe-3.0.4-cp314-cp314t-musllinux_1_2_aarch64.whl",
    ]),
    "cryptography": ("50.0.2", [
        "cryptography-50.0.2-cp311-abi3-manylinux_2_34_x86_64.whl",
        "cryptography-50.0.2-cp39-abi3-win_amd64.whl",
        "cryptography-50.0.2-cp39-abi3-macosx_11_0_arm64.whl",
    ]),
    "pydantic-core": ("2.50.5", [
        "pydantic_core-2.50.5-cp313-cp313-win_arm64.whl",
        "pydantic_core-2.50.5-cp313-cp313-manylinux1_i686.manylinux_2_5_i686.whl",
        "pydantic_core-2.50.5-cp313-cp313-musllinux_1_1_x86_64.whl",
    ]),
    "zstandard": ("0.25.0", [
        "zstandard-0.25.0-cp313-cp313-win32.whl",
        "zstandard-0.25.0-cp313-cp313-musllinux_1_2_i686.whl",
    ]),
    "pillow": ("13.0.0", [
        "pillow-13.0.0-cp313-cp313-win_arm64.whl",
        "pillow-13.0.0-cp314-cp314t-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
    ]),
    "numpy": ("2.5.5", [
        "numpy-2.5.5-cp314-cp314t-macosx_14_0_arm64.whl",
    ]),
    "lxml": ("6.1.3", [
        "lxml-6.1.3-cp313-cp313-macosx_10_13_universal2.whl",
        "lxml-6.1.3-cp313-cp313-manylinux_2_28_i686.whl",
    ]),
}


def _files(project: str, version: str) -> dict[str, dict[str, object]]:
    url = f"https://pypi.org/pypi/{project}/{version}/json"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:
            doc = json.load(resp)
        return {u["filename"]: {**u, "url": urllib.parse.urljoin(url, u["url"])} for u in doc["urls"]}
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            raise
    # Some mirrors serve only the project document: take the version from its "releases" (or "urls").
    url = f"https://pypi.org/pypi/{project}/json"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:
            doc = json.load(resp)
        files = doc.get("releases", {}).get(version) or (doc["urls"] if doc["info"]["version"] == version else [])
        if files:
            return {u["filename"]: {**u, "url": urllib.parse.urljoin(url, u["url"])} for u in files}
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            raise
    # ... else the simple API (PEP 691), which mirrors serve too.
    url = f"https://pypi.org/simple/{project}/"
    req = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        simple = json.load(resp)
    return {f["filename"]: {"url": urllib.parse.urljoin(url, f["url"]),
                            "digests": {"sha256": f["hashes"].get("sha256", "")}} for f in simple["files"]}


def main() -> int:
    CACHE.mkdir(parents=True, exist_ok=True)
    failed = 0
    for project, (version, names) in CORPUS.items():
        wanted = [n for n in names if not (CACHE / n).is_file()]
        if not wanted:
            continue
        try:
            files = _files(project.split("@")[0], version)
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
