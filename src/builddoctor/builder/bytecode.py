"""The build environment's bytecode: compiled by uv in a new environment, kept from one build to the next.

Decision (issue 16): the first hook of a build (`get_requires_for_build_wheel`) spent most of its
time compiling the backend: a new environment has no `__pycache__`, so Python compiled every module
setuptools imports, one after the other (markupsafe's first hook: ~1.1 s in a new environment,
~0.4 s with the bytecode there; the second hook finds what the first one wrote). `uv build` and pip
start from nothing each time, as builddoctor did. Now:

- After the hooks, the `__pycache__` folders in the environment's site-packages are moved (a rename
  each, same filesystem) into the user cache folder, and the next build of the same requirements
  for the same interpreter hard-links their files into its new environment before its first hook
  (~230 links for setuptools: a few ms; the store stays whole for a concurrent or interrupted
  build; where links fail the folders are moved). Stores are
  `build-bytecode/<interpreter and requirements>/<installed distributions>`: the first level is
  known before anything is resolved; the second is what the resolution installed
  (`name-version.dist-info`), so another version's bytecode is never used, and a new resolution
  of the same requirements replaces the old one.
- When nothing is kept (a first build, `--no-cache`), uv compiles what it installs
  (`uv pip install --compile-bytecode`, a worker per core) on a machine with 2 cores or more: on 2
  cores markupsafe's install takes ~0.45 s longer and its first hook ~0.7 s less.

The environment is still made new and removed each time, and the backend gets only what the
resolution of its requirements installs. Python checks every `.pyc` against its source's size and
mtime before using it and rewrites it when they differ (uv hard-links installed files from its
cache, so a file keeps its mtime from one environment to the next). Where the installer copies
instead (`UV_LINK_MODE=copy`), every install gives the sources new mtimes and no kept `.pyc` could
be used: a restore that finds one that does not match drops the store; the second time in a row
it marks the requirements (`stale` holds "copies"), and from then on nothing is kept for them and
uv compiles each install. (Once is also what `uv cache clean` causes: the wheels are unpacked anew
with new mtimes, and the next build keeps bytecode that matches them.)
Where the environment and the cache folder are on different filesystems (a tmpfs /tmp), nothing can
be moved into the store and uv compiles each install too. A folder the new environment already has
(a wheel that ships bytecode) is left as it is; with pip as the installer nothing is kept at all
(pip compiles what it installs). Every step is best effort: a
failed rename costs speed, never the build.

Where: `<user cache folder>/build-bytecode/`, the 8 requirement sets used last (a few MB each:
markupsafe's setuptools keeps ~4 MB), folders of mode 0700 (a kept `.pyc` is code the next build
runs). `BUILDDOCTOR_NO_CACHE=1` or `build --no-cache` neither reads nor writes it.
"""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

STORE = "build-bytecode"
#: How many requirement sets (each with its interpreter) are kept; the least recently used go first.
KEEP = 8
_PYCACHE = "__pycache__"
#: In a requirements folder: a kept .pyc did not match its source ("suspect": once, as after uv's cache
#: was cleaned and its wheels unpacked again; "copies": twice in a row, the installer copies).
STALE = "stale"


def site_packages(env: str) -> str | None:
    """The environment's site-packages folder: Lib/site-packages (Windows), lib/<python>/site-packages."""
    windows = os.path.join(env, "Lib", "site-packages")
    if os.name == "nt" and os.path.isdir(windows):
        return windows
    lib = os.path.join(env, "lib")
    try:
        names = sorted(os.listdir(lib))
    except OSError:
        return None
    for name in names:
        folder = os.path.join(lib, name, "site-packages")
        if os.path.isdir(folder):
            return folder
    return None


def _crc(parts: list[str]) -> str:
    from .._text import short_hash

    return short_hash(chr(10).join(parts))


def dists_key(site: str) -> str | None:
    """The name for the exact distributions installed in `site` (None: none, or unreadable)."""
    try:
        dists = sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))
    except OSError:
        return None
    return _crc(dists) if dists else None


def can_compile_faster() -> bool:
    """Whether compiling a new environment's bytecode at install time (uv's --compile-bytecode, one
    worker per core) beats the first hook compiling what it imports, one module after the other:
    on 2 cores, markupsafe's install +0.45 s and its first hook -0.7 s; on one core it would lose."""
    try:
        cores = len(os.sched_getaffinity(0))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2


