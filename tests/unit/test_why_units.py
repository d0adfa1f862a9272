"""`builddoctor why` pieces: redaction, credentials, the HTTP cache, binary settings, Python ranges,
requirements files, PEP 751 locks, find-links folders and uv.lock walking."""
from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "why"))
from whyindex import (
    LINUX_MARKERS,
    LocalIndex,
    build_sdist,
    build_wheel,
    closed_port_url,
    interpreter,
    seed_interpreter,
)

from builddoctor.why import explain, needs_native_build, render_text
from builddoctor.why.dists import parse_file, platform_arch
from builddoctor.why.index import configured_index, redact
from builddoctor.why.simple import parse_html, parse_json

LINUX = interpreter("manylinux_2_17_x86_64", "x86_64", os_markers=LINUX_MARKERS)


def _project(folder: Path, *deps: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(json.dumps(d) for d in deps)
    text = f'[project]\nname = "demo"\nversion = "1"\ndependencies = [{listed}]\n{extra}'
    (folder / "pyproject.toml").write_text(text)
    return folder


def _why(path: Path, interp: tuple = LINUX, **kw: object):  # type: ignore[no-untyped-def, type-arg]
    tags, markers = interp
    kw.setdefault("env", {})
    return explain(path, tags=tags, markers=markers, python_version=markers["python_full_version"], **kw)  # type: ignore[arg-type]


def _one(report, name: str):  # type: ignore[no-untyped-def]
    return next(v for v in report.verdicts if v.name == name)


@pytest.mark.parametrize(("url", "shown"), [
    ("https://u:p@idx.example/simple", "https://u:****@idx.example/simple"),
    ("https://token@idx.example/simple", "https://****@idx.example/simple"),
    ("https://:p@idx.example/simple", "https://****:****@idx.example/simple"),
    ("https://idx.example/simple", "https://idx.example/simple"),
])
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_configured_index_order() -> None:
    env = {"PIP_INDEX_URL": "http://pip/simple", "UV_INDEX_URL": "http://uv/simple"}
    assert configured_index(None, env) == "http://uv/simple"
    assert configured_index("http://cli/simple", env) == "http://cli/simple"
    assert configured_index(None, {}) == "https://pypi.org/simple"


@pytest.mark.parametrize(("platform", "arch"), [
    ("win_amd64", "x86_64"), ("win_arm64", "aarch64"), ("win32", "x86"), ("manylinux_2_17_x86_64", "x86_64"),
    ("manylinux2014_aarch64", "aarch64"), ("musllinux_1_2_armv7l", "arm"), ("linux_i686", "x86"),
    ("macosx_11_0_arm64", "aarch64"), ("macosx_10_12_x86_64", "x86_64"), ("macosx_10_9_universal2", None),
])
def test_platform_arch(platform: str, arch: str | None) -> None:
    got = platform_arch(platform)
    assert (got.name if got else None) == arch


def test_parse_file_and_pages() -> None:
    assert parse_file("setup.exe") is None and parse_file("x-1.0.tar.bz2").kind == "sdist"  # type: ignore[union-attr]
    files = parse_json(json.dumps({"meta": {"api-version": "1.0"}, "files": [
        {"filename": "a-1.0-py3-none-any.whl", "yanked": "broken", "requires-python": ">=3.8"},
        {"filename": "a-1.0.tar.gz"}, {"filename": "a-1.0.exe"}]}).encode(), "here")
    assert [(f.kind, f.yanked, f.requires_python) for f in files] == [("wheel", True, ">=3.8"), ("sdist", False, None)]
    html = (b'<a href="../../f/a-2.0-py3-none-any.whl#sha256=00" data-requires-python="&gt;=3.10">x</a>'
            b'<a href="a-2.0.tar.gz" data-yanked="">a-2.0.tar.gz</a>')
    files = parse_html(html, "here")
    assert [(f.filename, f.requires_python, f.yanked) for f in files] == [
        ("a-2.0-py3-none-any.whl", ">=3.10", False), ("a-2.0.tar.gz", None, True)]


def test_credentials_only_to_the_index_origin(tmp_path: Path) -> None:
    files = tmp_path / "files"
    build_wheel(files, "somepkg", "1.0")
    with LocalIndex(files) as other, LocalIndex(tmp_path / "x", mode="redirect", target=other.url) as idx:
        url = idx.url.replace("http://", "http://alice:s3cret@")
        report = _why(_project(tmp_path / "p", "somepkg"), index_url=url)
    assert _one(report, "somepkg").outcome == "wheel"
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert idx.requests[0]["headers"].get("Authorization") == expected
    assert "Authorization" not in other.requests[0]["headers"]
    assert "s3cret" not in json.dumps(report.index)


def test_cache_sends_conditional_requests(tmp_path: Path) -> None:
    files = tmp_path / "files"
    build_wheel(files, "somepkg", "1.0")
    project = _project(tmp_path / "p", "somepkg")
    with LocalIndex(files) as idx:
        first = _why(project, index_url=idx.url, cache_dir=tmp_path / "cache")
        second = _why(project, index_url=idx.url, cache_dir=tmp_path / "cache")
    assert "If-None-Match" not in idx.requests[0]["headers"]
    assert idx.requests[1]["headers"]["If-None-Match"].startswith('"')
    assert _one(first, "somepkg").file == _one(second, "somepkg").file == "somepkg-1.0-py3-none-any.whl"


def test_cache_fresh_by_max_age_needs_no_request(tmp_path: Path) -> None:
    files = tmp_path / "files"
    build_wheel(files, "somepkg", "1.0")
    project = _project(tmp_path / "p", "somepkg")
    with LocalIndex(files, cache_control="max-age=600") as idx:
        _why(project, index_url=idx.url, cache_dir=tmp_path / "cache")
    report = _why(project, index_url=idx.url, cache_dir=tmp_path / "cache")  # the server is gone now
    assert len(idx.requests) == 1 and _one(report, "somepkg").outcome == "wheel"


@pytest.fixture
def linux_index(tmp_path: Path):  # type: ignore[no-untyped-def]
    files = tmp_path / "files"
    build_wheel(files, "fast", "1.0", "cp313-cp313-manylinux_2_17_x86_64")
    build_sdist(files, "fast", "1.0")
    for py in ("cp310", "cp311", "cp312"):
        build_wheel(files, "oldwheels", "2.0", f"{py}-{py}-manylinux_2_17_x86_64")
    build_sdist(files, "oldwheels", "2.0")
    build_wheel(files, "pinme", "1.0", "py3-none-any")
    build_wheel(files, "pinme", "2.0", "cp313-cp313-win_amd64")
    build_sdist(files, "pinme", "2.0")
    build_wheel(files, "onlysdist", "1.0", "cp313-cp313-win_amd64")
    build_sdist(files, "onlysdist", "1.0")
    build_wheel(files, "rpwheel", "1.0", "py3-none-any", requires_python=">=3.14")
    build_sdist(files, "rpwheel", "1.0")
    with LocalIndex(files) as idx:
        yield idx


def test_no_binary_only_binary_and_ranges(linux_index: LocalIndex, tmp_path: Path) -> None:
    project = _project(tmp_path / "p", "fast", "oldwheels", "pinme", "onlysdist==1.0", "rpwheel",
                       extra='[tool.uv]\nno-binary-package = ["fast"]\n')
    env = {"PIP_ONLY_BINARY": "onlysdist"}
    report = _why(project, index_url=linux_index.url, env=env)
    fast = _one(report, "fast")
    assert (fast.outcome, fast.code) == ("sdist", "no-binary")
    assert "pyproject.toml [tool.uv] no-binary-package forbids wheels for fast" in fast.reason
    old = _one(report, "oldwheels")
    assert (old.outcome, old.code) == ("sdist", "python-range")
    assert "manylinux_2_17_x86_64 wheels only for Python 3.10-3.12" in old.reason
    pin = _one(report, "pinme")
    assert (pin.outcome, pin.code, pin.version) == ("sdist", "no-wheel-for-tag", "2.0")
    assert "pin pinme==1.0" in " ".join(pin.fixes) and pin.available == ["cp313-cp313-win_amd64"]
    only = _one(report, "onlysdist")
    assert (only.outcome, only.code) == ("none", "only-binary") and "PIP_ONLY_BINARY=onlysdist" in only.reason
    rp = _one(report, "rpwheel")
    assert (rp.outcome, rp.code) == ("sdist", "requires-python") and "requires Python >=3.14" in rp.reason
    assert not any(v.host_cpu_trap for v in report.verdicts)
    assert needs_native_build(report) == ["fast", "oldwheels", "pinme", "rpwheel"]
    assert render_text(report)[-1].startswith("4 of 5 dependencies would be built from source")


def test_requirements_file(linux_index: LocalIndex, tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("fast==1.0 \\\n  --hash=sha256:00\n")
    (tmp_path / "requirements.txt").write_text(
        "# comment\n-r base.txt\n--no-binary pinme\n--index-url http://elsewhere/simple\n"
        "pinme<2  # old one\nwinonly; sys_platform == 'win32'\n")
    report = _why(tmp_path, index_url=linux_index.url)
    assert report.source == "requirements.txt"
    got = {v.name: (v.outcome, v.code) for v in report.verdicts}
    # --no-binary pinme and pinme<2: 1.0 has only a wheel, so nothing is installable
    assert got == {"fast": ("wheel", "ok"), "pinme": ("none", "no-binary"), "winonly": ("skipped", "marker-false")}
    assert "requirements.txt:3 --no-binary pinme forbids wheels" in _one(report, "pinme").reason
    assert any("sets --index-url" in n for n in report.notes)


def test_pylock_kept_only_the_arm64_wheel(tmp_path: Path) -> None:
    files = tmp_path / "files"
    for tag in ("cp39-abi3-win_amd64", "cp39-abi3-win_arm64"):
        build_wheel(files, "lts", "1.0", tag)
    build_sdist(files, "lts", "1.0")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "pylock.toml").write_text(
        'lock-version = "1.0"\ncreated-by = "test"\n'
        '[[packages]]\nname = "lts"\nversion = "1.0"\nmarker = "platform_machine == \'ARM64\'"\n'
        'sdist = { url = "https://x/lts-1.0.tar.gz", hashes = { sha256 = "00" } }\n'
        'wheels = [{ url = "https://x/lts-1.0-cp39-abi3-win_arm64.whl", hashes = { sha256 = "00" } }]\n'
        '[[packages]]\nname = "other"\nversion = "1.0"\nmarker = "sys_platform == \'linux\'"\n'
        'wheels = [{ name = "other-1.0-py3-none-any.whl", url = "https://x/o.whl", hashes = { sha256 = "00" } }]\n')
    with LocalIndex(files) as idx:
        report = _why(tmp_path / "p", seed_interpreter(), index_url=idx.url)
    v = _one(report, "lts")
    assert (v.outcome, v.code, v.pruned_by) == ("sdist", "lock-pruned", "platform_machine == 'ARM64'")
    assert v.host_cpu_trap and not any("uv sync" in f for f in v.fixes)
    assert _one(report, "other").outcome == "skipped"


def test_find_links_folder_alone_reads_requires_python(tmp_path: Path) -> None:
    folder = tmp_path / "wheels"
    build_wheel(folder, "futurepkg", "1.0", requires_python=">=3.99")
    build_sdist(folder, "futurepkg", "1.0", requires_python=">=3.99")
    build_wheel(folder, "okpkg", "3.0")
    report = _why(_project(tmp_path / "p", "futurepkg", "okpkg"), find_links=folder)
    assert report.index is None
    fut = _one(report, "futurepkg")
    assert (fut.outcome, fut.code) == ("none", "requires-python") and ">=3.99" in fut.reason
    assert _one(report, "okpkg").file == "okpkg-3.0-py3-none-any.whl"


def test_uv_lock_local_sources_and_extras(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n')
    (tmp_path / "uv.lock").write_text(
        'version = 1\nrevision = 3\n'
        '[[package]]\nname = "app"\nversion = "1"\nsource = { editable = "." }\n'
        'dependencies = [{ name = "lib", extra = ["fast"] }, { name = "mine" }]\n'
        '[package.optional-dependencies]\ncli = [{ name = "clickish" }]\n'
        '[[package]]\nname = "lib"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\n'
        'wheels = [{ url = "https://x/lib-1.0-py3-none-any.whl" }]\n'
        '[package.optional-dependencies]\nfast = [{ name = "speedup" }]\n'
        '[[package]]\nname = "speedup"\nversion = "0.1"\nsource = { registry = "https://pypi.org/simple" }\n'
        'wheels = [{ url = "https://x/speedup-0.1-cp313-cp313-manylinux_2_17_x86_64.whl" }]\n'
        '[[package]]\nname = "mine"\nversion = "0.1"\nsource = { git = "https://example/mine?rev=1#abc" }\n'
        '[[package]]\nname = "clickish"\nversion = "8"\nsource = { registry = "https://pypi.org/simple" }\n'
        'wheels = [{ url = "https://x/clickish-8-py3-none-any.whl" }]\n')
    report = _why(tmp_path, index_url=closed_port_url())
    got = {v.name: (v.outcome, v.origin) for v in report.verdicts}
    assert got == {"lib": ("wheel", "project"), "mine": ("source", "project"), "speedup": ("wheel", "via lib"),
                   "clickish": ("wheel", "extra 'cli'")}
    assert needs_native_build(report) == ["mine"]


def test_package_not_in_project_is_looked_up(linux_index: LocalIndex, tmp_path: Path) -> None:
    report = _why(_project(tmp_path / "p", "fast"), packages=["pinme<2", "missing-pkg"], index_url=linux_index.url)
    assert [(v.name, v.outcome, v.origin) for v in report.verdicts] == [
        ("pinme", "wheel", "command line"), ("missing-pkg", "none", "command line")]
    assert _one(report, "missing-pkg").code == "not-found"


def test_trap_named_only_when_it_is_the_cause(tmp_path: Path) -> None:
    files = tmp_path / "files"
    for py in ("cp310", "cp311", "cp312"):
        build_wheel(files, "oldwin", "1.0", f"{py}-{py}-win_amd64")
    build_sdist(files, "oldwin", "1.0")
    build_wheel(files, "armonly", "1.0", "cp39-abi3-win_arm64")
    build_sdist(files, "armonly", "1.0")
    project = _project(tmp_path / "p", "oldwin; platform_machine != 's390x'", "armonly; platform_machine == 'ARM64'")
    with LocalIndex(files) as idx:
        report = _why(project, seed_interpreter(), index_url=idx.url)
    old = _one(report, "oldwin")
    assert (old.code, old.host_cpu_trap) == ("python-range", False)
    arm = _one(report, "armonly")
    assert (arm.outcome, arm.code, arm.host_cpu_trap) == ("sdist", "no-wheel-for-tag", True)
    assert arm.fixes[0].startswith("use a native ARM64 Python") and not any("uv sync" in f for f in arm.fixes)


def test_lock_package_not_required_needs_no_network() -> None:
    seed = Path(__file__).resolve().parents[1] / "fixtures" / "why" / "seed-project"
    report = _why(seed, seed_interpreter(), packages=["polars-runtime-32"], index_url=closed_port_url())
    v = _one(report, "polars-runtime-32")
    assert (v.outcome, v.code) == ("skipped", "not-required")
