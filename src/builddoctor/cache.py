"""A cache of what cannot change without files changing: program outputs keyed by those files.

`builddoctor check` asks the same questions every time: the interpreter describing itself, `rustup
--version`, `gcc -dumpmachine` ... Their answers depend only on the program's file (and, for the
interpreter, its site-packages folders; for rustup's proxies, the rustup home). Each entry keeps the
identity (real path, size, mtime, inode) of every file its answer depends on and is used only while
all of them are unchanged; the run's key also holds the environment variables probes may see and
the OS release, so a different environment or a kernel, libc or OS update is a miss, never stale.

Where (cachedir.py: platformdirs' user cache folder, without the dependency): `BUILDDOCTOR_CACHE_DIR` when set,
else `%LOCALAPPDATA%\\builddoctor\\Cache` on Windows, `~/Library/Caches/builddoctor` on macOS,
`$XDG_CACHE_HOME/builddoctor` or `~/.cache/builddoctor` elsewhere. `check --no-cache` neither reads
nor writes it; `snapshot` and `--replay` never use it.

Safe by construction: one small JSON file per entry, written to a unique temporary name beside it
and moved over it with os.replace (readers see the old or the new file, never half of one); an
entry that cannot be read, parsed or matched is a miss; any OS error is ignored (the probe just
runs). Nothing here ever raises into a check.
"""
from __future__ import annotations

import _thread
import json
import os
import sys

from .proc_result import ProcResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

FORMAT = 1  # bump when an entry's layout or meaning changes: old entries then simply miss


def stamp(path: str) -> list[object]:
    """What identifies a file's content without reading it: the path, where its links lead, size,
    mtime (ns) and inode. A link pointed elsewhere, a rewrite or a replacement all change it."""
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except (OSError, ValueError):
        return [path, None, None, None, None]
    return [path, real, st.st_size, st.st_mtime_ns, st.st_ino]


def system_identity() -> list[object]:
    """The OS build, kernel and C library: what an interpreter's markers and tags also depend on."""
    ident: list[object] = [sys.platform]
    if hasattr(os, "uname"):
        ident += list(os.uname())[:1] + list(os.uname())[2:]  # no node name: renaming the host is no change
    if sys.platform == "win32":  # pragma: no cover - Windows only
        ident.append(list(sys.getwindowsversion())[:5])
    if sys.platform != "win32":
        try:
            ident.append(os.confstr("CS_GNU_LIBC_VERSION"))
        except (AttributeError, ValueError, OSError):
            pass
    return ident


class Cache:
    """Program outputs on disk, each valid while the files it depends on are unchanged."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.join(folder, f"runs-v{FORMAT}")
        self._made = False
        self._lock = _thread.allocate_lock()

    def _path(self, key: str) -> str:
        data = key.encode("utf-8", "surrogatepass")
        import zlib

        name = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data) & 0xFFFF:04x}.json"
        return os.path.join(self.folder, name)

    def get(self, key: str) -> ProcResult | None:
        """The stored result for `key` when every file it depends on is unchanged, else None."""
        try:
            with open(self._path(key), encoding="utf-8") as fh:
                entry = json.load(fh)
            if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
                return None
            deps = entry.get("deps")
            result = entry.get("result")
            if not isinstance(deps, list) or not isinstance(result, dict) or not deps:
                return None
            for dep in deps:
                if not isinstance(dep, list) or len(dep) != 5 or not isinstance(dep[0], str):
                    return None
                if stamp(dep[0]) != dep:
                    return None
            return ProcResult.from_json(result)
        except (OSError, ValueError, TypeError, AttributeError, RecursionError):
            return None  # missing, unreadable or corrupt: a miss

    def put(self, key: str, deps: Sequence[str], result: ProcResult) -> None:
        """Keep `result` while the `deps` files stay as they are now (best effort, never raises)."""
        stamps = [stamp(p) for p in dict.fromkeys(deps)]
        entry = {"format": FORMAT, "key": key, "deps": stamps, "result": result.to_json()}
        try:
            blob = json.dumps(entry, ensure_ascii=False).encode("utf-8")
            if not self._made:
                with self._lock:
                    os.makedirs(self.folder, mode=0o700, exist_ok=True)
                    self._made = True
        except (OSError, ValueError):
            return
        write_whole(self._path(key), blob)


def write_whole(path: str, data: bytes, mode: int = 0o600) -> bool:
    """Write `data` to `path` whole or not at all: into a temporary name unique to this process and
    thread beside it, then moved over it (readers see the old or the new file, never half of one).
    False when anything failed, the temporary file removed; never raises: what the caches here keep
    may always be missing."""
    tmp = f"{path}.{os.getpid()}.{_thread.get_ident()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def rustup_files(_result: ProcResult | None = None) -> list[str]:
    """The files rustup's answers (and its rustc/cargo proxies') depend on: its settings (default
    toolchain, overrides), the toolchains folder, and each toolchain's manifest, component list and
    compilers; also a rust-toolchain file above the probes' temporary folder. A `rustup default`,
    `update`, `toolchain install/link` or `target add` changes one of them."""
    home = os.environ.get("RUSTUP_HOME") or os.path.join(os.path.expanduser("~"), ".rustup")
    toolchains = os.path.join(home, "toolchains")
    files = [os.path.join(home, "settings.toml"), toolchains]
    try:
        names = sorted(os.listdir(toolchains))
    except OSError:
        names = []
    exe = ".exe" if sys.platform == "win32" else ""
    for name in names:
        root = os.path.join(toolchains, name)
        files += [os.path.join(root, "lib", "rustlib", "components"),
                  os.path.join(root, "lib", "rustlib", "multirust-channel-manifest.toml"),
                  os.path.join(root, "bin", "rustc" + exe), os.path.join(root, "bin", "cargo" + exe)]
    import tempfile

    folder = os.path.abspath(tempfile.gettempdir())
    while True:
        files += [os.path.join(folder, "rust-toolchain.toml"), os.path.join(folder, "rust-toolchain")]
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return files