class Kept:
    """The bytecode store of one build: `known()` before the install (is there bytecode for these
    requirements?), `restore(env)` before the first hook, `keep(env)` after the last.

    Stores are `<cache>/build-bytecode/<interpreter and requirements>/<installed distributions>`: the
    first level is known before anything is resolved, the second is what the resolution installed."""

    def __init__(self, cache_dir: str, python: str, requirements: list[str]) -> None:
        self.root = os.path.join(cache_dir, STORE)
        self.folder = os.path.join(self.root, _crc([python, *sorted(requirements)]))
        self.site: str | None = None
        self.store: str | None = None

    def known(self) -> bool:
        """Whether an earlier build kept bytecode for this interpreter and these requirements (that
        its environments do not get copies of)."""
        try:
            return self._stale_mark() != "copies" and any(e.is_dir() for e in os.scandir(self.folder))
        except OSError:
            return False

    def _locate(self, env: str) -> bool:
        if self.store is None:
            self.site = site_packages(env)
            key = dists_key(self.site) if self.site else None
            self.store = os.path.join(self.folder, key) if key else None
        return self.store is not None and self.site is not None

    def restore(self, env: str) -> int:
        """Link the stored `__pycache__` folders' files into the environment; how many folders.

        Hard links leave the store whole (an interrupted or concurrent build cannot empty it): Python
        replaces a stale `.pyc` with a new file, never writing into the linked one. Where links fail
        (another filesystem, no hard links) the folder is moved instead."""
        if not self._locate(env):
            return 0
        done = 0
        for kept, into, dest in _pycaches(str(self.store), str(self.site)):
            if os.path.islink(kept) or not os.path.isdir(into) or os.path.lexists(dest):
                continue
            if not done and _stale(kept, into):  # the installer copied the sources: no .pyc of theirs can hold
                self._mark_stale()
                return 0
            if _link_tree(kept, dest) or _move(kept, dest):
                done += 1
        if done and self._stale_mark():
            _remove(os.path.join(self.folder, STALE))  # it matched again: uv's cache was unpacked anew
        return done

    def _stale_mark(self) -> str:
        try:
            with open(os.path.join(self.folder, STALE), encoding="utf-8") as f:
                return f.read(16).strip()
        except (OSError, UnicodeDecodeError):
            return ""

    def _mark_stale(self) -> None:
        """A kept .pyc did not match its source: the store goes. Once may be uv's cache unpacked anew
        (the next build keeps bytecode that matches again); twice in a row, the environments get
        copies (uv's link mode `copy`), and from then on nothing is kept for these requirements and
        uv compiles each install (`known()` is False)."""
        import shutil

        if self.store is not None:
            shutil.rmtree(self.store, ignore_errors=True)
        mark = "copies" if self._stale_mark() else "suspect"
        try:
            with open(os.path.join(self.folder, STALE), "w", encoding="utf-8") as f:
                f.write(mark + "\n")
        except OSError:
            pass

    def keep(self, env: str) -> int:
        """Move the environment's `__pycache__` folders into the store; how many were moved."""
        if self._stale_mark() == "copies" or not self._locate(env):
            return 0
        import shutil

        store = str(self.store)
        moved = 0
        for found, into, dest in _pycaches(str(self.site), store):
            if os.path.islink(found):  # only folders the interpreter wrote
                continue
            try:
                if not moved:  # the user's own (a kept .pyc is code the next build runs); what is below inherits it
                    for folder in (self.root, self.folder, store):
                        os.makedirs(folder, mode=0o700, exist_ok=True)
                os.makedirs(into, exist_ok=True)
                if os.path.lexists(dest):  # a concurrent build of the same key kept its own: the newer wins
                    shutil.rmtree(dest, ignore_errors=True)
                os.rename(found, dest)
                moved += 1
            except OSError:
                pass
        if moved:
            prune(self.folder, 1, keep_path=store)  # another resolution of the same requirements is stale
            try:
                os.utime(self.folder)
            except OSError:
                pass
            prune(self.root, KEEP)
        return moved


def _pycaches(source: str, mirror: str) -> Iterator[tuple[str, str, str]]:
    """Each `__pycache__` folder under `source` (never descending into one), with the folder at the
    same place under `mirror` and that folder's `__pycache__`."""
    for top, dirs, _files in os.walk(source):
        if _PYCACHE in dirs:
            dirs.remove(_PYCACHE)
            into = os.path.normpath(os.path.join(mirror, os.path.relpath(top, source)))
            yield os.path.join(top, _PYCACHE), into, os.path.join(into, _PYCACHE)


def _stale(pycache: str, sources: str) -> bool:
    """Whether one kept `.pyc` in `pycache` (its header: PEP 552, timestamp based) names another mtime or
    size than its source in `sources` has now. False when that cannot be told."""
    try:
        for entry in os.scandir(pycache):
            name = entry.name
            if not name.endswith(".pyc") or name.count(".") != 2:  # NAME.TAG.pyc, not .opt-1
                continue
            try:
                source = os.stat(os.path.join(sources, name.split(".", 1)[0] + ".py"))
            except OSError:
                continue
            with open(entry.path, "rb") as f:
                head = f.read(16)
            if len(head) < 16 or int.from_bytes(head[4:8], "little") != 0:
                return False  # not timestamp based: Python checks it by hash, or never
            mtime, size = int.from_bytes(head[8:12], "little"), int.from_bytes(head[12:16], "little")
            return (mtime, size) != (int(source.st_mtime) & 0xFFFFFFFF, source.st_size & 0xFFFFFFFF)
    except OSError:
        pass
    return False


def _link_tree(src: str, dest: str) -> bool:
    """Hard-link the files of folder `src` into a new folder `dest`; False (and no `dest`) when one fails."""
    try:
        os.mkdir(dest)
    except OSError:
        return False
    try:
        for entry in os.scandir(src):
            if entry.is_file(follow_symlinks=False):
                os.link(entry.path, os.path.join(dest, entry.name))
        return True
    except OSError:
        import shutil

        shutil.rmtree(dest, ignore_errors=True)
        return False


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _move(src: str, dest: str) -> bool:
    try:
        os.rename(src, dest)
        return True
    except OSError:
        return False


def prune(root: str, keep: int, keep_path: str | None = None) -> None:
    """Remove all but the `keep` most recently used folders in `root` (`keep_path` first)."""
    import shutil

    try:
        entries = [e for e in os.scandir(root) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    entries.sort(key=lambda e: (e.path != keep_path, -e.stat(follow_symlinks=False).st_mtime))
    for old in entries[keep:]:
        shutil.rmtree(old.path, ignore_errors=True)
