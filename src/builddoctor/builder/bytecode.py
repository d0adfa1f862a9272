"""The build environment's bytecode, kept from one build to the next.

Decision (issue 16): the first hook of a build (`get_requires_for_build_wheel`) spends most of its
time compiling the backend: a new environment has no `__pycache__`, so Python compiles every module
setuptools imports (markupsafe's first hook: ~1.05 s with a fresh environment, ~0.4 s when the
bytecode is there; the second hook already finds what the first one wrote). `uv build` and pip
start from nothing each time, as builddoctor did.

After the hooks, the `__pycache__` folders the backend wrote in the environment's site-packages are
moved (a rename each, on the same filesystem) into the user cache folder, under a key of the
interpreter and the exact distributions installed (`name-version.dist-info`); the next build with
the same key moves them back into its new environment before its first hook. Nothing else is kept:
the environment is still made new and removed each time, and the backend still gets only what the
resolution of its requirements installs.

Why this is safe: Python checks every `.pyc` against its source's size and mtime before it uses it
and rewrites it when they differ (uv hard-links installed files from its cache, so a file keeps its
mtime from one environment to the next; a copied install gets new mtimes, so the old bytecode is
simply compiled again). The key keeps another version's bytecode out even when the check would not
catch it. A folder the new environment already has (a wheel that ships its bytecode) is left as it
is. Every step is best effort: a failed rename costs speed, never the build.

Where: `<user cache folder>/build-bytecode/<key>`, the 8 keys used last (a few MB each: markupsafe's
setuptools environment keeps 3.6 MB). `BUILDDOCTOR_NO_CACHE=1` or `build --no-cache` neither reads
nor writes it; under `PYTHONDONTWRITEBYTECODE` the backend writes nothing new to keep.
"""
from __future__ import annotations

import os

STORE = "build-bytecode"
#: How many keys (interpreter + installed distributions) are kept; the least recently used go first.
KEEP = 8
_PYCACHE = "__pycache__"


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


def store_key(python: str, site: str) -> str | None:
    """The store's name for this interpreter and the distributions installed in `site`."""
    import zlib

    try:
        dists = sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))
    except OSError:
        return None
    if not dists:
        return None
    return f"{zlib.crc32(chr(10).join([python, *dists]).encode('utf-8', 'surrogatepass')):08x}"


class Kept:
    """The store of one build environment: `restore()` before the first hook, `keep()` after the last."""

    def __init__(self, cache_dir: str, python: str, env: str) -> None:
        self.site = site_packages(env)
        key = store_key(python, self.site) if self.site else None
        self.root = os.path.join(cache_dir, STORE)
        self.store = os.path.join(self.root, key) if key else None

    def restore(self) -> int:
        """Move the stored `__pycache__` folders into the environment; how many were moved."""
        if self.store is None or self.site is None:
            return 0
        moved = 0
        for top, dirs, _files in os.walk(self.store):
            if _PYCACHE not in dirs:
                continue
            dirs.remove(_PYCACHE)
            into = os.path.normpath(os.path.join(self.site, os.path.relpath(top, self.store)))
            dest = os.path.join(into, _PYCACHE)
            if os.path.isdir(into) and not os.path.lexists(dest):
                try:
                    os.rename(os.path.join(top, _PYCACHE), dest)
                    moved += 1
                except OSError:
                    pass
        return moved

    def keep(self) -> int:
        """Move the environment's `__pycache__` folders into the store; how many were moved."""
        if self.store is None or self.site is None:
            return 0
        import shutil

        moved = 0
        for top, dirs, _files in os.walk(self.site):
            if _PYCACHE not in dirs:
                continue
            dirs.remove(_PYCACHE)
            into = os.path.normpath(os.path.join(self.store, os.path.relpath(top, self.site)))
            dest = os.path.join(into, _PYCACHE)
            try:
                if not moved:  # the user's own (a kept .pyc is code the next build runs); what is below inherits it
                    os.makedirs(self.root, mode=0o700, exist_ok=True)
                    os.makedirs(self.store, mode=0o700, exist_ok=True)
                os.makedirs(into, exist_ok=True)
                if os.path.lexists(dest):  # a concurrent build of the same key kept its own: the newer wins
                    shutil.rmtree(dest, ignore_errors=True)
                os.rename(os.path.join(top, _PYCACHE), dest)
                moved += 1
            except OSError:
                pass
        if moved:
            try:
                os.utime(self.store)
            except OSError:
                pass
            prune(self.root, KEEP)
        return moved


def prune(root: str, keep: int) -> None:
    """Remove all but the `keep` most recently used stores."""
    import shutil

    try:
        entries = [e for e in os.scandir(root) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime, reverse=True)
    for old in entries[keep:]:
        shutil.rmtree(old.path, ignore_errors=True)
