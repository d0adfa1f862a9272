"""Where the user cache folder is (platformdirs' user cache folder, without the dependency): what
cache.py keeps program answers in and _data.py keeps parsed tables in. Its own module so that a
replay, which reads parsed tables, does not load the program-answer cache."""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

ENV_VAR = "BUILDDOCTOR_CACHE_DIR"


def default_dir(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """The user cache folder for builddoctor; "" when there is none. `BUILDDOCTOR_CACHE_DIR` when set,
    else `%LOCALAPPDATA%\\builddoctor\\Cache` on Windows, `~/Library/Caches/builddoctor` on macOS,
    `$XDG_CACHE_HOME/builddoctor` (an absolute one) or `~/.cache/builddoctor` elsewhere."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if env.get(ENV_VAR):
        return env[ENV_VAR]
    home = env.get("USERPROFILE" if plat == "win32" else "HOME") or ""
    if plat == "win32":
        base = env.get("LOCALAPPDATA") or (os.path.join(home, "AppData", "Local") if home else "")
        return os.path.join(base, "builddoctor", "Cache") if base else ""
    if plat == "darwin":
        return os.path.join(home, "Library", "Caches", "builddoctor") if home else ""
    xdg = env.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative value is invalid and ignored
        return os.path.join(xdg, "builddoctor")
    return os.path.join(home, ".cache", "builddoctor") if home else ""
