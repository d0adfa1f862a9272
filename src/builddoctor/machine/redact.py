"""What a snapshot may contain: an allow-list of variables, and no user names, hosts or secrets.

Paths keep their shape: the home folder becomes `~` and the rest of the path is untouched, while
the snapshot records the *shape* of the home folder (spaces, parentheses, non-ASCII, 8.3 name).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from .._regex import lazy
from .._text import last_path_part

TYPE_CHECKING = False
if TYPE_CHECKING:
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
_SECRET_NAME = lazy(r"TOKEN|SECRET|PASSW(OR)?D|KEY|AUTH|COOKIE|CREDENTIAL|SESSION", re.I)
#: THE pattern of credentials in a URL (scheme://user[:password]@): used by snapshots, build envs and why/index.
URL_USERINFO = lazy(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^/@\s:]*)(?::[^/@\s]*)?@")
_URL_CREDENTIALS = URL_USERINFO
# Query parameters that carry credentials: ?token=, private_token, access_token, X-Amz-Signature,
# X-Amz-Credential, X-Amz-Security-Token, an Azure SAS `sig=`, api_key= ...
_URL_QUERY_SECRET = lazy(
    r"(?P<name>[?&](?:[A-Za-z0-9_.\-]*(?:token|secret|passw(?:or)?d|signature|credential|api[_\-]?key"
    r"|access[_\-]?key|auth)[A-Za-z0-9_.\-]*|sig|key|code)=)[^&#\s\"'<>]+", re.I)
# NAME=VALUE words inside a value whose NAME looks secret: CFLAGS=-DAPI_KEY=..., CC="gcc -DPASSWORD=...",
# CMAKE_ARGS=-DSECRET=..., RUSTC_WRAPPER="sccache SCCACHE_TOKEN=..."
_ASSIGN_SECRET = lazy(
    r"(?P<name>(?<![A-Za-z0-9_])[A-Za-z0-9_]*?(?:TOKEN|SECRET|PASSW(?:OR)?D|KEY|AUTH|COOKIE|CREDENTIALS?"
    r"|SESSION)[A-Za-z0-9_]*=)(?P<value><redacted>|\"[^\"]*\"|'[^']*'|[^\s\"';&]+)", re.I)
# `token = "..."` lines of TOML / INI-style files (pyproject tables, pip.conf-like files)
_CONFIG_SECRET = lazy(
    r"(?im)^(?P<name>[ \t]*[\"']?[A-Za-z0-9_.\-]*(?:token|secret|passw(?:or)?d|credentials?|api[_\-]?key"
    r"|access[_\-]?key|private[_\-]?key)[A-Za-z0-9_.\-]*[\"']?[ \t]*[=:][ \t]*)(?P<value>\S.*)$")
REDACTED = "<redacted>"


# Variables a build backend has no use for and must not see (stricter than _SECRET_NAME, which also
# masks harmless names like SSH_AUTH_SOCK in reports).
_BACKEND_SECRET = lazy(r"(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)($|_)",
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


_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_PLAIN = _WORD | {"-"}  # characters that stand for themselves in a pattern
_ESCAPED = frozenset(".-/")  # \\. \\- \\/ stand for themselves too
_OPTIONAL = ("?", "*", "{")  # after an atom: it may be absent (taken conservatively for {m,n})


def literal_heads(pattern: str) -> list[str]:
    """The texts one of which every match of `pattern` starts with (3+ characters each), or [] when
    the pattern's start is not that plain: `ghp_...` -> ["ghp_"], `[sr]k_(live|test)_...` -> ["sk_live_",
    ...], `(AKIA|ASIA)[0-9A-Z]{16}` -> ["AKIA", "ASIA"], `SG\\.` -> ["SG."]. Read with string code: it
    runs for every credential shape the first time a text is scrubbed."""
    heads = [""]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c in "[(":
            close = pattern.find("]" if c == "[" else ")", i + 1)
            inner = pattern[i + 1:close] if close > i else ""
            if c == "[":  # [sr]: one of plain letters
                options = list(inner) if inner and _WORD.issuperset(inner) else []
            else:  # (AKIA|ASIA): two or more plain alternatives
                options = inner.split("|") if "|" in inner else []
                options = options if all(o and _PLAIN.issuperset(o) for o in options) else []
            nxt = close + 1
            if not options or pattern[nxt:nxt + 1] in _OPTIONAL or len(heads) * len(options) > 16:
                break
            heads = [h + o for h in heads for o in options]
            i = nxt
            continue
        text, j = "", i
        while j < n:
            if pattern[j] in _PLAIN:
                text, j = text + pattern[j], j + 1
            elif pattern[j] == "\\" and pattern[j + 1:j + 2] in _ESCAPED and j + 1 < n:
                text, j = text + pattern[j + 1], j + 2
            else:
                break
        if not text:
            break
        if pattern[j:j + 1] in _OPTIONAL:  # "ab?" requires only "a"
            heads = [h + text[:-1] for h in heads]
            break
        heads = [h + text for h in heads]
        i = j
    return heads if all(len(h) >= 3 for h in heads) else []


@functools.lru_cache(maxsize=1)
def _secret_shapes() -> tuple[tuple[str, ...], str, re.Pattern[str] | None]:
    """The credential shapes of toolchains/secrets.toml as (literal heads, the pattern of the shapes
    that have them, a compiled pattern of those that do not, None when every shape has heads).

    One regex of every shape takes 1.5 ms to compile, a tenth of a replayed check's own work, and
    almost no text holds a credential. A shape whose every match starts with one of a few plain
    texts (`ghp_`, `pypi-`, `-----BEGIN`, `sk_`/`rk_`) cannot match a text without them, so its part
    is compiled only for a text that holds one; a shape without such heads is always looked for.
    """
    from .._data import table

    heads: list[str] = []
    gated: list[str] = []
    always: list[str] = []
    for shape in table("secrets")["shape"]:
        pattern = str(shape["pattern"])
        found = literal_heads(pattern)
        if found:
            heads += found
            gated.append(pattern)
        else:
            always.append(pattern)
    return tuple(heads), _any(gated), re.compile(_any(always)) if always else None


def _any(patterns: list[str]) -> str:
    return "(?<![A-Za-z0-9])(?:" + "|".join(f"(?:{p})" for p in patterns) + ")" if patterns else "(?!)"


def scrub_secrets(text: str) -> str:
    """Mask credentials inside any text: in URLs, as NAME=VALUE words, and by their known shapes."""
    if not text:
        return text
    # each pattern needs a character most texts lack: they are compiled only for a text that has it
    if "://" in text:
        text = _URL_CREDENTIALS.sub(lambda m: m.group("scheme") + REDACTED + "@", text)
    if "=" in text:
        text = _URL_QUERY_SECRET.sub(lambda m: m.group("name") + REDACTED, text)
        text = _ASSIGN_SECRET.sub(lambda m: m.group("name") + REDACTED, text)
    heads, gated, always = _secret_shapes()
    if any(head in text for head in heads):
        text = re.sub(gated, REDACTED, text)  # compiled on the first text that needs it (re caches it)
    return always.sub(REDACTED, text) if always is not None else text


def scrub_config(text: str) -> str:
    """scrub_secrets, and `token = ...` lines of configuration files masked whatever their value."""
    return scrub_secrets(_CONFIG_SECRET.sub(lambda m: m.group("name") + '"' + REDACTED + '"', text))


def minimize_cargo_config(text: str) -> str:
    """Only the parts of a cargo config the Rust probe reads (build.target, target.<triple>.linker).

    Cargo configs hold registry tokens ([registry] token, [registries.NAME] token), credential
    providers, proxies with passwords and [env] values: none of that belongs in a snapshot.
    """
    import json

    from .._compat.tomllib import TOMLDecodeError, loads

    head = "# builddoctor kept only build.target and target.<triple>.linker of this file\n"
    try:
        doc = loads(text)
    except TOMLDecodeError:
        return head + "# (it is not valid TOML)\n"
    out = [head]
    build = doc.get("build")
    target = build.get("target") if isinstance(build, dict) else None
    if isinstance(target, str) or (isinstance(target, list) and all(isinstance(t, str) for t in target)):
        out.append(f"[build]\ntarget = {json.dumps(target, ensure_ascii=False)}\n")
    targets = doc.get("target")
    for triple, table in (targets.items() if isinstance(targets, dict) else ()):
        if isinstance(table, dict) and isinstance(table.get("linker"), str):
            out.append(f"[target.{json.dumps(str(triple), ensure_ascii=False)}]\n"
                       f"linker = {json.dumps(table['linker'], ensure_ascii=False)}\n")
    return "".join(out)


# The only files named config / config.toml the probes read are cargo's ($CARGO_HOME/config.toml,
# <project and its parents>/.cargo/config.toml); CARGO_HOME can be any folder.
_CARGO_CONFIG = lazy(r"(^|[\\/])config(\.toml)?$")
_CONFIG_FILE = lazy(r"\.(toml|cfg|ini|conf|lock)$|(^|[\\/])\.[A-Za-z0-9_.\-]*rc$", re.I)


def _minimize_read(key: str, value: Any) -> Any:
    if not key.startswith("read_text ") or not isinstance(value, str):
        return value
    path = key[len("read_text "):]
    if _CARGO_CONFIG.search(path):
        return minimize_cargo_config(value)
    return scrub_config(value) if _CONFIG_FILE.search(path) else value


def minimize_reads(reads: dict[str, Any]) -> dict[str, Any]:
    """Config files reduced to what probes use (cargo configs), secret-looking config lines masked."""
    return {key: _minimize_read(key, value) for key, value in reads.items()}


def home_shape(home: str) -> dict[str, Any]:
    """What about the home folder can break builds, without the folder's name."""
    tail = last_path_part(home.rstrip("\\/")) if home else ""
    return {
        "has_space": " " in tail,
        "has_parens": "(" in tail or ")" in tail,
        "non_ascii": any(ord(c) > 127 for c in tail),
        "is_8dot3": "~" in tail,
        "length": len(home),
    }


