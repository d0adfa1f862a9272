"""`builddoctor why` with the real running interpreter's tags and markers, against a local index of
real wheels and sdists served over HTTP (JSON and HTML), and as a --find-links folder."""
from __future__ import annotations

import platform
import sys
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.tags import sys_tags

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "why"))
from whyindex import LocalIndex, build_sdist, build_wheel

from builddoctor.why import explain, needs_native_build, render_text, to_json

pytestmark = pytest.mark.live

TAGS = list(sys_tags())
MARKERS = {k: str(v) for k, v in default_environment().items()}
HERE = next(t for t in TAGS if t.platform != "any")
# A platform this interpreter cannot load.
OTHER = "win_arm64" if not HERE.platform.startswith("win") else "manylinux_2_17_s390x"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("live-index")
    build_wheel(folder, "native-ok", "1.0", str(HERE))
    build_sdist(folder, "native-ok", "1.0")
    build_wheel(folder, "elsewhere", "2.0", f"cp39-abi3-{OTHER}")
    build_wheel(folder, "elsewhere", "2.0", "cp39-abi3-macosx_11_0_arm64" if "macosx" not in HERE.platform
                else "cp39-abi3-win_amd64")
    build_sdist(folder, "elsewhere", "2.0")
    build_wheel(folder, "too-new", "1.0", "py3-none-any", requires_python=">=3.99")
    build_sdist(folder, "too-new", "1.0", requires_python=">=3.99")
    build_wheel(folder, "falls-back", "1.5", "py3-none-any")
    build_wheel(folder, "falls-back", "2.0", "py3-none-any", requires_python=">=3.99")
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("live-project")
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "live-demo"\nversion = "0.1"\n'
        'dependencies = ["native-ok", "elsewhere>=2", "too-new", "falls-back", "skipped; python_version < \'3\'"]\n')
    return folder


def _check(report) -> None:  # type: ignore[no-untyped-def]
    got = {v.name: v for v in report.verdicts}
    ok = got["native-ok"]
    assert (ok.outcome, ok.tag, ok.file) == ("wheel", str(HERE), f"native_ok-1.0-{HERE}.whl")
    other = got["elsewhere"]
    assert (other.outcome, other.code, other.file) == ("sdist", "no-wheel-for-tag", "elsewhere-2.0.tar.gz")
    assert f"cp39-abi3-{OTHER}" in other.available and f"cp39-abi3-{OTHER}" in other.reason
    assert not other.host_cpu_trap
    new = got["too-new"]
    assert (new.outcome, new.code) == ("none", "requires-python")
    assert f"supports Python {platform.python_version()}" in new.reason and ">=3.99" in new.reason
    back = got["falls-back"]
    assert (back.outcome, back.version) == ("wheel", "1.5")
    assert "falls-back 2.0 requires Python >=3.99" in back.notes[0]
    assert got["skipped"].outcome == "skipped"
    assert needs_native_build(report) == ["elsewhere"]
    assert to_json(report)["interpreter"]["tags"][0] == str(TAGS[0])
    text = render_text(report)
    assert text[-1] == "1 of 4 dependencies would be built from source: elsewhere"


@pytest.mark.parametrize("mode", ["json", "html", "auto"])
def test_live_index(files: Path, project: Path, mode: str) -> None:
    with LocalIndex(files, mode=mode) as idx:
        report = explain(project, tags=TAGS, markers=MARKERS, python_version=platform.python_version(),
                         index_url=idx.url, env={}, timeout=5.0)
    _check(report)
    assert all(r["path"].startswith("/simple/") for r in idx.requests)


def test_live_find_links(files: Path, project: Path) -> None:
    report = explain(project, tags=TAGS, markers=MARKERS, python_version=platform.python_version(),
                     find_links=files, env={})
    _check(report)
