"""Many machines from the recorded ones: the same machine as other users would record it (another home
folder and user name, another project folder, other patch versions of Python and Rust, another date).
Used by tests/replay/test_triage.py and bench/bench_triage.py."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RECORDED = sorted([*(ROOT / "examples" / "machines").glob("*.json"),
                   *(ROOT / "tests" / "fixtures" / "machines").glob("*.json")])
_TILDE = re.compile(r"(?<![A-Za-z0-9_])~(?=[\\/]|$)")
_TILDE_ESCAPED = re.compile(r"(?<![A-Za-z0-9_])~(?=\\\\)")  # inside JSON text (the interpreter's answer)
_USERS = ("alice", "bob.smith", "Dev User", "ci-runner", "x", "build_agent_07")
_USERS_NON_ASCII = ("jørgen", "mmüller", "José Pérez", "наталья")  # keep a non-ASCII home non-ASCII


def _home(os_name: str, user: str) -> str:
    return {"windows": f"C:\\Users\\{user}", "macos": f"/Users/{user}"}.get(os_name, f"/home/{user}")


def _walk(value: Any, fix: Any) -> Any:
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, list):
        return [_walk(v, fix) for v in value]
    if isinstance(value, dict):
        return {fix(k): _walk(v, fix) for k, v in value.items()}
    return value


def variant(doc: dict[str, Any], n: int) -> dict[str, Any]:
    """Variation n of a recorded machine; its diagnosis is the recorded machine's."""
    users = _USERS_NON_ASCII if (doc.get("home_shape") or {}).get("non_ascii") else _USERS
    user = users[n % len(users)]
    home = _home(doc["os"], user)
    project = str((doc.get("invocation") or {}).get("project") or "")
    tail = re.split(r"[\\/]", project)[-1] if project else ""
    renamed = re.compile(r"(?<=[\\/])" + re.escape(tail) + r"(?=[\\/\"]|$)") if tail else None
    py_patch, rust_minor = n % 9, 80 + n % 9

    def fix(text: str) -> str:
        text = _TILDE_ESCAPED.sub(lambda m: home.replace("\\", "\\\\"), text)
        text = _TILDE.sub(lambda m: home, text)
        if renamed is not None:
            text = renamed.sub(f"{tail}-{n}", text)
        text = re.sub(r'("version": "3\.\d+)\.\d+(")', rf"\g<1>.{py_patch}\2", text)
        return re.sub(r"\b1\.(8\d|9\d)\.(\d+)\b", rf"1.{rust_minor}.\2", text)

    out: dict[str, Any] = dict(doc)
    out["reads"] = _walk(doc["reads"], fix)
    out["invocation"] = _walk(doc.get("invocation") or {}, fix)
    out["created"] = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T12:00:00Z"
    shape = dict(doc.get("home_shape") or {})
    shape.update({"length": len(home), "has_space": " " in user, "non_ascii": any(ord(c) > 127 for c in user)})
    out["home_shape"] = shape
    out.pop("note", None)
    return out


def write_variants(folder: Path, count: int = 200) -> dict[str, Path]:
    """`count` snapshots in `folder` (a sub-folder per CI job, like downloaded artifacts); name -> origin."""
    origin: dict[str, Path] = {}
    for n in range(count):
        source = RECORDED[n % len(RECORDED)]
        doc = json.loads(source.read_text(encoding="utf-8"))
        name = f"job-{n:03d}/builddoctor-snapshot.json"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(variant(doc, n), ensure_ascii=False), encoding="utf-8")
        origin[name] = source
    return origin
