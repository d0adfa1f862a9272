"""What a child process said: `ProcResult`, and the decoding every reader of it shares.

Every machine answers runs with these, a replay too; running children (and importing what that
takes: signals, job objects, threads) is proc.py's, which a replayed check never loads.
"""
from __future__ import annotations

import sys

from ._record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_TIMEOUT = 20.0
MAX_CAPTURE = 4 * 1024 * 1024  # bytes kept per stream; the rest is dropped from the middle


@record
class ProcResult:
    """What running a program gave. `error` is set when it could not run or did not finish."""

    argv: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    error: str | None = None  # "not-found" | "permission-denied" | "timeout" | "os-error: ..."

    @property
    def ok(self) -> bool:
        return self.error is None and self.returncode == 0

    def to_json(self) -> dict[str, object]:
        return {
            "argv": list(self.argv),
            "returncode": self.returncode,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ProcResult:
        rc = data.get("returncode")
        err = data.get("error")
        argv = data.get("argv") or []
        return cls(
            argv=tuple(str(a) for a in argv) if isinstance(argv, list) else (),
            returncode=int(rc) if isinstance(rc, int) else None,
            stdout=str(data.get("stdout") or ""),
            stderr=str(data.get("stderr") or ""),
            error=str(err) if err is not None else None,
        )


def decode(data: bytes) -> str:
    """UTF-8 first (with BOM and UTF-16 sniffing), then the locale; never raises."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            return data.decode("mbcs")
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("utf-8", errors="backslashreplace")


def excerpt(text: str, limit: int = 200) -> str:
    """One line of a program's output for a message: whitespace collapsed, control characters escaped
    (a terminal must not interpret bytes a broken tool printed), at most `limit` characters."""
    one = " ".join(text.split())
    one = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in one)
    return one[:limit] + ("..." if len(one) > limit else "")


