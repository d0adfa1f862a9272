"""`check --markdown` as an issue tracker shows it: rendered by a real Markdown renderer (markdown-it-py,
CommonMark + GFM tables, what GitHub-style trackers use), opened in real headless Chromium, read back
from the DOM Chromium built."""
from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import MACHINES, cpython, run_cli

pytestmark = pytest.mark.live

SEED = MACHINES / "win-arm64-seed-emulated-x64.json"
SETUP = "scripts/setup-test-machine (apt-get install chromium; pip install -e '.[test]')"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            run = subprocess.run([exe, "--headless", "--no-sandbox", "--dump-dom", "about:blank"],
                                 capture_output=True, text=True, timeout=60)
            if run.returncode == 0 and "<html" in run.stdout:
                return exe
    pytest.skip(f"no working headless Chromium; run {SETUP}")


def _html(markdown: str) -> str:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        pytest.skip(f"markdown-it-py is not installed; run {SETUP}")
    # GitHub renders raw <details>/<summary> HTML and GFM tables: the same options here
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    return f"<!doctype html><html><head><meta charset='utf-8'><title>issue</title></head><body>{body}</body></html>"


class _Dom(HTMLParser):
    """Table rows (cell texts), list items, <details> attributes and all text of the page Chromium built."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.items: list[str] = []
        self.details: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._li: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "li":
            self._li.append([])
        elif tag == "details":
            self.details.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "li" and self._li:
            self.items.append(" ".join("".join(self._li.pop()).split()))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        for item in self._li:
            item.append(data)


def _open_in_chromium(markdown: str, tmp_path: Path) -> tuple[_Dom, Path]:
    exe = _chromium()
    page = tmp_path / "report.html"
    page.write_text(_html(markdown), encoding="utf-8")
    dumped = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    shot = tmp_path / "report.png"
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1280,2400", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    dom = _Dom()
    dom.feed(dumped.stdout)
    return dom, shot


def test_seed_markdown_in_chromium_shows_layers_fixes_and_collapsed_evidence(tmp_path):
    run = run_cli("check", "--replay", str(SEED), "--markdown")
    assert run.returncode == 1, run.stderr  # the seed has an error finding
    dom, shot = _open_in_chromium(run.stdout, tmp_path)

    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    layers = {r[0]: r for r in dom.rows if len(r) == 4}
    assert layers["layer"] == ["layer", "says", "arch", "status"]
    assert layers["interpreter binary"][1:] == ["pe x86_64", "x86_64", "ok"]
    assert layers["rustc host"][1:] == ["aarch64-pc-windows-msvc", "aarch64", "MISMATCH"]
    assert layers["platform_machine marker"][1:] == ["ARM64", "aarch64", "MISMATCH"]
    versions = {r[0]: r[1] for r in dom.rows if len(r) == 2}
    assert versions["Python"].startswith("cpython 3.13.5 at ~\\AppData\\Local\\Programs\\Python\\Python313")
    assert "rustup 1.28.2" in versions["Rust"]

    fixes = [i for i in dom.items if i.startswith("fix:")]
    assert "fix: rustup target add x86_64-pc-windows-msvc: lets cargo build for x86_64-pc-windows-msvc" in fixes
    assert any(i.startswith("fix: uv venv --python cpython-3.13-windows-aarch64-none:") for i in fixes)
    findings = [i for i in dom.items if i.startswith(("error ", "warning "))]
    assert findings[0].startswith("error platform_machine is 'ARM64'")

    assert dom.details == [{}]  # one <details>, collapsed (no "open" attribute)
    evidence = {r[0]: r for r in dom.rows if len(r) == 3}
    assert evidence["rustc host"][2] == "host: aarch64-pc-windows-msvc"
    text = "".join(dom.text)
    assert "builddoctor check --replay builddoctor-snapshot.json" in text
    assert "<user>" not in text and "|" not in "".join(c for r in dom.rows for c in r if "MISMATCH" in c)


def test_live_markdown_names_no_user_host_or_secret(tmp_path):
    secret = "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1"
    env = {"PIP_INDEX_URL": "https://alice:hunter2hunter2@pypi.example.org/simple",
           "CARGO_REGISTRY_TOKEN": secret, "CC": f"gcc --token={secret}"}
    run = run_cli("check", "--python", str(cpython("3.12")), "--markdown", "-v", cwd=tmp_path, env=env, timeout=120)
    assert "#### Layers" in run.stdout, run.stderr
    assert "CC" in run.stdout or "gcc" in run.stdout  # the compiler layer is there, its secret is not
    dom, _ = _open_in_chromium(run.stdout, tmp_path)
    text = "".join(dom.text)
    for word in (secret, "hunter2hunter2", str(Path.home()) + "/", socket.gethostname()):
        assert word not in text and word not in run.stdout
    user = getpass.getuser()
    assert not any(user == part for part in text.replace("\\", "/").split("/"))


def test_snapshot_markdown_names_the_file_it_wrote_and_replays_to_the_same_layers(tmp_path):
    out = tmp_path / "my-machine.json"
    run = run_cli("snapshot", "-o", str(out), "--markdown", "--python", str(cpython("3.12")), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert out.is_file()
    assert run.stdout.startswith("### builddoctor check: ")
    last = run.stdout.rstrip().splitlines()[-1]
    assert last.startswith("Snapshot: attach `my-machine.json`")
    assert "`builddoctor check --replay my-machine.json`" in last
    assert "<details><summary>Evidence" in run.stdout
    replay = run_cli("check", "--replay", str(out), "--markdown")
    layers = [line for line in run.stdout.splitlines() if line.startswith("| interpreter") or line.startswith("| rust")]
    assert layers and all(line in replay.stdout for line in layers)
    assert run_cli("snapshot", "-o", "-", "--markdown").returncode == 2  # needs a file to name
