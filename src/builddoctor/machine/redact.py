"""What a snapshot may contain: an allow-list of variables, and no user names, hosts or secrets.

Paths keep their shape: the home folder becomes `~` and the rest of the path is untouched, while
the snapshot records the *shape* of the home folder (spaces, parentheses, non-ASCII, 8.3 name).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_NAMES = {
    "PATH", "PATHEXT", "HOME", "USERPROFILE", "CC", "CXX", "CPP", "AR", "LD", "CFLAGS", "CXXFLAGS",
    "CPPFLAGS", "LDFLAGS", "ARCHFLAGS", "_PYTHON_HOST_PLATFORM", "MACOSX_DEPLOYMENT_TARGET", "SDKROOT",
    "VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONHOME", "PYTHONPATH", "PROCESSOR_ARCHITECTURE",
    "PROCESSOR_ARCHITEW6432", "PROCESSOR_IDENTIFIER", "PROGRAMFILES", "PROGRAMFILES(X86)", "PROGRAMW6432",
    "LOCALAPPDATA", "SYSTEMROOT", "INCLUDE", "LIB", "LIBPATH", "VCINSTALLDIR", "VSINSTALLDIR",
    "VCTOOLSINSTALLDIR", "VCTOOLSVERSION", "WINDOWSSDKDIR", "WINDOWSSDKVERSION", "VISUALSTUDIOVERSION",
    "DISTUTILS_USE_SDK", "PLATFORM", "SETUPTOOLS_EXT_SUFFIX", "DIST_EXTRA_CONFIG", "PIP_INDEX_URL",
    "UV_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL", "NO_COLOR", "LANG", "LC_ALL",
    "VSTEL_MSBUILDPROJECTFULLPATH", "NINJA", "MAKEFLAGS",
    "PIP_CONSTRAINT", "UV_BUILD_CONSTRAINT", "UV_CONSTRAINT", "PIP_NO_BUILD_ISOLATION", "UV_NO_BUILD_ISOLATION",
    "LDSHARED", "SQLITE3_LIB_DIR", "PIP_NO_BINARY", "UV_NO_BINARY", "UV_NO_BINARY_PACKAGE",
}
_PREFIXES = (
    "RUSTUP_", "CARGO_", "RUSTC", "RUSTFLAGS", "RUSTDOCFLAGS", "VSCMD_", "CC_", "CXX_", "CFLAGS_",
    "CXXFLAGS_", "TARGET_", "HOST_", "PYO3_", "MATURIN_", "SKBUILD_", "CMAKE_", "UV_PYTHON",
    "SETUPTOOLS_RUST_", "PKG_CONFIG", "OPENSSL_", "VCPKG_",
)
_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW(OR)?D|KEY|AUTH|COOKIE|CREDENTIAL|SESSION", re.I)
_SECRET_VALUE = re.compile(
    r"(ghp_[A-Za-z0-9]{20,}|gh[ousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|pypi-[A-Za-z0-9_\-]{20,}"
    r"|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{5,})"
)
#: THE pattern of credentials in a URL (scheme://user[:password]@): used by snapshots, build envs and why/index.
URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^/@\s:]*)(?::[^/@\s]*)?@")
_URL_CREDENTIALS = URL_USERINFO
REDACTED = "<redacted>"


# Variables a build backend has no use for and must not see (stricter than _SECRET_NAME, which also
# masks harmless names like SSH_AUTH_SOCK in reports).
_BACKEND_SECRET = re.compile(r"(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)($|_)",
                             re.I)


def is_backend_secret(name: str, value: str) -> bool:
    """A variable to strip from a build backend's environment: a secret by name, or a URL with a password."""
    return bool(_BACKEND_SECRET.search(name) or _URL_CREDENTIALS.search(value))


def is_allowed(name: str) -> bool:
    upper = name.upper()
    return upper in _NAMES or upper.startswith(_PREFIXES)


def allowed_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables probes may see: allow-listed names, secret-looking ones masked."""
    out: dict[str, str] = {}
    for name, value in environ.items():
        if not is_allowed(name):
            continue
        out[name] = REDACTED if _SECRET_NAME.search(name) else scrub_secrets(value)
    return out


def scrub_secrets(text: str) -> str:
    text = _URL_CREDENTIALS.sub(lambda m: m.group("scheme") + REDACTED + "@", text)
    return _SECRET_VALUE.sub(REDACTED, text)


def home_shape(home: str) -> dict[str, Any]:
    """What about the home folder can break builds, without the folder's name."""
    tail = re.split(r"[\\/]", home.rstrip("\\/"))[-1] if home else ""
    return {
        "has_space": " " in tail,
        "has_parens": "(" in tail or ")" in tail,
        "non_ascii": any(ord(c) > 127 for c in tail),
        "is_8dot3": "~" in tail,
        "length": len(home),
    }


class Redactor:
    """Replaces the home folder, the user name and the host name everywhere in a string."""

    def __init__(self, home: str, user: str | None, host: str | None, *, windows: bool) -> None:
        self._rules: list[tuple[re.Pattern[str], str]] = []
        flags = re.I if windows else 0
        homes = {home.rstrip("\\/")} if home and len(home.rstrip("\\/")) > 1 else set()
        if windows:
            homes |= {h.replace("\\", "/") for h in homes}
        for h in sorted(homes, key=len, reverse=True):
            self._rules.append((re.compile(re.escape(h) + r"(?=$|[\\/\s;:\"'])", flags), "~"))
        if user and len(user) >= 3:
            self._rules.append((re.compile(re.escape(user), flags), "<user>"))
        if host and len(host) >= 3:
            self._rules.append((re.compile(re.escape(host), re.I), "<host>"))

    def text(self, value: str) -> str:
        for pattern, repl in self._rules:
            value = pattern.sub(repl, value)
        return scrub_secrets(value)

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.deep(v) for k, v in value.items()}
        return value