# Folders whose children are named after users: the user name is replaced only as such a child.
_HOME_PARENTS = r"(?:home|Users|export[\\/]home|var[\\/]home|usr[\\/]home|Documents and Settings)"


def printable(text: str) -> str:
    """Text with undecodable bytes of a path (os.fsdecode's surrogates) shown as \\xff: valid UTF-8 out."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def printable_deep(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [printable_deep(v) for v in value]
    if isinstance(value, dict):
        return {printable_deep(k): printable_deep(v) for k, v in value.items()}
    return value


class Redactor:
    """Replaces the home folder, the user name and the host name in a string, without touching facts.

    The user name is replaced only as a path component right under a home-like folder
    (`/home/NAME/`, `/Users/NAME`, `C:\\Users\\NAME`): replacing it as a substring everywhere turned
    `[build-system]` into `[<user>-system]` for the user `build` and every `-linux-` triple into
    `-<user>-` for the user `linux`. The host name is replaced only as a whole word that cannot be
    an ordinary word of a fact (it has a digit, a dot or a dash), or after `@` / `//` / `\\\\`.
    """

    def __init__(self, home: str, user: str | None, host: str | None, *, windows: bool) -> None:
        self._rules: list[tuple[re.Pattern[str], str]] = []
        flags = re.I if windows else 0
        homes = {home.rstrip("\\/")} if home and len(home.rstrip("\\/")) > 1 else set()
        if windows:
            homes |= {h.replace("\\", "/") for h in homes}
        for h in sorted(homes, key=len, reverse=True):
            self._rules.append((re.compile(r"(?<![A-Za-z0-9_.\-~/\\])" + re.escape(h) + r"(?=$|[\\/\s;:\"'])",
                                           flags), "~"))
        if user and user.strip():
            self._rules.append((re.compile(r"(?P<pre>[\\/]" + _HOME_PARENTS + r"[\\/])" + re.escape(user)
                                           + r"(?=$|[\\/\s;:\"',\])])", flags), r"\g<pre><user>"))
        if host and len(host) >= 3:
            after = r"(?![A-Za-z0-9_\-])"
            word = r"(?<![A-Za-z0-9_.\-])" + re.escape(host) + after
            in_url = r"(?:(?<=@)|(?<=//)|(?<=\\\\))" + re.escape(host) + after
            self._rules.append((re.compile(word if re.search(r"[0-9.\-]", host) else in_url, re.I), "<host>"))

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
